"""Housekeeping: delete the short-lived rows that can never be used again (issue 11 item 6,
issue 21 "Old sessions and login states are cleaned up").

One function, :func:`sweep`, run on a schedule by both queues: the embedded queue's background
thread (every :data:`EMBEDDED_INTERVAL_S`) and procrastinate's periodic ``denchi.sweep`` task
(every minute, :mod:`denchi.lms.jobs`). It deletes

- OIDC login states past their 10 minutes (a launch deletes its own; these were abandoned);
- browser sessions past ``session_hours``, and the new-window hand-off tokens of
  :mod:`denchi.lms.handoff` (session rows that live 60 s) past theirs;
- deep-linking requests past their hour, or whose session has gone (they belong to it);
- dynamic-registration tokens that have expired, or were used more than
  :data:`REGISTRATION_GRACE` ago (a failed registration gives its token back, so a token in use
  a moment ago is kept).

Submissions, scores, users and courses are never deleted here: they are the class's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from denchi.lms.models import (
    BrowserSession,
    DeepLinkRequest,
    LoginState,
    RegistrationToken,
    utcnow,
)
from denchi.lms.store import Database, rows_changed

# longer than any dynamic registration takes (two HTTP exchanges with the LMS, each at most
# http_timeout_s), so a token is never deleted under a registration that may give it back
REGISTRATION_GRACE = timedelta(hours=1)
EMBEDDED_INTERVAL_S = 600.0


@dataclass(frozen=True)
class Swept:
    """How many rows of each kind one sweep deleted."""

    login_states: int = 0
    sessions: int = 0
    deep_link_requests: int = 0
    registration_tokens: int = 0


def sweep(db: Database, now: datetime | None = None) -> Swept:
    """Delete what has expired (or was used) by ``now`` (default: the current UTC time), in one
    transaction; returns the counts. Safe to run in several processes at once (each DELETE
    removes a row once; a row another process deleted is simply not counted).

    Args:
        db: The tool's database.
        now: The time to compare expiry times with (timezone-aware).
    """
    now = now or utcnow()
    with db.session() as s:
        dead_sessions = select(BrowserSession.id).where(BrowserSession.expires_at <= now)
        deep_link_requests = rows_changed(
            s,
            delete(DeepLinkRequest).where(
                or_(
                    DeepLinkRequest.expires_at <= now, DeepLinkRequest.session_id.in_(dead_sessions)
                )
            ),
        )
        sessions = rows_changed(s, delete(BrowserSession).where(BrowserSession.expires_at <= now))
        login_states = rows_changed(s, delete(LoginState).where(LoginState.expires_at <= now))
        registration_tokens = rows_changed(
            s,
            delete(RegistrationToken).where(
                or_(
                    RegistrationToken.expires_at <= now,
                    RegistrationToken.used_at <= now - REGISTRATION_GRACE,
                )
            ),
        )
    return Swept(login_states, sessions, deep_link_requests, registration_tokens)
