"""Checks on learner-facing arguments (labs, calculators), run before any computation.

Each check returns the cleaned value or raises ``InputError`` whose Japanese and English
message names the argument, the allowed values and an example.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real

import numpy as np

from denchi.errors import InputError

MAX_SEQUENCE = 200  # no experiment needs more values in one list


def number_in_range(
    name: str, value: object, low: float, high: float, unit: str, *, label_ja: str
) -> float:
    """Return ``value`` as a float if it is a finite real number in ``[low, high]``.

    Args:
        name: Argument name as the learner typed it, used in the message, e.g. ``"time_s"``.
        value: The value to check: any real number (int, float, NumPy scalar, Fraction);
            ``bool`` is refused.
        low: Smallest allowed value, in ``unit``.
        high: Largest allowed value, in ``unit``.
        unit: Unit shown in the message (``""`` for a pure number).
        label_ja: Japanese name of the argument for the message.

    Returns:
        The value as a float, in ``unit``.

    Raises:
        denchi.errors.InputError: If ``value`` is not a real number, is NaN or infinite, or
            lies outside ``[low, high]``; the Japanese and English message names ``name``, the
            range and an example.
    """
    allowed_ja = f"{label_ja}は {low:g}〜{high:g} {unit}の範囲で指定してください"
    allowed_en = f"{name} must be a number from {low:g} to {high:g} {unit}".rstrip()
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(
            name,
            f"{allowed_ja}（数値ではなく {type(value).__name__} 型の {_short(value)} が"
            f"渡されました）。例: {name}={low:g}",
            f"{allowed_en} (got {_short(value)} of type {type(value).__name__}). "
            f"Example: {name}={low:g}",
        )
    try:
        number = float(value)
    except Exception:  # e.g. OverflowError from a huge Fraction; any failure is a bad value
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        raise InputError(
            name,
            f"{allowed_ja}（指定値: {_short(value)}）。",
            f"{allowed_en} (got {_short(value)}).",
        )
    return number


def integer_in_range(name: str, value: object, low: int, high: int, *, label_ja: str) -> int:
    """Return ``value`` as an int if it is a whole number in ``[low, high]``.

    Args:
        name: Argument name used in the message.
        value: The value to check: an integral number (int, NumPy integer); ``bool`` and
            floats such as ``2.0`` are refused.
        low: Smallest allowed value.
        high: Largest allowed value.
        label_ja: Japanese name of the argument for the message.

    Returns:
        The value as an int.

    Raises:
        denchi.errors.InputError: If ``value`` is not a whole number or lies outside
            ``[low, high]``.
    """
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise InputError(
            name,
            f"{label_ja}は {low}〜{high} の整数で指定してください"
            f"（{type(value).__name__} 型の {_short(value)} が渡されました）。例: {name}={low}",
            f"{name} must be a whole number from {low} to {high} "
            f"(got {_short(value)} of type {type(value).__name__}). Example: {name}={low}",
        )
    if not low <= int(value) <= high:
        raise InputError(
            name,
            f"{label_ja}は {low}〜{high} の整数で指定してください（指定値: {_short(value)}）。",
            f"{name} must be a whole number from {low} to {high} (got {_short(value)}).",
        )
    return int(value)


def one_of(name: str, value: object, choices: Iterable[str], *, label_ja: str) -> str:
    """Return ``value`` if it is one of the allowed strings.

    Args:
        name: Argument name used in the message.
        value: The value to check.
        choices: The allowed strings (exact match, case-sensitive).
        label_ja: Japanese name of the argument for the message.

    Returns:
        ``value``, unchanged.

    Raises:
        denchi.errors.InputError: If ``value`` is not a string or not one of ``choices``;
            the message lists the choices.
    """
    allowed = tuple(choices)
    if not isinstance(value, str) or value not in allowed:
        listed = ", ".join(repr(c) for c in allowed)
        raise InputError(
            name,
            f"{label_ja}には次のどれかを指定してください: {listed}（指定値: {_short(value)}）。",
            f"{name} must be one of {listed} (got {_short(value)}).",
        )
    return value


def numbers_in_range(
    name: str,
    values: object,
    low: float,
    high: float,
    unit: str,
    *,
    label_ja: str,
    min_count: int = 1,
    max_count: int = MAX_SEQUENCE,
) -> tuple[float, ...]:
    """Return a list, tuple or 1-D array of numbers as a tuple of floats in ``[low, high]``.

    Args:
        name: Argument name used in the message; an element is named ``name[i]``.
        values: A list, tuple or 1-D NumPy array of shape ``(n,)`` of real numbers.
        low: Smallest allowed value, in ``unit``.
        high: Largest allowed value, in ``unit``.
        unit: Unit shown in the message (``""`` for a pure number).
        label_ja: Japanese name of the argument for the message.
        min_count: Fewest values allowed (default 1).
        max_count: Most values allowed (default :data:`MAX_SEQUENCE`, 200).

    Returns:
        The values as a tuple of n floats, in ``unit``, in the order given.

    Raises:
        denchi.errors.InputError: If ``values`` is not a list, tuple or 1-D array (a string
            is refused), holds fewer than ``min_count`` or more than ``max_count`` values, or
            an element fails :func:`number_in_range` (the message names its index).
    """
    if isinstance(values, np.ndarray) and values.ndim == 1:
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)):
        raise InputError(
            name,
            f"{label_ja}は数値のリストで指定してください（例: {name}=[{low:g}, {high:g}]）。"
            f"{type(values).__name__} 型の {_short(values)} が渡されました。",
            f"{name} must be a list of numbers, e.g. {name}=[{low:g}, {high:g}] "
            f"(got {_short(values)} of type {type(values).__name__}).",
        )
    if not min_count <= len(values) <= max_count:
        raise InputError(
            name,
            f"{label_ja}のリストには {min_count}〜{max_count} 個の値を入れてください"
            f"（{len(values)} 個が渡されました）。",
            f"{name} must hold {min_count} to {max_count} values (got {len(values)}).",
        )
    return tuple(
        number_in_range(f"{name}[{i}]", v, low, high, unit, label_ja=f"{label_ja}の {i + 1} 番目")
        for i, v in enumerate(values)
    )


def _short(value: object, limit: int = 60) -> str:
    """``repr`` of a value, cut short so that a huge argument cannot flood a message."""
    try:
        text = repr(value)
    except Exception:  # a hostile __repr__ must not hide the real problem
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
