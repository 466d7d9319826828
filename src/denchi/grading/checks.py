"""Checks that assignment test cells call: each failure explains itself in Japanese and English.

Test cells name the answer variable, and the check reads it from the notebook's namespace,
so a missing answer gets a hint instead of a ``NameError``::

    checks.number("q1_capacity_ah", expected=5.0, rel_tol=0.01,
                  hint_ja="容量 [Ah] = 電流 [A] × 時間 [h]", hint_en="capacity = current × time")

A failed check raises ``CheckFailed`` (an ``AssertionError``, so nbgrader scores the cell as
failed) whose message is a hint that helps without revealing the expected answer.

**Partial credit.** Give a check ``points=`` and it returns the points earned (a fraction of
``points`` for curves, arrays and keywords) instead of raising, printing its hint when the answer
is not fully right. End the test cell with :func:`total` of such checks; nbgrader takes the value
of a test cell's last line as its score::

    checks.total(
        checks.number("q3_c_rate", expected=2.0, points=1, hint_ja=..., hint_en=...),
        checks.number("q3_hours", expected=0.5, points=1, hint_ja=..., hint_en=...),
    )

**Fair and hard to fake.** Answers are accepted only as genuine numbers, strings and numeric
arrays (exact types: an object whose ``__eq__`` always says yes is rejected), and the comparisons
use plain float arithmetic. The autograder runs hidden tests outside the student's kernel, against
a plain-data copy of the answers (see :mod:`denchi.grading.capture`), so patching ``math``,
``numpy`` or these functions in a notebook changes nothing.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn, SupportsFloat, TypeGuard

from denchi.grading.capture import Unsupported, is_ndarray
from denchi.i18n import bilingual

if TYPE_CHECKING:  # numpy is imported only when an answer needs it
    import numpy as np


class CheckFailed(AssertionError):
    """An answer did not pass; the message is a bilingual hint."""


def _fail(hint_ja: str, hint_en: str) -> NoReturn:
    raise CheckFailed(bilingual(hint_ja, hint_en))


def _answer(name: str) -> object:
    namespace = vars(sys.modules["__main__"])
    if name not in namespace:
        _fail(
            f"変数 {name} がまだありません。解答のセルに `{name} = 答え` と書いて実行しましたか？",
            f"There is no variable {name} yet. Did you write `{name} = answer` and run the cell?",
        )
    return namespace[name]


def _type_name(value: object) -> str:
    return value.type_name if isinstance(value, Unsupported) else type(value).__name__


def _is_number(value: object) -> TypeGuard[SupportsFloat]:
    """A genuine int, float or numpy number (exact types, never bool or a look-alike)."""
    if type(value) in (int, float):
        return True
    numpy = sys.modules.get("numpy")
    return (
        numpy is not None
        and type(value) in numpy.sctypeDict.values()
        and numpy.dtype(type(value)).kind in "iuf"
    )


def _finite(name: str, value: float) -> float:
    if not math.isfinite(value):
        _fail(f"{name} が有限の数ではありません。", f"{name} is not a finite number.")
    return value


def _size(value: object) -> int | None:
    """How many values an array or list answer holds (None if it is not one)."""
    if type(value) is list or type(value) is tuple:
        return len(value)
    numpy = sys.modules.get("numpy")
    if numpy is not None and is_ndarray(value, numpy):
        return int(value.size)
    return None


def _as_number(name: str) -> float:
    value = _answer(name)
    if (size := _size(value)) is not None:
        _fail(
            f"{name} は配列（{size} 個の値）です。この問題では 1 つの数値を答えます"
            "（たとえば最大値なら max()、ある時刻の値なら [番号] で 1 つ取り出しましょう）。",
            f"{name} is an array ({size} values); this question asks for one number "
            "(take one value out, e.g. with max() or an index [i]).",
        )
    if not _is_number(value):
        _fail(
            f"{name} には数値を代入してください（今は {_type_name(value)} 型です）。",
            f"Assign a number to {name} (it is a {_type_name(value)} now).",
        )
    return _finite(name, float(value))


# --------------------------------------------------------------------------------- units
# unit -> (quantity, factor to the quantity's base unit)
_UNITS: dict[str, tuple[str, float]] = {
    "A": ("current", 1.0),
    "mA": ("current", 1e-3),
    "Ah": ("charge", 1.0),
    "mAh": ("charge", 1e-3),
    "C": ("charge", 1 / 3600),  # coulomb
    "V": ("voltage", 1.0),
    "mV": ("voltage", 1e-3),
    "W": ("power", 1.0),
    "mW": ("power", 1e-3),
    "kW": ("power", 1e3),
    "Wh": ("energy", 1.0),
    "mWh": ("energy", 1e-3),
    "kWh": ("energy", 1e3),
    "MWh": ("energy", 1e6),
    "GWh": ("energy", 1e9),
    "J": ("energy", 1 / 3600),
    "kJ": ("energy", 1e3 / 3600),
    "h": ("time", 3600.0),
    "min": ("time", 60.0),
    "s": ("time", 1.0),
    "g": ("mass", 1.0),
    "mg": ("mass", 1e-3),
    "kg": ("mass", 1e3),
    "Wh/kg": ("specific energy", 1.0),
    "mAh/g": ("specific capacity", 1.0),
    "Ω": ("resistance", 1.0),
    "mΩ": ("resistance", 1e-3),
}


def units_like(unit: str) -> dict[str, float]:
    """Every unit of the table of the same quantity as ``unit``, each with the number of
    itself in one ``unit`` (``units_like("Ah")`` -> ``{"Ah": 1.0, "mAh": 1000.0, "C": 3600.0}``):
    what :func:`number` with ``unit=`` converts a string answer by, and a Moodle numerical
    question's unit ``multiplier`` (Moodle divides the typed number by it).

    Args:
        unit: A unit of the table (``"Ah"``, ``"mV"``, ``"Wh/kg"`` …).

    Raises:
        ValueError: if ``unit`` is not in the table.
    """
    if unit not in _UNITS:
        raise ValueError(f"unknown unit {unit!r}; known: {', '.join(_UNITS)}")
    quantity, factor = _UNITS[unit]
    return {name: factor / f for name, (q, f) in _UNITS.items() if q == quantity}


_QUANTITY = re.compile(r"^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.*)?$")


def _normalise(text: str) -> str:
    """Full-width digits, letters and spaces become half-width; thousands separators go."""
    text = unicodedata.normalize("NFKC", text).strip()
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def _as_quantity(name: str, unit: str) -> float:
    """A number in ``unit``: a bare number, or a string such as ``"5000 mAh"``."""
    if unit not in _UNITS:
        raise ValueError(f"unknown unit {unit!r}; known: {', '.join(_UNITS)}")
    value = _answer(name)
    if _is_number(value):
        return _finite(name, float(value))
    if type(value) is str:
        match = _QUANTITY.match(_normalise(value))
        if match:
            number, given = float(match.group(1)), (match.group(2) or unit).strip()
            if given in _UNITS and _UNITS[given][0] == _UNITS[unit][0]:
                return _finite(name, number * _UNITS[given][1] / _UNITS[unit][1])
            _fail(
                f"{name} の単位「{given}」は、この問題で求める量の単位ではありません"
                f"（{unit} と同じ種類の単位で答えましょう）。",
                f"The unit '{given}' of {name} is not a unit of the quantity asked for "
                f"(answer in a unit of the same kind as {unit}).",
            )
    _fail(
        f'{name} には数値（{unit} で）か、単位つきの文字列（例: "1.5 {unit}"）を代入して'
        f"ください（今は {_type_name(value)} 型です）。",
        f'Assign a number (in {unit}) or a string with a unit (e.g. "1.5 {unit}") to {name} '
        f"(it is a {_type_name(value)} now).",
    )


def _close(value: float, expected: float, rel_tol: float, abs_tol: float) -> bool:
    """Plain float arithmetic, so a patched ``math.isclose`` cannot change a verdict."""
    return abs(value - expected) <= max(rel_tol * max(abs(value), abs(expected)), abs_tol)


# ------------------------------------------------------------------------ partial credit
def _score(points: float | None, fraction: float, hint_ja: str, hint_en: str) -> float | None:
    """Raise (no ``points``) or return the points earned, printing the hint if not full."""
    if points is None:
        if fraction < 1.0:
            _fail(hint_ja, hint_en)
        return None
    if fraction < 1.0:
        print(bilingual(hint_ja, hint_en))
    return float(points) * fraction


def _scored(points: float | None, check, *args, **kwargs) -> float | None:
    """Run an all-or-nothing check; with ``points``, turn its failure into 0 points."""
    if points is None:
        check(*args, **kwargs)
        return None
    try:
        check(*args, **kwargs)
    except CheckFailed as failure:
        print(failure)
        return 0.0
    return float(points)


def total(*earned: float | None) -> float:
    """The score of a partial-credit test cell: the sum of the points its checks returned."""
    return float(sum(e for e in earned if e is not None))


# ---------------------------------------------------------------------------- the checks
def answered_number(name: str) -> None:
    """Visible test: the answer exists and is a finite number (not whether it is right).

    Args:
        name: The answer variable's name in the student's notebook.

    Raises:
        CheckFailed: if the variable is missing, not a number (or an array), or not finite.
    """
    _as_number(name)


# the usual slips: (factors the answer is off by, Japanese, English); the first that fits names it
# (public: a Moodle quiz gives the same feedback to the same slips, denchi.grading.moodle_quiz)
SLIPS: tuple[tuple[tuple[float, ...], str, str], ...] = (
    ((-1.0,), "符号が逆になっています。", "The sign is the wrong way round."),
    (
        (1e3, 1e-3),
        "値が 1000 倍ずれています。単位の接頭語（m、k）や mΩ と Ω、mAh と Ah を確かめましょう。",
        "The value is off by a factor of 1000: check the unit prefix (m, k), mΩ vs Ω, mAh vs Ah.",
    ),
    (
        (1e6, 1e-6),
        "値が 100 万倍ずれています。単位の接頭語 µ（マイクロ）を確かめましょう。",
        "The value is off by a factor of a million: check the prefix µ (micro).",
    ),
    (
        (3600.0, 1 / 3600),
        "値が 3600 倍ずれています。時間の単位（秒と時間）を確かめましょう。",
        "The value is off by a factor of 3600: check the time unit (seconds vs hours).",
    ),
    (
        (60.0, 1 / 60),
        "値が 60 倍ずれています。時間の単位（秒と分、分と時間）を確かめましょう。",
        "The value is off by a factor of 60: check the time unit (seconds, minutes, hours).",
    ),
    (
        (100.0, 1e-2),
        "値が 100 倍ずれています。% で答えるのか、割合（0〜1）で答えるのかを確かめましょう。",
        "The value is off by a factor of 100: check whether the answer is in % or a fraction.",
    ),
)


def _slip(value: float, expected: float, rel_tol: float, abs_tol: float) -> tuple[str, str]:
    """The usual slip that turns ``expected`` into ``value``, named (or two empty strings)."""
    for factors, ja, en in SLIPS if expected else ():
        if any(_close(value, expected * k, rel_tol, abs_tol) for k in factors):
            return f"（{ja}）", f" ({en})"
    return "", ""


def earlier(name: str) -> float | np.ndarray:
    """The student's answer to an earlier question, for ``carried_forward`` (a number, or a
    numeric array as a NumPy array); raises :class:`CheckFailed` if it is missing or unusable.

    Args:
        name: The answer variable's name in the student's notebook.

    Raises:
        CheckFailed: if the variable is missing, or neither a finite number nor an array of
            finite numbers.
    """
    value = _answer(name)
    return float(_as_number(name)) if _is_number(value) else _as_array(name)


def _carried(carried_forward) -> float | None:
    """The value expected from the student's own earlier answers (None if none is usable)."""
    if carried_forward is None:
        return None
    try:
        value = float(carried_forward())
    except Exception:  # an earlier answer missing, too short, not numeric: no carried value
        return None
    return value if math.isfinite(value) else None


