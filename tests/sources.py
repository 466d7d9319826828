"""The project's source files as the tests read them.

JupyterLab leaves a copy of every page or notebook it opens in ``.ipynb_checkpoints/`` beside
it, and the book build writes ``_build/``: neither is a source, and a test that reads them
checks a page twice (figure names are then "duplicated") or an old copy with outputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

NOT_SOURCES = ("_build",)  # and every folder whose name starts with a dot


def sources(root: Path, folders: Iterable[str], pattern: str) -> list[Path]:
    """Files matching ``pattern`` under ``root/<folder>`` for each folder, sorted, leaving out
    anything inside ``_build`` or a dot-folder (``.ipynb_checkpoints``, ``.git`` …)."""
    found = []
    for folder in folders:
        base = root / folder
        for path in base.rglob(pattern):
            inner = path.relative_to(base).parts[:-1]
            if not any(p in NOT_SOURCES or p.startswith(".") for p in inner):
                found.append(path)
    return sorted(found)
