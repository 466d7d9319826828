"""Database tables of the tool (SQLAlchemy 2.0 ORM; SQLite or PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the default of every time column)."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse a naive time on its way into the database (SQLAlchemy ``TypeDecorator``).

        Args:
            value: The time to store (timezone-aware), or None.
            dialect: The database's dialect (unused: every backend gets the same value).

        Raises:
            ValueError: ``value`` has no time zone (it would be read back as UTC, maybe wrongly).
        """
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Read a stored time as UTC (SQLite gives it back naive; ``TypeDecorator``).

        Args:
            value: The time the database returned, or None.
            dialect: The database's dialect (unused).
        """
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    """The tables' common base (its metadata is what the Alembic migrations must match)."""


class ToolKey(Base):
    """An RSA key pair the tool signs with; retired keys stay in the JWKS for a grace period."""

    __tablename__ = "tool_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Platform(Base):
    """A registered LMS: one issuer and one client id (the tool's id in that LMS)."""

    __tablename__ = "platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(Text)
    auth_token_url: Mapped[str] = mapped_column(Text)
    jwks_url: Mapped[str] = mapped_column(Text)
    token_audience: Mapped[str | None] = mapped_column(Text, nullable=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployments: Mapped[list[Deployment]] = relationship(back_populates="platform")


class Deployment(Base):
    """A deployment of the tool in a registered LMS (the ``deployment_id`` claim, LTI 1.3 Core)."""

    __tablename__ = "deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    platform: Mapped[Platform] = relationship(back_populates="deployments")


class RegistrationToken(Base):
    """A one-time secret in the dynamic-registration URL an operator hands to an LMS admin."""

    __tablename__ = "registration_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LoginState(Base):
    """OIDC login initiation: the state (also in a browser cookie) and the single-use nonce."""

    __tablename__ = "login_states"
    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Context(Base):
    """A course in the LMS."""

    __tablename__ = "contexts"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(Text, default="")
    memberships_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    lineitems_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    ags_scopes: Mapped[list] = mapped_column(JSON, default=list)


class User(Base):
    """A person of a registered LMS, by the ``sub`` of its launches (LTI 1.3 Core's user
    identity claims), with the nbgrader student id the tool gives them."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("platform_id", "sub"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    sub: Mapped[str] = mapped_column(String(255))
    # nbgrader student id: stable, short, safe as a folder name
    student_key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(Text, default="")
    given_name: Mapped[str] = mapped_column(Text, default="")
    family_name: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(Text, default="")


class Membership(Base):
    """A user's role in a course, from launches and from Names and Roles."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("context_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("contexts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(16))  # learner | instructor
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    user: Mapped[User] = relationship()


class ResourceLink(Base):
    """A placement of a page or an assignment in a course (created by Deep Linking)."""

    __tablename__ = "resource_links"
    __table_args__ = (UniqueConstraint("context_id", "resource_link_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey("contexts.id"))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))  # assignment | page
    target: Mapped[str] = mapped_column(String(255))  # assignment id or book docname
    lineitem_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    context: Mapped[Context] = relationship()


class BrowserSession(Base):
    """A browser after a launch: a random cookie whose hash is stored here."""

    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user: Mapped[User] = relationship()


class Submission(Base):
    """An uploaded notebook of one learner to one resource link, and its grading (status,
    score in points, feedback); ``size`` is the upload's size in bytes."""

    __tablename__ = "submissions"
    __table_args__ = (
        # the grading queue: queued (or abandoned) submissions, oldest first (jobs.py)
        Index("ix_submissions_status_created_at", "status", "created_at"),
        # one learner's submissions to one link (their page, "is there a newer one?" in
        # jobs.py); its prefix serves the teacher's list of a link (pages.py)
        Index("ix_submissions_link_user_created", "resource_link_id", "user_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random uuid4
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    resource_link_id: Mapped[int] = mapped_column(ForeignKey("resource_links.id"))
    assignment: Mapped[str] = mapped_column(String(255))
    # the notebook itself (JSON), in the database so that workers on any machine can grade it
    notebook: Mapped[str] = mapped_column(Text)
    original_name: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # queued -> grading -> graded | failed
    status: Mapped[str] = mapped_column(String(16), default="queued")
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # who holds the claim: "job:<id>", the procrastinate job grading it (so that the claims of
    # a dead worker's job are released, jobs.ProcrastinateQueue.recover_stalled); None embedded
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    feedback_html: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    user: Mapped[User] = relationship()
    resource_link: Mapped[ResourceLink] = relationship()


class ScoreOutbox(Base):
    """A score waiting to reach the LMS. Delivered in order; a newer one supersedes older ones."""

    __tablename__ = "score_outbox"
    __table_args__ = (
        # the delivery loop: pending scores that are due (outbox.py)
        Index("ix_score_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        # superseding a pair's older scores, a link's scores on the teacher's page
        Index("ix_score_outbox_link_user", "resource_link_id", "user_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    resource_link_id: Mapped[int] = mapped_column(ForeignKey("resource_links.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submission_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    payload: Mapped[dict] = mapped_column(JSON)
    # pending -> sent | superseded | failed (gave up after outbox_max_attempts)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DeepLinkRequest(Base):
    """A deep-linking request kept between the picker page and the instructor's choice."""

    __tablename__ = "deep_link_requests"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    claims: Mapped[dict] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
