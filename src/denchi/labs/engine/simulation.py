"""Build PyBaMM simulations once and re-solve them with input parameters.

Built simulations are cached in the process, keyed by what changes the model: the preset,
the model fidelity, the thermal model, the cell design (geometry) and, for cycler protocols,
the protocol's shape (its kinds of steps, end conditions and fixed durations). What a learner
changes on a slider -- current, chamber temperature, cooling, a cell's production spread, the
currents and voltages of protocol steps -- are PyBaMM ``[input]`` parameters, so a new value
re-solves without rebuilding.

Everything that talks to PyBaMM runs inside :func:`pybamm_call`, which keeps PyBaMM's log and
warnings off the learner's screen and turns any solver failure into a ``LabSimulationError``
that says in plain words what to change.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

import numpy as np

from denchi.labs.engine.presets import Preset
from denchi.labs.errors import LabInputError, LabSimulationError
from denchi.telemetry import import_pybamm

CURRENT = "Current function [A]"
CHAMBER = "Chamber temperature [K]"
LOADING = "Active material loading factor"
CONTACT = "Contact resistance [Ohm]"
COOLING = "Total heat transfer coefficient [W.m-2.K-1]"
EXCHANGE = "Exchange-current density factor"  # multiplies j0 of both electrodes (polarisation)
STEP_LIMIT_S = 150 * 3600.0  # the longest a current step may run without its own duration
QUIET_SOLVER = {"silence_sundials_errors": True}  # failures come back as exceptions only
# Recorded samples: the solver itself reports the solution on this grid (IDAKLU's output
# grid ``t_interp`` or its Hermite dense output), never a straight line between its own
# steps, which at C/20 lie hours apart. A sample every 10 s at most, and at least
# ``MIN_SAMPLES`` per record, so that a 10-s pulse or a 10C discharge is resolved too; at
# most ``MAX_SAMPLES`` per record, so that a 60-day storage step keeps its memory small.
MAX_SAMPLE_S = 10.0
MIN_SAMPLES = 500
MAX_SAMPLES = 5000
AT_ONCE_FRACTION = 0.02  # a discharge delivering less than this share "stopped at once"

OCV_VARIABLE = "Bulk open-circuit voltage [V]"
SERIES_VARIABLES = {
    "time_s": "Time [s]",
    "voltage_v": "Voltage [V]",
    "current_a": "Current [A]",
    "discharge_capacity_ah": "Discharge capacity [A.h]",
    "temperature_c": "X-averaged cell temperature [C]",
}
SEI_OPTIONS = {"SEI": "solvent-diffusion limited", "SEI porosity change": "true"}
PLATING_OPTIONS = {
    "lithium plating": "partially reversible",
    "lithium plating porosity change": "true",
}
AGING_VARIABLES = {
    "lithium_inventory_loss_pct": "Loss of lithium inventory [%]",
    "sei_loss_ah": "Loss of capacity to negative SEI [A.h]",
    "plating_loss_ah": "Loss of capacity to negative lithium plating [A.h]",
}


@dataclass(frozen=True)
class ModelSpec:
    """What a built simulation depends on (the cache key)."""

    preset: Preset
    fidelity: str
    thermal: str = "isothermal"
    design: tuple[tuple[str, float], ...] = ()  # parameter overrides of a designed cell
    # "cycler", "impedance", "aging", "calendar" (SEI only) or "polarisation" (j0 as input)
    purpose: str = "cycler"
    varies: bool = False  # a seeded cell: loading and contact resistance are inputs too

    def but(self, **changes: Any) -> ModelSpec:
        """The same spec with some fields changed (e.g. ``purpose="impedance"``)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Conditions:
    """What a single run changes without a rebuild: chamber, cooling and the cell's spread."""

    temperature_c: float = 25.0
    cooling_w_m2k: float | None = None  # None: the parameter set's value (lumped thermal only)
    loading: float = 1.0  # active-material loading relative to the preset
    contact_ohm: float = 0.0  # extra contact resistance of this particular cell
    exchange_current_factor: float = 1.0  # j0 of both electrodes times this (polarisation)

    def inputs(self, spec: ModelSpec) -> dict[str, float]:
        """PyBaMM input parameters of this run: chamber temperature [K], and the loading,
        contact resistance [Ω], heat transfer coefficient [W/(m² K)] and exchange-current
        factor where ``spec`` has them.

        Args:
            spec: The model, preset, thermal option, design and purpose of the cell.
        """
        inputs = {CHAMBER: self.temperature_c + 273.15}
        if spec.varies:
            inputs.update({LOADING: self.loading, CONTACT: self.contact_ohm})
        if spec.thermal == "lumped":
            inputs[COOLING] = (
                self.cooling_w_m2k
                if self.cooling_w_m2k is not None
                else default_cooling_w_m2k(spec.preset)
            )
        if spec.purpose == "polarisation":
            inputs[EXCHANGE] = self.exchange_current_factor
        return inputs


