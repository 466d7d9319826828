"""Build PyBaMM simulations once and re-solve them with input parameters.

Built simulations are cached in the process, keyed by what changes the model (preset and
model options); what a learner changes on a slider (current, temperature) are PyBaMM
``[input]`` parameters, so a new value re-solves without rebuilding.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from denchi.labs.errors import LabSimulationError
from denchi.labs.presets import Preset
from denchi.telemetry import import_pybamm

INPUTS = ("Current function [A]", "Ambient temperature [K]", "Initial temperature [K]")


@cache
def discharge_simulation(preset: Preset) -> Any:
    """A DFN model with a lumped thermal model, built for constant-current discharge."""
    pybamm = import_pybamm()
    model = pybamm.lithium_ion.DFN(options={"thermal": "isothermal"})
    params = preset.parameter_values(pybamm)
    params.update({name: "[input]" for name in INPUTS})
    return pybamm.Simulation(model, parameter_values=params, solver=pybamm.IDAKLUSolver())


def solve_discharge(preset: Preset, current_a: float, temperature_k: float, t_end_s: float):
    """Solve a constant-current discharge until the lower voltage cut-off or ``t_end_s``."""
    sim = discharge_simulation(preset)
    inputs = dict(zip(INPUTS, (current_a, temperature_k, temperature_k), strict=True))
    try:
        return sim.solve([0.0, t_end_s], inputs=inputs)
    except Exception as exc:  # PyBaMM/CasADi/IDAKLU raise many types; learners see one
        raise LabSimulationError(
            "c_rate",
            "この条件ではシミュレーションが最後まで計算できませんでした。"
            "C レートを小さくするか、温度を 25 ℃ に近づけてもう一度試してください。",
            "The simulation could not finish for these settings. "
            "Try a smaller C-rate or a temperature closer to 25 °C.",
        ) from exc


def open_circuit_potentials(preset: Preset, soc):
    """Electrode potentials [V] at the given states of charge (0 = empty, 1 = full).

    Stoichiometries follow PyBaMM's electrode-balancing of the preset between its voltage
    cut-offs, so ``positive - negative`` is the cell's open-circuit voltage.
    """
    pybamm = import_pybamm()
    params = preset.parameter_values(pybamm)
    x_0, x_100, y_100, y_0 = pybamm.lithium_ion.get_min_max_stoichiometries(params)
    x = x_0 + soc * (x_100 - x_0)
    y = y_0 + soc * (y_100 - y_0)
    positive = params["Positive electrode OCP [V]"](pybamm.Vector(y)).evaluate().ravel()
    negative = params["Negative electrode OCP [V]"](pybamm.Vector(x)).evaluate().ravel()
    return positive, negative
