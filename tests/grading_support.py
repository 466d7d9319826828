"""A tiny nbgrader course for the grading tests: two questions, no PyBaMM, seconds to grade.

It uses the real course's ``nbgrader_config.py`` (so the real autograde and feedback steps),
and ``denchi.grading.checks`` in its tests like every assignment does. The helpers that hand in
work, run plain ``nbgrader autograde`` and read the gradebook (:func:`submit`, :func:`autograde`,
:func:`scores`, :func:`max_score`) serve the tests and ``benchmarks/grading_parallel.py`` only,
so they live here, not in the installed package (``docs/CONTRIBUTING.md``, "Where a test
goes"). Notebooks as students hand them in (:func:`fill_answers`, :func:`typical_wrong_answers`)
come from the package's :mod:`denchi.grading.handins`, which the sample class uses too.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from denchi.grading import course as nbg
from denchi.grading.answer_key import answer_key_markdown
from denchi.grading.collect import SUBMITTED
from denchi.grading.handins import fill_answers as fill_answers
from denchi.grading.handins import typical_wrong_answers as typical_wrong_answers

ASSIGNMENT = "tiny"
NOTEBOOK = "tiny.ipynb"
ROOT = Path(__file__).resolve().parents[1]

Q1_TEST = """checks.answered_number("capacity_ah")
### BEGIN HIDDEN TESTS
checks.number(
    "capacity_ah", expected=5.0, rel_tol=0.01,
    hint_ja="容量は電流と時間のかけ算です。", hint_en="Capacity is current times time.",
)
### END HIDDEN TESTS"""
Q2_TEST = """checks.answered_choice("choice", "ABC")
### BEGIN HIDDEN TESTS
checks.choice(
    "choice", expected="B", choices="ABC",
    hint_ja="電圧の下がり方に注目しましょう。", hint_en="Look at how the voltage drops.",
)
### END HIDDEN TESTS"""
RIGHT = {"q1_answer": "capacity_ah = 2.5 * 2", "q2_answer": 'choice = "B"'}
WRONG = {"q1_answer": "capacity_ah = 2.5 + 2", "q2_answer": 'choice = "B"'}  # 1 of 3 points
MAX_SCORE = 3.0


def _meta(grade_id: str, *, grade=False, solution=False, locked=True, points=None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _solution(code: str) -> str:
    return f"### BEGIN SOLUTION\n{code}\n### END SOLUTION"


def source_notebook() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [
        new_markdown_cell("# 小テスト", metadata=_meta("intro")),
        new_code_cell("from denchi.grading import checks", metadata=_meta("setup")),
        new_code_cell(
            _solution(RIGHT["q1_answer"]), metadata=_meta("q1_answer", solution=True, locked=False)
        ),
        new_code_cell(Q1_TEST, metadata=_meta("q1_test", grade=True, points=2)),
        new_code_cell(
            _solution(RIGHT["q2_answer"]), metadata=_meta("q2_answer", solution=True, locked=False)
        ),
        new_code_cell(Q2_TEST, metadata=_meta("q2_test", grade=True, points=1)),
    ]
    return nb


def make_course(folder: Path, notebook: nbformat.NotebookNode | None = None) -> Path:
    """A course folder with the real configuration and the tiny assignment (or ``notebook``
    as its source), generated."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "assessments" / "nbgrader_config.py", folder / "nbgrader_config.py")
    source = folder / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    nbformat.write(notebook or source_notebook(), source / NOTEBOOK)
    nbg.generate(folder, ASSIGNMENT)
    return folder


def submit(course: Path, assignment: str, student: str, notebooks: dict[str, object]) -> None:
    """Place notebooks (file name -> notebook) as ``student``'s submission, as ``nbgrader
    collect`` would: ``submitted/<student>/<assignment>/``."""
    folder = course / SUBMITTED / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / name)


def autograde(course: Path, assignment: str) -> None:
    """Plain ``nbgrader autograde`` of every submission (a subprocess; raises RuntimeError with
    nbgrader's log if it fails)."""
    nbg.nbgrader(course, "autograde", assignment, "--force")


def scores(course: Path, assignment: str) -> dict[str, float]:
    """Total score (points, after nbgrader's late penalty) of each student for ``assignment``,
    from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: s.score for s in gb.find_assignment(assignment).submissions}


def max_score(course: Path, assignment: str) -> float:
    """The points ``assignment`` is worth, from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_assignment(assignment).max_score


# the MyST target of a question in an answer key, on the line before it: (h04_lithium_ion-q3)=
KEY_TARGET = re.compile(r"^\((?P<label>[\w-]+-q(?P<number>\d+))\)=$", re.M)


def key_targets(assignment: str, root: Path | None = None) -> dict[str, int]:
    """The target of each question in the answer key a teacher guide renders
    (:func:`denchi.grading.answer_key.answer_key_markdown`), with the question's number:
    ``{"h02_redox_cells-q2": 2, …}``."""
    key = answer_key_markdown(assignment, root)
    return {m["label"]: int(m["number"]) for m in KEY_TARGET.finditer(key)}


def copy_course(template: Path, folder: Path) -> Path:
    """A fresh copy of a generated course (cheaper than generating again)."""
    shutil.copytree(template, folder)
    return folder


def student_notebook(course: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The released notebook with ``answers`` (solution cell grade_id -> code) filled in."""
    released = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    return fill_answers(released, answers)


def write_submission(folder: Path, name: str, nb: nbformat.NotebookNode) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def html_text(path: Path) -> str:
    """What a reader of an HTML page sees (tags removed, entities decoded)."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


# a score as a feedback page shows it: "Score: 1.0 / 2.0" (nbgrader), "得点 / Score: 1 / 2"
SHOWN_SCORE = re.compile(r"(?:Score|得点)\D{0,12}?(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)")
QUESTION = re.compile(r"問\d+")


def shown_scores(path: Path) -> list[tuple[str, float, float]]:
    """Every score a feedback page shows to its reader: (the line it is on, points, out of)."""
    return [
        (line.strip(), float(match[1]), float(match[2]))
        for line in html_text(path).splitlines()
        for match in SHOWN_SCORE.finditer(line)
    ]