# ------------------------------------------------------------------ errors and quiet


@contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to the null device: SUNDIALS prints its failures there from C,
    which a notebook would show (and the book build would fail on) as stderr."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no usable stderr: nothing to silence
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


@contextmanager
def pybamm_call(parameter: str, hint_ja: str, hint_en: str) -> Iterator[Any]:
    """Run PyBaMM quietly; turn any failure into a plain-words ``LabSimulationError``.

    PyBaMM's logger, Python warnings (solver notes, extrapolation warnings) and the solver
    library's own messages on stderr are silenced for the duration, so that nothing reaches
    a notebook's stderr.

    Args:
        parameter: The argument the learner should change, named in the error.
        hint_ja: What to try, in Japanese (appended to the message).
        hint_en: The same hint in English.

    Raises:
        LabSimulationError: if PyBaMM fails (a solver error, ``RuntimeError``, ``ValueError``
            or ``ArithmeticError``), explained in plain words.
            A ``LabInputError`` passes through; other exceptions (bugs) are not caught.
    """
    pybamm = import_pybamm()
    logger = pybamm.logger
    level = logger.level
    logger.setLevel(logging.CRITICAL + 10)
    try:
        with warnings.catch_warnings(), _native_stderr_silenced():
            warnings.simplefilter("ignore")
            yield pybamm
    except LabInputError:
        raise
    except (pybamm.SolverError, RuntimeError, ValueError, ArithmeticError) as exc:
        # solver failures (IDAKLU, CasADi, scipy) arrive as these; a learner sees one
        # explanation. Other exceptions (KeyError, TypeError, ...) are bugs of this package
        # and are left visible so that the tests catch them.
        raise LabSimulationError(
            parameter,
            f"この条件ではシミュレーションが最後まで計算できませんでした。{hint_ja}",
            f"The simulation could not finish for these settings. {hint_en}",
        ) from exc
    finally:
        logger.setLevel(level)


HINT_JA = "C レートを小さくするか、温度を 25 ℃ に近づけてもう一度試してください。"
HINT_EN = "Try a smaller C-rate or a temperature closer to 25 °C."


# ------------------------------------------------------------------ models and parameters


def model_options(spec: ModelSpec) -> dict[str, Any]:
    """PyBaMM model options of the spec: the preset's own, and for a lithium-ion cell the
    thermal model, contact resistance, surface form (impedance) and SEI/plating (aging).

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
    """
    options: dict[str, Any] = dict(spec.preset.options)
    if spec.preset.family != "lithium_ion":
        return options
    options["thermal"] = spec.thermal
    if spec.varies:
        options["contact resistance"] = "true"
    if spec.purpose == "impedance":
        options["surface form"] = "differential"
    if spec.purpose in ("aging", "calendar"):
        options.update(SEI_OPTIONS)
    if spec.purpose == "aging":
        options.update(PLATING_OPTIONS)
    return options


# Mesh of the lithium-ion models: PyBaMM's default has 20 points in every domain; 10 in the
# thin separator and 15 along the particle radius keep the delivered capacity within 0.2 %
# of a 40-point mesh (0.2C-3C, -10 to 25 C; PyBaMM's default is within 0.22 %) and make a
# re-solve about a third faster.
LITHIUM_ION_MESH = {"x_n": 20, "x_s": 10, "x_p": 20, "r_n": 15, "r_p": 15}


def mesh_points(spec: ModelSpec) -> dict[str, int] | None:
    """Points per domain for the spec's model (``None``: PyBaMM's default).

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
    """
    if spec.preset.family != "lithium_ion":
        return None
    points = dict(LITHIUM_ION_MESH)
    if spec.preset.options:  # composite electrodes have one radius per phase
        points.update({"r_n_prim": 15, "r_n_sec": 15})
    return points


# Floor of the electrolyte concentration inside PyBaMM's exchange-current densities j0
# (``pybamm.settings.tolerances["j0__c_e"]`` [mol/m3], read while a model is built:
# ``LithiumIonParameters.j0`` takes ``maximum(c_e, tol)``). PyBaMM's default of 0 makes j0
# exactly zero wherever the electrolyte runs out, as it does near the negative electrode when
# a cell is charged fast in the cold (from 2C at -20 C or 3C at 0 C): the reaction there no
# longer depends on the overpotential, Newton's iteration fails on every other step and the
# solver crawls in 4 ms steps (a 10C charge at -20 C: 21,442 steps and ~300 MB of stored
# states; 5C at -10 C: 10,169 steps). A floor a billion times below the electrolyte's
# 1000 mol/m3 keeps j0 positive: 768 and 547 steps, the same current to 0.1 % (issue 12).
# The SPMe, whose electrolyte even goes negative there (2C at 0 C), changes: it delivers
# 2.21 Ah instead of 0.64 Ah (the DFN: 3.42 Ah); neither is valid, the book says so.
# The particle-surface clip (``j0__c_s``) stays at PyBaMM's 0: a floor there made the
# current of a long constant-voltage hold wiggle where the negative surface is nearly full.
KINETICS_FLOORS = {"j0__c_e": 1e-6}


