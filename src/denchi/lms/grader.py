"""The one adapter between the LMS tool and the grading pipeline (``denchi.grading``).

Each assignment is prepared once per machine (a copy of the nbgrader course with the student
version generated), then uploaded notebooks are graded in batches: a batch is a throw-away copy
of the prepared course with its own gradebook, so batches never contend for one SQLite file and
a worker on another machine needs only the courseware checkout. The batch is graded by
:func:`denchi.grading.pipeline.grade`: parallel sandboxed kernels under time and memory limits,
hidden tests run outside the student's kernel, so one broken or hostile notebook is that
student's failure and never the batch's.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from denchi.explorers import fingerprint
from denchi.grading import course as nbg
from denchi.grading import pipeline, quiz
from denchi.grading.errors import GradingError
from denchi.i18n import bilingual
from denchi.lms.files import inside, make_private, private_dir, private_file
from denchi.lms.targets import catalog_id

QUESTIONS_TIMEOUT_S = 600  # reading one assignment's questions (h04: about 20 s)
# changes whenever prepare() makes something different from the same sources (2: released
# notebooks carry their assignment id)
PREPARATION = b"2"

# what computes an assignment's questions besides its notebook: these libraries' versions
QUESTION_LIBRARIES = ("pybamm", "numpy", "scipy", "casadi", "matplotlib", "nbformat")
log = logging.getLogger(__name__)


@functools.cache
def _code_fingerprint() -> str:
    """A digest of ``denchi``'s code and :data:`QUESTION_LIBRARIES`' versions (once per
    process: the installed code does not change under a running tool)."""
    return fingerprint(("denchi",), QUESTION_LIBRARIES)


@dataclass(frozen=True)
class GradeOutcome:
    """What grading one learner's submission gave, in points of the assignment.

    ``score`` is None when the notebook could not be graded (``error`` then says so to the
    learner, in Japanese and English); ``feedback_html`` is nbgrader's feedback page(s).
    """

    score: float | None
    max_score: float
    feedback_html: str | None
    error: str | None = None
    needs_review: bool = False  # autograded, but a teacher should look (e.g. a time limit hit)


class Grader:
    """Grade uploaded notebooks of a courseware checkout's nbgrader course.

    Only the catalog's assignment ids (``assignments``) are ever used in a path; everything it
    writes is inside ``work_dir`` and private to the tool's user.
    """

    def __init__(
        self,
        courseware: Path,
        work_dir: Path,
        timeout_s: int,
        assignments: Iterable[str],
        *,
        allow_unsandboxed: bool = False,
    ) -> None:
        self.courseware = courseware
        self.work_dir = work_dir
        self.timeout_s = timeout_s
        self.allow_unsandboxed = allow_unsandboxed
        self.assignments = frozenset(assignments)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._questions: dict[tuple[str, str], list[quiz.Question]] = {}
        self._questions_lock = threading.Lock()
        # nbgrader's Gradebook runs `alembic` from PATH, in this process too
        tools = str(Path(sys.executable).parent)
        if tools not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = tools + os.pathsep + os.environ.get("PATH", "")

    @property
    def source_dir(self) -> Path:
        """The nbgrader course's ``source/`` folder in the courseware checkout."""
        return nbg.course_dir(self.courseware) / "source"

    def assignment(self, target: str) -> str:
        """The catalog's own id equal to ``target``; ``KeyError`` if the catalog has none.

        Args:
            target: An assignment id from outside (a launch's custom parameter, a stored row).

        Raises:
            KeyError: the catalog has no assignment ``target``.
        """
        if (known := catalog_id(self.assignments, target)) is None:
            raise KeyError(f"no assignment {target!r} in the catalog")
        return known

    def notebook_names(self, assignment: str) -> list[str]:
        """The assignment's source notebook names; none for an id outside the catalog.

        Args:
            assignment: An assignment id (compared with the catalog's).

        Raises:
            OutsideDataDir: the assignment's source folder is a link that leads out of
                ``source/``.
        """
        if assignment not in self.assignments:
            return []
        folder = inside(self.source_dir, self.assignment(assignment))
        return sorted(p.name for p in folder.glob("*.ipynb"))

    def source_notebook(self, assignment: str, name: str) -> Path:
        """The teacher's source notebook (solutions and hidden tests: never sent to learners).

        Args:
            assignment: An assignment id of the catalog.
            name: The notebook's file name (``<assignment>.ipynb``).

        Raises:
            KeyError: the assignment is not in the catalog or has no notebook ``name``.
            OutsideDataDir: the notebook's path is a link that leads out of ``source/``.
        """
        if name not in self._known_notebooks(assignment):
            raise KeyError(name)
        return inside(self.source_dir, self.assignment(assignment), name)

    def _known_notebooks(self, assignment: str) -> list[str]:
        """The assignment's notebook names; ``KeyError`` if it has none."""
        names = self.notebook_names(assignment)
        if not names:
            raise KeyError(f"no nbgrader source notebooks for assignment {assignment!r}")
        return names

    def _fingerprint(self, assignment: str) -> str:
        digest = hashlib.sha256(PREPARATION)
        course = nbg.course_dir(self.courseware)
        for path in [course / "nbgrader_config.py", *sorted((course / "source").rglob("*"))]:
            if path.is_file():
                digest.update(path.relative_to(course).as_posix().encode() + path.read_bytes())
        return digest.hexdigest()[:16]

    def prepare(self, assignment: str) -> Path:
        """The prepared course of ``assignment`` (generated once per change of the sources).

        Args:
            assignment: An assignment id of the catalog.

        Raises:
            KeyError: the assignment is not in the catalog or has no source notebook.
            OutsideDataDir: a path of the courseware leads out of its folder.
            RuntimeError: nbgrader cannot generate the student version (its output is in
                the message; :func:`denchi.grading.course.generate`).
            OSError: the course cannot be copied into ``work_dir`` (e.g. a full disk).
        """
        self._known_notebooks(assignment)
        with self._guard:
            lock = self._locks.setdefault(assignment, threading.Lock())
        with lock:
            assignment = self.assignment(assignment)
            folder = f"{assignment}-{self._fingerprint(assignment)}"
            prepared = inside(private_dir(self.work_dir / "prepared"), folder)
            if not (prepared / "READY").is_file():
                shutil.rmtree(prepared, ignore_errors=True)
                nbg.copy_course(prepared, self.courseware)
                nbg.generate(prepared, assignment)
                (prepared / "READY").write_text("ok")
                make_private(prepared)
            return prepared

    def questions(self, assignment: str) -> list[quiz.Question]:
        """The assignment's questions (:func:`denchi.grading.quiz.assignment_questions`, read
        from its source notebooks), made once per change of the sources, of ``denchi`` or of
        the libraries that compute them, kept on disk (``work_dir/questions``) and in memory.

        They are made in a process of their own (``python -m denchi.grading.quiz``): reading
        them runs the notebook's set-up and test cells with matplotlib, h04's a PyBaMM solve
        (about 20 s on 2 cores), which must neither hold the web process's memory nor change
        its matplotlib state. One assignment at a time. :meth:`warm` makes them before the
        first learner asks.

        Args:
            assignment: An assignment id of the catalog.

        Raises:
            KeyError: the assignment is not in the catalog or has no source notebook.
            OutsideDataDir: a path of the courseware leads out of its folder.
            GradingError: a cell of the notebook fails (bilingual, naming the cell), or the
                process that reads them fails or takes over :data:`QUESTIONS_TIMEOUT_S`.
        """
        self._known_notebooks(assignment)
        assignment = self.assignment(assignment)
        key = (assignment, f"{self._fingerprint(assignment)}-{_code_fingerprint()[:16]}")
        with self._questions_lock:
            if key not in self._questions:
                self._questions[key] = self._read_questions(*key)
            return self._questions[key]

    def _read_questions(self, assignment: str, fingerprint: str) -> list[quiz.Question]:
        """The questions kept on disk under ``fingerprint``, or made now and kept."""
        folder = private_dir(self.work_dir / "questions")
        kept = inside(folder, f"{assignment}-{fingerprint}.json")
        if kept.is_file():
            with contextlib.suppress(ValueError):  # unreadable (a foreign file): made again
                return quiz.load_questions(kept.read_bytes())
        # made 0600 before the process writes into it: it holds the hidden tests' answers
        out = private_file(inside(folder, f"{assignment}-{fingerprint}.{os.getpid()}.tmp"))
        command = [sys.executable, "-m", "denchi.grading.quiz", assignment]
        command += ["--course", str(nbg.course_dir(self.courseware)), "--out", str(out)]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=QUESTIONS_TIMEOUT_S
            )
            if done.returncode == 2:
                said = json.loads(out.read_text(encoding="utf-8"))
                raise GradingError(said["ja"], said["en"])
            if done.returncode != 0:
                log.error("reading the questions of %s failed: %s", assignment, done.stderr)
                raise GradingError(
                    f"課題 {assignment} の問題を読み出せませんでした（終了コード "
                    f"{done.returncode}）。サーバーのログを確かめてください。",
                    f"Could not read the questions of {assignment} (exit code "
                    f"{done.returncode}). See the server log.",
                )
            questions = quiz.load_questions(out.read_bytes())
            os.replace(out, kept)
            return questions
        except subprocess.TimeoutExpired as error:
            raise GradingError(
                f"課題 {assignment} の問題の読み出しが {QUESTIONS_TIMEOUT_S} 秒で終わりません"
                "でした。サーバーが混んでいないか確かめてください。",
                f"Reading the questions of {assignment} took over {QUESTIONS_TIMEOUT_S} s. "
                "Check whether the server is overloaded.",
            ) from error
        finally:
            out.unlink(missing_ok=True)

    def warm(self, assignments: Iterable[str]) -> None:
        """Make the questions of ``assignments`` now (on a background thread at start), so
        that the first learner to open a web form does not wait for them. A failure is logged
        and left to the learner's request, which shows it.

        Args:
            assignments: Assignment ids of the catalog (those offered as web forms).
        """
        for assignment in assignments:
            try:
                self.questions(assignment)
            except Exception:  # noqa: BLE001 (logged; the form's own request reports it)
                log.exception("could not read the questions of %s in advance", assignment)

    def max_score(self, assignment: str) -> float:
        """The assignment's points: the sum over the autograded cells of its source notebooks
        (deep linking must not wait for nbgrader to generate).

        Args:
            assignment: An assignment id of the catalog.

        Raises:
            KeyError: the assignment is not in the catalog or has no source notebook.
            OutsideDataDir: a notebook's path is a link that leads out of ``source/``.
        """
        names = self._known_notebooks(assignment)
        return sum(
            nbg.notebook_points(nbformat.read(self.source_notebook(assignment, n), as_version=4))
            for n in names
        )

    def release_notebook(self, assignment: str, name: str) -> Path:
        """The student version of one notebook, for download (prepares the course first).

        Args:
            assignment: An assignment id of the catalog.
            name: The notebook's file name (``<assignment>.ipynb``).

        Raises:
            KeyError: the assignment is not in the catalog or has no notebook ``name``.
            OutsideDataDir: a path of the courseware leads out of its folder.
            RuntimeError: nbgrader cannot generate the student version.
            OSError: the course cannot be copied into ``work_dir``.
        """
        if name not in self.notebook_names(assignment):
            raise KeyError(name)
        assignment = self.assignment(assignment)
        return inside(self.prepare(assignment), nbg.RELEASE, assignment, name)

    def grade(
        self,
        assignment: str,
        notebooks: dict[str, dict[str, str]],
        on_result: Callable[[str, GradeOutcome], None] | None = None,
        labels: dict[str, str] | None = None,
    ) -> dict[str, GradeOutcome]:
        """Grade ``{student: {notebook name: notebook JSON}}``; every student gets an outcome.
        ``on_result(student, outcome)`` is called as each student's grading ends (in this
        thread, :func:`denchi.grading.pipeline.grade`), before the whole batch has.

        The batch folder is deleted afterwards, but its log is kept in
        ``<work_dir>/logs/batches/`` and each submission's record (status, score, flags,
        seconds, the batch log) is appended to ``<work_dir>/logs/<assignment>/<label>.jsonl``,
        ``labels`` naming each student's submission (the LMS tool's submission id; default:
        the student).

        Args:
            assignment: An assignment id of the catalog.
            notebooks: ``{student id: {notebook file name: notebook JSON text}}``.
            on_result: Called with ``(student, outcome)`` as each student's grading ends.
            labels: ``{student id: label}`` naming the log file of each submission.

        Raises:
            KeyError: the assignment is not in the catalog or has no source notebook.
            OutsideDataDir: a student id or notebook name would lead out of the batch folder.
            RuntimeError: nbgrader cannot generate the student version.
            GradingError: the machine has no sandbox and ``allow_unsandboxed`` is not set
                (:func:`denchi.grading.pipeline.grade`).
            OSError: the batch cannot be written into ``work_dir`` (e.g. a full disk).
        """
        prepared = self.prepare(assignment)
        assignment = self.assignment(assignment)
        logs = private_dir(inside(private_dir(self.work_dir), "logs"))
        with tempfile.TemporaryDirectory(dir=self.work_dir, prefix="batch-") as tmp:
            batch_log = Path("batches", f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-"
                                        f"{Path(tmp).name}.log")  # fmt: skip
            batch = shutil.copytree(prepared, Path(tmp) / "course")
            handed_in = {}
            for student, files in notebooks.items():
                folder = private_dir(inside(Path(tmp), "uploads", student))
                for name, text in files.items():
                    private_file(inside(folder, name)).write_text(text, encoding="utf-8")
                handed_in[student] = folder
            kept: set[str] = set()

            def finished(result: pipeline.SubmissionResult) -> None:
                label = (labels or {}).get(result.student, result.student)
                _keep_record(inside(logs, assignment), label, result, batch_log)
                kept.add(result.student)
                if on_result is not None:
                    on_result(result.student, _outcome(result))

            try:
                results = pipeline.grade(
                    batch,
                    assignment,
                    handed_in,
                    time_limit_s=self.timeout_s,
                    allow_unsandboxed=self.allow_unsandboxed,
                    on_result=finished,
                )
            finally:  # the batch's log outlives the batch, whatever happened
                _keep_batch_log(batch / "logs", inside(logs, *batch_log.parts))
            for student in notebooks:
                if student not in kept:  # reported at the end only
                    label = (labels or {}).get(student, student)
                    _keep_record(inside(logs, assignment), label, results[student], batch_log)
            return {student: _outcome(results[student]) for student in notebooks}

    def sync_students(self, students: list[tuple[str, str, str, str, str]]) -> None:
        """Add or update students (id, first name, last name, email, LMS user id) in the
        tool's nbgrader gradebook, ``<data_dir>/grading/gradebook.db`` (the roster stays in
        the private data directory, never in the courseware checkout).

        Args:
            students: ``(student id, first name, last name, email, LMS user id)`` rows.

        Raises:
            OutsideDataDir: ``work_dir`` holds a ``gradebook.db`` link that leads out of it.
        """
        from nbgrader.api import Gradebook

        path = private_file(inside(private_dir(self.work_dir), "gradebook.db"))
        with Gradebook(f"sqlite:///{path}") as gradebook:
            for student_id, first, last, email, lms_id in students:
                gradebook.update_or_create_student(
                    student_id, first_name=first, last_name=last, email=email, lms_user_id=lms_id
                )


