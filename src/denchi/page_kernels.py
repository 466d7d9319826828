"""Kernels for the book's pages: copies of one process that has the pages' imports loaded.

A page executed the ordinary way starts a new Python, which imports IPython's kernel (about
0.8 s) and, on most pages, PyBaMM and ``denchi.labs`` (about 1.9 s) before the page's own
code runs. The book has over a hundred executed pages, so most of a cold build's page
execution was these imports. Here each process that executes pages keeps one fork server
(:mod:`denchi.grading.forkserver`, the technique of :mod:`multiprocessing`'s ``forkserver``)
that has imported :data:`PRELOAD` once, and each page's kernel is a fresh copy of it.

A page's kernel starts from the server's state, which holds imports only: no page's code
ever runs in the server. The copy gets the page's environment and folder, and seeds NumPy's
and Python's global random generators anew, as a new interpreter would. The pages are the
project's own code, so the server is unsandboxed (a grading server never is). Where kernels
cannot be forked (not Linux, or the server failed), a page's kernel starts the ordinary way.
"""

from __future__ import annotations

from typing import Any

from denchi.grading import forkserver

# What the pages import (``denchi.book``, ``denchi.labs`` …; a trailing ``.*`` takes a package
# with all its modules), then what every kernel imports to start.
PRELOAD = (
    "pybamm",
    "pandas",
    "denchi.labs.*",
    "denchi.chem.*",
    "denchi.factory.*",
    "denchi.sustain.*",
    "denchi.careers.*",
    "denchi.book",
    "denchi.plotting",
    "denchi.grading.answer_key",
    "denchi.worksheet",
    "IPython.display",
    *forkserver.KERNEL_START,
)


class PageKernelManager(forkserver.ForkingKernelManager):
    """A page's kernel manager (nbclient's ``kernel_manager_class``): its kernel is forked
    from this process's unsandboxed server of :data:`PRELOAD`, started on first use."""

    def __init__(self, **kwargs: Any) -> None:
        """As jupyter_client's ``AsyncKernelManager`` (``kernel_name``, ``config`` …).

        Args:
            kwargs: jupyter_client's arguments.
        """
        super().__init__(**kwargs)
        self.fork_server = forkserver.shared(PRELOAD, sandboxed=False)
