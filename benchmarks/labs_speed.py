"""Speed and memory of the virtual-lab engine, as ratios against plain PyBaMM in one run.

    .venv/bin/python benchmarks/labs_speed.py [--repeats 5]

(a) A slider change: ``Cell.discharge`` with a new C-rate and temperature re-solves the
    cached simulation; the baseline rebuilds a PyBaMM simulation for the same result.
    Target: at least 20 times faster. Measured for the DFN (the labs' default) and SPMe.
(b) The first call in a fresh process: ``labs.Cell("nmc_graphite").discharge()`` against
    plain PyBaMM building and solving the same model with the same parameters and reading
    the same arrays (PyBaMM is imported before the clock starts in both).
    Target: no more than 10 % slower.
(c) Peak memory (``ru_maxrss``) of a fresh process running a typical lab session, and of a
    process that only imports PyBaMM. Targets: a kernel running the h04 and e03 pages at most
    280 MB; a 10C CC-CV charge at -20 ℃ (the electrolyte runs out in the cell) adds less
    than 280 MB to a kernel that has shown one discharge.

Each first call runs in its own subprocess, alternating between the two sides. The script
reports medians of wall-clock time and of CPU time (``time.process_time``): on a shared,
busy machine the wall clock also counts the time other programs held the CPU, the CPU time
does not, so the CPU-time ratio is the steadier estimate of the code's own cost.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ["PYBAMM_DISABLE_TELEMETRY"] = "true"
VARIABLES = (
    "Time [s]",
    "Voltage [V]",
    "Current [A]",
    "Discharge capacity [A.h]",
    "X-averaged cell temperature [C]",
)
SLIDER = [(0.5, 25.0), (1.5, 10.0), (2.0, 0.0), (3.0, 40.0), (0.8, -10.0), (2.5, 25.0)]


def plain_discharge(pybamm, c_rate: float, temperature_c: float, model: str = "dfn") -> float:
    """Plain PyBaMM: the same parameters, model, mesh and solver as the labs, from scratch."""
    from denchi.labs.engine.presets import PRESETS
    from denchi.labs.engine.simulation import LITHIUM_ION_MESH, kinetics_floors, sample_times

    preset = PRESETS["nmc_graphite"]
    params = preset.parameter_values(pybamm)  # Chen2020 with O'Regan's temperature data
    kelvin = temperature_c + 273.15
    params.update(
        {
            "Current function [A]": c_rate * preset.nominal_capacity_ah,
            "Ambient temperature [K]": kelvin,
            "Initial temperature [K]": kelvin,
        }
    )
    with kinetics_floors(pybamm):  # the labs' floor of j0 in a depleted electrolyte
        built = {"dfn": pybamm.lithium_ion.DFN, "spme": pybamm.lithium_ion.SPMe}[model](
            options={"thermal": "isothermal"}
        )
    solver = pybamm.IDAKLUSolver()
    sim = pybamm.Simulation(built, parameter_values=params, solver=solver, var_pts=LITHIUM_ION_MESH)
    t_end = 3600.0 / c_rate * 1.5
    solution = sim.solve([0.0, t_end], t_interp=sample_times(0.0, t_end))  # the same dense output
    arrays = [solution[name].entries for name in VARIABLES]
    return float(arrays[3][-1])


def labs_discharge(c_rate: float, temperature_c: float) -> float:
    from denchi import labs

    return (
        labs.Cell("nmc_graphite").discharge(c_rate=c_rate, temperature_c=temperature_c).capacity_ah
    )


def first_call(side: str) -> dict:
    """Run in a fresh process: import PyBaMM, then time one 1C, 25 ℃ discharge."""
    from denchi.telemetry import import_pybamm

    pybamm = import_pybamm()
    import denchi.labs.api.cell  # noqa: F401  (importing modules is not part of the call)

    run = labs_discharge if side == "labs" else lambda *a: plain_discharge(pybamm, *a)
    wall, cpu, capacity = _timed(run, 1.0, 25.0)
    return {"wall": wall, "cpu": cpu, "capacity_ah": capacity}


def _timed(call, *args) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = call(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, value


def slider(repeats: int, model: str) -> dict:
    """In one warm process: slider changes against rebuilds, value by value."""
    from denchi import labs
    from denchi.telemetry import import_pybamm

    pybamm = import_pybamm()
    cell = labs.Cell("nmc_graphite", model=model)
    cell.discharge(c_rate=1.0, temperature_c=25.0)  # the page has shown its first curve
    plain_discharge(pybamm, 1.0, 25.0, model)  # warm PyBaMM's own caches too
    times: dict[str, list[float]] = {
        k: [] for k in ("change", "rebuild", "change_cpu", "rebuild_cpu")
    }
    worst = 0.0
    for _ in range(repeats):
        for c_rate, temperature in SLIDER:
            wall, cpu, ours = _timed(labs_slider, cell, c_rate, temperature)
            times["change"].append(wall)
            times["change_cpu"].append(cpu)
            wall, cpu, theirs = _timed(plain_discharge, pybamm, c_rate, temperature, model)
            times["rebuild"].append(wall)
            times["rebuild_cpu"].append(cpu)
            worst = max(worst, abs(ours - theirs) / theirs)
    return {**times, "max_rel_difference": worst}


def labs_slider(cell, c_rate: float, temperature_c: float) -> float:
    return cell.discharge(c_rate=c_rate, temperature_c=temperature_c).capacity_ah


def h04_session() -> dict:
    """The h04 lab page: five discharges, a temperature series and the explorer's curve."""
    from denchi import labs

    cell = labs.Cell("nmc_graphite")
    cell.rate_test([0.2, 0.5, 1, 2, 3])
    for temperature in (0, 25, 45):
        cell.discharge(c_rate=2, temperature_c=temperature)
    cell.ocv()
    return {"max_rss_mb": _rss_mb()}


