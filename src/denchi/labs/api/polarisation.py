"""Polarisation of a cell: short current steps from rest and what their overpotential is made of."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from denchi.i18n import text
from denchi.labs.api import plots
from denchi.labs.errors import methods_checked


@methods_checked
@dataclass(frozen=True)
class PolarisationResult:
    """Overpotentials at the end of short current steps from rest (``Cell.polarisation``).

    Arrays have shape (n,), one value per step, sorted by current (charge first); a step that
    reached a voltage limit before its end (or that the solver could not run) is NaN. Every
    overpotential is ``OCV − V`` and its parts, in volts, positive on discharge and negative
    on charge; the parts add up to ``overpotential_v``.

    Attributes:
        preset: Key of the cell preset.
        c_rate: Step current as a C-rate (positive: discharge, negative: charge).
        current_a: Step current [A] (positive: discharge).
        current_density_a_m2: Current per electrode area (both faces of every electrode
            pair the model counts) [A/m²].
        overpotential_v: ``OCV − V`` at the end of the step [V], where OCV is the
            open-circuit voltage of the cell's mean state at that moment.
        reaction_v: The part of both electrode reactions (Butler–Volmer) [V].
        concentration_v: The part of concentration differences, in the electrolyte and
            between particle surface and particle bulk [V].
        ohmic_v: The ohmic part: electrolyte, electrodes and (a seeded cell) contact [V].
        negative_reaction_v: Reaction overpotential of the negative electrode (graphite) in
            the IUPAC sign, positive while it is oxidised (discharge) [V].
        positive_reaction_v: Reaction overpotential of the positive electrode, IUPAC sign
            (negative on discharge) [V].
        soc: State of charge before every step, 0–1.
        pulse_s: Length of every step [s].
        temperature_c: Chamber temperature [℃].
        exchange_current_factor: Factor on the exchange-current density of both electrodes.
    """

    preset: str
    c_rate: np.ndarray
    current_a: np.ndarray
    current_density_a_m2: np.ndarray
    overpotential_v: np.ndarray
    reaction_v: np.ndarray
    concentration_v: np.ndarray
    ohmic_v: np.ndarray
    negative_reaction_v: np.ndarray
    positive_reaction_v: np.ndarray
    soc: float
    pulse_s: float
    temperature_c: float
    exchange_current_factor: float

    @property
    def label(self) -> str:
        """The legend entry: the exchange-current factor and the temperature."""
        return text(
            f"j0 × {self.exchange_current_factor:g}、{self.temperature_c:g} ℃",
            f"j0 × {self.exchange_current_factor:g}, {self.temperature_c:g} °C",
        )

    def to_dataframe(self):
        """One row per step: C-rate, current, current density and the overpotentials [V]."""
        import pandas as pd

        names = (
            "c_rate",
            "current_a",
            "current_density_a_m2",
            "overpotential_v",
            "reaction_v",
            "concentration_v",
            "ohmic_v",
            "negative_reaction_v",
            "positive_reaction_v",
        )
        return pd.DataFrame({name: getattr(self, name) for name in names})

    def plot(self, parts: bool = False, ax: Any = None, label: str | None = None) -> Any:
        """Overpotential [mV] against current [A]; with ``parts``, also its three parts.

        Args:
            parts: Also draw the reaction, concentration and ohmic parts (dashed).
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Legend entry of the total; ``None`` uses the result's :attr:`label`.
        """
        ax = plots.axes(ax)
        name = self.label if label is None else label
        ax.plot(self.current_a, self.overpotential_v * 1000, "o-", label=name)
        if parts:
            for values, style, part in (
                (self.reaction_v, "--", text("反応", "reaction")),
                (self.concentration_v, ":", text("濃度", "concentration")),
                (self.ohmic_v, "-.", text("オーム", "ohmic")),
            ):
                ax.plot(self.current_a, values * 1000, style, label=f"{name}：{part}")
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        return plots.finish(ax, "current", "overpotential")
