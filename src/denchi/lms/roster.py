"""People: users and their course roles from launches and from Names and Roles, and the roster
pushed into the nbgrader gradebook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from denchi.lms import lti
from denchi.lms.models import Context, Membership, Platform, User
from denchi.lms.outbox import service_target
from denchi.lms.services import ServiceError
from denchi.lms.store import token_hash

if TYPE_CHECKING:
    from denchi.lms.runtime import Runtime

PERSON_FIELDS = ("name", "given_name", "family_name", "email")


def upsert_user(s: Session, platform_id: int, sub: str, person: dict) -> User:
    """The user ``sub`` of a platform, created if new; names and email updated if given.

    Args:
        s: The open session.
        platform_id: The platform's row id.
        sub: The user's id at the platform (the id_token's ``sub``, NRPS's ``user_id``).
        person: Claims or an NRPS member: its ``name``, ``given_name``, ``family_name`` and
            ``email`` are kept when present (LTI 1.3 Core, "User identity claims").
    """
    user = s.scalars(select(User).where(User.platform_id == platform_id, User.sub == sub)).first()
    if user is None:
        # the nbgrader student id: stable, short, safe as a folder name
        key = "s" + token_hash(f"{platform_id}|{sub}")[:15]
        user = User(platform_id=platform_id, sub=sub, student_key=key)
        s.add(user)
    for field in PERSON_FIELDS:
        if person.get(field):
            setattr(user, field, str(person[field]))
    s.flush()
    return user


def upsert_membership(s: Session, context_id: int, user_id: int, role: str, active: bool) -> None:
    """Record a user's role in a course, created if new.

    Args:
        s: The open session.
        context_id: The course's row id.
        user_id: The user's row id.
        role: ``learner`` or ``instructor`` (:func:`denchi.lms.lti.map_role`).
        active: Whether the membership is active (NRPS ``status`` ``Active``).
    """
    membership = s.scalars(
        select(Membership).where(Membership.context_id == context_id, Membership.user_id == user_id)
    ).first()
    if membership is None:
        membership = Membership(context_id=context_id, user_id=user_id, role=role)
        s.add(membership)
    membership.role, membership.active = role, active


def teaches_somewhere(rt: Runtime, user_id: int) -> bool:
    """Whether the user ``user_id`` is an active instructor of at least one course.

    Args:
        rt: The tool instance.
        user_id: The user's row id.
    """
    with rt.db.session() as s:
        teaching = s.scalars(
            select(Membership.id)
            .where(
                Membership.user_id == user_id,
                Membership.role == "instructor",
                Membership.active.is_(True),
            )
            .limit(1)
        ).first()
    return teaching is not None


def sync_roster(rt: Runtime, context_id: int) -> int:
    """Fetch the members of a course through NRPS; returns the number of members.

    Members with a ``user_id`` are stored with their role; the course's memberships the
    answer leaves out become inactive; the active learners go to the nbgrader gradebook
    (1EdTech NRPS 2.0, "Membership container media type").

    Args:
        rt: The tool instance.
        context_id: The course's row id.

    Raises:
        ServiceError: the LMS offers no Names and Roles service for the course (not
            retryable), or the membership service failed, answered malformed members or could
            not be asked for want of a readable signing key
            (:meth:`denchi.lms.services.ServiceClient.memberships`).
        sqlalchemy.exc.NoResultFound: no course ``context_id``.
        OutsideDataDir: the gradebook's path leads out of the data folder
            (:meth:`denchi.lms.grader.Grader.sync_students`).
    """
    with rt.db.session() as s:
        context = s.get_one(Context, context_id)
        url, platform_id = context.memberships_url, context.platform_id
        if not url:
            raise ServiceError("the LMS offers no Names and Roles service here", retryable=False)
        target = service_target(s.get_one(Platform, platform_id))
    members = rt.services.memberships(target, url, (lti.SCOPE_NRPS,))
    learners = []
    with rt.db.session() as s:
        seen = set()
        for member in members:
            if not member.get("user_id"):
                continue
            user = upsert_user(s, platform_id, str(member["user_id"]), member)
            role = lti.map_role(member.get("roles", []))
            active = member.get("status", "Active") == "Active"
            upsert_membership(s, context_id, user.id, role, active)
            seen.add(user.id)
            if active and role == "learner":
                learners.append((user.student_key, user.given_name, user.family_name,
                                 user.email, user.sub))  # fmt: skip
        for membership in s.scalars(select(Membership).where(Membership.context_id == context_id)):
            if membership.user_id not in seen:
                membership.active = False
    rt.grader.sync_students(learners)
    return len(seen)
