"""What a battery cycler records: time series with SI-named fields, tables and plots.

Sign convention: a positive current discharges the cell. ``discharge_capacity_ah`` is the
net charge taken out since the start of the experiment (it falls while charging).
Derived tables (pulse resistances, GITT steps, cycle summaries) are computed from the
arrays, so a result passed through :class:`denchi.labs.Instrument` gives "measured"
tables too.
"""

from __future__ import annotations

import functools
import inspect
import math
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from typing import Any, ClassVar, TypeVar

import numpy as np

from denchi.i18n import text
from denchi.labs.api import plots
from denchi.labs.api.ocv import OCVResult  # noqa: F401  (its first home; tests/test_fonts.py)
from denchi.labs.errors import LabInputError, methods_checked


def _trapezoid(y: np.ndarray, x: np.ndarray) -> float:
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x))) if len(x) > 1 else 0.0


@methods_checked
@dataclass(frozen=True)
class CyclerRecord:
    """A time series as a battery cycler records it (the base of all cycler results).

    Attributes:
        preset: Key of the cell preset.
        nominal_capacity_ah: The cell's nominal capacity (the current of 1C) [Ah].
        ambient_temperature_c: Chamber temperature [℃].
        time_s: Time since the start [s].
        voltage_v: Cell voltage [V].
        current_a: Current [A], positive while discharging.
        discharge_capacity_ah: Net charge taken out since the start [Ah].
        temperature_c: Cell temperature [℃] (equal to the chamber in isothermal models).
    """

    preset: str
    nominal_capacity_ah: float
    ambient_temperature_c: float
    time_s: np.ndarray
    voltage_v: np.ndarray
    current_a: np.ndarray
    discharge_capacity_ah: np.ndarray
    temperature_c: np.ndarray

    ARRAYS: ClassVar[tuple[str, ...]] = (
        "time_s",
        "voltage_v",
        "current_a",
        "discharge_capacity_ah",
        "temperature_c",
    )

    @property
    def capacity_ah(self) -> float:
        """Charge moved from start to end [Ah] (delivered capacity of a discharge)."""
        return float(abs(self.discharge_capacity_ah[-1] - self.discharge_capacity_ah[0]))

    @property
    def energy_wh(self) -> float:
        """Energy, the time integral of voltage times current [Wh] (positive = delivered)."""
        return abs(_trapezoid(self.voltage_v * self.current_a, self.time_s)) / 3600.0

    @property
    def average_voltage_v(self) -> float:
        """Energy divided by capacity [V]."""
        return self.energy_wh / self.capacity_ah if self.capacity_ah > 0 else float("nan")

    @property
    def max_temperature_c(self) -> float:
        """Highest cell temperature [℃]."""
        return float(np.max(self.temperature_c))

    @property
    def duration_s(self) -> float:
        """Length of the record [s]."""
        return float(self.time_s[-1] - self.time_s[0])

    @property
    def label(self) -> str:
        """The chamber temperature (the default legend entry)."""
        return f"{self.ambient_temperature_c:g} " + text("℃", "°C")

    def arrays(self) -> dict[str, np.ndarray]:
        """The recorded arrays by name (the columns of :meth:`to_dataframe`)."""
        return {name: getattr(self, name) for name in self.ARRAYS}

    def to_dataframe(self):
        """The recorded data as a pandas table, one row per sample."""
        import pandas as pd

        return pd.DataFrame(self.arrays())

    def _x(self, x: str) -> tuple[np.ndarray, str]:
        moved = self.discharge_capacity_ah - self.discharge_capacity_ah[0]
        if x == "capacity":
            charged = moved[-1] < 0
            return (-moved if charged else moved), ("charge_capacity" if charged else "capacity")
        if x == "dod":
            return 100.0 * moved / self.nominal_capacity_ah, "dod"
        return (self.time_s - self.time_s[0]) / 3600.0, "time"

    def plot(
        self, x: str = "capacity", y: str = "voltage", ax: Any = None, label: str | None = None
    ) -> Any:
        """Plot ``y`` ("voltage", "current" or "temperature") against ``x``
        ("capacity", "time" [h] or "dod", the depth of discharge in % of nominal).

        Args:
            x: ``"capacity"``, ``"time"`` [h] or ``"dod"`` [%].
            y: ``"voltage"``, ``"current"`` or ``"temperature"``.
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Legend entry; ``None`` uses the result's :attr:`label`.

        Raises:
            LabInputError: if ``x`` or ``y`` is not one of the names above.
        """
        x = plots.check_choice("x", x, ("capacity", "time", "dod"))
        y = plots.check_choice("y", y, ("voltage", "current", "temperature"))
        ax = plots.axes(ax)
        xs, x_label = self._x(x)
        ys = {
            "voltage": self.voltage_v,
            "current": self.current_a,
            "temperature": self.temperature_c,
        }
        ax.plot(xs, ys[y], label=self.label if label is None else label)
        return plots.finish(ax, x_label, y)