def _number(name, expected, rel_tol, abs_tol, unit, hint_ja, hint_en, carried_forward) -> None:
    value = _as_quantity(name, unit) if unit else _as_number(name)
    if _close(value, expected, rel_tol, abs_tol):
        return
    own = _carried(carried_forward)
    if own is not None and _close(value, own, rel_tol, abs_tol):
        return  # right from the student's own earlier answer: the slip was counted there
    slip_ja, slip_en = _slip(value, expected, rel_tol, abs_tol)
    _fail(hint_ja + slip_ja, hint_en + slip_en)


def number(
    name: str,
    expected: float,
    *,
    rel_tol: float = 0.01,
    abs_tol: float = 0.0,
    unit: str | None = None,
    points: float | None = None,
    carried_forward: Callable[[], float] | None = None,
    hint_ja: str,
    hint_en: str,
) -> float | None:
    """The answer equals ``expected`` within the relative or absolute tolerance.

    With ``unit`` (for example ``"Ah"``) the answer may also be a string with a unit of the
    same kind, such as ``"5000 mAh"``; ``expected`` is in ``unit``.

    **Error carried forward.** For a question that builds on an earlier answer ("use your
    answer to 問1"), ``carried_forward`` computes the value expected from the student's own
    earlier answers, read with :func:`earlier`::

        carried_forward=lambda: 2.5 * (ocv - 2.5) / checks.earlier("q1_dcir_ohm")[4]

    The answer passes if it matches ``expected`` or that value, so one slip costs one
    question. An earlier answer that is missing or unusable carries nothing forward.

    Args:
        name: The answer variable's name in the student's notebook.
        expected: The right value (in ``unit``, if given).
        rel_tol: Relative tolerance (0.01 = 1 %).
        abs_tol: Absolute tolerance, in the answer's unit.
        unit: A unit of the module's table (``"Ah"``, ``"mV"``, ``"Wh/kg"`` …) that also
            accepts strings such as ``"5000 mAh"``; ``None`` for plain numbers only.
        points: With a number, return the points earned instead of raising on a wrong
            answer; ``None`` for an all-or-nothing check.
        carried_forward: Computes the value expected from the student's earlier answers.
        hint_ja: The hint shown when the answer is not right, in Japanese (must not reveal
            the answer).
        hint_en: The same hint in English.

    Raises:
        CheckFailed: without ``points``, if the answer is missing, unusable or not right
            (with ``points`` that scores 0 instead and the hint is printed).
        ValueError: if ``unit`` is not in the unit table (a mistake in the test cell).
    """
    return _scored(
        points, _number, name, expected, rel_tol, abs_tol, unit, hint_ja, hint_en, carried_forward
    )


