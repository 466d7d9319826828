"""Schema migrations of the LMS tool's database (Alembic, ``denchi.lms.schema``).

SQLite databases built at a chosen revision by the packaged migrations themselves: a new
database is made up to the head; an older one is backed up (SQLite's backup API, a file that
opens with the old rows) and upgraded without losing a row; a newer one is refused naming both
revisions; tables made before Alembic are stamped when they are the baseline and refused with
their differences when not; PostgreSQL's refusal is the decision function's. The models and
the migrations must agree (Alembic's autogenerate comparison).
"""

from __future__ import annotations

import logging
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic import command, op
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from lms.old_databases import KEY_PEM, assert_rows_kept, database_at, revision_of, save_rows
from sqlalchemy import Column, Integer, Table, inspect, select, text

from denchi.cli import main
from denchi.lms import models, schema
from denchi.lms.instance import DataDirLock, ToolStateError
from denchi.lms.schema import (
    BASELINE,
    SchemaError,
    alembic_config,
    new_revision,
    plan_schema,
    prepare_schema,
    scripts,
)
from denchi.lms.store import Database

HEAD = scripts().get_current_head()
KNOWN = {s.revision for s in scripts().walk_revisions()}


def differences_from_models(db: Database) -> list:
    with db.engine.connect() as c:
        context = MigrationContext.configure(c, opts={"compare_type": True})
        return compare_metadata(context, models.Base.metadata)


def ja_en(error: pytest.ExceptionInfo) -> tuple[str, str]:
    ja, en = str(error.value).split("\n")  # Japanese first, then English
    return ja, en


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def test_there_is_a_second_revision_to_upgrade_to():
    assert HEAD != BASELINE and BASELINE in KNOWN


def test_the_models_and_the_migrations_agree(tmp_path):
    """A column, table or index added to models.py without a migration fails here."""
    db = database_at(tmp_path / "head.db", "head")
    assert differences_from_models(db) == []
    # and the comparison does see a difference (the baseline lacks revision 2's indexes and
    # revision 3's column)
    baseline = database_at(tmp_path / "baseline.db", BASELINE)
    assert {diff[0] for diff in differences_from_models(baseline)} == {"add_index", "add_column"}


def test_every_migration_goes_down_and_up_again(tmp_path):
    db = database_at(tmp_path / "lms.db", "head")
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert inspect(db.engine).get_table_names() == ["alembic_version"]
    with db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert differences_from_models(db) == []


def test_a_new_revision_is_written_from_what_the_models_add(tmp_path):
    notes = Table("scratch_notes", models.Base.metadata, Column("id", Integer, primary_key=True))
    try:
        path = new_revision("Add scratch notes!", tmp_path)
    finally:
        models.Base.metadata.remove(notes)
    number = int(str(HEAD).split("_")[0]) + 1
    assert path == tmp_path / f"v{number:04d}_add_scratch_notes.py"
    code = path.read_text(encoding="utf-8")
    assert f"down_revision = {HEAD!r}" in code
    assert "op.create_table('scratch_notes'" in code and "op.drop_table('scratch_notes')" in code


def test_a_new_database_is_made_by_the_migrations(tmp_path, data_dir):
    db = Database(f"sqlite:///{tmp_path / 'lms.db'}")
    report = prepare_schema(db, data_dir, tmp_path / "lms.db")
    assert (report.plan.current, report.plan.upgrade, report.backup) == (None, True, None)
    assert revision_of(db) == HEAD
    assert differences_from_models(db) == []
    assert list(data_dir.iterdir()) == []  # nothing to back up
    # the next start finds it current and does nothing
    again = prepare_schema(db, data_dir, tmp_path / "lms.db")
    assert not again.changed and "最新" in again.describe()


def test_an_older_sqlite_database_is_backed_up_then_upgraded_keeping_every_row(
    tmp_path, data_dir, caplog
):
    path = tmp_path / "lms.db"
    db = database_at(path, BASELINE)
    save_rows(db)

    with caplog.at_level(logging.WARNING, logger="denchi.lms.schema"):
        report = prepare_schema(db, data_dir, path)

    assert revision_of(db) == HEAD
    assert differences_from_models(db) == []
    assert_rows_kept(db)
    backup = report.backup
    assert backup is not None and backup.parent == data_dir
    assert backup.name.startswith(f"lms-backup-{BASELINE}-") and backup.suffix == ".db"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    # the backup is the old database: its revision and its rows
    with sqlite3.connect(backup) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchall() == [(BASELINE,)]
        assert old.execute("SELECT name FROM users").fetchall() == [("青山 杏",)]
        assert old.execute("SELECT private_pem FROM tool_keys").fetchall() == [(KEY_PEM,)]
    # the log and the sentence for the console both say where it is
    assert str(backup) in caplog.text and BASELINE in caplog.text
    ja, en = report.describe().split("\n")
    assert str(backup) in ja and str(backup) in en
    assert BASELINE in en and str(HEAD) in en


