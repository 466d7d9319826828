"""Answer keys for teacher guides, generated from an assignment's solution cells.

The solution is written once, in the nbgrader source notebook; teacher guides render it here.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from denchi.catalog import repo_root
from denchi.grading.course import notebook_points

_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.MULTILINE)
_HEADING = re.compile(r"^#+\s*(.+)$", re.MULTILINE)


def _solution_text(source: str) -> str:
    return _MARKERS.sub("", source).strip()


def answer_key_markdown(assignment: str, root: Path | None = None) -> str:
    """Markdown: each question (the Markdown cell before it), its solution code and points."""
    folder = (root or repo_root()) / "assessments" / "source" / assignment
    parts: list[str] = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        question = ""
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown" and not meta.get("solution"):
                # headings become bold text so the key does not add sections to the guide
                question = _HEADING.sub(r"**\1**", cell.source.strip())
            elif meta.get("solution"):
                lang = "python" if cell.cell_type == "code" else ""
                parts.append(
                    f"{question}\n\n**解答例**\n\n```{lang}\n{_solution_text(cell.source)}\n```\n"
                )
        parts.append(f"**配点の合計: {notebook_points(nb):g} 点**（{path.name}）")
    return "\n\n---\n\n".join(parts)