def _keep_record(
    folder: Path, label: str, result: pipeline.SubmissionResult, batch_log: Path
) -> None:
    """Append one grading of a submission to ``<folder>/<label>.jsonl`` (owner only)."""
    record = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "submission": label,
        "student": result.student,
        "assignment": result.assignment,
        "status": result.status,
        "score": result.score,
        "max_score": result.max_score,
        "seconds": result.seconds,
        "flags": [flag.to_dict() for flag in result.flags],
        "batch_log": batch_log.as_posix(),
    }
    path = private_file(inside(private_dir(folder), f"{label}.jsonl"))
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _keep_batch_log(source: Path, target: Path) -> None:
    """Copy the grading processes' log of a batch (``course/logs/*.log``) to ``target``."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(source.glob("*.log"))]
    if texts:
        private_dir(target.parent)
        private_file(target).write_text("".join(texts), encoding="utf-8")


def _outcome(result: pipeline.SubmissionResult) -> GradeOutcome:
    if result.status == "failed":
        return GradeOutcome(
            None,
            result.max_score,
            None,
            bilingual(
                "このノートブックは自動採点できませんでした。先生に相談してください。",
                "This notebook could not be autograded; please ask your teacher.",
            ),
        )
    pages = [path.read_text(encoding="utf-8") for path in result.feedback_html_paths.values()]
    return GradeOutcome(
        result.score, result.max_score, "\n<hr>\n".join(pages), needs_review=result.needs_review
    )
