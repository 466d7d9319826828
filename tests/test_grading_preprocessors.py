"""The grading preprocessors as plain functions: a notebook and nbgrader's gradebook in, a
notebook out, with no kernel, no nbgrader app and no course folder. The integration tests
(test_grading_pipeline.py, test_grading_hostile.py) run the same pieces inside autograde."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.api import Gradebook

from denchi.grading.feedback import StripHiddenTests
from denchi.grading.nbconfig import tools_on_path
from denchi.grading.outcome import Flag, flags_of
from denchi.grading.restore import RestoreMissingCells, _nbgrader_metadata
from denchi.grading.review import FlagForReview, NoteChangedCells

SETUP = "import numpy as np"
TEST_Q1 = (
    "assert isinstance(q1_v, float)\n"
    "### BEGIN HIDDEN TESTS\n"
    "assert abs(q1_v - 1.1042) < 0.01\n"
    "### END HIDDEN TESTS"
)
VISIBLE_Q1 = "assert isinstance(q1_v, float)\n"


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory) -> Path:
    """A gradebook holding one notebook of one assignment, as ``generate_assignment`` leaves
    it: a locked set-up cell, an answer cell and a 2-point test cell, and one submission.
    Made once (nbgrader runs alembic for a new gradebook); each test gets a copy."""
    tools_on_path()  # nbgrader creates a gradebook with the `alembic` command
    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    with Gradebook(f"sqlite:///{path}") as gb:
        gb.add_assignment("a1")
        gb.add_notebook("nb", "a1")
        gb.add_grade_cell("test_q1", "nb", "a1", max_score=2, cell_type="code")
        for name, source, locked in [
            ("setup", SETUP, True),
            ("answer_q1", "q1_v = ...", False),
            ("test_q1", TEST_Q1, True),
        ]:
            gb.add_source_cell(
                name, "nb", "a1", cell_type="code", locked=locked, source=source, checksum=""
            )
        gb.add_student("s1")
        gb.add_submission("a1", "s1")
        # as nbgrader's SaveAutoGrades leaves a cell it could score
        gb.find_grade("test_q1", "nb", "a1", "s1").needs_manual_grade = False
        gb.db.commit()
    return path


@pytest.fixture
def resources(tmp_path, empty_gradebook):
    path = Path(shutil.copy(empty_gradebook, tmp_path / "gradebook.db"))
    url = f"sqlite:///{path}"
    return {"nbgrader": {"db_url": url, "assignment": "a1", "notebook": "nb", "student": "s1"}}


def _cell(source: str, name: str | None = None, points: float | None = None, locked=True):
    cell = new_code_cell(source)
    if name:
        cell.metadata["nbgrader"] = _nbgrader_metadata(name, points)
        cell.metadata.nbgrader["locked"] = locked
    return cell


def _submission(*cells) -> nbformat.NotebookNode:
    return new_notebook(cells=list(cells))


def _run(preprocessor_class, nb, resources):
    preprocessor = preprocessor_class()
    preprocessor.log = logging.getLogger("test")
    return preprocessor.preprocess(nb, resources)


def _grade_ids(nb) -> list[str]:
    return [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in nb.cells]


# --- NoteChangedCells ---------------------------------------------------------------------
def test_an_untouched_test_cell_is_not_noted(resources):
    nb = _submission(
        _cell(SETUP, "setup"),
        _cell("q1_v = 1.1", "answer_q1", locked=False),
        _cell(VISIBLE_Q1, "test_q1", 2),
    )
    nb, _ = _run(NoteChangedCells, nb, resources)
    assert nb.metadata["denchi"] == {"changed_cells": []}


def test_an_edited_or_deleted_test_cell_is_noted(resources):
    edited = _submission(_cell(SETUP, "setup"), _cell("assert True", "test_q1", 2))
    assert _run(NoteChangedCells, edited, resources)[0].metadata.denchi.changed_cells == ["test_q1"]
    deleted = _submission(_cell(SETUP, "setup"))
    assert _run(NoteChangedCells, deleted, resources)[0].metadata.denchi.changed_cells == [
        "test_q1"
    ]


def test_a_made_up_grade_cell_loses_its_nbgrader_metadata(resources):
    fake = _cell("print('full marks please')", "test_bonus", 100)
    nb = _submission(_cell(SETUP, "setup"), fake)
    nb, _ = _run(NoteChangedCells, nb, resources)
    assert "nbgrader" not in nb.cells[1].metadata


def test_a_students_own_denchi_metadata_is_replaced(resources):
    nb = _submission(_cell(SETUP, "setup"), _cell(VISIBLE_Q1, "test_q1", 2))
    nb.metadata["denchi"] = {"grading": {"flags": []}, "changed_cells": []}
    nb, _ = _run(NoteChangedCells, nb, resources)
    assert nb.metadata["denchi"] == {"changed_cells": []}


# --- RestoreMissingCells ------------------------------------------------------------------
def test_a_deleted_test_cell_comes_back_after_the_students_answer(resources):
    """The student deleted the answer and test cells and answered in a new cell."""
    nb = _submission(_cell(SETUP, "setup"), new_code_cell("q1_v = 1.1"))
    nb, _ = _run(RestoreMissingCells, nb, resources)
    assert _grade_ids(nb) == ["setup", "", "test_q1"]
    restored = nb.cells[2]
    assert restored.source == TEST_Q1 and restored.metadata.nbgrader["points"] == 2
    assert nb.metadata["denchi"] == {"restored_cells": ["test_q1"], "cells_not_found": False}


def test_stripped_metadata_is_given_back_by_matching_text(resources):
    """An editor (VS Code, Colab) dropped every cell's nbgrader metadata."""
    nb = _submission(new_code_cell(SETUP), new_code_cell("q1_v = 1.1"), new_code_cell(VISIBLE_Q1))
    nb, _ = _run(RestoreMissingCells, nb, resources)
    assert _grade_ids(nb) == ["setup", "", "test_q1"]
    assert nb.cells[2].source == VISIBLE_Q1  # reattached, not duplicated
    assert nb.metadata["denchi"]["restored_cells"] == []


