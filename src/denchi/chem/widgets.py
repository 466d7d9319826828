"""Cell-voltage explorer for h02, for a page opened as a notebook."""

from __future__ import annotations

import math

from denchi.chem.nernst import CONCENTRATION_RANGE_MOL_L, cell_voltage
from denchi.chem.potentials import COUPLES


def cell_explorer(metal_a: str = "Zn", metal_b: str = "Cu"):
    """Pick two metals and the concentration of each ion solution; prints the cell.

    Needs ipywidgets and a live kernel. The sliders set log10 of each ion concentration
    [mol/L]; the cell is computed by :func:`denchi.chem.cell_voltage`.

    Args:
        metal_a: Element symbol first shown for metal A (default ``"Zn"``).
        metal_b: Element symbol first shown for metal B (default ``"Cu"``).

    Returns:
        An ``ipywidgets.interactive`` widget.

    Raises:
        traitlets.TraitError: If ``metal_a`` or ``metal_b`` is not one of the dropdown's
            symbols (every couple except ``"H"``).
    """
    import ipywidgets as widgets

    metals = [c.key for c in COUPLES if c.key != "H"]
    low, high = (round(math.log10(c)) for c in CONCENTRATION_RANGE_MOL_L)

    def show(metal_a: str, metal_b: str, log_a: float, log_b: float) -> None:
        print(cell_voltage(metal_a, metal_b, 10**log_a, 10**log_b))

    def slider(label: str):
        return widgets.FloatSlider(
            value=0.0,
            min=max(low, -4),
            max=high,
            step=0.5,
            description=label,
            readout_format=".1f",
            continuous_update=False,
        )

    return widgets.interactive(
        show,
        metal_a=widgets.Dropdown(options=metals, value=metal_a, description="金属 A"),
        metal_b=widgets.Dropdown(options=metals, value=metal_b, description="金属 B"),
        log_a=slider("log₁₀[A]"),
        log_b=slider("log₁₀[B]"),
    )
