"""Submissions of a resource link: store an upload, the rows of the learner's and the
instructor's pages, the latest submission per learner, re-grading, the zip and the grade table.

Callers pass the session's user id and the resource link they authorized; nothing here reads a
request.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import nbformat
from sqlalchemy import select, update

from denchi.grading.labels import status_ja
from denchi.lms import outbox
from denchi.lms.models import Membership, ResourceLink, ScoreOutbox, Submission, User
from denchi.lms.sessions import PageError

if TYPE_CHECKING:
    from denchi.lms.runtime import Runtime

DELIVERY_JA = {
    "pending": "送信待ち",
    "sent": "送信済み",
    "failed": "送信失敗",
    "superseded": "新しい点数で置き換え",
}
GRADE_COLUMNS = [
    "氏名",
    "メールアドレス",
    "LMS ユーザーID",
    "学生ID",
    "得点",
    "満点",
    "提出日時",
    "状態",
]


def _local_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


def _view(sub: Submission) -> dict:
    return {
        "id": sub.id,
        "created": _local_time(sub.created_at),
        "status": sub.status,
        "status_ja": status_ja(sub.status),  # the words of denchi grade (grading.labels)
        "score": None if sub.score is None else f"{sub.score:g}",
        "max_score": None if sub.max_score is None else f"{sub.max_score:g}",
        "has_feedback": bool(sub.feedback_html),
        "error": sub.error,
    }


def store(
    rt: Runtime,
    user_id: int,
    link: ResourceLink,
    notebook: nbformat.NotebookNode,
    filename: str,
    size: int,
) -> None:
    """Record the notebook (re-serialised; ``size`` in bytes as uploaded) for grading and tell
    the LMS it was submitted (through the outbox).

    Args:
        rt: The tool instance.
        user_id: The learner's row id.
        link: The resource link handed in to.
        notebook: The checked notebook (:func:`denchi.lms.uploads.read_notebook`).
        filename: The uploaded file's name (kept to 200 characters; never used as a path).
        size: The upload's size [bytes].
    """
    with rt.db.session() as s:
        sub = Submission(
            id=str(uuid.uuid4()),
            user_id=user_id,
            resource_link_id=link.id,
            assignment=link.target,
            notebook=nbformat.writes(notebook),
            original_name=filename[:200],
            size=size,
        )
        s.add(sub)
        s.flush()
        payload = outbox.score_payload(sub.user, activity="Submitted", grading="Pending")
        outbox.enqueue(s, sub.resource_link, sub.user, payload, sub.id)


def learner_rows(rt: Runtime, link_id: int, user_id: int) -> list[dict]:
    """One learner's submissions to a link, newest first, as the learner's page shows them.

    Args:
        rt: The tool instance.
        link_id: The resource link's row id.
        user_id: The learner's row id.
    """
    with rt.db.session() as s:
        subs = s.scalars(
            select(Submission)
            .where(Submission.resource_link_id == link_id, Submission.user_id == user_id)
            .order_by(Submission.created_at.desc())
        ).all()
        return [_view(sub) for sub in subs]


def feedback_of(rt: Runtime, submission_id: str, user_id: int) -> tuple[bool, int | None, str]:
    """Whether ``user_id`` owns the submission, its resource link (None: no such submission)
    and its feedback HTML ("" before grading).

    Args:
        rt: The tool instance.
        submission_id: The submission's id (from the URL).
        user_id: The user asking.
    """
    with rt.db.session() as s:
        sub = s.get(Submission, submission_id)
        if sub is None:
            return False, None, ""
        return sub.user_id == user_id, sub.resource_link_id, sub.feedback_html or ""


def latest_by_user(rt: Runtime, link_id: int) -> tuple[dict[int, Submission], dict[int, int]]:
    """The latest submission to a link per user id, and how many each user made.

    Args:
        rt: The tool instance.
        link_id: The resource link's row id.
    """
    with rt.db.session() as s:
        subs = s.scalars(
            select(Submission)
            .where(Submission.resource_link_id == link_id)
            .order_by(Submission.created_at)
        ).all()
    latest: dict[int, Submission] = {}
    counts: dict[int, int] = {}
    for sub in subs:
        latest[sub.user_id] = sub
        counts[sub.user_id] = counts.get(sub.user_id, 0) + 1
    return latest, counts


def _delivery_view(row: ScoreOutbox | None) -> dict:
    """The latest score's way to the LMS, with the last error while it is not delivered."""
    if row is None:
        return {"status_ja": "—", "error": None, "attempts": 0}
    return {
        "status_ja": DELIVERY_JA.get(row.status, row.status),
        "error": row.last_error if row.status in ("pending", "failed") else None,
        "attempts": row.attempts,
    }


