"""Notebooks as students hand them in, made from an assignment's own files.

A student fills in the released notebook's answer cells (:func:`fill_answers`) with the
solution (:func:`solution_answers`, the code of the source's solution cells), with typical
wrong work (:func:`typical_wrong_answers`, ``assessments/wrong_answers/<assignment>.yml``), or
with nothing; and some hand in odd notebooks, each a case the grader is built for
(``book/teaching/01_grading.md``, 「採点で何が起きているか」): a test cell deleted
(:func:`delete_cell`) or replaced with code that passes and more points
(:func:`overwrite_test_cell`), nbgrader's cell metadata edited into other forms by hand or a
converter (:func:`edit_metadata_by_hand`), or lost when an editor that ignores nbgrader
(VS Code, Colab) saved the notebook (:func:`strip_metadata`).

Every function returns a new notebook and leaves the one it is given unchanged. The sample
class of the teacher-training kit (:mod:`denchi.grading.sample_class`) and the grading tests
build their submissions with them.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import yaml

from denchi.grading.course import course_dir

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")  # nbgrader's ClearSolutions


def _nbgrader(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _copy(nb) -> nbformat.NotebookNode:
    return nbformat.from_dict(copy.deepcopy(dict(nb)))


def solution_cells(nb) -> list[str]:
    """The ``grade_id`` of each answer (solution) cell of a notebook, in order.

    Args:
        nb: A source or released notebook with nbgrader cell metadata.
    """
    return [
        _nbgrader(c)["grade_id"]
        for c in nb.cells
        if _nbgrader(c).get("solution") and _nbgrader(c).get("grade_id")
    ]


def graded_cells(nb) -> list[str]:
    """The ``grade_id`` of each autograded test cell of a notebook (graded, not an answer),
    in order.

    Args:
        nb: A source or released notebook with nbgrader cell metadata.
    """
    return [
        _nbgrader(c)["grade_id"]
        for c in nb.cells
        if _nbgrader(c).get("grade") and not _nbgrader(c).get("solution")
    ]


def solution_answers(source_nb) -> dict[str, str]:
    """The solution of each answer cell of an assignment's source notebook: ``grade_id`` ->
    the cell's code without nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines
    (the code nbgrader's ``ClearSolutions`` takes out of the student version).

    Args:
        source_nb: The assignment's source notebook (``source/<assignment>/*.ipynb``).
    """
    return {
        _nbgrader(cell)["grade_id"]: "\n".join(
            line for line in cell.source.splitlines() if line.strip() not in SOLUTION_MARKERS
        ).strip("\n")
        for cell in source_nb.cells
        if _nbgrader(cell).get("solution") and _nbgrader(cell).get("grade_id")
    }


def typical_wrong_answers(assignment: str, root: Path | None = None) -> dict[str, dict[str, str]]:
    """The stored typical wrong submission, ``assessments/wrong_answers/<assignment>.yml``:
    notebook file name -> solution cell ``grade_id`` -> the code a student typically writes.

    Args:
        assignment: The assignment id.
        root: The repository root; ``None`` finds it with :func:`denchi.catalog.repo_root`.

    Raises:
        CatalogError: if ``root`` is ``None`` and the repository root cannot be found.
        OSError: if the file cannot be read (``FileNotFoundError`` if there is none).
        yaml.YAMLError: if it is not YAML.
    """
    path = course_dir(root) / "wrong_answers" / f"{assignment}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def fill_answers(release_nb, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of a released notebook with the given code (``grade_id`` -> code) in the named
    cells, as a student types it there.

    Args:
        release_nb: The released (student) notebook.
        answers: ``grade_id`` of a cell -> its new code.

    Raises:
        KeyError: naming any ``grade_id`` that is no cell of the notebook.
    """
    nb = _copy(release_nb)
    unknown = set(answers)
    for cell in nb.cells:
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
            unknown.discard(grade_id)
    if unknown:
        raise KeyError(f"no solution cells named {sorted(unknown)}")
    return nb


def _known(nb, grade_id: str) -> None:
    if not any(_nbgrader(c).get("grade_id") == grade_id for c in nb.cells):
        raise KeyError(f"no cell named {grade_id!r}")


def delete_cell(nb, grade_id: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` without the cell ``grade_id`` (a student deleted it).

    Args:
        nb: A student notebook.
        grade_id: The nbgrader ``grade_id`` of the cell to delete.

    Raises:
        KeyError: if the notebook has no such cell.
    """
    _known(nb, grade_id)
    out = _copy(nb)
    out.cells = [c for c in out.cells if _nbgrader(c).get("grade_id") != grade_id]
    return out


def overwrite_test_cell(nb, grade_id: str, points: float = 100) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose test cell ``grade_id`` a student rewrote to pass whatever the
    answer (``pass``) and to be worth ``points``: an attempt to overwrite the hidden test.

    Args:
        nb: A student notebook.
        grade_id: The nbgrader ``grade_id`` of a test cell.
        points: The points the student wrote into its metadata.

    Raises:
        KeyError: if the notebook has no such cell.
    """
    _known(nb, grade_id)
    out = _copy(nb)
    for cell in out.cells:
        if _nbgrader(cell).get("grade_id") == grade_id:
            cell.source = "pass"
            cell.metadata.nbgrader["points"] = points
    return out


def edit_metadata_by_hand(nb) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose nbgrader metadata was edited into other forms (a text editor, a
    converter): the first answer cell's metadata a string in place of the object, the first
    test cell's ``grade_id`` a list, the last test cell's ``points`` text.

    Args:
        nb: A student notebook with at least one answer cell and one test cell.

    Raises:
        ValueError: if it has no answer cell or no test cell.
    """
    answers, tests = solution_cells(nb), graded_cells(nb)
    if not answers or not tests:
        raise ValueError("the notebook needs an answer cell and a test cell")
    out = _copy(nb)
    for cell in out.cells:
        meta = _nbgrader(cell)
        grade_id = meta.get("grade_id")
        if grade_id == answers[0]:
            cell.metadata["nbgrader"] = f"grade_id {grade_id}"
        elif grade_id == tests[0]:
            meta["grade_id"] = [grade_id]
        if grade_id == tests[-1]:
            meta["points"] = str(meta.get("points", 1))
    return out


def strip_metadata(nb) -> nbformat.NotebookNode:
    """A copy of ``nb`` saved by an editor that ignores nbgrader (VS Code, Colab): no cell
    keeps its metadata.

    Args:
        nb: A student notebook.
    """
    out = _copy(nb)
    for cell in out.cells:
        cell.metadata = {}
    return out