def answered_choice(name: str, choices: str) -> None:
    """Visible test: the answer is one of the offered letters (not whether it is right).

    Args:
        name: The answer variable's name in the student's notebook.
        choices: The offered letters as one string, e.g. ``"ABCD"``.

    Raises:
        CheckFailed: if the variable is missing or not a one-letter string from ``choices``.
    """
    _as_choice(name, choices)


def _as_choice(name: str, choices: str) -> str:
    value = _answer(name)
    letter = _normalise(value).upper() if type(value) is str else ""
    if len(letter) != 1 or letter not in choices:
        letters = "・".join(choices)
        _fail(
            f"{name} には {letters} のどれか 1 文字を文字列で代入してください"
            f'（例: {name} = "A"）。',
            f'Assign one of {", ".join(choices)} to {name} as a string (e.g. {name} = "A").',
        )
    return letter


def _choice(name: str, expected: str, choices: str, hint_ja: str, hint_en: str) -> None:
    if _as_choice(name, choices) != expected:
        _fail(hint_ja, hint_en)


def choice(
    name: str,
    expected: str,
    choices: str,
    *,
    points: float | None = None,
    hint_ja: str,
    hint_en: str,
) -> float | None:
    """The chosen letter is the expected one.

    Args:
        name: The answer variable's name in the student's notebook.
        expected: The right letter.
        choices: The offered letters as one string, e.g. ``"ABCD"``.
        points: With a number, return the points earned instead of raising on a wrong
            answer; ``None`` for an all-or-nothing check.
        hint_ja: The hint shown when the answer is not right, in Japanese (must not reveal
            the answer).
        hint_en: The same hint in English.

    Raises:
        CheckFailed: without ``points``, if the answer is missing, not one of ``choices`` or
            not ``expected`` (with ``points`` that scores 0 instead).
    """
    return _scored(points, _choice, name, expected, choices, hint_ja, hint_en)


