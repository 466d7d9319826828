"""Checks on learner-facing arguments (labs, calculators), run before any computation.

Each check returns the cleaned value or raises ``InputError`` whose Japanese and English
message names the argument, the allowed values and an example.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

import numpy as np

from denchi.errors import InputError

MAX_SEQUENCE = 200  # no experiment needs more values in one list


def number_in_range(
    name: str,
    value: object,
    low: float,
    high: float,
    unit: str,
    *,
    label_ja: str,
    above_low: bool = False,
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
        above_low: ``True`` to refuse ``low`` itself (``(low, high]``, e.g. a resistance
            that must be more than 0).

    Returns:
        The value as a float, in ``unit``.

    Raises:
        denchi.errors.InputError: If ``value`` is not a real number, is NaN or infinite, or
            lies outside ``[low, high]``; the Japanese and English message names ``name``, the
            range and an example.
    """
    range_ja, range_en = _range_text(low, high, unit, above_low)
    allowed_ja = f"{label_ja}は {range_ja}で指定してください"
    allowed_en = f"{name} must be a number {range_en}"
    if isinstance(value, bool) or not isinstance(value, Real):
        example = min(low + 1.0, high) if above_low else low
        raise InputError(
            name,
            f"{allowed_ja}（数値ではなく {type(value).__name__} 型の {_short(value)} が"
            f"渡されました）。例: {name}={example:g}",
            f"{allowed_en} (got {_short(value)} of type {type(value).__name__}). "
            f"Example: {name}={example:g}",
        )
    try:
        number = float(value)
    except Exception:  # e.g. OverflowError from a huge Fraction; any failure is a bad value
        number = math.nan
    if not math.isfinite(number) or not _inside(number, low, high, above_low):
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


def number_array(
    name: str,
    values: object,
    low: float,
    high: float,
    unit: str,
    *,
    label_ja: str,
    min_count: int = 1,
    above_low: bool = False,
    any_shape: bool = False,
    nan_allowed: bool = False,
) -> np.ndarray:
    """Return measured values (a list, tuple, NumPy array or pandas Series of real numbers)
    as a float array whose every value lies in ``[low, high]``.

    Unlike :func:`numbers_in_range` (a few settings), this takes a whole measured series of
    any length, checks it at once and keeps it an array.

    Args:
        name: Argument name used in the message; a value is named ``name[i]``.
        values: The values: 1-D, shape ``(n,)`` (any shape, a single number included, with
            ``any_shape``). Text, ``bool``, ``None`` and mixed lists are refused.
        low: Smallest allowed value, in ``unit`` (``-math.inf`` for no limit).
        high: Largest allowed value, in ``unit`` (``math.inf`` for no limit).
        unit: Unit shown in the message (``""`` for a pure number).
        label_ja: Japanese name of the argument for the message (with ``name`` in it, e.g.
            ``"電圧 voltage_v"``).
        min_count: Fewest values allowed (default 1).
        above_low: ``True`` to refuse ``low`` itself (``(low, high]``).
        any_shape: ``True`` to accept any shape instead of 1-D only.
        nan_allowed: ``True`` to let NaN through (a gap in a curve); infinity never passes.

    Returns:
        The values as a float array of the shape given (``(n,)`` unless ``any_shape``), in
        ``unit``; the array itself if it was one already.

    Raises:
        denchi.errors.InputError: If ``values`` is not numbers of the right shape, holds
            fewer than ``min_count`` values, or a value is NaN (unless ``nan_allowed``),
            infinite or outside the range (the message names its index and value).
    """
    numbers = np.asarray(
        _numeric(name, values, "iuf", label_ja=label_ja, min_count=min_count, any_shape=any_shape),
        dtype=float,
    )
    good = np.isfinite(numbers) & _inside(numbers, low, high, above_low)
    if nan_allowed:
        good |= np.isnan(numbers)
    range_ja, range_en = _range_text(low, high, unit, above_low)
    rule_ja = f"{range_ja}の有限の数" if range_ja else "有限の数"
    _refuse_first(name, numbers, good, label_ja, rule_ja, f"finite numbers {range_en}".rstrip())
    return numbers


def complex_array(name: str, values: object, *, label_ja: str, min_count: int = 1) -> np.ndarray:
    """Return a 1-D series of complex numbers (an impedance spectrum) as a complex array.

    Args:
        name: Argument name used in the message; a value is named ``name[i]``.
        values: The values, shape ``(n,)``: complex or real numbers (a list, tuple, NumPy
            array or pandas Series).
        label_ja: Japanese name of the argument for the message (with ``name`` in it).
        min_count: Fewest values allowed (default 1).

    Returns:
        The values as a complex array of shape ``(n,)``.

    Raises:
        denchi.errors.InputError: If ``values`` is not 1-D numbers, holds fewer than
            ``min_count`` values, or a value is NaN or infinite.
    """
    numbers = np.asarray(
        _numeric(name, values, "iufc", label_ja=label_ja, min_count=min_count, any_shape=False),
        dtype=complex,
    )
    _refuse_first(name, numbers, np.isfinite(numbers), label_ja, "有限の数", "finite numbers")
    return numbers


