"""Checks on an uploaded notebook before it is stored: size, format, and that it belongs to
the assignment. The file is stored under a random name, so its own name can do no harm."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.validator import ValidationError

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


def read_notebook(data: bytes, source: Path) -> nbformat.NotebookNode:
    """Parse and validate an uploaded notebook against the assignment's source notebook."""
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
    expected = grade_ids(nbformat.read(source, as_version=4))
    if expected and not grade_ids(notebook) & expected:
        raise _refuse(
            "この課題のノートブックではないようです。ダウンロードしたノートブックに答えを書いて"
            "提出してください。",
            "This notebook does not belong to this assignment; submit the one you downloaded.",
        )
    return notebook
