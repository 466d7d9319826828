"""pybtex's plugins are found by class after denchi registers them, with no scan of the
installed packages' entry points (PyBaMM's import and the book's Sphinx build look them up
by the thousand)."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from denchi.pybtex_plugins import register_pybtex_plugins


def test_every_pybtex_plugin_is_the_class_its_entry_point_names_found_without_a_scan(
    monkeypatch,
):
    plugin = pytest.importorskip("pybtex.plugin")
    named = {
        (point.group, point.name): point.load()
        for group in entry_points().groups
        if group.startswith("pybtex.") and not group.endswith((".aliases", ".suffixes"))
        for point in entry_points(group=group)
    }
    assert register_pybtex_plugins() >= len(named) > 10
    scans = []
    monkeypatch.setattr(plugin, "entry_points", lambda **kw: scans.append(kw) or [])
    for (group, name), klass in named.items():
        assert plugin.find_plugin(group, name) is klass
    assert scans == []


def test_only_the_groups_asked_for_are_registered():
    pytest.importorskip("pybtex.plugin")
    writers = len(entry_points(group="pybtex.database.output"))
    assert register_pybtex_plugins(("pybtex.database.output",)) == writers > 0
