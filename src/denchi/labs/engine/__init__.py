"""The layer over PyBaMM: presets, building simulations once, re-solving them, the cache.

Nothing above this layer imports PyBaMM; the learner API (`denchi.labs.api`) calls the
functions re-exported here. Importing this package does not import PyBaMM.
"""

from denchi.labs.engine.simulation import (
    AGING_VARIABLES,
    SERIES_VARIABLES,
    Conditions,
    ModelSpec,
    ProtocolRun,
    StepShape,
    discharge_simulation,
    electrode_area_m2,
    experiment_simulation,
    impedance_simulation,
    numeric_parameters,
    open_circuit_potentials,
    plain_parameter_values,
    pybamm_call,
    run_protocol,
    solve_discharge,
    solve_impedance,
    solve_polarisation,
    stoichiometry_window,
)

__all__ = [
    "AGING_VARIABLES",
    "SERIES_VARIABLES",
    "Conditions",
    "ModelSpec",
    "ProtocolRun",
    "StepShape",
    "discharge_simulation",
    "electrode_area_m2",
    "experiment_simulation",
    "impedance_simulation",
    "numeric_parameters",
    "open_circuit_potentials",
    "plain_parameter_values",
    "pybamm_call",
    "run_protocol",
    "solve_discharge",
    "solve_impedance",
    "solve_polarisation",
    "stoichiometry_window",
]