def test_a_notebook_without_any_assignment_cell_is_marked(resources):
    nb = _submission(new_markdown_cell("another assignment"), new_code_cell("x = 1"))
    nb, _ = _run(RestoreMissingCells, nb, resources)
    assert nb.metadata["denchi"]["cells_not_found"] is True
    assert _grade_ids(nb)[-2:] == ["setup", "test_q1"]


# --- FlagForReview ------------------------------------------------------------------------
def _stored_flags(nb) -> list[str]:
    return [f.code for f in flags_of(nb.metadata)]


def _needs_manual(resources) -> bool:
    info = resources["nbgrader"]
    with Gradebook(info["db_url"]) as gb:
        return bool(gb.find_grade("test_q1", "nb", "a1", "s1").needs_manual_grade)


def test_a_flag_that_zeroed_a_graded_cell_waits_for_the_teacher(resources):
    resources["denchi"] = {
        "flags": [Flag("time_limit", "nb", "test_q1", ("test_q1",), "300 s")],
        "sandbox": "landlock",
    }
    nb, _ = _run(FlagForReview, _submission(_cell(VISIBLE_Q1, "test_q1", 2)), resources)
    assert _stored_flags(nb) == ["time_limit"]
    assert nb.metadata.denchi.grading.sandbox == "landlock"
    assert _needs_manual(resources)


def test_an_informational_flag_leaves_the_grade_final(resources):
    resources["denchi"] = {"flags": [Flag("not_sandboxed", "nb")], "sandbox": "none"}
    nb, _ = _run(FlagForReview, _submission(_cell(VISIBLE_Q1, "test_q1", 2)), resources)
    assert _stored_flags(nb) == ["not_sandboxed"]
    assert not _needs_manual(resources)


def test_changed_cells_and_lost_cells_become_flags(resources):
    nb = _submission(_cell(VISIBLE_Q1, "test_q1", 2))
    nb.metadata["denchi"] = {"changed_cells": ["test_q1"], "cells_not_found": True}
    nb, _ = _run(FlagForReview, nb, resources)
    assert _stored_flags(nb) == ["test_cell_changed", "cells_not_found"]
    assert _needs_manual(resources)  # cells_not_found names every test cell


# --- StripHiddenTests ---------------------------------------------------------------------
def test_feedback_keeps_no_hidden_test_no_expected_value_and_no_path(resources):
    cell = _cell(TEST_Q1, "test_q1", 2)
    cell.outputs = [
        new_output(  # as ipykernel reports a failed hidden assert
            "error",
            ename="AssertionError",
            evalue="",
            traceback=[
                "Traceback (most recent call last)",
                '  File "/srv/grading/course/a1/nb.ipynb", line 3',
                "----> 3 assert abs(q1_v - 1.1042) < 0.01",
            ],
        ),
        new_output("stream", name="stdout", text="assert abs(q1_v - 1.1042) < 0.01\n"),
        new_output("stream", name="stderr", text="warning from /home/teacher/course/data.csv\n"),
    ]
    nb = _submission(cell)
    nb.metadata["denchi"] = {"grading": {"flags": [Flag("time_limit", "nb").to_dict()]}}
    nb, _ = _run(StripHiddenTests, nb, resources)
    text = nbformat.writes(nb)
    assert "1.1042" not in text and "HIDDEN" not in text
    assert "/srv/" not in text and "/home/teacher" not in text and "data.csv" in text
    assert "Traceback" not in text
    assert nb.cells[0].cell_type == "markdown" and "採点についてのお知らせ" in nb.cells[0].source
    assert "denchi" not in nb.metadata  # the grader's notes stay with the teacher


def test_feedback_without_flags_gets_no_notice(resources):
    nb = _submission(_cell(TEST_Q1, "test_q1", 2))
    nb.metadata["denchi"] = {"grading": {"flags": [Flag("not_sandboxed", "nb").to_dict()]}}
    nb, _ = _run(StripHiddenTests, nb, resources)
    assert [c.cell_type for c in nb.cells] == ["code"]
    assert nb.cells[0].source.strip() == VISIBLE_Q1.strip()
