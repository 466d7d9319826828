"""Bring students' notebooks into the nbgrader course: ``submitted/<student>/<assignment>/``.

Sources: one notebook (or folder of notebooks) per student.
A submission never silently replaces another: an earlier one is moved to
``submitted_archive/<student>/<assignment>/<time>/`` first.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from denchi.grading.errors import GradingError

SUBMITTED = "submitted"
ARCHIVE = "submitted_archive"
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$")


def check_student_id(student: str) -> str:
    """A student id must be usable as a folder name on every system."""
    if not STUDENT_ID.match(student) or ".." in student:
        raise GradingError(
            f"学生 ID「{student}」は使えません。半角の英数字と _ . @ + - だけで、"
            "128 文字以内にしてください（例: s2024001, taro@example.ac.jp）。",
            f"The student id '{student}' cannot be used: use only ASCII letters, digits and "
            "_ . @ + - (at most 128 characters), e.g. s2024001 or taro@example.ac.jp.",
        )
    return student


def assignment_notebooks(course: Path, assignment: str) -> list[str]:
    """File names of the assignment's notebooks (from its source folder)."""
    folder = course / "source" / assignment
    names = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
    if not names:
        known = sorted(
            p.name for p in (course / "source").glob("*") if p.is_dir() and any(p.glob("*.ipynb"))
        )
        raise GradingError(
            f"課題「{assignment}」が {course / 'source'} にありません。"
            f"あるのは {', '.join(known) or '（なし）'} です。",
            f"There is no assignment '{assignment}' in {course / 'source'}; "
            f"available: {', '.join(known) or '(none)'}.",
        )
    return names


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A notebook file, or a clear error saying which file is not one."""
    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises JSON, schema and encoding errors
        raise GradingError(
            f"{path.name} はノートブック（.ipynb）として読めません。"
            "Jupyter で開いて保存し直したファイルを提出してもらってください。",
            f"{path.name} cannot be read as a notebook (.ipynb): ask for a file saved from "
            f"Jupyter. ({type(exc).__name__})",
        ) from exc


def _files_for(source: Path, notebooks: list[str]) -> dict[str, Path]:
    """Which source file becomes which of the assignment's notebooks."""
    if source.is_dir():
        found = {p.name: p for p in source.glob("*.ipynb")}
        if len(notebooks) == 1 and notebooks[0] not in found and len(found) == 1:
            return {notebooks[0]: next(iter(found.values()))}
        return {name: found[name] for name in notebooks if name in found}
    if source.suffix != ".ipynb":
        raise GradingError(
            f"{source.name} はノートブック（.ipynb）ではありません。",
            f"{source.name} is not a notebook (.ipynb).",
        )
    if len(notebooks) == 1:
        return {notebooks[0]: source}
    if source.name in notebooks:
        return {source.name: source}
    raise GradingError(
        f"{source.name} が課題のどのノートブックか分かりません（{', '.join(notebooks)}）。"
        "ファイル名を合わせるか、フォルダごと渡してください。",
        f"Cannot tell which of the assignment's notebooks ({', '.join(notebooks)}) "
        f"{source.name} is: name it accordingly or pass a folder.",
    )


def archive_existing(course: Path, assignment: str, student: str) -> Path | None:
    """Move a student's earlier submission out of the way (never delete it)."""
    folder = course / SUBMITTED / student / assignment
    if not folder.exists():
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    target = course / ARCHIVE / student / assignment / stamp
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(folder), str(target))
    return target


def place(
    course: Path, assignment: str, student: str, source: Path, *, timestamp: datetime | None = None
) -> Path:
    """Make ``source`` (a notebook or a folder of them) ``student``'s submission.

    Every file is checked to be a readable notebook before anything moves. An earlier
    submission of the student is archived. ``timestamp`` (when it was handed in) goes to
    nbgrader's ``timestamp.txt`` for late-submission penalties.
    """
    check_student_id(student)
    source = Path(source)
    if not source.exists():
        raise GradingError(
            f"提出ファイル {source} が見つかりません。", f"The submission {source} does not exist."
        )
    files = _files_for(source, assignment_notebooks(course, assignment))
    if not files:
        raise GradingError(
            f"{source} に、この課題のノートブックがありません。",
            f"{source} holds none of this assignment's notebooks.",
        )
    for path in files.values():
        read_notebook(path)
    archive_existing(course, assignment, student)
    folder = course / SUBMITTED / student / assignment
    folder.mkdir(parents=True)
    for name, path in files.items():
        shutil.copyfile(path, folder / name)
    if timestamp is not None:
        stamp = timestamp.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
        (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")
    return folder


def submitted_students(course: Path, assignment: str) -> list[str]:
    """Students with a submission of ``assignment`` in the course."""
    return sorted(p.parent.name for p in (course / SUBMITTED).glob(f"*/{assignment}") if p.is_dir())
