"""Capacity-fade laws and end-of-life projection (the reference analysis of lab e06).

Two empirical laws are common in aging studies: a linear fade with cycle number over the
steady part of cycle aging, and a fade proportional to the square root of time for calendar
aging, where the growth of the SEI is limited by diffusion through it (its thickness grows
as √t). The temperature dependence of the rate follows Arrhenius' law.
"""

from __future__ import annotations

import math

import numpy as np

from denchi.labs.errors import LabInputError

GAS_CONSTANT = 8.314462618  # J/(mol K)
END_OF_LIFE_PCT = 80.0  # retention at end of life, % of the initial capacity


def _pair(name: str, x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    if xs.shape != ys.shape or len(xs) < 2 or not np.all(np.isfinite(xs) & np.isfinite(ys)):
        raise LabInputError(
            name,
            f"{name} の 2 つの配列は同じ長さで、有限の値が 2 点以上必要です。",
            f"{name}: both arrays need the same length and at least two finite values.",
        )
    return xs, ys


def linear_fade(cycle: object, retention_pct: object) -> tuple[float, float]:
    """Least-squares line through (cycle, retention %): (slope [%/cycle], intercept [%]).

    Args:
        cycle: Cycle numbers, any array-like of shape (n,), n ≥ 2.
        retention_pct: Capacity retention [% of the initial capacity], shape (n,).

    Raises:
        LabInputError: if the two arrays differ in length, have fewer than two points or hold
            a non-finite value.
    """
    n, r = _pair("cycle", cycle, retention_pct)
    slope, intercept = np.polyfit(n, r, 1)
    return float(slope), float(intercept)


def cycles_to_end_of_life(
    slope: float, intercept: float, eol_pct: float = END_OF_LIFE_PCT
) -> float:
    """Cycle at which the fitted line reaches ``eol_pct`` (inf if it does not fall).

    Args:
        slope: Slope of the fitted line [%/cycle] (from :func:`linear_fade`).
        intercept: Intercept of the fitted line [%].
        eol_pct: Retention at end of life [% of the initial capacity], 80 by default.
    """
    return (eol_pct - intercept) / slope if slope < 0 else math.inf


def sqrt_time_fade(days: object, fade_pct: object) -> float:
    """Least-squares b of fade = b √t through the origin [%/√day].

    Args:
        days: Storage time [day], array-like of shape (n,), n ≥ 2 (negative values count as 0).
        fade_pct: Capacity lost [% of the initial capacity], shape (n,).

    Raises:
        LabInputError: if the two arrays differ in length, have fewer than two points or hold
            a non-finite value.
    """
    t, fade = _pair("days", days, fade_pct)
    root = np.sqrt(np.clip(t, 0.0, None))
    return float(np.sum(root * fade) / np.sum(root * root))


def days_to_end_of_life(b: float, eol_pct: float = END_OF_LIFE_PCT) -> float:
    """Storage days until fade = b √t reaches 100 − ``eol_pct`` (inf if b ≤ 0).

    Args:
        b: Fade coefficient [%/√day] (from :func:`sqrt_time_fade`).
        eol_pct: Retention at end of life [% of the initial capacity], 80 by default.
    """
    return ((100.0 - eol_pct) / b) ** 2 if b > 0 else math.inf


def activation_energy_j_mol(
    rate_1: float, temperature_1_c: float, rate_2: float, temperature_2_c: float
) -> float:
    """Arrhenius activation energy [J/mol] from two rates at two temperatures [℃].

    Args:
        rate_1: Degradation rate at ``temperature_1_c`` (any unit, the same for both), > 0.
        temperature_1_c: First temperature [℃].
        rate_2: Degradation rate at ``temperature_2_c``, > 0.
        temperature_2_c: Second temperature [℃], different from the first.

    Raises:
        LabInputError: if a rate is not positive or the two temperatures are equal.
    """
    t1, t2 = temperature_1_c + 273.15, temperature_2_c + 273.15
    if rate_1 <= 0 or rate_2 <= 0 or t1 == t2:
        raise LabInputError(
            "rate",
            "劣化の速さは正の値で、2 つの温度はちがう値にしてください。",
            "Both rates must be positive and the two temperatures different.",
        )
    return GAS_CONSTANT * math.log(rate_2 / rate_1) / (1.0 / t1 - 1.0 / t2)
