"""Hostile inputs to the analysis helpers of the labs (issues 10 and 12): every public function
of ``denchi.labs.analysis`` (and the seeded data sets' helper that takes a result) answers a
wrong shape, unequal lengths, an empty series, NaN or infinity, a negative value where none
is possible, a wrong type or the wrong kind of result with a ``LabInputError`` whose Japanese
and English messages both name the argument, never with Python's ``TypeError``,
``KeyError``, ``IndexError`` or a plain ``ValueError``. Each function is also called with
valid input, which must give a result, so a function that refuses everything fails here.

No PyBaMM solve: every input is made here, and the functions that read PyBaMM's parameter
sets (``NEEDS_PYBAMM``) are called validly only in the slow test at the end; their hostile
inputs are refused before PyBaMM is imported.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from denchi import labs
from denchi.labs.analysis import circuit_fit, ecm, fade, heat, ocv, pulse, rate
from denchi.labs.api.aging import AgingResult
from denchi.labs.api.ocv import OCVResult
from denchi.labs.api.results import DischargeResult, GITTResult
from denchi.labs.datasets import evaluation

# --- valid inputs, made without PyBaMM -------------------------------------------------------

Q = np.linspace(0.0, 2.0, 401)  # charge [Ah]
V = 3.5 + 0.25 * Q + 0.01 * np.sin(6 * Q)  # a rising OCV through both named peaks' windows
X = np.linspace(0.0, 10.0, 1001)
Y = np.exp(-((X - 3) ** 2)) + 2 * np.exp(-((X - 7) ** 2) / 0.5)
CURRENTS = np.array([1.0, 2.0, 5.0, 10.0])
HOURS = 20.0 * (1.0 / CURRENTS) ** 1.15
T_PULSE = np.arange(0.0, 20.0, 1.0)
I_PULSE = np.where(T_PULSE >= 10, 5.0, 0.0)
V_PULSE = np.where(T_PULSE >= 10, 3.7 - 5.0 * 0.03, 3.7)
CYCLES = np.arange(1.0, 61.0)
RETENTION = 100 - 0.01 * CYCLES
DAYS = np.linspace(0.0, 360.0, 7)
FADE = 0.1 * np.sqrt(DAYS)
FREQUENCIES = np.logspace(-2, 4, 49)
CIRCUIT = {"r0_ohm": 0.02, "r_ct_ohm": 0.015, "q": 0.8, "alpha": 0.85, "sigma_ohm_s05": 0.002}
PARAMS = np.array(list(CIRCUIT.values()))
SPECTRUM = (
    0.02
    + 0.015 / (1 + 0.8 * 0.015 * (2j * np.pi * FREQUENCIES) ** 0.85)
    + 0.002 * (1 - 1j) / np.sqrt(2 * np.pi * FREQUENCIES)
)  # written out: the function under test is not the source


def _ocv(shift_v: float = 0.0) -> OCVResult:
    soc = np.linspace(0.0, 1.0, 401)
    return OCVResult("nmc_graphite", soc, 3.5 + 0.5 * soc + shift_v, capacity_ah=5.0)


def _record() -> DischargeResult:
    n = 5
    return DischargeResult(
        preset="nmc_graphite",
        nominal_capacity_ah=5.0,
        ambient_temperature_c=25.0,
        time_s=np.arange(n, dtype=float) * 60,
        voltage_v=np.linspace(4.0, 3.6, n),
        current_a=np.full(n, 5.0),
        discharge_capacity_ah=np.linspace(0.0, 0.4, n),
        temperature_c=np.array([25.0, 35.0, 42.0, 48.0, 50.0]),
        c_rate=1.0,
    )


def _gitt(pulses: int) -> GITTResult:
    """A GITT record of ``pulses`` 60-s pulses, each between 60-s rests (cycle n: rest, pulse)."""
    cycle, step, voltage, current = [], [], [], []
    for n in range(1, pulses + 2):
        for s, i in ((0, 0.0), (1, 1.0)) if n <= pulses else ((0, 0.0),):
            for k in range(4):
                cycle.append(n)
                step.append(s)
                current.append(i)
                voltage.append(4.0 - 0.02 * n - (0.01 + 0.002 * k if s else 0.0))
    size = len(cycle)
    time = np.arange(size, dtype=float) * 20.0
    return GITTResult(
        preset="nmc_graphite",
        nominal_capacity_ah=5.0,
        ambient_temperature_c=25.0,
        time_s=time,
        voltage_v=np.array(voltage),
        current_a=np.array(current),
        discharge_capacity_ah=np.cumsum(current) * 20.0 / 3600.0,
        temperature_c=np.full(size, 25.0),
        cycle=np.array(cycle),
        step=np.array(step),
        pulse_s=60.0,
    )


def _aging() -> AgingResult:
    n = np.arange(1, 6)
    return AgingResult(
        preset="nmc_graphite",
        ambient_temperature_c=25.0,
        conditions="1C/1C, 25 ℃",
        cycle=n,
        elapsed_days=n * 0.5,
        capacity_ah=5.0 - 0.01 * n,
        lithium_inventory_loss_pct=0.1 * n,
        sei_loss_ah=0.01 * n,
        plating_loss_ah=0.0 * n,
    )


BALANCE = heat.HeatBalance(
    time_s=np.array([0.0, 60.0, 120.0]),
    irreversible_w=np.array([1.0, 1.5, 2.0]),
    reversible_w=np.array([0.2, -0.1, -0.3]),
)
FIT = circuit_fit.CircuitFit(**CIRCUIT)
T_RELAX = np.arange(0.0, 60.0)
V_RELAX = 3.7 - 0.05 * np.exp(-T_RELAX / 15.0)
Q_PULSE = np.clip(T_PULSE - 10.0, 0.0, None) * 5.0 / 3600.0


def _pulse_record() -> labs.ProtocolResult:
    """Rest, a 5-A pulse and a relaxation (cycle 1, steps 0, 1, 2), 10 samples each."""
    t = np.arange(30.0)
    step = (t // 10).astype(int)
    current = np.where(step == 1, 5.0, 0.0)
    voltage = np.where(step == 0, 3.7, np.where(step == 1, 3.55 - 0.002 * (t - 10), 3.69))
    voltage[20:] -= 0.03 * np.exp(-(t[20:] - 20.0) / 4.0)
    return labs.ProtocolResult(
        preset="nmc_graphite",
        nominal_capacity_ah=5.0,
        ambient_temperature_c=25.0,
        time_s=t,
        voltage_v=voltage,
        current_a=current,
        discharge_capacity_ah=np.cumsum(current) / 3600.0,
        temperature_c=np.full(30, 25.0),
        cycle=np.ones(30, dtype=int),
        step=step,
    )


THEVENIN = ecm.TheveninFit(0.025, 0.015, 4000.0, 60.0, 3.7, 3.69)


# --- hostile values ---------------------------------------------------------------------------

NOT_A_SERIES = {
    "text": "3.7, 3.8, 3.9",
    "texts": ["3.7", "3.8", "3.9"],
    "dict": {"voltage": [3.7, 3.8]},
    "none": None,
    "number": 3.7,
    "ragged": [[1.0, 2.0], [3.0]],
    "with None": [1.0, None, 3.0],
    "booleans": [True, False, True],
    "object": object(),
    "empty": [],
}
NOT_A_NUMBER = {
    "none": None,
    "text": "1.5",
    "nan": float("nan"),
    "inf": math.inf,
    "-inf": -math.inf,
    "list": [1.0],
    "array": np.array([1.0, 2.0]),
    "complex": 1 + 1j,
    "bool": True,
}
NOT_A_RESULT = {"text": "result", "none": None, "list": [1.0, 2.0, 3.0], "dict": {"time_s": [0]}}


@dataclass
class Case:
    """A function, a valid call, and per argument the kind of value it takes."""

    call: Callable[..., Any]
    valid: dict[str, Any]
    series: tuple[str, ...] = ()  # 1-D measured series (same length as each other)
    numbers: tuple[str, ...] = ()  # single numbers
    results: dict[str, Any] = field(default_factory=dict)  # argument: a result of another kind
    # argument: extra values that are impossible for it (negative, zero, out of range, a
    # string that is no choice); the series' elements are put in one at a time
    impossible: dict[str, list[Any]] = field(default_factory=dict)
    nan_allowed: tuple[str, ...] = ()  # series where NaN means a gap (documented)


CASES: dict[str, Case] = {
    "rate.peukert_fit": Case(
        rate.peukert_fit,
        {"currents_a": CURRENTS, "durations_h": HOURS},
        series=("currents_a", "durations_h"),
        impossible={"currents_a": [-1.0, 0.0], "durations_h": [-2.0, 0.0]},
    ),
    "rate.rate_table": Case(
        rate.rate_table, {"result": labs.RateTestResult("nmc_graphite", (_record(),))}
    ),
    "ocv.incremental_capacity": Case(
        ocv.incremental_capacity,
        {"capacity_ah": Q, "voltage_v": V, "bin_v": 0.01},
        series=("capacity_ah", "voltage_v"),
        numbers=("bin_v",),
        impossible={"voltage_v": [-3.7, 3700.0], "bin_v": [0.0, -0.01]},
    ),
    "ocv.differential_voltage": Case(
        ocv.differential_voltage,
        {"capacity_ah": Q, "voltage_v": V, "bin_ah": 0.05},
        series=("capacity_ah", "voltage_v"),
        numbers=("bin_ah",),
        impossible={"voltage_v": [-3.7, 3700.0], "capacity_ah": [1e9], "bin_ah": [0.0, -0.05]},
    ),
    "ocv.peak_positions": Case(
        ocv.peak_positions,
        {"x": X, "y": Y, "prominence": 0.1, "count": 2},
        series=("x", "y"),
        numbers=("prominence",),
        nan_allowed=("y",),
        impossible={"prominence": [-0.1, 1.5], "count": [0, -1, 1.5, "2", [2]]},
    ),
    "ocv.named_peak": Case(
        ocv.named_peak,
        {"capacity_ah": Q, "voltage_v": V, "name": "high", "bin_v": 0.01},
        series=("capacity_ah", "voltage_v"),
        numbers=("bin_v",),
        impossible={"name": ["main", ["high"], None, 1], "voltage_v": [-3.7]},
    ),
    "ocv.peak_change": Case(
        ocv.peak_change,
        {"fresh": _ocv(), "aged": _ocv(0.01), "name": "high", "bin_v": 0.01},
        numbers=("bin_v",),
        results={"fresh": _record(), "aged": _record()},
        impossible={"name": ["main", ["low"], None]},
    ),
    "ocv.degraded_ocv": Case(
        ocv.degraded_ocv,
        {"chemistry": "nmc_graphite", "lli": 0.1, "lam_ne": 0.0, "lam_pe": 0.0, "points": 101},
        numbers=("lli", "lam_ne", "lam_pe"),
        impossible={
            "points": [0, 1, 2, -5, 1.5, "101", None, 10**9],
            "lli": [-0.1, 0.9],
            "chemistry": ["lead", ["nmc_graphite"], None],
        },
    ),
    "pulse.pulse_resistance_ohm": Case(
        pulse.pulse_resistance_ohm,
        {
            "time_s": T_PULSE,
            "voltage_v": V_PULSE,
            "current_a": I_PULSE,
            "start_s": 10.0,
            "after_s": 5.0,
        },
        series=("time_s", "voltage_v", "current_a"),
        numbers=("start_s", "after_s"),
        impossible={"voltage_v": [-3.7], "after_s": [0.0, -1.0]},
    ),
    "pulse.pulse_power_w": Case(
        pulse.pulse_power_w,
        {"ocv_v": 3.7, "resistance_ohm": 0.03, "voltage_limit_v": 2.5},
        numbers=("ocv_v", "resistance_ohm", "voltage_limit_v"),
        impossible={"resistance_ohm": [0.0, -0.03], "ocv_v": [-1.0], "voltage_limit_v": [-2.5]},
    ),
    "pulse.weppner_huggins_diffusivity": Case(
        pulse.weppner_huggins_diffusivity,
        {"delta_es_v": -0.01, "delta_et_v": -0.02, "pulse_s": 300.0, "radius_m": 3e-6},
        numbers=("delta_es_v", "delta_et_v", "pulse_s", "radius_m"),
        impossible={"pulse_s": [0.0, -300.0], "radius_m": [0.0, -3e-6], "delta_et_v": [0.0]},
    ),
    "pulse.gitt_diffusivities": Case(
        pulse.gitt_diffusivities,
        {"result": _gitt(3), "radius_m": 5e-6},
        numbers=("radius_m",),
        results={"result": _record()},
        impossible={"radius_m": [0.0, -5e-6], "result": [_gitt(0)]},
    ),
    "heat.state_of_charge": Case(
        heat.state_of_charge, {"record": _record()}, results={"record": _ocv()}
    ),
    "heat.irreversible_heat_w": Case(
        heat.irreversible_heat_w,
        {"record": _record(), "ocv": _ocv()},
        results={"record": _ocv(), "ocv": _record()},
    ),
    "heat.entropic_coefficient_v_per_k": Case(
        heat.entropic_coefficient_v_per_k,
        {"soc": np.array([0.1, 0.9]), "preset": "nmc_graphite"},
        impossible={
            "soc": ["0.5", None, [0.5, None], 1.5, [0.5, -0.1], [0.5, math.nan], {"soc": 0.5}],
            "preset": ["lfp_graphite", ["nmc_graphite"], None],
        },
    ),
    "heat.reversible_heat_w": Case(
        heat.reversible_heat_w, {"record": _record()}, results={"record": _ocv()}
    ),
    "heat.heat_generation": Case(
        heat.heat_generation,
        {"record": _record(), "ocv": _ocv()},
        results={"record": _ocv(), "ocv": _record()},
    ),
    "heat.time_to_temperature_s": Case(
        heat.time_to_temperature_s,
        {"record": _record(), "limit_c": 45.0},
        numbers=("limit_c",),
        results={"record": _ocv()},
    ),
    "heat.HeatBalance.energy_j": Case(
        BALANCE.energy_j,
        {"part": "irreversible"},
        impossible={"part": ["heat", ["total"], None, 1]},
    ),
    "heat.HeatBalance.mean_w": Case(
        BALANCE.mean_w, {"part": "reversible"}, impossible={"part": ["heat", ["total"], None]}
    ),
    "fade.linear_fade": Case(
        fade.linear_fade,
        {"cycle": CYCLES, "retention_pct": RETENTION},
        series=("cycle", "retention_pct"),
        impossible={"cycle": [-5.0], "retention_pct": [-10.0, 1e4]},
    ),
    "fade.cycles_to_end_of_life": Case(
        fade.cycles_to_end_of_life,
        {"slope": -0.01, "intercept": 100.0, "eol_pct": 80.0},
        numbers=("slope", "intercept", "eol_pct"),
        impossible={"eol_pct": [-1.0, 150.0]},
    ),
    "fade.sqrt_time_fade": Case(
        fade.sqrt_time_fade,
        {"days": DAYS, "fade_pct": FADE},
        series=("days", "fade_pct"),
        impossible={"fade_pct": [1e4]},
    ),
    "fade.days_to_end_of_life": Case(
        fade.days_to_end_of_life,
        {"b": 0.1, "eol_pct": 80.0},
        numbers=("b", "eol_pct"),
        impossible={"eol_pct": [-1.0, 150.0]},
    ),
    "fade.activation_energy_j_mol": Case(
        fade.activation_energy_j_mol,
        {"rate_1": 0.1, "temperature_1_c": 25.0, "rate_2": 0.3, "temperature_2_c": 45.0},
        numbers=("rate_1", "temperature_1_c", "rate_2", "temperature_2_c"),
        impossible={
            "rate_1": [0.0, -0.1],
            "rate_2": [0.0, -0.3],
            "temperature_1_c": [-300.0],
            "temperature_2_c": [-300.0, 25.0],
        },
    ),
    "circuit_fit.randles_impedance": Case(
        circuit_fit.randles_impedance,
        {"frequency_hz": FREQUENCIES, **CIRCUIT},
        numbers=tuple(CIRCUIT),
        impossible={
            "frequency_hz": ["1 kHz", None, [1.0, None], [10.0, -1.0], [0.0, 1.0], [math.nan]],
            "r0_ohm": [-0.02],
            "r_ct_ohm": [0.0, -0.015],
            "q": [-0.8],
            "alpha": [-0.5, 1.5],
            "sigma_ohm_s05": [-0.002],
        },
    ),
    "circuit_fit.CircuitFit.impedance": Case(
        FIT.impedance,
        {"frequency_hz": FREQUENCIES},
        impossible={"frequency_hz": ["1 kHz", None, [10.0, -1.0], [0.0], [math.inf], {}]},
    ),
    "circuit_fit.modulus_weighted_residuals": Case(
        circuit_fit.modulus_weighted_residuals,
        {"frequency_hz": FREQUENCIES, "impedance_ohm": SPECTRUM, "params": PARAMS},
        series=("frequency_hz", "impedance_ohm"),
        impossible={
            "frequency_hz": [-1.0, 0.0],
            "impedance_ohm": [0.0, complex(math.nan, 1.0), complex(1.0, math.inf)],
            "params": [PARAMS[:4], [*PARAMS, 1.0], "params", None, [0.02, -0.015, 0.8, 0.85, 0.0]],
        },
    ),
    "circuit_fit.modulus_weighted_cost": Case(
        circuit_fit.modulus_weighted_cost,
        {"frequency_hz": FREQUENCIES, "impedance_ohm": SPECTRUM, "params": PARAMS},
        series=("frequency_hz", "impedance_ohm"),
        impossible={
            "frequency_hz": [-1.0, 0.0],
            "impedance_ohm": [0.0, complex(math.nan, 1.0)],
            "params": [PARAMS[:4], ["a"] * 5, None, [0.02, 0.015, 0.8, 1.5, 0.0]],
        },
    ),
    "circuit_fit.fit_randles": Case(
        circuit_fit.fit_randles,
        {
            "frequency_hz": FREQUENCIES,
            "impedance_ohm": SPECTRUM,
            "f_min_hz": 0.0,
            "f_max_hz": math.inf,
            "weighted": True,
        },
        series=("frequency_hz", "impedance_ohm"),
        numbers=("f_min_hz",),
        impossible={
            "frequency_hz": [-1.0, 0.0],
            "impedance_ohm": [0.0, complex(math.nan, 1.0)],
            "f_min_hz": [-1.0],
            "f_max_hz": [None, "1e3", math.nan, -1.0, [1e3]],
            "weighted": ["yes", None, 2],
        },
    ),
    "ecm.thevenin_voltage": Case(
        ecm.thevenin_voltage,
        {
            "time_s": T_PULSE,
            "current_a": I_PULSE,
            "ocv_v": 3.7,
            "r0_ohm": 0.025,
            "r1_ohm": 0.015,
            "c1_f": 4000.0,
        },
        series=("time_s", "current_a"),
        numbers=("r0_ohm", "r1_ohm", "c1_f"),
        impossible={
            "time_s": [-5.0],
            "ocv_v": [None, "3.7", -1.0, [3.7, 3.6], np.full((2, 20), 3.7), math.nan],
            "r0_ohm": [-0.01],
            "r1_ohm": [-0.01],
            "c1_f": [0.0, -1.0],
        },
    ),
    "ecm.fit_relaxation": Case(
        ecm.fit_relaxation,
        {"time_s": T_RELAX, "voltage_v": V_RELAX},
        series=("time_s", "voltage_v"),
        impossible={"time_s": [-5.0], "voltage_v": [-1.0, 20.0]},
    ),
    "ecm.rc_from_relaxation": Case(
        ecm.rc_from_relaxation,
        {"amplitude_v": 0.05, "tau_s": 60.0, "current_a": 5.0, "pulse_s": 120.0},
        numbers=("amplitude_v", "tau_s", "current_a", "pulse_s"),
        impossible={
            "amplitude_v": [0.0, -0.05, 20.0],
            "tau_s": [0.0, -60.0],
            "current_a": [0.0, -5.0],
            "pulse_s": [0.0, -1.0],
        },
    ),
    "ecm.pulse_ocv_v": Case(
        ecm.pulse_ocv_v,
        {"charge_ah": Q_PULSE, "v_before_v": 3.7, "v_inf_v": 3.68},
        numbers=("v_before_v", "v_inf_v"),
        impossible={
            # the only series: any length is valid, so its wrong values are given whole (not
            # object(), whose repr in the test id differs between pytest-xdist's workers)
            "charge_ah": [
                *(value for what, value in NOT_A_SERIES.items() if what != "object"),
                np.stack([Q_PULSE, Q_PULSE]),
                np.where(T_PULSE == 1.0, math.nan, Q_PULSE),
                np.where(T_PULSE == 1.0, 2e6, Q_PULSE),
                np.zeros(20),
            ],
            "v_before_v": [-1.0, 20.0],
            "v_inf_v": [-1.0, 20.0],
        },
    ),
    "ecm.fit_pulse": Case(ecm.fit_pulse, {"result": _pulse_record()}, results={"result": _ocv()}),
    "ecm.model_voltage_v": Case(
        ecm.model_voltage_v,
        {"result": _pulse_record(), "fit": THEVENIN},
        results={"result": _ocv()},
        impossible={"fit": [None, "fit", FIT, (0.025, 0.015, 4000.0)]},
    ),
    "evaluation.measured_checks": Case(
        evaluation.measured_checks, {"result": _aging(), "seed": "s1"}, results={"result": _ocv()}
    ),
}
# valid calls that read PyBaMM's parameter sets (the reversible heat needs the entropic
# coefficient); their hostile calls are refused before PyBaMM is imported
NEEDS_PYBAMM = {
    "ocv.degraded_ocv",
    "heat.entropic_coefficient_v_per_k",
    "heat.reversible_heat_w",
    "heat.heat_generation",
}


def _hostile() -> list[Any]:
    """(case, argument, what, value) for every hostile value of every argument."""
    found = []
    for key, case in CASES.items():
        for arg in case.series:
            good = np.asarray(case.valid[arg])
            values = dict(NOT_A_SERIES)
            values["2-D"] = np.stack([good, good])
            values["shorter"] = good[:-1]
            if arg not in case.nan_allowed:
                values["nan"] = _with(good, math.nan)
            values["inf"] = _with(good, math.inf)
            for bad in case.impossible.get(arg, []):
                values[f"element {bad!r}"] = _with(good, bad)
            found += [(key, arg, what, value) for what, value in values.items()]
        for arg in case.numbers:
            values = dict(NOT_A_NUMBER)
            values |= {f"{bad!r}": bad for bad in case.impossible.get(arg, [])}
            found += [(key, arg, what, value) for what, value in values.items()]
        for arg, wrong_kind in case.results.items():
            values = dict(NOT_A_RESULT) | {type(wrong_kind).__name__: wrong_kind}
            found += [(key, arg, what, value) for what, value in values.items()]
        for arg, bads in case.impossible.items():
            if arg not in case.series and arg not in case.numbers:
                found += [(key, arg, repr(bad)[:30], bad) for bad in bads]
    return found


def _with(good: np.ndarray, bad: Any) -> np.ndarray:
    """``good`` with its second value replaced by ``bad``."""
    changed = good.astype(np.result_type(good, np.asarray(bad)))
    changed[1] = bad
    return changed


def _named(name: str, message: str) -> bool:
    """``name`` appears in ``message`` as a whole identifier (``x`` not inside ``max``)."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", message) is not None


