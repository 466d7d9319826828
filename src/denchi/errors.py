"""The error every learner-facing calculator and lab raises for a bad argument.

Its message is Japanese first, then English, and names the argument, the allowed values and
what to try. ``denchi.labs``, ``denchi.chem`` and ``denchi.sustain`` all raise it, so they
depend on this module rather than on each other.
"""

from __future__ import annotations

from denchi.i18n import bilingual


class InputError(ValueError):
    """An argument is wrong or the experiment cannot run; the message says what to change.

    A subclass of ``ValueError``, so ``except ValueError`` also catches it. ``str(error)`` is
    the Japanese message, a line break, then the English one (:func:`denchi.i18n.bilingual`).

    Args:
        parameter: Name of the argument that was wrong, e.g. ``"time_s"``.
        ja: The message in Japanese.
        en: The same message in English.

    Attributes:
        parameter: Name of the argument that was wrong.
        message_ja: The message in Japanese.
        message_en: The message in English.
    """

    def __init__(self, parameter: str, ja: str, en: str) -> None:
        self.parameter = parameter
        self.message_ja = ja
        self.message_en = en
        super().__init__(bilingual(ja, en))
