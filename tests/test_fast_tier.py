"""The guard of the fast tier (tests/fast_tier.py): a kernel, a subprocess or a PyBaMM solve
started by a watched test raises, naming what started and what to do. That nothing else does is
shown by the whole fast tier, which runs watched."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fast_tier import SlowInFastTier, watching


def test_a_subprocess_is_refused_with_what_to_do():
    with watching() as watch, pytest.raises(SlowInFastTier, match="a subprocess") as refused:
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert "pytest.mark.slow" in str(refused.value)
    assert watch.seen == [str(refused.value)]  # kept, so a test that catches it still fails


def test_a_jupyter_kernel_is_refused():
    from jupyter_client import KernelManager

    manager = KernelManager(kernel_name="python3")
    try:
        with watching(), pytest.raises(SlowInFastTier, match="a Jupyter kernel"):
            manager.start_kernel()
    finally:
        if manager.has_kernel:  # the guard failed: do not leave the kernel running
            manager.shutdown_kernel(now=True)


def test_a_pybamm_solve_is_refused():
    import pybamm

    simulation = pybamm.Simulation(pybamm.lithium_ion.SPM())
    with watching(), pytest.raises(SlowInFastTier, match=r"a PyBaMM solve \(pybamm.BaseSolver"):
        simulation.solve([0, 60])


def test_a_named_program_is_allowed_and_no_other():
    with watching(allowed_programs=("true",)):
        subprocess.run(["true"], check=True)
        with pytest.raises(SlowInFastTier, match="false"):
            subprocess.run(["false"], check=False)
