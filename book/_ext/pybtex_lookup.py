"""pybtex's plugins are looked up by class, not by a scan of every installed package.

sphinxcontrib-bibtex asks pybtex for its citation styles at each footnote citation, and pybtex
scanned every installed package's entry points at each ask: about 1,550 scans, 36 s of a
130 s build of one edition. ``denchi.pybtex_plugins`` registers the same classes once.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from denchi.pybtex_plugins import register_pybtex_plugins


def setup(app: Sphinx) -> dict:
    register_pybtex_plugins()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
