"""The one door through which ``denchi`` imports PyBaMM, with its telemetry switched off.

School devices must not phone home: the opt-out variable is set before PyBaMM is imported,
and PyBaMM's own switch is turned off afterwards in case a config file said otherwise.
"""

from __future__ import annotations

import os
from types import ModuleType


def import_pybamm() -> ModuleType:
    """Import PyBaMM with telemetry disabled in every way PyBaMM offers.

    Sets ``PYBAMM_DISABLE_TELEMETRY=true`` in this process's environment before the import,
    then calls ``pybamm.telemetry.disable()``.

    Returns:
        The ``pybamm`` module.

    Raises:
        ModuleNotFoundError: If PyBaMM is not installed.
    """
    os.environ["PYBAMM_DISABLE_TELEMETRY"] = "true"
    import pybamm

    pybamm.telemetry.disable()
    return pybamm