@contextmanager
def kinetics_floors(pybamm: Any) -> Iterator[None]:
    """Set :data:`KINETICS_FLOORS` in PyBaMM's settings while a model is built, and put the
    learner's own settings back afterwards (the built model keeps the floors).

    Args:
        pybamm: The imported ``pybamm`` module (``denchi.telemetry.import_pybamm()``).
    """
    tolerances = pybamm.settings.tolerances
    saved = {key: tolerances[key] for key in KINETICS_FLOORS}
    tolerances.update(KINETICS_FLOORS)
    try:
        yield
    finally:
        tolerances.update(saved)


def build_model(spec: ModelSpec, pybamm: Any) -> Any:
    """The PyBaMM model of the spec: sodium-ion BasicDFN, lead-acid LOQS/Full, or
    lithium-ion SPM/SPMe/DFN with :func:`model_options`, built with the exchange-current
    density floors of :data:`KINETICS_FLOORS`.

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
        pybamm: The imported ``pybamm`` module (``denchi.telemetry.import_pybamm()``).

    Raises:
        KeyError: if ``spec.fidelity`` is not a model of the preset's family (``Cell``
            checks the model name first).
    """
    family = spec.preset.family
    with kinetics_floors(pybamm):
        if family == "sodium_ion":
            return pybamm.sodium_ion.BasicDFN()
        if family == "lead_acid":
            lead_acid = {"loqs": pybamm.lead_acid.LOQS, "full": pybamm.lead_acid.Full}
            return lead_acid[spec.fidelity]()
        classes = {
            "spm": pybamm.lithium_ion.SPM,
            "spme": pybamm.lithium_ion.SPMe,
            "dfn": pybamm.lithium_ion.DFN,
        }
        return classes[spec.fidelity](options=model_options(spec))


def plain_parameter_values(spec: ModelSpec, pybamm: Any) -> Any:
    """The preset's parameter values with the design and aging additions, without inputs.

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
        pybamm: The imported ``pybamm`` module (``denchi.telemetry.import_pybamm()``).
    """
    params = spec.preset.parameter_values(pybamm)
    if spec.purpose in ("aging", "calendar") and spec.preset.aging_parameter_set:
        # the degradation parameters of the aging set: what the preset lacks, and its SEI
        source = pybamm.ParameterValues(spec.preset.aging_parameter_set)
        known = set(params.keys())
        params.update(
            {k: v for k, v in source.items() if k not in known or "SEI" in k},
            check_already_exists=False,
        )
    if spec.design:
        params.update(dict(spec.design), check_already_exists=False)
    return params


def parameter_values(spec: ModelSpec, pybamm: Any) -> Any:
    """Parameter values with the chamber, cooling and production spread as input parameters.

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
        pybamm: The imported ``pybamm`` module (``denchi.telemetry.import_pybamm()``).
    """
    params = plain_parameter_values(spec, pybamm)
    chamber = pybamm.InputParameter(CHAMBER)
    params.update({"Ambient temperature [K]": chamber, "Initial temperature [K]": chamber})
    if spec.varies:
        loading = pybamm.InputParameter(LOADING)
        for key in list(params.keys()):
            if key.endswith("electrode active material volume fraction"):
                params[key] = params[key] * loading
        params.update({"Contact resistance [Ohm]": pybamm.InputParameter(CONTACT)})
    if spec.thermal == "lumped":
        params[COOLING] = pybamm.InputParameter(COOLING)
    if spec.purpose == "polarisation":
        factor = pybamm.InputParameter(EXCHANGE)
        for key in EXCHANGE_CURRENT_DENSITIES:
            params[key] = _scaled(params[key], factor)
    return params


# the exchange-current densities j0 of the two electrodes' main reaction (PyBaMM's names;
# functions of c_e, c_s_surf, c_s_max and T, or numbers), scaled for polarisation studies
EXCHANGE_CURRENT_DENSITIES = (
    "Negative electrode exchange-current density [A.m-2]",
    "Positive electrode exchange-current density [A.m-2]",
)


def _scaled(value: Any, factor: Any) -> Any:
    """A parameter (a number or a function of PyBaMM symbols) times ``factor``."""
    if callable(value):
        return lambda *args: factor * value(*args)
    return factor * value


