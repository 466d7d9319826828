"""The seeded cell of the u02 assignment: a fictional lithium-ion cell's composition.

Each student gets another cell (a layered-oxide positive electrode LiNi_xMn_yCo_zO2 with its own
x, y, z, another negative electrode capacity, voltage, N/P ratio, coating fractions and part
masses), so the energy-density chain must be computed, not copied. The assignment's set-up
cell, its hidden tests, the lab page and the teacher guide call :func:`cell_composition` with
the same seed. The cell is an exercise: its numbers are drawn from ranges chosen so that the
chain gives cells of a few hundred Wh/kg; they are not data of a real product. The
energy-density arithmetic lives in :mod:`denchi.chem.materials` (this layer imports only the
base modules and :mod:`denchi.labs.seeds`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from denchi.labs.seeds import seed_number

_STREAM = 16  # a random stream of its own (u02)


@dataclass(frozen=True)
class CellComposition:
    """A fictional cell: what it is made of and how much of each part it holds.

    Attributes:
        cathode_formula: The positive active material, e.g. ``"LiNi0.6Mn0.2Co0.2O2"``
            (for :func:`denchi.chem.molar_mass_g_mol`).
        cathode_utilisation: The fraction of the material's theoretical capacity that the
            cell uses reversibly (its practical capacity over its theoretical one).
        anode_mah_g: Practical specific capacity of the negative active material [mAh/g]
            (graphite, or graphite with some silicon oxide).
        voltage_v: Mean discharge voltage [V].
        np_ratio: Negative over positive capacity.
        cathode_active_fraction: Mass fraction of active material in the dry positive coating.
        anode_active_fraction: Mass fraction of active material in the dry negative coating.
        capacity_ah: Capacity of the cell [Ah].
        collectors_g: Aluminium and copper foils of the whole cell [g].
        separator_g: Separator of the whole cell [g].
        electrolyte_g: Electrolyte of the whole cell [g].
        case_g: Case, lid and tabs [g].
    """

    cathode_formula: str
    cathode_utilisation: float
    anode_mah_g: float
    voltage_v: float
    np_ratio: float
    cathode_active_fraction: float
    anode_active_fraction: float
    capacity_ah: float
    collectors_g: float
    separator_g: float
    electrolyte_g: float
    case_g: float

    def rows(self) -> list[tuple[str, str]]:
        """The composition as (Japanese label, value with unit) rows for a table."""
        return [
            ("正極活物質", self.cathode_formula),
            ("正極活物質の利用率（実用容量 / 理論容量）", f"{self.cathode_utilisation:.2f}"),
            ("負極活物質の実用比容量", f"{self.anode_mah_g:g} mAh/g"),
            ("平均放電電圧", f"{self.voltage_v:.2f} V"),
            ("N/P 比", f"{self.np_ratio:.2f}"),
            ("正極合材中の活物質の質量分率", f"{self.cathode_active_fraction:.2f}"),
            ("負極合材中の活物質の質量分率", f"{self.anode_active_fraction:.2f}"),
            ("セルの容量", f"{self.capacity_ah:g} Ah"),
            ("集電体（Al 箔 + Cu 箔）", f"{self.collectors_g:g} g"),
            ("セパレータ", f"{self.separator_g:g} g"),
            ("電解液", f"{self.electrolyte_g:g} g"),
            ("外装（ケース・タブ）", f"{self.case_g:g} g"),
        ]


def _nmc_formula(rng: np.random.Generator) -> str:
    """LiNi_xMn_yCo_zO2 with x from 0.5 to 0.9 in steps of 0.05 and y + z = 1 − x."""
    nickel = rng.integers(10, 19) * 0.05
    manganese = round(float(rng.uniform(0.3, 0.7)) * (1.0 - nickel), 3)
    cobalt = round(1.0 - nickel - manganese, 3)
    return f"LiNi{nickel:.2f}Mn{manganese:g}Co{cobalt:g}O2"


def cell_composition(seed: int | str) -> CellComposition:
    """The fictional cell of the student with ``seed``.

    Args:
        seed: The student's seed (``labs.student_seed(...)``): a non-negative integer or a
            1–200 character string.

    Returns:
        The cell's :class:`CellComposition`; the same seed always gives the same cell.

    Raises:
        LabInputError: if ``seed`` is not a valid seed.
    """
    rng = np.random.default_rng([seed_number(seed), _STREAM])
    capacity_ah = float(rng.choice([2.5, 3.0, 4.8, 5.0, 20.0, 50.0, 60.0]))

    def grams(low: float, high: float) -> float:
        return round(float(rng.uniform(low, high)) * capacity_ah, 2)

    return CellComposition(
        cathode_formula=_nmc_formula(rng),
        cathode_utilisation=round(float(rng.uniform(0.62, 0.80)), 2),
        anode_mah_g=float(rng.integers(330, 451)),
        voltage_v=round(float(rng.uniform(3.55, 3.75)), 2),
        np_ratio=round(float(rng.uniform(1.05, 1.25)), 2),
        cathode_active_fraction=round(float(rng.uniform(0.90, 0.97)), 2),
        anode_active_fraction=round(float(rng.uniform(0.93, 0.98)), 2),
        capacity_ah=capacity_ah,
        collectors_g=grams(0.8, 1.6),
        separator_g=grams(0.2, 0.5),
        electrolyte_g=grams(1.2, 2.4),
        case_g=grams(0.6, 2.4),
    )
