"""nbgrader configuration of the course: the safe autograde and feedback steps, limits.

The course's ``assessments/nbgrader_config.py`` calls :func:`configure_course`, so that plain
``nbgrader autograde`` / ``generate_feedback`` (and the formgrader in JupyterHub) grade exactly
as ``denchi grade`` does, only one submission at a time.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from traitlets import Unicode
from traitlets.config import Config, Configurable
from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

CONFIG_FILE = "nbgrader_config.py"
SQLITE_TIMEOUT_S = 120  # parallel workers share one SQLite gradebook; writes are short


def configure_course(c: Config) -> None:
    """Replace nbgrader's kernel execution and feedback steps with the safe ones.

    Args:
        c: The traitlets ``Config`` of ``nbgrader_config.py`` (changed in place).
    """
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        GetGrades,
        IgnorePattern,
        LimitOutput,
        OverwriteCells,
        OverwriteKernelspec,
        SaveAutoGrades,
    )

    from denchi.grading.cellmeta import DropMalformedMetadata
    from denchi.grading.cleanroom import VerifyAnswers
    from denchi.grading.execute import SandboxedExecute
    from denchi.grading.feedback import FeedbackExporter, LabelQuestions, StripHiddenTests
    from denchi.grading.restore import RestoreMissingCells
    from denchi.grading.review import FlagForReview, NoteChangedCells

    c.Autograde.sanitize_preprocessors = [
        DropMalformedMetadata,
        ClearOutput,
        DeduplicateIds,
        OverwriteKernelspec,
        NoteChangedCells,
        RestoreMissingCells,
        OverwriteCells,
        CheckCellMetadata,
    ]
    c.Autograde.autograde_preprocessors = [
        SandboxedExecute,
        VerifyAnswers,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        FlagForReview,
        CheckCellMetadata,
    ]
    # deleted or metadata-less teacher cells are put back by RestoreMissingCells (nbgrader's
    # own add_missing_cells fails the whole notebook when the answer cell went too)
    c.OverwriteCells.add_missing_cells = False
    # the penalty again first: the due date (or a score, in the formgrader) may have changed
    c.GenerateFeedback.preprocessors = [
        AssignLatePenalties,
        GetGrades,
        StripHiddenTests,
        LabelQuestions,
        CSSHTMLHeaderPreprocessor,
    ]
    c.GenerateFeedback.exporter_class = FeedbackExporter  # each score labelled 問1 …


def gradebook_url(course: Path) -> str:
    """nbgrader's SQLite gradebook, waiting (not failing) while another worker writes.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py`` and
            ``gradebook.db``).
    """
    return f"sqlite:///{(course / 'gradebook.db').resolve()}?timeout={SQLITE_TIMEOUT_S}"


def tools_on_path() -> None:
    """Put this Python's scripts folder on PATH: nbgrader runs the ``alembic`` command from
    PATH to create a new gradebook, and a teacher's shell need not have the virtual
    environment activated."""
    tools = str(Path(sys.executable).parent)
    if tools not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = tools + os.pathsep + os.environ.get("PATH", "")


@contextmanager
def open_gradebook(course: Path) -> Iterator:
    """nbgrader's gradebook of ``course`` (created if new), as an ``nbgrader.api.Gradebook``.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py`` and
            ``gradebook.db``).

    Raises:
        GradingError: naming ``gradebook.db`` when it cannot be opened (not a database, no
            permission, a disk error).
    """
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SQLAlchemyError

    from denchi.grading.errors import GradingError

    tools_on_path()
    try:
        gradebook = Gradebook(gradebook_url(course))
    except (SQLAlchemyError, OSError) as exc:
        path = Path(course) / "gradebook.db"
        raise GradingError(
            f"成績簿 {path} を開けません（{type(exc).__name__}）。ファイルが壊れていないか、"
            "書きこめるかを確かめてください。backups/ に以前の成績簿の写しがあります。",
            f"Cannot open the gradebook {path} ({type(exc).__name__}): check that it is intact "
            "and writable; earlier copies are in backups/.",
        ) from exc
    with gradebook as gb:
        yield gb


def load_course_config(
    course: Path, *, time_limit_s: float | None = None, memory_mb: int | None = None
) -> Config:
    """The course's nbgrader configuration, with the gradebook and limits of this run.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py`` and
            ``gradebook.db``).
        time_limit_s: Time limit of one notebook's grading [s]; ``None`` keeps the course's.
        memory_mb: Memory limit of the grading kernel [MB]; ``None`` keeps the course's.

    Raises:
        traitlets.config.loader.ConfigFileNotFound: if the course has no
            ``nbgrader_config.py``.
    """
    config = PyFileConfigLoader(CONFIG_FILE, path=str(course)).load_config()
    config.CourseDirectory.root = str(course.resolve())
    config.CourseDirectory.db_url = gradebook_url(course)
    if time_limit_s is not None:
        config.SandboxedExecute.time_limit_s = float(time_limit_s)
    if memory_mb is not None:
        config.SandboxedExecute.memory_mb = int(memory_mb)
    return config


class DenchiCourse(Configurable):
    """Settings of the course that are denchi's, not nbgrader's (``c.DenchiCourse.…`` in the
    course's ``nbgrader_config.py``)."""

    timezone = Unicode(
        "Asia/Tokyo",
        help="The school's time zone (an IANA name such as Asia/Tokyo): times an LMS download "
        "gives without a zone (zip entries, Moodle's grading worksheet) are read in it, "
        "whatever the zone of the grading machine.",
    ).tag(config=True)


def course_timezone(course: Path) -> ZoneInfo:
    """The course's time zone (:attr:`DenchiCourse.timezone`, Asia/Tokyo unless set), for times
    an LMS download carries without a zone. A course without a configuration file has the
    default.

    Args:
        course: The nbgrader course folder (holding ``nbgrader_config.py`` and
            ``gradebook.db``).

    Raises:
        GradingError: the setting is not a time zone name known to the IANA database
            (Python's ``zoneinfo``; the ``tzdata`` package on Windows).
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from denchi.grading.errors import GradingError

    try:
        config = PyFileConfigLoader(CONFIG_FILE, path=str(course)).load_config()
    except ConfigFileNotFound:
        config = Config()
    name = DenchiCourse(config=config).timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise GradingError(
            f"{CONFIG_FILE} の c.DenchiCourse.timezone = {name!r} は時間帯の名前として読めません。"
            '"Asia/Tokyo" のような IANA の名前を書いてください（何も変更していません）。',
            f"c.DenchiCourse.timezone = {name!r} in {CONFIG_FILE} is not a time zone name: "
            'write an IANA name such as "Asia/Tokyo" (nothing was changed).',
        ) from exc
