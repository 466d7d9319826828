"""Bring students' notebooks into the nbgrader course: ``submitted/<student>/<assignment>/``.

Sources: one notebook (or folder of notebooks) per student (:func:`place`), or a whole class
in a zip an LMS gives a teacher or in a folder (:func:`collect`; the layouts accepted are
described in :mod:`denchi.grading.lms_layouts`). A submission never silently replaces another:
an earlier one is moved to ``submitted_archive/<student>/<assignment>/<time>/`` first.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path, PurePosixPath

import nbformat

from denchi.grading import lms_layouts
from denchi.grading.errors import GradingError
from denchi.grading.nbconfig import course_timezone
from denchi.i18n import bilingual

SUBMITTED = "submitted"
ARCHIVE = "submitted_archive"
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$")


def check_student_id(student: str) -> str:
    """A student id must be usable as a folder name on every system.

    Args:
        student: The id: ASCII letters, digits and ``_ . @ + -``, at most 128 characters,
            starting with a letter or digit, without ``..``.

    Raises:
        GradingError: if ``student`` is not such an id.
    """
    if not STUDENT_ID.match(student) or ".." in student:
        raise GradingError(
            f"学生 ID「{student}」は使えません。半角の英数字と _ . @ + - だけで、"
            "128 文字以内にしてください（例: s2024001, taro@example.ac.jp）。",
            f"The student id '{student}' cannot be used: use only ASCII letters, digits and "
            "_ . @ + - (at most 128 characters), e.g. s2024001 or taro@example.ac.jp.",
        )
    return student


def assignment_notebooks(course: Path, assignment: str) -> list[str]:
    """File names of the assignment's notebooks (from its source folder).

    Args:
        course: The nbgrader course folder (holding ``source/``, ``submitted/`` …).
        assignment: The assignment's name (its folder under ``source/``).

    Raises:
        GradingError: if the assignment has no notebooks there (the message lists those
            that exist).
    """
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
    """A notebook file, or a clear error saying which file is not one.

    Args:
        path: The ``.ipynb`` file.

    Raises:
        GradingError: if nbformat cannot read it (JSON, schema or encoding errors).
    """
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
    """Move a student's earlier submission out of the way (never delete it).

    Args:
        course: The nbgrader course folder (holding ``source/``, ``submitted/`` …).
        assignment: The assignment's name (its folder under ``source/``).
        student: The student id.

    Returns:
        Where it went, under ``submitted_archive/``; ``None`` if there was none.

    Raises:
        OSError: if the move fails.
    """
    folder = course / SUBMITTED / student / assignment
    if not folder.exists():
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    target = course / ARCHIVE / student / assignment / stamp
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(folder), str(target))
    return target


def _write_timestamp(folder: Path, when: datetime) -> None:
    """nbgrader's ``timestamp.txt`` (when it was handed in, in UTC; a naive time is local)."""
    stamp = when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    (folder / "timestamp.txt").write_text(stamp, encoding="utf-8")


@contextmanager
def _staging(course: Path) -> Iterator[Path]:
    """A scratch folder inside the course (the same file system, so moving out is a rename)."""
    course.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".collecting-", dir=course) as tmp:
        yield Path(tmp)


def _move_in(course: Path, assignment: str, staged: dict[str, Path]) -> dict[str, Path]:
    """Move each student's complete staged folder to ``submitted/<student>/<assignment>/``,
    archiving an earlier submission first; if any move fails, every one is undone."""
    done: list[tuple[Path, Path | None]] = []
    try:
        for student, folder in staged.items():
            target = course / SUBMITTED / student / assignment
            done.append((target, archive_existing(course, assignment, student)))
            target.parent.mkdir(parents=True, exist_ok=True)
            folder.rename(target)
    except OSError:
        for target, archived in reversed(done):
            if target.exists():
                shutil.rmtree(target)
            if archived is not None:
                shutil.move(str(archived), str(target))
        raise
    return {student: course / SUBMITTED / student / assignment for student in staged}


