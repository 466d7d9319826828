"""Errors a learner may see from a virtual lab, always in Japanese and English, and the one
check of keyword arguments that every public function and method of the labs shares."""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from denchi.errors import InputError

#: The lab name for :class:`denchi.errors.InputError` (one class, shared with the calculators).
LabInputError = InputError


class LabSimulationError(InputError):
    """The simulation could not finish for these settings (explained in plain words)."""


F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def unknown_keyword(name: str, known: list[str]) -> LabInputError:
    """The error for a keyword argument that does not exist, with the closest known one.

    Args:
        name: The keyword the caller gave.
        known: The keywords the function takes.

    Returns:
        The error to raise (this function does not raise it).
    """
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return LabInputError(
            name,
            f"引数 {name} はありません。{close[0]} のことですか？",
            f"There is no argument {name}. Did you mean {close[0]}?",
        )
    listed = ", ".join(known) if known else "-"
    return LabInputError(
        name,
        f"引数 {name} はありません。使える引数: {listed}",
        f"There is no argument {name}. The arguments are: {listed}",
    )


def keywords_checked(func: F) -> F:
    """Wrap ``func`` so that a misspelled keyword or too many arguments raise a bilingual
    ``LabInputError`` (``temprature_c`` → 「temperature_c のことですか？」) instead of
    Python's ``TypeError``. A function with ``**kwargs`` is returned unchanged.

    Args:
        func: The public function or method to wrap.

    Returns:
        The wrapper; calling it raises ``LabInputError`` for an unknown keyword or a wrong
        number of arguments, and whatever ``func`` raises.
    """
    signature = inspect.signature(func)
    params = list(signature.parameters.values())
    if any(p.kind == inspect.Parameter.VAR_KEYWORD for p in params):
        return func
    known = [p.name for p in params if p.kind in _NAMED and p.name not in ("self", "cls")]

    @functools.wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        for name in kwargs:
            if name not in known:
                raise unknown_keyword(name, known)
        try:
            signature.bind(*args, **kwargs)
        except TypeError:
            listed = ", ".join(known) if known else "-"
            raise LabInputError(
                func.__name__,
                f"{func.__name__} の引数の数が合いません。使える引数: {listed}",
                f"{func.__name__} got the wrong number of arguments. The arguments are: {listed}",
            ) from None
        return func(*args, **kwargs)

    return checked  # type: ignore[return-value]


def methods_checked(cls: C) -> C:
    """Apply :func:`keywords_checked` to ``__init__`` and every public method of ``cls``.

    Args:
        cls: The class to change in place (also returned, for use as a decorator).
    """
    for name, value in list(vars(cls).items()):
        if inspect.isfunction(value) and (name == "__init__" or not name.startswith("_")):
            setattr(cls, name, keywords_checked(value))
    return cls
