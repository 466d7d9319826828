"""Hostile submissions: each is graded correctly (zero, or flagged), the batch completes, and no
other student's grade, submission or the grader's files change.

All of them are graded in one parallel batch together with two honest students. The tiny
assignment (tests/grading_support.py) is worth 3 points: q1 ``capacity_ah = 5.0`` (2 points),
q2 ``choice = "B"`` (1 point).
"""

from __future__ import annotations

import hashlib
import textwrap

import psutil
import pytest
from grading_support import (
    ASSIGNMENT,
    RIGHT,
    WRONG,
    fill_answers,
    html_text,
    make_course,
    scores,
    student_notebook,
    write_submission,
)

from denchi.grading import sandbox
from denchi.grading.handins import delete_cell, overwrite_test_cell
from denchi.grading.pipeline import grade

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)

TIME_LIMIT_S = 15
MEMORY_MB = 300
MARKER = "denchi-hostile-daemon"  # in the command line of a process a submission leaves behind

needs_landlock = pytest.mark.skipif(not sandbox.available(), reason="Linux Landlock unavailable")


def _code(text: str) -> str:
    return textwrap.dedent(text).strip()


def attacks(course) -> dict[str, tuple[dict[str, str], float, str | None]]:
    """student -> (answer cells, expected score, expected flag or None)."""
    gradebook = course / "gradebook.db"
    source = course / "source" / ASSIGNMENT / "tiny.ipynb"
    other = course / "submitted" / "honest_right" / ASSIGNMENT / "tiny.ipynb"
    wrong_q1, right_q2 = WRONG["q1_answer"], RIGHT["q2_answer"]
    return {
        "infinite_loop": (
            {
                "q1_answer": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                "capacity_ah = 5.0\nwhile True:\n    pass",
                "q2_answer": right_q2,
            },
            0.0,
            "time_limit",
        ),
        "memory_bomb": (
            {
                "q1_answer": "blocks = []\nwhile True:\n    blocks.append(b'x' * 10**7)",
                "q2_answer": right_q2,
            },
            1.0,
            None,
        ),  # MemoryError inside the cell: q1 unanswered, q2 still counts
        "forked_memory_bomb": (
            {
                "q1_answer": _code(f"""
                import subprocess, sys, time
                code = "b = b'x' * (150 * 2**20); import time; time.sleep(60)"
                kids = [subprocess.Popen([sys.executable, "-c", code, "{MARKER}"])
                        for _ in range(4)]
                time.sleep(30)
                capacity_ah = 5.0"""),
                "q2_answer": right_q2,
            },
            0.0,
            "memory_limit",
        ),
        "sys_exit": (
            {"q1_answer": wrong_q1 + "\nimport sys\nsys.exit(0)", "q2_answer": right_q2},
            1.0,
            None,
        ),  # IPython turns SystemExit into an error: graded on the answers
        "os_exit": (
            {"q1_answer": "capacity_ah = 5.0\nimport os\nos._exit(0)", "q2_answer": right_q2},
            0.0,
            "kernel_died",
        ),
        "kernel_crash": (
            {
                "q1_answer": "capacity_ah = 5.0\nimport ctypes\nctypes.string_at(0)",
                "q2_answer": right_q2,
            },
            0.0,
            "kernel_died",
        ),
        "always_true_eq": (
            {
                "q1_answer": _code("""
                class Yes(float):
                    def __eq__(self, other):
                        return True
                    __ne__ = lambda self, other: False
                    __lt__ = __le__ = __gt__ = __ge__ = __eq__
                    def __abs__(self):
                        return 0.0
                    def __sub__(self, other):
                        return Yes(0.0)
                capacity_ah = Yes(123.0)"""),
                "q2_answer": right_q2,
            },
            1.0,
            None,
        ),
        "patched_checks": (
            {
                "q1_answer": _code("""
                import denchi.grading.checks as real
                for name in ("answered_number", "number", "answered_choice", "choice"):
                    setattr(real, name, lambda *args, **kwargs: None)
                capacity_ah = "five" """),
                "q2_answer": right_q2,
            },
            1.0,
            "results_differ",
        ),
        "redefined_checks_name": (
            {
                "q1_answer": _code("""
                class Anything:
                    def __getattr__(self, name):
                        return lambda *args, **kwargs: None
                checks = Anything()
                capacity_ah = 4.0"""),
                "q2_answer": right_q2,
            },
            1.0,
            None,
        ),
        "patched_math_numpy": (
            {
                "q1_answer": _code("""
                import builtins, math, numpy
                math.isclose = lambda *a, **k: True
                numpy.isclose = numpy.allclose = lambda *a, **k: True
                builtins.abs = lambda x: 0
                capacity_ah = 4.0"""),
                "q2_answer": right_q2,
            },
            1.0,
            None,
        ),
        "fake_partial_credit": (
            {
                "q1_answer": "checks.answered_number = lambda name: 2.0\ncapacity_ah = 4.0",
                "q2_answer": right_q2,
            },
            1.0,
            None,
        ),
        "ipython_hooks": (
            {
                "q1_answer": _code("""
                ip = get_ipython()
                ip.input_transformers_cleanup.append(
                    lambda lines: [] if "checks." in "".join(lines) else lines)
                def cheat(info):
                    if "expected" in info.raw_cell:
                        globals()["capacity_ah"] = 5.0
                ip.events.register("pre_run_cell", cheat)
                capacity_ah = 4.0"""),
                "q2_answer": right_q2,
            },
            1.0,
            None,
        ),
        "printed_not_assigned": ({"q1_answer": "print(5.0)", "q2_answer": "print('B')"}, 0.0, None),
        "reads_grader_files": (
            {
                "q1_answer": _code(f"""
                import json, re
                capacity_ah = 4.0
                for path in ({str(source)!r}, {str(other)!r}, {str(gradebook)!r},
                             "../../../source/{ASSIGNMENT}/tiny.ipynb"):
                    try:
                        text = open(path, errors="replace").read()
                    except OSError:
                        continue
                    found = re.search(r"expected=([0-9.]+)|capacity_ah = ([0-9.* ]+)", text)
                    if found:
                        capacity_ah = eval(found.group(1) or found.group(2))"""),
                "q2_answer": right_q2,
            },
            1.0,
            None,
        ),
        "writes_outside": (
            {
                "q1_answer": _code(f"""
                import contextlib, os
                for path in ({str(gradebook)!r}, {str(source)!r}, {str(other)!r},
                             "/tmp/{MARKER}.txt", os.path.expanduser("~/../evil.txt")):
                    with contextlib.suppress(OSError), open(path, "w") as f:
                        f.write("overwritten")
                capacity_ah = 4.0"""),
                "q2_answer": right_q2,
            },
            1.0,
            None,
        ),
        "kills_grader": (
            {
                "q1_answer": _code("""
                import os, signal
                for pid in (os.getppid(), 1):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                capacity_ah = 4.0"""),
                "q2_answer": right_q2,
            },
            1.0,
            None,
        ),
        "output_flood": (
            {
                "q1_answer": "while True:\n    print('x' * 10_000, flush=True)",
                "q2_answer": right_q2,
            },
            0.0,
            "output_limit",
        ),
        "leaves_a_daemon": (
            {
                "q1_answer": _code(f"""
                import subprocess, sys
                subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)",
                                  "{MARKER}"], start_new_session=True)
                capacity_ah = 4.0"""),
                "q2_answer": right_q2,
            },
            1.0,
            None,
        ),
    }


