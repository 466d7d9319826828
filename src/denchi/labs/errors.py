"""Errors a learner may see from a virtual lab, always in Japanese and English."""

from __future__ import annotations

from denchi.i18n import bilingual


class LabInputError(ValueError):
    """A lab argument is wrong or the experiment cannot run; the message says what to change."""

    def __init__(self, parameter: str, ja: str, en: str) -> None:
        self.parameter = parameter
        self.message_ja = ja
        self.message_en = en
        super().__init__(bilingual(ja, en))


class LabSimulationError(LabInputError):
    """The simulation could not finish for these settings (explained in plain words)."""