@cache
def default_cooling_w_m2k(preset: Preset) -> float:
    """The parameter set's own heat transfer coefficient [W/(m2 K)].

    Args:
        preset: The cell preset.
    """
    return float(preset.parameter_values(import_pybamm())[COOLING])


# ------------------------------------------------------------------ constant-current discharge


def _output_variables(spec: ModelSpec, with_ocv: bool, model: Any) -> list[str]:
    """What the solver computes: the current is the input and an isothermal cell's
    temperature is the chamber's, so neither is worth compiling an output for. A model
    without a discharge-capacity variable (lead-acid LOQS) has it counted from the current."""
    names = [SERIES_VARIABLES["voltage_v"], SERIES_VARIABLES["discharge_capacity_ah"]]
    if spec.thermal == "lumped":
        names.append(SERIES_VARIABLES["temperature_c"])
    names = [*names, OCV_VARIABLE] if with_ocv else names
    return [name for name in names if name in model.variables]


@lru_cache(maxsize=8)
def discharge_simulation(spec: ModelSpec, with_ocv: bool = False) -> Any:
    """A simulation built for constant-current discharge, current and chamber as inputs;
    ``with_ocv`` also records the open-circuit voltage of the cell's mean state.

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
        with_ocv: Also compute the open-circuit voltage [V].
    """
    pybamm = import_pybamm()
    params = parameter_values(spec, pybamm)
    params.update({CURRENT: "[input]"})
    # PyBaMM's default tolerances: a looser rtol (3e-4) was faster but let the DFN's voltage
    # dip 80 mV for half a second at 3C (a solver artefact, gone at the default).
    model = build_model(spec, pybamm)
    solver = pybamm.IDAKLUSolver(
        output_variables=_output_variables(spec, with_ocv, model),
        options=QUIET_SOLVER,
    )
    return pybamm.Simulation(
        model,
        parameter_values=params,
        solver=solver,
        var_pts=mesh_points(spec),
    )


def solve_discharge(
    spec: ModelSpec,
    current_a: float,
    conditions: Conditions,
    t_end_s: float,
    initial_soc: float | None = None,
    with_ocv: bool = False,
) -> dict[str, np.ndarray]:
    """Constant-current discharge until the lower cut-off voltage or ``t_end_s``.

    Returns the recorded arrays (keys of ``SERIES_VARIABLES``; with ``with_ocv`` also
    ``ocv_v``, the open-circuit voltage of the cell's mean state).

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
        current_a: Discharge current [A], positive.
        conditions: Chamber temperature, cooling and the cell's production spread.
        t_end_s: Longest duration [s].
        initial_soc: Starting state of charge, 0–1 (``None``: the parameter set's own).
        with_ocv: Also record ``ocv_v`` [V].

    Raises:
        LabSimulationError: if PyBaMM fails (a solver error, ``RuntimeError``, ``ValueError``
            or ``ArithmeticError``), explained in plain words.
        LabSimulationError: also if under 2 % of the capacity came out before the cut-off, or
            the solution broke down (NaN) before it.
    """
    with pybamm_call("c_rate", HINT_JA, HINT_EN):
        sim = discharge_simulation(spec, with_ocv)
        inputs = {**conditions.inputs(spec), CURRENT: current_a}
        solution = sim.solve(
            [0.0, t_end_s],
            inputs=inputs,
            initial_soc=initial_soc,
            t_interp=sample_times(0.0, t_end_s),
        )
        data = _series(solution, conditions, current_a)
        if with_ocv:
            data["ocv_v"] = np.asarray(solution[OCV_VARIABLE].entries, dtype=float).ravel()
    data = _stopped_at_cut_off(data, spec.preset.voltage_min_v)
    delivered = data["discharge_capacity_ah"][-1] / spec.preset.nominal_capacity_ah
    if len(data["time_s"]) < 3 or delivered < AT_ONCE_FRACTION:
        raise LabSimulationError(
            "c_rate",
            "放電を始めた直後に電圧が終止電圧に達し、容量の 2 % も取り出せませんでした。"
            "C レートを小さくするか、温度を上げてください。",
            "The voltage hit the cut-off right at the start: not even 2 % of the capacity "
            "came out. Use a smaller C-rate or a higher temperature.",
        )
    return data


def _stopped_at_cut_off(data: dict[str, np.ndarray], cut_off_v: float) -> dict[str, np.ndarray]:
    """The record as a cycler keeps it: ending at the first sample at or below the cut-off
    voltage. A model whose cut-off event did not fire (lead-acid LOQS at low rates runs on
    past it until its solution breaks down) is stopped there too; a record that breaks down
    (NaN) before reaching the cut-off is a ``LabSimulationError``, never silent NaN."""
    voltage = data["voltage_v"]
    below = np.flatnonzero(~(voltage > cut_off_v))  # at the cut-off, below it, or NaN
    end = len(voltage) if below.size == 0 else int(below[0]) + 1
    kept = {key: values[:end] for key, values in data.items()}
    if not all(np.all(np.isfinite(values)) for values in kept.values()):
        raise LabSimulationError(
            "model",
            "このモデルの計算が途中で破綻しました（数値が NaN になりました）。"
            "ほかのモデル（model）を使うか、C レートや温度を変えてください。",
            "The model's solution broke down part-way (NaN). Use another model, or change "
            "the C-rate or temperature.",
        )
    return kept


