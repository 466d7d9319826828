"""The database connection: SQLite (WAL, busy timeout) for one machine, PostgreSQL for many."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Delete, Update, create_engine, event
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import Session, sessionmaker

from denchi.lms.files import private_file


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Each new SQLite connection: write-ahead log, wait up to 30 s for the writer's lock,
    foreign keys enforced, and ``synchronous=NORMAL``: in WAL mode a commit then writes the
    log without waiting for the disk (the log is synced at checkpoints). SQLite's documentation
    (https://www.sqlite.org/pragma.html#pragma_synchronous, https://www.sqlite.org/wal.html):
    WAL with NORMAL is safe from corruption and consistent, and durable across a crash of the
    tool; only a power loss or an operating-system crash may roll back the last commits."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def sqlalchemy_url(database_url: str) -> str:
    """SQLAlchemy's URL of the configured ``database_url``: ``postgresql://`` means psycopg 3
    (the driver the lms extra installs); any other URL is passed on as it is.

    Args:
        database_url: The ``database_url`` setting (``sqlite:///…`` or ``postgresql://…``).
    """
    if database_url.startswith("postgresql://"):
        return "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return database_url


OVERFLOW = 10  # connections a pool opens beyond its size for a moment (SQLAlchemy max_overflow)


class Database:
    """Engine and sessions. The tables are made and upgraded by the migrations
    (:func:`denchi.lms.schema.prepare_schema`), not here."""

    def __init__(self, database_url: str, connections: int = 10) -> None:
        """``connections``: the pool keeps that many connections, one for each thread that may
        hold one at once (the web's threadpool and the background threads), so that no request
        waits for a connection while a thread is free; :data:`OVERFLOW` more may be opened for
        a moment (a thread that holds two).

        Raises:
            sqlalchemy.exc.ArgumentError: ``database_url`` is not a database URL.
        """
        url = sqlalchemy_url(database_url)
        if url.startswith("sqlite:///"):
            # the database holds the tool's signing keys and the roster: owner only
            private_file(Path(url.removeprefix("sqlite:///")))
            self.engine: Engine = create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": 30},
                pool_size=connections,
                max_overflow=OVERFLOW,
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(
                url, pool_pre_ping=True, pool_size=connections, max_overflow=OVERFLOW
            )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on an exception."""
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close the engine's pooled connections (at shutdown)."""
        self.engine.dispose()


def rows_changed(session: Session, statement: Update | Delete) -> int:
    """Execute an UPDATE or DELETE in ``session`` and return how many rows it changed.

    ``Session.execute`` is typed as returning a plain ``Result`` for every statement, but for
    an UPDATE or DELETE without RETURNING it returns a ``CursorResult``, which has the row
    count (SQLAlchemy issue #9185); the check makes that explicit for the type checker.

    Args:
        session: The open session (its transaction).
        statement: An UPDATE or DELETE without RETURNING.
    """
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return result.rowcount


def new_token(nbytes: int = 32) -> str:
    """A random URL-safe secret (``secrets.token_urlsafe``; about 1.3 characters a byte).

    Args:
        nbytes: Its randomness [bytes].
    """
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """The SHA-256 of ``token`` as 64 hex digits: what the database keeps of a secret.

    Args:
        token: The secret (a cookie, a registration or hand-off token).
    """
    return hashlib.sha256(token.encode()).hexdigest()
