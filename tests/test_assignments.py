"""Every assignment: solution = full marks, blank = zero, a typical wrong answer = partial;
hidden tests never reach the student version."""

from __future__ import annotations

import re

import nbformat
import pytest

from denchi.catalog import load_catalog
from denchi.grading import course as nbg

ASSIGNMENTS = sorted(m.assignment for m in load_catalog().available() if m.assignment)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory):
    """Generate, submit the three kinds of answers, autograde; yields scores and paths."""
    assignment = request.param
    course = nbg.copy_course(tmp_path_factory.mktemp(assignment))
    release = nbg.generate(course, assignment)
    source = course / "source" / assignment
    names = sorted(p.name for p in source.glob("*.ipynb"))
    read = {n: nbformat.read(release / n, as_version=4) for n in names}
    wrong = nbg.typical_wrong_answers(assignment)
    nbg.submit(
        course, assignment, "solution", {n: nbformat.read(source / n, as_version=4) for n in names}
    )
    nbg.submit(course, assignment, "blank", read)
    nbg.submit(
        course, assignment, "wrong", {n: nbg.fill_answers(read[n], wrong.get(n, {})) for n in names}
    )
    nbg.autograde(course, assignment)
    return {
        "assignment": assignment,
        "course": course,
        "scores": nbg.scores(course, assignment),
        "max": nbg.max_score(course, assignment),
        "names": names,
    }


def test_solution_scores_full_marks(graded):
    assert graded["max"] > 0
    assert graded["scores"]["solution"] == pytest.approx(graded["max"])


def test_blank_student_version_scores_zero(graded):
    assert graded["scores"]["blank"] == 0


def test_typical_wrong_answer_scores_partial(graded):
    assert 0 < graded["scores"]["wrong"] < graded["max"]


def _all_source(path) -> str:
    """All cell sources of a notebook, as the student would read them."""
    return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)


def test_hidden_tests_are_absent_from_the_student_version(graded):
    course, assignment = graded["course"], graded["assignment"]
    for name in graded["names"]:
        source = _all_source(course / "source" / assignment / name)
        released = _all_source(course / "release" / assignment / name)
        hidden_blocks = HIDDEN.findall(source)
        assert hidden_blocks, f"{name} has no hidden tests"
        assert "HIDDEN TESTS" not in released
        visible = set(map(str.strip, HIDDEN.sub("", source).splitlines()))
        released_lines = set(map(str.strip, released.splitlines()))
        for block in hidden_blocks:
            # every line that only the hidden tests contain (expected values, hints)
            hidden_only = {s.strip() for s in block.splitlines()} - visible
            assert any("expected" in line for line in hidden_only)
            leaked = hidden_only & released_lines
            assert not leaked, f"hidden test lines leaked: {leaked}"


def test_solutions_are_absent_from_the_student_version(graded):
    course, assignment = graded["course"], graded["assignment"]
    for name in graded["names"]:
        released = _all_source(course / "release" / assignment / name)
        assert "BEGIN SOLUTION" not in released
