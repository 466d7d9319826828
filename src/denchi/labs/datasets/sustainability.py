"""The seeded cell of the u08 assignment: a fictional cell's life-cycle inventory and metals.

Each student gets another cell: its capacity, the grid electricity and the other emissions of
each life-cycle stage of METI's draft CFP method (raw materials, production, distribution, end
of life; :data:`denchi.sustain.CFP_STAGES`), the emission factor of the region's grid, a
cleaner supply the cell factory could switch to, and the cobalt, lithium and nickel in its
active materials with the part recovered from waste. The numbers are drawn from ranges chosen
for an exercise (a result of some tens of kg CO2e per kWh, the order of the published range of
41–89 kg CO2e/kWh, Xu et al. 2022); they are not data of a real cell, plant or material. The
materials stage adds the metals' emissions with :func:`denchi.sustain.material_emissions_kg`,
so a larger recycled share lowers it. Exactly one metal or none misses its 2031 minimum, each
by a clear margin. The lab page, the assignment's set-up cell, its hidden tests and the teacher
guide call :func:`cell_inventory` with the same seed; the sums are
:func:`denchi.sustain.cfp_by_stage` and :func:`denchi.sustain.recycled_content_check`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from denchi import sustain
from denchi.labs.seeds import seed_number

_STREAM = 61  # a random stream of its own (u08)
METALS = ("cobalt", "lithium", "nickel")  # the metals of the recycled-content check, in order
METAL_NAMES_JA = {"cobalt": "コバルト", "lithium": "リチウム", "nickel": "ニッケル"}
# Exercise values of the metals' emission factors [kg CO2e per kg of metal]: (virgin,
# recycled). Chosen for the exercise only, not measured factors of real materials.
EXERCISE_METAL_FACTORS = {"cobalt": (30.0, 10.0), "lithium": (60.0, 20.0), "nickel": (20.0, 6.0)}
# Exercise ranges of the metals per kWh of capacity [kg/kWh] (a nickel-rich cathode)
_METAL_KG_PER_KWH = {"cobalt": (0.08, 0.20), "lithium": (0.09, 0.14), "nickel": (0.5, 0.8)}
CHOICES = "ABCD"  # A: every metal complies; B, C, D: cobalt, lithium, nickel falls short


@dataclass(frozen=True)
class SeededInventory:
    """A fictional cell's life-cycle inventory (stage keys of :data:`denchi.sustain.CFP_STAGES`).

    Attributes:
        capacity_kwh: The cell's energy [kWh].
        electricity_kwh: Stage -> grid electricity used for this cell in the stage [kWh].
        other_kg: Stage -> the stage's other emissions for this cell [kg CO2e] (the materials
            stage includes the metals' emissions at their recycled shares).
        grid_kg_per_kwh: Emission factor of the region's grid, used in every stage
            [kg CO2/kWh].
        factory_kg_per_kwh: Emission factor of the cleaner supply the cell factory (the
            production stage alone) could switch to [kg CO2/kWh].
        metals_kg: Metal -> its mass in the active materials [kg] (:data:`METALS`).
        recycled_kg: Metal -> the part of it recovered from waste [kg].
    """

    capacity_kwh: float
    electricity_kwh: dict[str, float]
    other_kg: dict[str, float]
    grid_kg_per_kwh: float
    factory_kg_per_kwh: float
    metals_kg: dict[str, float]
    recycled_kg: dict[str, float]

    def footprint(self) -> sustain.StageFootprint:
        """The cell's CFP by stage on the region's grid (:func:`denchi.sustain.cfp_by_stage`)."""
        return sustain.cfp_by_stage(self.electricity_kwh, self.other_kg, self.grid_kg_per_kwh)

    def switched_kg_per_kwh(self) -> float:
        """CFP per kWh [kg CO2e/kWh] when the production stage runs on the cleaner supply
        (``factory_kg_per_kwh``) and the other stages stay on the region's grid."""
        saved = self.electricity_kwh["production"] * (
            self.grid_kg_per_kwh - self.factory_kg_per_kwh
        )
        return (self.footprint().total_kg - saved) / self.capacity_kwh

    def recycled_content(self) -> dict[str, sustain.RecycledContent]:
        """Each metal's recycled share against its 2031 minimum
        (:func:`denchi.sustain.recycled_content_check`)."""
        return sustain.recycled_content_check(self.recycled_kg, self.metals_kg)

    def with_recycled_share(self, share: float) -> SeededInventory:
        """The same cell with every metal at the recycled share ``share`` (0 to 1): the
        materials stage changes by the metals' emissions
        (:func:`denchi.sustain.material_emissions_kg` with :data:`EXERCISE_METAL_FACTORS`).

        Args:
            share: Recycled share of every metal, 0 to 1.

        Raises:
            denchi.errors.InputError: If ``share`` is not a number from 0 to 1.
        """
        now = _metals_emissions_kg(self.metals_kg, self.recycled_kg)
        recycled = {m: self.metals_kg[m] * share for m in METALS}
        then = _metals_emissions_kg(self.metals_kg, recycled)
        other = {**self.other_kg, "materials": self.other_kg["materials"] - now + then}
        return replace(self, other_kg=other, recycled_kg=recycled)

    def choice(self) -> str:
        """The letter of :data:`CHOICES` that answers "which metal falls short?"."""
        short = [m for m, r in self.recycled_content().items() if not r.complies]
        return CHOICES[1 + METALS.index(short[0])] if short else CHOICES[0]