def place(
    course: Path, assignment: str, student: str, source: Path, *, timestamp: datetime | None = None
) -> Path:
    """Make ``source`` (a notebook or a folder of them) ``student``'s submission.

    Every file is checked to be a readable notebook before anything moves, and the submission
    is written in full aside before it is moved in (nothing half-written is left on failure).
    An earlier submission of the student is archived. ``timestamp`` (when it was handed in)
    goes to nbgrader's ``timestamp.txt`` for late-submission penalties.

    Args:
        course: The nbgrader course folder (holding ``source/``, ``submitted/`` …).
        assignment: The assignment's name (its folder under ``source/``).
        student: The student id (see :func:`check_student_id`).
        source: A notebook, or a folder of the assignment's notebooks.
        timestamp: When it was handed in (a naive time is local); ``None`` for none.

    Raises:
        GradingError: if the id is unusable, ``source`` does not exist, holds none of the
            assignment's notebooks, cannot be matched to them, or a file is not a readable
            notebook.
        OSError: if copying or moving fails (an earlier submission is restored).
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
    with _staging(course) as staging:
        folder = staging / student
        folder.mkdir()
        for name, path in files.items():
            shutil.copyfile(path, folder / name)
        if timestamp is not None:
            _write_timestamp(folder, timestamp)
        return _move_in(course, assignment, {student: folder})[student]


def submitted_students(course: Path, assignment: str) -> list[str]:
    """Students with a submission of ``assignment`` in the course.

    Args:
        course: The nbgrader course folder (holding ``source/``, ``submitted/`` …).
        assignment: The assignment's name (its folder under ``source/``).
    """
    return sorted(p.parent.name for p in (course / SUBMITTED).glob(f"*/{assignment}") if p.is_dir())


@dataclass
class Collected:
    """What :func:`collect` did."""

    layout: str  # moodle, manaba or generic
    students: list[str] = field(default_factory=list)  # whose submissions were placed
    archived: list[str] = field(default_factory=list)  # whose earlier submission was archived
    skipped: list[str] = field(default_factory=list)  # files left out, and why (bilingual)
    warnings: list[str] = field(default_factory=list)  # for the teacher (bilingual)
    zone: str = ""  # the time zone in which times without a zone were read


@dataclass(frozen=True)
class _Source:
    """The files of a zip or a folder: relative names, how to read one, and its time."""

    names: list[str]
    read: Callable[[str], bytes]
    modified: Callable[[str], datetime]  # when the file was last changed (aware)


@contextmanager
def _source_files(source: Path, zone: tzinfo) -> Iterator[_Source]:
    """The files in a zip or a folder, with each file's time. A folder's file times are
    instants; a zip entry's time has no zone (the zip format's MS-DOS date and time), so it is
    read in ``zone``, the course's, never the grading machine's."""
    if source.is_dir():
        names = [p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()]
        yield _Source(
            names,
            lambda name: (source / name).read_bytes(),
            lambda name: datetime.fromtimestamp((source / name).stat().st_mtime, zone),
        )
        return
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            yield _Source(
                archive.namelist(),
                archive.read,
                lambda name: datetime(*archive.getinfo(name).date_time, tzinfo=zone),
            )
        return
    raise GradingError(
        f"{source} は zip ファイルでもフォルダでもありません。",
        f"{source} is neither a zip file nor a folder.",
    )


def _pick(files: dict[str, str], notebooks: list[str]) -> tuple[dict[str, str], str | None]:
    """Which handed-in file is which notebook of the assignment (or why that is unclear)."""
    handed_in = {name: member for name, member in files.items() if name.endswith(".ipynb")}
    exact = {name: handed_in[name] for name in notebooks if name in handed_in}
    if exact:
        return exact, None
    if len(notebooks) == 1 and len(handed_in) == 1:
        return {notebooks[0]: next(iter(handed_in.values()))}, None
    if len(handed_in) > 1:
        return {}, bilingual(
            f"ノートブックが {len(handed_in)} 個あり、どれが課題のものか分かりません"
            f"（{', '.join(sorted(handed_in))}）。",
            f"{len(handed_in)} notebooks; which one is the assignment's is unclear.",
        )
    return {}, None


def _problem(person, picked: dict[str, str], duplicate: bool, read_bytes) -> str | None:
    """Why this student's files cannot be collected, if they cannot."""
    if duplicate:
        return bilingual(
            "同じ学生 ID の提出が複数あります。名簿（--roster）の対応を確かめてください。",
            "More than one submission maps to this student id; check the roster.",
        )
    try:
        check_student_id(person.student)
    except GradingError as error:
        return str(error)
    for member in picked.values():
        try:
            nbformat.reads(read_bytes(member).decode("utf-8"), as_version=4)
        except Exception:  # not UTF-8, not JSON, not a notebook
            name = PurePosixPath(member).name
            return bilingual(
                f"{name} はノートブックとして読めません。", f"{name} cannot be read as a notebook."
            )
    return None


def _plan(people, notebooks: list[str], read_bytes, result: Collected) -> dict:
    """Student -> (who, which member is which notebook); raises listing every problem."""
    chosen: dict[str, tuple[lms_layouts.Submitter, dict[str, str]]] = {}
    problems: list[str] = []
    counts = Counter(person.student for person in people)
    for person in people:
        picked, problem = _pick(person.files, notebooks)
        used = set(picked.values())
        result.skipped += [
            f"{person.student}: {name}"
            for name, member in person.files.items()
            if member not in used
        ]
        problem = problem or _problem(person, picked, counts[person.student] > 1, read_bytes)
        if problem:
            problems.append(f"- {person.student}: {problem}")
        elif picked:
            chosen[person.student] = (person, picked)
        else:
            no_notebook = bilingual("ノートブックの提出がありません", "no notebook handed in")
            result.skipped.append(f"{person.student}: {no_notebook}")
    if problems:
        raise GradingError(
            "提出物を取りこめませんでした（何も変更していません）:\n" + "\n".join(problems),
            "The submissions were not collected (nothing was changed); see the list above.",
        )
    return chosen


