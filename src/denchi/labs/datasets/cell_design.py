"""The u04 assignment: a student's seeded electrode sheet, and the design contest's rule.

:func:`electrode_sheet` gives each student another positive electrode coating (thickness,
porosity, solid density, active fraction, specific capacity) and the negative electrode's areal
capacity, for the closed-form questions (loading, areal capacity, N/P ratio, pressing and the
Bruggeman relation, all :mod:`denchi.chem.design`). The sheet is an exercise: its numbers are
drawn from ranges that give coatings of about 2 to 7.5 mAh/cm²; they are not data of a product.

:func:`evaluate_design` is the design question's rule, the same for every student: a cell made
by ``labs.design_cell`` from the LG M50 preset with the student's positive electrode thickness,
porosity and N/P ratio (SPMe, 25 ℃) must deliver at 2C at least
:data:`RATE_REQUIREMENT` of its C/5 capacity; among designs that do, more Wh/kg (stack energy
at C/5 over stack mass) is better. Two PyBaMM solves per design (about 2 s). The hidden test,
the contest table (``denchi grade contest u04_cell_design``) and the teacher guide call it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from denchi.chem import (
    areal_capacity_mah_cm2,
    bruggeman_transport_efficiency,
    calendered_thickness_um,
    coating_loading_mg_cm2,
)
from denchi.i18n import bilingual
from denchi.labs.api.design import design_cell
from denchi.labs.errors import LabInputError, LabSimulationError
from denchi.labs.seeds import seed_number
from denchi.validation import number_in_range

_STREAM = 40  # a random stream of its own (u04)

SLOW_C_RATE = 0.2
FAST_C_RATE = 2.0
RATE_REQUIREMENT = 0.90  # capacity at 2C over capacity at C/5
NP_ALLOWED = (1.05, 1.30)  # the assignment's rule: margin against lithium plating
MODEL = "spme"
# The reference design of the teacher guide: the best design meeting RATE_REQUIREMENT in a
# sweep of positive thickness 70-120 µm (5-10 µm steps), porosity 0.25-0.45 (0.25, 0.30,
# 0.33, 0.35, 0.36, 0.40, 0.45) and N/P 1.05 and 1.1 (December 2026, PyBaMM of uv.lock).
# A student may find a better one; the credit bands allow for it.
# tests/test_labs_cell_design.py simulates it again and checks REFERENCE_WH_KG.
REFERENCE_DESIGN = (100.0, 0.33, 1.05)  # positive thickness [µm], porosity, N/P ratio
REFERENCE_WH_KG = 330.5
# Partial credit: the fraction of the points for a design that meets the requirement, by its
# Wh/kg over the reference's (a design below every band still earns the last fraction).
CREDIT_BANDS = ((0.97, 1.0), (0.93, 0.75), (0.85, 0.5), (0.0, 0.25))


@dataclass(frozen=True)
class ElectrodeSheet:
    """A fictional positive electrode coating and the negative electrode it is paired with.

    Attributes:
        thickness_um: Coating thickness on one side of the foil, after drying [µm].
        porosity: Porosity of the dried coating (before pressing).
        solid_density_g_cm3: Density of the coating's solid part [g/cm³].
        active_fraction: Mass fraction of active material in the dry coating.
        specific_mah_g: Practical specific capacity of the active material [mAh/g].
        negative_mah_cm2: Areal capacity of the negative electrode facing it [mAh/cm²].
        pressed_porosity: Porosity after pressing (calendering).
    """

    thickness_um: float
    porosity: float
    solid_density_g_cm3: float
    active_fraction: float
    specific_mah_g: float
    negative_mah_cm2: float
    pressed_porosity: float

    def rows(self) -> list[tuple[str, str]]:
        """The sheet as (Japanese label, value with unit) rows for a table."""
        return [
            ("正極合材層の厚さ（乾燥後、片面）", f"{self.thickness_um:g} µm"),
            ("乾燥後の空隙率", f"{self.porosity:.2f}"),
            ("合材の固体部分の密度", f"{self.solid_density_g_cm3:.2f} g/cm³"),
            ("合材中の活物質の質量分率", f"{self.active_fraction:.2f}"),
            ("活物質の実用比容量", f"{self.specific_mah_g:g} mAh/g"),
            ("対向する負極の面積容量", f"{self.negative_mah_cm2:.2f} mAh/cm²"),
            ("プレス後の空隙率", f"{self.pressed_porosity:.2f}"),
        ]


def electrode_sheet(seed: int | str) -> ElectrodeSheet:
    """The electrode sheet of the student with ``seed``.

    Args:
        seed: The student's seed (``labs.student_seed(...)``): a non-negative integer or a
            1–200 character string.

    Returns:
        The :class:`ElectrodeSheet`; the same seed always gives the same sheet.

    Raises:
        LabInputError: if ``seed`` is not a valid seed.
    """
    rng = np.random.default_rng([seed_number(seed), _STREAM])
    thickness = float(rng.integers(16, 29)) * 5.0  # 80–140 µm before pressing
    porosity = round(float(rng.uniform(0.42, 0.52)), 2)
    density = round(float(rng.uniform(4.2, 4.8)), 2)
    fraction = round(float(rng.uniform(0.90, 0.97)), 2)
    specific = float(rng.integers(150, 201))
    positive = areal_capacity_mah_cm2(
        coating_loading_mg_cm2(thickness, porosity, density), specific, fraction
    )
    return ElectrodeSheet(
        thickness_um=thickness,
        porosity=porosity,
        solid_density_g_cm3=density,
        active_fraction=fraction,
        specific_mah_g=specific,
        negative_mah_cm2=round(positive * float(rng.uniform(1.05, 1.25)), 2),
        pressed_porosity=round(float(rng.uniform(0.25, 0.35)), 2),
    )


@dataclass(frozen=True)
class SheetAnswers:
    """The reference answers of the sheet's questions (問1–問3 of the assignment).

    Attributes:
        areal_mah_cm2: Positive areal capacity [mAh/cm²] (``chem.areal_capacity_mah_cm2``).
        np_ratio: Negative over positive areal capacity.
        pressed_thickness_um: Thickness after pressing [µm] (``chem.calendered_thickness_um``).
        efficiency_ratio: Bruggeman transport efficiency after over before pressing.
    """

    areal_mah_cm2: float
    np_ratio: float
    pressed_thickness_um: float
    efficiency_ratio: float


def sheet_answers(seed: int | str) -> SheetAnswers:
    """The reference answers for the sheet of the student with ``seed`` (hidden tests, guide).

    Args:
        seed: The student's seed, as for :func:`electrode_sheet`.

    Raises:
        LabInputError: if ``seed`` is not a valid seed.
    """
    s = electrode_sheet(seed)
    areal = areal_capacity_mah_cm2(
        coating_loading_mg_cm2(s.thickness_um, s.porosity, s.solid_density_g_cm3),
        s.specific_mah_g,
        s.active_fraction,
    )
    return SheetAnswers(
        areal_mah_cm2=areal,
        np_ratio=s.negative_mah_cm2 / areal,
        pressed_thickness_um=calendered_thickness_um(
            s.thickness_um, s.porosity, s.pressed_porosity
        ),
        efficiency_ratio=bruggeman_transport_efficiency(s.pressed_porosity)
        / bruggeman_transport_efficiency(s.porosity),
    )


@dataclass(frozen=True)
class DesignEvaluation:
    """A design judged by the u04 rule (:func:`evaluate_design`).

    Attributes:
        positive_thickness_um: The design's positive electrode thickness [µm].
        positive_porosity: Its positive electrode porosity.
        np_ratio: Its N/P ratio.
        wh_kg: Stack energy at C/5 over stack mass [Wh/kg]; 0 if the cell could not be made.
        capacity_ratio: Capacity at 2C over capacity at C/5 (0 if 2C stops at once).
        meets: Whether the design keeps the N/P rule and meets :data:`RATE_REQUIREMENT`.
        note_ja: Why it does not meet it (empty when it does), in Japanese.
        note_en: The same in English.
    """

    positive_thickness_um: float
    positive_porosity: float
    np_ratio: float
    wh_kg: float
    capacity_ratio: float
    meets: bool
    note_ja: str = ""
    note_en: str = ""

    def summary(self) -> str:
        """The verdict in one sentence, in Japanese then English (the grader prints it)."""
        ja = (
            f"設計の重量エネルギー密度 {self.wh_kg:.1f} Wh/kg、2C の容量は C/5 の "
            f"{self.capacity_ratio:.1%}。{self.note_ja}"
        )
        en = (
            f"The design gives {self.wh_kg:.1f} Wh/kg; at 2C it delivers "
            f"{self.capacity_ratio:.1%} of its C/5 capacity. {self.note_en}"
        )
        return bilingual(ja, en.strip())

    def credit(self) -> float:
        """The fraction of the design question's points (0–1), by :data:`CREDIT_BANDS`."""
        if not self.meets:
            return 0.0
        share = self.wh_kg / REFERENCE_WH_KG
        return next(credit for low, credit in CREDIT_BANDS if share >= low)


