"""Virtual labs: PyBaMM cell simulations that stand in for lab equipment.

    from denchi import labs
    cell = labs.Cell("nmc_graphite")
    r = cell.discharge(c_rate=1.0, temperature_c=25)
    r.capacity_ah, r.energy_wh, r.plot()

Experiments of a ``Cell``: ``discharge``, ``rate_test``, ``charge``, ``cycle`` (with
``labs.protocols``), ``ocv``, ``pulse_test``, ``polarisation``, ``gitt``, ``eis``, ``aging`` and
``calendar_aging``; ``labs.design_cell`` builds a cell from electrode choices;
``labs.practicum_cell`` makes a cell in the four steps of the small-cell practicum;
``labs.Instrument`` turns results into seeded "measured" data; ``labs.compare`` draws results
in one figure. Importing this package does not import PyBaMM; the first experiment does.

The package is in layers, each importing only the ones before it:

- ``errors``, ``seeds``: the errors learners see, and the seeds of "measured" data;
- ``engine``: presets and PyBaMM simulations, built once and re-solved (the only PyBaMM user);
- ``api``: the learner's ``Cell``, protocols, results, plots, explorers, designs, instruments;
- ``analysis``: the reference analyses of the evaluation labs e01–e06;
- ``datasets``: the seeded data sets of the evaluation labs.

The short names used on the lab pages and in the assignments (``labs.protocols``,
``labs.widgets``, ``labs.analysis_rate``, ``labs.lab_datasets`` …) stay importable from here.
"""

from __future__ import annotations

from importlib import import_module

from denchi.labs.errors import LabInputError, LabSimulationError

_EXPORTS = {
    "Cell": "denchi.labs.api.cell",
    "design_cell": "denchi.labs.api.design",
    "CellDesign": "denchi.labs.api.design",
    "practicum_cell": "denchi.labs.api.practicum",
    "PracticumCell": "denchi.labs.api.practicum",
    "Instrument": "denchi.labs.api.instrument",
    "student_seed": "denchi.labs.seeds",
    "compare": "denchi.labs.api.plots",
    "PRESETS": "denchi.labs.engine.presets",
    "Preset": "denchi.labs.engine.presets",
    "DischargeResult": "denchi.labs.api.results",
    "ProtocolResult": "denchi.labs.api.results",
    "PulseTestResult": "denchi.labs.api.results",
    "GITTResult": "denchi.labs.api.results",
    "PolarisationResult": "denchi.labs.api.polarisation",
    "RateTestResult": "denchi.labs.api.results",
    "OCVResult": "denchi.labs.api.ocv",
    "EISResult": "denchi.labs.api.impedance",
    "AgingResult": "denchi.labs.api.aging",
}

# modules by the short names that lab pages and released assignments import
_MODULES = {
    "protocols": "denchi.labs.api.protocols",
    "plots": "denchi.labs.api.plots",
    "widgets": "denchi.labs.api.widgets",
    "practicum": "denchi.labs.api.practicum",
    "analysis_rate": "denchi.labs.analysis.rate",
    "analysis_ocv": "denchi.labs.analysis.ocv",
    "analysis_pulse": "denchi.labs.analysis.pulse",
    "circuit_fit": "denchi.labs.analysis.circuit_fit",
    "heat": "denchi.labs.analysis.heat",
    "fade": "denchi.labs.analysis.fade",
    "lab_datasets": "denchi.labs.datasets.evaluation",
    "u01_datasets": "denchi.labs.datasets.electrochemistry",
    "analysis_ecm": "denchi.labs.analysis.ecm",
    "u03_datasets": "denchi.labs.datasets.modeling",
    "u06_datasets": "denchi.labs.datasets.quality",
    "u07_datasets": "denchi.labs.datasets.safety",
}

__all__ = ["LabInputError", "LabSimulationError", *_MODULES, *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    if name in _MODULES:
        return import_module(_MODULES[name])
    raise AttributeError(f"module 'denchi.labs' has no attribute {name!r}")
