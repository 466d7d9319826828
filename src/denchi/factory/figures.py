"""Figures of the factory pages (h05 factory tour, h06 building a cell), drawn in Japanese.

Each function draws one figure of a lesson page (the page calls it in one line) and returns
the Axes it drew on. Numbers come from :mod:`denchi.factory.energy` and
:mod:`denchi.factory.line` with their sources; diagrams are schematic. The alt text and
caption of each figure live in the page's cell metadata.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from denchi.factory.energy import production_energy
from denchi.factory.line import overall_yield
from denchi.plotting import diagram_axes, draw_arrow, figure_axes, use_japanese_fonts
from denchi.validation import integer_in_range


def draw_production_energy(cell_kwh: float = 1.0, ax: Any = None) -> Any:
    """Stacked horizontal bars: the energy [kWh] used to make ``cell_kwh`` of cells with
    solvent-based (wet) and with dry electrodes, split into drying and dry rooms (natural gas,
    orange) and everything else (light blue), each bar labelled with its total.

    The split is :func:`denchi.factory.production_energy` (Degen & Schütte 2022, the dry
    electrode saving estimated by this courseware).

    Args:
        cell_kwh: Capacity of the cells produced [kWh] (as ``production_energy`` checks it).
        ax: A matplotlib Axes; None makes a new 7 × 2.8 inch figure.

    Returns:
        The matplotlib Axes drawn on.

    Raises:
        denchi.errors.InputError: If ``cell_kwh`` is out of range.
    """

    uses = [production_energy(cell_kwh), production_energy(cell_kwh, process="dry")]
    ax = figure_axes(ax, (7, 2.8))
    right = 1.2 * uses[0].total_kwh  # the wet process uses more
    labels = ["ふつうの電極\n（溶媒を使う）", "ドライ電極\n（この教材の見積もり）"]
    for i, use in enumerate(uses):
        ax.barh(i, use.drying_and_dry_room_kwh, color="tab:orange")
        ax.barh(i, use.other_kwh, left=use.drying_and_dry_room_kwh, color="#9fc5e8")
        ax.text(use.total_kwh + 0.01 * right, i, f"{use.total_kwh:.1f} kWh", va="center")
    ax.set_yticks([0, 1], labels)
    ax.invert_yaxis()
    ax.set_xlim(0, right)
    ax.set_xlabel(f"電池 {cell_kwh:g} kWh 分をつくるのに使うエネルギー [kWh]")
    ax.legend(["乾燥とドライルーム（天然ガス）", "そのほかの工程"], loc="lower right", fontsize=8)
    return ax


def draw_overall_yield(
    step_yields: Sequence[float] = (0.995, 0.99, 0.98), max_steps: int = 12, ax: Any = None
) -> Any:
    """Lines of the overall yield [%] against the number of steps (1 to ``max_steps``), one
    line per yield of a single step, every step assumed to have the same yield
    (:func:`denchi.factory.overall_yield`).

    Args:
        step_yields: Yields of one step to draw, 0 to 1 (at most 3 get their own colour).
        max_steps: Largest number of steps, 1 to 50.
        ax: A matplotlib Axes; None makes a new 6.5 × 3.4 inch figure.

    Returns:
        The matplotlib Axes drawn on.

    Raises:
        denchi.errors.InputError: If a yield is not a number from 0 to 1 (``overall_yield``)
            or ``max_steps`` is not a whole number from 1 to 50.
    """

    count = integer_in_range("max_steps", max_steps, 1, 50, label_ja="工程の数の最大")
    steps = range(1, count + 1)
    lines = [
        (per_step, [100 * overall_yield([per_step] * n) for n in steps]) for per_step in step_yields
    ]
    ax = figure_axes(ax, (6.5, 3.4))
    colours = ["tab:green", "tab:blue", "tab:red"]
    for i, (per_step, overall) in enumerate(lines):
        colour = colours[i] if i < len(colours) else None
        ax.plot(steps, overall, "o-", color=colour, label=f"1 工程あたり {per_step:.1%}")
    ax.set_xlabel("工程の数")
    ax.set_ylabel("全体の歩留まり [%]")
    ax.set_xticks(list(steps))
    lowest = min((min(overall) for _, overall in lines), default=100.0)
    ax.set_ylim(min(75.0, 5 * (lowest // 5)), 100)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    ax.set_title("工程ごとの歩留まりが同じと仮定した計算", fontsize=10)
    return ax


def draw_practicum_steps(ax: Any = None) -> Any:
    """Flow of the four steps of the small-cell practicum (h06): making and processing the
    negative electrode, assembly, filling and sealing, first charge; a box per step with what
    happens in it below, arrows between. Schematic.

    Args:
        ax: A matplotlib Axes; None makes a new 10 × 3.4 inch figure.

    Returns:
        The matplotlib Axes drawn on (data coordinates 0–10 × 0–4).
    """
    from matplotlib.patches import FancyBboxPatch

    steps = [
        (
            "1. 負極板の\n作製・加工",
            "スラリーをつくる\n銅箔に塗る（塗工）\n熱い風で乾かす\nプレスする\n真空で乾かす",
        ),
        ("2. 組立", "正極・セパレータ・\n負極を重ねて\nラミネートの袋に\n入れる"),
        ("3. 注液・封口", "電解液を入れて\n口を閉じる"),
        ("4. 充電", "はじめて充電する\n（約 3 V の電池が\nできる）"),
    ]
    ax = diagram_axes(ax, (10, 3.4), (0, 10), (0, 4))
    for i, (title, detail) in enumerate(steps):
        x = 0.2 + i * 2.5
        ax.add_patch(FancyBboxPatch((x, 2.6), 2.0, 1.0, boxstyle="round,pad=0.05", fc="#cfe2f3"))
        ax.text(x + 1.0, 3.1, title, ha="center", va="center", fontsize=11)
        ax.text(x + 1.0, 2.35, detail, ha="center", va="top", fontsize=9)
        if i < len(steps) - 1:
            draw_arrow(ax, (x + 2.08, 3.1), (x + 2.42, 3.1))
    return ax


def draw_pressing(seed: int = 3) -> Any:
    """Two panels: an electrode before pressing (porosity 50 %, 140 µm thick) and after
    (porosity 30 %, 100 µm), the same number of graphite particles (grey circles) on the
    copper foil (brown), closer together after pressing. Schematic.

    Args:
        seed: Seed of the small random jitter of the particles (the same figure every run).

    Returns:
        The two matplotlib Axes (a numpy array) of a new 8 × 3.2 inch figure.
    """
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.patches import Circle, Rectangle

    use_japanese_fonts()
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True)
    panels = [(2.8, "プレス前（空隙率 50 %）"), (2.0, "プレス後（空隙率 30 %）")]
    for ax, (height, title) in zip(axes, panels, strict=True):
        diagram_axes(ax, xlim=(0, 4), ylim=(-0.3, 3.2))
        ax.set_aspect("equal")
        ax.add_patch(Rectangle((0, -0.2), 4, 0.2, color="#b87333"))  # copper foil
        ax.add_patch(Rectangle((0, 0), 4, height, fill=False, ec="#888888", ls="--"))
        columns, rows = 9, 6
        for i in range(columns):
            for j in range(rows):
                x = (i + 0.5) * 4 / columns + rng.uniform(-0.06, 0.06)
                y = (j + 0.5) * height / rows + rng.uniform(-0.04, 0.04)
                ax.add_patch(Circle((x, y), 0.19, color="#555555"))
        ax.set_title(title, fontsize=11)
        thickness_um = height / 2.8 * 140
        ax.text(
            2.0,
            height + 0.1,
            f"厚さ {thickness_um:.0f} $\\mu$m（例）",
            ha="center",
            va="bottom",
            fontsize=9,
        )
    fig.text(0.5, 0.02, "茶色：銅箔　灰色の丸：黒鉛の粒（数は同じ）", ha="center", fontsize=9)
    return axes
