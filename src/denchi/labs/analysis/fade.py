"""Capacity-fade laws and end-of-life projection (the reference analysis of lab e06).

Two empirical laws are common in aging studies: a linear fade with cycle number over the
steady part of cycle aging, and a fade proportional to the square root of time for calendar
aging, where the growth of the SEI is limited by diffusion through it (its thickness grows
as √t). The temperature dependence of the rate follows Arrhenius' law.
"""

from __future__ import annotations

import math

import numpy as np

from denchi.labs.errors import LabInputError, keywords_checked
from denchi.validation import number_array, number_in_range, same_length

GAS_CONSTANT = 8.314462618  # J/(mol K)
END_OF_LIFE_PCT = 80.0  # retention at end of life, % of the initial capacity
RETENTION_RANGE_PCT = (0.0, 200.0)  # noise and early capacity gains may pass 100 %
FADE_RANGE_PCT = (-100.0, 100.0)  # noise may make a small fade negative
RATE_RANGE = (-1e6, 1e6)  # a fitted slope, intercept or coefficient


def _pair(
    x: tuple[str, object, str, float], y: tuple[str, object, str, tuple[float, float]]
) -> tuple[np.ndarray, np.ndarray]:
    """Two series of one measurement, checked: at least two points each, the same length,
    ``x`` (name, values, Japanese name, lowest value) up to 1e7 and ``y`` (name, values,
    Japanese name, range [%]) in its range."""
    x_name, x_values, x_label, x_low = x
    y_name, y_values, y_label, y_range = y
    xs = number_array(x_name, x_values, x_low, 1e7, "", label_ja=f"{x_label} {x_name}", min_count=2)
    ys = number_array(y_name, y_values, *y_range, "%", label_ja=f"{y_label} {y_name}", min_count=2)
    same_length(y_name, ys, x_name, xs, label_ja=f"{y_label} {y_name}")
    return xs, ys


def _end_of_life(eol_pct: object) -> float:
    return number_in_range("eol_pct", eol_pct, 0.0, 100.0, "%", label_ja="寿命とみなす容量 eol_pct")


@keywords_checked
def linear_fade(cycle: object, retention_pct: object) -> tuple[float, float]:
    """Least-squares line through (cycle, retention %): (slope [%/cycle], intercept [%]).

    Args:
        cycle: Cycle numbers, shape (n,), n ≥ 2, 0 to 1e7, at least two different.
        retention_pct: Capacity retention [% of the initial capacity], shape (n,), 0 to 200.

    Raises:
        LabInputError: if the two are not 1-D series of numbers of the same length with at
            least two points in range, or every cycle number is the same.
    """
    n, r = _pair(
        ("cycle", cycle, "サイクル数", 0.0),
        ("retention_pct", retention_pct, "容量維持率", RETENTION_RANGE_PCT),
    )
    if np.ptp(n) == 0:
        raise LabInputError(
            "cycle",
            "サイクル数 cycle がすべて同じ値です。"
            "直線を引くには、ちがうサイクルの値が 2 つ以上必要です。",
            "Every cycle number is the same; a line needs values of at least two different cycles.",
        )
    slope, intercept = np.polyfit(n, r, 1)
    return float(slope), float(intercept)


@keywords_checked
def cycles_to_end_of_life(
    slope: float, intercept: float, eol_pct: float = END_OF_LIFE_PCT
) -> float:
    """Cycle at which the fitted line reaches ``eol_pct`` (inf if it does not fall).

    Args:
        slope: Slope of the fitted line [%/cycle] (from :func:`linear_fade`), ±1e6.
        intercept: Intercept of the fitted line [%], ±1e6.
        eol_pct: Retention at end of life [% of the initial capacity], 0 to 100, 80 by
            default.

    Raises:
        LabInputError: if a value is not a number in its range above.
    """
    a = number_in_range("slope", slope, *RATE_RANGE, "%/cycle", label_ja="傾き slope")
    b = number_in_range("intercept", intercept, *RATE_RANGE, "%", label_ja="切片 intercept")
    eol = _end_of_life(eol_pct)
    return (eol - b) / a if a < 0 else math.inf


@keywords_checked
def sqrt_time_fade(days: object, fade_pct: object) -> float:
    """Least-squares b of fade = b √t through the origin [%/√day].

    Args:
        days: Storage time [day], shape (n,), n ≥ 2, −1e7 to 1e7 (negative values count as
            0), at least one above 0.
        fade_pct: Capacity lost [% of the initial capacity], shape (n,), −100 to 100.

    Raises:
        LabInputError: if the two are not 1-D series of numbers of the same length with at
            least two points in range, or no day is above 0.
    """
    t, fade = _pair(
        ("days", days, "保存日数", -1e7), ("fade_pct", fade_pct, "容量の減少", FADE_RANGE_PCT)
    )
    if not np.any(t > 0):
        raise LabInputError(
            "days",
            "保存日数 days に 0 より大きい値がありません。保存を始めてからの日数を渡してください。",
            "days has no value above 0; pass the days since storage began.",
        )
    root = np.sqrt(np.clip(t, 0.0, None))
    return float(np.sum(root * fade) / np.sum(root * root))


@keywords_checked
def days_to_end_of_life(b: float, eol_pct: float = END_OF_LIFE_PCT) -> float:
    """Storage days until fade = b √t reaches 100 − ``eol_pct`` (inf if b ≤ 0).

    Args:
        b: Fade coefficient [%/√day] (from :func:`sqrt_time_fade`), ±1e6.
        eol_pct: Retention at end of life [% of the initial capacity], 0 to 100, 80 by
            default.

    Raises:
        LabInputError: if a value is not a number in its range above.
    """
    coefficient = number_in_range("b", b, *RATE_RANGE, "%/√day", label_ja="係数 b")
    eol = _end_of_life(eol_pct)
    return ((100.0 - eol) / coefficient) ** 2 if coefficient > 0 else math.inf


@keywords_checked
def activation_energy_j_mol(
    rate_1: float, temperature_1_c: float, rate_2: float, temperature_2_c: float
) -> float:
    """Arrhenius activation energy [J/mol] from two rates at two temperatures [℃].

    Args:
        rate_1: Degradation rate at ``temperature_1_c`` (any unit, the same for both), above
            0 and at most 1e12.
        temperature_1_c: First temperature [℃], −100 to 500.
        rate_2: Degradation rate at ``temperature_2_c``, above 0 and at most 1e12.
        temperature_2_c: Second temperature [℃], −100 to 500, different from the first.

    Raises:
        LabInputError: if a value is not a number in its range above or the two
            temperatures are equal.
    """
    k1, k2 = (
        number_in_range(name, value, 0.0, 1e12, "", label_ja=f"劣化の速さ {name}", above_low=True)
        for name, value in (("rate_1", rate_1), ("rate_2", rate_2))
    )
    t1, t2 = (
        number_in_range(name, value, -100.0, 500.0, "℃", label_ja=f"温度 {name}") + 273.15
        for name, value in (
            ("temperature_1_c", temperature_1_c),
            ("temperature_2_c", temperature_2_c),
        )
    )
    if t1 == t2:
        raise LabInputError(
            "temperature_2_c",
            "2 つの温度 temperature_1_c と temperature_2_c はちがう値にしてください。",
            "temperature_1_c and temperature_2_c must be different.",
        )
    return GAS_CONSTANT * math.log(k2 / k1) / (1.0 / t1 - 1.0 / t2)
