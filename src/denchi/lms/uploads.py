"""Checks on an uploaded notebook before it is stored: size, format, and that it belongs to
the assignment. The file is stored under a random name, so its own name can do no harm."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.validator import ValidationError

from denchi.grading.course import assignment_of
from denchi.lms.sessions import PageError


def _refuse(ja: str, en: str, status: int = 400) -> PageError:
    return PageError("upload", ja, en, status=status)


def grade_ids(notebook: nbformat.NotebookNode) -> set[str]:
    return {
        cell.metadata["nbgrader"]["grade_id"]
        for cell in notebook.cells
        if "grade_id" in cell.get("metadata", {}).get("nbgrader", {})
    }


def too_large(max_bytes: int) -> PageError:
    return _refuse(
        f"ファイルが大きすぎます（{max_bytes / 1e6:g} MB まで）。出力のセルを消してから"
        "（「Kernel → Restart & Clear Output」）もう一度提出してください。",
        f"The file is too large (limit {max_bytes / 1e6:g} MB); clear the outputs and try again.",
        status=413,
    )


def read_notebook(data: bytes, source: Path, assignment: str) -> nbformat.NotebookNode:
    """Parse and validate an uploaded notebook of ``assignment`` (whose source notebook is
    ``source``): the assignment id the released notebook carries must be ``assignment``, and
    its nbgrader cell ids must overlap the source's.

    Raises:
        PageError: code ``upload``; 400 for an unreadable notebook or another assignment's.
    """
    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
    except (UnicodeDecodeError, json.JSONDecodeError, ValidationError, ValueError, TypeError,
            KeyError, AttributeError, RecursionError) as exc:  # fmt: skip
        raise _refuse(
            "Jupyter ノートブック（.ipynb）として読めませんでした。配られたノートブックに"
            "答えを書いて、.ipynb のまま提出してください。",
            "This is not a readable Jupyter notebook (.ipynb); submit the notebook you were given.",
        ) from exc
    claimed = assignment_of(notebook)
    if claimed is None:
        raise _refuse(
            f"このノートブックには、どの課題のものかの印がありません（この課題は {assignment}）。"
            "このページからノートブックをダウンロードし直して、答えを書き写して提出してください。",
            f"This notebook does not say which assignment it is for (this one is {assignment});"
            " download the notebook again from this page, copy your answers in and submit it.",
        )
    if claimed != assignment:
        raise _refuse(
            f"これは課題 {claimed} のノートブックです。この課題 {assignment} のノートブックを"
            "提出してください。",
            f"This is the notebook of assignment {claimed}, not of this assignment"
            f" ({assignment}); submit this assignment's notebook.",
        )
    expected = grade_ids(nbformat.read(source, as_version=4))
    if expected and not grade_ids(notebook) & expected:
        raise _refuse(
            "この課題のノートブックではないようです。ダウンロードしたノートブックに答えを書いて"
            "提出してください。",
            "This notebook does not belong to this assignment; submit the one you downloaded.",
        )
    return notebook
