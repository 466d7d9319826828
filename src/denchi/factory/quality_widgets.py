"""The explorer of the u06 lab: a line's tolerance against its capability, live in a
notebook and static in the book (:mod:`denchi.explorers`).
"""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import numpy as np

from denchi.explorers import Control, evenly, explorer
from denchi.factory.quality import process_capability, scaled_spread, xbar_r_chart
from denchi.i18n import text
from denchi.plotting import figure_axes
from denchi.validation import number_array, number_in_range

SPREADS = evenly(0.25, 2.0, 0.25)  # factor on the line's deviations from its mean
SHIFTS_MAH = evenly(-30.0, 30.0, 10.0)  # shift of the line's mean [mAh]
BINS = 16


def capability_explorer(capacity_ah: object, lsl: float, usl: float) -> Any:
    """Sliders for the spread (a factor on the line's deviations, :func:`scaled_spread`) and
    a shift of the mean: the capacity distribution against the specification, Cp and Cpk in
    the title, and the share of cells expected outside it (a normal distribution of the
    line's mean and R̄/d2).

    The static book offers spreads 0.25 to 2.0 in steps of 0.25 and shifts −30 to 30 mAh in
    steps of 10 (56 drawings of closed forms, no PyBaMM); a notebook moves both freely.

    Args:
        capacity_ah: The line's capacities [Ah], shape (k, n): k ≥ 2 subgroups of n = 2 to 10.
        lsl: Lower specification limit [Ah].
        usl: Upper specification limit [Ah], above ``lsl``.

    Returns:
        An ``ipywidgets.interactive`` widget, or a static explorer in the book build.

    Raises:
        denchi.errors.InputError: If the capacities are not a table of subgroups or the
            limits are not finite numbers with ``usl`` above ``lsl``.
        ValueError: if a control's grid is malformed (a bug of this module).
        ModuleNotFoundError: in the book build, if this package's code is not importable.
    """
    table = number_array(
        "capacity_ah", capacity_ah, 0.0, 1e6, "Ah", label_ja="容量 capacity_ah", any_shape=True
    )
    xbar_r_chart(table)  # a table of subgroups, or a clear error now rather than on a slider
    low = number_in_range("lsl", lsl, 0.0, 1e6, "Ah", label_ja="下限規格値 LSL")
    high = number_in_range("usl", usl, 0.0, 1e6, "Ah", label_ja="上限規格値 USL")
    process_capability(float(table.mean()), 1.0, low, high)  # refuses usl <= lsl
    sigma_widest = xbar_r_chart(scaled_spread(table, SPREADS[-1])).sigma
    span = (
        min(low, table.min()) - 3 * sigma_widest + SHIFTS_MAH[0] / 1000,
        max(high, table.max()) + 3 * sigma_widest + SHIFTS_MAH[-1] / 1000,
    )

    def draw(ax: Any, spread: float, shift_mah: float) -> str:
        ax = figure_axes(ax, (6, 4))
        values = scaled_spread(table, spread, shift_mah / 1000.0)
        sigma = xbar_r_chart(values).sigma
        mean = float(values.mean())
        density, edges = np.histogram(values, bins=BINS, range=span, density=True)
        x = np.linspace(*span, 200)
        normal = NormalDist(mean, sigma)
        curve = np.array([normal.pdf(v) for v in x])
        top = float(max(curve.max(), density.max())) * 1.1
        ax.step(
            edges,
            np.append(density, 0.0),
            where="post",
            color="tab:blue",
            label=text("測定値（ヒストグラム）", "measured (histogram)"),
        )
        ax.plot(
            x,
            curve,
            color="black",
            label=text("正規分布（平均と σ = R̄/d2）", "normal (mean, R̄/d2)"),
        )
        ax.plot([low, low], [0.0, top], color="tab:red", ls="--", label="LSL")
        ax.plot([high, high], [0.0, top], color="tab:orange", ls="--", label="USL")
        ax.set_xlabel(text("容量 [Ah]", "Capacity [Ah]"))
        ax.set_ylabel(text("確率密度 [1/Ah]", "Probability density [1/Ah]"))
        ax.legend(fontsize=7, loc="upper left")
        outside = normal.cdf(low) + 1.0 - normal.cdf(high)
        share = f"{outside * 100:.2f} %"
        print(
            text(
                f"σ = R̄/d2 = {sigma * 1000:.1f} mAh、規格の外に出る割合（正規分布）: {share}",
                f"σ = R̄/d2 = {sigma * 1000:.1f} mAh, expected outside the specification: {share}",
            )
        )
        c = process_capability(mean, sigma, low, high)
        return f"Cp = {c.cp:.2f}、Cpk = {c.cpk:.2f}"

    return explorer(
        "capability",
        draw,
        [
            Control(
                "spread",
                text("ばらつきの倍率", "Spread factor"),
                SPREADS,
                (1.0, 0.25, 2.0, 0.05),
                1.0,
            ),
            Control(
                "shift_mah",
                text("平均のずれ [mAh]", "Mean shift [mAh]"),
                SHIFTS_MAH,
                (0.0, -30.0, 30.0, 1.0),
                0.0,
            ),
        ],
        arguments={
            "capacity_ah": tuple(map(tuple, table.tolist())),
            "lsl": low,
            "usl": high,
        },
        packages=("denchi.factory",),
    )