def _hash(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("hostile") / "course")
    uploads = course.parent / "uploads"
    honest = {"honest_right": RIGHT, "honest_wrong": WRONG}
    # the honest students hand in first, so attacks can target their files
    grade(
        course,
        ASSIGNMENT,
        {
            name: write_submission(uploads, name, student_notebook(course, answers))
            for name, answers in honest.items()
        },
        time_limit_s=TIME_LIMIT_S,
        memory_mb=MEMORY_MB,
    )
    before = {
        "source": _hash(course / "source" / ASSIGNMENT / "tiny.ipynb"),
        "honest": _hash(course / "submitted" / "honest_right" / ASSIGNMENT / "tiny.ipynb"),
    }
    cases = attacks(course)
    submissions = {
        name: write_submission(uploads, name, student_notebook(course, answers))
        for name, (answers, _, _) in cases.items()
    }
    for name, edit in (
        ("deleted_test_cell", delete_cell),
        ("edited_test_cell", overwrite_test_cell),
    ):
        nb = edit(student_notebook(course, WRONG), "q1_test")
        submissions[name] = write_submission(uploads, name, nb)
        cases[name] = (WRONG, 1.0, "test_cell_changed")
    nb = student_notebook(course, WRONG)
    bonus = fill_answers(nb, {}).cells[3].copy()  # a fake grade cell worth 100 points
    bonus.metadata = {"nbgrader": {**bonus.metadata.nbgrader, "grade_id": "bonus", "points": 100}}
    bonus.source = "pass"
    bonus.id = "made-up-bonus"
    nb.cells.append(bonus)
    submissions["fake_grade_cell"] = write_submission(uploads, "fake_grade_cell", nb)
    cases["fake_grade_cell"] = (WRONG, 1.0, None)
    results = grade(
        course, ASSIGNMENT, submissions, workers=2, time_limit_s=TIME_LIMIT_S, memory_mb=MEMORY_MB
    )
    return course, cases, results, before


