"""Autograde submissions in parallel and read the results: the API the LMS tool and
``denchi grade`` call.

::

    from denchi.grading.pipeline import grade, result

    results = grade("assessments", "h04_lithium_ion", {"s2024001": "upload.ipynb"})
    r = results["s2024001"]
    r.score, r.max_score, r.status, r.feedback_html_path

    result("assessments", "h04_lithium_ion", "s2024001")  # read back later, no regrading

Each submission is autograded by nbgrader (its gradebook, ``gradebook.db``, stays the
gradebook) in a pool of worker processes; each notebook runs in a sandboxed kernel under a
wall-time and memory limit (:mod:`denchi.grading.execute`), hidden tests run outside the
student's kernel (:mod:`denchi.grading.cleanroom`), and feedback never shows hidden tests
(:mod:`denchi.grading.feedback`). Scores equal those of sequential ``nbgrader autograde`` with
the course's configuration, which uses the same steps.

Nothing graded is lost silently: a new submission moves the earlier one to
``submitted_archive/``; regrading a graded submission happens only with ``force=True`` (or
for a newly placed or newer submission), and the gradebook is backed up first to
``backups/gradebook-<time>.db``. Manual grades given in the formgrader are kept by nbgrader.

For a long-running service (the LMS tool): a worker's first submission also imports nbgrader
and builds the clean room's reference results (about 15 s for h04), so keep a pool warm and
pass it in, ``with WorkerPool(2) as pool: grade(..., pool=pool)``. Make one ``grade()`` call
at a time per course (a job queue does this; one call can carry many students, graded in
parallel): a pool is not shared between threads, and two calls could both prepare the same
assignment or hand in for the same student at once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import nbformat

from denchi.grading import collect, sandbox
from denchi.grading.duedates import refresh_penalties
from denchi.grading.errors import GradingError
from denchi.grading.late import Lateness, lateness
from denchi.grading.nbconfig import CONFIG_FILE, open_gradebook
from denchi.grading.outcome import Flag, flags_of
from denchi.grading.pool import WorkerPool

Status = Literal["graded", "flagged", "failed", "skipped"]
AUTOGRADED, FEEDBACK = "autograded", "feedback"
FAILURE_FILE = "grading-failure.json"  # in autograded/<student>/<assignment>/
BACKUPS, KEEP_BACKUPS = "backups", 20
STARTUP_MARGIN_S = 180  # a worker's first task also imports nbgrader and the clean room


@dataclass(frozen=True)
class SubmissionResult:
    """The grade of one student's submission of one assignment.

    ``status``: ``"graded"`` (autograded, nothing to review), ``"flagged"`` (autograded, but
    some cells scored zero for a reason a teacher should check, e.g. a time limit; they are
    marked "needs manual grading" in nbgrader), ``"failed"`` (could not be autograded at all;
    recorded as zero, needs manual grading) or ``"skipped"`` (already graded, not regraded).
    ``score`` is after any late-submission penalty; ``lateness`` says how late the work came
    (after the assignment's due date in nbgrader's gradebook) and the penalty, in points
    (:mod:`denchi.grading.late`).
    """

    student: str
    assignment: str
    status: Status
    score: float
    max_score: float
    lateness: Lateness = Lateness(0.0)
    flags: tuple[Flag, ...] = ()
    feedback_html_paths: dict[str, Path] = field(default_factory=dict)  # notebook -> HTML
    seconds: float | None = None  # grading time in this run (None if not graded now)

    @property
    def late_penalty(self) -> float:
        """The late-submission penalty in points (0: none)."""
        return self.lateness.penalty

    @property
    def seconds_late(self) -> float:
        """Handed in after the assignment's due date by this much (0: on time)."""
        return self.lateness.seconds_late

    @property
    def feedback_html_path(self) -> Path | None:
        """The feedback page when the assignment has one notebook (else the first one)."""
        return next(iter(self.feedback_html_paths.values()), None)

    @property
    def needs_review(self) -> bool:
        """True if a teacher should look at it (status ``flagged`` or ``failed``)."""
        return self.status in ("flagged", "failed")


def _check_course(course: Path) -> Path:
    course = Path(course)
    if not (course / CONFIG_FILE).is_file():
        raise GradingError(
            f"nbgrader のコースのフォルダ {course} が見つかりません（{CONFIG_FILE} がありません）。"
            "--course で assessments フォルダを指定してください。",
            f"{course} is not an nbgrader course folder (no {CONFIG_FILE}); "
            "point --course at the assessments folder.",
        )
    return course.resolve()


def _gradebook_has(course: Path, assignment: str) -> bool:
    from nbgrader.api import MissingEntry

    with open_gradebook(course) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            return False
    return True


def backup_gradebook(course: Path) -> Path | None:
    """A consistent copy of the gradebook in ``backups/`` (the newest copies are kept).

    Args:
        course: The nbgrader course folder.

    Returns:
        The copy, or ``None`` if the course has no gradebook yet.

    Raises:
        sqlite3.Error: if the gradebook cannot be read or the copy written.
        OSError: if ``backups/`` cannot be created or an old copy removed.
    """
    source = course / "gradebook.db"
    if not source.is_file():
        return None
    folder = course / BACKUPS
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    target = folder / f"gradebook-{stamp}.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    for old in sorted(folder.glob("gradebook-*.db"))[:-KEEP_BACKUPS]:
        old.unlink()
    return target


