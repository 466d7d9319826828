"""Interactive explorers (ipywidgets) for labs where exploring is the lesson.

Each function returns an ``ipywidgets.interactive`` whose sliders re-run an experiment;
sliders update when released (``continuous_update=False``). Widgets need a live kernel:
in the static book, give the cell ``:tags: [remove-output]`` and show a computed figure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from denchi.i18n import text
from denchi.labs.errors import keywords_checked


def _slider(value: float, low: float, high: float, step: float, description: str) -> Any:
    import ipywidgets as widgets

    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=False,
        style={"description_width": "initial"},
    )


def _show(draw: Callable[[Any], str]) -> None:
    """Draw into a new figure, title it with what ``draw`` returns, and show it."""
    import matplotlib.pyplot as plt

    from denchi.labs.api.plots import axes

    ax = axes()
    ax.set_title(draw(ax))
    plt.show()


@keywords_checked
def discharge_explorer(chemistry: str = "nmc_graphite") -> Any:
    """Sliders for C-rate and temperature; the 25 ℃, 0.2C curve stays as a reference.

    Args:
        chemistry: The cell preset (see ``labs.PRESETS``).

    Raises:
        LabInputError: if ``chemistry`` is not a preset.
        LabSimulationError: if the reference discharge cannot finish.
    """
    import ipywidgets as widgets

    from denchi.labs.api.cell import Cell
    from denchi.labs.api.plots import compare

    cell = Cell(chemistry)
    reference = cell.discharge(c_rate=0.2, temperature_c=25)

    def show(c_rate: float, temperature_c: float) -> None:
        result = cell.discharge(c_rate=c_rate, temperature_c=temperature_c)

        def draw(ax: Any) -> str:
            compare([reference, result], ax=ax)
            return text(
                f"取り出せた容量 {result.capacity_ah:.2f} Ah、電力量 {result.energy_wh:.1f} Wh",
                f"Delivered {result.capacity_ah:.2f} Ah, {result.energy_wh:.1f} Wh",
            )

        _show(draw)

    return widgets.interactive(
        show,
        c_rate=_slider(1.0, 0.1, 3.0, 0.1, text("C レート", "C-rate")),
        temperature_c=(
            _slider(25.0, *cell.temperature_range_c, 5.0, text("温度 [℃]", "Temp. [°C]"))
            if cell.preset.temperature_dependent
            else widgets.fixed(25.0)  # the preset runs at 25 ℃ only
        ),
    )


@keywords_checked
def thermal_explorer(chemistry: str = "nmc_graphite") -> Any:
    """Heating at high current and the effect of cooling: C-rate, cooling and room
    temperature sliders; the figure shows the cell temperature during the discharge.

    Args:
        chemistry: A preset with a lumped thermal model (see ``labs.PRESETS``).

    Raises:
        LabInputError: if ``chemistry`` is not a preset or has no lumped thermal model.
    """
    import ipywidgets as widgets

    from denchi.labs.api.cell import Cell

    cell = Cell(chemistry, thermal="lumped")

    def show(c_rate: float, cooling_w_m2k: float, temperature_c: float) -> None:
        result = cell.discharge(
            c_rate=c_rate, temperature_c=temperature_c, cooling_w_m2k=cooling_w_m2k
        )

        def draw(ax: Any) -> str:
            result.plot(x="time", y="temperature", ax=ax)
            rise = result.max_temperature_c - temperature_c
            return text(
                f"最高温度 {result.max_temperature_c:.1f} ℃（{rise:.1f} ℃ 上昇）",
                f"Peak {result.max_temperature_c:.1f} °C (+{rise:.1f} °C)",
            )

        _show(draw)

    return widgets.interactive(
        show,
        c_rate=_slider(2.0, 0.5, 5.0, 0.5, text("C レート", "C-rate")),
        cooling_w_m2k=_slider(10.0, 1.0, 200.0, 1.0, text("冷却 [W/(m²K)]", "Cooling [W/(m²K)]")),
        temperature_c=_slider(25.0, 0.0, 40.0, 5.0, text("室温 [℃]", "Room [°C]")),
    )


@keywords_checked
def design_explorer(base: str = "nmc_graphite") -> Any:
    """Electrode thickness, porosity and N/P ratio sliders; the figure compares the designed
    cell's discharge at 0.2C and 2C and the title gives its energy density.

    Args:
        base: The ``design_cell`` base preset; it is checked when a slider moves, and a
            wrong one is shown as ``design_cell``'s error under the sliders.
    """
    import ipywidgets as widgets

    from denchi.labs.api.design import design_cell
    from denchi.labs.api.plots import compare

    def show(positive_thickness_um: float, positive_porosity: float, np_ratio: float) -> None:
        choices: dict[str, Any] = dict(
            base=base,
            positive_thickness_um=positive_thickness_um,
            positive_porosity=positive_porosity,
            np_ratio=np_ratio,
        )
        slow = design_cell(c_rate=0.2, **choices)
        fast = design_cell(c_rate=2.0, **choices)

        def draw(ax: Any) -> str:
            compare([slow.discharge, fast.discharge], ax=ax)
            slow_wh, fast_wh = slow.gravimetric_wh_kg, fast.gravimetric_wh_kg
            return text(
                f"{slow_wh:.0f} Wh/kg（0.2C）、{fast_wh:.0f} Wh/kg（2C）",
                f"{slow_wh:.0f} Wh/kg (0.2C), {fast_wh:.0f} Wh/kg (2C)",
            )

        _show(draw)

    return widgets.interactive(
        show,
        positive_thickness_um=_slider(
            75.0, 30.0, 150.0, 5.0, text("正極の厚さ [μm]", "Positive [μm]")
        ),
        positive_porosity=_slider(0.33, 0.2, 0.5, 0.01, text("正極の空隙率", "Porosity")),
        np_ratio=_slider(1.1, 0.9, 1.5, 0.05, "N/P"),
    )


@keywords_checked
def practicum_explorer() -> Any:
    """The four choices of the virtual small-cell practicum (h06) as sliders: coating,
    pressing, electrolyte and first-charge current. The figure compares the test discharge
    with the standard choices; the title and the lines below give the results.

    Raises:
        LabSimulationError: if the standard cell's charge or test discharge cannot finish.
    """
    import ipywidgets as widgets

    from denchi.labs.api.plots import compare
    from denchi.labs.api.practicum import practicum_cell

    standard = practicum_cell()

    def show(
        coated_thickness_um: float,
        pressed_porosity: float,
        electrolyte_fill: float,
        first_charge_c_rate: float,
    ) -> None:
        cell = practicum_cell(
            coated_thickness_um=coated_thickness_um,
            pressed_porosity=pressed_porosity,
            electrolyte_fill=electrolyte_fill,
            first_charge_c_rate=first_charge_c_rate,
        )

        def draw(ax: Any) -> str:
            compare([standard, cell], ax=ax, labels=[text("標準", "standard"), cell.label])
            return text(
                f"{cell.capacity_ah:.3f} Ah、{cell.volumetric_wh_l:.0f} Wh/L",
                f"{cell.capacity_ah:.3f} Ah, {cell.volumetric_wh_l:.0f} Wh/L",
            )

        _show(draw)
        print(text("N/P 比", "N/P ratio") + f": {cell.np_ratio:.2f}")
        print(text("初回充電の時間", "First charge") + f": {cell.first_charge_hours:.1f} h")
        for note in cell.notes_ja():
            print(note)

    return widgets.interactive(
        show,
        coated_thickness_um=_slider(140.0, 40.0, 250.0, 10.0, text("塗工 [μm]", "Coat [μm]")),
        pressed_porosity=_slider(0.3, 0.2, 0.5, 0.05, text("プレス後の空隙率", "Porosity")),
        electrolyte_fill=_slider(1.0, 0.4, 1.6, 0.1, text("電解液の量", "Electrolyte")),
        first_charge_c_rate=_slider(0.2, 0.05, 1.0, 0.05, text("初回充電 [C]", "1st charge [C]")),
    )
