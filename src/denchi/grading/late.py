"""Late work: how late a submission came and what it cost, the one implementation behind
``denchi grade due``, ``status``, the feedback pages and every grade export.

nbgrader keeps what lateness is made of: the assignment's due date (``Assignment.duedate``, UTC
without a zone), when each student handed in (``SubmittedAssignment.timestamp``, which autograde
reads from ``timestamp.txt``; :func:`denchi.grading.collect.collect` writes that file from the
LMS download) and any extension given in nbgrader. From them nbgrader computes how late a
submission is (``total_seconds_late``). The penalty is nbgrader's too: its ``AssignLatePenalties``
step asks the course's late-submission plugin (``c.AssignLatePenalties.plugin_class``; by default
``LateSubmissionPlugin``, whose ``penalty_method`` is ``"none"``, no points taken, or ``"zero"``,
a late notebook scores 0) and stores the penalty of each notebook, during autograde.

A due date set or changed after grading (or a score changed by hand in the formgrader) would
leave those stored penalties behind. :func:`denchi.grading.duedates.refresh_penalties` runs
nbgrader's own step again on every graded submission, so the gradebook, ``nbgrader export`` and
the formgrader agree with denchi; :func:`lateness` then reads one submission: how late, the
penalty, the score after it, and :meth:`Lateness.note` says so in one line.

This module reads no configuration and opens no gradebook (the feedback step, which nbgrader's
configuration loads, uses it); :mod:`denchi.grading.duedates` does both.

Times a teacher types without a zone are Japan time (Asia/Tokyo, UTC+9 all year: Japan has no
summer time), whatever the zone of the grading machine.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from denchi.grading.errors import GradingError

JAPAN = timezone(timedelta(hours=9), "JST")
EXAMPLE = "2026-04-10T17:00"
_DATE_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?)?$"
)


def format_points(points: float) -> str:
    """Points as a teacher writes them: ``3``, ``2.5``, ``0.33``.

    Args:
        points: The points, rounded to 2 decimals.
    """
    return f"{points:.2f}".rstrip("0").rstrip(".")


def _duration(seconds: float) -> tuple[str, str]:
    """How late, in whole minutes (a part of a minute counts as one): Japanese, English."""
    hours, minutes = divmod(max(math.ceil(seconds / 60), 1), 60)
    ja = [f"{hours} 時間"] * bool(hours) + [f"{minutes} 分"] * bool(minutes)
    en = [f"{hours} h"] * bool(hours) + [f"{minutes} min"] * bool(minutes)
    return " ".join(ja), " ".join(en)


@dataclass(frozen=True)
class Lateness:
    """A graded submission's raw score, its late penalty (points) and how late it came."""

    raw_score: float
    penalty: float = 0.0
    seconds_late: float = 0.0

    @property
    def score(self) -> float:
        """The score after the penalty, as nbgrader computes it (never below 0)."""
        return max(self.raw_score - self.penalty, 0.0)

    @property
    def late(self) -> bool:
        """True if the submission came after the due date (with any extension)."""
        return self.seconds_late > 0

    def note(self) -> str:
        """``提出遅れ 2 時間 (late by 2 h): −3 点`` (empty for work handed in on time)."""
        if not self.late:
            return ""
        ja, en = _duration(self.seconds_late)
        cost = f"−{format_points(self.penalty)} 点" if self.penalty else "減点なし (no penalty)"
        return f"提出遅れ {ja} (late by {en}): {cost}"


def lateness(submission) -> Lateness:
    """How late one graded submission (nbgrader's ``SubmittedAssignment``) is, its penalty.

    Args:
        submission: nbgrader's ``SubmittedAssignment`` (from an open gradebook).
    """
    return Lateness(
        float(submission.score),
        float(submission.late_submission_penalty or 0.0),
        float(submission.total_seconds_late or 0.0),
    )


def parse_due(text: str) -> datetime:
    """A due date as a teacher types it (``2026-04-10T17:00``, ``2026-04-10 17:00``, with
    ``+09:00`` or ``Z`` if they like), as a time with its zone; without a zone it is Japan time.
    Raises :class:`GradingError` naming what was typed, with an example.

    Args:
        text: What the teacher typed.

    Raises:
        GradingError: if ``text`` has no time of day or is not such a date and time.
    """
    value = text.strip()
    match = _DATE_TIME.match(value)
    if match and match["time"] is None:
        raise GradingError(
            f"締め切り「{text}」に時刻がありません。日付と時刻を書いてください"
            f"（例: {EXAMPLE}。日本時間の 2026 年 4 月 10 日 17 時）。",
            f"The due date '{text}' has no time of day: give a date and a time, e.g. {EXAMPLE} "
            "(Japan time).",
        )
    try:
        if not match:
            raise ValueError(value)
        zone = match["zone"] or ""
        if zone == "Z":
            zone = "+00:00"
        elif zone and ":" not in zone:
            zone = f"{zone[:3]}:{zone[3:]}"
        due = datetime.fromisoformat(f"{match['date']}T{match['time']}{zone}")
    except ValueError:
        raise GradingError(
            f"締め切り「{text}」を日時として読めません。「年-月-日T時:分」の形で書いてください"
            f"（例: {EXAMPLE}）。時間帯を書かなければ日本時間です（世界時なら末尾に Z）。",
            f"Cannot read the due date '{text}': write it as YYYY-MM-DDTHH:MM, e.g. {EXAMPLE}. "
            "Without a zone it is Japan time (Asia/Tokyo); add Z for UTC or +09:00 style offsets.",
        ) from None
    return due if due.tzinfo else due.replace(tzinfo=JAPAN)


def in_japan(due: datetime) -> str:
    """``2026-04-10 17:00（日本時間）`` for a time with a zone, or nbgrader's naive UTC.

    Args:
        due: A time with a zone, or a naive time in UTC (as nbgrader stores it).
    """
    aware = due if due.tzinfo else due.replace(tzinfo=timezone.utc)
    return f"{aware.astimezone(JAPAN):%Y-%m-%d %H:%M}（日本時間）"
