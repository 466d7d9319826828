"""Which question (問1 …) a cell of an assignment belongs to: the one rule for the feedback
pages and the grade exports.

The assignments name their nbgrader cells by question (``docs/CONTRIBUTING.md``): grade ids
``q<N>_answer`` and ``q<N>_test``, and ``q<N><letter>_test`` for the parts of one question (h04
問3 (a) and (b)), each question under a Markdown heading 「問N」. The grade id decides; a cell
whose grade id carries no number takes the 問 of the nearest heading above it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

GRADE_ID = re.compile(r"^q(\d+)([a-z])?(?:_|$)")
HEADING = re.compile(r"^#{1,6}\s*問\s*(\d+)", re.M)


def question_label(grade_id: str) -> str | None:
    """``q2_test`` -> ``問2``, ``q3a_test`` -> ``問3(a)``; None if the id names no question.

    Args:
        grade_id: An nbgrader cell's grade id.
    """
    match = GRADE_ID.match(grade_id)
    if not match:
        return None
    part = f"({match[2]})" if match[2] else ""
    return f"問{int(match[1])}{part}"


def question_labels(cells: Iterable) -> list[str | None]:
    """The question of each cell of a notebook (None for cells that are not nbgrader cells, or
    that no grade id or heading places).

    Args:
        cells: The notebook's cells (nbformat nodes or dicts), in order.
    """
    labels: list[str | None] = []
    heading: str | None = None
    for cell in cells:
        if cell.get("cell_type") == "markdown" and (
            found := HEADING.search(cell.get("source", ""))
        ):
            heading = f"問{int(found[1])}"
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id is None:
            labels.append(None)
            continue
        meta = cell["metadata"]["nbgrader"]
        placed = meta.get("grade") or meta.get("solution") or meta.get("task")
        labels.append((question_label(grade_id) or heading) if placed else None)
    return labels
