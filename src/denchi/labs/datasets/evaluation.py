"""The seeded "measured" data of the evaluation labs e04–e06, one function per data set.

The lab page, the assignment's setup cell, its hidden tests (the reference analysis) and a
teacher who wants to see one student's data all call the same function with the same seed
(the student id), so they always see the same cell and the same noise. Every data set is
small: a few seconds of simulation with a fresh process, much less once the engine's cache
holds the built model. Each data set is also kept
(:func:`denchi.labs.api.instrument.kept`), so the hidden tests of one student re-use it: the
cache holds a read-only copy and every caller gets a writable copy of its own, so a learner
may write ``z_ohm *= 1000`` without changing anybody else's data.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from denchi.labs.api.aging import AgingResult
from denchi.labs.api.cell import Cell
from denchi.labs.api.impedance import EISResult
from denchi.labs.api.instrument import Instrument, kept
from denchi.labs.api.ocv import OCVResult
from denchi.labs.api.results import DischargeResult, results_checked
from denchi.labs.errors import keywords_checked
from denchi.labs.seeds import seed_number

PRESET = "nmc_graphite"  # LG M50: the only preset with impedance, heat and aging parameters
# e04: SPMe (a clean charge-transfer arc and diffusion tail), 8 points per decade
EIS_FREQUENCIES_HZ = tuple(np.logspace(-2, 4, 49).tolist())
EIS_SOC = 0.5
EIS_NOISE_OHM = 5e-5  # 0.05 mΩ per part, a good potentiostat on a 5 Ah cell
# e05: a 2C discharge of a lumped-thermal cell in still air
THERMAL_C_RATE = 2.0
THERMAL_COOLING_W_M2K = 10.0
SAFETY_LIMIT_C = 45.0
# e06: cycle aging at 5 ℃ with 1.5C charging (lithium plating), calendar aging at two
# temperatures; the SPM keeps 60 cycles at about two seconds
AGING_MODEL = "spm"
CYCLES = 60
CYCLE_CHARGE_C_RATE = 1.5
CYCLE_DISCHARGE_C_RATE = 1.0
CYCLE_TEMPERATURE_C = 5.0
CALENDAR_DAYS = 360.0
CALENDAR_CHECKUPS = 6
CALENDAR_TEMPERATURES_C = (25.0, 45.0)
CAPACITY_NOISE = 1e-4  # relative noise of a capacity check (0.5 mAh on 5 Ah)
_CAPACITY_STREAM = 3  # a random stream of its own (the instrument uses 2, the cell 1)


@kept
def eis_spectrum(seed: int | str) -> EISResult:
    """e04: the impedance spectrum of this student's cell at 50 % SOC and 25 ℃, measured.

    Args:
        seed: The student id or a number that picks this student's cell and noise.

    Raises:
        LabInputError: if ``seed`` is not a valid seed (checked before anything runs).
        LabSimulationError: if the simulation cannot finish.
    """
    cell = Cell(PRESET, model="spme", seed=seed)
    meter = Instrument(noise_ohm=EIS_NOISE_OHM, seed=seed)
    return meter.measure(cell.eis(EIS_FREQUENCIES_HZ, soc=EIS_SOC))


@kept
def thermal_discharge(seed: int | str) -> DischargeResult:
    """e05: a 2C discharge at 25 ℃ in still air (10 W/(m²·K)), sampled every 10 s.

    Args:
        seed: The student id or a number that picks this student's cell and noise.

    Raises:
        LabInputError: if ``seed`` is not a valid seed (checked before anything runs).
        LabSimulationError: if the simulation cannot finish.
    """
    cell = Cell(PRESET, model="spme", thermal="lumped", seed=seed)
    meter = Instrument(noise_v=0.001, noise_c=0.05, sample_s=10.0, seed=seed)
    return meter.measure(cell.discharge(c_rate=THERMAL_C_RATE, cooling_w_m2k=THERMAL_COOLING_W_M2K))


@keywords_checked
def cooling_area_m2() -> float:
    """The cooled surface of the cell [m²] (the parameter set's cell cooling surface area).

    Raises:
        LabSimulationError: if PyBaMM cannot read the parameter set.
    """
    from denchi.labs import engine
    from denchi.labs.engine.presets import get_preset

    spec = engine.ModelSpec(get_preset(PRESET), "spme", "lumped")
    return engine.numeric_parameters(spec, ["Cell cooling surface area [m2]"])[
        "Cell cooling surface area [m2]"
    ]


@keywords_checked
def cell_ocv() -> OCVResult:
    """The open-circuit voltage curve of the cell type (the data sheet's, same for all).

    Raises:
        LabSimulationError: if PyBaMM cannot compute the electrode potentials.
    """
    return Cell(PRESET).ocv()


@keywords_checked
@results_checked
def measured_checks(result: AgingResult, seed: int | str) -> AgingResult:
    """The aging result with seeded noise on every capacity check (relative
    ``CAPACITY_NOISE``), as a cycler's capacity measurement would have.

    Args:
        result: The simulated aging result.
        seed: A student id or a non-negative integer (with the noise stream, picks the noise).

    Raises:
        LabInputError: if ``result`` is not an ``AgingResult`` or ``seed`` is not a valid
            seed.
    """
    rng = np.random.default_rng([seed_number(seed), _CAPACITY_STREAM])
    noise = 1.0 + CAPACITY_NOISE * rng.standard_normal(len(result.capacity_ah))
    return replace(result, capacity_ah=result.capacity_ah * noise)


@kept
def cycle_aging(seed: int | str) -> AgingResult:
    """e06: 60 cycles of 1.5C CC-CV charge and 1C discharge at 5 ℃, measured.

    Args:
        seed: The student id or a number that picks this student's cell and noise.

    Raises:
        LabInputError: if ``seed`` is not a valid seed (checked before anything runs).
        LabInputError: also if the test did not reach its first capacity check.
        LabSimulationError: if the simulation cannot finish.
    """
    cell = Cell(PRESET, model=AGING_MODEL, seed=seed)
    result = cell.aging(
        cycles=CYCLES,
        charge_c_rate=CYCLE_CHARGE_C_RATE,
        discharge_c_rate=CYCLE_DISCHARGE_C_RATE,
        temperature_c=CYCLE_TEMPERATURE_C,
    )
    return measured_checks(result, seed)


@kept
def calendar_aging(seed: int | str, temperature_c: float) -> AgingResult:
    """e06: a year of storage at full charge at ``temperature_c``, six capacity checks.

    Args:
        seed: The student id or a number that picks this student's cell and noise.
        temperature_c: Storage temperature [℃] (−20 to 60).

    Raises:
        LabInputError: if ``seed`` is not a valid seed (checked before anything runs).
        LabInputError: also if ``temperature_c`` is out of range or the test did not reach
            its first capacity check.
        LabSimulationError: if the simulation cannot finish.
    """
    cell = Cell(PRESET, model=AGING_MODEL, seed=seed)
    result = cell.calendar_aging(
        days=CALENDAR_DAYS, soc=1.0, temperature_c=temperature_c, checkups=CALENDAR_CHECKUPS
    )
    return measured_checks(result, f"{seed}@{temperature_c:g}")
