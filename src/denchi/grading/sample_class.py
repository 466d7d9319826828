"""The sample class of the teacher-training kit (t01): a course folder in which ten fictional
students have handed in an intro and an evaluation assignment, ready to grade and export.

``denchi grade sample-class`` writes it. Teachers at a training session then run the real
commands on it (``denchi grade autograde``, ``status``, ``feedback``, ``export --format
moodle`` and ``--format manaba``; ``book/teaching/01_grading.md``) and meet every kind of
submission a class hands in (issue 19): right, partly right, half answered, blank, late, and
odd notebooks the grader is built for (a deleted test cell, nbgrader metadata edited by hand or
lost in VS Code, a test cell rewritten to pass).

Nothing of a submission is stored: the notebooks are made when the command runs, from the
assignment's own files (:mod:`denchi.grading.handins`): the released notebook that nbgrader
generates, the solution cells of the source, and the typical wrong answers of
``assessments/wrong_answers/<assignment>.yml``. An evaluation assignment (e01) is seeded: the
grader makes each student's data from the student id (``denchi.labs.student_seed``,
``book/teaching/02_seeded_data.md``), so every fictional student analyses a cell of their own,
as a real student does, and a right answer is code that computes from that data.

The course is the courseware's own configuration and sources (``copy_course``); the due date
is set as ``denchi grade due`` sets it (:func:`denchi.grading.duedates.set_due`), the
submissions are placed as ``denchi grade collect`` places one (:func:`denchi.grading.collect.
place`, with the hand-in time in ``timestamp.txt``), and the students are recorded in the
gradebook with a name and an e-mail address as ``collect`` records them from an LMS, so the
Moodle and manaba exports work. The folder is built aside and moved into place at the end, and
only where no course is: a folder that holds anything is refused, so a class's real
submissions and gradebook are never touched.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import nbformat

from denchi.grading import handins
from denchi.grading.collect import assignment_notebooks, place, record_students
from denchi.grading.course import RELEASE, copy_course, course_dir, generate
from denchi.grading.duedates import set_due
from denchi.grading.errors import GradingError
from denchi.grading.late import parse_due
from denchi.grading.lms_layouts import Submitter

SAMPLE_ASSIGNMENTS = ("h04_lithium_ion", "e01_capacity_rate")  # one intro, one evaluation
DUE = "2026-04-10T17:00"  # Japan time, as a teacher types it for `denchi grade due`
EMAIL_DOMAIN = "example.ac.jp"  # the example domain of the project's docs and tests

# kind -> what the student did (Japanese, English)
KINDS: dict[str, tuple[str, str]] = {
    "right": ("全問正解", "all right"),
    "partial": ("よくある誤答（一部正解）", "typical wrong answers (partly right)"),
    "half": ("前半の問だけ解答（後半は空欄）", "answered the first half only"),
    "blank": ("白紙（配ったままのノートブック）", "blank (the notebook as handed out)"),
    "late": (
        "全問正解、締め切りの 26 時間後に提出",
        "all right, handed in 26 h after the due date",
    ),
    "deleted_cell": (
        "全問正解、確認（テスト）のセルを 1 つ消した",
        "all right, deleted a test cell",
    ),
    "edited_metadata": (
        "全問正解、セルの nbgrader の情報を手で書きかえた",
        "all right, nbgrader metadata edited by hand",
    ),
    "stripped_metadata": (
        "全問正解、VS Code で保存して nbgrader の情報が消えた",
        "all right, saved in VS Code: nbgrader metadata lost",
    ),
    "overwritten_test": (
        "よくある誤答、最後のテストのセルを「pass」と 100 点に書きかえた",
        "typical wrong answers, rewrote the last test cell to 'pass' worth 100 points",
    ),
}


@dataclass(frozen=True)
class SampleStudent:
    """A fictional student of the sample class."""

    student: str  # the student id, also the seed of seeded data
    name: str  # family and given name, clearly fictional
    kind: str  # a key of KINDS
    handed_in: timedelta  # when, relative to the due date (negative: before it)

    @property
    def email(self) -> str:
        """A fictional address at the example domain."""
        return f"{self.student}@{EMAIL_DOMAIN}"


STUDENTS = (
    SampleStudent("sample01", "サンプル 一郎", "right", -timedelta(days=3, hours=2)),
    SampleStudent("sample02", "サンプル 花子", "right", -timedelta(days=1, hours=5)),
    SampleStudent("sample03", "サンプル 次郎", "partial", -timedelta(days=2, hours=7)),
    SampleStudent("sample04", "サンプル 桜", "half", -timedelta(hours=3)),
    SampleStudent("sample05", "サンプル 三郎", "blank", -timedelta(minutes=10)),
    SampleStudent("sample06", "サンプル 葵", "late", timedelta(hours=26)),
    SampleStudent("sample07", "サンプル 四郎", "deleted_cell", -timedelta(days=1, hours=1)),
    SampleStudent("sample08", "サンプル 結衣", "edited_metadata", -timedelta(hours=20)),
    SampleStudent("sample09", "サンプル 五郎", "stripped_metadata", -timedelta(hours=9)),
    SampleStudent("sample10", "サンプル 陽菜", "overwritten_test", -timedelta(hours=1)),
)


@dataclass(frozen=True)
class SampleClass:
    """What :func:`make_sample_class` made."""

    course: Path
    assignments: tuple[str, ...]
    due: datetime  # the due date of every assignment (aware)
    students: tuple[SampleStudent, ...] = STUDENTS


def handin(
    kind: str, released, solution: dict[str, str], wrong: dict[str, str]
) -> nbformat.NotebookNode:
    """The notebook a student of ``kind`` hands in.

    Args:
        kind: A key of :data:`KINDS`.
        released: The released (student) notebook.
        solution: The source's solution per answer cell (:func:`handins.solution_answers`).
        wrong: The typical wrong answers of this notebook (``grade_id`` -> code).

    Raises:
        KeyError: if ``kind`` is unknown, or an answer names a cell the notebook lacks.
    """
    right = handins.fill_answers(released, solution)
    answer_cells, test_cells = handins.solution_cells(released), handins.graded_cells(released)
    made = {
        "right": lambda: right,
        "late": lambda: right,
        "partial": lambda: handins.fill_answers(released, wrong),
        "half": lambda: handins.fill_answers(
            released, {g: solution[g] for g in answer_cells[: max(1, len(answer_cells) // 2)]}
        ),
        "blank": lambda: handins.fill_answers(released, {}),
        "deleted_cell": lambda: handins.delete_cell(right, test_cells[0]),
        "edited_metadata": lambda: handins.edit_metadata_by_hand(right),
        "stripped_metadata": lambda: handins.strip_metadata(right),
        "overwritten_test": lambda: handins.overwrite_test_cell(
            handins.fill_answers(released, wrong), test_cells[-1]
        ),
    }
    return made[kind]()


def _refuse_a_used_folder(course: Path) -> None:
    if course.exists() and (not course.is_dir() or any(course.iterdir())):
        raise GradingError(
            f"{course} にはすでにファイルがあります。見本のクラスは、生徒の提出物や成績簿を"
            "上書きしないように、まだないフォルダ（または空のフォルダ）にだけつくります。"
            "--course で別のフォルダを指定してください。前につくった見本のクラスを"
            "つくり直すときは、そのフォルダを消してから実行してください（何も変更していません）。",
            f"{course} already holds files. The sample class is made only in a new (or empty) "
            "folder, so that no class's submissions or gradebook are overwritten: give another "
            "folder with --course, or delete an earlier sample class's folder first (nothing "
            "was changed).",
        )


def _wrong_answers(assignment: str, root: Path | None) -> dict[str, dict[str, str]]:
    try:
        return handins.typical_wrong_answers(assignment, root)
    except FileNotFoundError:
        raise GradingError(
            f"課題「{assignment}」には、よくある誤答のファイル（assessments/wrong_answers/"
            f"{assignment}.yml）がないので、見本のクラスをつくれません。",
            f"'{assignment}' has no typical wrong answers (assessments/wrong_answers/"
            f"{assignment}.yml): no sample class can be made of it.",
        ) from None


def make_sample_class(
    course: Path, assignments: Sequence[str] | None = None, root: Path | None = None
) -> SampleClass:
    """Write the sample class into ``course``: the courseware's course (configuration and
    sources), each assignment generated with its due date :data:`DUE` (Japan time), and the
    submissions of the ten :data:`STUDENTS`, recorded in the gradebook with their names and
    e-mail addresses. Nothing is graded yet.

    Args:
        course: A folder that does not exist yet, or an empty one.
        assignments: Assignment ids (default :data:`SAMPLE_ASSIGNMENTS`); each needs its
            ``assessments/wrong_answers/<assignment>.yml``.
        root: The repository root; ``None`` finds it with :func:`denchi.catalog.repo_root`.

    Raises:
        GradingError: (nothing written) if ``course`` holds anything, or an assignment is
            unknown or has no typical wrong answers.
        CatalogError: if ``root`` is ``None`` and the repository root cannot be found.
        RuntimeError: if nbgrader cannot generate an assignment (nothing is left behind).
        OSError: if the folder cannot be written.
    """
    course = Path(course).absolute()
    chosen = tuple(assignments or SAMPLE_ASSIGNMENTS)
    _refuse_a_used_folder(course)
    for assignment in chosen:
        assignment_notebooks(course_dir(root), assignment)  # a clear error for an unknown one
    wrong = {assignment: _wrong_answers(assignment, root) for assignment in chosen}
    due = parse_due(DUE)
    course.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".sample-class-", dir=course.parent) as tmp:
        staging = copy_course(Path(tmp) / "course", root)
        uploads = Path(tmp) / "uploads"
        for assignment in chosen:
            generate(staging, assignment)
            set_due(staging, assignment, due)
            for name in assignment_notebooks(staging, assignment):
                released = nbformat.read(staging / RELEASE / assignment / name, as_version=4)
                source = nbformat.read(staging / "source" / assignment / name, as_version=4)
                solution = handins.solution_answers(source)
                for student in STUDENTS:
                    folder = uploads / assignment / student.student
                    folder.mkdir(parents=True, exist_ok=True)
                    nb = handin(student.kind, released, solution, wrong[assignment].get(name, {}))
                    nbformat.write(nb, folder / name)
        record_students(
            [Submitter(s.student, email=s.email, name=s.name) for s in STUDENTS], staging
        )
        for assignment in chosen:
            for student in STUDENTS:
                folder = uploads / assignment / student.student
                place(
                    staging, assignment, student.student, folder, timestamp=due + student.handed_in
                )
        if course.exists():
            course.rmdir()  # empty (checked above)
        staging.rename(course)
    return SampleClass(course, chosen, due)
