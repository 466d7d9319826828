"""The process map of the virtual factory tour: a flow figure and clickable step cards.

:func:`draw_process_map` draws the twelve steps as a flow (matplotlib, labels in Japanese),
with the dry room and the energy-hungry drying step marked and one step highlighted if asked.
:func:`process_map_markdown` writes the step texts as sphinx-design tabs, one tab set per
area: in the static book a student clicks a step and reads what happens there, what can go
wrong and what inspection catches, with no kernel and no third-party JavaScript.
"""

from __future__ import annotations

from typing import Any

from denchi.factory.steps import Step, area, areas, step, steps

AREA_COLOURS = {"electrode": "#d9ead3", "assembly": "#cfe2f3", "finishing": "#fff2cc"}
DRY_ELECTRODE_NOTE_JA = {
    "same": "",
    "changed": "ドライ電極：溶媒を使わないやり方に変わる",
    "removed": "ドライ電極：この工程がいらなくなる",
}


def draw_process_map(highlight: str | None = None, ax: Any = None) -> Any:
    """Draw the process flow; ``highlight`` is a step key (e.g. ``"drying"``) to mark.

    The steps and their texts come from ``process.yml`` (process chain after Kwade et al.,
    Nature Energy 3 (2018) 290-300, ``kwade2018``).

    Args:
        highlight: Key of the step to mark in red, or None.
        ax: A matplotlib Axes to draw on; None makes a new 10 × 5.4 inch figure.

    Returns:
        The matplotlib Axes drawn on.

    Raises:
        denchi.errors.InputError: If ``highlight`` is not the key of a step.
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

    from denchi.plotting import figure_axes

    chosen = step(highlight).key if highlight is not None else None
    ax = figure_axes(ax, (10, 5.4))
    ax.set_xlim(0, 11.0)
    ax.set_ylim(-0.9, 6.1)
    ax.axis("off")
    width, height, gap, first_x = 1.6, 0.9, 0.25, 1.55
    centres: dict[str, tuple[float, float]] = {}
    for row, a in enumerate(areas()):
        y = 4.9 - 2.2 * row
        ax.add_patch(
            Rectangle((0.05, y - 0.1), 1.3, height + 0.2, fc=AREA_COLOURS[a.key], ec="none")
        )
        ax.text(0.7, y + height / 2, a.name_ja.replace("と", "と\n"), ha="center", va="center")
        for i, s in enumerate(steps(a.key)):
            x = first_x + i * (width + gap)
            centres[s.key] = (x + width / 2, y + height / 2)
            edge, lw = ("#555555", 1.0)
            if s.energy_heavy:
                edge, lw = ("tab:orange", 2.5)
            if s.key == chosen:
                edge, lw = ("tab:red", 3.5)
            box = FancyBboxPatch(
                (x, y),
                width,
                height,
                boxstyle="round,pad=0.04",
                fc=AREA_COLOURS[a.key],
                ec=edge,
                lw=lw,
            )
            ax.add_patch(box)
            ax.text(x + width / 2, y + height / 2, s.label_ja, ha="center", va="center")

    def arrow(start: tuple[float, float], end: tuple[float, float]) -> FancyArrowPatch:
        return FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color="#444444")

    order = [s.key for s in steps()]
    for before, after in zip(order, order[1:], strict=False):
        (x0, y0), (x1, y1) = centres[before], centres[after]
        if y0 == y1:
            ax.add_patch(arrow((x0 + width / 2, y0), (x1 - width / 2, y1)))
            continue
        # from the end of one row down and back to the start of the next row
        turn = (y0 + y1) / 2 + 0.1
        ax.plot([x0, x0, x1], [y0 - height / 2 - 0.05, turn, turn], color="#444444", lw=1)
        ax.add_patch(arrow((x1, turn), (x1, y1 + height / 2 + 0.05)))
    dry = [centres[s.key] for s in steps() if s.dry_room]
    left = min(x for x, _ in dry) - width / 2 - 0.12
    right = max(x for x, _ in dry) + width / 2 + 0.12
    bottom = min(y for _, y in dry) - height / 2 - 0.12
    ax.add_patch(
        Rectangle((left, bottom), right - left, height + 0.24, fill=False, ls="--", ec="tab:blue")
    )
    dry_note = "点線の中：ドライルーム（とても乾いた部屋）"
    ax.text(left, bottom - 0.06, dry_note, color="tab:blue", ha="left", va="top", fontsize=9)
    energy_note = "オレンジの枠：それだけでエネルギーを特に多く使う工程"
    ax.text(first_x, -0.75, energy_note, color="tab:orange", fontsize=9)
    return ax


def _card(s: Step) -> str:
    notes = []
    if s.dry_room:
        notes.append("ドライルームの中で行う")
    if s.energy_heavy:
        notes.append("エネルギーを特に多く使う")
    if DRY_ELECTRODE_NOTE_JA[s.dry_electrode]:
        notes.append(DRY_ELECTRODE_NOTE_JA[s.dry_electrode])
    lines = [
        f":::{{tab-item}} {s.label_ja}",
        f"**{s.name_ja}（{s.name_en}）**",
        "",
        f"**何をする？**　{s.what_ja}",
        "",
        f"**うまくいかないと？**　{s.defects_ja}",
        "",
        f"**検査で見つけること**　{s.inspection_ja}",
    ]
    if notes:
        lines += ["", "（" + "／".join(notes) + "）"]
    return "\n".join([*lines, ":::"])


def process_map_markdown(in_area: str | None = None) -> str:
    """MyST Markdown: for each area (or the one named), a bold title and a tab set whose tabs
    are the area's steps. Render it from a code cell with ``IPython.display.Markdown``.

    Args:
        in_area: Key of one area (``"electrode"``, ``"assembly"``, ``"finishing"``), or None
            for all three.

    Returns:
        The Markdown text.

    Raises:
        denchi.errors.InputError: If ``in_area`` is not the key of an area.
    """
    chosen = [area(in_area)] if in_area is not None else list(areas())
    blocks = []
    for a in chosen:
        cards = "\n".join(_card(s) for s in steps(a.key))
        blocks.append(f"**{a.name_ja}**\n\n::::{{tab-set}}\n{cards}\n::::")
    return "\n\n".join(blocks)


def step_table_markdown() -> str:
    """Markdown table of every step: number, name, what inspection catches (teacher guides)."""
    rows = ["| 番号 | 工程 | うまくいかないと？ | 検査で見つけること |", "|---|---|---|---|"]
    for s in steps():
        rows.append(f"| {s.number} | {s.name_ja} | {s.defects_ja} | {s.inspection_ja} |")
    return "\n".join(rows)
