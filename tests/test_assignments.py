"""Every assignment: solution = full marks, blank = zero, a typical wrong answer = partial;
hidden tests never reach the student version, nor the feedback."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from grading_support import (
    QUESTION,
    autograde,
    copy_course,
    fill_answers,
    html_text,
    max_score,
    scores,
    shown_scores,
    submit,
    typical_wrong_answers,
)

from denchi.catalog import load_catalog
from denchi.grading import course as nbg
from denchi.grading.hidden import hidden_only_lines
from denchi.grading.pipeline import grade
from denchi.grading.pool import WorkerPool
from denchi.labs.seeds import seed_number

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)

ASSIGNMENTS = sorted(m.assignment for m in load_catalog().available() if m.assignment)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)
HINT = re.compile(r'hint_ja="([^"]+)"')


def _all_source(path) -> str:
    """All cell sources of a notebook, as the student would read them."""
    return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)


def _seeded(assignment: str) -> bool:
    """Each student analyses data of their own cell (seed = student id)."""
    source = nbg.course_dir() / "source" / assignment
    return "student_seed(" in "".join(_all_source(p) for p in source.glob("*.ipynb"))


SEEDED = [a for a in ASSIGNMENTS if _seeded(a)]


@pytest.fixture(scope="session")
def pool():
    """Grading workers kept warm across the assignments this test process grades."""
    with WorkerPool(2) as workers:
        yield workers


# Each assignment is graded once per test process: one xdist worker runs all of an assignment's
# tests (its xdist_group), and the result is kept here (a module-scoped parametrised fixture
# would be set up again whenever the worker's test order switches assignment).
_GRADED: dict[str, dict] = {}


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    """A course in which every assignment has been generated, once per test process
    (``denchi grade generate --all``: one run of nbgrader, about 7 s, where 24 runs of one
    assignment took 2–3.5 s each); each test grades in a copy of it."""
    from denchi.cli import main

    course = nbg.copy_course(tmp_path_factory.mktemp("generated"))
    assert main(["grade", "generate", "--all", "--course", str(course)]) == 0
    for assignment in ASSIGNMENTS:
        released = sorted((course / "release" / assignment).glob("*.ipynb"))
        assert released, f"{assignment} was not generated"
        for path in released:
            assert nbg.assignment_of(nbformat.read(path, as_version=4)) == assignment, path
    return course


def _in_group(assignments):
    """Parameters of a test that grades each of ``assignments``, each in its xdist_group."""
    return [pytest.param(a, marks=pytest.mark.xdist_group(a)) for a in assignments]


@pytest.fixture(params=_in_group(ASSIGNMENTS), ids=ASSIGNMENTS)
def graded(request, tmp_path_factory, pool, generated):
    if request.param not in _GRADED:
        _GRADED[request.param] = _grade_three_kinds(
            request.param, tmp_path_factory, pool, generated
        )
    return _GRADED[request.param]


def _grade_three_kinds(assignment: str, tmp_path_factory, pool, generated: Path) -> dict:
    """Hand in the three kinds of answers, autograde them in parallel."""
    course = copy_course(generated, tmp_path_factory.mktemp(assignment) / "course")
    release = course / "release" / assignment
    source = course / "source" / assignment
    names = sorted(p.name for p in source.glob("*.ipynb"))
    read = {n: nbformat.read(release / n, as_version=4) for n in names}
    wrong = typical_wrong_answers(assignment)
    uploads = {student: course.parent / "uploads" / student for student in ("blank", "wrong")}
    for name in names:
        for student, nb in (
            ("blank", read[name]),
            ("wrong", fill_answers(read[name], wrong.get(name, {}))),
        ):
            uploads[student].mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, uploads[student] / name)
    # seeded assignments (each student analyses data of their own cell, seed = student id):
    # the solution scores full marks here for the student "solution" and, under plain
    # nbgrader, for a second student (test_seeded_solution_scores_full_marks_under_plain_nbgrader);
    # the typical wrong answer is graded on a third student's data
    results = grade(course, assignment, {"solution": source, **uploads}, pool=pool)
    return {
        "assignment": assignment,
        "course": course,
        "scores": scores(course, assignment),
        "max": max_score(course, assignment),
        "names": names,
        "results": results,
    }


def test_solution_scores_full_marks(graded):
    assert graded["max"] > 0
    assert graded["scores"]["solution"] == pytest.approx(graded["max"])


def test_blank_student_version_scores_zero(graded):
    assert graded["scores"]["blank"] == 0


def test_typical_wrong_answer_scores_partial(graded):
    assert 0 < graded["scores"]["wrong"] < graded["max"]


def test_nothing_needs_a_teachers_review(graded):
    assert all(not r.needs_review for r in graded["results"].values()), graded["results"]


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


def test_hidden_tests_are_absent_from_the_feedback(graded):
    course, assignment = graded["course"], graded["assignment"]
    for name in graded["names"]:
        source = nbformat.read(course / "source" / assignment / name, as_version=4)
        secrets = set().union(*(hidden_only_lines(cell.source) for cell in source.cells))
        assert secrets
        for student, result in graded["results"].items():
            page = html_text(result.feedback_html_paths[name])
            assert "HIDDEN TESTS" not in page and "expected=" not in page, student
            leaked = {line for line in secrets if line in page}
            assert not leaked, f"{student}'s feedback shows hidden test lines: {leaked}"


def test_feedback_gives_the_hints_of_failed_checks(graded):
    course, assignment = graded["course"], graded["assignment"]
    for name in graded["names"]:
        source = _all_source(course / "source" / assignment / name)
        hints = HINT.findall("\n".join(HIDDEN.findall(source)))
        page = html_text(graded["results"]["wrong"].feedback_html_paths[name])
        assert any(hint in page for hint in hints), "the wrong answer's feedback has no hint"


def test_feedback_labels_every_score_with_its_question_and_shows_no_traceback(graded):
    """Every graded cell's score in the feedback page (the list at the top and the cell itself)
    carries its question's label, 問N from its grade id q<N>_…; the page shows no traceback
    and no folder of the grading machine."""
    course, assignment = graded["course"], graded["assignment"]
    for name in graded["names"]:
        source = nbformat.read(course / "source" / assignment / name, as_version=4)
        cells = [c.metadata["nbgrader"] for c in source.cells if c.metadata.get("nbgrader", {})]
        tests = [(m["grade_id"], float(m["points"])) for m in cells if m.get("grade")]
        assert len(tests) >= 2
        for student, result in graded["results"].items():
            path = result.feedback_html_paths[name]
            scores = shown_scores(path)
            unlabelled = [line for line, _, _ in scores if not QUESTION.search(line)]
            assert scores and not unlabelled, (student, unlabelled)
            for grade_id, points in tests:
                label = "問" + re.match(r"q(\d+)", grade_id).group(1)
                shown = [line for line, _, out_of in scores if label in line and out_of == points]
                assert len(shown) >= 2, (student, grade_id, scores)  # the list and the cell
            page = html_text(path)
            assert "Traceback" not in page and "File /" not in page, student
            for folder in (str(course), "/tmp/", "/work/", "/home/", "site-packages"):
                assert folder not in page, (student, folder)


def test_solutions_are_absent_from_the_student_version(graded):
    course, assignment = graded["course"], graded["assignment"]
    for name in graded["names"]:
        released = _all_source(course / "release" / assignment / name)
        assert "BEGIN SOLUTION" not in released


@pytest.mark.parametrize("assignment", _in_group(SEEDED))
def test_seeded_solution_scores_full_marks_under_plain_nbgrader(assignment, tmp_path, generated):
    """`nbgrader autograde` (and so the JupyterHub formgrader) grades a student against their
    own data, as `denchi grade` does: the solution scores full marks for a student whose id is
    an e-mail address. With the student "solution" that `denchi grade` grades in
    `_grade_three_kinds`, each seeded solution scores full marks on two students' data. The
    first seeded assignment has two students here; that two students get different data and
    are each graded on their own is
    tests/test_grading_pipeline.py::test_plain_nbgrader_autograde_seeds_kernel_and_hidden_tests_alike.
    """
    course = copy_course(generated, tmp_path / "course")
    source = course / "source" / assignment
    notebooks = {p.name: nbformat.read(p, as_version=4) for p in source.glob("*.ipynb")}
    students = (
        ("s2024001", "taro@example.ac.jp") if assignment == SEEDED[0] else ("taro@example.ac.jp",)
    )
    assert len({seed_number(s) for s in ("solution", *students)}) == 1 + len(students)
    for student in students:
        submit(course, assignment, student, notebooks)
    autograde(course, assignment)
    maximum = max_score(course, assignment)
    assert scores(course, assignment) == {s: pytest.approx(maximum) for s in students}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_visible_checks_give_hints_not_raw_errors(assignment):
    """A visible test that is a bare `assert len(x) == 9` gives a raw TypeError when a student
    answers one number (e03 問1): visible tests call `checks`, whose failures are hints."""
    from denchi.grading.hidden import visible_part

    source = nbg.course_dir() / "source" / assignment
    for path in source.glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and cell.cell_type == "code":
                bare = [line for line in visible_part(cell.source).splitlines() if "assert" in line]
                assert not bare, (path.name, meta["grade_id"], bare)


def _graded_variants(tmp_path, generated, pool, assignment: str, variants) -> dict[str, dict]:
    """Grade with ``denchi grade`` one submission per student of ``variants(solution)``
    (student -> answer code by grade_id; ``solution`` is the source's answer code by grade_id,
    SOLUTION markers being comments); each student's (score, max score) by test cell."""
    name = f"{assignment}.ipynb"
    course = copy_course(generated, tmp_path / "course")
    release = course / "release" / assignment
    source = nbformat.read(course / "source" / assignment / name, as_version=4)
    solution = {
        c.metadata.nbgrader["grade_id"]: c.source
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    uploads = {}
    for student, answers in variants(solution).items():
        nb = fill_answers(nbformat.read(release / name, as_version=4), answers)
        uploads[student] = tmp_path / "up" / student
        uploads[student].mkdir(parents=True)
        nbformat.write(nb, uploads[student] / name)
    grade(course, assignment, uploads, pool=pool)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {
            student: {
                g.name: (g.score, g.max_score)
                for g in gb.find_submission_notebook(assignment, assignment, student).grades
            }
            for student in uploads
        }


@pytest.mark.xdist_group("e03_pulse_gitt")
def test_e03_question_2_is_graded_with_error_carried_forward(tmp_path, generated, pool):
    """問2 says "use your 問1 resistance": a student whose 問1 is wrong but whose 問2 follows
    from it correctly loses 問1's points only."""
    assignment = "e03_pulse_gitt"
    wrong_q1 = typical_wrong_answers(assignment)[f"{assignment}.ipynb"]["q1_answer"]
    student = "s2024001"
    got = _graded_variants(
        tmp_path,
        generated,
        pool,
        assignment,
        lambda solution: {student: {**solution, "q1_answer": wrong_q1}},
    )[student]
    assert got["q1_test"][0] < got["q1_test"][1]  # 問1 wrong
    assert got["q2_test"][0] == got["q2_test"][1]  # 問2 right from the student's own 問1


# e02 問4: plausible wrong ways to measure what loss of lithium did to the low-voltage peak
_E02_NAMED = """low_fresh = analysis_ocv.named_peak(fresh_q_ah, fresh_v, "{peak}")
low_aged = analysis_ocv.named_peak(aged_q_ah, aged_v, "{peak}")
q4_shift_v = {factor}(low_aged.position_v - low_fresh.position_v)
q4_height_change_ah_per_v = low_aged.height_ah_per_v - low_fresh.height_ah_per_v"""
E02_WRONG_Q4 = {
    # what e02 used to grade: the tallest 10 mV bin of 3.5-4.0 V, which jumps to the other peak
    "tallest": """def tallest_bin(q_ah, v):
    centres, values = analysis_ocv.incremental_capacity(q_ah, v, 0.01)
    inside = (centres > 3.5) & (centres < 4.0)
    return centres[inside][np.argmax(values[inside])], values[inside].max()


v_aged, h_aged = tallest_bin(aged_q_ah, aged_v)
v_fresh, h_fresh = tallest_bin(fresh_q_ah, fresh_v)
q4_shift_v = v_aged - v_fresh
q4_height_change_ah_per_v = h_aged - h_fresh""",
    "in-mv": _E02_NAMED.format(peak="low", factor="1000 * "),
    "high-peak": _E02_NAMED.format(peak="high", factor=""),
}


@pytest.mark.xdist_group("e02_ocv_dqdv")
def test_e02_grades_the_low_peak_not_the_tallest_peak(tmp_path, generated, pool):
    """問4 asks how loss of lithium changed the low-voltage peak: the solution scores its
    points; the tallest-peak answer (a jump of about 0.2 V between the two peaks), the shift
    in mV and the other peak's change score less."""

    def variants(solution: dict[str, str]) -> dict[str, dict[str, str]]:
        q4 = {"solution": solution["q4_answer"], **E02_WRONG_Q4}
        return {
            f"s20250{n}-{kind}": {**solution, "q4_answer": code}
            for n, (kind, code) in enumerate(q4.items())
        }

    graded = _graded_variants(tmp_path, generated, pool, "e02_ocv_dqdv", variants)
    got = {student.split("-", 1)[1]: cells for student, cells in graded.items()}
    assert all(score == maximum for score, maximum in got["solution"].values()), got["solution"]
    for kind in E02_WRONG_Q4:
        score, maximum = got[kind]["q4_test"]
        assert score < maximum, (kind, got[kind])
        assert got[kind]["q2_test"][0] == got[kind]["q2_test"][1], (kind, got[kind])


@pytest.mark.xdist_group("e04_eis")
def test_e04_grades_the_modulus_weighting_of_the_circuit_fit(tmp_path, generated, pool):
    """問3 asks for a fit whose residuals are divided by |Z|: the same fit without the weighting
    (whose R_ct, α and C fall inside their tolerances on these spectra) loses the points of the
    weighting check and keeps the others."""
    weighted = "d = (randles(f_hz, *p) - z_ohm) / np.abs(z_ohm)"

    def variants(solution: dict[str, str]) -> dict[str, dict[str, str]]:
        assert weighted in solution["q3_answer"]
        unweighted = solution["q3_answer"].replace(weighted, "d = randles(f_hz, *p) - z_ohm")
        return {"s2025001": solution, "s2025002": {**solution, "q3_answer": unweighted}}

    got = _graded_variants(tmp_path, generated, pool, "e04_eis", variants)
    weighted_scores, unweighted_scores = got["s2025001"], got["s2025002"]
    assert all(s == m for s, m in weighted_scores.values()), weighted_scores
    lost = {cell for cell, (s, m) in unweighted_scores.items() if s < m}
    assert lost == {"q3d_test"}, unweighted_scores