def _graded_folder(course: Path, assignment: str, student: str) -> Path:
    return course / AUTOGRADED / student / assignment


def _needs_grading(course: Path, assignment: str, student: str) -> bool:
    """Not graded yet, or the submission is newer than its grading."""
    graded = _graded_folder(course, assignment, student)
    notebooks = list(graded.glob("*.ipynb"))
    if not notebooks or (graded / FAILURE_FILE).exists():
        return True
    submitted = course / collect.SUBMITTED / student / assignment
    newest = max((p.stat().st_mtime for p in submitted.rglob("*") if p.is_file()), default=0)
    return newest > min(p.stat().st_mtime for p in notebooks)


def _record_failure(course: Path, assignment: str, student: str, error: str) -> None:
    """Zero the submission in the gradebook, mark it for manual grading, note why."""
    with open_gradebook(course) as gb:
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = True
        gb.db.commit()
    lines = [line for line in error.strip().splitlines() if line.strip()]
    detail = lines[-1][:300] if lines else "unknown error"
    folder = _graded_folder(course, assignment, student)
    folder.mkdir(parents=True, exist_ok=True)
    flag = Flag("grading_error", detail=detail)
    (folder / FAILURE_FILE).write_text(json.dumps(flag.to_dict(), ensure_ascii=False))


def result(
    course: str | os.PathLike,
    assignment: str,
    student: str,
    *,
    status: Status | None = None,
    seconds: float | None = None,
) -> SubmissionResult:
    """Read a graded submission back from the gradebook and the autograded notebooks.

    Args:
        course: The nbgrader course folder (``assessments/``, with ``nbgrader_config.py``).
        assignment: The assignment's name (its folder under ``source/``).
        student: The student id.
        status: The status to report; ``None`` derives it from the flags.
        seconds: The grading time of this run [s], if graded now.

    Raises:
        GradingError: if ``course`` is not a course folder, the gradebook cannot be opened,
            or the student has no graded submission of the assignment.
    """
    from nbgrader.api import MissingEntry

    course = _check_course(Path(course))
    with open_gradebook(course) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry as exc:
            raise GradingError(
                f"{student} の課題「{assignment}」の採点結果がありません。",
                f"No graded submission of '{assignment}' by {student}.",
            ) from exc
        late, max_score = lateness(submission), float(submission.max_score)
    graded = _graded_folder(course, assignment, student)
    flags: list[Flag] = []
    if (graded / FAILURE_FILE).is_file():
        flags.append(Flag.from_dict(json.loads((graded / FAILURE_FILE).read_text())))
    for path in sorted(graded.glob("*.ipynb")):
        flags += flags_of(nbformat.read(path, as_version=4).metadata)
    feedback = course / FEEDBACK / student / assignment
    pages = {p.stem + ".ipynb": p for p in sorted(feedback.glob("*.html"))}
    if status is None:
        review = any(f.needs_review for f in flags)
        failed = any(f.code == "grading_error" for f in flags)
        status = "failed" if failed else "flagged" if review else "graded"
    return SubmissionResult(
        student,
        assignment,
        status,
        late.score,
        max_score,
        late,
        tuple(flags),
        pages,
        seconds,
    )


def results(course: str | os.PathLike, assignment: str) -> dict[str, SubmissionResult]:
    """Every graded submission of ``assignment``, with late penalties brought up to date first
    (:func:`denchi.grading.duedates.refresh_penalties`: the due date may have changed since).

    Args:
        course: The nbgrader course folder (``assessments/``, with ``nbgrader_config.py``).
        assignment: The assignment's name (its folder under ``source/``).

    Raises:
        GradingError: if ``course`` is not a course folder, the assignment is unknown, the
            gradebook cannot be opened, or a graded submission is missing from it.
    """
    course = _check_course(Path(course))
    collect.assignment_notebooks(course, assignment)  # a clear error for an unknown one
    students = sorted(p.parent.name for p in (course / AUTOGRADED).glob(f"*/{assignment}"))
    if students:
        refresh_penalties(course, assignment)
    return {s: result(course, assignment, s) for s in students}


def _prepare(course: Path, assignment: str) -> None:
    """The assignment must exist; nbgrader must know it (generate it once if not)."""
    collect.assignment_notebooks(course, assignment)
    if not _gradebook_has(course, assignment):
        from denchi.grading.course import generate

        generate(course, assignment)


