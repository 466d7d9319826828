"""Cell-voltage explorer for h02: live in a notebook, static in the book
(:mod:`denchi.explorers`)."""

from __future__ import annotations

import math
from typing import Any

from denchi.chem.nernst import CONCENTRATION_RANGE_MOL_L, cell_voltage
from denchi.chem.potentials import COUPLES, couple

# The metals and log10 concentrations of the static book's grid (8 × 8 × 3 × 3 = 576 cells of
# printed lines). Every cell of the grid is on the page, so none may print an intro
# assignment's answer: h02 asks magnesium with silver (3.17 V) and zinc with copper at
# 1 and 0.01 mol/L (1.04 V), so silver is not offered and the concentrations are 1, 0.1 and
# 0.0001 mol/L (tests/test_answer_leaks.py checks every cell against every intro answer).
# The notebook offers every metal and concentrations in steps of 10^0.5.
STATIC_METALS = ("Mg", "Al", "Zn", "Fe", "Ni", "Sn", "Pb", "Cu")
STATIC_LOGS = (-4.0, -1.0, 0.0)


def cell_explorer(metal_a: str = "Zn", metal_b: str = "Cu") -> Any:
    """Pick two metals and the concentration of each ion solution; prints the cell.

    In a notebook, every metal of :data:`denchi.chem.COUPLES` but hydrogen and sliders of
    log10 of each ion concentration [mol/L] in steps of 0.5; in the book, the metals of
    :data:`STATIC_METALS` and the concentrations 10 ** :data:`STATIC_LOGS`, chosen in the
    browser. The cell is computed by :func:`denchi.chem.cell_voltage`.

    Args:
        metal_a: Element symbol first shown for metal A (default ``"Zn"``).
        metal_b: Element symbol first shown for metal B (default ``"Cu"``).

    Returns:
        An ``ipywidgets.interactive`` widget, or a static explorer in the book build.

    Raises:
        ValueError: If ``metal_a`` or ``metal_b`` is not a metal the form offers (every
            couple but ``"H"``; in the book, :data:`STATIC_METALS`).
        ModuleNotFoundError: in the book build, if this package's code is not importable.
    """
    from denchi.explorers import Choice, Control, explorer

    def named(keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        return tuple((f"{couple(k).name_ja} {k}", k) for k in keys)

    every = named(tuple(c.key for c in COUPLES if c.key != "H"))
    low, high = (round(math.log10(c)) for c in CONCENTRATION_RANGE_MOL_L)

    def show(ax: object, metal_a: str, metal_b: str, log_a: float, log_b: float) -> str:
        a, b = 10**log_a, 10**log_b
        print(f"{couple(metal_a).ion} {a:g} mol/L、{couple(metal_b).ion} {b:g} mol/L")
        print(cell_voltage(metal_a, metal_b, a, b))
        return ""

    def concentration(name: str, label: str) -> Control:
        return Control(name, label, STATIC_LOGS, (0.0, max(low, -4), high, 0.5), 0.0)

    return explorer(
        "h02_cell",
        show,
        [
            Choice("metal_a", "金属 A", named(STATIC_METALS), metal_a, live=every),
            Choice("metal_b", "金属 B", named(STATIC_METALS), metal_b, live=every),
            concentration("log_a", "log₁₀[A のイオン]"),
            concentration("log_b", "log₁₀[B のイオン]"),
        ],
        arguments={"metal_a": metal_a, "metal_b": metal_b},
        packages=("denchi.chem",),
        figure=False,
    )
