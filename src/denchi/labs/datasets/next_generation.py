"""The u09 assignment: seeded test results of three fictional cells, one per chemistry.

Each student gets a table of "measured" constant-current discharges of three fictional cells of
one format, a sodium-ion cell, an LFP/graphite cell and an NMC/graphite cell, at 0.2C, 1C and
2C: the delivered capacity [Ah] and the average voltage [V], and each cell's mass [g]. The
assignment asks for the specific energy, its ratio between chemistries, the rate retention and
a choice of cell for a stated application.

Where the numbers come from:

- How capacity and average voltage change with the C-rate is the lab's own PyBaMM result,
  stored in :data:`MODEL_RECORD`: the discharge of the presets ``sodium_ion`` (Chayambuka et
  al. 2022), ``lfp_graphite`` (Prada et al. 2013) and ``nmc_graphite`` (Chen et al. 2020) at
  25 ℃ (``labs.Cell(key).discharge(c_rate=...)``, their default models, PyBaMM of
  ``uv.lock``, December 2026). ``tests/test_next_generation_dataset.py`` solves them again
  and fails, printing the new values, when the engine no longer gives them.
- Each cell's nominal capacity and mass are drawn from ranges chosen for an exercise (specific
  energies at 0.2C of about 115–150 Wh/kg for the sodium-ion and the LFP cell and 215–260
  Wh/kg for the NMC cell). They are not data of a product.
- Each cell gets a design factor (:data:`DESIGN_FACTOR`, as a thinner or thicker electrode of
  the same chemistry would): the losses against 0.2C, of capacity and of average voltage, are
  the model's times that factor. So the rate retention differs between students by far more
  than the grading tolerance, and the lab's own table never answers the question.
- A small measurement noise (0.3 % of the capacity, 3 mV) makes every table differ.

The sodium-ion and the LFP cell are drawn until their specific energies at 0.2C differ by at
least :data:`MIN_GAP`, so that rounding never decides the application question. The lab page,
the assignment's set-up cell, its hidden tests and the teacher guide call
:func:`chemistry_tests` with the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from denchi.labs.seeds import seed_number

_STREAM = 91  # a random stream of its own (u09)
_MAX_DRAWS = 200

CHEMISTRIES = ("sodium_ion", "lfp_graphite", "nmc_graphite")  # the order of every array
NAMES_JA = ("ナトリウムイオン", "LFP／黒鉛", "NMC／黒鉛")
LETTERS = "ABC"  # the application question's choices, in the order of CHEMISTRIES
C_RATES = (0.2, 1.0, 2.0)
# (delivered capacity / nominal capacity, average voltage [V]) per preset and C-rate of
# C_RATES: labs.Cell(key).discharge(c_rate=c) at 25 ℃ (see the module docstring)
MODEL_RECORD: dict[str, tuple[tuple[float, float], ...]] = {
    "sodium_ion": ((0.9687, 3.5081), (0.8022, 3.3440), (0.5342, 3.2461)),
    "lfp_graphite": ((0.9690, 3.1726), (0.8433, 3.1032), (0.6959, 3.0502)),
    "nmc_graphite": ((1.0127, 3.6680), (0.9886, 3.5155), (0.9561, 3.3667)),
}
# the exercise's ranges: nominal capacity [Ah] and specific energy at 0.2C [Wh/kg]
_NOMINAL_AH = {"sodium_ion": (1.0, 1.4), "lfp_graphite": (1.3, 1.8), "nmc_graphite": (2.5, 3.2)}
_WH_KG = {
    "sodium_ion": (115.0, 150.0),
    "lfp_graphite": (115.0, 150.0),
    "nmc_graphite": (215.0, 260.0),
}
CAPACITY_NOISE = 0.003  # relative standard deviation of a measured capacity
VOLTAGE_NOISE_V = 0.003  # standard deviation of a measured average voltage [V]
DESIGN_FACTOR = (0.75, 1.25)  # range of the factor on each cell's losses against 0.2C
MIN_GAP = 0.04  # the sodium-ion and the LFP cell differ by at least 4 % in Wh/kg at 0.2C
# the application question: the cathode may hold no nickel or cobalt (the NMC cell is out)
NICKEL_COBALT_FREE = ("sodium_ion", "lfp_graphite")


@dataclass(frozen=True)
class ChemistryTests:
    """A student's test results: three fictional cells (rows, in the order of
    :data:`CHEMISTRIES`) discharged at the C-rates of :data:`C_RATES` (columns).

    Attributes:
        mass_g: Mass of each cell [g], shape (3,).
        capacity_ah: Delivered capacity [Ah], shape (3, 3) (cell, C-rate).
        average_voltage_v: Average voltage of the discharge (energy ÷ capacity) [V],
            shape (3, 3).
    """

    mass_g: np.ndarray
    capacity_ah: np.ndarray
    average_voltage_v: np.ndarray

    def to_dataframe(self):
        """The table as students see it: one row per cell and C-rate (pandas)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "セル": NAMES_JA[i],
                    "質量 [g]": float(self.mass_g[i]),
                    "C レート": rate,
                    "容量 [Ah]": float(self.capacity_ah[i, j]),
                    "平均電圧 [V]": float(self.average_voltage_v[i, j]),
                }
                for i in range(len(CHEMISTRIES))
                for j, rate in enumerate(C_RATES)
            ]
        )

    def specific_energy_wh_kg(self) -> np.ndarray:
        """Energy per cell mass at every C-rate [Wh/kg], shape (3, 3): capacity × average
        voltage ÷ mass."""
        return self.capacity_ah * self.average_voltage_v / (self.mass_g[:, None] / 1000.0)

    def rate_retention(self) -> np.ndarray:
        """Capacity at 2C over capacity at 0.2C of each cell, shape (3,)."""
        return self.capacity_ah[:, C_RATES.index(2.0)] / self.capacity_ah[:, C_RATES.index(0.2)]

    def stationary_choice(self) -> str:
        """The application question's answer: among the cells without nickel and cobalt
        (:data:`NICKEL_COBALT_FREE`), the letter of the one with more Wh/kg at 0.2C."""
        slow = self.specific_energy_wh_kg()[:, C_RATES.index(0.2)]
        allowed = [CHEMISTRIES.index(key) for key in NICKEL_COBALT_FREE]
        return LETTERS[max(allowed, key=lambda i: slow[i])]


