"""The one door through which ``denchi`` imports PyBaMM, with its telemetry switched off.

School devices must not phone home: the opt-out variable is set before PyBaMM is imported,
and PyBaMM's own switch is turned off afterwards in case a config file said otherwise.
Where pybtex is installed (the book's sphinxcontrib-bibtex brings it), PyBaMM reads its
citation table with it at import; the door makes that read cheap (:func:`_register_bibtex`).
"""

from __future__ import annotations

import os
import sys
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
    if "pybamm" not in sys.modules:
        _register_bibtex()
    import pybamm

    pybamm.telemetry.disable()
    return pybamm


def _register_bibtex() -> None:
    """Register pybtex's BibTeX reader and writer by class, as the entry points name them.

    PyBaMM's import turns each of its 82 citations into BibTeX text with pybtex, and pybtex
    looks the writer up among every installed package's entry points each time (about 0.5 s
    of a 2.4 s import in the book's environment). A registered class is a dict read instead.
    The classes are the ones the entry points load, so the citations are the same; without
    pybtex PyBaMM skips its citations and so does this.
    """
    try:
        from pybtex.database.input.bibtex import Parser
        from pybtex.database.output.bibtex import Writer
        from pybtex.plugin import register_plugin
    except ImportError:
        return
    register_plugin("pybtex.database.input", "bibtex", Parser, force=True)
    register_plugin("pybtex.database.output", "bibtex", Writer, force=True)
