"""``Cell``: a virtual cell on a virtual battery cycler."""

from __future__ import annotations

import numpy as np

from denchi.labs import engine
from denchi.labs.presets import get_preset
from denchi.labs.results import DischargeResult, OCVResult
from denchi.labs.validation import number_in_range

C_RATE_RANGE = (0.05, 5.0)
TEMPERATURE_RANGE_C = (-20.0, 60.0)


class Cell:
    """A cell made from a preset, e.g. ``Cell("nmc_graphite")`` for the LG M50."""

    def __init__(self, chemistry: str = "nmc_graphite") -> None:
        self.preset = get_preset(chemistry)

    def __repr__(self) -> str:
        return f"Cell({self.preset.key!r})"

    def discharge(self, c_rate: float = 1.0, temperature_c: float = 25.0) -> DischargeResult:
        """Discharge the full cell at a constant C-rate until the lower cut-off voltage."""
        c_rate = number_in_range("c_rate", c_rate, *C_RATE_RANGE, "C", label_ja="C レート")
        temperature_c = number_in_range(
            "temperature_c", temperature_c, *TEMPERATURE_RANGE_C, "℃", label_ja="温度"
        )
        current_a = c_rate * self.preset.nominal_capacity_ah
        t_end_s = 3600.0 / c_rate * 1.2
        solution = engine.solve_discharge(self.preset, current_a, temperature_c + 273.15, t_end_s)

        def entries(name: str):
            return solution[name].entries

        return DischargeResult(
            preset=self.preset.key,
            c_rate=c_rate,
            ambient_temperature_c=temperature_c,
            time_s=entries("Time [s]"),
            voltage_v=entries("Voltage [V]"),
            current_a=entries("Current [A]"),
            discharge_capacity_ah=entries("Discharge capacity [A.h]"),
            temperature_c=entries("X-averaged cell temperature [C]"),
        )

    def ocv(self, points: int = 101) -> OCVResult:
        """Open-circuit voltage from empty (SOC 0) to full (SOC 1), with electrode potentials."""
        n = int(number_in_range("points", points, 3, 10_000, "", label_ja="点の数"))
        soc = np.linspace(0.0, 1.0, n)
        positive, negative = engine.open_circuit_potentials(self.preset, soc)
        return OCVResult(
            preset=self.preset.key,
            soc=soc,
            voltage_v=positive - negative,
            positive_potential_v=positive,
            negative_potential_v=negative,
        )
