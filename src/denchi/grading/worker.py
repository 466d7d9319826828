"""A worker process of the parallel autograder (``python -m denchi.grading.worker``).

It reads one JSON task per line on stdin (course, assignment, student, limits), runs nbgrader's
own ``Autograde`` and ``GenerateFeedback`` converters for that one student with the course's
configuration, and answers one JSON line on stdout. The process stays alive between tasks, so
nbgrader, the clean room and its reference simulations are imported and built once per worker,
not once per student. It never runs student code itself: kernels do, in their sandbox.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

_PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> None:
    """Orphaned grandchildren (a kernel's daemonised children) become ours, so we can end them."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _end_leftover_processes() -> None:
    """End every process a submission left behind (its kernel's children included), but not
    the fork server, which serves the next submission's kernel."""
    import psutil

    from denchi.grading.forkserver import server_pids

    spared = server_pids()
    leftovers = [p for p in psutil.Process().children(recursive=True) if p.pid not in spared]
    for proc in leftovers:
        try:
            proc.kill()
        except psutil.Error:
            continue
    psutil.wait_procs(leftovers, timeout=5)


def grade_submission(
    course: str,
    assignment: str,
    student: str,
    *,
    time_limit_s: float | None = None,
    memory_mb: int | None = None,
    feedback: bool = True,
) -> dict:
    """Autograde (and generate feedback for) one student's submission.

    A failure of nbgrader's autograde or feedback is reported in the answer (``ok`` false,
    with the error and log), not raised.

    Args:
        course: The nbgrader course folder.
        assignment: The assignment's name.
        student: The student id.
        time_limit_s: Per-notebook time limit [s]; ``None`` keeps the course's.
        memory_mb: Per-notebook memory limit [MB]; ``None`` keeps the course's.
        feedback: Also generate the feedback HTML.

    Returns:
        ``{"student", "ok", "error", "log", "seconds"}`` (JSON-ready).

    Raises:
        traitlets.config.loader.ConfigFileNotFound: if the course has no
            ``nbgrader_config.py`` (read before grading starts; :func:`main` reports it as a
            failed submission).
    """
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    from denchi.grading.nbconfig import load_course_config

    started = time.monotonic()
    config = load_course_config(Path(course), time_limit_s=time_limit_s, memory_mb=memory_mb)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    coursedir.student_id = student
    autograde = Autograde(coursedir=coursedir, config=config)
    autograde.force = True
    autograde.create_student = True
    result = capture_log(autograde)
    if result["success"] and feedback:
        generate = GenerateFeedback(coursedir=coursedir, config=config)
        generate.force = True
        feedback_result = capture_log(generate)
        result["log"] = result.get("log", "") + feedback_result.get("log", "")
        if not feedback_result["success"]:
            result.update(success=False, error=feedback_result.get("error"))
    if not result["success"]:  # the teacher's log keeps why
        print(f"[{student}] {result.get('log', '')}{result.get('error', '')}", file=sys.stderr)
    return {
        "student": student,
        "ok": bool(result["success"]),
        "error": result.get("error") or "",
        "log": result.get("log", ""),
        "seconds": round(time.monotonic() - started, 2),
    }


def main() -> None:
    """The worker process of :class:`denchi.grading.pool.WorkerPool`: read one JSON task per
    line on stdin, grade it, write one JSON answer per line on stdout (stray prints go to
    stderr, the log); any exception of a task becomes a failed answer, and the processes a
    submission left behind are ended after each task."""
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to the log
    os.environ.update(PYBAMM_DISABLE_TELEMETRY="true", MPLBACKEND="Agg")
    _become_subreaper()
    for line in sys.stdin:
        task = json.loads(line)
        try:
            answer = grade_submission(**task)
        except Exception as exc:  # a bug must cost one submission, not the batch
            answer = {"student": task.get("student"), "ok": False, "error": repr(exc)}
        finally:
            _end_leftover_processes()
        protocol.write(json.dumps(answer) + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
