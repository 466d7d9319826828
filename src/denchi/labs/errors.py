"""Errors a learner may see from a virtual lab, always in Japanese and English."""

from __future__ import annotations

from denchi.errors import InputError

#: The lab name for :class:`denchi.errors.InputError` (one class, shared with the calculators).
LabInputError = InputError


class LabSimulationError(InputError):
    """The simulation could not finish for these settings (explained in plain words)."""