def _as_text(name: str) -> str:
    value = _answer(name)
    if type(value) is not str or not value.strip():
        _fail(
            f'{name} には、答えを文章（文字列）で代入してください（例: {name} = "……だから"）。',
            f'Assign your answer to {name} as text (e.g. {name} = "because ...").',
        )
    return value


def answered_text(name: str) -> None:
    """Visible test: the answer is a non-empty string.

    Args:
        name: The answer variable's name in the student's notebook.

    Raises:
        CheckFailed: if the variable is missing or not a non-empty string.
    """
    _as_text(name)


def _folded(text: str) -> str:
    return re.sub(r"\s+", "", _normalise(text)).casefold()


def keywords(
    name: str,
    required: Sequence[str | Sequence[str]],
    *,
    points: float | None = None,
    hint_ja: str,
    hint_en: str,
) -> float | None:
    """A short written answer mentions every required keyword.

    Each item of ``required`` is a keyword or a tuple of accepted synonyms
    (``("過電圧", "overpotential")``). Matching ignores spaces, case and full/half width. With
    ``points``, each keyword found earns an equal share.

    Args:
        name: The answer variable's name in the student's notebook.
        required: The keywords; each a string or a tuple of accepted synonyms.
        points: With a number, return the points earned instead of raising on a wrong
            answer; ``None`` for an all-or-nothing check.
        hint_ja: The hint shown when the answer is not right, in Japanese (must not reveal
            the answer).
        hint_en: The same hint in English.

    Raises:
        CheckFailed: if the answer is missing or unusable (not a non-empty string), even with
            ``points``; without ``points`` also if it is not right (the message is the hint).
    """
    text = _folded(_as_text(name))
    groups = [(item,) if isinstance(item, str) else tuple(item) for item in required]
    found = sum(any(_folded(word) in text for word in group) for group in groups)
    return _score(points, found / len(groups), hint_ja, hint_en)


