"""Checks on an uploaded notebook before it is stored: size, format, that it belongs to the
assignment, and the per-submission limits (cells, a cell's length, outputs) that keep one
notebook from stalling a class's grading. The file is stored under a random name, so its own
name can do no harm."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbformat.validator import ValidationError

from denchi.grading import cellmeta
from denchi.grading.course import assignment_of
from denchi.lms.config import LmsConfig
from denchi.lms.sessions import PageError


def _refuse(ja: str, en: str, status: int = 400) -> PageError:
    return PageError("upload", ja, en, status=status)


def grade_ids(notebook: nbformat.NotebookNode) -> set[str]:
    """The nbgrader ``grade_id`` of every cell that has one (``metadata.nbgrader.grade_id``, a
    string in an object); cells whose metadata is of another form have none.

    Args:
        notebook: A notebook (the assignment's source or an upload).
    """
    ids: set[str] = set()
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
            ids.add(meta["grade_id"])
    return ids


def malformed_cell(notebook: nbformat.NotebookNode) -> int | None:
    """The number (from 1 at the top) of the first cell whose ``metadata.nbgrader`` is not an
    object, or holds a key of nbgrader's schema with a value of another type (a ``grade_id``
    that is a list, ``points`` as text); None when every cell's is of the right form.

    ``nbformat.validate`` leaves cell metadata free-form, so an upload can pass it with any
    of these, and nbgrader's own validator indexes them without checking
    (``MetadataValidatorV3.validate_cell``); the keys and types are nbgrader's schema's.

    Args:
        notebook: An uploaded notebook (valid nbformat).
    """
    for number, cell in enumerate(notebook.cells, start=1):
        if cellmeta.malformed(cell):
            return number
    return None


def too_large(max_bytes: int) -> PageError:
    """The bilingual refusal (HTTP 413, code ``upload``) of a file over ``max_bytes``.

    Args:
        max_bytes: The size limit [bytes] (shown to the learner in MB).
    """
    return _refuse(
        f"ファイルが大きすぎます（{max_bytes / 1e6:g} MB まで）。出力のセルを消してから"
        "（「Kernel → Restart & Clear Output」）もう一度提出してください。",
        f"The file is too large (limit {max_bytes / 1e6:g} MB); clear the outputs and try again.",
        status=413,
    )


@dataclass(frozen=True)
class UploadLimits:
    """What one submission may hold: ``extra_cells`` cells beyond the assignment's own, at most
    ``cell_chars`` characters in one cell's source, and ``output_bytes`` bytes of outputs (JSON)
    before they are cleared."""

    extra_cells: int
    cell_chars: int
    output_bytes: int

    @classmethod
    def of(cls, config: LmsConfig) -> UploadLimits:
        """The limits the configuration sets (``max_extra_cells``, ``max_cell_chars``,
        ``max_output_bytes``).

        Args:
            config: The tool's configuration.
        """
        return cls(config.max_extra_cells, config.max_cell_chars, config.max_output_bytes)


class Received(NamedTuple):
    """A checked notebook, and how many bytes of outputs were cleared from it (0: none)."""

    notebook: nbformat.NotebookNode
    cleared_output_bytes: int


def too_many_cells(cells: int, own: int, most: int) -> PageError:
    """The bilingual refusal (HTTP 413, code ``upload``) of a notebook with too many cells.

    Args:
        cells: The number of cells the upload has.
        own: The number of cells the assignment's notebook has.
        most: The most cells accepted (``own`` plus the configured extra cells).
    """
    return _refuse(
        f"セルの数が多すぎます（{cells} 個。この課題のノートブックは {own} 個で、{most} 個まで"
        "提出できます）。空のセルや、答えに使っていないセルを消してから、もう一度提出して"
        "ください。",
        f"The notebook has too many cells ({cells}; this assignment's has {own}, and up to"
        f" {most} are accepted). Delete empty cells and cells your answers do not use, then"
        " submit again.",
        status=413,
    )


def cell_too_long(number: int, chars: int, most: int) -> PageError:
    """The bilingual refusal (HTTP 413, code ``upload``) of a cell whose source is too long.

    Args:
        number: The cell's position, counted from 1 at the top.
        chars: The length of its source [characters].
        most: The limit [characters].
    """
    return _refuse(
        f"上から {number} 番目のセルが長すぎます（{chars} 文字。1 つのセルは {most} 文字まで）。"
        "貼り付けたデータなど、答えに要らない部分を消してから、もう一度提出してください。",
        f"Cell {number} (counted from the top) is too long ({chars} characters; the limit is {most}"
        " characters). Remove pasted data or anything else your answer does not need, then"
        " submit again.",
        status=413,
    )


def _within_limits(notebook: nbformat.NotebookNode, own: int, limits: UploadLimits) -> int:
    """Refuse too many cells or too long a cell; clear outputs over the limit in place.
    Returns the bytes of outputs cleared (0 when they were kept).

    Clearing loses nothing the grade needs: nbgrader's autograder clears every output before it
    runs the notebook (``ClearOutput`` among ``Autograde.sanitize_preprocessors``,
    nbgrader/converters/autograde.py), and the feedback shows the outputs of that run."""
    most = own + limits.extra_cells
    if len(notebook.cells) > most:
        raise too_many_cells(len(notebook.cells), own, most)
    for number, cell in enumerate(notebook.cells, start=1):
        if len(cell.source) > limits.cell_chars:
            raise cell_too_long(number, len(cell.source), limits.cell_chars)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    outputs = sum(len(json.dumps(cell.outputs)) for cell in code if cell.outputs)
    if outputs <= limits.output_bytes:
        return 0
    for cell in code:
        cell.outputs, cell.execution_count = [], None
    return outputs


def read_notebook(data: bytes, source: Path, assignment: str, limits: UploadLimits) -> Received:
    """Parse and validate an uploaded notebook of ``assignment`` (whose source notebook is
    ``source``): the assignment id the released notebook carries must be ``assignment``, its
    nbgrader cell ids must overlap the source's, and it must be within ``limits`` (outputs over
    the limit are cleared, not refused: a learner must not lose work because of them).

    Args:
        data: The uploaded file [bytes] (already within the size limit).
        source: The assignment's source notebook on disk.
        assignment: The catalog's assignment id the upload must carry.
        limits: The per-submission limits.

    Raises:
        PageError: code ``upload``; 400 for an unreadable notebook, another assignment's,
            or one with a cell whose nbgrader metadata is of the wrong form
            (:func:`malformed_cell`), 413 for too many cells or too long a cell.
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
    if (number := malformed_cell(notebook)) is not None:
        raise _refuse(
            f"この課題のノートブックではないようです（上から {number} 番目のセルの採点用の情報"
            "（metadata.nbgrader）が、読めない形になっています）。ダウンロードしたノートブックに"
            "答えを書き写して提出してください。",
            "This notebook does not belong to this assignment (the grading metadata,"
            f" metadata.nbgrader, of cell {number} counted from the top is not of the form"
            " nbgrader writes); copy your answers into the notebook you downloaded and submit"
            " that.",
        )
    own = nbformat.read(source, as_version=4)
    expected = grade_ids(own)
    if expected and not grade_ids(notebook) & expected:
        raise _refuse(
            "この課題のノートブックではないようです。ダウンロードしたノートブックに答えを書いて"
            "提出してください。",
            "This notebook does not belong to this assignment; submit the one you downloaded.",
        )
    return Received(notebook, _within_limits(notebook, len(own.cells), limits))
