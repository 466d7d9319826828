"""What a grading kernel's fork server imports, chosen by the notebook's imports
(``forkserver.preload_for``): PyBaMM and the labs only for notebooks that use them."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from denchi.grading import course as nbg
from denchi.grading import forkserver
from denchi.grading.forkserver import LIGHT_PRELOAD, PRELOAD, preload_for


@pytest.mark.parametrize(
    ("source", "preload"),
    [
        ("from denchi.grading import checks\nanswer = 3", LIGHT_PRELOAD),
        ("import denchi.grading.checks as c", LIGHT_PRELOAD),
        ("import numpy as np\nx = np.arange(3)", LIGHT_PRELOAD),
        ("# from denchi import labs (the next page)\nx = 1", LIGHT_PRELOAD),
        ("from denchi import labs", PRELOAD),
        ("from denchi.labs import analysis_rate as _rate", PRELOAD),
        ("import pybamm", PRELOAD),
        ("def f():\n    from denchi import chem\n    return chem", PRELOAD),
        ("import denchi", PRELOAD),
    ],
)
def test_the_labs_are_preloaded_for_code_that_imports_them(source, preload):
    assert preload_for(["x = 1", source]) == preload


def test_every_assignment_that_uses_the_labs_gets_them_preloaded():
    """h01, h03 and h05-h09 ask about what was read and about numbers: no PyBaMM. Every
    assignment whose notebooks import the labs gets them in its server."""
    light = set()
    for folder in sorted((nbg.course_dir() / "source").iterdir()):
        code = [
            cell.source
            for path in folder.glob("*.ipynb")
            for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "code"
        ]
        uses_labs = any("labs" in source for source in code)
        assert (preload_for(code) == PRELOAD) >= uses_labs, folder.name
        if preload_for(code) == LIGHT_PRELOAD:
            light.add(folder.name)
    assert {"h01_society", "h03_battery_types", "h09_careers"} <= light
    assert not light & {"h04_lithium_ion", "e01_capacity_rate", "u03_modeling"}


@pytest.mark.parametrize(
    ("cell", "preload"), [("answer = 1", LIGHT_PRELOAD), ("import pybamm", PRELOAD)]
)
def test_the_grading_kernel_asks_for_the_server_its_notebook_needs(
    monkeypatch, tmp_path, cell, preload
):
    from denchi.grading.execute import SandboxedExecute

    asked = []
    monkeypatch.setattr(forkserver, "shared", lambda preload: asked.append(preload))
    monkeypatch.setattr(SandboxedExecute, "_run_notebook", lambda self: None)
    nb = new_notebook(cells=[new_markdown_cell("# import pybamm"), new_code_cell(cell)])
    SandboxedExecute(fork_kernels=True).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert asked == [preload]