@methods_checked
@dataclass(frozen=True)
class DischargeResult(CyclerRecord):
    """A constant-current discharge from full to the lower cut-off voltage.

    Attributes:
        c_rate: The discharge current as a C-rate.
    """

    c_rate: float

    @property
    def label(self) -> str:
        """C-rate and chamber temperature (the default legend entry)."""
        return f"{self.c_rate:g}C, {self.ambient_temperature_c:g} " + text("℃", "°C")


@methods_checked
@dataclass(frozen=True)
class ProtocolResult(CyclerRecord):
    """A cycler protocol (CC, CV and rest steps, possibly repeated as cycles).

    Attributes:
        cycle: Cycle number of each sample (1, 2, ...).
        step: Position of each sample's step in the protocol (0, 1, ...).
        steps: The protocol's steps, described in words.
        stop_reason: Empty if the protocol ran to its end, else why it stopped early.
    """

    cycle: np.ndarray
    step: np.ndarray
    steps: tuple[str, ...] = ()
    stop_reason: str = ""

    ARRAYS: ClassVar[tuple[str, ...]] = (*CyclerRecord.ARRAYS, "cycle", "step")

    def plot(
        self, x: str = "time", y: str = "voltage", ax: Any = None, label: str | None = None
    ) -> Any:
        """Plot ``y`` against ``x`` as :meth:`CyclerRecord.plot` does, against time by default.

        Args:
            x: ``"capacity"``, ``"time"`` [h] or ``"dod"`` [%].
            y: ``"voltage"``, ``"current"`` or ``"temperature"``.
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Legend entry; ``None`` uses the result's :attr:`label`.

        Raises:
            LabInputError: if ``x`` or ``y`` is not one of the names above.
        """
        return super().plot(x=x, y=y, ax=ax, label=label)

    def segments(self) -> Iterator[tuple[int, int, slice]]:
        """(cycle, step, slice of samples) for every executed step, in order."""
        change = np.flatnonzero((np.diff(self.cycle) != 0) | (np.diff(self.step) != 0)) + 1
        starts = [0, *change.tolist()]
        ends = [*change.tolist(), len(self.time_s)]
        for start, end in zip(starts, ends, strict=True):
            yield int(self.cycle[start]), int(self.step[start]), slice(start, end)

    def _ends(self) -> dict[tuple[int, int], slice]:
        return {(c, s): sl for c, s, sl in self.segments()}

    def cycle_table(self):
        """Per cycle: charge and discharge capacity [Ah] and energy [Wh], coulombic
        efficiency [%] (discharge ÷ charge)."""
        import pandas as pd

        rows = []
        for number in np.unique(self.cycle):
            mask = self.cycle == number
            t, v, i = self.time_s[mask], self.voltage_v[mask], self.current_a[mask]
            out = np.clip(i, 0, None)
            into = np.clip(-i, 0, None)
            charge_ah = _trapezoid(into, t) / 3600
            discharge_ah = _trapezoid(out, t) / 3600
            rows.append(
                {
                    "cycle": int(number),
                    "charge_capacity_ah": charge_ah,
                    "discharge_capacity_ah": discharge_ah,
                    "charge_energy_wh": _trapezoid(into * v, t) / 3600,
                    "discharge_energy_wh": _trapezoid(out * v, t) / 3600,
                    "coulombic_efficiency_pct": (
                        100 * discharge_ah / charge_ah if charge_ah > 0 else float("nan")
                    ),
                }
            )
        return pd.DataFrame(rows)


