"""Matplotlib set-up shared by every figure of the courseware.

Japanese glyphs come from the bundled IPAex Gothic font of ``matplotlib-fontja``, so figures
render the same on a school Chromebook, a JupyterHub server and CI, with no system font.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def use_japanese_fonts() -> None:
    """Register the bundled Japanese font and make it matplotlib's default family.

    Runs once per process (later calls do nothing).

    Raises:
        ModuleNotFoundError: If ``matplotlib-fontja`` (a dependency of denchi) is not
            installed.
    """
    import matplotlib_fontja  # noqa: F401  (registers IPAexGothic on import)

    matplotlib_fontja.japanize()


def figure_axes(ax: Any = None, figsize: tuple[float, float] = (8.0, 4.0)) -> Any:
    """``ax``, or the Axes of a new figure of ``figsize`` [inch], with the bundled Japanese font
    in use (:func:`use_japanese_fonts`): the start of every drawing function.

    Args:
        ax: A matplotlib Axes to draw on; None makes a new figure.
        figsize: Width and height of a new figure [inch].

    Returns:
        The matplotlib Axes to draw on.
    """
    import matplotlib.pyplot as plt

    use_japanese_fonts()
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def diagram_axes(
    ax: Any = None,
    figsize: tuple[float, float] = (8.0, 4.0),
    xlim: tuple[float, float] = (0.0, 10.0),
    ylim: tuple[float, float] = (0.0, 6.0),
) -> Any:
    """Axes for a schematic diagram (boxes, arrows, labels) in Japanese: no frame or ticks.

    Args:
        ax: A matplotlib Axes to draw on; None makes a new figure of ``figsize``.
        figsize: Width and height of a new figure [inch].
        xlim: Range of the x data coordinates the diagram places its parts in.
        ylim: Range of the y data coordinates.

    Returns:
        The matplotlib Axes, with the bundled Japanese font in use (:func:`use_japanese_fonts`).
    """
    ax = figure_axes(ax, figsize)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.axis("off")
    return ax


def draw_arrow(
    ax: Any,
    start: tuple[float, float],
    end: tuple[float, float],
    colour: str = "#444444",
    size: float = 14,
    **style: Any,
) -> Any:
    """Draw a filled-head arrow from ``start`` to ``end`` (data coordinates) on ``ax``.

    Args:
        ax: The matplotlib Axes.
        start: Tail of the arrow (x, y).
        end: Head of the arrow (x, y).
        colour: Matplotlib colour.
        size: Size of the head (``mutation_scale``) [points].
        **style: Further ``FancyArrowPatch`` options (``lw``, ``connectionstyle`` …).

    Returns:
        The ``FancyArrowPatch`` added.
    """
    from matplotlib.patches import FancyArrowPatch

    return ax.add_patch(
        FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=size, color=colour, **style)
    )