KERNEL_IMPORTS = (
    "from denchi.telemetry import import_pybamm\n"
    "import_pybamm()\n"
    "from matplotlib import pyplot\n"
    "import pandas\n"
    "from denchi import labs"
)


def pages_kernel(*pages: str) -> dict:
    """Peak memory of one Jupyter kernel that runs the code cells of the given lab pages in
    turn, as a learner's kernel does (each page in its own folder); without pages, a kernel
    that only imports what the pages import (PyBaMM, matplotlib, pandas, denchi.labs)."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    root = Path(__file__).resolve().parent.parent
    cells = [nbformat.v4.new_code_cell("import os, resource")]
    if not pages:
        cells.append(nbformat.v4.new_code_cell(KERNEL_IMPORTS))
    for page in pages:
        folder = root / "labs" / page
        cells.append(nbformat.v4.new_code_cell(f"os.chdir({str(folder)!r})"))
        notebook = jupytext.read(folder / "index.md")
        cells += [cell for cell in notebook.cells if cell.cell_type == "code"]
    cells.append(nbformat.v4.new_code_cell("resource.getrusage(resource.RUSAGE_SELF).ru_maxrss"))
    notebook = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(notebook, kernel_name="python3", timeout=900).execute()
    peak = int(notebook.cells[-1].outputs[0]["data"]["text/plain"])
    return {"max_rss_mb": peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024}


def cold_fast_charge() -> dict:
    """What a 10C CC-CV charge at -20 ℃ adds to a kernel that has shown one discharge."""
    from denchi import labs

    cell = labs.Cell("nmc_graphite")
    cell.discharge()
    before = _rss_mb()
    wall, cpu, _ = _timed(cell.charge, 10.0, -20.0)
    return {"added_mb": _rss_mb() - before, "cpu": cpu, "wall": wall}


def session() -> dict:
    """Every experiment of the engine in one process (an upper bound for one kernel)."""
    from denchi import labs

    cell = labs.Cell("nmc_graphite")
    cell.rate_test([0.2, 0.5, 1, 2, 3])
    cell.discharge(c_rate=2, temperature_c=0)
    cell.ocv()
    cell.charge(c_rate=0.5)
    cell.pulse_test(soc_step=0.2)
    cell.gitt(pulse_s=1200)
    cell.eis()
    labs.Cell("nmc_graphite", model="spm").aging(cycles=20)
    labs.design_cell(positive_thickness_um=100, np_ratio=1.1)
    return {"max_rss_mb": _rss_mb()}


def import_only() -> dict:
    from denchi.telemetry import import_pybamm

    import_pybamm()
    return {"max_rss_mb": _rss_mb()}


def _rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def _child(mode: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, *args],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, PYBAMM_DISABLE_TELEMETRY="true"),
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        result = {
            "first": lambda: first_call(rest[0]),
            "slider": lambda: slider(int(rest[0]), rest[1]),
            "session": session,
            "h04": h04_session,
            "pages": lambda: pages_kernel(*rest),
            "cold_charge": cold_fast_charge,
            "import": import_only,
        }[mode]()
        print(json.dumps(result))
        return

    print(f"labs speed benchmark, {args.repeats} repeats, Python {sys.version.split()[0]}")
    firsts: dict[str, list[float]] = {k: [] for k in ("labs", "plain", "labs_cpu", "plain_cpu")}
    capacities = set()
    for _ in range(args.repeats):
        for side in ("labs", "plain"):
            result = _child("first", side)
            firsts[side].append(result["wall"])
            firsts[f"{side}_cpu"].append(result["cpu"])
            capacities.add(round(result["capacity_ah"], 4))
    print("\n(b) first call in a fresh process (1C, 25 ℃ discharge, after importing PyBaMM)")
    _compare(firsts, "labs", "plain", "denchi.labs", "plain PyBaMM", "s")
    print("    target: labs/plain <= 1.10")
    print(f"    delivered capacity of both [Ah]: {sorted(capacities)}")

    for model, target in (("dfn", 20), ("spme", 50)):
        warm = _child("slider", str(args.repeats), model)
        count = len(warm["change"])
        print(f"\n(a) slider change vs rebuild, {model.upper()} ({count} new values)")
        _compare(warm, "rebuild", "change", "rebuild + solve", "slider change", "ms")
        print(f"    target: rebuild/change >= {target}")
        print(f"    largest capacity difference between the two: {warm['max_rel_difference']:.1e}")

    base = _child("import")["max_rss_mb"]
    h04, every = _child("h04")["max_rss_mb"], _child("session")["max_rss_mb"]
    kernel = _child("pages")["max_rss_mb"]
    h04_e03 = _child("pages", "h04_lithium_ion", "e03_pulse_gitt")["max_rss_mb"]
    cold = _child("cold_charge")
    print("\n(c) peak memory (ru_maxrss of a fresh process; goal: a kernel under ~300 MB)")
    print(f"    import PyBaMM only                       {base:.0f} MB")
    print(f"    the h04 lab (rate test, temperatures)    {h04:.0f} MB")
    print(f"    a kernel importing what the pages import {kernel:.0f} MB")
    print(f"    a kernel running the h04, then e03 page  {h04_e03:.0f} MB (target <= 280)")
    print(f"    every experiment of the engine           {every:.0f} MB")
    print(
        f"    a 10C charge at -20 ℃ adds               {cold['added_mb']:.0f} MB "
        f"(target < 280; CPU {cold['cpu']:.1f} s)"
    )


def _compare(times: dict, top: str, bottom: str, top_name: str, bottom_name: str, unit: str):
    """Print medians (wall clock and CPU) of two timings and their ratios."""
    scale = 1000.0 if unit == "ms" else 1.0
    for clock, suffix in (("wall clock", ""), ("CPU time", "_cpu")):
        a, b = times[top + suffix], times[bottom + suffix]
        ma, mb = statistics.median(a) * scale, statistics.median(b) * scale
        print(
            f"    {clock:10}  {top_name} {ma:.3g} {unit} (min {min(a) * scale:.3g}), "
            f"{bottom_name} {mb:.3g} {unit} (min {min(b) * scale:.3g}); "
            f"ratio {top.split('_')[0]}/{bottom.split('_')[0]} {ma / mb:.2f}"
        )


if __name__ == "__main__":
    main()
