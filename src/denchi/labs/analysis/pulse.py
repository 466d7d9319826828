"""Reference analysis of pulse tests (lab e03): DC internal resistance from HPPC pulses,
pulse power, and the chemical diffusion coefficient from GITT (Weppner and Huggins, 1977).

The assignment of lab e03 grades each student's analysis against these functions applied to
the student's own data (:func:`measured_hppc`, :func:`measured_gitt` with the student's seed).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from denchi.labs.api.instrument import seeded
from denchi.labs.api.results import GITTResult, PulseTestResult, results_checked
from denchi.labs.errors import LabInputError

#: GITT pulses of the assignment: C/5 for 5 minutes, then 30 minutes of rest.
GITT_PULSE: dict[str, Any] = {"pulse_c_rate": 0.2, "pulse_s": 300.0, "rest_s": 1800.0}


def _instrument(seed: int | str, sample_s: float):
    from denchi.labs.api.instrument import Instrument

    return Instrument(noise_v=0.0005, noise_a=0.0, noise_c=0.0, sample_s=sample_s, seed=seed)


@seeded
def measured_hppc(seed: int | str, temperature_c: float = 25.0) -> PulseTestResult:
    """The HPPC of lab e03's assignment: the seeded NMC cell (SPMe), 1C pulses of 10 s every
    10 % SOC after 30 min of rest, recorded every second with 0.5 mV voltage noise.

    Args:
        seed: The student id or a number that picks this student's cell and noise.
        temperature_c: Cell and ambient temperature [℃].

    Raises:
        LabInputError: if ``seed`` is not a non-negative integer or a 1–200 character string
            (checked by ``seeded`` before anything runs).
        LabInputError: if ``temperature_c`` is outside the lab's range.
        LabSimulationError: if the simulation cannot finish.
    """
    from denchi.labs.api.cell import Cell

    cell = Cell("nmc_graphite", model="spme", seed=seed)
    pulses = cell.pulse_test(relax_s=1800.0, temperature_c=temperature_c)
    return _instrument(seed, 1.0).measure(pulses)


@seeded
def measured_gitt(seed: int | str) -> GITTResult:
    """The GITT of lab e03's assignment: the seeded NMC cell (SPMe, 25 ℃) with
    :data:`GITT_PULSE`, recorded every 2 s with 0.5 mV voltage noise.

    Args:
        seed: The student id or a number that picks this student's cell and noise.

    Raises:
        LabInputError: if ``seed`` is not a non-negative integer or a 1–200 character string
            (checked by ``seeded`` before anything runs).
        LabSimulationError: if the simulation cannot finish.
    """
    from denchi.labs.api.cell import Cell

    cell = Cell("nmc_graphite", model="spme", seed=seed)
    return _instrument(seed, 2.0).measure(cell.gitt(**GITT_PULSE))


def pulse_resistance_ohm(
    time_s: np.ndarray, voltage_v: np.ndarray, current_a: np.ndarray, start_s: float, after_s: float
) -> float:
    """DC resistance ``(V_before − V(start + after_s)) / I`` of one current pulse that starts
    at ``start_s``: the last voltage before the pulse, the voltage ``after_s`` seconds into it
    (interpolated) and the mean pulse current. Positive for both discharge and charge pulses.

    Args:
        time_s: Time [s], shape (n,).
        voltage_v: Cell voltage [V], shape (n,).
        current_a: Current [A], shape (n,).
        start_s: Time the pulse starts [s].
        after_s: How long into the pulse the voltage is read [s].

    Raises:
        LabInputError: if there is no sample before ``start_s`` or fewer than two in the pulse.
    """
    t = np.asarray(time_s, dtype=float)
    v = np.asarray(voltage_v, dtype=float)
    i = np.asarray(current_a, dtype=float)
    before = t < start_s
    during = (t >= start_s) & (t <= start_s + after_s)
    if not before.any() or during.sum() < 2:
        raise LabInputError(
            "start_s",
            "パルスの開始時刻 start_s の前と、パルス中のデータが必要です。時刻を確かめてください。",
            "Data before the pulse start start_s and during the pulse are needed; check the time.",
        )
    v_before = v[before][-1]
    v_after = float(np.interp(start_s + after_s, t[during], v[during]))
    return float((v_before - v_after) / np.mean(i[during][1:]))


def pulse_power_w(ocv_v: float, resistance_ohm: float, voltage_limit_v: float) -> float:
    """Discharge pulse power at a voltage limit, ``V_min (OCV − V_min) / R`` (the HPPC
    "available power" of the USABC/DOE manual, with the resistance of a pulse).

    Args:
        ocv_v: Open-circuit voltage before the pulse [V].
        resistance_ohm: Pulse resistance [Ω], > 0.
        voltage_limit_v: Lowest allowed voltage V_min [V], below ``ocv_v``.

    Raises:
        LabInputError: if the resistance is not positive or the OCV is not above the limit.
    """
    if resistance_ohm <= 0 or ocv_v <= voltage_limit_v:
        raise LabInputError(
            "resistance_ohm",
            "抵抗は正、OCV は下限電圧より高くしてください。",
            "The resistance must be positive and the OCV above the voltage limit.",
        )
    return voltage_limit_v * (ocv_v - voltage_limit_v) / resistance_ohm


def weppner_huggins_diffusivity(
    delta_es_v: float, delta_et_v: float, pulse_s: float, radius_m: float
) -> float:
    """Chemical diffusion coefficient [m²/s] from one GITT pulse (Weppner and Huggins 1977)
    for spherical particles (volume/surface = r/3) and a short pulse (τ ≪ r²/D):
    ``D = 4 / (π τ) (r / 3)² (ΔE_s / ΔE_t)²``.

    Args:
        delta_es_v: Change of the steady-state (rested) voltage over the pulse, ΔE_s [V].
        delta_et_v: Voltage change during the pulse, ΔE_t [V], not 0.
        pulse_s: Pulse duration τ [s], > 0.
        radius_m: Particle radius r [m], > 0.

    Raises:
        LabInputError: if ``pulse_s`` or ``radius_m`` is not positive or ``delta_et_v`` is 0.
    """
    if pulse_s <= 0 or radius_m <= 0 or delta_et_v == 0:
        raise LabInputError(
            "delta_et_v",
            "パルス時間と粒子半径は正、ΔE_t は 0 以外にしてください。",
            "Pulse time and radius must be positive and ΔE_t non-zero.",
        )
    return 4.0 / (math.pi * pulse_s) * (radius_m / 3.0) ** 2 * (delta_es_v / delta_et_v) ** 2


@results_checked
def gitt_diffusivities(result: GITTResult, radius_m: float):
    """The GITT pulse table with the Weppner–Huggins diffusion coefficient of each pulse
    (``diffusivity_m2_s``), ΔE_t taken from the first point of the pulse (after the ohmic
    step) to its end.

    Args:
        result: A GITT result (``Cell.gitt()``).
        radius_m: Particle radius [m], > 0.

    Raises:
        LabInputError: if ``result`` is not a ``GITTResult``, ``radius_m`` is not positive or
            a pulse has ΔE_t = 0.
    """
    table = result.pulse_table()
    table["diffusivity_m2_s"] = [
        weppner_huggins_diffusivity(es, et, result.pulse_s, radius_m)
        for es, et in zip(table["delta_es_v"], table["delta_et_v"], strict=True)
    ]
    return table
