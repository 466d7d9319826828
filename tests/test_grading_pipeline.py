"""The grading API: parallel autograding equals nbgrader's sequential autograding, results can
be read back, feedback shows hints but no hidden tests, and nothing graded is lost."""

from __future__ import annotations

import pytest
from grading_support import (
    ASSIGNMENT,
    MAX_SCORE,
    NOTEBOOK,
    QUESTION,
    RIGHT,
    WRONG,
    autograde,
    copy_course,
    html_text,
    make_course,
    scores,
    shown_scores,
    source_notebook,
    student_notebook,
    submit,
    write_submission,
)

from denchi.grading import course as nbg
from denchi.grading.errors import GradingError
from denchi.grading.handins import edit_metadata_by_hand, strip_metadata
from denchi.grading.hidden import hidden_only_lines
from denchi.grading.pipeline import grade, result, results

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)

LIMITS = {"time_limit_s": 60, "memory_mb": 600}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("template") / "course")


@pytest.fixture(scope="module")
def graded(template, tmp_path_factory):
    """Three students graded in parallel through the API."""
    course = copy_course(template, tmp_path_factory.mktemp("parallel") / "course")
    uploads = course.parent / "uploads"
    paths = {
        name: write_submission(uploads, name, student_notebook(course, answers))
        for name, answers in (("right", RIGHT), ("wrong", WRONG), ("blank", {}))
    }
    seen = []
    out = grade(course, ASSIGNMENT, paths, workers=2, on_result=seen.append, **LIMITS)
    return course, out, seen


def test_parallel_grades_are_right(graded):
    _, out, seen = graded
    assert {s: r.score for s, r in out.items()} == {"right": 3.0, "wrong": 1.0, "blank": 0.0}
    assert all(r.max_score == MAX_SCORE and r.status == "graded" for r in out.values())
    assert sorted(r.student for r in seen) == ["blank", "right", "wrong"]


def test_parallel_equals_sequential_nbgrader_autograde(graded, template, tmp_path):
    course, out, _ = graded
    sequential = copy_course(template, tmp_path / "course")
    for student in out:
        folder = course / "submitted" / student / ASSIGNMENT
        notebooks = {p.name: _read(p) for p in folder.glob("*.ipynb")}
        submit(sequential, ASSIGNMENT, student, notebooks)
    autograde(sequential, ASSIGNMENT)  # plain `nbgrader autograde`, one process
    assert scores(sequential, ASSIGNMENT) == scores(course, ASSIGNMENT)


def _read(path):
    import nbformat

    return nbformat.read(path, as_version=4)


def test_feedback_has_the_hint_and_no_hidden_test(graded):
    course, out, _ = graded
    page = html_text(out["wrong"].feedback_html_path)
    assert "容量は電流と時間のかけ算です。" in page  # the hint of the failed check
    source = (course / "source" / ASSIGNMENT / "tiny.ipynb").read_text(encoding="utf-8")
    assert "HIDDEN TESTS" not in page and "expected" not in page
    for cell in _read(course / "source" / ASSIGNMENT / "tiny.ipynb").cells:
        for line in hidden_only_lines(cell.source):
            assert line not in page, line
    assert source  # the source notebook does hold hidden tests


def test_feedback_labels_every_score_with_its_question(graded):
    """A student reads the feedback by question: each graded cell's score, in the list at the
    top and at the cell, is labelled with its 問 number (Japanese first)."""
    _, out, _ = graded
    for student, points in (("right", (2, 1)), ("wrong", (0, 1)), ("blank", (0, 0))):
        on_page = shown_scores(out[student].feedback_html_path)
        unlabelled = [line for line, _, _ in on_page if not QUESTION.search(line)]
        assert on_page and not unlabelled, (student, unlabelled)
        for label, got, out_of in (("問1", points[0], 2), ("問2", points[1], 1)):
            shown = [(g, o) for line, g, o in on_page if label in line]
            assert shown == [(got, out_of)] * 2, (student, label, on_page)  # list and cell
        japanese_first = [
            QUESTION.search(line).start() < line.find("Score") for line, _, _ in on_page
        ]
        assert all(japanese_first), (student, on_page)


