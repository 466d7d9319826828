"""Drive the nbgrader course in ``assessments/``: copy it, generate the student version.

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

from denchi.catalog import repo_root

RELEASE = "release"


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
        course: The nbgrader course folder (holding ``nbgrader_config.py``, ``source/`` …),
            absolute or relative to the working directory (``--course t01-class``).
        *args: The nbgrader subcommand and its arguments (``"autograde", "h01", "--force"``).

    Raises:
        RuntimeError: if nbgrader fails (the message holds its output).
    """
    # nbgrader runs in the course folder, where a relative root would be read once more
    course = Path(course).resolve()
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
    return _marked_release(course, assignment)


def generate_all(course: Path) -> dict[str, Path]:
    """Generate the student version of every assignment under ``source/`` in one run of
    nbgrader (about 7 s for the course's 24, where :func:`generate` takes 2–3.5 s for each);
    their folders ``release/<assignment>`` by assignment, marked as :func:`generate` marks them.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py``, ``source/`` …).

    Raises:
        RuntimeError: if nbgrader fails (the message holds its output).
    """
    nbgrader(course, "generate_assignment", "*", "--force")
    # what nbgrader's pattern matched: the folders of source/ that hold a notebook
    names = {p.parent.name for p in (course / "source").glob("*/*.ipynb")}
    return {name: _marked_release(course, name) for name in sorted(names) if name[0] != "."}


def _marked_release(course: Path, assignment: str) -> Path:
    """``release/<assignment>``, each notebook in it marked with ``assignment``."""
    release = course / RELEASE / assignment
    for path in sorted(release.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nb.metadata.setdefault("denchi", {})["assignment"] = assignment
        nbformat.write(nb, path)
    return release


def assignment_of(nb: nbformat.NotebookNode) -> str | None:
    """The assignment id :func:`generate` wrote into a released notebook (None if absent, or
    if a hand-in's ``metadata.denchi`` or the id in it is not of the type written there).

    Args:
        nb: A notebook (a hand-in or a released one).
    """
    mark = nb.get("metadata", {}).get("denchi")
    value = mark.get("assignment") if isinstance(mark, dict) else None
    return value if isinstance(value, str) else None


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
