"""Scores on their way to the LMS: stored first, delivered by a worker, retried with
exponential back-off while the LMS is down, never lost and never sent twice.

A row is claimed with a conditional UPDATE (works on SQLite and PostgreSQL, with any number of
workers), and each payload carries the timestamp of the moment it was made, so that even a
retry after a crash between "LMS accepted" and "marked sent" cannot change the gradebook twice
(AGS platforms ignore a score whose timestamp is not newer than the one they hold). A newer
score for the same learner and resource link supersedes older undelivered ones.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from denchi.lms import lti
from denchi.lms.models import Context, Platform, ResourceLink, ScoreOutbox, User, utcnow
from denchi.lms.services import ServiceClient, ServiceError, ServiceTarget
from denchi.lms.store import Database, rows_changed

log = logging.getLogger(__name__)


def iso_timestamp(moment: datetime) -> str:
    """ISO 8601 with milliseconds and the UTC offset, as an AGS score's ``timestamp`` is
    written (1EdTech AGS 2.0, "Score publish service": "timestamp").

    Args:
        moment: A timezone-aware time.
    """
    return moment.isoformat(timespec="milliseconds")


class _ScoreFields(TypedDict):
    userId: str
    activityProgress: str
    gradingProgress: str
    timestamp: str


class ScorePayload(_ScoreFields, total=False):
    """The JSON body of an AGS score (``application/vnd.ims.lis.v1.score+json``)."""

    scoreGiven: float
    scoreMaximum: float
    comment: str


def score_payload(
    user: User,
    *,
    activity: str,
    grading: str,
    score: float | None = None,
    maximum: float | None = None,
    comment: str | None = None,
) -> ScorePayload:
    """An AGS score; ``scoreGiven`` only when there is a grade (1EdTech AGS 2.0, "Score
    publish service": without ``scoreGiven`` the platform holds no score for the learner).

    Args:
        user: The learner (their ``sub`` is the score's ``userId``).
        activity: ``activityProgress`` (``Submitted``, ``Completed`` …).
        grading: ``gradingProgress`` (``Pending``, ``FullyGraded``, ``PendingManual``,
            ``Failed`` …).
        score: The points given (``scoreGiven``); with ``maximum`` only.
        maximum: The assignment's points (``scoreMaximum``).
        comment: A comment the gradebook shows (left out when empty).
    """
    payload: ScorePayload = {
        "userId": user.sub,
        "activityProgress": activity,
        "gradingProgress": grading,
        "timestamp": iso_timestamp(utcnow()),
    }
    if score is not None and maximum is not None:
        payload["scoreGiven"], payload["scoreMaximum"] = score, maximum
    if comment:
        payload["comment"] = comment
    return payload


def enqueue(
    session: Session,
    link: ResourceLink,
    user: User,
    payload: ScorePayload,
    submission_id: str | None,
) -> ScoreOutbox:
    """Store a score for delivery; older undelivered scores of the same pair are superseded.

    Args:
        session: The open transaction the score is stored in (with the grade it reports).
        link: The resource link (with its context loaded).
        user: The learner.
        payload: The score (:func:`score_payload`).
        submission_id: The submission it reports (None for a score of no submission).
    """
    session.execute(
        update(ScoreOutbox)
        .where(
            ScoreOutbox.resource_link_id == link.id,
            ScoreOutbox.user_id == user.id,
            ScoreOutbox.status.in_(("pending", "failed")),
        )
        .values(status="superseded")
    )
    row = ScoreOutbox(
        platform_id=link.context.platform_id,
        resource_link_id=link.id,
        user_id=user.id,
        submission_id=submission_id,
        payload=dict(payload),
    )
    session.add(row)
    return row


@dataclass(frozen=True)
class OutboxPolicy:
    """How deliveries are retried: at most ``max_attempts`` tries, waiting ``base_delay_s``
    doubled per failure up to ``max_delay_s`` [s], a row claimed for ``claim_s`` [s]."""

    max_attempts: int = 12
    base_delay_s: float = 30.0
    max_delay_s: float = 3600.0
    claim_s: float = 120.0

    def delay(self, attempts: int) -> timedelta:
        """Exponential back-off with jitter: base × 2^(attempts-1), capped, times a random
        factor between 0.8 and 1.2.

        Args:
            attempts: The failed attempts so far (1 after the first failure).
        """
        seconds = min(self.base_delay_s * 2 ** max(attempts - 1, 0), self.max_delay_s)
        return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def _claim(db: Database, policy: OutboxPolicy) -> int | None:
    now = utcnow()
    with db.session() as s:
        candidates = s.scalars(
            select(ScoreOutbox.id)
            .where(
                ScoreOutbox.status == "pending",
                ScoreOutbox.next_attempt_at <= now,
                (ScoreOutbox.claimed_until.is_(None)) | (ScoreOutbox.claimed_until < now),
            )
            .order_by(ScoreOutbox.id)
            .limit(20)
        ).all()
        for row_id in candidates:
            claimed = rows_changed(
                s,
                update(ScoreOutbox)
                .where(
                    ScoreOutbox.id == row_id,
                    ScoreOutbox.status == "pending",
                    (ScoreOutbox.claimed_until.is_(None)) | (ScoreOutbox.claimed_until < now),
                )
                .values(claimed_until=now + timedelta(seconds=policy.claim_s)),
            )
            if claimed == 1:
                return row_id
    return None


def service_target(platform: Platform) -> ServiceTarget:
    """What the service client needs of a registered platform.

    Args:
        platform: The registered LMS.
    """
    return ServiceTarget(
        platform.id, platform.client_id, platform.auth_token_url, platform.token_audience
    )


def lineitem_for(
    db: Database, client: ServiceClient, link_id: int, points: Callable[[str], float]
) -> str:
    """The resource link's line item: from the launch, else found or created through AGS with
    the assignment's points (``points(assignment id)``) as its maximum, whichever score (a
    "Submitted" without a maximum, or a grade) happens to be the first to need it.

    Args:
        db: The tool's database (the found URL is kept on the link).
        client: The service client.
        link_id: The resource link's row id.
        points: The points of an assignment, by its id.

    Raises:
        ServiceError: the LMS offers no line items for the course (not retryable), or the
            line item service failed or could not be asked
            (:meth:`ServiceClient.find_or_create_lineitem`).
        sqlalchemy.exc.NoResultFound: no resource link ``link_id``.
    """
    with db.session() as s:
        link = s.get_one(ResourceLink, link_id)
        if link.lineitem_url:
            return link.lineitem_url
        context: Context = link.context
        platform = s.get_one(Platform, context.platform_id)
        lineitems_url = context.lineitems_url
        if not lineitems_url or lti.SCOPE_LINEITEM not in context.ags_scopes:
            raise ServiceError("the LMS offers no line items for this course", retryable=False)
        target = service_target(platform)
        resource_link_id, resource_id = link.resource_link_id, link.target
        label = link.title or link.target
        score_maximum = points(link.target)
        scopes = tuple(context.ags_scopes)
    url = client.find_or_create_lineitem(
        target,
        lineitems_url,
        resource_link_id=resource_link_id,
        resource_id=resource_id,
        label=label,
        score_maximum=score_maximum,
        scopes=scopes,
    )
    with db.session() as s:
        s.get_one(ResourceLink, link_id).lineitem_url = url
    return url


def _deliver(
    db: Database, client: ServiceClient, row_id: int, points: Callable[[str], float]
) -> None:
    with db.session() as s:
        row = s.get_one(ScoreOutbox, row_id)
        link_id, payload = row.resource_link_id, dict(row.payload)
        platform = s.get_one(Platform, row.platform_id)
        target = service_target(platform)
        scopes = tuple(s.get_one(ResourceLink, link_id).context.ags_scopes) or (lti.SCOPE_SCORE,)
    lineitem = lineitem_for(db, client, link_id, points)
    client.post_score(target, lineitem, payload, scopes)


def deliver_due(
    db: Database, client: ServiceClient, policy: OutboxPolicy, points: Callable[[str], float]
) -> int:
    """Deliver every score that is due now; returns how many reached the LMS.

    A failed delivery is not raised: it is recorded on its row (``last_error``) and retried
    after :meth:`OutboxPolicy.delay`, or marked failed when the error is not retryable or the
    attempts are used up.

    Args:
        db: The tool's database.
        client: The service client.
        policy: The retry policy.
        points: The points of an assignment, by its id: the maximum of a line item the tool
            has to create.
    """
    delivered = 0
    while (row_id := _claim(db, policy)) is not None:
        try:
            _deliver(db, client, row_id, points)
        except Exception as exc:  # every failure is recorded with its reason and retried
            if not isinstance(exc, ServiceError):
                log.exception("delivering score %s failed", row_id)
                exc = ServiceError(f"{type(exc).__name__}: {exc}")
            with db.session() as s:
                row = s.get_one(ScoreOutbox, row_id)
                row.attempts += 1
                row.last_error = str(exc)[:2000]
                row.claimed_until = None
                if not exc.retryable or row.attempts >= policy.max_attempts:
                    row.status = "failed"
                else:
                    row.next_attempt_at = utcnow() + policy.delay(row.attempts)
            continue
        with db.session() as s:
            row = s.get_one(ScoreOutbox, row_id)
            row.status, row.sent_at, row.claimed_until = "sent", utcnow(), None
            row.attempts += 1
        delivered += 1
    return delivered


def retry_failed(db: Database, link_id: int) -> int:
    """An instructor's "send again": failed rows of a resource link become due now.
    Returns how many.

    Args:
        db: The tool's database.
        link_id: The resource link's row id.
    """
    with db.session() as s:
        return rows_changed(
            s,
            update(ScoreOutbox)
            .where(ScoreOutbox.resource_link_id == link_id, ScoreOutbox.status == "failed")
            .values(status="pending", attempts=0, next_attempt_at=utcnow(), claimed_until=None),
        )