def collect(
    course: Path,
    assignment: str,
    source: Path,
    *,
    lms: str = "auto",
    roster: Path | None = None,
    manaba_order: str = "number-first",
) -> Collected:
    """Place every student's notebooks from an LMS zip (or a folder) into the course.

    Everything is checked first (notebooks readable, one submission per student, usable
    ids); if anything is wrong nothing is placed and the error lists every problem. When each
    student handed in goes to nbgrader's ``timestamp.txt``, for due dates and late penalties:
    the newest time of their files in the download, read in the course's time zone
    (:func:`denchi.grading.nbconfig.course_timezone`) when the download gives no zone; for a
    Moodle zip, whose times are those of the download, the "Last modified (submission)" of the
    grading worksheet given as ``roster`` (none without it, and a warning says so). The
    submissions are written aside in full, the students recorded in the gradebook (created on
    a fresh course), and only then moved in: a failure leaves no submission half-placed. Files that
    are not notebooks are left out and listed. Students' e-mail addresses, names and LMS user
    ids go to nbgrader's gradebook (for the grade exports).

    Args:
        course: The nbgrader course folder (holding ``source/``, ``submitted/`` …).
        assignment: The assignment's name (its folder under ``source/``).
        source: The LMS's zip, or a folder in one of the accepted layouts.
        lms: ``"auto"``, ``"moodle"``, ``"manaba"`` or ``"generic"``.
        roster: The LMS's participant list or Moodle grading worksheet (CSV); ``None`` for
            none.
        manaba_order: How manaba names a student's folder: ``"number-first"``
            (学籍番号 first) or ``"id-first"`` (ユーザID first).

    Raises:
        GradingError: if ``source`` does not exist or holds no notebook of the assignment,
            the assignment is unknown, the layout or roster cannot be read, or any student's
            submission is unusable (every problem is listed).
        OSError: if writing or moving the submissions fails (nothing is half-placed).
    """
    source = Path(source)
    if not source.exists():
        raise GradingError(f"{source} が見つかりません。", f"{source} does not exist.")
    notebooks = assignment_notebooks(course, assignment)
    zone = course_timezone(course)
    with _source_files(source, zone) as files:
        names, read_bytes = files.names, files.read
        layout, people = lms_layouts.read(
            lms_layouts.usable(names), lms=lms, roster=roster, manaba_order=manaba_order
        )
        result = Collected(layout, zone=str(zone))
        result.warnings = lms_layouts.seed_warnings(layout, people)
        chosen = _plan(people, notebooks, read_bytes, result)
        if not chosen:
            raise GradingError(
                f"{source.name} に課題「{assignment}」のノートブック（{', '.join(notebooks)}）"
                "がありません。",
                f"{source.name} holds no notebook of '{assignment}' ({', '.join(notebooks)}).",
            )
        with _staging(course) as staging:  # all or nothing: written aside, then moved in
            staged, no_time = {}, []
            for student, (person, picked) in sorted(chosen.items()):
                folder = staged[student] = staging / student
                folder.mkdir()
                for name, member in picked.items():
                    (folder / name).write_bytes(read_bytes(member))
                if layout == "moodle":  # the zip's times are the download's
                    handed_in = lms_layouts.moodle_time(person.submitted, zone)
                else:
                    handed_in = max(files.modified(m) for m in picked.values())
                if handed_in is None:
                    no_time.append(student)
                else:
                    _write_timestamp(folder, handed_in)
                (folder / "lms.json").write_text(json.dumps(person.lms, ensure_ascii=False))
            if no_time:
                result.warnings.append(_no_time_warning(no_time))
            record_students([person for person, _ in chosen.values()], course)
            result.archived = [s for s in staged if (course / SUBMITTED / s / assignment).exists()]
            _move_in(course, assignment, staged)
            result.students = list(staged)
    return result


def _no_time_warning(students: list[str]) -> str:
    return bilingual(
        f"提出時刻が分からない学生がいます（遅れを計算できず、締め切りを過ぎていても遅れに"
        f"なりません）: {', '.join(students)}。Moodle の zip の時刻はダウンロードした時刻なので、"
        "評定ワークシート（「最終更新日時 (提出)」の列があるもの）を --roster に指定して"
        "集め直してください。",
        f"No hand-in time for these students (lateness cannot be computed; they count as on "
        f"time): {', '.join(students)}. Moodle's zip carries the time of the download: collect "
        "again with the grading worksheet (with its 'Last modified (submission)' column) as "
        "--roster.",
    )


def record_students(people: list[lms_layouts.Submitter], course: Path) -> None:
    """Record students in the course's gradebook (created on a fresh course) with what the LMS
    said about them: e-mail address, name (as nbgrader's ``last_name``, the full name) and LMS
    user id, for the grade exports; values not known are left as they were.

    Args:
        people: The students, as :func:`denchi.grading.lms_layouts.read` finds them.
        course: The nbgrader course folder.

    Raises:
        GradingError: if ``gradebook.db`` cannot be opened.
    """
    from denchi.grading.nbconfig import open_gradebook

    with open_gradebook(course) as gb:
        for person in people:
            known = {
                "email": person.email,
                "last_name": person.name,
                "lms_user_id": person.lms_user_id,
            }
            gb.update_or_create_student(person.student, **{k: v for k, v in known.items() if v})