@methods_checked
@dataclass(frozen=True)
class PulseTestResult(ProtocolResult):
    """A hybrid pulse power characterisation (HPPC): at each SOC a discharge and a charge
    pulse, each followed by a rest.

    Protocol positions: 0 move to the next SOC, 1 relax, 2 discharge pulse, 3 rest,
    4 charge pulse, 5 rest.

    Attributes:
        soc_points: The nominal state of charge (0–1) of each pulse pair.
        pulse_s: Pulse length [s].
    """

    soc_points: tuple[float, ...] = ()
    pulse_s: float = 10.0

    def resistance_table(self):
        """Per SOC: the relaxed voltage and the DC resistance [Ω] of the discharge and the
        charge pulse, ``ΔV / I`` at the end of each pulse. A pulse that ended early (the
        voltage reached a cut-off) or did not run has no resistance (NaN), and the ``note``
        column says which and why."""
        import pandas as pd

        ends = self._ends()
        rows = []
        for n, soc in enumerate(self.soc_points, start=1):
            discharge = self._resistance(ends, n, 1, 2)
            charge = self._resistance(ends, n, 3, 4)
            rows.append(
                {
                    "soc": soc,
                    "ocv_v": self._last(ends, n, 1),
                    "discharge_resistance_ohm": discharge,
                    "charge_resistance_ohm": charge,
                    "note": _pulse_note(ends, n, discharge, charge),
                }
            )
        return pd.DataFrame(rows)

    def _last(self, ends: dict, cycle: int, step: int) -> float:
        sl = ends.get((cycle, step))
        return float(self.voltage_v[sl][-1]) if sl is not None else float("nan")

    def _resistance(self, ends: dict, cycle: int, before: int, pulse: int) -> float:
        sl = ends.get((cycle, pulse))
        if sl is None or (cycle, before) not in ends:
            return float("nan")
        t = self.time_s[sl]
        if t[-1] - t[0] < 0.99 * self.pulse_s:  # stopped at a cut-off: no full pulse
            return float("nan")
        current = float(np.mean(self.current_a[sl]))
        if current == 0:
            return float("nan")
        return (self._last(ends, cycle, before) - float(self.voltage_v[sl][-1])) / current

    def plot_resistance(self, ax: Any = None, label: str | None = None) -> Any:
        """DC resistance [mΩ] of the discharge and charge pulses against SOC [%].

        Args:
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Prefix of the two legend entries; ``None`` uses the result's :attr:`label`.
        """
        ax = plots.axes(ax)
        table = self.resistance_table()
        name = self.label if label is None else label
        ax.plot(
            table["soc"] * 100,
            table["discharge_resistance_ohm"] * 1000,
            "o-",
            label=f"{name} " + text("放電パルス", "discharge pulse"),
        )
        ax.plot(
            table["soc"] * 100,
            table["charge_resistance_ohm"] * 1000,
            "s--",
            label=f"{name} " + text("充電パルス", "charge pulse"),
        )
        ax.legend()
        return plots.finish(ax, "soc", "resistance")


