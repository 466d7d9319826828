"""Figures of the intro chemistry pages (h02, h03, h04, h07), drawn in Japanese.

Each function draws one figure of a lesson page (the page calls it in one line) and returns
what it drew on, so a test or a teacher can look at it. The figures are schematic unless the
docstring names the data; their alt text and caption live in the page's cell metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from denchi.chem.potentials import ionisation_series
from denchi.plotting import diagram_axes, draw_arrow, figure_axes, use_japanese_fonts
from denchi.validation import number_in_range

# Typical specific energy of whole cells [Wh/kg], as the table of h03/02_compare.md gives it:
# dry cells from Linden's Handbook of Batteries (reddy2011linden), the rest from a 2009 table of
# the Agency for Natural Resources and Energy quoted by a secondary web page
# (batterybank2009types). Rough values of different sources and years.
TYPICAL_WH_PER_KG: dict[str, float] = {
    "鉛蓄電池": 35,
    "ニッケル水素電池": 60,
    "マンガン乾電池": 85,
    "リチウムイオン電池": 120,
    "アルカリ乾電池": 154,
}


def draw_ionisation_series(ax: Any = None) -> Any:
    """Bar chart of the standard electrode potentials of :func:`ionisation_series` (25 ℃).

    One bar per couple, left to right from the most to the least easily ionised metal; the
    height is the standard potential [V] (CRC Handbook, see ``denchi.chem.potentials``),
    negative values blue, zero and positive red, each labelled with its value.

    Args:
        ax: A matplotlib Axes; None makes a new 8 × 3.6 inch figure.

    Returns:
        The matplotlib Axes drawn on.
    """
    ax = figure_axes(ax, (8, 3.6))
    series = ionisation_series()
    colors = ["tab:blue" if c.standard_potential_v < 0 else "tab:red" for c in series]
    ax.bar([c.key for c in series], [c.standard_potential_v for c in series], color=colors)
    ax.axhline(0, color="k", lw=0.8)
    ax.set_ylabel("標準電極電位 [V]")
    ax.set_xlabel("左ほどイオン化傾向が大きい（陽イオンになりやすい）")
    for i, c in enumerate(series):
        y = c.standard_potential_v
        ax.text(
            i,
            y + (0.08 if y >= 0 else -0.08),
            f"{y:+.2f}",
            ha="center",
            va="bottom" if y >= 0 else "top",
            fontsize=7,
        )
    ax.set_ylim(-3.6, 2.0)
    return ax


def draw_daniell_cell(ax: Any = None) -> Any:
    """Schematic of the Daniell cell: zinc in ZnSO4 (negative), copper in CuSO4 (positive),
    a porous separator between, the electrode reactions, and electrons flowing through the
    outer wire (with an electronic music box) from zinc to copper.

    Args:
        ax: A matplotlib Axes; None makes a new 8 × 4.8 inch figure.

    Returns:
        The matplotlib Axes drawn on (data coordinates 0–10 × 0–6.4).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    ax = diagram_axes(ax, (8, 4.8), (0, 10), (0, 6.4))
    # beaker with two solutions and a porous separator
    ax.add_patch(Rectangle((1, 0.5), 3.9, 3.2, color="#dfe7ee"))
    ax.add_patch(Rectangle((5.1, 0.5), 3.9, 3.2, color="#9fc5e8"))
    ax.add_patch(Rectangle((4.9, 0.5), 0.2, 3.6, color="#c9a67a"))
    ax.plot([1, 1, 9, 9], [4.3, 0.5, 0.5, 4.3], color="k", lw=1.5)
    ax.text(2.95, 0.8, "硫酸亜鉛水溶液\n（Zn$^{2+}$）", ha="center", fontsize=9)
    ax.text(7.05, 0.8, "硫酸銅(II)水溶液\n（Cu$^{2+}$、青色）", ha="center", fontsize=9)
    ax.text(5.0, 4.25, "素焼き板\n（仕切り）", ha="center", fontsize=8)
    # electrodes
    ax.add_patch(Rectangle((2.6, 1.6), 0.5, 3.4, color="#8c8c8c"))
    ax.add_patch(Rectangle((6.9, 1.6), 0.5, 3.4, color="#c87533"))
    ax.text(2.1, 3.3, "亜鉛板\n（負極）", ha="right", fontsize=10)
    ax.text(7.9, 3.3, "銅板\n（正極）", ha="left", fontsize=10)
    # outer circuit and electrons
    ax.plot([2.85, 2.85, 7.15, 7.15], [5.0, 5.9, 5.9, 5.0], color="tab:blue", lw=2)
    draw_arrow(ax, (3.6, 5.9), (4.6, 5.9), "tab:blue", size=16)
    ax.text(3.4, 6.05, "電子 e$^-$", color="tab:blue", fontsize=10)
    ax.add_patch(plt.Circle((5.6, 5.9), 0.25, color="#ffd966", ec="k", zorder=3))
    ax.text(5.6, 5.35, "電子オルゴール", ha="center", fontsize=9)
    # reactions
    box = {"fc": "white", "ec": "none", "alpha": 0.8}
    ax.text(2.85, 4.55, "Zn → Zn$^{2+}$ + 2e$^-$\n（酸化）", ha="center", fontsize=9, bbox=box)
    ax.text(7.15, 4.55, "Cu$^{2+}$ + 2e$^-$ → Cu\n（還元）", ha="center", fontsize=9, bbox=box)
    return ax