def test_an_upgrade_that_fails_half_way_changes_nothing(tmp_path, data_dir, monkeypatch):
    """SQLite's DDL runs inside the one transaction too: no half-upgraded database."""
    path = tmp_path / "lms.db"
    db = database_at(path, BASELINE)
    save_rows(db)
    real, made = op.create_index, []

    def second_fails(name: str, *args: object, **kwargs: object) -> None:
        made.append(name)
        if len(made) == 2:
            raise OSError(28, "No space left on device")
        real(name, *args, **kwargs)

    monkeypatch.setattr(op, "create_index", second_fails)
    with pytest.raises(SchemaError) as refused:
        prepare_schema(db, data_dir, path)
    ja, en = ja_en(refused)
    assert "No space left on device" in ja and "No space left on device" in en
    assert "取り消し" in ja and "rolled back" in en
    (backup,) = data_dir.glob("lms-backup-*.db")  # the backup is kept and named
    assert str(backup) in ja and str(backup) in en
    assert len(made) == 2  # the first index was made before the failure...
    assert revision_of(db) == BASELINE  # ...and rolled back with it
    assert inspect(db.engine).get_indexes("submissions") == []
    assert_rows_kept(db)


def test_no_backup_means_no_upgrade(tmp_path, data_dir, monkeypatch):
    path = tmp_path / "lms.db"
    db = database_at(path, BASELINE)
    save_rows(db)

    def disk_full(*args: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(schema, "backup_sqlite", disk_full)
    with pytest.raises(SchemaError) as refused:
        prepare_schema(db, data_dir, path)
    ja, en = ja_en(refused)
    assert "No space left on device" in ja and "No space left on device" in en
    assert str(data_dir) in ja and str(data_dir) in en
    assert revision_of(db) == BASELINE
    assert_rows_kept(db)


def test_a_running_serve_keeps_its_database_from_being_upgraded_under_it(tmp_path, data_dir):
    path = tmp_path / "lms.db"
    db = database_at(path, BASELINE)
    save_rows(db)
    running = DataDirLock(data_dir)  # what an embedded `serve` holds while it runs
    running.acquire()
    try:
        with pytest.raises(ToolStateError) as refused:
            prepare_schema(db, data_dir, path)
        ja, en = ja_en(refused)
        assert "すでに" in ja and "already" in en
        assert revision_of(db) == BASELINE
        assert not list(data_dir.glob("lms-backup-*"))
        # a database already at the head opens beside a running serve as before
        current = database_at(tmp_path / "current.db", "head")
        assert not prepare_schema(current, data_dir, tmp_path / "current.db").changed
    finally:
        running.release()
    assert prepare_schema(db, data_dir, path).plan.upgrade  # once it has stopped


def config_of(folder: Path) -> Path:
    """A configuration file beside an SQLite database at the baseline with rows in it."""
    folder.mkdir()
    save_rows(database_at(folder / "lms.db", BASELINE))
    toml = folder / "denchi-lms.toml"
    toml.write_text(
        f'database_url = "sqlite:///{folder / "lms.db"}"\ndata_dir = "data"\n', encoding="utf-8"
    )
    return toml


def test_migrate_says_from_which_revision_to_which_and_where_the_backup_is(tmp_path, capsys):
    toml = config_of(tmp_path / "school")
    assert main(["lms", "migrate", "--config", str(toml)]) == 0
    out = capsys.readouterr().out
    (backup,) = (tmp_path / "school" / "data").glob(f"lms-backup-{BASELINE}-*.db")
    assert str(backup) in out and BASELINE in out and str(HEAD) in out
    assert main(["lms", "migrate", "--config", str(toml)]) == 0  # again: nothing more to do
    assert "最新" in capsys.readouterr().out
    assert len(list((tmp_path / "school" / "data").glob("lms-backup-*"))) == 1


def test_a_start_upgrades_sqlite_and_says_where_the_backup_is(tmp_path, capsys):
    toml = config_of(tmp_path / "school")
    # every command opens the database through the same start (`serve` and `worker` too)
    assert main(["lms", "platforms", "--config", str(toml)]) == 0
    captured = capsys.readouterr()
    (backup,) = (tmp_path / "school" / "data").glob(f"lms-backup-{BASELINE}-*.db")
    ja, en = captured.err.strip().split("\n")
    assert str(backup) in ja and str(backup) in en
    assert "https://moodle.example" in captured.out  # the rows saved before are all there
    assert revision_of(Database(f"sqlite:///{tmp_path / 'school' / 'lms.db'}")) == HEAD


def test_a_database_newer_than_the_code_is_refused_naming_both(tmp_path, data_dir):
    path = tmp_path / "lms.db"
    db = database_at(path, "head")
    save_rows(db)
    with db.engine.begin() as c:  # as a newer version of the tool would leave it
        c.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))

    with pytest.raises(SchemaError) as refused:
        prepare_schema(db, data_dir, path)
    ja, en = ja_en(refused)
    for text_ in (ja, en):
        assert "0099_from_the_future" in text_ and str(HEAD) in text_
    assert "新しい" in ja and "downgraded" in en
    assert revision_of(db) == "0099_from_the_future"  # left as it was
    assert_rows_kept(db)
    assert list(data_dir.iterdir()) == []