def _draw(rng: np.random.Generator) -> ChemistryTests:
    mass, capacity, voltage = [], [], []
    for key in CHEMISTRIES:
        nominal = round(float(rng.uniform(*_NOMINAL_AH[key])), 2)
        record = np.array(MODEL_RECORD[key])
        factor = float(rng.uniform(*DESIGN_FACTOR))
        share = record[0, 0] * (1 - factor * (1 - record[:, 0] / record[0, 0]))
        volts = record[0, 1] - factor * (record[0, 1] - record[:, 1])
        capacity.append(
            np.round(nominal * share * (1 + CAPACITY_NOISE * rng.standard_normal(len(C_RATES))), 3)
        )
        voltage.append(np.round(volts + VOLTAGE_NOISE_V * rng.standard_normal(len(C_RATES)), 3))
        wh_kg = float(rng.uniform(*_WH_KG[key]))
        mass.append(round(nominal * share[0] * volts[0] / wh_kg * 1000.0, 1))
    return ChemistryTests(np.array(mass), np.array(capacity), np.array(voltage))


def chemistry_tests(seed: int | str) -> ChemistryTests:
    """The test results of the student with ``seed``.

    Args:
        seed: The student's seed (``labs.student_seed(...)``): a non-negative integer or a
            1–200 character string.

    Returns:
        The :class:`ChemistryTests`; the same seed always gives the same table.

    Raises:
        LabInputError: if ``seed`` is not a valid seed.
        RuntimeError: if 200 draws give no table whose sodium-ion and LFP cells differ by
            :data:`MIN_GAP`. About seven draws in ten are kept (measured over 2000
            draws), so this never happens in practice.
    """
    rng = np.random.default_rng([seed_number(seed), _STREAM])
    sodium, lfp = CHEMISTRIES.index("sodium_ion"), CHEMISTRIES.index("lfp_graphite")
    for _ in range(_MAX_DRAWS):
        tests = _draw(rng)
        slow = tests.specific_energy_wh_kg()[:, C_RATES.index(0.2)]
        if abs(slow[sodium] - slow[lfp]) >= MIN_GAP * max(slow[sodium], slow[lfp]):
            return tests
    raise RuntimeError("no table with a clear application choice was drawn")
