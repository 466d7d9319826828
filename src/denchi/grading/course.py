"""Drive the nbgrader course in ``assessments/``: generate, autograde, read scores.

nbgrader's own command line does the work; this module only runs it with the course folder,
the virtual environment's tools on PATH and PyBaMM telemetry off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

from denchi.catalog import repo_root

RELEASE = "release"
SUBMITTED = "submitted"


def course_dir(root: Path | None = None) -> Path:
    """The course folder ``assessments/`` of the repository.

    Args:
        root: The repository root; ``None`` finds it with :func:`denchi.catalog.repo_root`.

    Raises:
        CatalogError: if ``root`` is ``None`` and the repository root cannot be found.
    """
    return (root or repo_root()) / "assessments"


def _env() -> dict[str, str]:
    env = dict(os.environ, PYBAMM_DISABLE_TELEMETRY="true", MPLBACKEND="Agg")
    bin_dir = str(Path(sys.executable).parent)  # nbgrader calls alembic from PATH
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    return env


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run one nbgrader command in ``course``; raise with nbgrader's log if it fails.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py``, ``source/`` …).
        *args: The nbgrader subcommand and its arguments (``"autograde", "h01", "--force"``).

    Raises:
        RuntimeError: if nbgrader fails (the message holds its output).
    """
    cmd = [
        str(Path(sys.executable).parent / "nbgrader"),
        *args,
        f"--CourseDirectory.root={course}",
    ]
    result = subprocess.run(cmd, cwd=course, env=_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def copy_course(destination: Path, root: Path | None = None) -> Path:
    """A working copy of the course (config and sources only), e.g. for tests.

    Args:
        destination: The folder to copy into (created if missing).
        root: The repository root; ``None`` finds it with :func:`denchi.catalog.repo_root`.

    Raises:
        CatalogError: if ``root`` is ``None`` and the repository root cannot be found.
        OSError: if a file cannot be copied.
    """
    source = course_dir(root)
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "nbgrader_config.py", destination / "nbgrader_config.py")
    shutil.copytree(source / "source", destination / "source", dirs_exist_ok=True)
    return destination


def generate(course: Path, assignment: str) -> Path:
    """Generate the student version; returns its folder ``release/<assignment>``.

    Each released notebook carries its assignment id in ``metadata["denchi"]["assignment"]``
    (see :func:`assignment_of`), so that a hand-in proves which assignment it belongs to.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py``, ``source/`` …).
        assignment: The assignment's name (its folder under ``source/``).

    Raises:
        RuntimeError: if nbgrader fails (the message holds its output).
    """
    nbgrader(course, "generate_assignment", assignment, "--force")
    release = course / RELEASE / assignment
    for path in sorted(release.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nb.metadata.setdefault("denchi", {})["assignment"] = assignment
        nbformat.write(nb, path)
    return release


def assignment_of(nb: nbformat.NotebookNode) -> str | None:
    """The assignment id :func:`generate` wrote into a released notebook (None if absent).

    Args:
        nb: A notebook (a hand-in or a released one).
    """
    value = nb.get("metadata", {}).get("denchi", {}).get("assignment")
    return value if isinstance(value, str) else None


def submit(course: Path, assignment: str, student: str, notebooks: dict[str, object]) -> None:
    """Place notebooks as ``student``'s submission, as nbgrader collect would.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py``, ``source/`` …).
        assignment: The assignment's name (its folder under ``source/``).
        student: The student id.
        notebooks: File name to notebook node.
    """
    folder = course / SUBMITTED / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / name)


def autograde(course: Path, assignment: str) -> None:
    """Run nbgrader's autograde of ``assignment`` for every submission (``--force``).

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py``, ``source/`` …).
        assignment: The assignment's name (its folder under ``source/``).

    Raises:
        RuntimeError: if nbgrader fails (the message holds its output).
    """
    nbgrader(course, "autograde", assignment, "--force")


def scores(course: Path, assignment: str) -> dict[str, float]:
    """Total score of each student for ``assignment``, from nbgrader's gradebook.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py``, ``source/`` …).
        assignment: The assignment's name (its folder under ``source/``).

    Raises:
        nbgrader.api.MissingEntry: if the gradebook has no such assignment.
    """
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: s.score for s in gb.find_assignment(assignment).submissions}


def notebook_points(nb: nbformat.NotebookNode) -> float:
    """The points of a source notebook: the sum over its autograded (test) cells.

    Args:
        nb: A source notebook with nbgrader cell metadata.
    """
    total = 0.0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            total += float(meta.get("points", 0))
    return total


def max_score(course: Path, assignment: str) -> float:
    """The assignment's highest possible score, from nbgrader's gradebook.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py``, ``source/`` …).
        assignment: The assignment's name (its folder under ``source/``).

    Raises:
        nbgrader.api.MissingEntry: if the gradebook has no such assignment.
    """
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_assignment(assignment).max_score


def typical_wrong_answers(assignment: str, root: Path | None = None) -> dict[str, dict[str, str]]:
    """The stored typical wrong submission: notebook -> solution cell grade_id -> code.

    Args:
        assignment: The assignment's name (``assessments/wrong_answers/<assignment>.yml``).
        root: The repository root; ``None`` finds it with :func:`denchi.catalog.repo_root`.

    Raises:
        CatalogError: if ``root`` is ``None`` and the repository root cannot be found.
        FileNotFoundError: if the assignment has no stored wrong answers.
    """
    path = course_dir(root) / "wrong_answers" / f"{assignment}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def fill_answers(release_nb: dict, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of a released notebook with the given code in the named solution cells.

    Args:
        release_nb: The released notebook as a dict.
        answers: Solution cell grade_id to code.

    Raises:
        KeyError: if a grade_id names no cell of the notebook.
    """
    nb = nbformat.from_dict(release_nb)
    unknown = set(answers)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
            unknown.discard(grade_id)
    if unknown:
        raise KeyError(f"no solution cells named {sorted(unknown)}")
    return nb
