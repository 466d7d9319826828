"""Virtual labs: PyBaMM cell simulations that stand in for lab equipment.

    from denchi import labs
    cell = labs.Cell("nmc_graphite")
    r = cell.discharge(c_rate=1.0, temperature_c=25)
    r.capacity_ah, r.energy_wh, r.plot()

Experiments of a ``Cell``: ``discharge``, ``rate_test``, ``charge``, ``cycle`` (with
``labs.protocols``), ``ocv``, ``pulse_test``, ``gitt``, ``eis``, ``aging`` and
``calendar_aging``; ``labs.design_cell`` builds a cell from electrode choices;
``labs.practicum_cell`` makes a cell in the four steps of the small-cell practicum;
``labs.Instrument`` turns results into seeded "measured" data; ``labs.compare`` draws results
in one figure. Importing this package does not import PyBaMM; the first experiment does.
"""

from __future__ import annotations

from importlib import import_module

from denchi.labs.errors import LabInputError, LabSimulationError

_EXPORTS = {
    "Cell": "denchi.labs.cell",
    "design_cell": "denchi.labs.design",
    "CellDesign": "denchi.labs.design",
    "practicum_cell": "denchi.labs.practicum",
    "PracticumCell": "denchi.labs.practicum",
    "Instrument": "denchi.labs.instrument",
    "student_seed": "denchi.labs.seeds",
    "compare": "denchi.labs.plots",
    "PRESETS": "denchi.labs.presets",
    "Preset": "denchi.labs.presets",
    "DischargeResult": "denchi.labs.results",
    "ProtocolResult": "denchi.labs.results",
    "PulseTestResult": "denchi.labs.results",
    "GITTResult": "denchi.labs.results",
    "RateTestResult": "denchi.labs.results",
    "OCVResult": "denchi.labs.ocv",
    "EISResult": "denchi.labs.impedance",
    "AgingResult": "denchi.labs.aging",
}

__all__ = ["LabInputError", "LabSimulationError", "protocols", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    if name == "protocols":
        return import_module("denchi.labs.protocols")
    raise AttributeError(f"module 'denchi.labs' has no attribute {name!r}")
