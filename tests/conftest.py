"""Shared fixtures: the repository root, a clean environment, the built book."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("DENCHI_ROOT", str(ROOT))
os.environ["PYBAMM_DISABLE_TELEMETRY"] = "true"
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def catalog():
    from denchi.catalog import load_catalog

    return load_catalog(ROOT / "book" / "curriculum.yml")


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the whole book once per test session (every notebook executed, warnings fatal)."""
    from denchi.book import build

    code = build(ROOT)
    assert code == 0, "the book build failed; see the Sphinx output above"
    return ROOT / "_build" / "html"
