"""The one-time tokens of the new-window hand-off (the routes and the decision are in
:mod:`denchi.lms.handoff`): made with a launch's session, deleted when the session cookie came
back, claimed once within :data:`HANDOFF_TTL` by the new window.

A token is ``<session id>.<random>``; the hash of ``handoff:<token>`` is stored as a
:class:`~denchi.lms.models.BrowserSession` row of the launch's user that expires after
:data:`HANDOFF_TTL`, so it is never a session cookie itself (different hash input).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from denchi.lms.models import BrowserSession, utcnow
from denchi.lms.store import new_token, rows_changed, token_hash

if TYPE_CHECKING:
    from denchi.lms.runtime import Runtime

HANDOFF_TTL = timedelta(seconds=60)


def _handoff_hash(token: str) -> str:
    return token_hash(f"handoff:{token}")


def new_handoff(s: Session, session_id: int, user_id: int) -> str:
    """A fresh hand-off token for the session ``session_id`` of ``user_id``, stored in the
    caller's transaction ``s`` (the launch's own).

    Args:
        s: The launch's database session (its transaction).
        session_id: The launch's browser session (row id), named in the token.
        user_id: The launched user's row id.
    """
    token = f"{session_id}.{new_token()}"
    s.add(
        BrowserSession(
            token_hash=_handoff_hash(token),
            csrf_token=new_token(16),
            user_id=user_id,
            expires_at=utcnow() + HANDOFF_TTL,
        )
    )
    return token


def cookie_came_back(rt: Runtime, user_id: int | None, token: str) -> bool:
    """At the test request after a launch: whether the session cookie (of ``user_id``, None
    when no valid one came back) belongs to the hand-off ``token``'s user or the token is
    unknown; then the unused token is deleted. One transaction.

    Args:
        rt: The tool instance.
        user_id: The user of the session cookie that came back, or ``None``.
        token: The hand-off token of the launch.
    """
    if user_id is None:
        return False
    with rt.db.session() as s:
        owner = s.scalars(
            select(BrowserSession.user_id).where(BrowserSession.token_hash == _handoff_hash(token))
        ).first()
        if owner is not None and owner != user_id:
            return False
        s.execute(delete(BrowserSession).where(BrowserSession.token_hash == _handoff_hash(token)))
        return True


def claim(rt: Runtime, token: str) -> str | None:
    """In the new window: claim ``token`` once, within :data:`HANDOFF_TTL`, and give the
    launch's own session (named in the token) a new cookie value, which is returned; None
    when the token is unknown, used or expired. One DELETE decides between two racing
    claims.

    Args:
        rt: The tool instance.
        token: The hand-off token (``<session id>.<random>``).
    """
    cookie = new_token()
    session_id = token.partition(".")[0]
    with rt.db.session() as s:
        row = s.scalars(
            select(BrowserSession).where(
                BrowserSession.token_hash == _handoff_hash(token),
                BrowserSession.expires_at > utcnow(),
            )
        ).first()
        if row is None or not session_id.isdigit():
            return None
        if rows_changed(s, delete(BrowserSession).where(BrowserSession.id == row.id)) != 1:
            return None
        moved = rows_changed(
            s,
            update(BrowserSession)
            .where(
                BrowserSession.id == int(session_id),
                BrowserSession.user_id == row.user_id,
                BrowserSession.expires_at > utcnow(),
            )
            .values(token_hash=token_hash(cookie)),
        )
    return cookie if moved == 1 else None