def _as_array(name: str) -> np.ndarray:
    import numpy as np

    value = _answer(name)
    if _is_number(value):
        _fail(
            f"{name} は 1 つの数値です。この問題では、求めた値をすべて並べた配列を答えます"
            "（リストに append して np.array にするなど）。",
            f"{name} is one number; this question asks for an array of all the values "
            "(e.g. append them to a list and make it an np.array).",
        )
    items = value if type(value) is list or type(value) is tuple else None
    if type(value) is np.ndarray and value.dtype.kind in "iuf":
        array = value.astype(float)
    elif items is not None and items and all(_is_number(v) for v in items):
        array = np.array([float(v) for v in items])
    else:
        _fail(
            f"{name} には数値の配列（numpy の配列か、数値のリスト）を代入してください"
            f"（今は {_type_name(value)} 型です）。",
            f"Assign an array of numbers (a numpy array or a list of numbers) to {name} "
            f"(it is a {_type_name(value)} now).",
        )
    if not np.isfinite(array).all():
        _fail(f"{name} に nan や inf が入っています。", f"{name} contains nan or inf.")
    return array


def answered_array(name: str, size: int | None = None) -> None:
    """Visible test: the answer is an array of finite numbers (of ``size`` values, if given),
    not whether it is right.

    Args:
        name: The answer variable's name in the student's notebook.
        size: The number of values the question asks for; ``None`` for any.

    Raises:
        CheckFailed: if the variable is missing, not an array or list of finite numbers, or
            holds another number of values than ``size``.
    """
    count = _as_array(name).size
    if size is not None and count != size:
        _fail(
            f"{name} の値が {count} 個です。問題で求める {size} 個の値を入れましょう。",
            f"{name} holds {count} values; the question asks for {size}.",
        )


