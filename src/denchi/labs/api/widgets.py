"""Explorers for labs where exploring is the lesson.

Each function returns, in a notebook, an ``ipywidgets.interactive`` whose sliders re-run an
experiment (sliders update when released, ``continuous_update=False``), and, when the book is
built (``$DENCHI_STATIC_EXPLORERS=1``), a static Bokeh document of the same figure computed
by the same engine over a grid of the controls (:mod:`denchi.explorers`): the page keeps its
output and needs no kernel. Each control's ``grid`` is what the book offers; the notebook's
slider goes anywhere in its range.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from denchi.explorers import Control, evenly, explorer
from denchi.i18n import text
from denchi.labs.errors import keywords_checked

ENGINE = ("denchi.labs",)  # the code that computes every lab explorer's figure
PHYSICS = ("pybamm", "numpy", "scipy")  # and the libraries
C_RATE = ("C レート", "C-rate")
# the chamber temperatures the static discharge explorer offers (those in a preset's range)
TEMPERATURES_C = (-20.0, -10.0, 0.0, 10.0, 25.0, 40.0, 60.0)


def discharge_title(c_rate: float, temperature_c: float, cutoff_v: float) -> str:
    """The discharge explorer's figure title in the page language: the condition and what to
    read, never the delivered capacity or energy. The h04 assignment asks the learner to read
    a capacity off such a curve, and the static book would otherwise print it for every grid
    point (``tests/test_book.py::test_the_student_edition_shows_no_answers``).

    Args:
        c_rate: The discharge's C-rate.
        temperature_c: The chamber temperature [℃].
        cutoff_v: The cut-off voltage [V] where the discharge stops.
    """
    return text(
        f"{c_rate:g}C、{temperature_c:g} ℃：{cutoff_v:g} V に下がるところの横軸が取り出せた容量",
        f"{c_rate:g}C, {temperature_c:g} °C: the capacity is where the curve hits {cutoff_v:g} V",
    )


def design_title(slow_wh_kg: float, fast_wh_kg: float, capacity_share: float) -> str:
    """The design explorer's figure title in the page language.

    Args:
        slow_wh_kg: Energy per stack mass at 0.2C [Wh/kg].
        fast_wh_kg: Energy per stack mass at 2C [Wh/kg].
        capacity_share: Capacity at 2C over capacity at 0.2C (0–1).
    """
    return text(
        f"{slow_wh_kg:.0f} Wh/kg（0.2C）、{fast_wh_kg:.0f} Wh/kg（2C）、2C の容量は 0.2C の "
        f"{capacity_share:.0%}",
        f"{slow_wh_kg:.0f} Wh/kg (0.2C), {fast_wh_kg:.0f} Wh/kg (2C); 2C delivers "
        f"{capacity_share:.0%} of the 0.2C capacity",
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
        return discharge_title(c_rate, temperature_c, cell.preset.voltage_min_v)

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


def _heating_draw(cell: Any) -> Any:
    """``draw(ax, c_rate, cooling_w_m2k, temperature_c)`` of a heating explorer: the cell
    temperature during a discharge, its peak and rise in the title."""

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

    return draw


# the e01 rate test's C-rates and cells, which the static rate explorer offers
RATE_C_RATES = (0.05, 0.2, 0.5, 1.0, 2.0, 3.0)
RATE_CHEMISTRIES = (("NMC／黒鉛", "nmc_graphite"), ("LFP／黒鉛", "lfp_graphite"))
RATE_REFERENCE_C = 0.05  # C/20: the capacity the retention is measured against


def rate_title(name: str, c_rate: float, share: float, wh_per_ah: float, w_per_ah: float) -> str:
    """The rate explorer's figure title in the page language: the retention against C/20 and
    the point of the Ragone plot (energy and mean power per nominal Ah).

    Args:
        name: The cell's name (「NMC／黒鉛」).
        c_rate: The discharge's C-rate.
        share: Capacity over the C/20 capacity (0–1).
        wh_per_ah: Energy per nominal capacity [Wh/Ah].
        w_per_ah: Mean power per nominal capacity [W/Ah].
    """
    return text(
        f"{name}、{c_rate:g}C：容量は C/20 の {share:.0%}、"
        f"{wh_per_ah:.2f} Wh/Ah、平均 {w_per_ah:.2f} W/Ah",
        f"{name}, {c_rate:g}C: {share:.0%} of the C/20 capacity, "
        f"{wh_per_ah:.2f} Wh/Ah at {w_per_ah:.2f} W/Ah",
    )


@keywords_checked
def rate_explorer(model: str = "spme") -> Any:
    """The e01 rate test one discharge at a time: buttons for the cell (NMC or LFP, the lab's
    two presets) and a C-rate control; the figure compares that discharge with the same
    cell's C/20 one, and the title gives the capacity retention and the point of the Ragone
    plot (:func:`rate_title`).

    The static book offers the lab's C-rates :data:`RATE_C_RATES` (12 discharges and the two
    C/20 references); a notebook's slider goes from 0.05C to 3C in steps of 0.05.

    Args:
        model: The model both cells use (``"spme"``, as the lab's rate test).

    Raises:
        LabInputError: if ``model`` is not a model of both presets.
        LabSimulationError: if a discharge cannot finish.
        ValueError: if a control's grid is malformed (a bug of this module, never a
            learner's input).
        ModuleNotFoundError: in the book build, if the engine's code is not importable.
    """
    from denchi.explorers import Choice
    from denchi.labs.api.cell import Cell
    from denchi.labs.api.plots import compare

    cells = {key: Cell(key, model=model) for _, key in RATE_CHEMISTRIES}
    names = {key: name for name, key in RATE_CHEMISTRIES}

    @cache
    def reference(chemistry: str) -> Any:
        return cells[chemistry].discharge(c_rate=RATE_REFERENCE_C)

    def draw(ax: Any, chemistry: str, c_rate: float) -> str:
        slow = reference(chemistry)
        result = cells[chemistry].discharge(c_rate=c_rate)
        compare([slow, result], ax=ax)
        nominal = result.nominal_capacity_ah
        return rate_title(
            names[chemistry],
            c_rate,
            result.capacity_ah / slow.capacity_ah,
            result.energy_wh / nominal,
            result.energy_wh / (result.duration_s / 3600.0) / nominal,
        )

    return explorer(
        "rate",
        draw,
        [
            Choice("chemistry", text("セル", "Cell"), RATE_CHEMISTRIES, "nmc_graphite"),
            Control("c_rate", text(*C_RATE), RATE_C_RATES, (1.0, 0.05, 3.0, 0.05), 1.0),
        ],
        arguments={"model": model},
        packages=ENGINE,
        distributions=PHYSICS,
    )


# the cells of the h03 comparison: the lab's lead-acid and lithium-ion presets
TYPES_CELLS = (("鉛蓄電池", "lead_acid"), ("リチウムイオン電池", "nmc_graphite"))


def types_title(c_rate: float, shares: dict[str, float]) -> str:
    """The battery-types explorer's figure title in the page language: the share of each
    cell's nominal capacity delivered.

    Args:
        c_rate: The discharges' C-rate.
        shares: The cell's name (「鉛蓄電池」) -> its capacity over its nominal capacity (0–1).
    """
    return f"{c_rate:g}C：取り出せた割合 " + "、".join(
        f"{name} {share:.0%}" for name, share in shares.items()
    )


@keywords_checked
def types_explorer() -> Any:
    """h03: a lead-acid and a lithium-ion cell discharged at the same C-rate, against depth
    of discharge; the title gives the share of each nominal capacity delivered
    (:func:`types_title`). Both presets run at 25 ℃ (the lead-acid model has no temperature
    dependence).

    The static book offers C-rates 0.2–3.0 in steps of 0.2 (30 discharges); a notebook's
    slider goes from 0.05C to 3C in steps of 0.05.

    Raises:
        LabInputError: if a preset of :data:`TYPES_CELLS` is missing (a bug of this module,
            never a learner's input).
        LabSimulationError: if a discharge cannot finish.
        ValueError: if a control's grid is malformed (a bug of this module, never a
            learner's input).
        ModuleNotFoundError: in the book build, if the engine's code is not importable.
    """
    from denchi.labs.api.cell import Cell
    from denchi.labs.api.plots import compare

    cells = {name: Cell(key) for name, key in TYPES_CELLS}

    def draw(ax: Any, c_rate: float) -> str:
        results = {name: cell.discharge(c_rate=c_rate) for name, cell in cells.items()}
        compare(results.values(), ax=ax, labels=list(results), x="dod")
        return types_title(
            c_rate, {n: r.capacity_ah / r.nominal_capacity_ah for n, r in results.items()}
        )

    return explorer(
        "types",
        draw,
        [Control("c_rate", text(*C_RATE), evenly(0.2, 3.0, 0.2), (1.0, 0.05, 3.0, 0.05), 1.0)],
        arguments={},
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
    draw = _heating_draw(cell)
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


# u07: an overcurrent (the model's stand-in for an external short) against the cooling, SPMe
ABUSE_C_RATES = (1.0, 3.0, 5.0)  # above about 5C the SPMe cell meets its cut-off at once
ABUSE_COOLING_W_M2K = (1.0, 10.0, 50.0, 200.0)


@keywords_checked
def abuse_heating_explorer(chemistry: str = "nmc_graphite") -> Any:
    """Heating under an overcurrent against the cooling (u07): C-rate and cooling controls at
    a 25 ℃ room; the figure shows the cell temperature until the cut-off voltage (SPMe with
    the lumped thermal model, 12 solves in the book).

    The static book offers C-rates 1, 3 and 5 and cooling 1, 10, 50 and 200 W/(m²K); the
    notebook's sliders go from 0.5 to 5C and 1 to 200 W/(m²K).

    Args:
        chemistry: A preset with a lumped thermal model and the SPMe (see ``labs.PRESETS``).

    Raises:
        LabInputError: if ``chemistry`` is not a preset or has no lumped thermal model or no
            SPMe.
        ValueError: if a control's grid is malformed (a bug of this module, never a
            learner's input).
        ModuleNotFoundError: in the book build, if the engine's code is not importable.
    """
    from denchi.labs.api.cell import Cell

    cell = Cell(chemistry, model="spme", thermal="lumped")
    heating = _heating_draw(cell)

    def draw(ax: Any, c_rate: float, cooling_w_m2k: float) -> str:
        return heating(ax, c_rate=c_rate, cooling_w_m2k=cooling_w_m2k, temperature_c=25.0)

    return explorer(
        "abuse_heating",
        draw,
        [
            Control("c_rate", text(*C_RATE), ABUSE_C_RATES, (3.0, 0.5, 5.0, 0.5), 3.0),
            Control(
                "cooling_w_m2k",
                text("冷却 [W/(m²K)]", "Cooling [W/(m²K)]"),
                ABUSE_COOLING_W_M2K,
                (10.0, 1.0, 200.0, 1.0),
                10.0,
            ),
        ],
        arguments={"chemistry": cell.preset.key},
        packages=ENGINE,
        distributions=PHYSICS,
    )


@keywords_checked
def design_explorer(base: str = "nmc_graphite", model: str = "spme") -> Any:
    """Electrode thickness, porosity and N/P ratio sliders; the figure compares the designed
    cell's discharge at 0.2C and 2C, and the title gives its energy density at both rates and
    the share of the 0.2C capacity that 2C delivers (the u04 assignment's requirement).

    The static form offers thicknesses 50, 75 and 100 µm and porosities 0.25, 0.33 and 0.4 at
    N/P 1.1 (every point builds one designed cell, about a second and a half with SPMe).

    Args:
        base: The ``design_cell`` base preset; it is checked when a slider moves, and a
            wrong one is shown as ``design_cell``'s error under the sliders.
        model: ``design_cell``'s model (``"spm"``, ``"spme"`` or ``"dfn"``), checked as
            ``base`` is.

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
        slow = design_cell(
            base=base,
            positive_thickness_um=positive_thickness_um,
            positive_porosity=positive_porosity,
            np_ratio=np_ratio,
            c_rate=0.2,
            model=model,
        )
        fast = slow.cell.discharge(c_rate=2.0)
        compare([slow.discharge, fast], ax=ax)
        return design_title(
            slow.gravimetric_wh_kg,
            fast.energy_wh / slow.mass_kg,
            fast.capacity_ah / slow.capacity_ah,
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
        arguments={"base": base, "model": model},
        packages=ENGINE,
        distributions=PHYSICS,
    )


@keywords_checked
def practicum_explorer() -> Any:
    """The four choices of the virtual small-cell practicum (h06) as sliders: coating,
    pressing, electrolyte and first-charge current. The figure compares the test discharge
    with the standard choices; the title and the lines below give the results.

    The static book offers coatings of 100, 140 and 190 µm, porosities 0.3 and 0.4,
    electrolyte 0.4, 0.7 and 1.0 and first charges at 0.2 and 1C (36 points, each a first
    charge and a test discharge; every coating and porosity is a cell design of its own, built
    once; about 24 s in all).

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


# the C-rates of the u01 lab page's polarisation steps (each a discharge and a charge)
POLARISATION_C_RATES = (0.2, 0.5, 1.0, 2.0, 3.0, 5.0)


def polarisation_title(result: Any) -> str:
    """The polarisation explorer's figure title: the 1C discharge step's overpotential and
    its three parts [mV] in the page language.

    Args:
        result: A ``PolarisationResult`` with a 1C step.

    Raises:
        IndexError: if ``result`` has no 1C discharge step.
    """
    import numpy as np

    i = int(np.flatnonzero(result.c_rate == 1.0)[0])
    total, reaction, concentration, ohmic = (
        1000.0 * float(getattr(result, name)[i])
        for name in ("overpotential_v", "reaction_v", "concentration_v", "ohmic_v")
    )
    return text(
        f"1C 放電 {total:.0f} mV（反応 {reaction:.0f}、濃度 {concentration:.0f}、"
        f"オーム {ohmic:.0f}）",
        f"1C discharge {total:.0f} mV (reaction {reaction:.0f}, concentration "
        f"{concentration:.0f}, ohmic {ohmic:.0f})",
    )


@keywords_checked
def polarisation_explorer(chemistry: str = "nmc_graphite") -> Any:
    """The u01 lab's polarisation (``Cell.polarisation``, 10 s steps from rest at SOC 50 %)
    with the exchange-current factor and the temperature as controls: the overpotential and
    its reaction, concentration and ohmic parts [mV] against the current [A]; the total at
    j0 × 1 and 25 ℃ stays as a reference. The title gives the 1C discharge step's parts.

    The static book offers the factors 0.1, 1 and 10 and the temperatures 0, 10, 25 and
    45 ℃ (12 points; every point is twelve steps of the preset's DFN model).

    Args:
        chemistry: A single-material lithium-ion preset (see ``Cell.polarisation``); one
            without temperature dependence runs at 25 ℃ only.

    Raises:
        LabInputError: if ``chemistry`` is not such a preset.
        LabSimulationError: in the book build, if a grid point's steps cannot run (the
            live form shows it under the sliders).
        ValueError: if a control's grid is malformed (a bug of this module, never a
            learner's input).
        ModuleNotFoundError: in the book build, if the engine's code is not importable.
    """
    from denchi.labs.api.cell import Cell

    cell = Cell(chemistry)

    @cache
    def reference() -> Any:  # solved at the first draw only, so never for a cached grid
        return cell.polarisation(c_rates=POLARISATION_C_RATES)

    def draw(ax: Any, exchange_current_factor: float, temperature_c: float) -> str:
        result = cell.polarisation(
            c_rates=POLARISATION_C_RATES,
            temperature_c=temperature_c,
            exchange_current_factor=exchange_current_factor,
        )
        reference().plot(ax=ax, label=text("基準 ", "reference ") + reference().label)
        result.plot(parts=True, ax=ax)
        return polarisation_title(result)

    low, high = cell.temperature_range_c
    dependent = cell.preset.temperature_dependent
    return explorer(
        "polarisation",
        draw,
        [
            Control(
                "exchange_current_factor",
                text("j0 の倍率", "j0 factor"),
                (0.1, 1.0, 10.0),
                (1.0, 0.1, 10.0, 0.1),
                1.0,
            ),
            Control(
                "temperature_c",
                text("温度 [℃]", "Temp. [°C]"),
                tuple(t for t in (0.0, 10.0, 25.0, 45.0) if low <= t <= high)
                if dependent
                else (25.0,),
                (25.0, low, high, 5.0) if dependent else None,
                25.0,
            ),
        ],
        arguments={"chemistry": cell.preset.key},
        packages=ENGINE,
        distributions=PHYSICS,
    )


# the cells of the u09 lab's chemistry comparison and the C-rates its static form offers
CHEMISTRY_PRESETS = ("sodium_ion", "lfp_graphite", "nmc_graphite")
CHEMISTRY_C_RATES = (0.2, 0.5, 1.0, 2.0, 3.0)


def chemistry_title(c_rate: float) -> str:
    """The chemistry explorer's figure title in the page language: the condition and what
    to read, never a capacity or energy (the u09 assignment asks for rate retentions).

    Args:
        c_rate: The C-rate of the three discharges.
    """
    return text(
        f"{c_rate:g}C、25 ℃：3 種類のセルの放電（横軸は公称容量に対する割合）",
        f"{c_rate:g}C, 25 °C: three cells (x: share of the nominal capacity)",
    )


@keywords_checked
def chemistry_explorer() -> Any:
    """The u09 lab's comparison: one C-rate slider; the figure shows the discharge of the
    sodium-ion, LFP/graphite and NMC/graphite presets at that rate and 25 ℃ against the
    depth of discharge (the share of each cell's nominal capacity), so that cells of very
    different sizes share one axis.

    The static book offers 0.2, 0.5, 1, 2 and 3C (15 discharges; the presets without
    temperature dependence run at 25 ℃ only, so temperature is not a control).

    Raises:
        LabInputError: if it is called with an argument (it takes none).
        LabSimulationError: in the book build, if a grid point's discharge cannot finish.
        ValueError: if a control's grid is malformed (a bug of this module, never a
            learner's input).
        ModuleNotFoundError: in the book build, if the engine's code is not importable.
    """
    from denchi.labs.api.cell import Cell
    from denchi.labs.api.plots import compare

    cells = [Cell(key) for key in CHEMISTRY_PRESETS]

    def draw(ax: Any, c_rate: float) -> str:
        compare([cell.discharge(c_rate=c_rate) for cell in cells], ax=ax, x="dod")
        return chemistry_title(c_rate)

    return explorer(
        "chemistry",
        draw,
        [Control("c_rate", text(*C_RATE), CHEMISTRY_C_RATES, (1.0, 0.1, 3.0, 0.1), 1.0)],
        arguments={"chemistries": CHEMISTRY_PRESETS},
        packages=ENGINE,
        distributions=PHYSICS,
    )
