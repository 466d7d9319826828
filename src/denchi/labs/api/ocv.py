"""Open-circuit voltage and its derivative, the dQ/dV (incremental capacity) curve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from denchi.i18n import text
from denchi.labs.api import plots
from denchi.labs.errors import methods_checked


@methods_checked
@dataclass(frozen=True)
class OCVResult:
    """Open-circuit voltage of a cell and, where the model has them, of its two electrodes.

    Attributes:
        preset: Key of the cell preset.
        soc: State of charge, 0 (empty) to 1 (full).
        voltage_v: Open-circuit voltage of the cell [V].
        positive_potential_v: Positive electrode potential vs Li/Li⁺ [V], or ``None``.
        negative_potential_v: Negative electrode potential vs Li/Li⁺ [V], or ``None``.
        capacity_ah: Charge between SOC 0 and 1 [Ah] (for dQ/dV).
    """

    preset: str
    soc: np.ndarray
    voltage_v: np.ndarray
    positive_potential_v: np.ndarray | None = None
    negative_potential_v: np.ndarray | None = None
    capacity_ah: float = 1.0

    @property
    def label(self) -> str:
        """「開回路電圧」/"OCV" in the page language (the default legend entry)."""
        return text("開回路電圧", "OCV")

    def to_dataframe(self):
        """SOC, OCV and electrode potentials as a pandas table."""
        import pandas as pd

        data = {"soc": self.soc, "voltage_v": self.voltage_v}
        if self.positive_potential_v is not None:
            data["positive_potential_v"] = self.positive_potential_v
        if self.negative_potential_v is not None:
            data["negative_potential_v"] = self.negative_potential_v
        return pd.DataFrame(data)

    def dqdv(self):
        """The incremental capacity dQ/dV [Ah/V] against voltage, as a pandas table.

        Peaks mark where the voltage stays nearly flat while charge flows (phase changes
        in the electrodes).
        """
        import pandas as pd

        charge_ah = self.soc * self.capacity_ah
        slope = np.gradient(self.voltage_v, charge_ah)  # dV/dQ [V/Ah]
        with np.errstate(divide="ignore"):
            dqdv = np.where(slope > 0, 1.0 / slope, np.nan)
        return pd.DataFrame({"voltage_v": self.voltage_v, "dqdv_ah_per_v": dqdv})

    def plot(self, electrodes: bool = True, ax: Any = None, label: str | None = None) -> Any:
        """OCV against SOC; with ``electrodes=True`` also each electrode's potential.

        Args:
            electrodes: Also draw the electrode potentials (when the result has them).
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Legend entry of the cell voltage; ``None`` for 「電池の電圧」.
        """
        ax = plots.axes(ax)
        soc_pct = self.soc * 100
        cell = text("電池の電圧", "Cell voltage") if label is None else label
        show_electrodes = electrodes and self.positive_potential_v is not None
        ax.plot(soc_pct, self.voltage_v, color="k" if show_electrodes else None, label=cell)
        if show_electrodes:
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
        return plots.finish(ax, "soc", "potential" if show_electrodes else "ocv")

    def plot_dqdv(self, ax: Any = None, label: str | None = None) -> Any:
        """dQ/dV [Ah/V] against the open-circuit voltage.

        Args:
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Legend entry; ``None`` uses the result's :attr:`label`.
        """
        ax = plots.axes(ax)
        table = self.dqdv()
        ax.plot(
            table["voltage_v"], table["dqdv_ah_per_v"], label=self.label if label is None else label
        )
        return plots.finish(ax, "ocv", "dqdv")