def array(
    name: str,
    expected: Sequence[float],
    *,
    rel_tol: float = 0.01,
    abs_tol: float = 0.0,
    points: float | None = None,
    hint_ja: str,
    hint_en: str,
) -> float | None:
    """Every element matches ``expected`` (same length); with ``points``, a share per element.

    Args:
        name: The answer variable's name in the student's notebook.
        expected: The right values, shape (n,) (any shape is flattened).
        rel_tol: Relative tolerance per element (0.01 = 1 %).
        abs_tol: Absolute tolerance per element, in the answer's unit.
        points: With a number, return the points earned instead of raising on a wrong
            answer; ``None`` for an all-or-nothing check.
        hint_ja: The hint shown when the answer is not right, in Japanese (must not reveal
            the answer).
        hint_en: The same hint in English.

    Raises:
        CheckFailed: if the answer is missing or unusable (not a numeric array of the
            expected length), even with ``points``; without ``points`` also if it is not
            right (the message is the hint).
    """
    import numpy as np

    value = _as_array(name).ravel()
    reference = np.asarray(expected, dtype=float).ravel()
    if value.size != reference.size:
        _fail(
            f"{name} の要素の数が {value.size} 個です。問題で求められた個数を確かめましょう。",
            f"{name} has {value.size} elements; check how many the question asks for.",
        )
    tolerance = np.maximum(rel_tol * np.maximum(abs(value), abs(reference)), abs_tol)
    fraction = float((abs(value - reference) <= tolerance).mean())
    return _score(points, fraction, hint_ja, hint_en)


