"""Matplotlib set-up shared by every figure of the courseware.

Japanese glyphs come from the bundled IPAex Gothic font of ``matplotlib-fontja``, so figures
render the same on a school Chromebook, a JupyterHub server and CI, with no system font.
"""

from __future__ import annotations

from functools import cache


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
