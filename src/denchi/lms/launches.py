"""Record a validated launch: its user, course, role and resource link (or deep-linking
request), a browser session, the hand-off token of its test request, and the tool's path the
browser goes to next; with the login state it used consumed, all in one transaction.

The claims come from :func:`denchi.lms.lti.validate_id_token`; nothing here reads a request.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from denchi.lms import handoff_tokens, login_states, lti
from denchi.lms.models import Context, DeepLinkRequest, ResourceLink, utcnow
from denchi.lms.roster import upsert_membership, upsert_user
from denchi.lms.sessions import PageError, link_target, start_session
from denchi.lms.store import new_token
from denchi.lms.targets import KIND, TARGET, launch_url_parameters

if TYPE_CHECKING:
    from denchi.lms.runtime import Runtime

DEEP_LINK_TTL = timedelta(hours=1)


@dataclass(frozen=True)
class Landing:
    """Where a recorded launch sends the browser."""

    user_id: int
    role: str  # the tool's role of the user in this course (lti.map_role)
    session_token: str  # the value of the new session cookie
    session_id: int  # that session's row (a new-window hand-off carries it: lms/handoff.py)
    path: str  # the tool's path: "/r/<link id>" or "/lti/deep-link?request=<id>"
    handoff: str  # the one-time token of the test request (lms/handoff_tokens.py)


def _record_people(s: Session, platform_id: int, claims: dict, role: str) -> tuple[int, int]:
    """Store user, course and membership from a verified launch; returns (user, context).
    A launch without a context claim (it is optional) gets one course per deployment."""
    context_claim = claims.get(lti.CONTEXT) or {"id": f"deployment:{claims[lti.DEPLOYMENT_ID]}"}
    user = upsert_user(s, platform_id, str(claims["sub"]), claims)
    context = s.scalars(
        select(Context).where(
            Context.platform_id == platform_id, Context.context_id == str(context_claim["id"])
        )
    ).first()
    if context is None:
        context = Context(
            platform_id=platform_id,
            context_id=str(context_claim["id"]),
            deployment_id=claims[lti.DEPLOYMENT_ID],
        )
        s.add(context)
    context.title = str(context_claim.get("title") or context_claim.get("label") or "")
    if nrps := claims.get(lti.NRPS):
        context.memberships_url = nrps.get("context_memberships_url")
    if ags := claims.get(lti.AGS_ENDPOINT):
        context.lineitems_url = ags.get("lineitems") or context.lineitems_url
        context.ags_scopes = list(ags.get("scope", []))
    s.flush()
    upsert_membership(s, context.id, user.id, role, active=True)
    return user.id, context.id


def _resource_link(s: Session, rt: Runtime, context_id: int, claims: dict) -> int:
    """The resource link of a launch, created at its first launch from the custom parameters
    ``denchi_kind``/``denchi_target`` that deep linking put there, or else from the same
    parameters in the query of the launch's ``target_link_uri`` (a course cartridge's link,
    :func:`denchi.lms.targets.launch_url_parameters`).

    Raises:
        PageError: code ``link`` (400) when the link names nothing the catalog offers.
    """
    link_claim = claims[lti.RESOURCE_LINK]
    custom = claims.get(lti.CUSTOM) or {}
    ags = claims.get(lti.AGS_ENDPOINT) or {}
    link = s.scalars(
        select(ResourceLink).where(
            ResourceLink.context_id == context_id,
            ResourceLink.resource_link_id == str(link_claim["id"]),
        )
    ).first()
    if link is None:
        kind, target = custom.get(KIND), custom.get(TARGET)
        if kind is None and target is None:
            kind, target = launch_url_parameters(
                claims.get(lti.TARGET_LINK_URI), rt.config.url("/lti/launch")
            )
        link = ResourceLink(
            context_id=context_id,
            resource_link_id=str(link_claim["id"]),
            kind=str(kind),
            target=link_target(rt, kind, target),
        )
        s.add(link)
    else:
        link_target(rt, link.kind, link.target)
    link.title = str(link_claim.get("title") or link.title or link.target)
    if ags.get("lineitem"):
        link.lineitem_url = ags["lineitem"]
    s.flush()
    return link.id


def _keep_deep_link_request(s: Session, session_id: int, platform_id: int, claims: dict) -> str:
    """Keep the deep-linking request for the picker (an hour); returns its id."""
    request_id = new_token()
    s.add(
        DeepLinkRequest(
            id=request_id,
            session_id=session_id,
            platform_id=platform_id,
            claims=claims,
            expires_at=utcnow() + DEEP_LINK_TTL,
        )
    )
    return request_id


def _retrying(rt: Runtime, platform_id: int, claims: dict, state: str | None) -> Landing:
    """Run the launch's transaction again when a concurrent launch created the same row first
    (a whole class opening a new course's link at once); the second try finds the row."""
    for _ in range(2):
        try:
            return _record(rt, platform_id, claims, state)
        except IntegrityError:
            pass
    return _record(rt, platform_id, claims, state)


def _record(rt: Runtime, platform_id: int, claims: dict, state: str | None) -> Landing:
    """The launch's unit of work: one transaction."""
    role = lti.map_role(claims[lti.ROLES])
    with rt.db.session() as s:
        if state is not None:
            login_states.consume(s, state)
        user_id, context_id = _record_people(s, platform_id, claims, role)
        if claims[lti.MESSAGE_TYPE] == lti.DEEP_LINKING_REQUEST:
            if role != "instructor":
                raise PageError(
                    "role",
                    "教材を追加できるのは先生だけです。",
                    "Only instructors can add content.",
                    status=403,
                )
            token, session_id = start_session(s, rt.config.session_hours, user_id)
            request_id = _keep_deep_link_request(s, session_id, platform_id, claims)
            path = f"/lti/deep-link?request={request_id}"
        else:
            link_id = _resource_link(s, rt, context_id, claims)
            token, session_id = start_session(s, rt.config.session_hours, user_id)
            path = f"/r/{link_id}"
        handoff = handoff_tokens.new_handoff(s, session_id, user_id)
        return Landing(user_id, role, token, session_id, path, handoff)


def record_launch(
    rt: Runtime, platform_id: int, claims: dict, *, state: str | None = None
) -> Landing:
    """Record a launch whose id_token passed every check, in one transaction: the login state
    ``state`` consumed (when given), the user, course and membership (updated, never
    duplicated, on the next launch), then the resource link or the deep-linking request, a
    new browser session and the hand-off token of the launch's test request. The transaction
    runs again when a concurrent launch made the same row first (PostgreSQL's unique
    constraints). A refused launch still uses up its state, in a transaction of its own.

    Args:
        rt: The tool instance.
        platform_id: The row id of the platform that signed the id_token.
        claims: The id_token's validated claims (:func:`denchi.lms.lti.validate_id_token`).
        state: The login state the launch answers (consumed in the launch's transaction), or
            ``None`` when the caller consumed it.

    Raises:
        PageError: code ``state`` (401) when the state was used already (of two racing
            launches only one is recorded); code ``role`` (403) when someone other than an
            instructor asks to add content (deep linking); code ``link`` (400) when the
            resource link names nothing the catalog offers. Nothing of the launch is recorded
            then.
    """
    try:
        return _retrying(rt, platform_id, claims, state)
    except Exception as exc:
        if state is not None and not (isinstance(exc, PageError) and exc.code == "state"):
            with contextlib.suppress(SQLAlchemyError, PageError), rt.db.session() as s:
                login_states.consume(s, state)
        raise
