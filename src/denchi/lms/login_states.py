"""OIDC login states: kept at the login initiation, read by the login's test request and by the
launch, consumed by the launch that is accepted.

The 1EdTech Security Framework 1.0, section 5.1.1 (OpenID Connect Launch Flow): the tool
answers the third-party login initiation with an authentication request that carries ``state``
(bound to the browser by a cookie, or by platform storage) and ``nonce``; the id_token must
carry that nonce, and a nonce is accepted once only. Here the state is the primary key of a
:class:`~denchi.lms.models.LoginState` row that names its nonce and platform; the row lives
:data:`LOGIN_TTL` and is deleted when its launch is recorded (:func:`consume`, in the launch's
own transaction, :func:`denchi.lms.launches.record_launch`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from denchi.lms import lti
from denchi.lms.models import LoginState, Platform, utcnow
from denchi.lms.sessions import PageError
from denchi.lms.store import new_token, rows_changed

if TYPE_CHECKING:
    from denchi.lms.runtime import Runtime

LOGIN_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class PendingLogin:
    """A login state that has not been used or expired, with what its platform needs."""

    state: str
    nonce: str
    platform_id: int
    platform: lti.PlatformRef  # what the id_token checks need
    auth_login_url: str  # the platform's OIDC authorization endpoint


def platform_ref(platform: Platform) -> lti.PlatformRef:
    """What the id_token checks and the deep-linking response need of a registered platform.

    Args:
        platform: The registered LMS (with its deployments loaded).
    """
    return lti.PlatformRef(
        platform.issuer,
        platform.client_id,
        platform.jwks_url,
        frozenset(d.deployment_id for d in platform.deployments),
    )


def _pending(row: LoginState, platform: Platform) -> PendingLogin:
    return PendingLogin(
        row.state, row.nonce, platform.id, platform_ref(platform), platform.auth_login_url
    )


def _find_platform(s: Session, issuer: str, client_id: str | None) -> Platform:
    query = select(Platform).where(Platform.issuer == issuer)
    if client_id:
        query = query.where(Platform.client_id == client_id)
    platforms = s.scalars(query.options(selectinload(Platform.deployments))).all()
    if len(platforms) != 1:
        raise PageError(
            "login",
            "この LMS は登録されていません。" if not platforms else "client_id が必要です。",
            f"Unknown platform {issuer!r}/{client_id!r}."
            if not platforms
            else "Several registrations share this issuer; the login must name the client_id.",
            status=400,
        )
    return platforms[0]


def begin(rt: Runtime, state: str, issuer: str, client_id: str | None) -> PendingLogin:
    """Keep a new login state ``state`` (made by the caller: its form says whether platform
    storage is used) with a fresh nonce for the registered platform ``issuer``/``client_id``;
    one transaction.

    Args:
        rt: The tool instance.
        state: The new login state (the OIDC ``state`` parameter; OIDC Core 3.1.2.1).
        issuer: The platform's issuer (``iss`` of the login initiation).
        client_id: The ``client_id`` of the login initiation, if the platform sent one.

    Raises:
        PageError: code ``login`` (400) when no registered platform, or several without a
            ``client_id``, match.
    """
    with rt.db.session() as s:
        platform = _find_platform(s, issuer, client_id)
        row = LoginState(
            state=state, nonce=new_token(), platform_id=platform.id, expires_at=utcnow() + LOGIN_TTL
        )
        s.add(row)
        return _pending(row, platform)


def pending(rt: Runtime, state: str) -> PendingLogin:
    """The unexpired, unused login state ``state`` and its platform; one read.

    Args:
        rt: The tool instance.
        state: The login state the launch returned.

    Raises:
        PageError: code ``state``, status 401, when it was used already or has expired.
    """
    with rt.db.session() as s:
        row = s.get(LoginState, state)
        if row is None or row.expires_at < utcnow():
            raise PageError(
                "state",
                "この起動はすでに使われたか、期限が切れています。",
                "This launch was used already or has expired.",
                status=401,
            )
        platform = s.scalars(
            select(Platform)
            .where(Platform.id == row.platform_id)
            .options(selectinload(Platform.deployments))
        ).one()
        return _pending(row, platform)


def consume(s: Session, state: str) -> None:
    """Delete the login state ``state`` in the caller's transaction ``s``: of two launches
    racing with the same state only one deletes the row, and only its transaction goes on.

    Args:
        s: The launch's database session (its transaction).
        state: The login state the launch returned.

    Raises:
        PageError: code ``state``, status 401, when the row is gone (used already).
    """
    if rows_changed(s, delete(LoginState).where(LoginState.state == state)) != 1:
        raise PageError(
            "state", "この起動はすでに使われました。", "This launch was used already.", status=401
        )