HOSTILE = _hostile()


@pytest.mark.parametrize(
    ("key", "arg", "what", "value"),
    HOSTILE,
    ids=[f"{key}-{arg}-{what}" for key, arg, what, _ in HOSTILE],
)
def test_a_hostile_argument_is_a_lab_input_error_naming_it(key, arg, what, value):
    case = CASES[key]
    with pytest.raises(Exception) as info:
        case.call(**(case.valid | {arg: value}))
    error = info.value
    assert type(error) is labs.LabInputError, f"{type(error).__name__}: {error}"
    assert _named(arg, error.message_ja), error.message_ja
    assert _named(arg, error.message_en), error.message_en


FAST = sorted(set(CASES) - NEEDS_PYBAMM)


@pytest.mark.parametrize("key", FAST)
def test_a_valid_call_gives_a_result(key):
    """The same functions answer valid input (a stub refusing everything fails here)."""
    case = CASES[key]
    result = case.call(**case.valid)
    assert result is not None
    numbers = [
        v
        for v in (result if isinstance(result, tuple) else (result,))
        if isinstance(v, float | np.ndarray)
    ]
    for value in numbers:
        assert np.all(np.isfinite(np.asarray(value))), (key, value)


def test_valid_calls_keep_their_values():
    """Checked inputs give the same numbers as before the checks (worked by hand)."""
    assert rate.peukert_fit(CURRENTS, HOURS)[0] == pytest.approx(1.15, rel=1e-9)
    assert pulse.pulse_resistance_ohm(T_PULSE, V_PULSE, I_PULSE, 10.0, 5.0) == pytest.approx(0.03)
    assert pulse.pulse_power_w(3.7, 0.03, 2.5) == pytest.approx(2.5 * 1.2 / 0.03)
    assert fade.cycles_to_end_of_life(-0.01, 100.0) == pytest.approx(2000.0)
    assert fade.cycles_to_end_of_life(0.0, 100.0) == math.inf
    np.testing.assert_allclose(
        circuit_fit.randles_impedance(FREQUENCIES, **CIRCUIT), SPECTRUM, rtol=1e-12
    )
    assert circuit_fit.modulus_weighted_cost(FREQUENCIES, SPECTRUM, PARAMS) == pytest.approx(
        0.0, abs=1e-20
    )
    assert ocv.peak_positions(X, np.where(X > 9, math.nan, Y), count=1) == pytest.approx([7.0])
    assert BALANCE.energy_j("total") == pytest.approx(60 * (1.2 + 1.4) / 2 + 60 * (1.4 + 1.7) / 2)
    assert heat.time_to_temperature_s(_record(), 45.0) == pytest.approx(120 + 60 * 3 / 6)