def class_list(rt: Runtime, link: ResourceLink) -> list[dict]:
    """A row per active learner of the link's course and per other user who submitted, by
    name: the latest submission, the number of submissions, the score's delivery.

    Args:
        rt: The tool instance.
        link: The resource link.
    """
    latest, counts = latest_by_user(rt, link.id)
    with rt.db.session() as s:
        learners = s.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.context_id == link.context_id,
                Membership.role == "learner",
                Membership.active.is_(True),
            )
        ).all()
        users = {u.id: u for u in learners}
        for user_id in set(latest) - set(users):
            users[user_id] = s.get_one(User, user_id)
        deliveries = {
            row.user_id: row
            for row in s.scalars(
                select(ScoreOutbox)
                .where(ScoreOutbox.resource_link_id == link.id)
                .order_by(ScoreOutbox.id)
            )
        }
    rows = []
    for user in sorted(users.values(), key=lambda u: (u.family_name, u.given_name, u.name)):
        sub = latest.get(user.id)
        rows.append(
            {
                "user": user,
                "name": user.name or user.sub,
                "email": user.email,
                "submission": _view(sub) if sub else None,
                "count": counts.get(user.id, 0),
                "delivery": _delivery_view(deliveries.get(user.id)),
            }
        )
    return rows


def regrade(rt: Runtime, link_id: int, submission_id: str | None = None) -> int:
    """Queue the latest submission of every learner of a link (or only ``submission_id``, if
    it is one of them) for grading again; returns how many were queued.

    Args:
        rt: The tool instance.
        link_id: The resource link's row id.
        submission_id: Only this submission (from the form); None: every learner's latest.
    """
    latest, _ = latest_by_user(rt, link_id)
    chosen = [s.id for s in latest.values()]
    if submission_id:
        chosen = [sid for sid in chosen if sid == submission_id]
    with rt.db.session() as s:
        s.execute(
            update(Submission)
            .where(Submission.id.in_(chosen))
            .values(status="queued", attempts=0, claimed_until=None)
        )
    return len(chosen)


def notebook_name(rt: Runtime, link: ResourceLink) -> str:
    """The file name of the notebook learners hand in to ``link`` (its assignment's).

    Args:
        rt: The tool instance.
        link: The resource link.

    Raises:
        PageError: code ``notebook`` (404): the link is a page's, or its assignment has no
            source notebook now (it left the catalog or its files are gone).
    """
    names = rt.grader.notebook_names(link.target)
    if not names:
        raise PageError(
            "notebook",
            "このリンクには、提出するノートブックがありません（読むページへのリンクか、課題が"
            "教材から外されました）。",
            "This link has no notebook to hand in (it links a page, or its assignment left the"
            " courseware).",
            status=404,
        )
    return names[0]


def latest_zip(rt: Runtime, link: ResourceLink) -> bytes:
    """A zip of every learner's latest notebook as ``<student key>/<notebook name>``.

    Args:
        rt: The tool instance.
        link: The resource link (an assignment's).

    Raises:
        PageError: code ``notebook`` (404): the link has no assignment notebook
            (:func:`notebook_name`).
    """
    name = notebook_name(rt, link)
    latest, _ = latest_by_user(rt, link.id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, rt.db.session() as s:
        for user_id, sub in latest.items():
            key = s.get_one(User, user_id).student_key
            archive.writestr(f"{key}/{name}", sub.notebook)
    return buffer.getvalue()


def grade_rows(rt: Runtime, link: ResourceLink) -> list[list]:
    """The class list as rows under :data:`GRADE_COLUMNS` (scores of latest submissions, in
    points).

    Args:
        rt: The tool instance.
        link: The resource link.
    """
    rows = []
    for row in class_list(rt, link):
        sub, user = row["submission"] or {}, row["user"]
        rows.append(
            [
                row["name"],
                user.email,
                user.sub,
                user.student_key,
                sub.get("score") or "",
                sub.get("max_score") or "",
                sub.get("created", ""),
                sub.get("status_ja", "未提出"),
            ]
        )
    return rows
