"""Figures of the quality pages (u06): an X̄–R chart with its run-rule signals, and a
capability histogram against the specification, drawn in Japanese.

Each function draws one figure (a page calls it in one line) and returns what it drew on;
the numbers come from :mod:`denchi.factory.quality`. Alt texts and captions live in the
pages' cell metadata.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from denchi.factory.quality import process_capability, run_rule_violations, xbar_r_chart
from denchi.plotting import figure_axes, use_japanese_fonts
from denchi.validation import integer_in_range, number_array


def draw_xbar_r_chart(
    samples: object,
    baseline: int | None = None,
    quantity_ja: str = "容量",
    unit: str = "Ah",
    axes: Any = None,
) -> tuple[Any, Any]:
    """The X̄ chart (top) and R chart (bottom) of subgroups, limits from the first
    ``baseline`` subgroups (a grey band marks them), points that break a Western Electric
    rule on the X̄ chart in red with the rules' numbers beside them ("1,3").

    Args:
        samples: Measured values, shape (k, n) as :func:`denchi.factory.xbar_r_chart` takes.
        baseline: Subgroups the limits come from (2 to k); None: all of them.
        quantity_ja: The measured quantity in Japanese, for the axis labels.
        unit: Its unit, for the axis labels.
        axes: Two matplotlib Axes (X̄, R); None makes a new 7 × 5 inch figure.

    Returns:
        The two Axes (X̄ chart, R chart).

    Raises:
        denchi.errors.InputError: If ``samples`` is not a table of subgroups or ``baseline``
            is not a whole number from 2 to the number of subgroups.
    """
    table = number_array(
        "samples", samples, -math.inf, math.inf, "", label_ja="測定値 samples", any_shape=True
    )
    every = xbar_r_chart(table)
    k = len(every.means)
    used = k if baseline is None else integer_in_range("baseline", baseline, 2, k, label_ja="基準")
    chart = every if used == k else xbar_r_chart(table[:used])
    if axes is None:
        from matplotlib import pyplot as plt

        use_japanese_fonts()
        axes = plt.subplots(2, 1, figsize=(7, 5), sharex=True)[1]
    top, bottom = axes
    number = np.arange(1, k + 1)
    _draw_limits(top, every.means, chart.xbar, number, used < k, used)
    rules: dict[int, list[int]] = {}
    for v in run_rule_violations(every.means, chart.xbar):
        rules.setdefault(v.index, []).append(v.rule)
    for i, numbers in rules.items():
        top.plot(number[i], every.means[i], "o", color="tab:red", zorder=3)
        label = ",".join(str(n) for n in sorted(set(numbers)))
        top.annotate(
            label,
            (number[i], every.means[i]),
            color="tab:red",
            textcoords="offset points",
            xytext=(4, 4),
            fontsize=8,
        )
    _draw_limits(bottom, every.ranges, chart.r, number, used < k, used)
    top.set_ylabel(f"{quantity_ja}の平均 $\\bar{{X}}$ [{unit}]")
    bottom.set_ylabel(f"範囲 R [{unit}]")
    bottom.set_xlabel("サブグループの番号")
    return top, bottom


def _draw_limits(
    ax: Any, values: np.ndarray, limits: Any, number: np.ndarray, band: bool, used: int
) -> None:
    ax.plot(number, values, "o-", color="tab:blue", ms=4, lw=1)
    ax.axhline(limits.center, color="black", lw=1, label="中心線")
    ax.axhline(limits.upper, color="tab:red", lw=1, ls="--", label="管理限界 (UCL/LCL)")
    ax.axhline(limits.lower, color="tab:red", lw=1, ls="--")
    if band:
        ax.axvspan(0.5, used + 0.5, color="0.9", zorder=0, label="管理限界を求めた範囲")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")


def draw_capability(
    values: object,
    lsl: float,
    usl: float,
    sigma: float | None = None,
    quantity_ja: str = "容量",
    unit: str = "Ah",
    ax: Any = None,
) -> Any:
    """A histogram of measured values with the specification limits (red dashed lines), the
    normal curve of their mean and σ, and Cp and Cpk in the title.

    Args:
        values: Measured values, any shape (flattened), at least 2.
        lsl: Lower specification limit (unit of the values).
        usl: Upper specification limit (unit of the values).
        sigma: The process σ to use (e.g. ``chart.sigma``, R̄/d2); None: the sample standard
            deviation of ``values``.
        quantity_ja: The measured quantity in Japanese, for the axis label.
        unit: Its unit.
        ax: A matplotlib Axes; None makes a new 6 × 3.5 inch figure.

    Returns:
        The Axes drawn on.

    Raises:
        denchi.errors.InputError: If a value is not finite, or as
            :func:`denchi.factory.process_capability` (σ ≤ 0, USL ≤ LSL).
    """
    data = number_array(
        "values",
        values,
        -math.inf,
        math.inf,
        "",
        label_ja="測定値 values",
        min_count=2,
        any_shape=True,
    ).ravel()
    mean = float(data.mean())
    s = float(data.std(ddof=1)) if sigma is None else sigma
    capability = process_capability(mean, s, lsl, usl)
    ax = figure_axes(ax, (6, 3.5))
    ax.hist(data, bins=15, density=True, color="tab:blue", alpha=0.6, label="測定値")
    x = np.linspace(min(lsl, data.min()) - s, max(usl, data.max()) + s, 300)
    ax.plot(
        x,
        np.exp(-0.5 * ((x - mean) / s) ** 2) / (s * math.sqrt(2 * math.pi)),
        color="black",
        lw=1,
        label="正規分布（平均と σ）",
    )
    for limit, name in ((lsl, "LSL"), (usl, "USL")):
        ax.axvline(limit, color="tab:red", ls="--", lw=1.2)
        ax.annotate(
            name,
            (limit, 0.5),
            xycoords=("data", "axes fraction"),
            color="tab:red",
            rotation=90,
            ha="right",
            va="center",
            fontsize=8,
        )
    ax.set_xlabel(f"{quantity_ja} [{unit}]")
    ax.set_ylabel("確率密度 [1/" + unit + "]")
    ax.set_title(f"Cp = {capability.cp:.2f}、Cpk = {capability.cpk:.2f}", fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    return ax
