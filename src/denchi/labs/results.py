"""Results of virtual experiments: arrays in SI-named fields, a table, and a plot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from denchi.i18n import text


def _axis_labels() -> dict[str, str]:
    return {
        "time": text("時間 [h]", "Time [h]"),
        "capacity": text("放電容量 [Ah]", "Discharge capacity [Ah]"),
        "voltage": text("電圧 [V]", "Voltage [V]"),
        "temperature": text("セル温度 [℃]", "Cell temperature [°C]"),
        "soc": text("充電状態 SOC [%]", "State of charge [%]"),
        "potential": text("電位 [V vs Li/Li$^+$]", "Potential [V vs Li/Li$^+$]"),
    }


@dataclass(frozen=True)
class DischargeResult:
    """A constant-current discharge: what a battery cycler would record."""

    preset: str
    c_rate: float
    ambient_temperature_c: float
    time_s: np.ndarray
    voltage_v: np.ndarray
    current_a: np.ndarray
    discharge_capacity_ah: np.ndarray
    temperature_c: np.ndarray

    @property
    def capacity_ah(self) -> float:
        """Delivered capacity until the cut-off voltage [Ah]."""
        return float(self.discharge_capacity_ah[-1])

    @property
    def energy_wh(self) -> float:
        """Delivered energy, the time integral of voltage times current [Wh]."""
        return float(np.trapezoid(self.voltage_v * self.current_a, self.time_s) / 3600.0)

    @property
    def average_voltage_v(self) -> float:
        """Energy divided by capacity [V]."""
        return self.energy_wh / self.capacity_ah

    @property
    def max_temperature_c(self) -> float:
        return float(np.max(self.temperature_c))

    @property
    def label(self) -> str:
        return f"{self.c_rate:g}C, {self.ambient_temperature_c:g} " + text("℃", "°C")

    def to_dataframe(self):
        """The recorded data as a pandas table, one row per time step."""
        import pandas as pd

        return pd.DataFrame(
            {
                "time_s": self.time_s,
                "voltage_v": self.voltage_v,
                "current_a": self.current_a,
                "discharge_capacity_ah": self.discharge_capacity_ah,
                "temperature_c": self.temperature_c,
            }
        )

    def plot(self, x: str = "capacity", ax=None):
        """Voltage against discharge capacity (``x="capacity"``) or time (``x="time"``)."""
        return compare([self], x=x, ax=ax)


def compare(results: Sequence[DischargeResult], x: str = "capacity", ax=None):
    """Draw several discharge curves in one figure; returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    from denchi.plotting import use_japanese_fonts

    if x not in ("capacity", "time"):
        from denchi.labs.errors import LabInputError

        raise LabInputError(
            "x",
            f'x には "capacity" か "time" を指定してください（指定値: {x!r}）。',
            f'x must be "capacity" or "time" (got {x!r}).',
        )
    use_japanese_fonts()
    labels = _axis_labels()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    for r in results:
        xs = r.discharge_capacity_ah if x == "capacity" else r.time_s / 3600.0
        ax.plot(xs, r.voltage_v, label=r.label)
    ax.set_xlabel(labels[x])
    ax.set_ylabel(labels["voltage"])
    ax.grid(alpha=0.3)
    if len(results) > 1:
        ax.legend()
    return ax


@dataclass(frozen=True)
class OCVResult:
    """Open-circuit voltage of a cell and the potentials of its two electrodes."""

    preset: str
    soc: np.ndarray  # 0 (empty) to 1 (full)
    voltage_v: np.ndarray
    positive_potential_v: np.ndarray
    negative_potential_v: np.ndarray

    def to_dataframe(self):
        import pandas as pd

        return pd.DataFrame(
            {
                "soc": self.soc,
                "voltage_v": self.voltage_v,
                "positive_potential_v": self.positive_potential_v,
                "negative_potential_v": self.negative_potential_v,
            }
        )

    def plot(self, electrodes: bool = True, ax=None):
        """OCV against SOC; with ``electrodes=True`` also each electrode's potential."""
        import matplotlib.pyplot as plt

        from denchi.plotting import use_japanese_fonts

        use_japanese_fonts()
        labels = _axis_labels()
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        soc_pct = self.soc * 100
        ax.plot(soc_pct, self.voltage_v, color="k", label=text("電池の電圧", "Cell voltage"))
        if electrodes:
            ax.plot(
                soc_pct,
                self.positive_potential_v,
                color="tab:red",
                label=text("正極の電位", "Positive electrode"),
            )
            ax.plot(
                soc_pct,
                self.negative_potential_v,
                color="tab:blue",
                label=text("負極の電位", "Negative electrode"),
            )
            ax.legend()
        ax.set_xlabel(labels["soc"])
        ax.set_ylabel(labels["potential"] if electrodes else labels["voltage"])
        ax.grid(alpha=0.3)
        return ax
