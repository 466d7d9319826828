"""The kernels of the book's pages (denchi.page_kernels): copies of a server that has the pages'
imports loaded, which run a page as a new kernel would.

The whole book is executed this way by tests/test_book.py; here one small notebook shows what
a page could tell apart: its folder, environment, plotting backend and random numbers.
"""

from __future__ import annotations

import os

import nbformat
import pytest
from jupyter_cache.executors.utils import single_nb_execution

from denchi.grading import forkserver
from denchi.page_kernels import PRELOAD, PageKernelManager

pytestmark = pytest.mark.slow  # starts kernels and a fork server (not in --fast)

# what a page could see of the process it runs in
PROBE = [
    "import os\nprint(os.getcwd(), os.environ['DENCHI_PROBE'])",
    "import sys\nprint(sys.path)",
    "import matplotlib\nprint(matplotlib.get_backend())",
    "import pybamm, denchi.labs\nprint(pybamm.__version__)",
]
FORK_ONLY = [
    "import os\nprint(os.getppid())",
    "import numpy\nprint(numpy.random.random())",
]


def _run(cwd: str, **kw) -> list[str]:
    cells = [nbformat.v4.new_code_cell(source) for source in PROBE + FORK_ONLY]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    result = single_nb_execution(nb, cwd=cwd, allow_errors=False, timeout=120, **kw)
    assert result.err is None, result.exc_string
    return ["".join(o.get("text", "") for o in cell.outputs).strip() for cell in nb.cells]


def test_a_page_runs_in_a_copy_of_the_server_as_in_a_new_kernel(tmp_path, monkeypatch):
    page = tmp_path / "chapter"
    page.mkdir()
    monkeypatch.setenv("DENCHI_PROBE", "seen")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "extra"))  # a new kernel's sys.path has it
    monkeypatch.delenv("MPLBACKEND", raising=False)
    monkeypatch.setattr(forkserver, "_servers", {})  # a server started in this environment
    monkeypatch.chdir(tmp_path)  # the page's folder is given relative to here, as the book's are
    new = _run("chapter")
    forked = _run("chapter", kernel_manager_class=PageKernelManager)
    again = _run("chapter", kernel_manager_class=PageKernelManager)
    assert forked[: len(PROBE)] == new[: len(PROBE)]
    assert forked[0] == f"{page} seen"
    server = forkserver.shared(PRELOAD, sandboxed=False)
    assert server is not None
    assert int(forked[len(PROBE)]) == server.pid  # a copy of the server ...
    assert int(new[len(PROBE)]) != server.pid  # ... where a new kernel is not
    assert forked[-1] != again[-1]  # NumPy's generator seeded anew in each copy
    assert os.getcwd() == str(tmp_path)
    server.close()
