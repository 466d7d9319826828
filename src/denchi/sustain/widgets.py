"""Explorers of the h01 storage sizing and the h08 material demand: live sliders in a notebook,
static documents in the book (:mod:`denchi.explorers`)."""

from __future__ import annotations

from denchi.sustain.materials import MATERIALS, material_demand_kt, secured_share
from denchi.sustain.solar import KWH_PER_KW_DAY, size_storage

# The static book's grid of the storage calculator (540 points of printed lines). Every
# grid point is on the page, so none may print an intro assignment's answer: h01 asks
# 20 kW × 2.7 kWh (54 kWh) and 1.0 kW × 4 h ÷ 0.8 (5 kWh), so 20 kW, a 4 h or 5 kWh evening
# and 5 kWh of battery are not on the grid (tests/test_answer_leaks.py checks every line
# against every intro answer). The notebook's sliders take any value.
STORAGE_PANELS_KW = (10.0, 15.0, 25.0, 30.0, 50.0)
STORAGE_YIELDS = (1.0, 2.7, 4.0)  # kWh per kW and day: a rainy week, the JPEA mean, a sunny day
STORAGE_EVENING_KW = (1.0, 2.0, 3.0)
STORAGE_EVENING_HOURS = (1.0, 3.0, 6.0, 8.0)
STORAGE_USABLE = (0.7, 0.8, 1.0)


def storage_explorer():
    """Panels, evening load and the usable share of the battery -> kWh and number of cells.

    In a notebook, live sliders; in the book, the same lines for every point of a small grid
    (:data:`STORAGE_PANELS_KW` × :data:`STORAGE_YIELDS` × :data:`STORAGE_EVENING_KW` ×
    :data:`STORAGE_EVENING_HOURS` × :data:`STORAGE_USABLE`), chosen in the browser
    (:mod:`denchi.explorers`). The sums are :func:`denchi.sustain.size_storage`.

    Returns:
        An ``ipywidgets.interactive`` widget, or a static explorer in the book build.

    Raises:
        ValueError: if a control's grid is malformed (a bug of this module).
        ModuleNotFoundError: in the book build, if this package's code is not importable.
    """
    from denchi.explorers import Control, explorer

    def show(
        ax: object,
        panel_kw: float,
        kwh_per_kw_day: float,
        evening_kw: float,
        evening_hours: float,
        usable_fraction: float,
    ) -> str:
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
        return ""

    return explorer(
        "h01_storage",
        show,
        [
            Control("panel_kw", "パネル [kW]", STORAGE_PANELS_KW, (10, 1, 50, 1), 10.0),
            Control(
                "kwh_per_kw_day",
                "1 kW あたりの 1 日の発電量 [kWh]",
                STORAGE_YIELDS,
                (round(KWH_PER_KW_DAY, 1), 1, 5, 0.1),
                2.7,
            ),
            Control("evening_kw", "夜の電力 [kW]", STORAGE_EVENING_KW, (2, 0.5, 10, 0.5), 2.0),
            Control("evening_hours", "使う時間 [h]", STORAGE_EVENING_HOURS, (3, 1, 8, 0.5), 3.0),
            Control("usable_fraction", "使う割合", STORAGE_USABLE, (0.8, 0.5, 1.0, 0.05), 0.8),
        ],
        arguments={},
        packages=("denchi.sustain",),
        figure=False,
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
