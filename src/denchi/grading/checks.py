"""Checks that assignment test cells call: each failure explains itself in Japanese and English.

Test cells name the answer variable, and the check reads it from the notebook's namespace,
so a missing answer gets a hint instead of a ``NameError``::

    checks.number("q1_capacity_ah", expected=5.0, rel_tol=0.01,
                  hint_ja="容量 [Ah] = 電流 [A] × 時間 [h]", hint_en="capacity = current × time")

A failed check raises ``CheckFailed`` (an ``AssertionError``, so nbgrader scores the cell as
failed) whose message is a hint that helps without revealing the expected answer.
"""

from __future__ import annotations

import math
import sys
from numbers import Real

from denchi.i18n import bilingual


class CheckFailed(AssertionError):
    """An answer did not pass; the message is a bilingual hint."""


def _fail(hint_ja: str, hint_en: str) -> None:
    raise CheckFailed(bilingual(hint_ja, hint_en))


def _answer(name: str) -> object:
    namespace = vars(sys.modules["__main__"])
    if name not in namespace:
        _fail(
            f"変数 {name} がまだありません。解答のセルに `{name} = 答え` と書いて実行しましたか？",
            f"There is no variable {name} yet. Did you write `{name} = answer` and run the cell?",
        )
    return namespace[name]


def _as_number(name: str) -> float:
    """Accept only genuine ints and floats (also numpy scalars), never look-alike objects."""
    value = _answer(name)
    if isinstance(value, bool) or not isinstance(value, Real):
        _fail(
            f"{name} には数値を代入してください（今は {type(value).__name__} 型です）。",
            f"Assign a number to {name} (it is a {type(value).__name__} now).",
        )
    number = float(value)
    if not math.isfinite(number):
        _fail(f"{name} が有限の数ではありません。", f"{name} is not a finite number.")
    return number


def answered_number(name: str) -> float:
    """Visible test: the answer exists and is a finite number (not whether it is right)."""
    return _as_number(name)


def number(
    name: str,
    expected: float,
    *,
    rel_tol: float = 0.01,
    abs_tol: float = 0.0,
    hint_ja: str,
    hint_en: str,
) -> None:
    """The answer equals ``expected`` within the relative or absolute tolerance."""
    if not math.isclose(_as_number(name), expected, rel_tol=rel_tol, abs_tol=abs_tol):
        _fail(hint_ja, hint_en)


def answered_choice(name: str, choices: str) -> str:
    """Visible test: the answer is one of the offered letters (not whether it is right)."""
    value = _answer(name)
    if type(value) is not str or value.strip().upper() not in set(choices):
        letters = "・".join(choices)
        _fail(
            f"{name} には {letters} のどれか 1 文字を文字列で代入してください"
            f'（例: {name} = "A"）。',
            f'Assign one of {", ".join(choices)} to {name} as a string (e.g. {name} = "A").',
        )
    return value.strip().upper()


def choice(name: str, expected: str, choices: str, *, hint_ja: str, hint_en: str) -> None:
    """The chosen letter is the expected one."""
    if answered_choice(name, choices) != expected:
        _fail(hint_ja, hint_en)