def minimises(
    name: str,
    objective: Callable[[np.ndarray], float],
    minimum: float,
    *,
    size: int,
    rel_tol: float = 1e-3,
    points: float | None = None,
    hint_ja: str,
    hint_en: str,
) -> float | None:
    """The answer, an array of ``size`` fitted parameters, minimises ``objective`` as the
    question asked: ``objective(answer)`` is at most ``minimum`` (the reference fit's value)
    plus ``rel_tol`` of it.

    For a fit whose criterion is part of the question (e04: residuals divided by ``|Z|``):
    parameters found by another criterion (an unweighted fit) leave a larger value of the
    asked-for objective even where they are close to the reference, and any correct fit
    reaches the same minimum, whatever its start values or optimiser. A value below
    ``minimum`` passes (a better fit than the reference). ``objective`` is the grader's code;
    it receives the student's numbers as a float array, and if it raises or gives no finite
    number the answer does not pass.

    Args:
        name: The answer variable's name in the student's notebook.
        objective: The asked-for criterion, from an array of shape (``size``,) to a number.
        minimum: ``objective`` at the reference fit.
        size: Number of fitted parameters.
        rel_tol: How far above ``minimum`` still passes, relative to ``minimum``.
        points: With a number, return the points earned instead of raising on a wrong
            answer; ``None`` for an all-or-nothing check.
        hint_ja: The hint shown when the answer is not right, in Japanese (must not reveal
            the answer).
        hint_en: The same hint in English.

    Raises:
        CheckFailed: if the answer is missing or unusable (not a numeric array of ``size``
            values), even with ``points``; without ``points`` also if it is not right (the
            message is the hint).
    """
    import numpy as np

    value = _as_array(name).ravel()
    if value.size != size:
        _fail(
            f"{name} の要素の数が {value.size} 個です。問題で求められた {size} 個のパラメータを"
            "順に入れましょう。",
            f"{name} has {value.size} elements; put the {size} parameters the question asks "
            "for, in order.",
        )
    try:
        with np.errstate(all="ignore"):
            reached = float(objective(value))
    except Exception:  # parameters the objective cannot use (negative, zero): not a fit
        reached = math.nan
    bound = minimum + rel_tol * abs(minimum)
    fits = bool(np.isfinite(reached)) and reached <= bound
    return _score(points, 1.0 if fits else 0.0, hint_ja, hint_en)


def curve(
    x_name: str,
    y_name: str,
    reference_x: Sequence[float],
    reference_y: Sequence[float],
    *,
    abs_tol: float,
    min_fraction: float = 0.95,
    points: float | None = None,
    hint_ja: str,
    hint_en: str,
) -> float | None:
    """A curve (x, y arrays) follows a reference curve, for example a reference simulation.

    The student's curve is interpolated at the reference's x values; a reference point matches
    if the curves differ there by at most ``abs_tol`` (in y units). The curve must span the
    reference's x range. Without ``points`` it passes if at least ``min_fraction`` of the points
    match; with ``points`` it earns ``points`` × (matching fraction), all points from
    ``min_fraction`` up.

    Args:
        x_name: The notebook variable holding the curve's x values.
        y_name: The notebook variable holding the curve's y values.
        reference_x: The reference's x values, shape (m,).
        reference_y: The reference's y values, shape (m,).
        abs_tol: Largest difference in y that still matches [y units].
        min_fraction: Share of reference points that must match (0–1).
        points: With a number, return the points earned instead of raising on a wrong
            answer; ``None`` for an all-or-nothing check.
        hint_ja: The hint shown when the answer is not right, in Japanese (must not reveal
            the answer).
        hint_en: The same hint in English.

    Raises:
        CheckFailed: if an array is missing or unusable, the two differ in length or have
            fewer than 2 values, or the curve does not span the reference's x range, even
            with ``points``; without ``points`` also if too few points match.
    """
    import numpy as np

    x, y = _as_array(x_name).ravel(), _as_array(y_name).ravel()
    if x.size != y.size or x.size < 2:
        _fail(
            f"{x_name} と {y_name} は、同じ個数（2 個以上）の値を持つ配列にしてください。",
            f"{x_name} and {y_name} must be arrays of the same length (at least 2).",
        )
    ref_x = np.asarray(reference_x, dtype=float).ravel()
    ref_y = np.asarray(reference_y, dtype=float).ravel()
    order = np.argsort(x)
    x, y = x[order], y[order]
    span = (ref_x.max() - ref_x.min()) or 1.0
    if x.min() > ref_x.min() + 0.02 * span or x.max() < ref_x.max() - 0.02 * span:
        _fail(
            f"{x_name} の範囲が足りません。横軸の最初から最後まで、曲線全体を求めましょう。",
            f"{x_name} does not cover the whole range: compute the curve from start to end.",
        )
    matched = float((abs(np.interp(ref_x, x, y) - ref_y) <= abs_tol).mean())
    fraction = 1.0 if matched >= min_fraction else matched
    return _score(points, fraction, hint_ja, hint_en)
