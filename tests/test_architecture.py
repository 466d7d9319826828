"""Dependency arrows of DESIGN.md: each package of denchi imports only what it may."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "denchi"
# shared base modules every package may use
BASE = {"errors", "validation", "i18n", "plotting", "telemetry"}
ALLOWED = {
    "labs": BASE,
    "chem": BASE,
    "factory": BASE,
    "sustain": BASE,
    "careers": BASE,
    "grading": BASE | {"labs", "catalog"},
    "lms": BASE | {"grading", "catalog"},
}


def _denchi_imports(path: Path) -> set[str]:
    """Top-level denchi subpackages/modules that a file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "denchi" and len(parts) > 1:
                found.add(parts[1])
    return found


PACKAGES = sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").is_file())


def test_every_subpackage_declares_its_arrows():
    assert set(PACKAGES) <= set(ALLOWED), set(PACKAGES) - set(ALLOWED)


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_what_the_design_allows(package):
    folder = SRC / package
    offenders = {}
    for path in folder.rglob("*.py"):
        extra = _denchi_imports(path) - ALLOWED[package] - {package}
        if extra:
            offenders[str(path.relative_to(SRC))] = sorted(extra)
    assert not offenders, offenders


def test_base_modules_import_no_package():
    for name in BASE:
        extra = _denchi_imports(SRC / f"{name}.py") - BASE
        assert not extra, f"denchi.{name} imports {extra}"
