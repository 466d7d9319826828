"""Due dates in nbgrader's gradebook, and late penalties kept up to date with them.

``denchi grade due`` stores the due date as nbgrader does (``Assignment.duedate``, UTC without a
zone); :func:`refresh_penalties` re-runs nbgrader's own ``AssignLatePenalties`` step, with the
course's configuration, on graded submissions, so a due date set or changed after grading (or a
score changed by hand) reaches the stored penalties. What lateness is and how it is said:
:mod:`denchi.grading.late`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path

from denchi.grading.late import lateness
from denchi.grading.nbconfig import gradebook_url, load_course_config, open_gradebook

_QUIET = logging.getLogger("denchi.grading.duedates")  # nbgrader's step logs each late notebook
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


def due_date(course: Path, assignment: str) -> datetime | None:
    """The assignment's due date in nbgrader's gradebook (aware, UTC), or None.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py`` and
            ``gradebook.db``).
        assignment: The assignment's name.

    Raises:
        GradingError: if ``gradebook.db`` cannot be opened.
    """
    from nbgrader.api import MissingEntry

    with open_gradebook(course) as gb:
        try:
            stored = gb.find_assignment(assignment).duedate
        except MissingEntry:
            return None
    return stored.replace(tzinfo=timezone.utc) if stored is not None else None


def set_due(course: Path, assignment: str, due: datetime | None) -> list[str]:
    """Make ``due`` (None: no due date) the assignment's due date in nbgrader's gradebook, as
    ``nbgrader db assignment add --duedate`` does, and bring the penalties of graded submissions
    up to date (:func:`refresh_penalties`). Returns the students whose graded work is late.

    An assignment nbgrader does not know yet is generated first (as autograde would), so that
    the gradebook holds its notebooks.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py`` and
            ``gradebook.db``).
        assignment: The assignment's name.
        due: The due date (a naive time is local time); ``None`` removes it.

    Raises:
        GradingError: if ``gradebook.db`` cannot be opened.
        RuntimeError: if nbgrader cannot generate the assignment.
        traitlets.config.loader.ConfigFileNotFound: if the course has no
            ``nbgrader_config.py`` (needed to refresh the penalties).
    """
    from nbgrader.api import MissingEntry

    from denchi.grading.course import generate

    with open_gradebook(course) as gb:
        try:
            gb.find_assignment(assignment)
            known = True
        except MissingEntry:
            known = False
    if not known:
        generate(course, assignment)
    stored = due.astimezone(timezone.utc).replace(tzinfo=None) if due is not None else None
    with open_gradebook(course) as gb:
        gb.update_or_create_assignment(assignment, duedate=stored)
    refresh_penalties(course, assignment)
    with open_gradebook(course) as gb:
        return sorted(
            s.student.id for s in gb.find_assignment(assignment).submissions if lateness(s).late
        )


def refresh_penalties(course: Path, assignment: str) -> None:
    """Run nbgrader's ``AssignLatePenalties`` step, with the course's configuration, on every
    graded notebook of ``assignment``: the stored penalties then follow the current due date,
    extensions and scores exactly as a fresh autograde would set them.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py`` and
            ``gradebook.db``).
        assignment: The assignment's name.

    Raises:
        GradingError: if ``gradebook.db`` cannot be opened.
        traitlets.config.loader.ConfigFileNotFound: if there are graded notebooks and the
            course has no ``nbgrader_config.py``.
    """
    from nbformat.v4 import new_notebook
    from nbgrader.api import MissingEntry
    from nbgrader.preprocessors import AssignLatePenalties

    with open_gradebook(course) as gb:
        try:
            graded = [
                (submission.student.id, notebook.name)
                for submission in gb.find_assignment(assignment).submissions
                for notebook in submission.notebooks
            ]
        except MissingEntry:
            return
    if not graded:
        return
    step = AssignLatePenalties(config=load_course_config(course), log=_QUIET)
    for student, notebook in graded:
        resources = {
            "nbgrader": {
                "assignment": assignment,
                "notebook": notebook,
                "student": student,
                "db_url": gradebook_url(course),
            }
        }
        step.preprocess(new_notebook(), resources)


def penalty_rule(course: Path) -> tuple[str, str]:
    """What the course does with late work (Japanese, English), from its nbgrader_config.py.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py`` and
            ``gradebook.db``).

    Raises:
        traitlets.config.loader.ConfigFileNotFound: if the course has no
            ``nbgrader_config.py``.
    """
    config = load_course_config(course)
    plugin = config.AssignLatePenalties.get("plugin_class")
    name = getattr(plugin, "__name__", str(plugin or "LateSubmissionPlugin")).split(".")[-1]
    if name != "LateSubmissionPlugin":
        return (
            f"遅れた提出の減点は、nbgrader_config.py で指定したプラグイン {name} が決めます。",
            f"Late penalties are set by the plugin {name} named in nbgrader_config.py.",
        )
    method = config.LateSubmissionPlugin.get("penalty_method", "none")
    setting = f'c.LateSubmissionPlugin.penalty_method = "{method}"'
    if method == "zero":
        return (
            f"遅れて提出したノートブックは 0 点になります（nbgrader_config.py の {setting}）。",
            f"A notebook handed in late scores 0 ({setting} in nbgrader_config.py).",
        )
    return (
        f"遅れて提出しても減点しません。遅れは status と成績のファイルに表示します"
        f"（nbgrader_config.py の {setting}）。",
        f"Late work loses no points; lateness is shown by status and in the grade files "
        f"({setting} in nbgrader_config.py).",
    )
