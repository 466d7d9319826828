"""Every name ``denchi.labs`` lists for learners resolves (``from denchi.labs import fade``).

``denchi.labs`` keeps its learner-facing names while the code lives in layered sub-packages
(``engine``, ``api``, ``analysis``, ``datasets``); its ``__getattr__`` imports on first use. A
name listed in ``__all__`` whose target was moved or renamed would fail only on the page that uses
it, at book-build time; this finds it in the fast tier. No PyBaMM solve runs (imports only).
"""

from __future__ import annotations

import importlib
import re
import types
from pathlib import Path

import pytest

import denchi.labs as labs

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", labs.__all__)
def test_every_listed_name_resolves(name):
    assert getattr(labs, name) is not None


def _unimportable_module_path(dotted: str) -> str | None:
    """The first prefix of ``dotted`` that names a module by a path ``import`` refuses."""
    parts = dotted.split(".")
    obj = importlib.import_module(parts[0])
    for depth in range(1, len(parts)):
        obj = getattr(obj, parts[depth], None)
        prefix = ".".join(parts[: depth + 1])
        if obj is None:
            return prefix  # no such name at all
        if isinstance(obj, types.ModuleType):
            try:
                importlib.import_module(prefix)
            except ModuleNotFoundError:
                return prefix
    return None


def test_pages_name_only_modules_that_import():
    """Prose that names a module as ``denchi.labs.<x>`` gives a path ``import`` accepts: the
    short learner names (``fade``, ``heat``) are attributes (``from denchi.labs import fade``),
    not importable module paths."""
    pattern = re.compile(r"`(denchi\.labs(?:\.\w+)+)`")
    wrong = []
    for folder in ("labs", "modules", "teacher_guides"):
        for page in sorted((ROOT / folder).rglob("*.md")):
            if ".ipynb_checkpoints" in page.parts:
                continue
            for dotted in pattern.findall(page.read_text(encoding="utf-8")):
                bad = _unimportable_module_path(dotted)
                if bad:
                    wrong.append(f"{page.relative_to(ROOT)}: {dotted} ({bad} cannot be imported)")
    assert not wrong, "\n".join(wrong)