def _pulse_note(ends: dict, cycle: int, discharge: float, charge: float) -> str:
    """Why a pulse pair has no resistance (empty if both pulses gave one)."""
    if (cycle, 2) not in ends:
        return text(
            "この SOC まで試験が進みませんでした（電圧が下限に達しました）。",
            "The test did not reach this SOC (the voltage reached its lower limit).",
        )
    missing = [
        name
        for name, value in (
            (text("放電パルス", "discharge pulse"), discharge),
            (text("充電パルス", "charge pulse"), charge),
        )
        if math.isnan(value)
    ]
    if not missing:
        return ""
    return text(
        f"{'・'.join(missing)}が途中で電圧の上限か下限に達しました。パルスの C レートを"
        "小さくするか、温度を上げてください。",
        f"The {' and '.join(missing)} reached a voltage limit before its end. Use a smaller "
        "pulse C-rate or a higher temperature.",
    )


@methods_checked
@dataclass(frozen=True)
class GITTResult(ProtocolResult):
    """Galvanostatic intermittent titration: current pulses between long rests.

    Protocol positions: 0 rest, 1 pulse. Pulse *n* starts from the rest of cycle *n* and
    relaxes in the rest of cycle *n* + 1.
    """

    pulse_s: float = 600.0

    def pulse_table(self):
        """Per pulse: SOC at its start, current [A], the voltage before the pulse, at its
        start (after the ohmic step) and end, and after the rest [V]; ``delta_es_v`` is the
        change of the relaxed voltage over the pulse and ``delta_et_v`` the change during the
        pulse (start to end), as used by the Weppner–Huggins analysis."""
        import pandas as pd

        ends = self._ends()
        rows = []
        for cycle in sorted({c for c, _ in ends}):
            rest, pulse, after = (
                ends.get((cycle, 0)),
                ends.get((cycle, 1)),
                ends.get((cycle + 1, 0)),
            )
            if rest is None or pulse is None or after is None:
                break
            q0 = float(self.discharge_capacity_ah[pulse][0] - self.discharge_capacity_ah[0])
            before, relaxed = float(self.voltage_v[rest][-1]), float(self.voltage_v[after][-1])
            start, end = float(self.voltage_v[pulse][0]), float(self.voltage_v[pulse][-1])
            rows.append(
                {
                    "pulse": cycle,
                    "soc_start": 1.0 - q0 / self.nominal_capacity_ah,
                    "current_a": float(np.mean(self.current_a[pulse])),
                    "voltage_before_v": before,
                    "pulse_start_v": start,
                    "pulse_end_v": end,
                    "relaxed_v": relaxed,
                    "delta_es_v": relaxed - before,
                    "delta_et_v": end - start,
                }
            )
        return pd.DataFrame(rows)

    def plot_ocv(self, ax: Any = None, label: str | None = None) -> Any:
        """The relaxed voltages (quasi-OCV) against SOC [%].

        Args:
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Legend entry; ``None`` uses the result's :attr:`label`.
        """
        ax = plots.axes(ax)
        table = self.pulse_table()
        soc_end = table["soc_start"] - table["current_a"] * self.pulse_s / 3600 / (
            self.nominal_capacity_ah
        )  # SOC after each pulse, where its relaxed voltage belongs
        ax.plot(
            soc_end * 100, table["relaxed_v"], "o-", label=self.label if label is None else label
        )
        return plots.finish(ax, "soc", "ocv")


