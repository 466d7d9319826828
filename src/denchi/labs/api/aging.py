"""Aging results: capacity fade over cycles or storage time, with the mechanisms behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from denchi.i18n import text
from denchi.labs.api import plots
from denchi.labs.api.results import ProtocolResult
from denchi.labs.errors import methods_checked


@methods_checked
@dataclass(frozen=True)
class AgingResult:
    """Capacity checks of an aging test, one per cycle (or per storage period).

    Attributes:
        preset: Key of the cell preset.
        ambient_temperature_c: Chamber temperature [℃].
        conditions: What was varied, in words (for the legend), e.g. "1C/0.5C, 25 ℃".
        cycle: Cycle (or check-up) number of each capacity check.
        elapsed_days: Test time at each capacity check [days].
        capacity_ah: Discharge capacity measured at each check [Ah].
        lithium_inventory_loss_pct: Lithium lost from cycling, % of the initial inventory.
        sei_loss_ah: Capacity lost to SEI growth on the negative electrode [Ah].
        plating_loss_ah: Capacity lost to lithium plating [Ah].
        curves: Full records of some cycles (first, last and a few between), to compare
            voltage curves of the fresh and the aged cell.
        stop_reason: Empty if the test ran to its end, else why it stopped early.
    """

    preset: str
    ambient_temperature_c: float
    conditions: str
    cycle: np.ndarray
    elapsed_days: np.ndarray
    capacity_ah: np.ndarray
    lithium_inventory_loss_pct: np.ndarray
    sei_loss_ah: np.ndarray
    plating_loss_ah: np.ndarray
    curves: tuple[ProtocolResult, ...] = ()
    stop_reason: str = ""

    @property
    def label(self) -> str:
        """The test conditions, e.g. ``"0.5C/1C, 25 ℃"`` (the default legend entry)."""
        return self.conditions

    @property
    def retention_pct(self) -> np.ndarray:
        """Capacity relative to the first check [%]."""
        return 100.0 * self.capacity_ah / self.capacity_ah[0]

    @property
    def fade_pct(self) -> float:
        """Capacity lost from the first to the last check [% of the first]."""
        return float(100.0 - self.retention_pct[-1])

    def to_dataframe(self):
        """One row per capacity check."""
        import pandas as pd

        return pd.DataFrame(
            {
                "cycle": self.cycle,
                "elapsed_days": self.elapsed_days,
                "capacity_ah": self.capacity_ah,
                "retention_pct": self.retention_pct,
                "lithium_inventory_loss_pct": self.lithium_inventory_loss_pct,
                "sei_loss_ah": self.sei_loss_ah,
                "plating_loss_ah": self.plating_loss_ah,
            }
        )

    def plot(self, x: str = "cycle", ax: Any = None, label: str | None = None) -> Any:
        """Capacity retention [%] against cycle number (``x="cycle"``) or days (``"days"``).

        Args:
            x: ``"cycle"`` or ``"days"``.
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Legend entry; ``None`` uses the result's :attr:`label`.

        Raises:
            LabInputError: if ``x`` is neither ``"cycle"`` nor ``"days"``.
        """
        x = plots.check_choice("x", x, ("cycle", "days"))
        ax = plots.axes(ax)
        xs = self.cycle if x == "cycle" else self.elapsed_days
        ax.plot(
            xs, self.retention_pct, "o-", markersize=3, label=self.label if label is None else label
        )
        return plots.finish(ax, x, "retention")

    def plot_curves(self, ax: Any = None) -> Any:
        """The discharge curves of the kept cycles, fresh to aged.

        Args:
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
        """
        ax = plots.axes(ax)
        for record in self.curves:
            discharging = record.current_a > 0
            if not np.any(discharging):
                continue
            q = record.discharge_capacity_ah[discharging]
            ax.plot(
                q - q[0],
                record.voltage_v[discharging],
                label=text(f"{int(record.cycle[0])} サイクル目", f"cycle {int(record.cycle[0])}"),
            )
        ax.legend()
        return plots.finish(ax, "capacity", "voltage")
