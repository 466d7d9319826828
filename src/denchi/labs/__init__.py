"""Virtual labs: PyBaMM cell simulations that stand in for lab equipment.

    from denchi import labs
    cell = labs.Cell("nmc_graphite")
    r = cell.discharge(c_rate=1.0, temperature_c=25)
    r.capacity_ah, r.energy_wh, r.plot()

Importing this package does not import PyBaMM; the first experiment does.
"""

from __future__ import annotations

from denchi.labs.errors import LabInputError, LabSimulationError

__all__ = ["Cell", "DischargeResult", "LabInputError", "LabSimulationError", "PRESETS", "compare"]


def __getattr__(name: str):
    if name == "Cell":
        from denchi.labs.cell import Cell

        return Cell
    if name in ("DischargeResult", "compare"):
        from denchi.labs import results

        return getattr(results, name)
    if name == "PRESETS":
        from denchi.labs.presets import PRESETS

        return PRESETS
    raise AttributeError(f"module 'denchi.labs' has no attribute {name!r}")