@methods_checked
@dataclass(frozen=True)
class RateTestResult:
    """Discharges of one cell at several C-rates (a rate-capability test)."""

    preset: str
    discharges: tuple[DischargeResult, ...]

    @property
    def label(self) -> str:
        """The chamber temperature of the discharges (empty if there are none)."""
        return self.discharges[0].label.split(", ")[-1] if self.discharges else ""

    @property
    def c_rates(self) -> np.ndarray:
        """The C-rate of each discharge, shape (n,)."""
        return np.array([d.c_rate for d in self.discharges])

    @property
    def capacities_ah(self) -> np.ndarray:
        """The delivered capacity of each discharge [Ah], shape (n,)."""
        return np.array([d.capacity_ah for d in self.discharges])

    def to_dataframe(self):
        """One row per C-rate: delivered capacity, energy, average voltage, the share of the
        nominal capacity and the highest temperature."""
        import pandas as pd

        return pd.DataFrame(
            {
                "c_rate": self.c_rates,
                "capacity_ah": self.capacities_ah,
                "energy_wh": [d.energy_wh for d in self.discharges],
                "average_voltage_v": [d.average_voltage_v for d in self.discharges],
                "capacity_pct_of_nominal": [
                    100 * d.capacity_ah / d.nominal_capacity_ah for d in self.discharges
                ],
                "max_temperature_c": [d.max_temperature_c for d in self.discharges],
            }
        )

    def plot(self, x: str = "capacity", ax: Any = None, label: str | None = None) -> Any:
        """The discharge curves in one figure (``x`` as in :meth:`CyclerRecord.plot`).

        Args:
            x: ``"capacity"``, ``"time"`` [h] or ``"dod"`` [%].
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Prefix of the legend entries (the C-rate follows); ``None`` for each
                discharge's own label.

        Raises:
            LabInputError: if ``x`` is not one of the names above.
        """
        ax = plots.axes(ax)
        for d in self.discharges:
            d.plot(x=x, ax=ax, label=d.label if label is None else f"{label}, {d.c_rate:g}C")
        ax.legend()
        return ax

    def plot_capacity(self, ax: Any = None, label: str | None = None) -> Any:
        """Delivered capacity against C-rate (the rate capability).

        Args:
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Legend entry; ``None`` uses the result's :attr:`label`.
        """
        ax = plots.axes(ax)
        ax.plot(
            self.c_rates, self.capacities_ah, "o-", label=self.label if label is None else label
        )
        return plots.finish(ax, "c_rate", "delivered")


def series_fields(result: CyclerRecord) -> tuple[str, ...]:
    """The names of a record's per-sample arrays (for resampling).

    Args:
        result: A cycler record (a dataclass whose arrays have one value per sample).
    """
    per_sample = len(result.time_s)
    return tuple(
        f.name
        for f in fields(result)
        if isinstance(getattr(result, f.name), np.ndarray)
        and len(getattr(result, f.name)) == per_sample
    )


F = TypeVar("F", bound=Callable[..., Any])


def results_checked(func: F) -> F:
    """Check that every argument of ``func`` annotated with a result class of the labs
    (``CyclerRecord``, ``GITTResult``, ``OCVResult`` …) is one, before ``func`` runs: a
    string, ``None`` or another kind of result is a ``LabInputError`` naming the argument
    and the kind it needs, not an ``AttributeError`` from deep inside.

    Args:
        func: A function with result-class annotations.

    Returns:
        The wrapper; calling it raises ``LabInputError`` for an argument of the wrong kind,
        and whatever ``func`` raises.
    """
    signature = inspect.signature(func)

    @functools.cache
    def kinds() -> dict[str, type]:
        hints = typing.get_type_hints(func)
        return {
            name: hint
            for name, hint in hints.items()
            if name != "return"
            and isinstance(hint, type)
            and hint.__module__.startswith("denchi.labs.api")
        }

    @functools.wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return func(*args, **kwargs)  # Python's own message for a wrong call
        for name, kind in kinds().items():
            if name in bound.arguments and not isinstance(bound.arguments[name], kind):
                got = type(bound.arguments[name]).__name__
                raise LabInputError(
                    name,
                    f"{name} には {kind.__name__}（実験の結果）を渡してください"
                    f"（渡されたのは {got} です）。",
                    f"{name} must be a {kind.__name__} (an experiment's result); got {got}.",
                )
        return func(*args, **kwargs)

    return checked  # type: ignore[return-value]
