"""Explorers for labs where exploring is the lesson.

Each function returns, in a notebook, an ``ipywidgets.interactive`` whose sliders re-run an
experiment (sliders update when released, ``continuous_update=False``), and, when the book is
built (``$DENCHI_STATIC_EXPLORERS=1``), a static Bokeh document of the same figure computed
by the same engine over a grid of the controls (:mod:`denchi.explorers`): the page keeps its
output and needs no kernel. Each control's ``grid`` is what the book offers; the notebook's
slider goes anywhere in its range.
"""

from __future__ import annotations

from typing import Any

from denchi.explorers import Control, evenly, explorer
from denchi.i18n import text
from denchi.labs.errors import keywords_checked

ENGINE = ("denchi.labs",)  # the code that computes every lab explorer's figure
PHYSICS = ("pybamm", "numpy", "scipy")  # and the libraries
C_RATE = ("C レート", "C-rate")
# the chamber temperatures the static discharge explorer offers (those in a preset's range)
TEMPERATURES_C = (-20.0, -10.0, 0.0, 10.0, 25.0, 40.0, 60.0)


def discharge_title(capacity_ah: float, energy_wh: float) -> str:
    """The discharge explorer's figure title in the page language.

    Args:
        capacity_ah: The delivered capacity [Ah].
        energy_wh: The delivered energy [Wh].
    """
    return text(
        f"取り出せた容量 {capacity_ah:.2f} Ah、電力量 {energy_wh:.1f} Wh",
        f"Delivered {capacity_ah:.2f} Ah, {energy_wh:.1f} Wh",
    )


@keywords_checked
def discharge_explorer(chemistry: str = "nmc_graphite") -> Any:
    """Sliders for C-rate and temperature; the 25 ℃, 0.2C curve stays as a reference.

    The static book offers C-rates 0.2–3.0 in steps of 0.2 and the temperatures −20, −10,
    0, 10, 25, 40 and 60 ℃ within the preset's range (a preset without temperature
    dependence runs at 25 ℃ only).

    Args:
        chemistry: The cell preset (see ``labs.PRESETS``).

    Raises:
        LabInputError: if ``chemistry`` is not a preset.
        LabSimulationError: if the reference discharge cannot finish.
        ValueError: if a control's grid is malformed (a bug of this module, never a
            learner's input).
        ModuleNotFoundError: in the book build, if the engine's code is not importable.
    """
    from denchi.labs.api.cell import Cell
    from denchi.labs.api.plots import compare

    cell = Cell(chemistry)
    reference = cell.discharge(c_rate=0.2, temperature_c=25)

    def draw(ax: Any, c_rate: float, temperature_c: float) -> str:
        result = cell.discharge(c_rate=c_rate, temperature_c=temperature_c)
        compare([reference, result], ax=ax)
        return discharge_title(result.capacity_ah, result.energy_wh)

    low, high = cell.temperature_range_c
    temperature = Control(
        "temperature_c",
        text("温度 [℃]", "Temp. [°C]"),
        grid=(
            tuple(t for t in TEMPERATURES_C if low <= t <= high)
            if cell.preset.temperature_dependent
            else (25.0,)
        ),
        live=(25.0, low, high, 5.0) if cell.preset.temperature_dependent else None,
        default=25.0,
    )
    return explorer(
        "discharge",
        draw,
        [
            Control("c_rate", text(*C_RATE), evenly(0.2, 3.0, 0.2), (1.0, 0.1, 3.0, 0.1), 1.0),
            temperature,
        ],
        arguments={"chemistry": cell.preset.key},
        packages=ENGINE,
        distributions=PHYSICS,
    )


@keywords_checked
def thermal_explorer(chemistry: str = "nmc_graphite") -> Any:
    """Heating at high current and the effect of cooling: C-rate, cooling and room
    temperature sliders; the figure shows the cell temperature during the discharge.

    The static book offers C-rates 0.5–5 in steps of 0.5, cooling 1, 10, 50 and 200
    W/(m²K) and room temperatures 0, 10, 25 and 40 ℃.

    Args:
        chemistry: A preset with a lumped thermal model (see ``labs.PRESETS``).

    Raises:
        LabInputError: if ``chemistry`` is not a preset or has no lumped thermal model.
        ValueError: if a control's grid is malformed (a bug of this module, never a
            learner's input).
        ModuleNotFoundError: in the book build, if the engine's code is not importable.
    """
    from denchi.labs.api.cell import Cell

    cell = Cell(chemistry, thermal="lumped")

    def draw(ax: Any, c_rate: float, cooling_w_m2k: float, temperature_c: float) -> str:
        result = cell.discharge(
            c_rate=c_rate, temperature_c=temperature_c, cooling_w_m2k=cooling_w_m2k
        )
        result.plot(x="time", y="temperature", ax=ax)
        rise = result.max_temperature_c - temperature_c
        return text(
            f"最高温度 {result.max_temperature_c:.1f} ℃（{rise:.1f} ℃ 上昇）",
            f"Peak {result.max_temperature_c:.1f} °C (+{rise:.1f} °C)",
        )

    return explorer(
        "thermal",
        draw,
        [
            Control("c_rate", text(*C_RATE), evenly(0.5, 5.0, 0.5), (2.0, 0.5, 5.0, 0.5), 2.0),
            Control(
                "cooling_w_m2k",
                text("冷却 [W/(m²K)]", "Cooling [W/(m²K)]"),
                (1.0, 10.0, 50.0, 200.0),
                (10.0, 1.0, 200.0, 1.0),
                10.0,
            ),
            Control(
                "temperature_c",
                text("室温 [℃]", "Room [°C]"),
                (0.0, 10.0, 25.0, 40.0),
                (25.0, 0.0, 40.0, 5.0),
                25.0,
            ),
        ],
        arguments={"chemistry": cell.preset.key},
        packages=ENGINE,
        distributions=PHYSICS,
    )