def sample_times(t_start_s: float, t_end_s: float) -> np.ndarray:
    """The times [s] at which a record is sampled: evenly spaced, every ``MAX_SAMPLE_S``
    where ``MIN_SAMPLES`` to ``MAX_SAMPLES`` points allow it, both ends included.

    Args:
        t_start_s: First time [s].
        t_end_s: Last time [s] (a span below 0 counts as 0).
    """
    span = max(t_end_s - t_start_s, 0.0)
    count = min(MAX_SAMPLES, max(MIN_SAMPLES, math.ceil(span / MAX_SAMPLE_S))) + 1
    return np.linspace(t_start_s, t_end_s, count)


def _series(
    solution: Any,
    conditions: Conditions,
    current_a: float | None = None,
    times: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The cycler's arrays from a PyBaMM solution: at the solution's own output times, or
    at ``times`` by the solver's Hermite dense output. A constant ``current_a`` and the
    chamber temperature fill in what the solver was not asked for (or the model lacks)."""
    data: dict[str, np.ndarray] = {}
    for key, name in SERIES_VARIABLES.items():
        if key == "current_a" and current_a is not None:
            data[key] = np.full_like(data["time_s"], current_a)
            continue
        if key == "time_s" and times is not None:
            data[key] = np.asarray(times, dtype=float)
            continue
        try:
            variable = solution[name]
            values = variable.entries if times is None else variable(t=times)
            data[key] = np.asarray(values, dtype=float).ravel()
        except KeyError:
            if key == "discharge_capacity_ah" and current_a is not None:
                # a model without the variable (lead-acid LOQS): constant current x time
                data[key] = current_a * (data["time_s"] - data["time_s"][0]) / 3600.0
            elif key == "temperature_c":  # isothermal or no thermal model: the chamber's
                data[key] = np.full_like(data["time_s"], conditions.temperature_c)
            else:
                raise
    return data


# ------------------------------------------------------------------ cycler protocols


@dataclass(frozen=True)
class StepShape:
    """What of a protocol step is built into the model (its value is an input)."""

    kind: str
    duration_s: float | None
    until_v: float | None
    until_a: float | None


@dataclass
class Segment:
    """The record of one executed step."""

    cycle: int  # 1-based
    step: int  # 0-based position in the protocol
    data: dict[str, np.ndarray]
    termination: str


@dataclass
class ProtocolRun:
    """What :func:`run_protocol` recorded: the kept segments, per-cycle values (``stepN_ah``,
    ``end_time_s`` and the requested cycle variables), the cycles completed and why it
    stopped early (``""`` if it ran to its end)."""

    segments: list[Segment] = field(default_factory=list)
    cycle_values: list[dict[str, float]] = field(default_factory=list)
    completed_cycles: int = 0
    stop_reason: str = ""  # empty if the protocol ran to its end


def _value_input(index: int, kind: str) -> str:
    return f"Step {index} voltage [V]" if kind == "hold" else f"Step {index} current [A]"


def _pybamm_step(pybamm: Any, index: int, shape: StepShape) -> Any:
    duration = shape.duration_s if shape.duration_s is not None else STEP_LIMIT_S
    if shape.kind == "rest":
        return pybamm.step.rest(duration=duration)
    value = pybamm.InputParameter(_value_input(index, shape.kind))
    if shape.kind == "hold":
        # no operator: PyBaMM then compares |current| with the limit, whatever its sign
        ends = [pybamm.step.CurrentTermination(shape.until_a)] if shape.until_a else []
        return pybamm.step.voltage(value, duration=duration, termination=ends)
    operator = "<" if shape.kind == "discharge" else ">"
    ends = (
        [pybamm.step.VoltageTermination(shape.until_v, operator=operator)] if shape.until_v else []
    )
    return pybamm.step.current(value, duration=duration, termination=ends)


@lru_cache(maxsize=8)
def experiment_simulation(spec: ModelSpec, shape: tuple[StepShape, ...]) -> Any:
    """A one-cycle PyBaMM experiment whose step currents and voltages are inputs.

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
        shape: The protocol's steps, without their current or voltage values.
    """
    pybamm = import_pybamm()
    steps = tuple(_pybamm_step(pybamm, i, s) for i, s in enumerate(shape))
    return pybamm.Simulation(
        build_model(spec, pybamm),
        parameter_values=parameter_values(spec, pybamm),
        experiment=pybamm.Experiment([steps]),
        solver=pybamm.IDAKLUSolver(options=QUIET_SOLVER),
        var_pts=mesh_points(spec),
    )


class _Recorder:
    """A PyBaMM callback that remembers why an experiment stopped early."""

    def __init__(self) -> None:
        self.problem = ""

    def on_experiment_error(self, logs: dict) -> None:
        self.problem = "error"

    def on_experiment_infeasible_time(self, logs: dict) -> None:
        self.problem = "time"

    def on_experiment_infeasible_event(self, logs: dict) -> None:
        self.problem = str(logs.get("termination", "event"))

    def __getattr__(self, name: str) -> Callable[[dict], None]:
        if name.startswith("on_"):
            return lambda logs: None
        raise AttributeError(name)


def run_protocol(
    spec: ModelSpec,
    shape: tuple[StepShape, ...],
    values: Sequence[float],
    conditions: Conditions,
    *,
    cycles: int = 1,
    initial_soc: float = 1.0,
    keep_cycle: Callable[[int], bool] = lambda n: True,
    cycle_variables: dict[str, str] | None = None,
    on_cycle: Callable[[ProtocolRun], bool] | None = None,
) -> ProtocolRun:
    """Run a protocol ``cycles`` times from ``initial_soc``, one cycle per solve.

    ``values`` are the step currents [A] (positive = discharge) and hold voltages [V] in
    step order (ignored for rests). Only cycles for which ``keep_cycle(n)`` is true keep
    their time series; ``cycle_variables`` are read at the end of every cycle.
    ``on_cycle(run)`` is called after each completed cycle and may return True to stop.

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
        shape: The protocol's steps (kind, duration [s], voltage [V] and current [A] limits).
        values: One value per step: current [A] or hold voltage [V].
        conditions: Chamber temperature, cooling and the cell's production spread.
        cycles: How many times to run the protocol, ≥ 1.
        initial_soc: Starting state of charge, 0–1.
        keep_cycle: Which cycles (1-based) keep their time series.
        cycle_variables: Result key to PyBaMM variable name, read at each cycle's end.
        on_cycle: Called after each completed cycle; returning True stops the run.

    Raises:
        LabSimulationError: if PyBaMM fails (a solver error, ``RuntimeError``, ``ValueError``
            or ``ArithmeticError``), explained in plain words.
        ValueError: if ``values`` and ``shape`` differ in length (raised outside the PyBaMM
            call, so not translated).
    """
    inputs = conditions.inputs(spec)
    for i, (s, value) in enumerate(zip(shape, values, strict=True)):
        if s.kind != "rest":
            inputs[_value_input(i, s.kind)] = value
    run = ProtocolRun()
    recorder = _Recorder()
    with pybamm_call("c_rate", HINT_JA, HINT_EN):
        sim = experiment_simulation(spec, shape)
        previous = None
        for n in range(1, cycles + 1):
            solution = sim.solve(
                inputs=inputs,
                initial_soc=initial_soc if previous is None else None,
                starting_solution=previous,
                callbacks=[recorder],
                calc_esoh=False,
            )
            if not getattr(solution, "cycles", None):  # every step skipped: nothing to run
                run.stop_reason = "skipped"
                break
            cycle = solution.cycles[-1]
            _record_cycle(run, n, cycle, conditions, keep_cycle(n), cycle_variables or {})
            previous = solution.last_state
            if recorder.problem:
                run.stop_reason = recorder.problem
                break
            run.completed_cycles = n
            if on_cycle is not None and on_cycle(run):
                break
    return run


def _record_cycle(
    run: ProtocolRun,
    number: int,
    cycle: Any,
    conditions: Conditions,
    keep: bool,
    cycle_variables: dict[str, str],
) -> None:
    pybamm = import_pybamm()
    values: dict[str, float] = {}
    last = None
    for index, step in enumerate(cycle.steps):
        if isinstance(step, pybamm.EmptySolution) or step is None:
            continue
        last = step
        if keep:
            data = _series(step, conditions, times=sample_times(step.t[0], step.t[-1]))
            run.segments.append(Segment(number, index, data, step.termination))
            q = data["discharge_capacity_ah"]
        else:  # only what a capacity check needs
            q = step["Discharge capacity [A.h]"].entries
        values[f"step{index}_ah"] = float(q[-1] - q[0])
    if last is not None:
        values["end_time_s"] = float(last.t[-1])
        for key, name in cycle_variables.items():
            try:
                values[key] = float(np.ravel(last[name].entries)[-1])
            except KeyError:
                values[key] = float("nan")
    run.cycle_values.append(values)


# ------------------------------------------------------------------ polarisation

# What a polarisation step records at its end: the cell voltage, the open-circuit voltage of
# the cell's mean state, and PyBaMM's split of their difference (its "battery" voltage
# components, which add up to V - OCV_bulk; negative on discharge). The electrode reaction
# overpotentials keep PyBaMM's (IUPAC) sign: positive where the electrode is oxidised.
POLARISATION_VARIABLES = {
    "voltage_v": "Voltage [V]",
    "ocv_v": OCV_VARIABLE,
    "reaction_v": "X-averaged battery reaction overpotential [V]",
    "negative_reaction_v": "X-averaged battery negative reaction overpotential [V]",
    "positive_reaction_v": "X-averaged battery positive reaction overpotential [V]",
    "electrolyte_concentration_v": "X-averaged battery concentration overpotential [V]",
    "particle_concentration_v": "Battery particle concentration overpotential [V]",
    "electrolyte_ohmic_v": "X-averaged battery electrolyte ohmic losses [V]",
    "solid_ohmic_v": "X-averaged battery solid phase ohmic losses [V]",
}
CONTACT_VARIABLE = "Contact overpotential [V]"


def _polarisation_outputs(spec: ModelSpec) -> dict[str, str]:
    outputs = dict(POLARISATION_VARIABLES)
    if spec.varies:  # a seeded cell's contact resistance is part of its ohmic drop
        outputs["contact_v"] = CONTACT_VARIABLE
    return outputs


@lru_cache(maxsize=4)
def polarisation_simulation(spec: ModelSpec) -> Any:
    """A simulation of one constant-current step whose current and exchange-current factor
    (and chamber) are inputs; ``spec.purpose`` must be ``"polarisation"``.

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
    """
    pybamm = import_pybamm()
    params = parameter_values(spec, pybamm)
    params.update({CURRENT: "[input]"})
    solver = pybamm.IDAKLUSolver(
        output_variables=list(_polarisation_outputs(spec).values()), options=QUIET_SOLVER
    )
    return pybamm.Simulation(
        build_model(spec, pybamm),
        parameter_values=params,
        solver=solver,
        var_pts=mesh_points(spec),
    )


def solve_polarisation(
    spec: ModelSpec,
    currents_a: Sequence[float],
    conditions: Conditions,
    soc: float,
    duration_s: float,
) -> dict[str, np.ndarray]:
    """Constant-current steps of ``duration_s``, each from rest at ``soc``; the values at
    each step's end.

    Returns one array per key of :data:`POLARISATION_VARIABLES` (plus ``contact_v`` for a
    seeded cell), each of shape (n,) for the n currents, NaN for a step that reached a
    voltage limit before its end (its overpotential is not that of the full step) or that
    the solver could not start (PyBaMM's ``SolverError``; a limit crossed at once is one).

    Args:
        spec: The cell, with ``purpose="polarisation"``.
        currents_a: Step currents [A] (positive: discharge), shape (n,).
        conditions: Chamber temperature, the cell's production spread and the
            exchange-current factor.
        soc: State of charge before each step, 0–1.
        duration_s: Length of each step [s].

    Raises:
        LabSimulationError: if PyBaMM fails otherwise, or no step reached its end.
    """
    outputs = _polarisation_outputs(spec)
    data = {key: np.full(len(currents_a), np.nan) for key in outputs}
    with pybamm_call("c_rates", HINT_JA, HINT_EN) as pybamm:
        sim = polarisation_simulation(spec)
        for i, current in enumerate(currents_a):
            inputs = {**conditions.inputs(spec), CURRENT: float(current)}
            try:
                solution = sim.solve(
                    [0.0, duration_s],
                    inputs=inputs,
                    initial_soc=soc,
                    t_interp=np.array([0.0, duration_s]),
                )
            except pybamm.SolverError:  # mostly a voltage limit crossed at once
                continue
            if solution.t[-1] < duration_s * (1 - 1e-9):  # stopped at a voltage limit
                continue
            for key, name in outputs.items():
                data[key][i] = float(np.ravel(solution[name].entries)[-1])
    if np.all(np.isnan(data["voltage_v"])):
        raise LabSimulationError(
            "c_rates",
            "どの電流でも、ステップの途中で電圧の上限か下限に達しました。"
            "C レートを小さくするか、温度を上げるか、SOC を 0.5 に近づけてください。",
            "Every step reached a voltage limit before its end. Use smaller C-rates, a higher "
            "temperature or a SOC closer to 0.5.",
        )
    return data


# ------------------------------------------------------------------ impedance


@lru_cache(maxsize=4)
def impedance_simulation(spec: ModelSpec) -> Any:
    """PyBaMM's frequency-domain impedance simulation (EISSimulation) of the cell.

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
    """
    pybamm = import_pybamm()
    return pybamm.EISSimulation(
        build_model(spec, pybamm),
        parameter_values=parameter_values(spec, pybamm),
        var_pts=mesh_points(spec),
    )


def solve_impedance(
    spec: ModelSpec, frequencies_hz: np.ndarray, soc: float, conditions: Conditions
) -> np.ndarray:
    """Complex impedance [ohm] at each frequency, around the rest state at ``soc``.

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
        frequencies_hz: Frequencies [Hz], shape (n,); the result has shape (n,).
        soc: State of charge of the rest state, 0–1.
        conditions: Chamber temperature, cooling and the cell's production spread.

    Raises:
        LabSimulationError: if PyBaMM fails (a solver error, ``RuntimeError``, ``ValueError``
            or ``ArithmeticError``), explained in plain words.
    """
    with pybamm_call(
        "soc",
        "SOC を 0.1〜0.9 の範囲にするか、温度を 25 ℃ に近づけてください。",
        "Use a SOC between 0.1 and 0.9 or a temperature closer to 25 °C.",
    ):
        sim = impedance_simulation(spec)
        solution = sim.solve(frequencies_hz, inputs=conditions.inputs(spec), initial_soc=soc)
        return np.asarray(solution.impedance, dtype=complex)


# ------------------------------------------------------------------ open-circuit voltage


def open_circuit_potentials(spec: ModelSpec, soc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Electrode potentials [V] at the given states of charge (0 = empty, 1 = full).

    Stoichiometries follow PyBaMM's electrode balancing of the cell between its voltage
    cut-offs, so ``positive - negative`` is the cell's open-circuit voltage.

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
        soc: States of charge, 0–1, shape (n,); each result has shape (n,).

    Raises:
        LabSimulationError: if PyBaMM fails (a solver error, ``RuntimeError``, ``ValueError``
            or ``ArithmeticError``), explained in plain words.
    """
    with pybamm_call("points", "", "") as pybamm:
        params = plain_parameter_values(spec, pybamm)
        x_0, x_100, y_100, y_0 = pybamm.lithium_ion.get_min_max_stoichiometries(params)
        x = x_0 + soc * (x_100 - x_0)
        y = y_0 + soc * (y_100 - y_0)
        positive = params["Positive electrode OCP [V]"](pybamm.Vector(y)).evaluate().ravel()
        negative = params["Negative electrode OCP [V]"](pybamm.Vector(x)).evaluate().ravel()
    return positive, negative


@lru_cache(maxsize=16)
def stoichiometry_window(spec: ModelSpec) -> tuple[float, float, float, float]:
    """(x_0, x_100, y_100, y_0): electrode stoichiometries at 0 % and 100 % SOC, kept per
    spec (PyBaMM's electrode-SOH solve takes about 0.35 s; ``design_cell`` asks for its base
    preset's window at every design).

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.

    Raises:
        LabSimulationError: if PyBaMM fails (a solver error, ``RuntimeError``, ``ValueError``
            or ``ArithmeticError``), explained in plain words.
    """
    with pybamm_call("design", "", "") as pybamm:
        window = pybamm.lithium_ion.get_min_max_stoichiometries(
            plain_parameter_values(spec, pybamm)
        )
    return tuple(float(v) for v in window)  # type: ignore[return-value]


def numeric_parameters(spec: ModelSpec, names: Sequence[str]) -> dict[str, float]:
    """Numeric parameters of a spec by name (e.g. thicknesses and densities), kept per spec
    and names (reading a parameter set takes about 0.13 s; ``design_cell`` asks for its
    base preset's at every design).

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.
        names: PyBaMM parameter names (e.g. ``"Negative electrode thickness [m]"``).

    Raises:
        LabSimulationError: if PyBaMM fails (a solver error, ``RuntimeError``, ``ValueError``
            or ``ArithmeticError``), explained in plain words.
        KeyError: if a name is not a parameter of the set.
    """
    return dict(_numeric_parameters(spec, tuple(names)))


@lru_cache(maxsize=32)
def _numeric_parameters(spec: ModelSpec, names: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    with pybamm_call("design", "", "") as pybamm:
        params = plain_parameter_values(spec, pybamm)
        return tuple((name, float(params[name])) for name in names)


AREA_PARAMETERS = (
    "Electrode width [m]",
    "Electrode height [m]",
    "Number of electrodes connected in parallel to make a cell",
)


def electrode_area_m2(spec: ModelSpec) -> float:
    """The electrode area the cell's current flows through [m²]: width × height × the
    electrode pairs in parallel (PyBaMM's current density is the current over this area).

    Args:
        spec: The model, preset, thermal option, design and purpose of the cell.

    Raises:
        LabSimulationError: if PyBaMM cannot read the parameter set.
    """
    values = numeric_parameters(spec, AREA_PARAMETERS)
    return math.prod(values[name] for name in AREA_PARAMETERS)