def test_feedback_from_plain_nbgrader_and_the_formgrader_is_labelled_too(graded, tmp_path):
    """`nbgrader generate_feedback` and the formgrader's "generate feedback" (whose own pages
    configure nbgrader's HTMLExporter) render the same labelled page."""
    import shutil

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from denchi.grading.nbconfig import load_course_config

    course = shutil.copytree(graded[0], tmp_path / "course")
    page = course / "feedback" / "wrong" / ASSIGNMENT / "tiny.html"
    page.unlink()
    nbg.nbgrader(course, "generate_feedback", ASSIGNMENT, "--student=wrong", "--force")
    assert {line for line, _, _ in shown_scores(page) if QUESTION.search(line)} == {
        "問1 得点 / Score: 0 / 2",
        "問2 得点 / Score: 1 / 1",
        "問1 の採点 / Graded check問1 得点 / Score: 0 / 2 (Top)",
        "問2 の採点 / Graded check問2 得点 / Score: 1 / 1 (Top)",
    }
    page.unlink()
    config = load_course_config(course)
    config.HTMLExporter.template_name = "formgrade"  # as the formgrader configures it
    config.HTMLExporter.extra_template_basedirs = ["/nowhere"]
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    assert api.generate_feedback(ASSIGNMENT, "wrong", force=True)["success"]
    on_page = shown_scores(page)
    assert len(on_page) == 4 and all(QUESTION.search(line) for line, _, _ in on_page)


def test_results_can_be_read_back(graded):
    course, out, _ = graded
    again = result(course, ASSIGNMENT, "wrong")
    assert (again.score, again.max_score, again.status) == (1.0, MAX_SCORE, "graded")
    assert again.feedback_html_path == out["wrong"].feedback_html_path
    assert set(results(course, ASSIGNMENT)) == {"right", "wrong", "blank"}


def test_regrading_is_explicit_and_keeps_what_was_there(template, tmp_path):
    course = copy_course(template, tmp_path / "course")
    first = write_submission(tmp_path, "first", student_notebook(course, WRONG))
    assert grade(course, ASSIGNMENT, {"s1": first}, **LIMITS)["s1"].score == 1.0
    # running again without new work regrades nothing
    assert grade(course, ASSIGNMENT, **LIMITS)["s1"].status == "skipped"
    assert not (course / "backups").exists()
    # a new submission is graded; the earlier one is archived, the gradebook backed up
    second = write_submission(tmp_path, "second", student_notebook(course, RIGHT))
    assert grade(course, ASSIGNMENT, {"s1": second}, **LIMITS)["s1"].score == 3.0
    archived = list((course / "submitted_archive" / "s1" / ASSIGNMENT).glob("*/tiny.ipynb"))
    assert len(archived) == 1 and "2.5 + 2" in archived[0].read_text(encoding="utf-8")
    assert len(list((course / "backups").glob("gradebook-*.db"))) == 1


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"assignment": "no_such_assignment"}, ["no_such_assignment", ASSIGNMENT]),
        ({"course": "/nonexistent/course"}, ["/nonexistent/course", "nbgrader_config.py"]),
        ({"submissions": {"../evil": "x.ipynb"}}, ["../evil", "学生 ID"]),
        ({"submissions": {"s1": "missing.ipynb"}}, ["missing.ipynb", "見つかりません"]),
    ],
)
def test_bad_input_gets_a_clear_bilingual_error(template, kwargs, words):
    args = {"course": template, "assignment": ASSIGNMENT, **kwargs}
    with pytest.raises(GradingError) as error:
        grade(args.pop("course"), args.pop("assignment"), **args)
    message = str(error.value)
    assert all(word in message for word in words), message
    assert error.value.message_ja and error.value.message_en


def test_a_file_that_is_not_a_notebook_is_refused_before_anything_moves(template, tmp_path):
    course = copy_course(template, tmp_path / "course")
    bad = tmp_path / "essay.ipynb"
    bad.write_text("this is not JSON", encoding="utf-8")
    with pytest.raises(GradingError, match="essay.ipynb"):
        grade(course, ASSIGNMENT, {"s1": bad}, **LIMITS)
    assert not (course / "submitted" / "s1").exists()


