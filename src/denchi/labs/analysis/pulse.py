"""Reference analysis of pulse tests (lab e03): DC internal resistance from HPPC pulses,
pulse power, and the chemical diffusion coefficient from GITT (Weppner and Huggins, 1977).

The assignment of lab e03 grades each student's analysis against these functions applied to
the student's own data (:func:`measured_hppc`, :func:`measured_gitt` with the student's seed).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from denchi.labs.api.instrument import kept
from denchi.labs.api.results import GITTResult, PulseTestResult, results_checked
from denchi.labs.errors import LabInputError, keywords_checked
from denchi.validation import number_array, number_in_range, same_length

#: GITT pulses of the assignment: C/5 for 5 minutes, then 30 minutes of rest.
GITT_PULSE: dict[str, Any] = {"pulse_c_rate": 0.2, "pulse_s": 300.0, "rest_s": 1800.0}


def _instrument(seed: int | str, sample_s: float):
    from denchi.labs.api.instrument import Instrument

    return Instrument(noise_v=0.0005, noise_a=0.0, noise_c=0.0, sample_s=sample_s, seed=seed)


@kept
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


@kept
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


@keywords_checked
def pulse_resistance_ohm(
    time_s: np.ndarray, voltage_v: np.ndarray, current_a: np.ndarray, start_s: float, after_s: float
) -> float:
    """DC resistance ``(V_before − V(start + after_s)) / I`` of one current pulse that starts
    at ``start_s``: the last voltage before the pulse, the voltage ``after_s`` seconds into it
    (interpolated) and the mean pulse current. Positive for both discharge and charge pulses.

    Args:
        time_s: Time [s], shape (n,), n ≥ 2, never decreasing.
        voltage_v: Cell voltage [V], shape (n,), 0 to 10 V.
        current_a: Current [A], shape (n,), finite (±1e4 A).
        start_s: Time the pulse starts [s].
        after_s: How long into the pulse the voltage is read [s], > 0.

    Raises:
        LabInputError: if the three series are not 1-D numbers of the same length in the
            ranges above, ``time_s`` decreases, ``start_s`` or ``after_s`` is not a number
            in its range, there is no sample before ``start_s`` or fewer than two in the
            pulse, or the mean pulse current is 0.
    """
    t = number_array("time_s", time_s, -1e9, 1e9, "s", label_ja="時刻 time_s", min_count=2)
    v = number_array("voltage_v", voltage_v, 0.0, 10.0, "V", label_ja="電圧 voltage_v")
    i = number_array("current_a", current_a, -1e4, 1e4, "A", label_ja="電流 current_a")
    same_length("voltage_v", v, "time_s", t, label_ja="電圧 voltage_v")
    same_length("current_a", i, "time_s", t, label_ja="電流 current_a")
    if np.any(np.diff(t) < 0):
        raise LabInputError(
            "time_s",
            "時刻 time_s が途中で減っています。測定の順に並んだ時刻を渡してください。",
            "time_s decreases somewhere; pass the times in the order they were recorded.",
        )
    start = number_in_range("start_s", start_s, -1e9, 1e9, "s", label_ja="開始時刻 start_s")
    after = number_in_range(
        "after_s", after_s, 0.0, 1e9, "s", label_ja="読み取りまでの時間 after_s", above_low=True
    )
    before = t < start
    during = (t >= start) & (t <= start + after)
    if not before.any() or during.sum() < 2:
        raise LabInputError(
            "start_s",
            "パルスの開始時刻 start_s の前と、パルス中のデータが必要です。時刻を確かめてください。",
            "Data before the pulse start start_s and during the pulse are needed; check the time.",
        )
    current = float(np.mean(i[during][1:]))
    if current == 0:
        raise LabInputError(
            "current_a",
            "パルス中の電流 current_a の平均が 0 A です。"
            "start_s がパルスの始まりか確かめてください。",
            "The mean current_a during the pulse is 0 A; check that start_s is where the pulse "
            "starts.",
        )
    v_before = v[before][-1]
    v_after = float(np.interp(start + after, t[during], v[during]))
    return float((v_before - v_after) / current)


@keywords_checked
def pulse_power_w(ocv_v: float, resistance_ohm: float, voltage_limit_v: float) -> float:
    """Discharge pulse power at a voltage limit, ``V_min (OCV − V_min) / R`` (the HPPC
    "available power" of the USABC/DOE manual, with the resistance of a pulse).

    Args:
        ocv_v: Open-circuit voltage before the pulse [V], 0 to 10.
        resistance_ohm: Pulse resistance [Ω], above 0 and at most 1e6.
        voltage_limit_v: Lowest allowed voltage V_min [V], 0 to 10, below ``ocv_v``.

    Raises:
        LabInputError: if a value is not a number in its range above or the OCV is not above
            the limit.
    """
    ocv = number_in_range("ocv_v", ocv_v, 0.0, 10.0, "V", label_ja="開回路電圧 ocv_v")
    resistance = number_in_range(
        "resistance_ohm",
        resistance_ohm,
        0.0,
        1e6,
        "Ω",
        label_ja="抵抗 resistance_ohm",
        above_low=True,
    )
    limit = number_in_range(
        "voltage_limit_v", voltage_limit_v, 0.0, 10.0, "V", label_ja="下限電圧 voltage_limit_v"
    )
    if ocv <= limit:
        raise LabInputError(
            "voltage_limit_v",
            f"下限電圧 voltage_limit_v（{limit:g} V）は"
            f"開回路電圧 ocv_v（{ocv:g} V）より低くしてください。",
            f"voltage_limit_v ({limit:g} V) must be below ocv_v ({ocv:g} V).",
        )
    return limit * (ocv - limit) / resistance


@keywords_checked
def weppner_huggins_diffusivity(
    delta_es_v: float, delta_et_v: float, pulse_s: float, radius_m: float
) -> float:
    """Chemical diffusion coefficient [m²/s] from one GITT pulse (Weppner and Huggins 1977)
    for spherical particles (volume/surface = r/3) and a short pulse (τ ≪ r²/D):
    ``D = 4 / (π τ) (r / 3)² (ΔE_s / ΔE_t)²``.

    Args:
        delta_es_v: Change of the steady-state (rested) voltage over the pulse, ΔE_s [V],
            −10 to 10.
        delta_et_v: Voltage change during the pulse, ΔE_t [V], −10 to 10, not 0.
        pulse_s: Pulse duration τ [s], above 0 and at most 1e7.
        radius_m: Particle radius r [m], above 0 and at most 1.

    Raises:
        LabInputError: if a value is not a number in its range above or ``delta_et_v`` is 0.
    """
    es = number_in_range("delta_es_v", delta_es_v, -10.0, 10.0, "V", label_ja="ΔE_s delta_es_v")
    et = number_in_range("delta_et_v", delta_et_v, -10.0, 10.0, "V", label_ja="ΔE_t delta_et_v")
    tau = number_in_range(
        "pulse_s", pulse_s, 0.0, 1e7, "s", label_ja="パルス時間 pulse_s", above_low=True
    )
    radius = _radius(radius_m)
    if et == 0:
        raise LabInputError(
            "delta_et_v",
            "パルス中の電圧変化 ΔE_t（delta_et_v）が 0 V です。"
            "パルスの始めと終わりの電圧を確かめてください。",
            "The voltage change during the pulse, delta_et_v, is 0 V; check the voltages at "
            "the pulse's start and end.",
        )
    return 4.0 / (math.pi * tau) * (radius / 3.0) ** 2 * (es / et) ** 2


def _radius(radius_m: object) -> float:
    return number_in_range(
        "radius_m", radius_m, 0.0, 1.0, "m", label_ja="粒子の半径 radius_m", above_low=True
    )


@keywords_checked
@results_checked
def gitt_diffusivities(result: GITTResult, radius_m: float):
    """The GITT pulse table with the Weppner–Huggins diffusion coefficient of each pulse
    (``diffusivity_m2_s``), ΔE_t taken from the first point of the pulse (after the ohmic
    step) to its end.

    Args:
        result: A GITT result (``Cell.gitt()``).
        radius_m: Particle radius [m], > 0.

    Raises:
        LabInputError: if ``result`` is not a ``GITTResult`` or holds no complete pulse (a
            pulse and the rests before and after it), ``radius_m`` is not above 0 and at
            most 1 m, or a pulse has ΔE_t = 0.
    """
    _radius(radius_m)
    table = result.pulse_table()
    if table.empty:
        raise LabInputError(
            "result",
            "この GITT の結果 result には、前後に休止のある完全なパルスが 1 つもありません。"
            "パルスの数や休止の長さを確かめて、測定をやり直してください。",
            "This GITT result has no complete pulse (a pulse with a rest before and after it); "
            "check the number of pulses and the rests, and measure again.",
        )
    table["diffusivity_m2_s"] = [
        weppner_huggins_diffusivity(es, et, result.pulse_s, radius_m)
        for es, et in zip(table["delta_es_v"], table["delta_et_v"], strict=True)
    ]
    return table
