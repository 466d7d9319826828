"""Interactive explorers (ipywidgets) for labs where exploring is the lesson."""

from __future__ import annotations

from denchi.i18n import text


def discharge_explorer(chemistry: str = "nmc_graphite"):
    """Sliders for C-rate and temperature; the 25 ℃, 0.2C curve stays as a reference."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from denchi.labs.cell import C_RATE_RANGE, TEMPERATURE_RANGE_C, Cell
    from denchi.labs.results import compare

    cell = Cell(chemistry)
    reference = cell.discharge(c_rate=0.2, temperature_c=25)

    def show(c_rate: float, temperature_c: float) -> None:
        result = cell.discharge(c_rate=c_rate, temperature_c=temperature_c)
        _, ax = plt.subplots(figsize=(6, 4))
        compare([reference, result], ax=ax)
        ax.set_title(
            text(
                f"取り出せた容量 {result.capacity_ah:.2f} Ah、電力量 {result.energy_wh:.1f} Wh",
                f"Delivered {result.capacity_ah:.2f} Ah, {result.energy_wh:.1f} Wh",
            )
        )
        plt.show()

    return widgets.interactive(
        show,
        c_rate=widgets.FloatSlider(
            value=1.0,
            min=C_RATE_RANGE[0],
            max=3.0,
            step=0.1,
            description=text("C レート", "C-rate"),
            continuous_update=False,
        ),
        temperature_c=widgets.FloatSlider(
            value=25.0,
            min=TEMPERATURE_RANGE_C[0],
            max=TEMPERATURE_RANGE_C[1],
            step=5.0,
            description=text("温度 [℃]", "Temp. [°C]"),
            continuous_update=False,
        ),
    )