def grade(
    course: str | os.PathLike,
    assignment: str,
    submissions: Mapping[str, str | os.PathLike] | None = None,
    *,
    students: Iterable[str] | None = None,
    workers: int | None = None,
    time_limit_s: float | None = None,
    memory_mb: int | None = None,
    force: bool = False,
    feedback: bool = True,
    on_result: Callable[[SubmissionResult], None] | None = None,
    pool: WorkerPool | None = None,
    allow_unsandboxed: bool = False,
) -> dict[str, SubmissionResult]:
    """Autograde submissions of ``assignment`` in parallel; returns one result per student.

    Already graded submissions are skipped unless ``force`` (a submission handed in now, or
    newer than its grading, is always graded).

    Args:
        course: The nbgrader course folder (``assessments/``, with ``nbgrader_config.py``).
        assignment: The assignment's name (its folder under ``source/``).
        submissions: Student id -> a notebook file (or a folder of the assignment's
            notebooks) to hand in now; without it, every submission already in
            ``submitted/`` is considered (or only those of ``students``).
        students: Grade only these students' submissions in ``submitted/``.
        workers: Parallel processes (default: the number of CPUs).
        time_limit_s: Per-notebook time limit [s] (default: the course's
            ``nbgrader_config.py``).
        memory_mb: Per-notebook memory limit [MB] (default: the course's).
        force: Regrade submissions already graded.
        feedback: Also write the feedback HTML.
        on_result: Called as each submission finishes.
        pool: A :class:`WorkerPool` to reuse (a long-running service keeps one warm); by
            default one is started and closed for this call.
        allow_unsandboxed: Grade even where kernels cannot be cut off from the grader's
            files (no Linux Landlock, see :func:`denchi.grading.sandbox.protection`); only
            for trusted work.

    Raises:
        GradingError: the course or a student's submission is missing, or the system has no
            sandbox and ``allow_unsandboxed`` is not set (nothing is changed then).
        RuntimeError: if nbgrader cannot generate an assignment it does not know yet.
    """
    if not allow_unsandboxed:
        require_sandbox()
    course = _check_course(Path(course))
    _prepare(course, assignment)
    for student, path in (submissions or {}).items():
        collect.place(course, assignment, student, Path(path))
    handed_in = collect.submitted_students(course, assignment)
    if submissions:
        students = list(submissions)
    elif students is not None:
        students = list(students)
        if missing := sorted(set(students) - set(handed_in)):
            raise GradingError(
                f"{', '.join(missing)} の課題「{assignment}」の提出がありません。",
                f"No submission of '{assignment}' by {', '.join(missing)}.",
            )
    else:
        students = handed_in
    due = [s for s in students if force or submissions or _needs_grading(course, assignment, s)]
    if any(_graded_folder(course, assignment, s).exists() for s in due):
        backup_gradebook(course)
    done: dict[str, SubmissionResult] = {
        s: result(course, assignment, s, status="skipped") for s in students if s not in due
    }
    for skipped in done.values():
        if on_result:
            on_result(skipped)

    def finished(task: dict, answer: dict) -> None:
        student = task["student"]
        if not answer.get("ok"):
            _record_failure(course, assignment, student, answer.get("error", ""))
        done[student] = result(course, assignment, student, seconds=answer.get("seconds"))
        if on_result:
            on_result(done[student])

    tasks = [
        {
            "course": str(course),
            "assignment": assignment,
            "student": s,
            "time_limit_s": time_limit_s,
            "memory_mb": memory_mb,
            "feedback": feedback,
        }
        for s in due
    ]
    notebooks = len(collect.assignment_notebooks(course, assignment))
    seconds = notebooks * (time_limit_s or _course_time_limit(course)) + STARTUP_MARGIN_S
    if pool is not None:
        pool.run(tasks, seconds, finished)
    elif tasks:
        size = min(workers or os.cpu_count() or 1, len(tasks))
        with _log(course) as log, WorkerPool(size, log) as own_pool:
            own_pool.run(tasks, seconds, finished)
    return {s: done[s] for s in students}


def require_sandbox(override: str = "--allow-unsandboxed") -> None:
    """Refuse to run untrusted student code where the sandbox cannot protect the grader.

    Args:
        override: How the teacher or operator allows it anyway, named in the message (the
            command-line option, or the LMS tool's setting).

    Raises:
        GradingError: no Linux Landlock on this system; the message says what protection
            there is and how a teacher grades trusted work anyway.
    """
    if sandbox.available():
        return
    ja, en = sandbox.protection()
    raise GradingError(
        f"この PC では生徒のコードを安全に隔離できないため、採点を始めませんでした。{ja}"
        "Landlock のある Linux（カーネル 5.13 以降）で採点してください。"
        f"自分で書いた解答など信頼できるノートブックだけなら、{override} で採点できます"
        "（その場合、提出ごとに「隔離なし」と記録されます）。",
        f"Grading did not start: this computer cannot sandbox student code. {en} Grade on "
        "Linux with Landlock (kernel 5.13 or later). For trusted "
        f"notebooks only (such as your own solutions), use {override} (each submission "
        "is then marked as not sandboxed).",
    )


def _course_time_limit(course: Path) -> float:
    from denchi.grading.nbconfig import load_course_config

    return float(load_course_config(course).SandboxedExecute.get("time_limit_s", 300.0))


def _log(course: Path):
    folder = course / "logs"
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d")
    return (folder / f"autograde-{stamp}.log").open("a", encoding="utf-8")