@pytest.mark.slow  # reads PyBaMM's parameter sets
@pytest.mark.parametrize("key", sorted(NEEDS_PYBAMM))
def test_a_valid_call_of_a_pybamm_helper_gives_a_result(key):
    case = CASES[key]
    assert case.call(**case.valid) is not None


@pytest.mark.slow  # reads PyBaMM's parameter sets
@pytest.mark.parametrize("chemistry", ["graphite_siox", "lead_acid"])
def test_degraded_ocv_refuses_a_preset_without_single_material_electrodes(chemistry):
    """A composite electrode (graphite_siox) or none (lead_acid) has no OCP to slide: this
    was PyBaMM's KeyError."""
    with pytest.raises(labs.LabInputError) as info:
        ocv.degraded_ocv(chemistry, lli=0.05, points=11)
    assert info.value.parameter == "chemistry"
    assert _named("chemistry", info.value.message_ja)
    assert _named("chemistry", info.value.message_en)


def test_a_data_set_takes_its_arguments_by_name():
    """``lab_datasets.calendar_aging(seed, temperature_c=...)`` was Python's TypeError even
    when spelt right (the cache took positional arguments only); an unhashable value is
    named by its argument."""
    with pytest.raises(labs.LabInputError) as info:
        evaluation.calendar_aging("s1", temperature_c=[25.0])
    assert info.value.parameter == "temperature_c"
    assert _named("temperature_c", info.value.message_ja)
    assert _named("temperature_c", info.value.message_en)


@pytest.mark.slow  # PyBaMM solves
def test_a_data_set_by_name_is_the_one_by_position():
    by_name = evaluation.calendar_aging(seed="s1", temperature_c=25.0)
    np.testing.assert_array_equal(
        by_name.capacity_ah, evaluation.calendar_aging("s1", 25.0).capacity_ah
    )