def same_length(
    name: str, values: np.ndarray, other: str, other_values: np.ndarray, *, label_ja: str
) -> None:
    """Check that two series of one measurement have one value each per sample.

    Args:
        name: Argument name of ``values``, named by the error.
        values: A 1-D array (from :func:`number_array` or :func:`complex_array`).
        other: Argument name of ``other_values``, the series it must match.
        other_values: A 1-D array.
        label_ja: Japanese name of ``values`` (with ``name`` in it).

    Raises:
        denchi.errors.InputError: If the two differ in length; the message gives both.
    """
    if values.shape != other_values.shape:
        raise InputError(
            name,
            f"{label_ja} は {other} と同じ長さにしてください（{name} が {values.size} 個、"
            f"{other} が {other_values.size} 個）。同じ測定の列を渡しましょう。",
            f"{name} must have the same length as {other} (got {values.size} and "
            f"{other_values.size} values). Pass columns of the same measurement.",
        )


def _numeric(
    name: str, values: object, kinds: str, *, label_ja: str, min_count: int, any_shape: bool
) -> np.ndarray:
    """``values`` as a NumPy array whose dtype is of ``kinds`` (NumPy's kind codes), 1-D
    unless ``any_shape``, with at least ``min_count`` values; else the ``InputError``."""
    try:
        array = values if isinstance(values, np.ndarray) else np.asarray(values)
    except Exception:  # a ragged list, a hostile __array__: not a series of numbers
        array = np.asarray(None)
    shape_ja = "" if any_shape else " 1 列の"
    shape_en = "" if any_shape else "a 1-D "
    if array.dtype.kind not in kinds or (not any_shape and array.ndim != 1):
        got = f"{type(values).__name__} 型の {_short(values)}"
        if isinstance(values, np.ndarray):
            got = f"形 {values.shape}、型 {values.dtype} の配列"
        got_en = (
            f"an array of shape {values.shape} and dtype {values.dtype}"
            if isinstance(values, np.ndarray)
            else f"{_short(values)} of type {type(values).__name__}"
        )
        raise InputError(
            name,
            f"{label_ja} は{shape_ja}数値の配列（リスト・NumPy 配列・表の列）で指定してください"
            f"（{got} が渡されました）。",
            f"{name} must be {shape_en}sequence of numbers (a list, NumPy array or table "
            f"column); got {got_en}.",
        )
    if array.size < min_count:
        raise InputError(
            name,
            f"{label_ja} には {min_count} 個以上の値が必要です（{array.size} 個が渡されました）。"
            "測定したデータの列を渡してください。",
            f"{name} needs at least {min_count} value{'s' if min_count > 1 else ''} "
            f"(got {array.size}). Pass the measured data.",
        )
    return array


def _refuse_first(
    name: str, values: np.ndarray, good: np.ndarray, label_ja: str, rule_ja: str, rule_en: str
) -> None:
    """Raise the ``InputError`` for the first value of ``values`` that is not ``good``."""
    if bool(np.all(good)):
        return
    where = np.unravel_index(int(np.argmin(good.ravel())), values.shape) if values.ndim else ()
    index = ", ".join(str(int(i)) for i in where)
    item = f"{name}[{index}]" if values.ndim else name
    value = values[where] if values.ndim else values[()]
    raise InputError(
        item,
        f"{label_ja} の値は {rule_ja}にしてください（{item} が {value}）。",
        f"{name} must hold {rule_en} ({item} is {value}).",
    )


def _range_text(low: float, high: float, unit: str, above_low: bool) -> tuple[str, str]:
    """The range ``[low, high]`` (or ``(low, high]``) in words: (Japanese, English); empty
    for no limits."""
    if above_low:
        return (
            f"{low:g} より大きく {high:g} {unit}以下",
            f"above {low:g} and at most {high:g} {unit}".rstrip(),
        )
    if math.isinf(low) and math.isinf(high):
        return "", ""
    return f"{low:g}〜{high:g} {unit}の範囲", f"from {low:g} to {high:g} {unit}".rstrip()


def _inside(value: Any, low: float, high: float, above_low: bool) -> Any:
    """``low <= value <= high`` (``low < value`` with ``above_low``), for numbers and arrays."""
    return ((value > low) if above_low else (value >= low)) & (value <= high)


def _short(value: object, limit: int = 60) -> str:
    """``repr`` of a value, cut short so that a huge argument cannot flood a message."""
    try:
        text = repr(value)
    except Exception:  # a hostile __repr__ must not hide the real problem
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