def test_seeded_data_follow_the_student_in_the_kernel_and_in_the_hidden_tests(tmp_path):
    """Each student's answer and reference come from ``labs.student_seed()``: the student id
    while grading (a kernel without it would answer 1; a clean room without it would expect 1)."""
    course = _seeded_course(tmp_path / "course")
    source = course / "source" / ASSIGNMENT / NOTEBOOK
    out = grade(course, ASSIGNMENT, {"ab": source, "abcd": source}, workers=2, **LIMITS)
    assert {s: r.score for s, r in out.items()} == {"ab": MAX_SCORE, "abcd": MAX_SCORE}


def _seeded_course(folder):
    """The tiny course, with an answer and a reference that depend on the student id."""
    nb = source_notebook()
    nb.cells[1].source += "\nfrom denchi.labs import student_seed"
    nb.cells[
        2
    ].source = "### BEGIN SOLUTION\ncapacity_ah = len(student_seed('x'))\n### END SOLUTION"
    nb.cells[3].source = nb.cells[3].source.replace(
        "expected=5.0", "expected=len(student_seed('x'))"
    )
    return make_course(folder, nb)


def test_plain_nbgrader_autograde_seeds_kernel_and_hidden_tests_alike(tmp_path):
    """The formgrader and `nbgrader autograde` (no `denchi grade` worker, so no student id in
    the grader's environment) must grade each student against that student's own data."""
    course = _seeded_course(tmp_path / "course")
    source = _read(course / "source" / ASSIGNMENT / NOTEBOOK)
    for student in ("ab", "abcd"):
        submit(course, ASSIGNMENT, student, {NOTEBOOK: source})
    autograde(course, ASSIGNMENT)
    assert scores(course, ASSIGNMENT) == {"ab": MAX_SCORE, "abcd": MAX_SCORE}


def test_a_limit_hit_after_the_last_test_keeps_the_grade_final(template, tmp_path):
    """A student with every answer right who adds a slow ungraded cell at the end is told so,
    but the grade stands (the LMS gets it as final, not "pending manual grading")."""
    from nbformat.v4 import new_code_cell

    course = copy_course(template, tmp_path / "course")
    nb = student_notebook(course, RIGHT)
    nb.cells.append(new_code_cell("while True:\n    pass"))
    path = write_submission(tmp_path / "uploads", "slow_tail", nb)
    got = grade(course, ASSIGNMENT, {"slow_tail": path}, time_limit_s=15, memory_mb=600)
    got = got["slow_tail"]
    assert got.score == MAX_SCORE
    assert "time_limit" in {f.code for f in got.flags}
    assert got.status == "graded" and not got.needs_review, got.flags


@pytest.mark.parametrize(
    ("flag", "review"),
    [
        (("time_limit", "nb", "#7", ()), False),  # stopped after the last graded cell
        (("time_limit", "nb", "q2_test", ("q2_test",)), True),
        (("kernel_died", "nb", "#7", ()), False),
        (("memory_limit", "nb", "q1_test", ("q1_test", "q2_test")), True),
        (("results_differ", "nb", "q1_test", ("q1_test",)), True),
        (("kernel_start_failed", "nb", "", ()), True),  # nothing was graded at all
        (("grading_error", "", "", ()), True),
        (("test_cell_changed", "nb", "q1_test", ()), False),
    ],
)
def test_only_flags_that_changed_a_grade_withhold_it(flag, review):
    from denchi.grading.outcome import Flag

    assert Flag(*flag).needs_review is review


