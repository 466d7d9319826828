"""The seeded "measured" data of the module u07_safety_standards: a cell heating under abuse.

Each student's fictional cell has its own heat capacity, cooling conductance, heat source
and room temperature; its surface temperature follows the lumped balance of
:func:`denchi.chem.lumped_temperature_c` (a constant heat source, Newton cooling) with
thermocouple noise. The record stops after about one time constant, before the steady state,
so the steady temperature has to be found by fitting the curve. The lab page, the
assignment's set-up cell, its hidden tests and the teacher guide call these functions with
the same seed (the student id while grading).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit

from denchi.chem import lumped_temperature_c, required_conductance_w_k
from denchi.labs.api.instrument import kept
from denchi.labs.seeds import seed_number

LIMIT_C = 60.0  # the exercise's stated limit for the cell (a teaching value, not a standard's)
HEAT_CAPACITY_RANGE_J_K = (60.0, 120.0)  # m c_p of a cell of some 70–130 g
CONDUCTANCE_RANGE_W_K = (0.03, 0.12)  # hA: still air to a gentle fan on a small cell
HEAT_RANGE_W = (0.8, 4.0)
AMBIENT_RANGE_C = (20.0, 35.0)
MARGIN_K = 5.0  # the steady temperature is at least this far from the limit (a clear answer)
RECORD_TIME_CONSTANTS = 1.2  # the record ends before the steady state
RECORD_POINTS = 121
NOISE_K = 0.1  # a thermocouple's reading noise
_CELL_STREAM = 71
_NOISE_STREAM = 72


@dataclass(frozen=True)
class HeatingRecord:
    """The temperature record of a cell heated by a constant source from the room
    temperature.

    Attributes:
        time_s: Time since the heating began [s], shape (n,), from 0.
        temperature_c: Measured cell temperature [℃], shape (n,).
        ambient_c: Room (ambient) temperature [℃], also the starting temperature.
        heat_capacity_j_k: The cell's heat capacity C = m c_p [J/K] (from its data sheet).
        limit_c: The temperature the cell must stay below [℃] (the exercise's limit).
    """

    time_s: np.ndarray
    temperature_c: np.ndarray
    ambient_c: float
    heat_capacity_j_k: float
    limit_c: float


@dataclass(frozen=True)
class HeatingAnalysis:
    """The reference analysis of a :class:`HeatingRecord`.

    Attributes:
        heat_w: Heat generated in the cell q [W] (fitted).
        conductance_w_k: Cooling conductance G = hA [W/K] (fitted).
        time_constant_s: τ = C / G [s].
        steady_c: The temperature the cell would settle at, T_a + q / G [℃].
        required_conductance_w_k: The least G that keeps it below the limit, q / (T_lim − T_a).
        stays_below: Whether the cell's own cooling keeps it below the limit.
    """

    heat_w: float
    conductance_w_k: float
    time_constant_s: float
    steady_c: float
    required_conductance_w_k: float
    stays_below: bool


def _cell(seed: int | str) -> tuple[float, float, float, float]:
    """(C [J/K], G [W/K], q [W], T_a [℃]) of this student's cell, clear of the limit."""
    rng = np.random.default_rng([seed_number(seed), _CELL_STREAM])
    capacity = rng.uniform(*HEAT_CAPACITY_RANGE_J_K)
    conductance = rng.uniform(*CONDUCTANCE_RANGE_W_K)
    ambient = rng.uniform(*AMBIENT_RANGE_C)
    while True:
        heat = rng.uniform(*HEAT_RANGE_W)
        if abs(ambient + heat / conductance - LIMIT_C) >= MARGIN_K:
            return capacity, conductance, heat, ambient


@kept
def heating_record(seed: int | str) -> HeatingRecord:
    """u07: this student's cell heated by a constant heat source (an abuse test), 121 readings
    over 1.2 time constants.

    ``T(t) = T_a + (q/G)(1 − exp(−t G / C))`` (:func:`denchi.chem.lumped_temperature_c`) with
    C from 60 to 120 J/K, G from 0.03 to 0.12 W/K, q from 0.8 to 4 W and T_a from 20 to 35 ℃,
    chosen so that the steady temperature lies at least 5 K from the 60 ℃ limit, plus 0.1 K
    of thermocouple noise.

    Args:
        seed: The student id or a number that picks this student's cell and noise.

    Raises:
        LabInputError: if ``seed`` is not a valid seed (checked before anything runs).
    """
    capacity, conductance, heat, ambient = _cell(seed)
    tau = capacity / conductance
    time = np.linspace(0.0, round(RECORD_TIME_CONSTANTS * tau, -1), RECORD_POINTS)
    clean = lumped_temperature_c(time, heat, conductance, capacity, ambient)
    rng = np.random.default_rng([seed_number(seed), _NOISE_STREAM])
    measured = clean + NOISE_K * rng.standard_normal(time.size)
    return HeatingRecord(time, measured, float(ambient), float(capacity), LIMIT_C)


@kept
def heating_reference(seed: int | str) -> HeatingAnalysis:
    """The reference analysis of :func:`heating_record`: a least-squares fit of the lumped
    curve ``T_a + ΔT (1 − exp(−t/τ))`` for ΔT and τ (scipy's ``curve_fit``), then
    ``G = C/τ``, ``q = G ΔT`` and :func:`denchi.chem.required_conductance_w_k`.

    Args:
        seed: The student id or a number (as for :func:`heating_record`).

    Raises:
        LabInputError: if ``seed`` is not a valid seed.
    """
    record = heating_record(seed)

    def model(t: np.ndarray, rise_k: float, tau_s: float) -> np.ndarray:
        return record.ambient_c + rise_k * -np.expm1(-t / tau_s)

    guess = (record.temperature_c[-1] - record.ambient_c, record.time_s[-1])
    (rise, tau), _ = curve_fit(model, record.time_s, record.temperature_c, p0=guess)
    conductance = record.heat_capacity_j_k / tau
    heat = conductance * rise
    steady = record.ambient_c + rise
    return HeatingAnalysis(
        heat_w=float(heat),
        conductance_w_k=float(conductance),
        time_constant_s=float(tau),
        steady_c=float(steady),
        required_conductance_w_k=required_conductance_w_k(
            float(heat), record.ambient_c, record.limit_c
        ),
        stays_below=bool(steady < record.limit_c),
    )
