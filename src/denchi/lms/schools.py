"""The operator's view per school: what each registered LMS (a platform: one issuer and one
client id, usually one school or one school board's Moodle) does with the tool.

One tool instance serves many schools in PostgreSQL mode (issue 21, "Many schools"). An
operator must see which school's grading waits, which school's LMS refuses scores and which
school stopped using the tool, without reading the database by hand. :func:`activity` reads it
all in a few grouped queries; ``denchi lms schools`` prints it and ``/metrics`` labels the
queue and the score deliveries with the same platform labels (:mod:`denchi.lms.metrics`).

Nothing here names a learner: the figures are counts and times only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from denchi.lms.models import (
    Context,
    Platform,
    ResourceLink,
    ScoreOutbox,
    Submission,
    User,
    utcnow,
)
from denchi.lms.store import Database


@dataclass(frozen=True)
class PlatformActivity:
    """What one registered LMS does with the tool.

    Attributes:
        platform_id: The platform's row id.
        issuer: Its issuer (Moodle: the site URL).
        client_id: The tool's client id in that LMS.
        name: The name the operator gave it at registration ("" if none).
        courses: Courses (LTI contexts) that launched the tool.
        people: People of that LMS who launched the tool (learners and teachers).
        submissions: Submissions by status (``queued``, ``grading``, ``graded``, ``failed``,
            ``superseded``); a status with none is absent.
        scores: Scores for the LMS by delivery status (``pending``, ``sent``,
            ``superseded``, ``failed``); absent when none.
        oldest_pending_score_s: Age [s] of the oldest score the LMS has not accepted yet
            (``None``: none pending).
        last_submission_at: When its last notebook arrived (UTC; ``None``: never).
    """

    platform_id: int
    issuer: str
    client_id: str
    name: str
    courses: int = 0
    people: int = 0
    submissions: dict[str, int] = field(default_factory=dict)
    scores: dict[str, int] = field(default_factory=dict)
    oldest_pending_score_s: float | None = None
    last_submission_at: datetime | None = None

    @property
    def label(self) -> str:
        """The operator's name for it, else its issuer."""
        return self.name or self.issuer


def _per_platform(rows) -> dict[int, int]:
    return {platform_id: count for platform_id, count in rows}


def _by_status(rows) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for platform_id, status, count in rows:
        out.setdefault(platform_id, {})[status] = count
    return out


def activity(db: Database) -> list[PlatformActivity]:
    """Every registered platform's activity, in the order of registration.

    Args:
        db: The tool's database.
    """
    with db.session() as s:
        platforms = s.execute(
            select(Platform.id, Platform.issuer, Platform.client_id, Platform.name).order_by(
                Platform.id
            )
        ).all()
        courses = _per_platform(
            s.execute(select(Context.platform_id, func.count()).group_by(Context.platform_id))
        )
        people = _per_platform(
            s.execute(select(User.platform_id, func.count()).group_by(User.platform_id))
        )
        submitted = (
            select(Context.platform_id, Submission.status, func.count())
            .join(ResourceLink, Submission.resource_link_id == ResourceLink.id)
            .join(Context, ResourceLink.context_id == Context.id)
            .group_by(Context.platform_id, Submission.status)
        )
        submissions = _by_status(s.execute(submitted))
        last = dict(
            s.execute(
                select(Context.platform_id, func.max(Submission.created_at))
                .join(ResourceLink, Submission.resource_link_id == ResourceLink.id)
                .join(Context, ResourceLink.context_id == Context.id)
                .group_by(Context.platform_id)
            ).all()
        )
        scores = _by_status(
            s.execute(
                select(ScoreOutbox.platform_id, ScoreOutbox.status, func.count()).group_by(
                    ScoreOutbox.platform_id, ScoreOutbox.status
                )
            )
        )
        oldest = dict(
            s.execute(
                select(ScoreOutbox.platform_id, func.min(ScoreOutbox.created_at))
                .where(ScoreOutbox.status == "pending")
                .group_by(ScoreOutbox.platform_id)
            ).all()
        )
    now = utcnow()
    return [
        PlatformActivity(
            platform_id=pid,
            issuer=issuer,
            client_id=client_id,
            name=name or "",
            courses=courses.get(pid, 0),
            people=people.get(pid, 0),
            submissions=submissions.get(pid, {}),
            scores=scores.get(pid, {}),
            oldest_pending_score_s=(now - oldest[pid]).total_seconds() if pid in oldest else None,
            last_submission_at=last.get(pid),
        )
        for pid, issuer, client_id, name in platforms
    ]


def table(rows: list[PlatformActivity]) -> str:
    """``denchi lms schools``: one line per platform under a bilingual header (tab-separated,
    so that it pastes into a spreadsheet); times in UTC.

    Args:
        rows: :func:`activity`'s result.
    """
    header = [
        "学校 (LMS) / school",
        "client_id",
        "コース / courses",
        "人 / people",
        "採点待ち / queued",
        "採点中 / grading",
        "採点済み / graded",
        "採点失敗 / failed",
        "未送信の点数 / scores pending",
        "送信失敗 / scores failed",
        "最も古い未送信 [s] / oldest pending [s]",
        "最後の提出 (UTC) / last submission (UTC)",
    ]
    lines = ["\t".join(header)]
    for row in rows:
        oldest = row.oldest_pending_score_s
        last = row.last_submission_at
        lines.append(
            "\t".join(
                str(value)
                for value in (
                    row.label,
                    row.client_id,
                    row.courses,
                    row.people,
                    row.submissions.get("queued", 0),
                    row.submissions.get("grading", 0),
                    row.submissions.get("graded", 0),
                    row.submissions.get("failed", 0),
                    row.scores.get("pending", 0),
                    row.scores.get("failed", 0),
                    "-" if oldest is None else f"{oldest:.0f}",
                    "-" if last is None else last.strftime("%Y-%m-%d %H:%M"),
                )
            )
        )
    return "\n".join(lines)
