"""Electrochemical impedance spectra: Nyquist and Bode plots."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from denchi.i18n import text
from denchi.labs.api import plots
from denchi.labs.errors import methods_checked


@methods_checked
@dataclass(frozen=True)
class EISResult:
    """An impedance spectrum around a rest state.

    Attributes:
        preset: Key of the cell preset.
        soc: State of charge of the rest state (0–1).
        ambient_temperature_c: Chamber temperature [℃].
        frequency_hz: Measurement frequencies [Hz].
        impedance_ohm: Complex impedance Z = Z' + jZ'' [Ω] at each frequency.
    """

    preset: str
    soc: float
    ambient_temperature_c: float
    frequency_hz: np.ndarray
    impedance_ohm: np.ndarray

    @property
    def z_real_ohm(self) -> np.ndarray:
        """Real part Z' [Ω]."""
        return self.impedance_ohm.real

    @property
    def z_imag_ohm(self) -> np.ndarray:
        """Imaginary part Z'' [Ω] (negative where the cell behaves capacitively)."""
        return self.impedance_ohm.imag

    @property
    def label(self) -> str:
        """SOC and temperature (the default legend entry)."""
        return f"SOC {self.soc * 100:g} %, {self.ambient_temperature_c:g} " + text("℃", "°C")

    def with_impedance(self, impedance_ohm: np.ndarray) -> EISResult:
        """A copy with another spectrum (used by :class:`denchi.labs.Instrument`).

        Args:
            impedance_ohm: Complex impedance [Ω], the shape of ``frequency_hz``.
        """
        return replace(self, impedance_ohm=impedance_ohm)

    def to_dataframe(self):
        """Frequency, Z', Z'', ``|Z|`` and phase as a pandas table."""
        import pandas as pd

        return pd.DataFrame(
            {
                "frequency_hz": self.frequency_hz,
                "z_real_ohm": self.z_real_ohm,
                "z_imag_ohm": self.z_imag_ohm,
                "magnitude_ohm": np.abs(self.impedance_ohm),
                "phase_deg": np.degrees(np.angle(self.impedance_ohm)),
            }
        )

    def plot(self, ax: Any = None, label: str | None = None) -> Any:
        """Nyquist plot: -Z'' against Z' in mΩ, with equal axis scales.

        Args:
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Legend entry; ``None`` uses the result's :attr:`label`.
        """
        ax = plots.axes(ax)
        ax.plot(
            self.z_real_ohm * 1000,
            -self.z_imag_ohm * 1000,
            "o-",
            markersize=3,
            label=self.label if label is None else label,
        )
        ax.set_aspect("equal", adjustable="datalim")
        return plots.finish(ax, "z_real", "z_imag")

    def plot_bode(self, ax: Any = None, label: str | None = None) -> Any:
        """Bode plot: ``|Z|`` [mΩ] against frequency (log axes, solid line); phase [°] on a
        second axis (dashed). A legend says which line is which. Returns the ``|Z|`` axes.

        Args:
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Legend entry; ``None`` uses the result's :attr:`label`.
        """
        ax = plots.axes(ax)
        name = self.label if label is None else label
        (magnitude,) = ax.loglog(
            self.frequency_hz,
            np.abs(self.impedance_ohm) * 1000,
            label=text(f"|Z|（{name}）", f"|Z| ({name})"),
        )
        phase_ax = ax.twinx()
        phase_ax.semilogx(
            self.frequency_hz,
            np.degrees(np.angle(self.impedance_ohm)),
            "--",
            color=magnitude.get_color(),
            alpha=0.6,
            label=text(f"位相（{name}）", f"Phase ({name})"),
        )
        phase_ax.set_ylabel(plots.label("phase"))
        plots.finish(ax, "frequency", "magnitude")
        plots.legend_if_several(ax, phase_ax)
        return ax
