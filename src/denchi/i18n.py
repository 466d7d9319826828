"""Page language for learner-facing text (plot labels, messages): Japanese first, English later.

The language comes from ``set_language()`` or the ``DENCHI_LANG`` environment variable
(``ja`` or ``en``); Japanese is the default.
"""

from __future__ import annotations

import os
from typing import Literal

Language = Literal["ja", "en"]
_LANGUAGES: tuple[Language, ...] = ("ja", "en")
_current: Language | None = None


def get_language() -> Language:
    """The language in use: the last ``set_language()``, else ``$DENCHI_LANG``, else ``ja``.

    Returns:
        ``"ja"`` or ``"en"``; an unknown ``$DENCHI_LANG`` counts as ``"ja"``.
    """
    if _current is not None:
        return _current
    env = os.environ.get("DENCHI_LANG", "ja").lower()
    return env if env in _LANGUAGES else "ja"


def set_language(language: Language) -> None:
    """Choose the language of plot labels and messages for this Python process.

    Args:
        language: ``"ja"`` or ``"en"``.

    Raises:
        ValueError: If ``language`` is neither (message in Japanese and English).
    """
    global _current
    if language not in _LANGUAGES:
        raise ValueError(
            f"言語は {_LANGUAGES} のどれかを指定してください（指定値: {language!r}） / "
            f"language must be one of {_LANGUAGES}, got {language!r}"
        )
    _current = language


def text(ja: str, en: str) -> str:
    """Pick the Japanese or English version for the current page language.

    Args:
        ja: The Japanese text.
        en: The English text.

    Returns:
        ``ja`` if :func:`get_language` is ``"ja"``, else ``en``.
    """
    return ja if get_language() == "ja" else en


def bilingual(ja: str, en: str) -> str:
    """A message for learners and teachers: Japanese first, then English.

    Args:
        ja: The Japanese message.
        en: The English message.

    Returns:
        ``ja``, a line break, then ``en``.
    """
    return f"{ja}\n{en}"


def gloss(ja: str, en: str) -> str:
    """A term for a Japanese reader with its English name once: 「採点済み (graded)」.

    Args:
        ja: The Japanese term.
        en: The English term.

    Returns:
        ``ja``, a space and ``en`` in round brackets, on one line.
    """
    return f"{ja} ({en})"
