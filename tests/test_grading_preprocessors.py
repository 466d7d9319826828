"""The grading preprocessors as plain functions: a notebook and nbgrader's gradebook in, a
notebook out, with no kernel, no nbgrader app and no course folder. The integration tests
(test_grading_pipeline.py, test_grading_hostile.py) run the same pieces inside autograde."""

from __future__ import annotations

import logging
import shutil
import sys
import types
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.api import Gradebook
from nbgrader.utils import determine_grade

from denchi.grading import capture
from denchi.grading.cleanroom import VerifyAnswers
from denchi.grading.feedback import LabelQuestions, StripHiddenTests
from denchi.grading.nbconfig import tools_on_path
from denchi.grading.outcome import Flag, flags_of
from denchi.grading.restore import RestoreMissingCells, _nbgrader_metadata
from denchi.grading.review import FlagForReview, NoteChangedCells

# nbgrader's Gradebook runs `alembic heads` when it makes a new gradebook: each gradebook here
# is made once per module and copied for each test (tests/fast_tier.py)
pytestmark = pytest.mark.allows_program("alembic", reason="nbgrader makes a new gradebook")

SETUP = "import numpy as np"
TEST_Q1 = (
    "assert isinstance(q1_v, float)\n"
    "### BEGIN HIDDEN TESTS\n"
    "assert abs(q1_v - 1.1042) < 0.01\n"
    "### END HIDDEN TESTS"
)
VISIBLE_Q1 = "assert isinstance(q1_v, float)\n"
# partial credit: the hidden part's last value (nbgrader's rule), with numpy from the set-up
TEST_Q2 = (
    "assert isinstance(q2_n, int)\n"
    "### BEGIN HIDDEN TESTS\n"
    "float(np.clip(1.0 - abs(q2_n - 3) / 2, 0.0, 1.0))\n"
    "### END HIDDEN TESTS"
)
# a visible part that shows the answer: in the student's kernel its value is an execute_result
TEST_Q3 = "q3_ah\n### BEGIN HIDDEN TESTS\nassert abs(q3_ah - 0.5) < 0.01\n### END HIDDEN TESTS"


def _make_gradebook(path: Path, cells: list[tuple[str, str, bool, float | None]]) -> Path:
    """A gradebook holding one notebook ``nb`` of one assignment ``a1``, as
    ``generate_assignment`` leaves it, with ``cells`` (grade id, source, locked, points of a
    test cell or None), and one submission of student ``s1``."""
    tools_on_path()  # nbgrader creates a gradebook with the `alembic` command
    with Gradebook(f"sqlite:///{path}") as gb:
        gb.add_assignment("a1")
        gb.add_notebook("nb", "a1")
        tests = [(name, points) for name, _, _, points in cells if points is not None]
        for name, points in tests:
            gb.add_grade_cell(name, "nb", "a1", max_score=points, cell_type="code")
        for name, source, locked, _ in cells:
            gb.add_source_cell(
                name, "nb", "a1", cell_type="code", locked=locked, source=source, checksum=""
            )
        gb.add_student("s1")
        gb.add_submission("a1", "s1")
        for name, _ in tests:  # as nbgrader's SaveAutoGrades leaves a cell it could score
            gb.find_grade(name, "nb", "a1", "s1").needs_manual_grade = False
        gb.db.commit()
    return path


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory) -> Path:
    """A locked set-up cell, an answer cell and a 2-point test cell. Made once (nbgrader runs
    alembic for a new gradebook); each test gets a copy."""
    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    return _make_gradebook(
        path,
        [
            ("setup", SETUP, True, None),
            ("answer_q1", "q1_v = ...", False, None),
            ("test_q1", TEST_Q1, True, 2),
        ],
    )


def _resources(gradebook: Path, folder: Path) -> dict:
    path = Path(shutil.copy(gradebook, folder / "gradebook.db"))
    url = f"sqlite:///{path}"
    return {"nbgrader": {"db_url": url, "assignment": "a1", "notebook": "nb", "student": "s1"}}


@pytest.fixture
def resources(tmp_path, empty_gradebook):
    return _resources(empty_gradebook, tmp_path)


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