def test_input_in_a_submission_is_explained_and_flagged(template, tmp_path):
    """input() cannot be answered while a notebook is graded: the student reads why in both
    languages (not ipykernel's English error), and the teacher gets the submission to review."""
    course = copy_course(template, tmp_path / "course")
    answers = {**RIGHT, "q1_answer": "capacity_ah = float(input('容量 [Ah] は？'))"}
    path = write_submission(tmp_path / "uploads", "asks", student_notebook(course, answers))
    got = grade(course, ASSIGNMENT, {"asks": path}, **LIMITS)["asks"]
    flags = {f.code: f for f in got.flags}
    assert "input_called" in flags, got.flags
    assert flags["input_called"].cells == ("q1_test", "q2_test")
    assert got.status == "flagged" and got.needs_review
    page = html_text(got.feedback_html_path)
    assert "input()" in page and "採点" in page and "cannot be answered" in page
    assert "StdinNotImplementedError" not in page and "raw_input" not in page


def _answer_moved_to_a_new_cell(course):
    """The student deleted q1's answer cell with its test cell and answered in a new cell."""
    from nbformat.v4 import new_code_cell

    nb = student_notebook(course, RIGHT)
    gone = ("q1_answer", "q1_test")
    at = next(i for i, c in enumerate(nb.cells) if c.metadata.nbgrader["grade_id"] == gone[0])
    nb.cells = [c for c in nb.cells if c.metadata.nbgrader["grade_id"] not in gone]
    nb.cells.insert(at, new_code_cell(RIGHT["q1_answer"]))
    return nb


def _metadata_stripped(course):
    """An editor that ignores nbgrader (VS Code, Colab) saved the notebook without it."""
    return strip_metadata(student_notebook(course, RIGHT))


def _metadata_edited_by_hand(course):
    """The nbgrader metadata of cells edited into other forms (a text editor, a converter):
    a string in place of the object, a list as grade_id, points as text."""
    return edit_metadata_by_hand(student_notebook(course, RIGHT))


@pytest.mark.parametrize(
    "case", [_answer_moved_to_a_new_cell, _metadata_stripped, _metadata_edited_by_hand]
)
def test_missing_cells_are_restored_and_answers_graded_by_name(template, tmp_path, case):
    course = copy_course(template, tmp_path / "course")
    path = write_submission(tmp_path / "uploads", "odd", case(course))
    got = grade(course, ASSIGNMENT, {"odd": path}, **LIMITS)["odd"]
    assert got.status != "failed", got.flags
    assert got.score == MAX_SCORE, got.flags
    page = html_text(got.feedback_html_path)
    assert "Traceback" not in page and "see the above traceback" not in page


def test_a_notebook_without_any_of_the_assignments_cells_is_graded_by_name_and_flagged(
    template, tmp_path
):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_markdown_cell("# 私のノート"), new_code_cell(RIGHT["q1_answer"])])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    course = copy_course(template, tmp_path / "course")
    path = write_submission(tmp_path / "uploads", "other", nb)
    got = grade(course, ASSIGNMENT, {"other": path}, **LIMITS)["other"]
    assert got.score == 2.0  # q1 answered (found by its name), q2 not
    flags = {f.code: f for f in got.flags}
    assert "cells_not_found" in flags and got.status == "flagged", got.flags
    page = html_text(got.feedback_html_path)
    assert "課題のセルが 1 つも見つかりませんでした" in page


def test_feedback_shows_no_traceback_and_no_server_path(template, tmp_path):
    """A failed check shows its bilingual hint only; the student's own error keeps its name and
    message, without the frames and without the grading machine's folders."""
    from nbformat.v4 import new_code_cell

    course = copy_course(template, tmp_path / "course")
    nb = student_notebook(course, {})  # blank: the visible checks fail in the kernel
    nb.cells.insert(2, new_code_cell("import os\nopen(os.path.join(os.getcwd(), 'data.csv'))"))
    path = write_submission(tmp_path / "uploads", "blank", nb)
    got = grade(course, ASSIGNMENT, {"blank": path}, **LIMITS)["blank"]
    page = html_text(got.feedback_html_path)
    assert "capacity_ah" in page and "There is no variable" in page  # the check's hint
    assert "FileNotFoundError" in page and "data.csv" in page  # the student's own error
    assert "Traceback" not in page and "File /" not in page and "-->" not in page
    for folder in (str(course), "/tmp/", "/work/", "site-packages", "denchi-kernel-"):
        assert folder not in page, folder
