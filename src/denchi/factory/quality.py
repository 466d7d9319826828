"""Statistical process control of a cell line: X̄–R charts, run rules, Cp and Cpk.

    from denchi import factory
    chart = factory.xbar_r_chart(capacities_ah)        # shape (subgroups, n), n = 2..10
    chart.xbar.upper, chart.r.upper, chart.sigma       # control limits and R̄/d2
    factory.run_rule_violations(chart.means, chart.xbar)   # Western Electric rules 1-4
    factory.process_capability(mean, sigma, lsl, usl)  # Cp and Cpk

Sources:

- The control-chart constants A2, D3, D4 and d2 for subgroups of 2 to 10 are the Shewhart
  constants as tabulated (to four decimals, rounded here to three) in the SixSigma R
  package's vignette "Shewhart Constants for Control Charts" (read at rdrr.io), which
  computes them from d2, d3 and c4; the
  relations A2 = 3/(d2 √n), D3 = max(0, 1 − 3 d3/d2), D4 = 1 + 3 d3/d2 are those of the SAS
  QC documentation ("Deriving Control Chart Constants"). UCL = X̿ + A2 R̄, LCL = X̿ − A2 R̄;
  the R chart's limits are D3 R̄ and D4 R̄; σ is estimated as R̄/d2.
- The run rules are the Western Electric rules as the StatSoft glossary
  ("Western Electric Run Rules") lists them, each on one side of the centre line: one point
  beyond 3σ; two of three beyond 2σ; four of five beyond 1σ; eight in a row.
- Cp = (USL − LSL)/(6σ) and Cpk = min(USL − μ, μ − LSL)/(3σ); the tests check the worked
  examples they were read in.

Inputs are checked; a bad one raises ``denchi.errors.InputError`` in Japanese and English.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from denchi.errors import InputError
from denchi.validation import integer_in_range, number_array, number_in_range

# subgroup size n: (A2, D3, D4, d2), three decimals (see the module docstring)
XBAR_R_CONSTANTS: dict[int, tuple[float, float, float, float]] = {
    2: (1.880, 0.0, 3.267, 1.128),
    3: (1.023, 0.0, 2.574, 1.693),
    4: (0.729, 0.0, 2.282, 2.059),
    5: (0.577, 0.0, 2.114, 2.326),
    6: (0.483, 0.0, 2.004, 2.534),
    7: (0.419, 0.076, 1.924, 2.704),
    8: (0.373, 0.136, 1.864, 2.847),
    9: (0.337, 0.184, 1.816, 2.970),
    10: (0.308, 0.223, 1.777, 3.078),
}
SUBGROUP_SIZES = (min(XBAR_R_CONSTANTS), max(XBAR_R_CONSTANTS))

# Western Electric rules: (rule, points in the window, points beyond, how many σ out)
RUN_RULES = ((1, 1, 1, 3.0), (2, 3, 2, 2.0), (3, 5, 4, 1.0), (4, 8, 8, 0.0))
RUN_RULE_NAMES_JA = {
    1: "1 点が 3σ の管理限界の外",
    2: "連続 3 点のうち 2 点が同じ側の 2σ より外",
    3: "連続 5 点のうち 4 点が同じ側の 1σ より外",
    4: "連続 8 点が中心線の同じ側",
}


@dataclass(frozen=True)
class ControlLimits:
    """The centre line and the control limits of one chart, in the unit of the data.

    Attributes:
        center: Centre line (X̿ or R̄).
        lower: Lower control limit (LCL).
        upper: Upper control limit (UCL).
    """

    center: float
    lower: float
    upper: float

    @property
    def sigma(self) -> float:
        """One standard deviation of the plotted statistic: (UCL − centre)/3."""
        return (self.upper - self.center) / 3.0


@dataclass(frozen=True)
class XbarRChart:
    """An X̄–R chart of subgroups of equal size.

    Attributes:
        means: Subgroup means X̄, shape (k,).
        ranges: Subgroup ranges R (largest − smallest), shape (k,).
        subgroup_size: n, the values in each subgroup (2 to 10).
        xbar: Centre line and limits of the X̄ chart (X̿ ± A2 R̄).
        r: Centre line and limits of the R chart (D3 R̄, R̄, D4 R̄).
        sigma: The process standard deviation within subgroups, R̄/d2.
    """

    means: np.ndarray
    ranges: np.ndarray
    subgroup_size: int
    xbar: ControlLimits
    r: ControlLimits
    sigma: float


@dataclass(frozen=True)
class RunRuleViolation:
    """A point of a control chart that breaks a Western Electric rule.

    Attributes:
        index: Index of the point that completes the pattern (0-based).
        rule: Rule number, 1 to 4.
        side: +1 above the centre line, −1 below.
    """

    index: int
    rule: int
    side: int

    @property
    def rule_ja(self) -> str:
        """The rule in Japanese, e.g. 「連続 8 点が中心線の同じ側」."""
        return RUN_RULE_NAMES_JA[self.rule]


@dataclass(frozen=True)
class Capability:
    """Process capability against the specification limits.

    Attributes:
        cp: (USL − LSL)/(6σ): what the spread alone allows.
        cpk: min(USL − μ, μ − LSL)/(3σ): the same, counted to the nearer limit.
    """

    cp: float
    cpk: float


def _subgroup_size(n: object) -> int:
    return integer_in_range("subgroup_size", n, *SUBGROUP_SIZES, label_ja="サブグループの大きさ")


def xbar_r_limits(
    grand_mean: float, mean_range: float, subgroup_size: int
) -> tuple[ControlLimits, ControlLimits]:
    """Control limits of the X̄ and R charts from X̿, R̄ and n.

    Args:
        grand_mean: X̿, the mean of the subgroup means (any unit).
        mean_range: R̄, the mean of the subgroup ranges (same unit, ≥ 0).
        subgroup_size: n, 2 to 10.

    Returns:
        (X̄ chart limits X̿ ± A2 R̄, R chart limits D3 R̄ and D4 R̄), in the unit of the data.

    Raises:
        denchi.errors.InputError: If a number is not finite, R̄ is negative or n is not an
            integer from 2 to 10.
    """
    mean = number_in_range("grand_mean", grand_mean, -math.inf, math.inf, "", label_ja="総平均")
    rbar = number_in_range("mean_range", mean_range, 0.0, math.inf, "", label_ja="範囲の平均")
    a2, d3, d4, _ = XBAR_R_CONSTANTS[_subgroup_size(subgroup_size)]
    return (
        ControlLimits(mean, mean - a2 * rbar, mean + a2 * rbar),
        ControlLimits(rbar, d3 * rbar, d4 * rbar),
    )


def xbar_r_chart(samples: object) -> XbarRChart:
    """The X̄–R chart of subgroups: limits from these same subgroups (a phase-I study).

    Args:
        samples: Measured values, shape (k, n): k ≥ 2 subgroups of n = 2 to 10 values each
            (any unit, e.g. capacity [Ah]).

    Returns:
        The subgroup means and ranges, both charts' limits and σ = R̄/d2.

    Raises:
        denchi.errors.InputError: If ``samples`` is not a finite 2-D table of numbers with
            at least 2 rows and 2 to 10 columns.
    """
    table = number_array(
        "samples", samples, -math.inf, math.inf, "", label_ja="測定値 samples", any_shape=True
    )
    if table.ndim != 2 or table.shape[0] < 2:
        raise InputError(
            "samples",
            "測定値 samples は、行がサブグループ、列がその中の測定値の 2 次元の表"
            f"（2 行以上）で渡してください（形 {table.shape} が渡されました）。",
            "samples must be a 2-D table, one row per subgroup (at least 2 rows), one column "
            f"per value in it (got shape {table.shape}).",
        )
    n = _subgroup_size(table.shape[1])
    means = table.mean(axis=1)
    ranges = table.max(axis=1) - table.min(axis=1)
    xbar, r = xbar_r_limits(float(means.mean()), float(ranges.mean()), n)
    return XbarRChart(means, ranges, n, xbar, r, r.center / XBAR_R_CONSTANTS[n][3])


def run_rule_violations(values: object, limits: ControlLimits) -> list[RunRuleViolation]:
    """Points of a chart that break the Western Electric rules 1-4, in order of index.

    Zones are counted from ``limits``: σ of the plotted statistic is (UCL − centre)/3. A
    point is reported for each rule whose pattern it completes (on one side of the centre
    line) and only when the point itself is one of the points beyond the zone, so a pattern
    is reported where it appears, not again for every later point of the window. At the
    start of the series a window holds the points there are (two points beyond 2σ at
    indices 0 and 1 break rule 2).

    Args:
        values: The plotted points in time order, shape (k,) (e.g. ``chart.means``).
        limits: The chart's centre line and 3σ limits (e.g. ``chart.xbar``), UCL above the
            centre.

    Returns:
        The violations, sorted by index and then rule; empty when there is none.

    Raises:
        denchi.errors.InputError: If ``values`` is not a finite 1-D series or the limits
            have no width.
    """
    points = number_array("values", values, -math.inf, math.inf, "", label_ja="管理図の点 values")
    sigma = limits.sigma
    if not (math.isfinite(sigma) and sigma > 0):
        raise InputError(
            "limits",
            "管理限界の幅が 0 か負です。上方管理限界 (UCL) が中心線より上にある管理限界を"
            "渡してください。",
            "The control limits have no width; pass limits whose UCL lies above the centre.",
        )
    z = (points - limits.center) / sigma
    found = []
    for rule, window, needed, beyond in RUN_RULES:
        for side in (1, -1):
            out = side * z > beyond
            for i in range(needed - 1, len(z)):
                if out[i] and out[max(0, i - window + 1) : i + 1].sum() >= needed:
                    found.append(RunRuleViolation(i, rule, side))
    return sorted(found, key=lambda v: (v.index, v.rule))


def process_capability(mean: float, sigma: float, lsl: float, usl: float) -> Capability:
    """Cp and Cpk of a process of mean μ and standard deviation σ against LSL and USL.

    Cp = (USL − LSL)/(6σ); Cpk = min(USL − μ, μ − LSL)/(3σ), negative when μ lies outside
    the specification. Use σ within subgroups (R̄/d2 of an X̄–R chart) for the capability
    of a stable process.

    Args:
        mean: Process mean μ (unit of the data).
        sigma: Process standard deviation σ (same unit, > 0).
        lsl: Lower specification limit (same unit).
        usl: Upper specification limit (same unit, above ``lsl``).

    Raises:
        denchi.errors.InputError: If a number is not finite, σ ≤ 0 or USL ≤ LSL.
    """
    mu = number_in_range("mean", mean, -math.inf, math.inf, "", label_ja="平均")
    s = number_in_range("sigma", sigma, 0.0, math.inf, "", label_ja="標準偏差", above_low=True)
    low = number_in_range("lsl", lsl, -math.inf, math.inf, "", label_ja="下限規格値 LSL")
    high = number_in_range("usl", usl, -math.inf, math.inf, "", label_ja="上限規格値 USL")
    if high <= low:
        raise InputError(
            "usl",
            f"上限規格値 USL ({high:g}) は下限規格値 LSL ({low:g}) より大きくしてください。",
            f"usl ({high:g}) must be above lsl ({low:g}).",
        )
    return Capability((high - low) / (6.0 * s), min(high - mu, mu - low) / (3.0 * s))


def scaled_spread(values: object, spread: float, shift: float = 0.0) -> np.ndarray:
    """The values of a line whose spread is ``spread`` times as large and whose mean is moved
    by ``shift``: mean + spread × (value − mean) + shift.

    A first-order model of a changed tolerance: each value's deviation from the mean is taken
    to be proportional to the deviation of the input that varies (for the virtual cells of
    the labs, the capacity to the active-material loading).

    Args:
        values: Measured values, any shape (e.g. (k, n) subgroups).
        spread: Factor on the deviations from the mean, 0 to 10.
        shift: Added to every value (unit of the values).

    Returns:
        The scaled values, same shape.

    Raises:
        denchi.errors.InputError: If a value is not finite, or ``spread`` or ``shift`` is out
            of range.
    """
    data = number_array(
        "values", values, -math.inf, math.inf, "", label_ja="測定値 values", any_shape=True
    )
    k = number_in_range("spread", spread, 0.0, 10.0, "", label_ja="ばらつきの倍率")
    dx = number_in_range("shift", shift, -math.inf, math.inf, "", label_ja="平均のずれ")
    mean = data.mean()
    return mean + k * (data - mean) + dx


def capability_from_chart(chart: XbarRChart, lsl: float, usl: float) -> Capability:
    """Cp and Cpk of a stable process from its X̄–R chart: μ = X̿ and σ = R̄/d2.

    Args:
        chart: The chart of the process (``xbar_r_chart``).
        lsl: Lower specification limit (unit of the data).
        usl: Upper specification limit (unit of the data).

    Raises:
        denchi.errors.InputError: As :func:`process_capability` (σ = 0 when every subgroup
            has a range of 0).
    """
    return process_capability(chart.xbar.center, chart.sigma, lsl, usl)