# --- VerifyAnswers ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def clean_room_gradebook(tmp_path_factory) -> Path:
    """Three questions: q1 pass/fail (2 points), q2 partial credit (1 point), q3 with a
    visible part that shows the answer (2 points)."""
    path = tmp_path_factory.mktemp("clean") / "gradebook.db"
    return _make_gradebook(
        path,
        [
            ("setup", SETUP, True, None),
            ("answer_q1", "q1_v = ...", False, None),
            ("test_q1", TEST_Q1, True, 2),
            ("answer_q2", "q2_n = ...", False, None),
            ("test_q2", TEST_Q2, True, 1),
            ("answer_q3", "q3_ah = ...", False, None),
            ("test_q3", TEST_Q3, True, 2),
        ],
    )


def _captured(monkeypatch, **answers) -> dict:
    """What ``SandboxedExecute`` takes from the student's kernel before a test cell: the real
    :func:`denchi.grading.capture.snapshot`, run on a ``__main__`` holding ``answers``."""
    main = types.ModuleType("__main__")
    main.__dict__.update(answers)
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "__main__", main)
        return {"snapshot": capture.snapshot(sorted(answers))}


def _verify(nb, tmp_path, gradebook, monkeypatch, captures: dict[str, dict]):
    """Run ``VerifyAnswers`` as ``SandboxedExecute`` hands over: the kernel's outputs in the
    notebook, the captured answers of each test cell in ``resources["denchi"]``."""
    resources = _resources(gradebook, tmp_path)
    taken = {grade_id: _captured(monkeypatch, **a) for grade_id, a in captures.items()}
    resources["denchi"] = {"flags": [], "captures": taken}
    return _run(VerifyAnswers, nb, resources)


def _points(nb, grade_id: str) -> float | None:
    """The score nbgrader's ``SaveAutoGrades`` records for a test cell."""
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return determine_grade(cell)[0]


@pytest.mark.parametrize(("answer", "points"), [(1.1, 2.0), (2.0, 0.0)])
def test_the_clean_room_runs_the_test_the_gradebook_holds(
    answer, points, tmp_path, clean_room_gradebook, monkeypatch
):
    """The student cut the hidden test out of the test cell (and the kernel ran what was
    left): the clean room runs the teacher's test from the gradebook all the same."""
    nb = _submission(
        _cell(SETUP, "setup"),
        _cell(f"q1_v = {answer}", "answer_q1", locked=False),
        _cell(VISIBLE_Q1, "test_q1", 2),
    )
    captures = {"test_q1": {"q1_v": answer}}
    nb, resources = _verify(nb, tmp_path, clean_room_gradebook, monkeypatch, captures)
    assert _points(nb, "test_q1") == points
    assert resources["denchi"]["flags"] == []  # the visible part passed in both places


@pytest.mark.parametrize(("answer", "points"), [(3, 1.0), (2, 0.5), (0, 0.0)])
def test_partial_credit_is_the_clean_rooms_value(
    answer, points, tmp_path, clean_room_gradebook, monkeypatch
):
    nb = _submission(
        _cell(SETUP, "setup"),
        _cell(f"q2_n = {answer}", "answer_q2", locked=False),
        _cell(TEST_Q2, "test_q2", 1),
    )
    nb, _ = _verify(nb, tmp_path, clean_room_gradebook, monkeypatch, {"test_q2": {"q2_n": answer}})
    assert _points(nb, "test_q2") == points


def test_a_kernel_value_shown_by_the_visible_test_is_no_partial_credit(
    tmp_path, clean_room_gradebook, monkeypatch
):
    """The visible part ``q3_ah`` showed 0.5 in the student's kernel; as an execute_result
    nbgrader would score it 0.5 of 2 points. It becomes display_data: still shown, no score."""
    test = _cell(TEST_Q3, "test_q3", 2)
    test.execution_count = 3
    test.outputs = [new_output("execute_result", {"text/plain": "0.5"}, execution_count=3)]
    nb = _submission(_cell("q3_ah = 0.5", "answer_q3", locked=False), test)
    nb, _ = _verify(nb, tmp_path, clean_room_gradebook, monkeypatch, {"test_q3": {"q3_ah": 0.5}})
    assert _points(nb, "test_q3") == 2.0
    assert [o.output_type for o in nb.cells[1].outputs] == ["display_data"]
    assert nb.cells[1].outputs[0].data["text/plain"] == "0.5"
    assert "execution_count" not in nb.cells[1].outputs[0]