def before_alembic(path: Path) -> Database:
    """The baseline's tables without ``alembic_version``: what ``create_all`` made before."""
    db = database_at(path, BASELINE)
    with db.engine.begin() as c:
        c.execute(text("DROP TABLE alembic_version"))
    return db


def test_tables_from_before_alembic_that_are_the_baseline_are_stamped(tmp_path, data_dir):
    path = tmp_path / "lms.db"
    db = before_alembic(path)
    save_rows(db)

    report = prepare_schema(db, data_dir, path)

    assert report.plan.stamp and report.plan.start == BASELINE
    assert revision_of(db) == HEAD
    assert differences_from_models(db) == []
    assert_rows_kept(db)
    assert report.backup is not None
    with sqlite3.connect(report.backup) as old:  # the copy is the untouched old database
        tables = {row[0] for row in old.execute("SELECT name FROM sqlite_master")}
        assert "alembic_version" not in tables and "submissions" in tables


def test_tables_from_before_alembic_that_differ_are_refused_naming_the_differences(
    tmp_path, data_dir
):
    path = tmp_path / "lms.db"
    db = before_alembic(path)
    save_rows(db)
    with db.engine.begin() as c:
        c.execute(text("ALTER TABLE submissions ADD COLUMN reviewer TEXT"))
        c.execute(text("ALTER TABLE users DROP COLUMN email"))
        c.execute(text("DROP TABLE deep_link_requests"))

    with pytest.raises(SchemaError) as refused:
        prepare_schema(db, data_dir, path)
    ja, en = ja_en(refused)
    for text_ in (ja, en):
        assert "+ submissions.reviewer" in text_
        assert "- users.email" in text_
        assert "- deep_link_requests" in text_
        assert BASELINE in text_
    assert "alembic_version" not in inspect(db.engine).get_table_names()  # nothing stamped
    with db.session() as s:
        assert s.scalars(select(models.Submission.id)).all() == ["sub-1"]


def test_tables_that_are_not_the_tools_do_not_count(tmp_path, data_dir):
    """A PostgreSQL database shares procrastinate's tables; an empty one is made from scratch."""
    path = tmp_path / "lms.db"
    db = Database(f"sqlite:///{path}")
    with db.engine.begin() as c:
        c.execute(text("CREATE TABLE procrastinate_jobs (id INTEGER PRIMARY KEY)"))
    report = prepare_schema(db, data_dir, path)
    assert report.plan.current is None and not report.plan.stamp
    assert revision_of(db) == HEAD


def plan(**values):
    arguments = dict(
        dialect="postgresql", current=BASELINE, head=HEAD, known=KNOWN, tool_tables=True
    )
    return plan_schema(**(arguments | values))


def test_an_older_postgresql_database_waits_for_the_operators_migrate():
    with pytest.raises(SchemaError) as refused:
        plan()
    ja, en = ja_en(refused)
    for text_ in (ja, en):
        assert "pg_dump" in text_ and "denchi lms migrate" in text_
        assert BASELINE in text_ and str(HEAD) in text_
    # tables from before Alembic that are the baseline: the same, nothing is written before
    with pytest.raises(SchemaError, match="pg_dump"):
        plan(current=None)

    # `denchi lms migrate`: upgraded, without a file backup (pg_dump is the operator's)
    migrate = plan(explicit=True)
    assert (migrate.upgrade, migrate.backup, migrate.stamp) == (True, False, False)
    stamped = plan(current=None, explicit=True)
    assert (stamped.stamp, stamped.upgrade, stamped.start) == (True, True, BASELINE)


def test_postgresql_starts_a_new_or_current_database_and_refuses_a_newer_one():
    new = plan(current=None, tool_tables=False)
    assert new.upgrade and not new.backup
    current = plan(current=HEAD)
    assert not (current.upgrade or current.stamp)
    with pytest.raises(SchemaError, match="0099"):
        plan(current="0099", explicit=True)
    with pytest.raises(SchemaError, match=r"- users\.sub"):
        plan(current=None, differences=["- users.sub"], explicit=True)


def test_sqlite_upgrades_at_start_with_a_backup():
    older = plan(dialect="sqlite")
    assert (older.upgrade, older.backup) == (True, True)


def test_the_migrations_ship_inside_the_package():
    folder = Path(scripts().dir)
    assert folder.is_relative_to(Path(models.__file__).parent)
    assert (folder / "env.py").is_file() and (folder / "script.py.mako").is_file()
