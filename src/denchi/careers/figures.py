"""The figure of the careers page (h09): the battery supply chain, drawn in Japanese.

The page calls :func:`draw_supply_chain` in one line; its alt text and caption live in the
page's cell metadata.
"""

from __future__ import annotations

from typing import Any

from denchi.plotting import diagram_axes, draw_arrow

SUPPLY_CHAIN_JA: tuple[tuple[str, str], ...] = (
    ("資源", "リチウム・ニッケル\n黒鉛などを掘る"),
    ("材料", "正極・負極の材料\n電解液・セパレータ"),
    ("電池（セル）", "電極をつくり\n組み立て・検査"),
    ("製品", "電池パック\n電気自動車・蓄電池"),
    ("使う", "充電して\nくり返し使う"),
    ("リサイクル", "集めて解体し\n資源に戻す"),
)


def draw_supply_chain(highlight: int = 2, ax: Any = None) -> Any:
    """Flow of the six links of the battery supply chain (:data:`SUPPLY_CHAIN_JA`), a box per
    link with what happens there, arrows between, and a green arrow from recycling back to the
    start (recovered materials used again). Schematic.

    Args:
        highlight: Index of the link drawn in orange (the cell factory, 2, by default).
        ax: A matplotlib Axes; None makes a new 9 × 3.2 inch figure.

    Returns:
        The matplotlib Axes drawn on (data coordinates 0–12 × 0–4).
    """
    from matplotlib.patches import FancyBboxPatch

    ax = diagram_axes(ax, (9, 3.2), (0, 12), (0, 4))
    for i, (title, body) in enumerate(SUPPLY_CHAIN_JA):
        x = 0.2 + i * 2.0
        colour = "#fde9d9" if i == highlight else "#e8f0fb"
        ax.add_patch(
            FancyBboxPatch((x, 1.3), 1.6, 1.9, boxstyle="round,pad=0.05", fc=colour, ec="#3d85c6")
        )
        ax.text(x + 0.8, 2.85, title, ha="center", fontsize=10)
        ax.text(x + 0.8, 1.95, body, ha="center", va="center", fontsize=7.5)
        if i < len(SUPPLY_CHAIN_JA) - 1:
            draw_arrow(ax, (x + 1.65, 2.25), (x + 2.0, 2.25), "#3d85c6", size=12)
    draw_arrow(
        ax, (10.9, 1.25), (1.0, 1.25), "tab:green", size=12, connectionstyle="arc3,rad=-0.25"
    )
    ax.text(
        6.0, 0.1, "取り出した資源を、もう一度材料に使う", ha="center", fontsize=9, color="tab:green"
    )
    return ax
