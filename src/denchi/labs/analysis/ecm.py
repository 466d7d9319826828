"""The first-order Thevenin equivalent circuit of a current pulse (the reference analysis of
module u03, battery modelling).

The circuit is an open-circuit voltage source, a series resistance R0 and one resistor R1 in
parallel with a capacitor C1, as PyBaMM's ``pybamm.equivalent_circuit.Thevenin`` with one RC
element (PyBaMM cites Barletta et al., "Thévenin's Battery Model Parameter Estimation Based on
Simulink", Energies 15, 6207, 2022). With the discharge current ``I`` positive::

    V(t) = OCV(t) − I(t) R0 − v1(t),    dv1/dt = I(t) / C1 − v1 / (R1 C1)

While the current is constant over an interval Δt (a cycler's steps), the RC voltage follows
exactly ``v1(t + Δt) = v1(t) e^(−Δt/τ) + I R1 (1 − e^(−Δt/τ))`` with ``τ = R1 C1``. After a
pulse of current ``I`` lasting ``T`` from rest, the current stops and the voltage relaxes as
``V(t) = V∞ − A e^(−(t − t_off)/τ)`` with ``A = I R1 (1 − e^(−T/τ))``: the relaxation gives
τ and, with the pulse's current and length, R1 and C1 (:func:`fit_relaxation`,
:func:`rc_from_relaxation`). :func:`fit_pulse` does all of it on a pulse record (the
assignment's reference), and :func:`pulse_ocv_v` gives the circuit an open-circuit voltage
that falls in proportion to the charge taken out, from the voltage before the pulse to V∞.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from denchi.labs.api.results import ProtocolResult, results_checked
from denchi.labs.errors import LabInputError, keywords_checked
from denchi.validation import number_array, number_in_range, same_length


def _time(time_s: object) -> np.ndarray:
    t = number_array("time_s", time_s, -1e9, 1e9, "s", label_ja="時刻 time_s", min_count=2)
    if np.any(np.diff(t) < 0):
        raise LabInputError(
            "time_s",
            "時刻 time_s が途中で減っています。測定の順に並んだ時刻を渡してください。",
            "time_s decreases somewhere; pass the times in the order they were recorded.",
        )
    return t


@keywords_checked
def thevenin_voltage(
    time_s: np.ndarray,
    current_a: np.ndarray,
    ocv_v: float | np.ndarray,
    r0_ohm: float,
    r1_ohm: float,
    c1_f: float,
) -> np.ndarray:
    """Terminal voltage [V] of the first-order Thevenin circuit driven by a measured current,
    starting from rest (v1 = 0 at the first sample).

    Between two samples the current is taken as that of the later sample, so that a
    cycler record with both ends of a step at the same time (a current switched at once)
    gives the instantaneous ``I R0`` jump there.

    Args:
        time_s: Time [s], shape (n,), n ≥ 2, never decreasing.
        current_a: Current [A], shape (n,), positive while discharging, ±1e4 A.
        ocv_v: Open-circuit voltage [V], 0–10: one number, or shape (n,) for an OCV that
            changes with the charge taken out.
        r0_ohm: Series resistance R0 [Ω], 0–1e3.
        r1_ohm: Resistance of the RC pair R1 [Ω], 0–1e3.
        c1_f: Capacitance of the RC pair C1 [F], above 0 and at most 1e9.

    Returns:
        The circuit's voltage [V], shape (n,).

    Raises:
        LabInputError: if a series is not 1-D numbers in its range above, the series differ
            in length, ``time_s`` decreases, or a parameter is not a number in its range.
    """
    t = _time(time_s)
    i = number_array("current_a", current_a, -1e4, 1e4, "A", label_ja="電流 current_a")
    same_length("current_a", i, "time_s", t, label_ja="電流 current_a")
    ocv = number_array("ocv_v", ocv_v, 0.0, 10.0, "V", label_ja="開回路電圧 ocv_v", any_shape=True)
    if ocv.ndim != 0:
        if ocv.ndim != 1:
            raise LabInputError(
                "ocv_v",
                "開回路電圧 ocv_v は 1 つの数か、time_s と同じ長さの 1 次元の配列にしてください。",
                "ocv_v must be one number or a 1-D array as long as time_s.",
            )
        same_length("ocv_v", ocv, "time_s", t, label_ja="開回路電圧 ocv_v")
    r0 = number_in_range("r0_ohm", r0_ohm, 0.0, 1e3, "Ω", label_ja="直列抵抗 R0 r0_ohm")
    r1 = number_in_range("r1_ohm", r1_ohm, 0.0, 1e3, "Ω", label_ja="RC の抵抗 R1 r1_ohm")
    c1 = number_in_range("c1_f", c1_f, 0.0, 1e9, "F", label_ja="RC の容量 C1 c1_f", above_low=True)
    tau = r1 * c1
    decay = np.exp(-np.diff(t) / tau) if tau > 0 else np.zeros(len(t) - 1)
    v1 = np.zeros_like(t)
    for k in range(1, len(t)):
        v1[k] = v1[k - 1] * decay[k - 1] + i[k] * r1 * (1.0 - decay[k - 1])
    return ocv - i * r0 - v1


@dataclass(frozen=True)
class RelaxationFit:
    """The exponential ``V(t) = V∞ − A e^(−(t − t0)/τ)`` fitted to a relaxation.

    Attributes:
        v_inf_v: The voltage the relaxation tends to, V∞ [V].
        amplitude_v: A [V], the RC voltage at ``t0`` (positive after a discharge pulse).
        tau_s: Time constant τ [s].
        t0_s: The relaxation's first time [s] (the first sample given).
    """

    v_inf_v: float
    amplitude_v: float
    tau_s: float
    t0_s: float


@keywords_checked
def fit_relaxation(time_s: np.ndarray, voltage_v: np.ndarray) -> RelaxationFit:
    """Least-squares fit of ``V(t) = V∞ − A e^(−(t − t0)/τ)`` to the samples of a rest after a
    pulse, ``t0`` being the first sample (``scipy.optimize.curve_fit``, the trust-region
    reflective method, started from the last voltage, the whole rise and the time of 63 % of
    the rise).

    Args:
        time_s: Time [s] of the rest, shape (n,), n ≥ 4, never decreasing.
        voltage_v: Voltage [V] of the rest, shape (n,), 0–10 V.

    Raises:
        LabInputError: if the series are not 1-D numbers in range of the same length, fewer
            than 4 samples, ``time_s`` decreases or spans no time, the voltage does not change,
            or no exponential fits (the fit fails to converge).
    """
    from scipy.optimize import curve_fit

    t = _time(time_s)
    v = number_array("voltage_v", voltage_v, 0.0, 10.0, "V", label_ja="電圧 voltage_v", min_count=4)
    same_length("voltage_v", v, "time_s", t, label_ja="電圧 voltage_v")
    span = float(t[-1] - t[0])
    rise = float(v[-1] - v[0])
    if span <= 0 or rise == 0:
        raise LabInputError(
            "voltage_v",
            "緩和の電圧 voltage_v が変化していないか、時刻 time_s が進んでいません。"
            "パルスの後の休止の区間を渡してください。",
            "voltage_v does not change or time_s does not advance; pass the rest after the pulse.",
        )
    reached = np.flatnonzero((v - v[0]) / rise >= 1.0 - math.exp(-1.0))
    tau0 = max(float(t[reached[0]] - t[0]) if reached.size else span / 3.0, span / len(t))
    t0 = float(t[0])

    def model(x: np.ndarray, v_inf: float, amplitude: float, tau: float) -> np.ndarray:
        return v_inf - amplitude * np.exp(-(x - t0) / tau)

    try:
        params, _ = curve_fit(
            model,
            t,
            v,
            p0=(float(v[-1]), rise, tau0),
            bounds=([0.0, -10.0, span / len(t) / 10.0], [10.0, 10.0, 100.0 * span]),
        )
    except RuntimeError:  # curve_fit: no convergence within its evaluations
        raise LabInputError(
            "voltage_v",
            "緩和の電圧 voltage_v に指数関数が合いませんでした。パルスの後の休止の区間だけを渡して"
            "ください。",
            "No exponential fits voltage_v; pass only the rest after the pulse.",
        ) from None
    v_inf, amplitude, tau = (float(p) for p in params)
    return RelaxationFit(v_inf, amplitude, tau, t0)


@keywords_checked
def rc_from_relaxation(
    amplitude_v: float, tau_s: float, current_a: float, pulse_s: float
) -> tuple[float, float]:
    """(R1 [Ω], C1 [F]) of the RC pair from a relaxation after a constant-current pulse:
    ``R1 = A / (I (1 − e^(−T/τ)))`` and ``C1 = τ / R1`` (module docstring).

    Args:
        amplitude_v: Relaxation amplitude A [V], −10 to 10, not 0.
        tau_s: Time constant τ [s], above 0 and at most 1e7.
        current_a: Pulse current I [A], −1e4 to 1e4, not 0 (positive for a discharge).
        pulse_s: Pulse length T [s], above 0 and at most 1e7.

    Raises:
        LabInputError: if a value is not a number in its range, or the amplitude or the
            current is 0, or they differ in sign (R1 would be negative).
    """
    a = number_in_range("amplitude_v", amplitude_v, -10.0, 10.0, "V", label_ja="振幅 amplitude_v")
    tau = number_in_range("tau_s", tau_s, 0.0, 1e7, "s", label_ja="時定数 tau_s", above_low=True)
    i = number_in_range("current_a", current_a, -1e4, 1e4, "A", label_ja="電流 current_a")
    pulse = number_in_range(
        "pulse_s", pulse_s, 0.0, 1e7, "s", label_ja="パルスの長さ pulse_s", above_low=True
    )
    if a * i <= 0:
        raise LabInputError(
            "amplitude_v",
            "振幅 amplitude_v と電流 current_a はどちらも 0 でなく、同じ符号にしてください"
            "（放電パルスの後の緩和では、どちらも正です）。",
            "amplitude_v and current_a must both be non-zero and of the same sign (both "
            "positive for the relaxation after a discharge pulse).",
        )
    r1 = a / (i * (1.0 - math.exp(-pulse / tau)))
    return r1, tau / r1


@keywords_checked
def pulse_ocv_v(charge_ah: np.ndarray, v_before_v: float, v_inf_v: float) -> np.ndarray:
    """Open-circuit voltage [V] during and after a pulse, falling in proportion to the charge
    taken out: ``v_before_v`` at the start and ``v_inf_v`` once the whole pulse's charge is
    out (a straight piece of the OCV curve over the few per cent of SOC a pulse moves).

    Args:
        charge_ah: Charge taken out since the start [Ah], shape (n,), ±1e6, its last value
            the pulse's whole charge (not 0).
        v_before_v: Rested voltage before the pulse [V], 0–10.
        v_inf_v: Rested voltage after the pulse [V], 0–10 (V∞ of :func:`fit_relaxation`).

    Raises:
        LabInputError: if ``charge_ah`` is not 1-D numbers in range or ends at 0, or a
            voltage is not a number in 0–10 V.
    """
    q = number_array("charge_ah", charge_ah, -1e6, 1e6, "Ah", label_ja="電気量 charge_ah")
    before = number_in_range(
        "v_before_v", v_before_v, 0.0, 10.0, "V", label_ja="パルス前の電圧 v_before_v"
    )
    after = number_in_range("v_inf_v", v_inf_v, 0.0, 10.0, "V", label_ja="緩和後の電圧 v_inf_v")
    if q[-1] == 0:
        raise LabInputError(
            "charge_ah",
            "電気量 charge_ah の最後の値（パルス全体の電気量）が 0 Ah です。"
            "放電容量から最初の値を引いた配列を渡してください。",
            "The last value of charge_ah (the whole pulse's charge) is 0 Ah; pass the discharge "
            "capacity minus its first value.",
        )
    return before - (before - after) * q / q[-1]


@dataclass(frozen=True)
class TheveninFit:
    """A first-order Thevenin circuit fitted to a pulse record (:func:`fit_pulse`).

    Attributes:
        r0_ohm: Series resistance R0 [Ω], from the jump at the pulse's start.
        r1_ohm: Resistance of the RC pair R1 [Ω].
        c1_f: Capacitance of the RC pair C1 [F].
        tau_s: Time constant τ = R1 C1 [s], from the relaxation.
        v_before_v: Rested voltage before the pulse [V].
        v_inf_v: Rested voltage the relaxation tends to, V∞ [V].
    """

    r0_ohm: float
    r1_ohm: float
    c1_f: float
    tau_s: float
    v_before_v: float
    v_inf_v: float


def _pulse_parts(result: ProtocolResult) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks of the rest, the pulse and the relaxation (cycle 1, steps 0, 1, 2)."""
    parts = tuple((result.cycle == 1) & (result.step == s) for s in (0, 1, 2))
    if any(int(part.sum()) < 4 for part in parts):
        raise LabInputError(
            "result",
            "result にはサイクル 1 の休止（ステップ 0）、パルス（1）、緩和（2）がそれぞれ 4 点以上"
            "必要です。パルスの記録（measured_pulse）を渡してください。",
            "result needs at least 4 samples each of cycle 1's rest (step 0), pulse (1) and "
            "relaxation (2); pass a pulse record (measured_pulse).",
        )
    rest, pulse, relax = parts
    return rest, pulse, relax