def _metals_emissions_kg(metals_kg: dict[str, float], recycled_kg: dict[str, float]) -> float:
    return sum(
        sustain.material_emissions_kg(
            metals_kg[m], *EXERCISE_METAL_FACTORS[m], recycled_share=recycled_kg[m] / metals_kg[m]
        )
        for m in METALS
    )


def _round(value: float, digits: int) -> float:
    return float(round(value, digits))


def cell_inventory(seed: int | str) -> SeededInventory:
    """The fictional cell of the student with ``seed`` (milliseconds; no PyBaMM).

    Args:
        seed: The student's seed (``labs.student_seed(...)``): a non-negative integer or a
            1–200 character string.

    Returns:
        The cell's :class:`SeededInventory`; the same seed always gives the same cell.

    Raises:
        LabInputError: if ``seed`` is not a valid seed.
    """
    rng = np.random.default_rng([seed_number(seed), _STREAM])
    capacity = _round(rng.uniform(0.18, 0.40), 3)
    per_kwh_electricity = {
        "materials": rng.uniform(15, 30),
        "production": rng.uniform(20, 40),
        "distribution": 0.0,
        "end_of_life": rng.uniform(0.5, 2.0),
    }
    electricity = {s: _round(v * capacity, 2) for s, v in per_kwh_electricity.items()}
    metals = {m: _round(rng.uniform(*_METAL_KG_PER_KWH[m]) * capacity, 4) for m in METALS}
    short = int(rng.integers(0, len(METALS) + 1)) - 1  # -1: every metal complies
    recycled = {}
    for index, metal in enumerate(METALS):
        minimum = sustain.EU_RECYCLED_CONTENT_MIN_2031[metal]
        factor = rng.uniform(0.4, 0.8) if index == short else rng.uniform(1.25, 2.0)
        recycled[metal] = _round(metals[metal] * minimum * factor, 5)
    metals_emissions = _metals_emissions_kg(metals, recycled)
    other = {
        "materials": _round(rng.uniform(12, 25) * capacity + metals_emissions, 2),
        "production": _round(rng.uniform(1, 4) * capacity, 2),
        "distribution": _round(rng.uniform(2.0, 5.0) * capacity, 2),
        "end_of_life": _round(rng.uniform(5.0, 12.0) * capacity, 2),
    }
    return SeededInventory(
        capacity_kwh=capacity,
        electricity_kwh=electricity,
        other_kg=other,
        grid_kg_per_kwh=float(rng.choice([0.35, 0.40, 0.45, 0.50, 0.55])),
        factory_kg_per_kwh=float(rng.choice([0.0, 0.05, 0.10])),
        metals_kg=metals,
        recycled_kg=recycled,
    )
