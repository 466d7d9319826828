"""The one adapter between the LMS tool and the grading pipeline (``denchi.grading.course``).

Each assignment is prepared once per machine (a copy of the nbgrader course with the student
version generated), then uploaded notebooks are graded in batches: a batch is a throw-away copy
of the prepared course with its own gradebook, so batches never contend for one SQLite file and
a worker on another machine needs only the courseware checkout. One nbgrader run grades the
whole batch (nbgrader's start-up costs seconds, the notebooks far less); if the batch run fails,
the submissions are graded one by one so that one broken notebook cannot fail the others.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import nbformat

from denchi.grading import course as nbg
from denchi.i18n import bilingual


@dataclass(frozen=True)
class GradeOutcome:
    score: float | None
    max_score: float
    feedback_html: str | None
    error: str | None = None


class Grader:
    """Grade uploaded notebooks of a courseware checkout's nbgrader course."""

    def __init__(self, courseware: Path, work_dir: Path, timeout_s: int = 300) -> None:
        self.courseware = courseware
        self.work_dir = work_dir
        self.timeout_s = timeout_s
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        # nbgrader's Gradebook runs `alembic` from PATH, in this process too
        tools = str(Path(sys.executable).parent)
        if tools not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = tools + os.pathsep + os.environ.get("PATH", "")

    @property
    def source_dir(self) -> Path:
        return nbg.course_dir(self.courseware) / "source"

    def notebook_names(self, assignment: str) -> list[str]:
        return sorted(p.name for p in (self.source_dir / assignment).glob("*.ipynb"))

    def _fingerprint(self, assignment: str) -> str:
        digest = hashlib.sha256()
        course = nbg.course_dir(self.courseware)
        for path in [course / "nbgrader_config.py", *sorted((course / "source").rglob("*"))]:
            if path.is_file():
                digest.update(path.relative_to(course).as_posix().encode() + path.read_bytes())
        return digest.hexdigest()[:16]

    def prepare(self, assignment: str) -> Path:
        """The prepared course of ``assignment`` (generated once per change of the sources)."""
        if not self.notebook_names(assignment):
            raise KeyError(f"no nbgrader source notebooks for assignment {assignment!r}")
        with self._guard:
            lock = self._locks.setdefault(assignment, threading.Lock())
        with lock:
            prepared = self.work_dir / "prepared" / f"{assignment}-{self._fingerprint(assignment)}"
            if not (prepared / "READY").is_file():
                shutil.rmtree(prepared, ignore_errors=True)
                nbg.copy_course(prepared, self.courseware)
                nbg.generate(prepared, assignment)
                (prepared / "READY").write_text("ok")
            return prepared

    def max_score(self, assignment: str) -> float:
        return float(nbg.max_score(self.prepare(assignment), assignment))

    def release_notebook(self, assignment: str, name: str) -> Path:
        """The student version of one notebook, for download."""
        if name not in self.notebook_names(assignment):
            raise KeyError(name)
        return self.prepare(assignment) / nbg.RELEASE / assignment / name

    def _run_batch(
        self, prepared: Path, assignment: str, notebooks: dict[str, dict[str, str]]
    ) -> dict[str, GradeOutcome]:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.work_dir, prefix="batch-") as tmp:
            batch = Path(tmp)
            shutil.copy2(prepared / "nbgrader_config.py", batch)
            shutil.copy2(prepared / "gradebook.db", batch)
            shutil.copytree(prepared / "source", batch / "source")
            for student, files in notebooks.items():
                nbg.submit(
                    batch,
                    assignment,
                    student,
                    {name: nbformat.reads(text, as_version=4) for name, text in files.items()},
                )
            timeout = f"--ExecutePreprocessor.timeout={self.timeout_s}"
            nbg.nbgrader(batch, "autograde", assignment, "--force", timeout)
            nbg.nbgrader(batch, "generate_feedback", assignment, "--force")
            scores = nbg.scores(batch, assignment)
            maximum = float(nbg.max_score(batch, assignment))
            outcomes = {}
            for student, files in notebooks.items():
                html = [
                    (batch / "feedback" / student / assignment / name)
                    .with_suffix(".html")
                    .read_text(encoding="utf-8")
                    for name in sorted(files)
                ]
                outcomes[student] = GradeOutcome(
                    float(scores[student]), maximum, "\n<hr>\n".join(html)
                )
            return outcomes

    def grade(
        self, assignment: str, notebooks: dict[str, dict[str, str]]
    ) -> dict[str, GradeOutcome]:
        """Grade ``{student: {notebook name: notebook JSON}}``; every student gets an outcome."""
        prepared = self.prepare(assignment)
        try:
            return self._run_batch(prepared, assignment, notebooks)
        except (RuntimeError, KeyError, OSError, ValueError):
            if len(notebooks) == 1:
                maximum = float(nbg.max_score(prepared, assignment))
                return {
                    student: GradeOutcome(
                        None,
                        maximum,
                        None,
                        bilingual(
                            "このノートブックは自動採点できませんでした。先生に相談してください。",
                            "This notebook could not be autograded; please ask your teacher.",
                        ),
                    )
                    for student in notebooks
                }
        outcomes: dict[str, GradeOutcome] = {}
        for student, files in notebooks.items():  # isolate the notebook that broke the batch
            outcomes |= self.grade(assignment, {student: files})
        return outcomes

    def sync_students(self, students: list[tuple[str, str, str, str, str]]) -> None:
        """Add or update students (id, first name, last name, email, LMS user id) in the
        course's nbgrader gradebook."""
        from nbgrader.api import Gradebook

        course = nbg.course_dir(self.courseware)
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
            for student_id, first, last, email, lms_id in students:
                gradebook.update_or_create_student(
                    student_id, first_name=first, last_name=last, email=email, lms_user_id=lms_id
                )
