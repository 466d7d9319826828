"""The one door through which ``denchi`` imports PyBaMM, with its telemetry switched off.

School devices must not phone home: the opt-out variable is set before PyBaMM is imported,
and PyBaMM's own switch is turned off afterwards in case a config file said otherwise.
Where pybtex is installed (the book's sphinxcontrib-bibtex brings it), PyBaMM reads its
citation table with it at import; the door makes that read cheap (:mod:`denchi.pybtex_plugins`).
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

from denchi.pybtex_plugins import register_pybtex_plugins


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
    if "pybamm" not in sys.modules:
        # PyBaMM's import writes each of its citations as BibTeX with pybtex, if installed
        register_pybtex_plugins(("pybtex.database.input", "pybtex.database.output"))
    import pybamm

    pybamm.telemetry.disable()
    return pybamm
