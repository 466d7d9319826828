"""``denchi grade sample-class``: the teacher-training kit's class of ten fictional students.

The fast tests check that a folder holding anything is refused before anything is written.
The slow test makes the class with the command, grades it with ``denchi grade autograde`` (one
batch per assignment), and checks each student's score and status by the kind of work they
handed in, with expected scores taken from the assignment's points, and that the Moodle and
manaba exports list every student.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import nbformat
import pytest

from denchi.cli import main
from denchi.grading import course as nbg
from denchi.grading.errors import GradingError
from denchi.grading.nbconfig import load_course_config
from denchi.grading.pipeline import results
from denchi.grading.sample_class import (
    KINDS,
    SAMPLE_ASSIGNMENTS,
    STUDENTS,
    make_sample_class,
)


def _tree(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("used", ["gradebook.db", "submitted/s2024001/h04_lithium_ion/a.ipynb"])
def test_a_folder_that_holds_anything_is_refused_and_left_as_it_was(tmp_path, used, capsys):
    course = tmp_path / "course"
    (course / used).parent.mkdir(parents=True)
    (course / used).write_bytes(b"a real class's data")
    before = _tree(course)
    with pytest.raises(GradingError) as refused:
        make_sample_class(course)
    assert str(course) in refused.value.message_ja and "上書き" in refused.value.message_ja
    assert "overwritten" in refused.value.message_en
    assert main(["grade", "sample-class", "--course", str(course)]) == 2
    err = capsys.readouterr().err
    assert "上書き" in err and "nothing was changed" in err and "Traceback" not in err
    assert _tree(course) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course"]  # nothing left beside it


def test_an_assignment_without_typical_wrong_answers_is_refused_before_anything_is_written(
    tmp_path,
):
    root = tmp_path / "repo"
    source = nbg.course_dir(root) / "source" / "x01"
    source.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), source / "x01.ipynb")
    course = tmp_path / "course"
    with pytest.raises(GradingError, match="wrong_answers/x01.yml"):
        make_sample_class(course, ["x01"], root=root)
    with pytest.raises(GradingError, match="h99"):
        make_sample_class(course, ["h99"], root=root)
    assert not course.exists()


def test_the_kinds_of_the_issue_are_all_in_the_class():
    kinds = {s.kind for s in STUDENTS}
    assert kinds == set(KINDS)
    assert {"right", "partial", "blank", "late"} <= kinds
    assert len({s.student for s in STUDENTS}) == len(STUDENTS) >= 10
    assert all(s.name.startswith("サンプル") for s in STUDENTS)  # clearly fictional


# --- the class graded (slow) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("sample") / "sample-class"
    course.mkdir()  # an empty folder is taken (only one that holds anything is refused)
    assert main(["grade", "sample-class", "--course", str(course)]) == 0
    out = {}
    for assignment in SAMPLE_ASSIGNMENTS:
        args = ["--course", str(course), "--workers", "2", "--no-feedback"]
        assert main(["grade", "autograde", assignment, *args]) == 0
        out[assignment] = results(course, assignment)
    return course, out


def _points(course, assignment) -> float:
    """The assignment's full marks, from its source notebooks' test cells."""
    folder = course / "source" / assignment
    return sum(nbg.notebook_points(nbformat.read(p, as_version=4)) for p in folder.glob("*.ipynb"))


def _penalty(course, full: float) -> float:
    """What a late notebook loses under the course's configured rule."""
    method = load_course_config(course).LateSubmissionPlugin.get("penalty_method", "none")
    return {"none": 0.0, "zero": full}[method]


CELL_PUT_BACK = ("deleted_cell", "edited_metadata", "stripped_metadata", "overwritten_test")
LATE_BY_S = {"late": 26 * 3600}


def _score_is_right(kind: str, score: float, full: float, partial: float, penalty: float) -> bool:
    """The grading rules for each kind of work, in points of the assignment (``full``)."""
    if kind in ("right", "deleted_cell", "edited_metadata", "stripped_metadata"):
        return score == pytest.approx(full)  # odd notebooks are put right, then graded
    if kind in ("partial", "half"):
        return 0 < score < full
    if kind == "late":
        return score == pytest.approx(full - penalty)  # all right, minus the configured penalty
    if kind == "overwritten_test":
        return score == pytest.approx(partial)  # the rewritten test cell counts for nothing
    if kind == "blank":
        return score == 0
    raise AssertionError(f"no expectation for the kind {kind}")


@pytest.mark.slow
@pytest.mark.parametrize("assignment", SAMPLE_ASSIGNMENTS)
def test_each_student_scores_as_their_kind_of_work_says(graded, assignment):
    course, out = graded
    got = out[assignment]
    assert set(got) == {s.student for s in STUDENTS}
    full = _points(course, assignment)
    assert full > 0
    partial = next(got[s.student].score for s in STUDENTS if s.kind == "partial")
    penalty = _penalty(course, full)
    wrong = []
    for student in STUDENTS:
        r, kind = got[student.student], student.kind
        put_back = "test_cell_changed" in {f.code for f in r.flags}
        seen = (r.max_score, r.status, put_back, r.seconds_late)
        expected = (full, "graded", kind in CELL_PUT_BACK, LATE_BY_S.get(kind, 0))
        if seen != pytest.approx(expected) or not _score_is_right(
            kind, r.score, full, partial, penalty
        ):
            wrong.append((student.student, kind, r.score, seen, expected))
    assert not wrong, f"full marks {full}, partial {partial}: {wrong}"


@pytest.mark.slow
def test_every_student_analyses_data_of_their_own_cell(graded):
    """e01 is seeded: the grader made each student's data from their id, so the data cell's
    plotted output differs from student to student."""
    course, _ = graded
    seen = {}
    for student in STUDENTS:
        path = course / "autograded" / student.student / "e01_capacity_rate"
        nb = nbformat.read(path / "e01_capacity_rate.ipynb", as_version=4)
        data = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "data")
        images = [o["data"]["image/png"] for o in data.outputs if "image/png" in o.get("data", {})]
        assert images, student.student
        seen[student.student] = images[0]
    assert len(set(seen.values())) == len(STUDENTS)


def _csv_rows(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


@pytest.mark.slow
@pytest.mark.parametrize("assignment", SAMPLE_ASSIGNMENTS)
def test_the_moodle_and_manaba_exports_list_every_student(graded, assignment):
    course, out = graded
    exports = course / "exports"
    for lms in ("moodle", "manaba"):
        args = ["--format", lms, "--course", str(course)]
        assert main(["grade", "export", assignment, *args]) == 0
    moodle = {
        row["Email address"]: float(row[assignment])
        for row in _csv_rows(exports / f"moodle-{assignment}.csv")
    }
    assert moodle == {s.email: pytest.approx(out[assignment][s.student].score) for s in STUDENTS}
    manaba = {row["学籍番号"]: row for row in _csv_rows(exports / f"manaba-{assignment}.csv")}
    assert set(manaba) == {s.student for s in STUDENTS}
    for student in STUDENTS:
        row = manaba[student.student]
        assert row["氏名"] == student.name
        assert float(row["合計点"]) == pytest.approx(out[assignment][student.student].score)
        assert bool(row["提出遅れ"]) == (student.handed_in > timedelta(0))