@keywords_checked
def design_explorer(base: str = "nmc_graphite") -> Any:
    """Electrode thickness, porosity and N/P ratio sliders; the figure compares the designed
    cell's discharge at 0.2C and 2C and the title gives its energy density.

    The static form offers thicknesses 50, 75 and 100 µm and porosities 0.25, 0.33 and 0.4 at
    N/P 1.1 (every point builds two designed cells, a few seconds each).

    Args:
        base: The ``design_cell`` base preset; it is checked when a slider moves, and a
            wrong one is shown as ``design_cell``'s error under the sliders.

    Raises:
        ValueError: if a control's grid is malformed (a bug of this module, never a
            learner's input).
        ModuleNotFoundError: in the book build, if the engine's code is not importable.
    """
    from denchi.labs.api.design import design_cell
    from denchi.labs.api.plots import compare

    def draw(
        ax: Any, positive_thickness_um: float, positive_porosity: float, np_ratio: float
    ) -> str:
        choices: dict[str, Any] = dict(
            base=base,
            positive_thickness_um=positive_thickness_um,
            positive_porosity=positive_porosity,
            np_ratio=np_ratio,
        )
        slow = design_cell(c_rate=0.2, **choices)
        fast = design_cell(c_rate=2.0, **choices)
        compare([slow.discharge, fast.discharge], ax=ax)
        slow_wh, fast_wh = slow.gravimetric_wh_kg, fast.gravimetric_wh_kg
        return text(
            f"{slow_wh:.0f} Wh/kg（0.2C）、{fast_wh:.0f} Wh/kg（2C）",
            f"{slow_wh:.0f} Wh/kg (0.2C), {fast_wh:.0f} Wh/kg (2C)",
        )

    return explorer(
        "design",
        draw,
        [
            Control(
                "positive_thickness_um",
                text("正極の厚さ [μm]", "Positive [μm]"),
                (50.0, 75.0, 100.0),
                (75.0, 30.0, 150.0, 5.0),
                75.0,
            ),
            Control(
                "positive_porosity",
                text("正極の空隙率", "Porosity"),
                (0.25, 0.33, 0.4),
                (0.33, 0.2, 0.5, 0.01),
                0.33,
            ),
            Control("np_ratio", "N/P", (1.1,), (1.1, 0.9, 1.5, 0.05), 1.1),
        ],
        arguments={"base": base},
        packages=ENGINE,
        distributions=PHYSICS,
    )


@keywords_checked
def practicum_explorer() -> Any:
    """The four choices of the virtual small-cell practicum (h06) as sliders: coating,
    pressing, electrolyte and first-charge current. The figure compares the test discharge
    with the standard choices; the title and the lines below give the results.

    The static book offers coatings of 100, 140 and 190 µm, porosities 0.3 and 0.4,
    electrolyte 0.4, 0.7 and 1.0 and first charges at 0.2 and 1C (36 points: every coating
    and porosity builds a cell of its own, a few seconds each).

    Raises:
        LabSimulationError: if the standard cell's charge or test discharge cannot finish.
        ValueError: if a control's grid is malformed (a bug of this module, never a
            learner's input).
        ModuleNotFoundError: in the book build, if the engine's code is not importable.
    """
    from denchi.labs.api.plots import compare
    from denchi.labs.api.practicum import practicum_cell

    standard = practicum_cell()

    def draw(
        ax: Any,
        coated_thickness_um: float,
        pressed_porosity: float,
        electrolyte_fill: float,
        first_charge_c_rate: float,
    ) -> str:
        cell = practicum_cell(
            coated_thickness_um=coated_thickness_um,
            pressed_porosity=pressed_porosity,
            electrolyte_fill=electrolyte_fill,
            first_charge_c_rate=first_charge_c_rate,
        )
        compare([standard, cell], ax=ax, labels=[text("標準", "standard"), cell.label])
        print(text("N/P 比", "N/P ratio") + f": {cell.np_ratio:.2f}")
        print(text("初回充電の時間", "First charge") + f": {cell.first_charge_hours:.1f} h")
        for note in cell.notes_ja():
            print(note)
        return text(
            f"{cell.capacity_ah:.3f} Ah、{cell.volumetric_wh_l:.0f} Wh/L",
            f"{cell.capacity_ah:.3f} Ah, {cell.volumetric_wh_l:.0f} Wh/L",
        )

    return explorer(
        "practicum",
        draw,
        [
            Control(
                "coated_thickness_um",
                text("塗工 [μm]", "Coat [μm]"),
                (100.0, 140.0, 190.0),
                (140.0, 40.0, 250.0, 10.0),
                140.0,
            ),
            Control(
                "pressed_porosity",
                text("プレス後の空隙率", "Porosity"),
                (0.3, 0.4),
                (0.3, 0.2, 0.5, 0.05),
                0.3,
            ),
            Control(
                "electrolyte_fill",
                text("電解液の量", "Electrolyte"),
                (0.4, 0.7, 1.0),
                (1.0, 0.4, 1.6, 0.1),
                1.0,
            ),
            Control(
                "first_charge_c_rate",
                text("初回充電 [C]", "1st charge [C]"),
                (0.2, 1.0),
                (0.2, 0.05, 1.0, 0.05),
                0.2,
            ),
        ],
        arguments={},
        packages=ENGINE,
        distributions=PHYSICS,
    )
