"""``Cell``: a virtual cell on a virtual battery cycler, impedance analyser and chamber.

Every experiment is one method call that checks its arguments, runs a cached PyBaMM
simulation and returns a result with SI-named arrays, ``to_dataframe()`` and ``plot()``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from denchi.i18n import text
from denchi.labs import engine
from denchi.labs.api import protocols as p
from denchi.labs.api.aging import AgingResult
from denchi.labs.api.impedance import EISResult
from denchi.labs.api.instrument import production_spread
from denchi.labs.api.ocv import OCVResult
from denchi.labs.api.polarisation import PolarisationResult
from denchi.labs.api.progress import Progress
from denchi.labs.api.results import (
    DischargeResult,
    GITTResult,
    ProtocolResult,
    PulseTestResult,
    RateTestResult,
)
from denchi.labs.engine.presets import Preset, get_preset
from denchi.labs.engine.simulation import Conditions, ModelSpec, ProtocolRun, StepShape
from denchi.labs.errors import LabInputError, LabSimulationError, methods_checked
from denchi.labs.seeds import seed_number
from denchi.validation import integer_in_range, number_in_range, numbers_in_range, one_of

C_RATE_RANGE = p.C_RATE_RANGE
TEMPERATURE_RANGE_C = (-20.0, 60.0)
COOLING_RANGE_W_M2K = (0.1, 1000.0)
FREQUENCY_RANGE_HZ = (1e-4, 1e6)
EXCHANGE_FACTOR_RANGE = (0.01, 100.0)  # polarisation: j0 from a hundredth to a hundredfold
DEFAULT_FREQUENCIES_HZ = tuple(np.logspace(-3, 4, 50).tolist())  # 1 mHz to 10 kHz
CUTOFF_C_RATE = 0.05  # end of a constant-voltage hold (C/20)
# Seconds per aging cycle on one core of a school laptop, for the expected duration shown
# before a long aging test (the aging() docstring's 0.1 s SPM and 0.5 s DFN, with margin)
SECONDS_PER_AGING_CYCLE = {"spm": 0.15, "spme": 0.25, "dfn": 0.5}
NOTICE_AFTER_S = 30.0  # say how long a run will take when it is longer than this


def aging_notice(model: str, cycles: int) -> str:
    """What to tell a learner before ``cycles`` aging cycles with ``model``: the expected
    duration and, if another model is faster, that model (empty for a short run).

    Args:
        model: The model fidelity (``"spm"``, ``"spme"`` or ``"dfn"``).
        cycles: Number of aging cycles.
    """
    seconds = SECONDS_PER_AGING_CYCLE.get(model, max(SECONDS_PER_AGING_CYCLE.values())) * cycles
    if seconds < NOTICE_AFTER_S:
        return ""
    faster = SECONDS_PER_AGING_CYCLE["spm"] * cycles
    ja = f"{cycles} サイクルの計算には、約 {seconds / 60:.0f} 分かかる見込みです。"
    en = f"{cycles} cycles will take about {seconds / 60:.0f} min."
    if model != "spm":
        ja += f'Cell(..., model="spm") にすると約 {faster / 60:.0f} 分です。'
        en += f' With Cell(..., model="spm") they take about {faster / 60:.0f} min.'
    return text(ja, en)


def _temperature(value: object) -> float:
    return number_in_range(
        "temperature_c", value, *TEMPERATURE_RANGE_C, "℃", label_ja="温度 temperature_c"
    )


def _c_rate(value: object, name: str = "c_rate", high: float = C_RATE_RANGE[1]) -> float:
    return number_in_range(name, value, C_RATE_RANGE[0], high, "C", label_ja="C レート")


@methods_checked
class Cell:
    """A cell made from a preset, e.g. ``Cell("nmc_graphite")`` for the LG M50.

    Args:
        chemistry: Preset key (see ``labs.PRESETS``): ``"nmc_graphite"``, ``"lfp_graphite"``,
            ``"lco_graphite"``, ``"nca_graphite"``, ``"graphite_siox"``, ``"sodium_ion"`` or
            ``"lead_acid"``.
        model: Model fidelity: ``"spm"``, ``"spme"`` or ``"dfn"`` (lithium-ion; default
            ``"dfn"``), ``"loqs"`` or ``"full"`` (lead-acid; default ``"full"``).
        thermal: ``"isothermal"`` (a chamber holds the cell at the set temperature) or
            ``"lumped"`` (the cell heats up and is cooled through its surface).
        seed: A student id or number: the cell becomes one cell of a production batch,
            slightly different in capacity and resistance (see ``labs.instrument``).

    Raises:
        LabInputError: if ``chemistry`` is not a preset, ``model`` or ``thermal`` is not one
            the preset offers, ``seed`` is not a valid seed, or a seed is given for a preset
            without production spread.
    """

    def __init__(
        self,
        chemistry: str = "nmc_graphite",
        model: str | None = None,
        thermal: str = "isothermal",
        seed: int | str | None = None,
    ) -> None:
        preset = get_preset(chemistry)
        fidelity = preset.default_fidelity if model is None else model
        fidelity = one_of("model", fidelity, preset.fidelities, label_ja="モデル model")
        thermal = one_of("thermal", thermal, preset.thermal_models, label_ja="熱のモデル thermal")
        self.preset: Preset = preset
        self._spec = ModelSpec(preset, fidelity, thermal)
        self._designed = False
        self.seed = seed
        self._loading, self._contact_ohm = 1.0, 0.0
        if seed is not None:
            seed_number(seed)
            if not (preset.cell_variation and preset.family == "lithium_ion"):
                raise LabInputError(
                    "seed",
                    f"{preset.name_ja} には製造ばらつき（seed）を付けられません。"
                    "seed を外すか、リチウムイオン電池のプリセットを使ってください。",
                    f"{preset.name_en} has no production spread; drop seed or use a "
                    "lithium-ion preset.",
                )
            self._loading, self._contact_ohm = production_spread(preset, seed)
            self._spec = self._spec.but(varies=True)

    @classmethod
    def _from_design(
        cls, preset: Preset, fidelity: str, overrides: tuple[tuple[str, float], ...]
    ) -> Cell:
        """A cell of a custom design (made by ``labs.design_cell``)."""
        cell = cls(preset.key, model=fidelity)
        cell.preset = preset
        cell._spec = ModelSpec(preset, fidelity, "isothermal", design=overrides)
        cell._designed = True
        return cell

    def __repr__(self) -> str:
        seed = "" if self.seed is None else f", seed={self.seed!r}"
        design = ", designed" if self._designed else ""
        return f"Cell({self.preset.key!r}, model={self.model!r}{seed}{design})"

    @property
    def model(self) -> str:
        """The model fidelity in use."""
        return self._spec.fidelity

    @property
    def thermal(self) -> str:
        """The thermal model in use."""
        return self._spec.thermal

    @property
    def nominal_capacity_ah(self) -> float:
        """Nominal capacity [Ah]; a C-rate of 1 is this many amperes."""
        return self.preset.nominal_capacity_ah

    # ------------------------------------------------------------------ helpers

    @property
    def temperature_range_c(self) -> tuple[float, float]:
        """Chamber temperatures [℃] this cell runs at: −20 to 60 ℃, or 25 ℃ only for a
        preset whose parameter set has no temperature dependence of its transport."""
        return TEMPERATURE_RANGE_C if self.preset.temperature_dependent else (25.0, 25.0)

    def _temperature(self, value: object) -> float:
        """The chamber temperature, checked against the range and the preset."""
        temperature = _temperature(value)
        if temperature != 25.0 and not self.preset.temperature_dependent:
            raise LabInputError(
                "temperature_c",
                f"{self.preset.name_ja} のパラメータセットには温度による変化（拡散や導電率の"
                "温度依存性）が入っていないため、25 ℃ でだけ計算できます。"
                "temperature_c=25 にするか、温度を変えるなら nmc_graphite・lco_graphite・"
                "nca_graphite を使ってください。",
                f"The parameter set of {self.preset.name_en} has no temperature dependence of "
                "its transport (diffusion, conductivity), so it runs at 25 °C only. Use "
                "temperature_c=25, or nmc_graphite, lco_graphite or nca_graphite to vary the "
                "temperature.",
            )
        return temperature

    def _conditions(self, temperature_c: object, cooling_w_m2k: object = None) -> Conditions:
        temperature = self._temperature(temperature_c)
        cooling = None
        if cooling_w_m2k is not None:
            if self.thermal != "lumped":
                raise LabInputError(
                    "cooling_w_m2k",
                    '冷却 cooling_w_m2k は、発熱を計算するセル（Cell(..., thermal="lumped")）'
                    "でだけ指定できます。",
                    'cooling_w_m2k needs a cell that heats up: Cell(..., thermal="lumped").',
                )
            cooling = number_in_range(
                "cooling_w_m2k",
                cooling_w_m2k,
                *COOLING_RANGE_W_M2K,
                "W/(m2·K)",
                label_ja="冷却の強さ（熱伝達係数）",
            )
        return Conditions(temperature, cooling, self._loading, self._contact_ohm)

    def _require(self, what: str, supported: bool, ja: str, en: str) -> None:
        if not supported:
            raise LabInputError(
                what,
                f"{self.preset.name_ja} では {what} は使えません。{ja}",
                f"{what} is not available for {self.preset.name_en}. {en}",
            )

    def _require_protocols(self, what: str) -> None:
        self._require(
            what,
            self.preset.protocols,
            "discharge・rate_test・ocv を使ってください。",
            "Use discharge, rate_test or ocv.",
        )

    def _run(
        self,
        steps: Sequence[p.Step],
        conditions: Conditions,
        *,
        cycles: int,
        initial_soc: float,
        spec: ModelSpec | None = None,
        description: str | None = None,
        notice: str = "",
        **options: Any,
    ) -> ProtocolRun:
        """Run resolved protocol steps (values in A and V) on the cycler."""
        spec = spec or self._spec
        _check_start(steps, initial_soc)
        scale = self.preset.current_scale_a
        shape: list[StepShape] = []
        values: list[float] = []
        for step in steps:
            until_a = step.until_c_rate * scale if step.until_c_rate is not None else None
            shape.append(StepShape(step.kind, step.duration_s, step.until_v, until_a))
            if step.kind == "hold":
                assert step.voltage_v is not None  # protocols.hold() requires it
                values.append(step.voltage_v)
            elif step.kind == "rest":
                values.append(0.0)
            else:
                sign = 1.0 if step.kind == "discharge" else -1.0
                assert step.c_rate is not None  # protocols.charge()/discharge() require it
                values.append(sign * step.c_rate * scale)
        if description is None or cycles < 3:
            return engine.run_protocol(
                spec,
                tuple(shape),
                values,
                conditions,
                cycles=cycles,
                initial_soc=initial_soc,
                **options,
            )
        with Progress(cycles, description, note=notice) as bar:
            user_hook = options.pop("on_cycle", None)

            def on_cycle(run: ProtocolRun) -> bool:
                bar.update(run.completed_cycles)
                return bool(user_hook and user_hook(run))

            run = engine.run_protocol(
                spec,
                tuple(shape),
                values,
                conditions,
                cycles=cycles,
                initial_soc=initial_soc,
                on_cycle=on_cycle,
                **options,
            )
            bar.close(run.completed_cycles)
        return run

    def _record(
        self,
        run: ProtocolRun,
        steps: Sequence[p.Step],
        conditions: Conditions,
        result_type: type[ProtocolResult] = ProtocolResult,
        **extra: Any,
    ) -> Any:
        if not run.segments:
            raise LabInputError(
                "steps",
                "プロトコルの最初のステップから実行できませんでした（電圧がすでに終わりの条件を"
                "満たしています）。ステップの電圧や開始の SOC を見直してください。",
                "Not even the first step could run (the voltage already meets its end "
                "condition). Check the step voltages or the starting SOC.",
            )
        arrays = {
            key: np.concatenate([s.data[key] for s in run.segments])
            for key in engine.SERIES_VARIABLES
        }
        cycle = np.concatenate([np.full(len(s.data["time_s"]), s.cycle) for s in run.segments])
        step = np.concatenate([np.full(len(s.data["time_s"]), s.step) for s in run.segments])
        return result_type(
            preset=self.preset.key,
            nominal_capacity_ah=self.nominal_capacity_ah,
            ambient_temperature_c=conditions.temperature_c,
            cycle=cycle,
            step=step,
            steps=tuple(s.describe() for s in steps),
            stop_reason=_explain_stop(run.stop_reason),
            **arrays,
            **extra,
        )

    # ------------------------------------------------------------------ experiments

    def discharge(
        self, c_rate: float = 1.0, temperature_c: float = 25.0, cooling_w_m2k: float | None = None
    ) -> DischargeResult:
        """Discharge the full cell at a constant C-rate until the lower cut-off voltage.

        Args:
            c_rate: Discharge current as a C-rate (0.01–10); 1C discharges the nominal capacity
                in one hour.
            temperature_c: Chamber temperature [℃] (−20 to 60).
            cooling_w_m2k: Heat transfer coefficient of the cell surface [W/(m²·K)], only for
                ``thermal="lumped"`` cells (default: the parameter set's value).

        Raises:
            LabInputError: if ``c_rate`` is outside 0.01–10, ``temperature_c`` outside
                −20–60 ℃ (or not 25 ℃ for a preset without temperature dependence), or
                ``cooling_w_m2k`` is out of range or given for an isothermal cell.
            LabSimulationError: if the simulation cannot finish for these settings.
        """
        c_rate = _c_rate(c_rate)
        conditions = self._conditions(temperature_c, cooling_w_m2k)
        current_a = c_rate * self.nominal_capacity_ah
        data = engine.solve_discharge(
            self._spec,
            current_a,
            conditions,
            t_end_s=3600.0 / c_rate * 1.5,
            initial_soc=1.0 if self._designed else None,
        )
        return DischargeResult(
            preset=self.preset.key,
            nominal_capacity_ah=self.nominal_capacity_ah,
            ambient_temperature_c=conditions.temperature_c,
            c_rate=c_rate,
            **data,
        )

    def rate_test(
        self, c_rates: Sequence[float] = (0.2, 0.5, 1.0, 2.0, 3.0), temperature_c: float = 25.0
    ) -> RateTestResult:
        """Discharges at several C-rates (each from full): the rate capability.

        Args:
            c_rates: The C-rates to test (1 to 20 values, each 0.01–10).
            temperature_c: Chamber temperature [℃].

        Raises:
            LabInputError: if ``c_rates`` has not 1–20 values in 0.01–10, or
                ``temperature_c`` is outside −20–60 ℃ (or not 25 ℃ for a preset without
                temperature dependence).
            LabSimulationError: if the simulation cannot finish for these settings.
        """
        rates = numbers_in_range(
            "c_rates", c_rates, *C_RATE_RANGE, "C", label_ja="C レート", max_count=20
        )
        temperature = self._temperature(temperature_c)
        return RateTestResult(
            preset=self.preset.key,
            discharges=tuple(self.discharge(c, temperature) for c in rates),
        )

    def charge(
        self,
        c_rate: float = 0.5,
        temperature_c: float = 25.0,
        constant_voltage: bool = True,
        until_c_rate: float = CUTOFF_C_RATE,
    ) -> ProtocolResult:
        """Charge the empty cell: constant current to the upper cut-off voltage, then (with
        ``constant_voltage=True``) hold that voltage until the current falls to
        ``until_c_rate`` (CC-CV).

        Args:
            c_rate: Charge current as a C-rate (0.01–10).
            temperature_c: Chamber temperature [℃].
            constant_voltage: Add the constant-voltage phase.
            until_c_rate: End of the constant-voltage phase, as a C-rate (default C/20).

        Raises:
            LabInputError: if the preset has no cycler protocols, a C-rate is out of range,
                ``constant_voltage`` is not a bool, ``temperature_c`` is outside −20–60 ℃
                (or not 25 ℃ for a preset without temperature dependence), or the first step
                cannot run.
            LabSimulationError: if the simulation cannot finish for these settings.
        """
        self._require_protocols("charge")
        steps = [p.charge(c_rate=_c_rate(c_rate))]
        if not isinstance(constant_voltage, bool):
            raise LabInputError(
                "constant_voltage",
                "constant_voltage には True か False を指定してください。",
                "constant_voltage must be True or False.",
            )
        if constant_voltage:
            steps.append(p.hold(self.preset.voltage_max_v, until_c_rate=until_c_rate))
        steps = list(p.resolve_all(steps, self.preset))
        conditions = self._conditions(temperature_c)
        run = self._run(steps, conditions, cycles=1, initial_soc=0.0)
        return self._record(run, steps, conditions)

    def cycle(
        self,
        steps: Sequence[p.Step],
        cycles: int = 1,
        temperature_c: float = 25.0,
        initial_soc: float = 1.0,
        cooling_w_m2k: float | None = None,
    ) -> ProtocolResult:
        """Run a protocol of CC, CV and rest steps ``cycles`` times.

        Args:
            steps: Steps made with ``labs.protocols`` (``discharge``, ``charge``, ``hold``,
                ``rest``).
            cycles: How many times to repeat the steps (1–200).
            temperature_c: Chamber temperature [℃].
            initial_soc: State of charge at the start (0 = empty, 1 = full).
            cooling_w_m2k: Surface heat transfer coefficient (``thermal="lumped"`` cells).

        Raises:
            LabInputError: if the preset has no cycler protocols, a step is invalid, ``cycles``
                is outside 1–200, ``initial_soc`` outside 0–1, the first step cannot start
                from ``initial_soc``, the temperature or cooling is out of range, or no step
                could run.
            LabSimulationError: if the simulation cannot finish for these settings.
        """
        self._require_protocols("cycle")
        resolved = p.resolve_all(steps, self.preset)
        cycles = integer_in_range("cycles", cycles, 1, 200, label_ja="サイクル数")
        soc = number_in_range("initial_soc", initial_soc, 0.0, 1.0, "", label_ja="開始の SOC")
        conditions = self._conditions(temperature_c, cooling_w_m2k)
        run = self._run(
            resolved,
            conditions,
            cycles=cycles,
            initial_soc=soc,
            description=text("サイクル試験", "Cycling"),
        )
        return self._record(run, resolved, conditions)

    def ocv(self, points: int = 101) -> OCVResult:
        """Open-circuit voltage from empty (SOC 0) to full (SOC 1).

        For single-material electrodes the OCV comes from the electrodes' equilibrium
        potentials (and they are returned too); for the silicon composite and lead-acid
        cells it is the OCV of the cell's mean state along a C/20 discharge at 25 ℃.

        Args:
            points: Number of SOC points, evenly spaced (3–10000).

        Raises:
            LabInputError: if ``points`` is not an integer in 3–10000.
            LabSimulationError: if the simulation cannot finish for these settings.
        """
        n = integer_in_range("points", points, 3, 10_000, label_ja="点の数 points")
        soc = np.linspace(0.0, 1.0, n)
        if self.preset.family != "lead_acid" and not self.preset.options:
            positive, negative = engine.open_circuit_potentials(self._spec, soc)
            return OCVResult(
                self.preset.key,
                soc,
                positive - negative,
                positive,
                negative,
                capacity_ah=self.nominal_capacity_ah,
            )
        slow = engine.solve_discharge(
            self._spec,
            0.05 * self.nominal_capacity_ah,
            Conditions(25.0),
            t_end_s=3600 * 30,
            with_ocv=True,
        )
        delivered = slow["discharge_capacity_ah"]
        slow_soc = 1.0 - delivered / delivered[-1]
        voltage = np.interp(soc, slow_soc[::-1], slow["ocv_v"][::-1])
        return OCVResult(self.preset.key, soc, voltage, capacity_ah=float(delivered[-1]))

    def pulse_test(
        self,
        soc_step: float = 0.1,
        soc_min: float = 0.1,
        pulse_c_rate: float = 1.0,
        pulse_s: float = 10.0,
        relax_s: float = 1800.0,
        temperature_c: float = 25.0,
    ) -> PulseTestResult:
        """A hybrid pulse power characterisation (HPPC) and DC internal resistance.

        From full, the cell is discharged by ``soc_step`` at 1C, rests ``relax_s``, then
        gets a discharge pulse and a charge pulse of ``pulse_c_rate`` for ``pulse_s``, each
        followed by a 40-s rest; this repeats down to ``soc_min``. The result's
        ``resistance_table()`` gives ``ΔV / I`` at the end of each pulse.

        Args:
            soc_step: SOC between pulse pairs (0.05–0.5).
            soc_min: Lowest SOC with pulses (0.05–0.9).
            pulse_c_rate: Pulse current as a C-rate (0.1–10).
            pulse_s: Pulse length [s] (1–60).
            relax_s: Rest before each pulse pair [s] (1–14400).
            temperature_c: Chamber temperature [℃].

        Raises:
            LabInputError: if the preset has no cycler protocols, an argument is outside its
                range above, ``soc_min`` > 1 − ``soc_step``, or the temperature is out of range.
            LabSimulationError: if the simulation cannot finish, or every pulse reached a
                voltage limit so that no resistance could be measured.
        """
        self._require_protocols("pulse_test")
        step = number_in_range("soc_step", soc_step, 0.05, 0.5, "", label_ja="SOC の間隔")
        lowest = number_in_range("soc_min", soc_min, 0.05, 0.9, "", label_ja="最低の SOC")
        pulse_rate = number_in_range(
            "pulse_c_rate", pulse_c_rate, 0.1, 10.0, "C", label_ja="パルスの C レート"
        )
        pulse = number_in_range("pulse_s", pulse_s, 1.0, 60.0, "s", label_ja="パルスの長さ")
        relax = number_in_range("relax_s", relax_s, 1.0, 14400.0, "s", label_ja="休止の長さ")
        conditions = self._conditions(temperature_c)
        count = math.floor((1.0 - lowest) / step + 1e-9)
        if count < 1:
            raise LabInputError(
                "soc_min",
                "soc_min は 1 − soc_step 以下にしてください（パルスを打つ SOC がありません）。",
                "soc_min must be at most 1 − soc_step (no SOC left to pulse at).",
            )
        move_s = step * 3600.0  # at 1C
        steps = p.resolve_all(
            [
                p.discharge(1.0, duration_s=move_s),
                p.rest(relax),
                p.discharge(pulse_rate, duration_s=pulse),
                p.rest(40.0),
                p.charge(pulse_rate, duration_s=pulse),
                p.rest(40.0),
            ],
            self.preset,
        )
        run = self._run(
            steps,
            conditions,
            cycles=count,
            initial_soc=1.0,
            description=text("パルス試験", "Pulse test"),
        )
        socs = tuple(round(1.0 - step * n, 10) for n in range(1, count + 1))
        result = self._record(
            run, steps, conditions, PulseTestResult, soc_points=socs, pulse_s=pulse
        )
        table = result.resistance_table()
        if table[["discharge_resistance_ohm", "charge_resistance_ohm"]].isna().all(axis=None):
            raise LabSimulationError(
                "pulse_c_rate",
                f"どのパルスも途中で電圧の上限か下限に達し、抵抗を 1 つも測れませんでした"
                f"（{pulse_rate:g}C、{conditions.temperature_c:g} ℃）。"
                "パルスの C レートを小さくするか、温度を上げてください。",
                f"Every pulse reached a voltage limit before its end, so no resistance could "
                f"be measured ({pulse_rate:g}C, {conditions.temperature_c:g} °C). Use a "
                "smaller pulse C-rate or a higher temperature.",
            )
        return result

    def polarisation(
        self,
        c_rates: Sequence[float] = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0),
        soc: float = 0.5,
        pulse_s: float = 10.0,
        temperature_c: float = 25.0,
        exchange_current_factor: float = 1.0,
    ) -> PolarisationResult:
        """Polarisation: a discharge and a charge step at each C-rate, each ``pulse_s`` long
        from rest at ``soc``, and the overpotential ``OCV − V`` at its end split into its
        reaction, concentration and ohmic parts (PyBaMM's voltage components).

        ``exchange_current_factor`` multiplies the exchange-current density j0 of both
        electrodes (PyBaMM's "… electrode exchange-current density [A.m-2]"), the knob of
        electrode kinetics: 0.1 is a ten times slower reaction.

        Args:
            c_rates: Step currents as C-rates, 1 to 20 values, each 0.01–10 (each is run as a
                discharge and as a charge).
            soc: State of charge before every step (0.1–0.9).
            pulse_s: Length of every step [s] (0.1–60).
            temperature_c: Chamber temperature [℃].
            exchange_current_factor: Factor on j0 of both electrodes (0.01–100).

        Raises:
            LabInputError: if the preset is not a single-material lithium-ion cell, or an
                argument is outside its range above, or the temperature is out of range.
            LabSimulationError: if the simulation cannot finish, or every step reached a
                voltage limit.
        """
        self._require(
            "polarisation",
            self.preset.family == "lithium_ion" and not self.preset.options,
            "nmc_graphite・lfp_graphite・lco_graphite・nca_graphite を使ってください。",
            "Use nmc_graphite, lfp_graphite, lco_graphite or nca_graphite.",
        )
        rates = numbers_in_range(
            "c_rates", c_rates, *C_RATE_RANGE, "C", label_ja="C レート", max_count=20
        )
        start = number_in_range("soc", soc, 0.1, 0.9, "", label_ja="SOC")
        pulse = number_in_range("pulse_s", pulse_s, 0.1, 60.0, "s", label_ja="ステップの長さ")
        factor = number_in_range(
            "exchange_current_factor",
            exchange_current_factor,
            *EXCHANGE_FACTOR_RANGE,
            "",
            label_ja="交換電流密度の倍率",
        )
        conditions = replace(self._conditions(temperature_c), exchange_current_factor=factor)
        signed = np.sort(np.array([*(-r for r in rates), *rates]))
        currents = signed * self.nominal_capacity_ah
        spec = self._spec.but(purpose="polarisation")
        data = engine.solve_polarisation(spec, currents.tolist(), conditions, start, pulse)
        area = engine.electrode_area_m2(spec)
        ohmic = data["electrolyte_ohmic_v"] + data["solid_ohmic_v"] + data.get("contact_v", 0.0)
        concentration = data["electrolyte_concentration_v"] + data["particle_concentration_v"]
        return PolarisationResult(
            preset=self.preset.key,
            c_rate=signed,
            current_a=currents,
            current_density_a_m2=currents / area,
            overpotential_v=data["ocv_v"] - data["voltage_v"],
            reaction_v=-data["reaction_v"],
            concentration_v=-concentration,
            ohmic_v=-ohmic,
            negative_reaction_v=data["negative_reaction_v"],
            positive_reaction_v=data["positive_reaction_v"],
            soc=start,
            pulse_s=pulse,
            temperature_c=conditions.temperature_c,
            exchange_current_factor=factor,
        )

    def gitt(
        self,
        pulse_c_rate: float = 0.5,
        pulse_s: float = 600.0,
        rest_s: float = 1800.0,
        temperature_c: float = 25.0,
        max_pulses: int = 100,
    ) -> GITTResult:
        """Galvanostatic intermittent titration (GITT) from full to the cut-off voltage.

        Rests of ``rest_s`` and discharge pulses of ``pulse_c_rate`` for ``pulse_s`` take
        turns, from a first rest (the starting OCV) until a pulse reaches the lower cut-off
        voltage and has relaxed, or ``max_pulses`` pulses have relaxed.

        Args:
            pulse_c_rate: Pulse current as a C-rate (0.01–2).
            pulse_s: Pulse length [s] (10–7200).
            rest_s: Rest after each pulse [s] (10–86400).
            temperature_c: Chamber temperature [℃].
            max_pulses: Most pulses to run (1–200).

        Raises:
            LabInputError: if the preset has no cycler protocols, an argument is outside its
                range above, or the temperature is out of range.
            LabSimulationError: if the simulation cannot finish for these settings.
        """
        self._require_protocols("gitt")
        rate = number_in_range(
            "pulse_c_rate", pulse_c_rate, 0.01, 2.0, "C", label_ja="パルスの C レート"
        )
        pulse = number_in_range("pulse_s", pulse_s, 10.0, 7200.0, "s", label_ja="パルスの長さ")
        rest = number_in_range("rest_s", rest_s, 10.0, 86400.0, "s", label_ja="休止の長さ")
        most = integer_in_range("max_pulses", max_pulses, 1, 200, label_ja="パルスの最大数")
        conditions = self._conditions(temperature_c)
        needed = math.ceil(1.2 / (rate * pulse / 3600.0))
        steps = p.resolve_all([p.rest(rest), p.discharge(rate, duration_s=pulse)], self.preset)
        expected_ah = rate * self.nominal_capacity_ah * pulse / 3600.0

        def cut_off(run: ProtocolRun) -> bool:  # the previous pulse ended at the cut-off
            pulses = [v.get("step1_ah", 0.0) for v in run.cycle_values]
            return len(pulses) >= 2 and pulses[-2] < 0.99 * expected_ah

        run = self._run(
            steps,
            conditions,
            cycles=min(most, needed) + 1,  # the last cycle's rest relaxes the last pulse
            initial_soc=1.0,
            description=text("GITT", "GITT"),
            on_cycle=cut_off,
        )
        return self._record(run, steps, conditions, GITTResult, pulse_s=pulse)

    def eis(
        self,
        frequencies_hz: Sequence[float] | None = None,
        soc: float = 0.5,
        temperature_c: float = 25.0,
    ) -> EISResult:
        """Electrochemical impedance spectrum at rest, by PyBaMM's frequency-domain
        simulation (``pybamm.EISSimulation``: the model linearised around the rest state).

        Args:
            frequencies_hz: Frequencies [Hz] (2–500 values, 1e-4 to 1e6); default 50 points
                from 1 mHz to 10 kHz.
            soc: State of charge of the rest state (0.05–0.95).
            temperature_c: Chamber temperature [℃].

        Raises:
            LabInputError: if the preset has no impedance model, the frequencies or ``soc``
                are outside their ranges above, or the temperature is out of range.
            LabSimulationError: if the simulation cannot finish for these settings.
        """
        self._require(
            "eis",
            self.preset.impedance,
            "インピーダンスは NMC・LFP・LCO・NCA／黒鉛のプリセットで使えます。",
            "Impedance works with the NMC, LFP, LCO and NCA/graphite presets.",
        )
        freqs = numbers_in_range(
            "frequencies_hz",
            DEFAULT_FREQUENCIES_HZ if frequencies_hz is None else frequencies_hz,
            *FREQUENCY_RANGE_HZ,
            "Hz",
            label_ja="周波数",
            min_count=2,
            max_count=500,
        )
        state = number_in_range("soc", soc, 0.05, 0.95, "", label_ja="SOC")
        conditions = self._conditions(temperature_c)
        spec = self._spec.but(thermal="isothermal", purpose="impedance")
        impedance = engine.solve_impedance(spec, np.array(freqs), state, conditions)
        return EISResult(
            preset=self.preset.key,
            soc=state,
            ambient_temperature_c=conditions.temperature_c,
            frequency_hz=np.array(freqs),
            impedance_ohm=impedance,
        )

    # ------------------------------------------------------------------ aging

    def _aging_spec(self, what: str, purpose: str) -> ModelSpec:
        self._require(
            what,
            self.preset.aging_parameter_set is not None,
            "劣化の計算は nmc_graphite（O'Kane らの LG M50 の劣化パラメータ）で使えます。",
            "Aging works with nmc_graphite (O'Kane et al.'s degradation parameters of the LG M50).",
        )
        return self._spec.but(purpose=purpose)

    def _aging_result(
        self,
        run: ProtocolRun,
        capacity_key: str,
        steps: Sequence[p.Step],
        conditions: Conditions,
        label: str,
        storage_days: float | None = None,
    ) -> AgingResult:
        """Collect the capacity checks; ``storage_days`` per check for calendar aging."""
        rows = run.cycle_values[: max(run.completed_cycles, 1)]
        valid = [r for r in rows if capacity_key in r]
        if not valid:
            raise LabInputError(
                "cycles",
                "最初の容量確認まで進めませんでした。"
                "C レートを下げるか、温度を 25 ℃ に近づけてください。",
                "The test did not reach its first capacity check. Use smaller C-rates or a "
                "temperature closer to 25 °C.",
            )

        def column(key: str) -> np.ndarray:
            return np.array([r.get(key, np.nan) for r in valid], dtype=float)

        curves = []
        for number in sorted({s.cycle for s in run.segments}):
            kept = ProtocolRun(
                segments=[s for s in run.segments if s.cycle == number],
                stop_reason="",
            )
            curves.append(self._record(kept, steps, conditions))
        return AgingResult(
            preset=self.preset.key,
            ambient_temperature_c=conditions.temperature_c,
            conditions=label,
            cycle=np.arange(1, len(valid) + 1),
            elapsed_days=(
                column("end_time_s") / 86400.0
                if storage_days is None
                else storage_days * np.arange(len(valid))
            ),
            capacity_ah=column(capacity_key),
            lithium_inventory_loss_pct=column("lithium_inventory_loss_pct"),
            sei_loss_ah=column("sei_loss_ah"),
            plating_loss_ah=column("plating_loss_ah"),
            curves=tuple(curves),
            stop_reason=_explain_stop(run.stop_reason),
        )

    def aging(
        self,
        cycles: int = 100,
        charge_c_rate: float = 0.5,
        discharge_c_rate: float = 1.0,
        temperature_c: float = 25.0,
    ) -> AgingResult:
        """Cycle aging: CC-CV charge and CC discharge, repeated, with SEI growth and lithium
        plating (PyBaMM's degradation submodels). Every discharge is a capacity check.

        A cycle takes about 0.1 s with ``model="spm"`` and about 0.5 s with ``"dfn"``;
        use ``Cell(..., model="spm")`` for hundreds of cycles. A test longer than about
        30 s says up front how long it will take (and how long with the SPM) and shows a
        progress bar (:func:`aging_notice`).

        Args:
            cycles: Number of cycles (1–3000).
            charge_c_rate: Charge current as a C-rate (0.05–5).
            discharge_c_rate: Discharge current as a C-rate (0.05–5).
            temperature_c: Chamber temperature [℃].

        Raises:
            LabInputError: if the preset has no aging parameters (only ``nmc_graphite`` has),
                an argument is outside its range above, the temperature is out of range, or
                the test did not reach its first capacity check.
            LabSimulationError: if the simulation cannot finish for these settings.
        """
        spec = self._aging_spec("aging", "aging")
        cycles = integer_in_range("cycles", cycles, 1, 3000, label_ja="サイクル数")
        charge_rate = number_in_range(
            "charge_c_rate", charge_c_rate, 0.05, 5.0, "C", label_ja="充電の C レート"
        )
        discharge_rate = number_in_range(
            "discharge_c_rate", discharge_c_rate, 0.05, 5.0, "C", label_ja="放電の C レート"
        )
        conditions = self._conditions(temperature_c)
        steps = p.resolve_all(
            [
                p.charge(charge_rate),
                p.hold(self.preset.voltage_max_v, until_c_rate=CUTOFF_C_RATE),
                p.discharge(discharge_rate),
            ],
            self.preset,
        )
        keep = _kept_cycles(cycles)
        run = self._run(
            steps,
            conditions,
            cycles=cycles,
            initial_soc=0.0,
            spec=spec,
            description=text("サイクル劣化試験", "Cycle aging"),
            notice=aging_notice(spec.fidelity, cycles),
            keep_cycle=keep.__contains__,
            cycle_variables=engine.AGING_VARIABLES,
        )
        label = f"{charge_rate:g}C/{discharge_rate:g}C, {conditions.temperature_c:g} " + text(
            "℃", "°C"
        )
        return self._aging_result(run, "step2_ah", steps, conditions, label)

    def calendar_aging(
        self,
        days: float = 360.0,
        soc: float = 1.0,
        temperature_c: float = 25.0,
        checkups: int = 12,
    ) -> AgingResult:
        """Calendar (storage) aging: the cell rests at ``soc`` for ``days``, split into
        ``checkups`` periods. A capacity check (C/5 CC-CV charge, C/5 discharge to empty,
        charge back to ``soc``) comes before the storage and after each period, so the
        result has ``checkups + 1`` points; ``elapsed_days`` counts storage days. The model
        grows SEI; lithium plating, which needs a charging current, is left out so that the
        check-ups do not age the cell themselves.

        Args:
            days: Storage time [days] (1–3650).
            soc: State of charge during storage (0–1).
            temperature_c: Storage temperature [℃].
            checkups: Number of storage periods, each ended by a capacity check (1–120).

        Raises:
            LabInputError: if the preset has no aging parameters (only ``nmc_graphite`` has),
                an argument is outside its range above, the temperature is out of range, or
                the test did not reach its first capacity check.
            LabSimulationError: if the simulation cannot finish for these settings.
        """
        spec = self._aging_spec("calendar_aging", "calendar")
        total = number_in_range("days", days, 1.0, 3650.0, "日", label_ja="保存日数")
        state = number_in_range("soc", soc, 0.0, 1.0, "", label_ja="保存する SOC")
        count = integer_in_range("checkups", checkups, 1, 120, label_ja="容量確認の回数")
        conditions = self._conditions(temperature_c)
        period = total / count
        plan = [
            p.charge(0.2),
            p.hold(self.preset.voltage_max_v, until_c_rate=CUTOFF_C_RATE),
            p.discharge(0.2),  # the capacity check, from full to empty
        ]
        if state > 0.001:  # back to the storage SOC (counted from empty at C/5)
            plan.append(p.charge(0.2, duration_s=state * 5 * 3600.0))
        plan.append(p.rest(period * 86400.0))
        steps = p.resolve_all(plan, self.preset)
        run = self._run(
            steps,
            conditions,
            cycles=count + 1,  # the last cycle's check ends the test (its rest is spare)
            initial_soc=0.0,
            spec=spec,
            description=text("保存劣化試験", "Calendar aging"),
            keep_cycle=_kept_cycles(count + 1).__contains__,
            cycle_variables=engine.AGING_VARIABLES,
        )
        label = f"SOC {state * 100:g} %, {conditions.temperature_c:g} " + text("℃", "°C")
        return self._aging_result(run, "step2_ah", steps, conditions, label, period)


def _check_start(steps: Sequence[p.Step], initial_soc: float) -> None:
    """Refuse a protocol whose first current step cannot start: charging a full cell or
    discharging an empty one (a smaller C-rate would not help, so say what would)."""
    first = next((s.kind for s in steps if s.kind != "rest"), None)
    if first in ("charge", "hold") and initial_soc >= 0.999:
        raise LabInputError(
            "initial_soc",
            "セルはすでに満充電です（開始の SOC initial_soc=1）。"
            "充電から始めるなら initial_soc を小さくするか、放電のステップから始めてください。",
            "The cell is already full (initial_soc=1). To start with a charge, use a smaller "
            "initial_soc, or start the protocol with a discharge step.",
        )
    if first == "discharge" and initial_soc <= 0.001:
        raise LabInputError(
            "initial_soc",
            "セルはすでに空です（開始の SOC initial_soc=0）。"
            "放電から始めるなら initial_soc を大きくするか、充電のステップから始めてください。",
            "The cell is already empty (initial_soc=0). To start with a discharge, use a "
            "larger initial_soc, or start the protocol with a charge step.",
        )


def _kept_cycles(cycles: int, count: int = 5) -> set[int]:
    """Which cycles keep their full curves: the first, the last and a few between."""
    return {int(round(x)) for x in np.linspace(1, cycles, min(count, cycles))}


def _explain_stop(problem: str) -> str:
    """Why a protocol stopped early, in plain words (empty if it did not)."""
    if not problem:
        return ""
    if problem == "error":
        return text(
            "計算が収束しなかったため、途中で止めました。"
            "C レートを下げるか温度を見直してください。",
            "Stopped early: the solver did not converge. Use a smaller C-rate or another "
            "temperature.",
        )
    if problem == "skipped":
        return text(
            "どのステップも、始める前に終わりの条件を満たしていたため、途中で止めました。",
            "Stopped early: every step already met its end condition.",
        )
    if problem == "time":
        return text(
            "ステップが時間の上限に達したため、途中で止めました。",
            "Stopped early: a step hit its time limit.",
        )
    return text(
        "電圧が電池の上限か下限（終止電圧）に達したため、途中で止めました。",
        "Stopped early: the voltage reached the cell's upper or lower limit.",
    )