def test_a_pass_in_the_kernel_that_the_clean_room_refutes_scores_nothing_and_is_flagged(
    tmp_path, clean_room_gradebook, monkeypatch
):
    """The kernel's visible check passed (the student replaced ``isinstance``), but the
    answer is a string: the clean room's verdict counts, and the teacher is told."""
    nb = _submission(
        _cell(SETUP, "setup"),
        _cell('q1_v = "1.1"', "answer_q1", locked=False),
        _cell(TEST_Q1, "test_q1", 2),
    )
    captures = {"test_q1": {"q1_v": "1.1"}}
    nb, resources = _verify(nb, tmp_path, clean_room_gradebook, monkeypatch, captures)
    assert _points(nb, "test_q1") == 0.0
    assert [f.code for f in resources["denchi"]["flags"]] == ["results_differ"]


# --- LabelQuestions -----------------------------------------------------------------------
def _graded(source: str, grade_id: str, *, points: float | None = 1, solution=False):
    cell = _cell(source, grade_id, None if solution else points)
    cell.metadata.nbgrader["solution"] = solution
    return cell


def test_each_graded_cell_is_labelled_with_its_question():
    """By grade id (q2_test -> 問2, q3a_test -> 問3(a)); a cell whose grade id names no
    question by the 「問N」 heading above it; set-up, prose and untagged cells stay unlabelled."""
    nb = _submission(
        new_markdown_cell("# 課題"),
        _cell(SETUP, "setup"),
        new_markdown_cell("## 問1 容量"),
        _graded("q1_v = 1.1", "q1_answer", solution=True),
        _graded(VISIBLE_Q1, "q1_test", points=2),
        new_markdown_cell("## 問2 電圧"),
        _graded("v = 3.7", "voltage_answer", solution=True),
        _graded("assert v", "voltage_check"),
        new_code_cell("print(v)"),
        _graded("assert True", "q3a_test"),
        _graded("assert True", "q3b_test"),
    )
    nb, _ = LabelQuestions().preprocess(nb, {})
    labels = [c.metadata.get("denchi", {}).get("question") for c in nb.cells]
    assert labels == [None, None, None, "問1", "問1", None, "問2", "問2", None, "問3(a)", "問3(b)"]


def test_the_late_note_of_late_work_is_handed_to_the_template(resources):
    """nbgrader's GetGrades put the score (after the penalty) and the penalty in resources."""
    from datetime import datetime, timedelta

    info = resources["nbgrader"]
    with Gradebook(info["db_url"]) as gb:
        due = datetime(2026, 4, 10, 8, 0)
        gb.update_or_create_assignment("a1", duedate=due)
        gb.find_submission("a1", "s1").timestamp = due + timedelta(hours=2)
        gb.db.commit()
    info.update(score=1.0, late_penalty=1.0)
    _, resources = LabelQuestions().preprocess(
        _submission(_cell(VISIBLE_Q1, "test_q1", 2)), resources
    )
    assert resources["nbgrader"]["late_note"] == "提出遅れ 2 時間 (late by 2 h): −1 点"


def test_feedback_templates_are_compiled_once_per_process(monkeypatch):
    """nbgrader makes a new exporter for each student's feedback page: each compiled the
    same templates again (about a fifth of grading a short notebook)."""
    import jinja2

    from denchi.grading.feedback import FeedbackExporter

    compiled = []
    compile_template = jinja2.Environment.compile

    def counting(self, *args, **kwargs):
        compiled.append(args[1:2])
        return compile_template(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    first = FeedbackExporter().template
    before = len(compiled)
    second = FeedbackExporter().template
    assert len(compiled) == before  # nothing compiled again
    assert second.name == first.name == "index.html.j2"


def test_a_kept_template_whose_source_changed_is_compiled_again():
    import jinja2

    from denchi.grading.feedback import CompiledTemplates

    kept = CompiledTemplates()
    sources = {"page.html": "old {{ x }}"}

    def render() -> str:
        environment = jinja2.Environment(loader=jinja2.DictLoader(sources), bytecode_cache=kept)
        return environment.get_template("page.html").render(x=1)

    assert render() == "old 1"
    assert render() == "old 1"  # from the kept code
    sources["page.html"] = "new {{ x }}"
    assert render() == "new 1"
