"""pybtex's plugins registered by class, so that looking one up is a dict read.

pybtex finds a plugin (a BibTeX reader, a citation style …) among every installed package's
entry points at each lookup, about 23 ms in the book's environment. PyBaMM's import looks up
the BibTeX writer once for each of its 82 citations, and sphinxcontrib-bibtex looks up its
styles at each footnote citation (about 1,550 lookups, 36 s of a 130 s Sphinx build).
Registering the classes the entry points name (``pybtex.plugin.register_plugin``, pybtex's
own way to add a plugin at run time) gives the same classes without the scan.
"""

from __future__ import annotations

from collections.abc import Collection
from importlib.metadata import entry_points


def register_pybtex_plugins(groups: Collection[str] | None = None) -> int:
    """Register every installed pybtex plugin of ``groups`` (``None``: every pybtex group,
    with its ``.aliases`` and ``.suffixes``) under its entry point's group and name.

    Args:
        groups: Entry-point groups, e.g. ``("pybtex.database.output",)``.

    Returns:
        How many plugins were registered; 0 where pybtex is not installed.

    Raises:
        ImportError: if an installed plugin's module cannot be imported (as pybtex's own
            lookup of that plugin would).
    """
    try:
        from pybtex.plugin import register_plugin
    except ImportError:
        return 0
    installed = entry_points()  # one read of every package's entry points
    found = [
        point
        for group in installed.groups
        if group.startswith("pybtex.") and (groups is None or group in groups)
        for point in installed.select(group=group)
    ]
    for point in found:
        register_plugin(point.group, point.name, point.load(), force=True)
    return len(found)
