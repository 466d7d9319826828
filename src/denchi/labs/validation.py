"""Checks on lab arguments, run before PyBaMM sees any value."""

from __future__ import annotations

import math
from numbers import Real

from denchi.labs.errors import LabInputError


def number_in_range(
    name: str, value: object, low: float, high: float, unit: str, *, label_ja: str
) -> float:
    """Return ``value`` as a float if it is a finite real number in ``[low, high]``."""
    allowed_ja = f"{label_ja}は {low:g}〜{high:g} {unit}の範囲で指定してください"
    allowed_en = f"{name} must be a number from {low:g} to {high:g} {unit}"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise LabInputError(
            name,
            f"{allowed_ja}（数値ではなく {type(value).__name__} 型の {value!r} が渡されました）。"
            f"例: {name}={low:g}",
            f"{allowed_en} (got {value!r} of type {type(value).__name__}). Example: {name}={low:g}",
        )
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise LabInputError(
            name,
            f"{allowed_ja}（指定値: {value!r}）。",
            f"{allowed_en} (got {value!r}).",
        )
    return number