@keywords_checked
@results_checked
def fit_pulse(result: ProtocolResult) -> TheveninFit:
    """Fit the first-order Thevenin circuit to a record of rest (step 0), constant-current
    pulse (step 1) and relaxation (step 2): R0 = (last rested voltage − first pulse voltage)
    / I, then V∞, A and τ by :func:`fit_relaxation` on the relaxation, then R1 and C1 by
    :func:`rc_from_relaxation` with the pulse's mean current and length.

    Args:
        result: The pulse record (``measured_pulse``), cycle 1 with steps 0, 1 and 2.

    Raises:
        LabInputError: if ``result`` is not a ``ProtocolResult`` with those steps (4 samples
            or more each), or the relaxation does not fit (see :func:`fit_relaxation`).
    """
    rest, pulse, relax = _pulse_parts(result)
    current = float(np.mean(result.current_a[pulse]))
    v_before = float(result.voltage_v[rest][-1])
    r0 = (v_before - float(result.voltage_v[pulse][0])) / current
    relaxation = fit_relaxation(result.time_s[relax], result.voltage_v[relax])
    pulse_time = result.time_s[pulse]
    r1, c1 = rc_from_relaxation(
        relaxation.amplitude_v, relaxation.tau_s, current, float(pulse_time[-1] - pulse_time[0])
    )
    return TheveninFit(r0, r1, c1, relaxation.tau_s, v_before, relaxation.v_inf_v)


@keywords_checked
@results_checked
def model_voltage_v(result: ProtocolResult, fit: TheveninFit) -> np.ndarray:
    """The fitted circuit's voltage [V] over the whole pulse record, shape (n,), with the
    open-circuit voltage of :func:`pulse_ocv_v` (from the record's discharge capacity).

    Args:
        result: The pulse record (``measured_pulse``).
        fit: The circuit (:func:`fit_pulse`).

    Raises:
        LabInputError: if ``result`` is not a ``ProtocolResult``, ``fit`` not a
            ``TheveninFit``, or their values are out of range (see :func:`thevenin_voltage`).
    """
    if not isinstance(fit, TheveninFit):
        raise LabInputError(
            "fit",
            f"fit には fit_pulse の結果（TheveninFit）を渡してください（渡されたのは "
            f"{type(fit).__name__} です）。",
            f"fit must be the result of fit_pulse (a TheveninFit); got {type(fit).__name__}.",
        )
    charge = result.discharge_capacity_ah - result.discharge_capacity_ah[0]
    ocv = pulse_ocv_v(charge, fit.v_before_v, fit.v_inf_v)
    return thevenin_voltage(result.time_s, result.current_a, ocv, fit.r0_ohm, fit.r1_ohm, fit.c1_f)
