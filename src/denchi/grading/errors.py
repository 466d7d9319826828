"""Errors a teacher sees from the grading commands, always in Japanese and English."""

from __future__ import annotations

from denchi.i18n import bilingual


class GradingError(ValueError):
    """Bad input to the grading pipeline; the message says what was wrong and what to do."""

    def __init__(self, ja: str, en: str) -> None:
        self.message_ja = ja
        self.message_en = en
        super().__init__(bilingual(ja, en))