def evaluate_design(
    positive_thickness_um: float, positive_porosity: float, np_ratio: float
) -> DesignEvaluation:
    """Simulate a design at C/5 and 2C (SPMe, 25 ℃, LG M50 base) and judge it.

    Args:
        positive_thickness_um: Positive electrode thickness [µm] (``design_cell``'s range).
        positive_porosity: Positive electrode porosity (``design_cell``'s range).
        np_ratio: N/P ratio; the rule asks for :data:`NP_ALLOWED` (a design outside it is
            simulated but does not meet the rule).

    Returns:
        The :class:`DesignEvaluation` (0 Wh/kg for a design that cannot be simulated).

    A bad design never raises: a ``LabInputError`` (a value outside ``labs.design_cell``'s
    ranges, or not a number) and a ``LabSimulationError`` (PyBaMM could not charge or
    discharge the cell) become a verdict that does not meet the rule, with the reason in its
    notes; a 2C discharge that stops at once counts as a capacity ratio of 0.
    """
    try:
        ratio = number_in_range("np_ratio", np_ratio, 0.5, 3.0, "", label_ja="N/P 比")
        design = design_cell(
            positive_thickness_um=positive_thickness_um,
            positive_porosity=positive_porosity,
            np_ratio=ratio,
            c_rate=SLOW_C_RATE,
            model=MODEL,
        )
    except LabInputError as error:
        return DesignEvaluation(
            math.nan, math.nan, math.nan, 0.0, 0.0, False, error.message_ja, error.message_en
        )
    except LabSimulationError:
        return DesignEvaluation(
            float(positive_thickness_um),
            float(positive_porosity),
            ratio,
            0.0,
            0.0,
            False,
            "この設計のセルは C/5 でも放電を計算できませんでした。",
            "This design could not be discharged even at C/5.",
        )
    try:
        fast = design.cell.discharge(c_rate=FAST_C_RATE).capacity_ah
    except LabSimulationError:
        fast = 0.0
    capacity_ratio = fast / design.capacity_ah
    low, high = NP_ALLOWED
    note_ja, note_en = "", ""
    if not low <= ratio <= high:
        note_ja = f"N/P 比が決まりの範囲 {low:g}〜{high:g} の外です。"
        note_en = f"The N/P ratio is outside the rule's {low:g} to {high:g}."
    elif capacity_ratio < RATE_REQUIREMENT:
        note_ja = (
            f"2C の容量が C/5 の {capacity_ratio:.0%} で、"
            f"要求の {RATE_REQUIREMENT:.0%} に届きません。"
        )
        note_en = (
            f"At 2C it delivers {capacity_ratio:.0%} of its C/5 capacity; "
            f"{RATE_REQUIREMENT:.0%} is required."
        )
    return DesignEvaluation(
        positive_thickness_um=design.positive_thickness_um,
        positive_porosity=design.positive_porosity,
        np_ratio=design.np_ratio,
        wh_kg=design.gravimetric_wh_kg,
        capacity_ratio=capacity_ratio,
        meets=not note_ja,
        note_ja=note_ja,
        note_en=note_en,
    )