def draw_energy_conversion() -> Any:
    """Three panels: how a primary cell (discharge only), a secondary cell (discharge and
    charge) and a fuel cell (generation from fuel fed from outside) turn chemical energy into
    electrical energy. Schematic.

    Returns:
        The three matplotlib Axes (a numpy array), left to right, in a new 10 × 3.4 inch figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    use_japanese_fonts()
    _, axes = plt.subplots(1, 3, figsize=(10, 3.4))
    panels = [
        ("一次電池（使い切り）", [("放電", "right")], "電池の中の物質", "放電したら使い終わり"),
        (
            "二次電池（くり返し使える）",
            [("放電", "right"), ("充電", "left")],
            "電池の中の物質",
            "充電でもとの物質に戻る",
        ),
        (
            "燃料電池（燃料で発電）",
            [("発電", "right")],
            "外から入れる燃料\n（水素）と酸素",
            "燃料を入れ続ければ発電を続ける",
        ),
    ]
    for ax, (title, arrows, store, note) in zip(axes, panels, strict=True):
        diagram_axes(ax, xlim=(0, 10), ylim=(0, 6))
        ax.set_title(title, fontsize=11)
        ax.add_patch(FancyBboxPatch((0.3, 2.0), 3.6, 2.0, boxstyle="round,pad=0.1", fc="#fce5cd"))
        ax.text(2.1, 3.0, f"化学の\nエネルギー\n（{store}）", ha="center", va="center", fontsize=8)
        ax.add_patch(FancyBboxPatch((6.1, 2.0), 3.6, 2.0, boxstyle="round,pad=0.1", fc="#cfe2f3"))
        ax.text(7.9, 3.0, "電気の\nエネルギー", ha="center", va="center", fontsize=9)
        for label, direction in arrows:
            y = 3.6 if direction == "right" else 2.4
            start, end = ((4.1, y), (5.9, y)) if direction == "right" else ((5.9, y), (4.1, y))
            colour = "tab:red" if direction == "right" else "tab:blue"
            draw_arrow(ax, start, end, colour)
            ax.text(5.0, y + 0.25, label, ha="center", fontsize=9, color=colour)
        ax.text(5.0, 0.9, note, ha="center", fontsize=8)
    return axes


def draw_mass_per_kwh(wh_per_kg: Mapping[str, float] | None = None, ax: Any = None) -> Any:
    """Horizontal bars: the mass of cells [kg] that stores 1 kWh, 1000 Wh ÷ (Wh/kg), for each
    kind of battery, heaviest at the top, each labelled with its value.

    Args:
        wh_per_kg: Specific energy of each kind [Wh/kg], in the order to draw; None takes
            :data:`TYPICAL_WH_PER_KG` (the rough values of the page's table, with its sources).
        ax: A matplotlib Axes; None makes a new 7 × 3.2 inch figure.

    Returns:
        The matplotlib Axes drawn on.

    Raises:
        denchi.errors.InputError: If a specific energy is not a number from 1 to 10,000 Wh/kg.
    """

    given = TYPICAL_WH_PER_KG if wh_per_kg is None else wh_per_kg
    values = {
        name: number_in_range(
            f"wh_per_kg[{name!r}]", v, 1.0, 10_000.0, "Wh/kg", label_ja=f"{name}のエネルギー密度"
        )
        for name, v in given.items()
    }
    ax = figure_axes(ax, (7, 3.2))
    names = list(values)
    kg = [1000 / values[n] for n in names]
    palette = ["#999999", "#6fa8dc", "#f6b26b", "tab:green", "#e69138"]
    bars = ax.barh(names, kg, color=[palette[i % len(palette)] for i in range(len(names))])
    for bar, value in zip(bars, kg, strict=True):
        ax.text(value + 0.4, bar.get_y() + bar.get_height() / 2, f"{value:.1f} kg", va="center")
    ax.invert_yaxis()
    ax.set_xlabel("1 kWh をためるのに必要な電池の重さ [kg]")
    ax.set_xlim(0, max(34.0, 1.2 * max(kg)))
    ax.set_title("表の目安の値から計算（出典も年もちがう、おおまかな比較）", fontsize=10)
    return ax


def draw_lithium_ion_cell(ax: Any = None) -> Any:
    """Cross-section of a discharging lithium-ion cell (schematic): copper foil, graphite
    negative electrode, separator, metal-oxide positive electrode, aluminium foil, electrolyte
    filling the gaps; Li⁺ moving inside from negative to positive (red arrows), electrons in the
    outer circuit through a bulb from the copper to the aluminium foil (blue).

    Args:
        ax: A matplotlib Axes; None makes a new 8 × 4.6 inch figure.

    Returns:
        The matplotlib Axes drawn on (data coordinates 0–10 × 0–6.2).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    ax = diagram_axes(ax, (8, 4.6), (0, 10), (0, 6.2))
    # current collectors, electrodes, separator: (left x, width, colour, label)
    parts = [
        (0.6, 0.3, "#b87333", "銅箔\n（負極の集電体）"),
        (1.0, 2.6, "#555555", "負極（黒鉛）"),
        (3.6, 0.5, "#dddddd", "セパレータ"),
        (4.1, 2.6, "#7a4f9a", "正極（金属酸化物）"),
        (6.7, 0.3, "#c0c0c0", "アルミ箔\n（正極の集電体）"),
    ]
    for x, w, color, label in parts:
        ax.add_patch(Rectangle((x, 0.6), w, 3.6, color=color, alpha=0.85))
        ax.text(x + w / 2, 0.35, label, ha="center", va="top", fontsize=9)
    ax.add_patch(Rectangle((1.0, 0.6), 5.7, 3.6, fill=False, hatch="..", ec="#6fa8dc", lw=0))
    ax.text(3.85, 4.35, "電解液（すき間全体を満たす）", ha="center", fontsize=9, color="#3d85c6")
    # lithium ions move inside the cell, from the negative to the positive electrode
    for y in (1.4, 2.4, 3.4):
        draw_arrow(ax, (2.0, y), (5.2, y), "tab:red", lw=1.8)
        ax.text(2.15, y + 0.12, "Li$^+$", color="white", fontsize=11)
    # electrons move through the outer circuit, from the copper foil to the aluminium foil
    ax.plot([0.75, 0.75, 6.85, 6.85], [4.2, 5.6, 5.6, 4.2], color="tab:blue", lw=2)
    draw_arrow(ax, (2.0, 5.6), (3.2, 5.6), "tab:blue", size=16)
    ax.text(2.2, 5.75, "電子 e$^-$", color="tab:blue", fontsize=10)
    ax.add_patch(plt.Circle((4.6, 5.6), 0.28, color="#ffd966", ec="k", zorder=3))
    ax.text(4.6, 6.0, "豆電球", ha="center", fontsize=9)
    ax.text(
        7.4,
        3.0,
        "放電中：\nLi$^+$ は電池の中を、\n電子は外の回路を、\nどちらも負極→正極へ",
        fontsize=10,
        va="center",
    )
    return ax


def draw_thermal_runaway_loop(ax: Any = None) -> Any:
    """The vicious circle of thermal runaway (schematic): a trigger (short circuit,
    overcharge, crush, heat) raises the temperature, which starts or speeds up heat-releasing
    reactions, which release more heat, which raises the temperature again (red arrows).

    Args:
        ax: A matplotlib Axes; None makes a new 7.5 × 4.2 inch figure.

    Returns:
        The matplotlib Axes drawn on (data coordinates 0–10 × 0–6).
    """
    from matplotlib.patches import FancyBboxPatch

    ax = diagram_axes(ax, (7.5, 4.2), (0, 10), (0, 6))
    boxes = [  # (left x, bottom y, label, colour)
        (0.2, 2.5, "きっかけ\n（短絡・過充電・\n押しつぶし・高温）", "#f4cccc"),
        (3.6, 4.3, "温度が上がる", "#fce5cd"),
        (6.8, 2.5, "熱を出す反応が\n始まる・速くなる", "#fce5cd"),
        (3.6, 0.6, "もっと熱が出る", "#fce5cd"),
    ]
    for x, y, label, colour in boxes:
        ax.add_patch(
            FancyBboxPatch((x, y), 2.8, 1.1, boxstyle="round,pad=0.1", fc=colour, ec="#888888")
        )
        ax.text(x + 1.4, y + 0.55, label, ha="center", va="center", fontsize=10)
    arrows = [
        ((3.1, 3.3), (3.6, 4.6)),
        ((6.4, 4.9), (7.6, 3.7)),
        ((7.6, 2.5), (6.4, 1.3)),
        ((3.6, 1.2), (4.6, 4.2)),
    ]
    for start, end in arrows:
        draw_arrow(ax, start, end, "tab:red", size=15, connectionstyle="arc3,rad=-0.25")
    ax.text(5.0, 2.85, "悪循環", ha="center", fontsize=12, color="tab:red")
    ax.text(
        5.0, 5.75, "冷やす力より熱を出す力が大きくなると、止められなくなる", ha="center", fontsize=9
    )
    return ax
