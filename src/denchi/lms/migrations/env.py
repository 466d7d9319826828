"""Alembic's environment for the tool's database (run by :mod:`denchi.lms.schema` only).

The tool runs its migrations itself, on a connection it opened and locked, and passes that
connection in ``config.attributes["connection"]`` (Alembic's recipe "Sharing a Connection
across one or more programmatic migration commands", alembic.sqlalchemy.org/en/latest/
cookbook.html#connection-sharing). No ``alembic.ini`` and no offline (SQL script) mode.
"""

from __future__ import annotations

from alembic import context

from denchi.lms.models import Base

if context.is_offline_mode():
    raise RuntimeError("the tool's migrations run online only: use `denchi lms migrate`")

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=Base.metadata,
    # SQLite alters a table by copying it; autogenerate writes such changes as batch operations
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