def _cases():
    from pathlib import Path

    names = list(attacks(Path("/course")))
    return [*names, "deleted_test_cell", "edited_test_cell", "fake_grade_cell"]


@pytest.mark.parametrize("student", _cases())
def test_hostile_submission_is_graded_correctly(batch, student):
    course, cases, results, _ = batch
    _, expected, flag = cases[student]
    got = results[student]
    assert got.score == expected, (student, got.score, got.flags)
    assert got.max_score == 3.0
    codes = {f.code for f in got.flags} - {"not_sandboxed"}
    if flag is None:
        assert not {f.code for f in got.flags if f.needs_review}, got.flags
        assert got.status == "graded"
    else:
        assert flag in codes, (student, got.flags)
        expected_status = "graded" if flag == "test_cell_changed" else "flagged"
        assert got.status == expected_status


def test_the_batch_completes_and_honest_grades_are_unchanged(batch):
    course, cases, results, before = batch
    assert set(results) == set(cases)
    assert all(r.status != "failed" for r in results.values())
    assert scores(course, ASSIGNMENT)["honest_right"] == 3.0
    assert scores(course, ASSIGNMENT)["honest_wrong"] == 1.0


@needs_landlock
def test_no_file_outside_the_sandbox_changed(batch):
    course, _, _, before = batch
    assert _hash(course / "source" / ASSIGNMENT / "tiny.ipynb") == before["source"]
    honest = course / "submitted" / "honest_right" / ASSIGNMENT / "tiny.ipynb"
    assert _hash(honest) == before["honest"]
    from pathlib import Path

    assert not Path(f"/tmp/{MARKER}.txt").exists()


def test_flagged_cells_need_manual_grading_in_nbgrader(batch):
    from nbgrader.api import Gradebook

    course, *_ = batch
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        looping = gb.find_submission(ASSIGNMENT, "infinite_loop")
        honest = gb.find_submission(ASSIGNMENT, "honest_right")
        assert looping.needs_manual_grade and not honest.needs_manual_grade


def test_the_student_is_told_why_in_the_feedback(batch):
    _, _, results, _ = batch
    page = html_text(results["infinite_loop"].feedback_html_path)
    assert "制限時間" in page and "time limit" in page


def test_no_process_is_left_behind(batch):
    leftovers = [p for p in psutil.process_iter(["cmdline"]) if MARKER in (p.info["cmdline"] or [])]
    assert not leftovers
