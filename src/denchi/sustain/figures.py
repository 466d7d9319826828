"""Figures and tables of the society and environment pages (h01, h08), in Japanese.

Each function draws one figure (or writes one table) of a lesson page, which calls it in one
line. Numbers come from :mod:`denchi.sustain.materials` and :mod:`denchi.sustain.recycling`
with their sources; the solar day of h01 is schematic. The alt text and caption of each figure
live in the page's cell metadata.
"""

from __future__ import annotations

from typing import Any

from denchi.plotting import figure_axes
from denchi.sustain.footprint import CFP_STAGE_NAMES_JA, CFP_STAGES, StageFootprint
from denchi.sustain.materials import BASC_DEMAND_KT, MATERIALS, SECURED_KT
from denchi.sustain.recycling import SEED_AUTOMOTIVE_PATH, Stage, flow

KT_PER_MAN_T = 10  # 1 万 t = 10 kt: the pages give amounts in 万 t, as the seed deck does


def draw_solar_day(ax: Any = None) -> Any:
    """A schematic clear day (0–24 h): solar generation (a yellow bell), electricity use (a
    blue line with peaks in the morning and around 19 h), the surplus at noon that a battery
    stores (orange) and the shortfall from evening to morning that it supplies (green).

    Not measured data: the shapes only show when there is too much and too little.

    Args:
        ax: A matplotlib Axes; None makes a new 8 × 3.6 inch figure.

    Returns:
        The matplotlib Axes drawn on (x: time of day [h]; y: power, no unit).
    """
    import numpy as np

    ax = figure_axes(ax, (8, 3.6))
    hours = np.linspace(0, 24, 241)
    solar = np.clip(np.cos((hours - 12) / 12 * np.pi * 1.6), 0, None) ** 1.5
    demand = (
        0.35
        + 0.25 * np.exp(-(((hours - 19.5) / 2.2) ** 2))
        + 0.15 * np.exp(-(((hours - 8) / 2) ** 2))
    )
    ax.fill_between(hours, 0, solar, color="#ffd966", alpha=0.8, label="太陽光の発電")
    ax.plot(hours, demand, color="tab:blue", lw=2, label="電気を使う量")
    ax.fill_between(
        hours,
        demand,
        solar,
        where=solar > demand,
        color="tab:orange",
        alpha=0.35,
        label="余った電気 → 蓄電池にためる",
    )
    ax.fill_between(
        hours,
        0,
        demand,
        where=(hours > 17) | (hours < 6),
        color="tab:green",
        alpha=0.25,
        label="足りない電気 → 蓄電池から使う",
    )
    ax.set_xlim(0, 24)
    ax.set_xticks(range(0, 25, 3))
    ax.set_yticks([])
    ax.set_xlabel("時刻 [時]")
    ax.set_ylabel("電力（目安）")
    ax.set_title("晴れた日の発電と消費（模式図：実際の測定値ではありません）", fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    return ax


def material_demand_markdown() -> str:
    """Markdown table: each material of :data:`MATERIALS` with the amount [万 t/year] needed
    for 150 GWh and for 600 GWh of cells a year (:data:`BASC_DEMAND_KT`, BASC / METI 2023)."""
    rows = [
        "| 資源 | 150 GWh に必要な量 [万 t/年] | 600 GWh に必要な量 [万 t/年] |",
        "|---|---|---|",
    ]
    for m in MATERIALS:
        need_150 = BASC_DEMAND_KT[150][m.key] / KT_PER_MAN_T
        need_600 = BASC_DEMAND_KT[600][m.key] / KT_PER_MAN_T
        rows.append(f"| {m.name_ja} | {need_150:g} | {need_600:g} |")
    return "\n".join(rows)


def draw_secured_resources(ax: Any = None) -> Any:
    """Paired bars for lithium and nickel: the amount [万 t/year] needed for 150 GWh of cells
    a year (grey, :data:`BASC_DEMAND_KT`) beside the amount already secured (green,
    :data:`SECURED_KT`), each labelled with its value.

    Args:
        ax: A matplotlib Axes; None makes a new 6 × 3.4 inch figure.

    Returns:
        The matplotlib Axes drawn on.
    """
    ax = figure_axes(ax, (6, 3.4))
    keys = ("lithium", "nickel")
    names = [next(m.name_ja for m in MATERIALS if m.key == k) for k in keys]
    need = [BASC_DEMAND_KT[150][k] / KT_PER_MAN_T for k in keys]
    secured = [SECURED_KT[k] / KT_PER_MAN_T for k in keys]
    x = range(len(names))
    ax.bar([i - 0.2 for i in x], need, width=0.4, color="#bbbbbb", label="必要な量（150 GWh）")
    ax.bar([i + 0.2 for i in x], secured, width=0.4, color="tab:green", label="確保できている量")
    for i, (n, s) in enumerate(zip(need, secured, strict=True)):
        ax.text(i - 0.2, n + 0.2, f"{n:g} 万 t", ha="center", fontsize=9)
        ax.text(i + 0.2, s + 0.2, f"{s:g} 万 t", ha="center", fontsize=9)
    ax.set_xticks(list(x), names)
    ax.set_ylabel("資源の量 [万 t/年]")
    ax.set_ylim(0, 1.2 * max(need))
    ax.legend(fontsize=9)
    return ax


def draw_recycling_flow(
    path: tuple[Stage, ...] | list[Stage] = SEED_AUTOMOTIVE_PATH,
    start: float = 100.0,
    ax: Any = None,
) -> Any:
    """Bars of how many of ``start`` batteries made in Japan are left after each stage of
    ``path`` (:func:`denchi.sustain.flow`), each stage labelled with its share, each bar with
    its count.

    Args:
        path: The stages in order; the default is the seed deck's automotive path (METI 2023).
        start: Number of batteries made [個], 0 to 1e12.
        ax: A matplotlib Axes; None makes a new 8 × 3.4 inch figure.

    Returns:
        The matplotlib Axes drawn on.

    Raises:
        denchi.errors.InputError: If ``start`` is out of range (from ``flow``).
    """

    amounts = [float(start), *flow(path, start=start)]
    ax = figure_axes(ax, (8, 3.4))
    labels = ["国内でつくられた\n電池", *(f"{s.name_ja}\n（{s.fraction:.0%}）" for s in path)]
    palette = ["#999999", "#6fa8dc", "#3d85c6", "tab:green"]
    bars = ax.bar(labels, amounts, color=[palette[i % len(palette)] for i in range(len(labels))])
    for bar, a in zip(bars, amounts, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, a + 0.02 * start, f"{a:.0f} 個", ha="center")
    ax.set_ylabel("電池の数 [個]")
    ax.set_ylim(0, 1.15 * start)
    return ax


def draw_cfp_by_stage(
    footprints: dict[str, StageFootprint], capacity_kwh: float, ax: Any = None
) -> Any:
    """Stacked bars of a battery's CFP per kWh of capacity, one bar per case (for example
    one grid emission factor each), one colour per life-cycle stage of
    :data:`denchi.sustain.CFP_STAGES`, each bar labelled with its total.

    Args:
        footprints: Case label (the x tick) -> :class:`denchi.sustain.StageFootprint`.
        capacity_kwh: The battery's capacity [kWh], above 0 to 1e6.
        ax: A matplotlib Axes; None makes a new 7 × 3.6 inch figure.

    Returns:
        The matplotlib Axes drawn on (x: the cases; y: CFP [kg-CO2e/kWh]); each stage's bars
        are one container labelled with the stage's Japanese name.

    Raises:
        denchi.errors.InputError: If ``capacity_kwh`` is not a number above 0 to 1e6.
    """
    labels = list(footprints)
    totals = [fp.per_kwh(capacity_kwh) for fp in footprints.values()]
    ax = figure_axes(ax, (7, 3.6))
    bottom = [0.0] * len(labels)
    colours = ("#8c6d31", "tab:blue", "tab:gray", "tab:green")
    for stage, colour in zip(CFP_STAGES, colours, strict=True):
        heights = [fp.stages_kg[stage] / capacity_kwh for fp in footprints.values()]
        ax.bar(labels, heights, bottom=bottom, color=colour, label=CFP_STAGE_NAMES_JA[stage])
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    for i, total in enumerate(totals):
        ax.text(i, total * 1.02, f"{total:.0f}", ha="center", fontsize=9)
    ax.set_ylabel("カーボンフットプリント [kg-CO2e/kWh]")
    ax.set_ylim(0, 1.15 * max(totals, default=1.0))
    ax.legend(fontsize=8, loc="upper left")
    return ax
