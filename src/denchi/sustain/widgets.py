"""Sliders for the h01 storage sizing and the h08 material demand, for pages opened as notebooks."""

from __future__ import annotations

from denchi.sustain.materials import MATERIALS, material_demand_kt, secured_share
from denchi.sustain.solar import KWH_PER_KW_DAY, size_storage


def _slider(value: float, low: float, high: float, step: float, label: str):
    import ipywidgets as widgets

    return widgets.FloatSlider(
        value=value, min=low, max=high, step=step, description=label, continuous_update=False
    )


def storage_explorer():
    """Panels, evening load and the usable share of the battery -> kWh and number of cells.

    Needs ipywidgets and a live kernel; the sums are :func:`denchi.sustain.size_storage`.

    Returns:
        An ``ipywidgets.interactive`` widget.
    """
    import ipywidgets as widgets

    def show(panel_kw, kwh_per_kw_day, evening_kw, evening_hours, usable_fraction) -> None:
        s = size_storage(
            panel_kw,
            evening_kw,
            evening_hours,
            kwh_per_kw_day=kwh_per_kw_day,
            usable_fraction=usable_fraction,
        )
        print(f"1 日の発電量: {s.daily_pv_kwh:.1f} kWh")
        print(f"夜に使う電力量: {s.evening_load_kwh:.1f} kWh")
        print(f"必要な電池の容量: {s.battery_kwh:.1f} kWh")
        print(f"セル 1 本の電力量: {s.cell_wh:.0f} Wh → 必要なセル: {s.cells} 本")
        if not s.pv_covers_evening:
            print("注意: 晴れた日の発電量より、夜に使う電力量のほうが多くなっています。")

    return widgets.interactive(
        show,
        panel_kw=_slider(10, 1, 50, 1, "パネル [kW]"),
        kwh_per_kw_day=_slider(round(KWH_PER_KW_DAY, 1), 1, 5, 0.1, "kWh/kW/日"),
        evening_kw=_slider(2, 0.5, 10, 0.5, "夜の電力 [kW]"),
        evening_hours=_slider(3, 1, 8, 0.5, "使う時間 [h]"),
        usable_fraction=_slider(0.8, 0.5, 1.0, 0.05, "使う割合"),
    )


def materials_explorer():
    """Production capacity [GWh/year] -> kt/year of each material, and how far the secured
    amounts go (BASC estimate in the seed deck, METI 2023, p.14).

    In a notebook, a live slider (10–600 GWh in steps of 10); in the book, the same lines
    for every step, chosen in the browser (:mod:`denchi.explorers`). The sums are
    :func:`denchi.sustain.material_demand_kt`.

    Returns:
        An ``ipywidgets.interactive`` widget, or a static explorer in the book build.

    Raises:
        ValueError: if the control's grid is malformed (a bug of this module).
        ModuleNotFoundError: in the book build, if this package's code is not importable.
    """
    from denchi.explorers import Control, evenly, explorer

    secured = secured_share()

    def show(ax: object, capacity_gwh: float) -> str:
        demand = material_demand_kt(capacity_gwh)
        for m in MATERIALS:
            line = f"{m.name_ja:　<6} {demand[m.key]:7.0f} kt"
            if m.key in secured:
                line += f"（確保できた量でまかなえる生産: {150 * secured[m.key]:.0f} GWh 分）"
            print(line)
        return ""

    return explorer(
        "materials",
        show,
        [Control("capacity_gwh", "生産 [GWh]", evenly(10, 600, 10), (150, 10, 600, 10), 150)],
        arguments={},
        packages=("denchi.sustain",),
        figure=False,
    )
