"""Databases as an older tool left them: made by the packaged migrations up to a revision,
with rows written in plain SQL under the baseline (used by the migration tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from denchi.lms import models
from denchi.lms.schema import alembic_config
from denchi.lms.store import Database

KEY_PEM = "-----BEGIN PRIVATE KEY-----\nold\n-----END PRIVATE KEY-----\n"


def database_at(path: Path | str, revision: str) -> Database:
    """A database made by the migrations up to ``revision``: an SQLite file at ``path``, or
    the PostgreSQL database whose URL ``path`` is."""
    db = Database(str(path) if str(path).startswith("postgresql://") else f"sqlite:///{path}")
    with db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
    return db


def save_rows(db: Database) -> None:
    """Rows written under the baseline (plain SQL of the baseline's columns, so that this
    stays what an old tool wrote whatever the models become)."""
    with db.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO tool_keys (id, kid, private_pem, created_at)"
                " VALUES (1, 'kid-old', :pem, '2026-04-01 09:00:00')"
            ),
            {"pem": KEY_PEM},
        )
        c.execute(
            text(
                "INSERT INTO platforms (id, issuer, client_id, auth_login_url, auth_token_url,"
                " jwks_url, name, created_at) VALUES (1, 'https://moodle.example', 'c1',"
                " 'https://moodle.example/login', 'https://moodle.example/token',"
                " 'https://moodle.example/jwks', '高専 Moodle', '2026-04-01 09:00:00')"
            )
        )
        c.execute(
            text(
                "INSERT INTO users (id, platform_id, sub, student_key, name, given_name,"
                " family_name, email) VALUES (1, 1, 'u-1', 's0001', '青山 杏', '杏', '青山', '')"
            )
        )
        c.execute(
            text(
                "INSERT INTO contexts (id, platform_id, deployment_id, context_id, title,"
                " ags_scopes) VALUES (1, 1, 'd1', 'course-1', '電池', '[]')"
            )
        )
        c.execute(
            text(
                "INSERT INTO resource_links (id, context_id, resource_link_id, title, kind,"
                " target) VALUES (1, 1, 'rl-1', '課題 1', 'assignment', 'h04_lithium_ion')"
            )
        )
        c.execute(
            text(
                "INSERT INTO submissions (id, user_id, resource_link_id, assignment, notebook,"
                " original_name, size, created_at, status, attempts, score, max_score) VALUES"
                " ('sub-1', 1, 1, 'h04_lithium_ion', '{}', 'a.ipynb', 2,"
                " '2026-04-02 10:00:00', 'graded', 1, 7.5, 10)"
            )
        )


def assert_rows_kept(db: Database) -> None:
    with db.session() as s:
        assert s.scalars(select(models.ToolKey.private_pem)).one() == KEY_PEM
        assert s.scalars(select(models.Platform.name)).one() == "高専 Moodle"
        assert s.scalars(select(models.User.name)).one() == "青山 杏"
        # the baseline's columns only: the database may be at the baseline still
        columns = models.Submission.status, models.Submission.score, models.Submission.max_score
        sub = s.execute(select(*columns).where(models.Submission.id == "sub-1")).one()
        assert tuple(sub) == ("graded", 7.5, 10.0)


def revision_of(db: Database) -> str | None:
    with db.engine.connect() as c:
        return MigrationContext.configure(c).get_current_revision()
