"""The explorer of the u06 lab (ipywidgets): a line's tolerance against its capability.

Live in a notebook (a kernel moves the sliders); in the static book its cell's output is
removed and the lab shows the same sweep as a table.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

from denchi.factory.quality import process_capability, scaled_spread, xbar_r_chart
from denchi.factory.quality_figures import draw_capability
from denchi.validation import number_array, number_in_range


def capability_explorer(capacity_ah: object, lsl: float, usl: float) -> Any:
    """Sliders for the spread (a factor on the line's deviations) and a shift of the mean:
    the capacity distribution against the specification, Cp, Cpk and the expected share of
    cells outside it (a normal distribution of the line's mean and R̄/d2).

    Needs ipywidgets, matplotlib and a live kernel.

    Args:
        capacity_ah: The line's capacities [Ah], shape (k, n): k subgroups of n = 2 to 10.
        lsl: Lower specification limit [Ah].
        usl: Upper specification limit [Ah], above ``lsl``.

    Returns:
        An ``ipywidgets.interactive`` widget.

    Raises:
        denchi.errors.InputError: If the capacities are not a table of subgroups or the
            limits are not finite numbers with ``usl`` above ``lsl``.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    table = number_array(
        "capacity_ah", capacity_ah, 0.0, 1e6, "Ah", label_ja="容量", any_shape=True
    )
    xbar_r_chart(table)  # a table of subgroups, or a clear error now rather than on a slider
    low = number_in_range("lsl", lsl, 0.0, 1e6, "Ah", label_ja="下限規格値 LSL")
    high = number_in_range("usl", usl, 0.0, 1e6, "Ah", label_ja="上限規格値 USL")
    process_capability(float(table.mean()), 1.0, low, high)  # usl above lsl

    def show(spread: float, shift_mah: float) -> None:
        values = scaled_spread(table, spread, shift_mah / 1000.0)
        sigma = xbar_r_chart(values).sigma
        draw_capability(values, low, high, sigma=sigma)
        plt.show()
        normal = NormalDist(float(values.mean()), sigma)
        outside = normal.cdf(low) + 1.0 - normal.cdf(high)
        share = f"{outside * 100:.2f} %"
        print(f"σ = R̄/d2 = {sigma * 1000:.1f} mAh、規格の外に出る割合（正規分布）: {share}")

    style = {"description_width": "initial"}
    return widgets.interactive(
        show,
        spread=widgets.FloatSlider(
            value=1.0, min=0.25, max=2.0, step=0.25, description="ばらつきの倍率", style=style
        ),
        shift_mah=widgets.FloatSlider(
            value=0.0, min=-30.0, max=30.0, step=5.0, description="平均のずれ [mAh]", style=style
        ),
    )
