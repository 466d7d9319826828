"""The tool's database schema: made and upgraded by the Alembic migrations in
``denchi/lms/migrations/`` (shipped in the package), never by ``create_all``.

Every start (:class:`denchi.lms.runtime.Runtime`) and ``denchi lms migrate`` call
:func:`prepare_schema`, which reads the database's state, decides with :func:`plan_schema`, and
then acts, all on one connection inside one transaction that only one process at a time may
hold (PostgreSQL: a transaction-level advisory lock; SQLite: ``BEGIN IMMEDIATE``):

- **no table of the tool** (a new database): the migrations create the schema up to the head;
- **at the head**: nothing to do;
- **at an older revision**: on SQLite (only while no embedded ``serve`` holds the data
  folder's lock, :class:`denchi.lms.instance.DataDirLock`) the file is first copied with
  SQLite's online backup API (``sqlite3.Connection.backup``) into the data folder, as
  ``<name>-backup-<old revision>-<UTC time>.db`` (0600), then upgraded. On PostgreSQL the
  start is refused: the operator backs up (``pg_dump``) and runs ``denchi lms migrate``, since
  several processes share that database and a schema change is the operator's decision;
- **at a revision this code does not know** (the software was downgraded): refused, naming
  both revisions; Alembic's migrations only go forward here;
- **tables without Alembic's ``alembic_version``** (made by ``create_all`` before Alembic):
  stamped with the baseline when their tables and columns are the baseline's (and then
  upgraded as above), refused with the differences otherwise.

An upgrade that fails half-way is rolled back whole (SQLite's DDL too, inside the
``BEGIN IMMEDIATE``) and refused with its cause; the database stays at its old revision.

Alembic is configured here in code (``script_location = denchi.lms:migrations``), with the
connection shared through ``Config.attributes`` (Alembic's cookbook, "Sharing a Connection
across one or more programmatic migration commands"); the state comes from
``MigrationContext.get_current_heads`` and ``ScriptDirectory.get_current_head`` (Alembic's API docs,
"Runtime Objects" and "Script Directory").
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Collection, Mapping
from contextlib import ExitStack, closing
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect, text

from denchi.i18n import bilingual
from denchi.lms.files import inside, private_file
from denchi.lms.instance import DataDirLock, ToolStateError
from denchi.lms.models import utcnow
from denchi.lms.store import Database

MIGRATIONS = "denchi.lms:migrations"
BASELINE = "0001_baseline"
# pg_advisory_xact_lock key of the schema check (any fixed 64-bit number; "denchi" in ASCII)
PG_LOCK_KEY = 0x64656E636869
log = logging.getLogger(__name__)


class SchemaError(ToolStateError):
    """The database's schema is refused as it is (bilingual message saying what to do)."""


@dataclass(frozen=True)
class SchemaPlan:
    """What :func:`prepare_schema` does to one database.

    ``current`` is the revision found (``None``: no ``alembic_version``), ``head`` the code's;
    ``stamp``: record the baseline first (tables made before Alembic); ``upgrade``: run the
    migrations from ``current`` (or the baseline) to ``head``; ``backup``: copy the SQLite file
    before that.
    """

    current: str | None
    head: str
    stamp: bool = False
    upgrade: bool = False
    backup: bool = False

    @property
    def start(self) -> str | None:
        """The revision the upgrade starts from (``None``: an empty database)."""
        return BASELINE if self.stamp else self.current


@dataclass(frozen=True)
class SchemaReport:
    """What :func:`prepare_schema` did: its plan and the backup it wrote (if any)."""

    plan: SchemaPlan
    backup: Path | None = None

    @property
    def changed(self) -> bool:
        """Whether the database was stamped or upgraded (False: it was at the head)."""
        return self.plan.stamp or self.plan.upgrade

    def describe(self) -> str:
        """One bilingual sentence for the console: from which revision to which, and where
        the backup is."""
        plan = self.plan
        if not self.changed:
            return bilingual(
                f"データベースのスキーマは最新です（{plan.head}）。",
                f"The database schema is up to date ({plan.head}).",
            )
        ja = f"データベースのスキーマを {plan.start or '空'} から {plan.head} に更新しました。"
        en = f"Upgraded the database schema from {plan.start or 'empty'} to {plan.head}."
        if self.backup is not None:
            ja += f"更新前のデータベースのバックアップ: {self.backup}"
            en += f" Backup of the database before the upgrade: {self.backup}"
        return bilingual(ja, en)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration in code: the packaged migrations, and the connection that
    ``migrations/env.py`` runs them on.

    Args:
        connection: The connection to run on, shared through ``Config.attributes`` (Alembic's
            cookbook, "Sharing a Connection across one or more programmatic migration
            commands"); None for commands that only read the scripts.
    """
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.set_main_option("path_separator", "os")  # version_locations split on os.pathsep
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def scripts() -> ScriptDirectory:
    """The packaged migrations as Alembic's ``ScriptDirectory`` (revisions and the head)."""
    return ScriptDirectory.from_config(alembic_config())


@cache
def baseline_columns() -> dict[str, frozenset[str]]:
    """Table → column names of the baseline revision, read from a scratch in-memory SQLite
    database that the baseline migration made (the migration is the one account of it)."""
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), BASELINE)
        inspector = inspect(connection)
        tables = {
            table: frozenset(c["name"] for c in inspector.get_columns(table))
            for table in inspector.get_table_names()
            if table != "alembic_version"
        }
    engine.dispose()
    return tables


def schema_differences(
    found: Mapping[str, Collection[str]], expected: Mapping[str, Collection[str]]
) -> list[str]:
    """How tables made before Alembic (``found``: table → column names) differ from the
    baseline (``expected``), one ``table`` or ``table.column`` per entry, marked ``-``
    (missing) or ``+`` (not in the baseline); tables that are not the tool's are left out
    (procrastinate's share a PostgreSQL database).

    Args:
        found: Table name → column names, as the database has them.
        expected: Table name → column names of the baseline (:func:`baseline_columns`).
    """
    differences = []
    for table, columns in sorted(expected.items()):
        if table not in found:
            differences.append(f"- {table}")
            continue
        have = set(found[table])
        differences += [f"- {table}.{c}" for c in sorted(set(columns) - have)]
        differences += [f"+ {table}.{c}" for c in sorted(have - set(columns))]
    return differences


def plan_schema(
    *,
    dialect: str,
    current: str | None,
    head: str,
    known: Collection[str],
    tool_tables: bool,
    differences: Collection[str] = (),
    explicit: bool = False,
) -> SchemaPlan:
    """Decide what to do with a database (no side effects).

    Args:
        dialect: SQLAlchemy's dialect name, ``"sqlite"`` or ``"postgresql"``.
        current: the revision in ``alembic_version`` (``None``: no such table).
        head: the newest revision the code has.
        known: every revision the code has.
        tool_tables: any of the baseline's tables exists.
        differences: :func:`schema_differences` of those tables (only read when ``current``
            is ``None`` and ``tool_tables``).
        explicit: the operator ran ``denchi lms migrate`` (upgrading PostgreSQL is allowed).

    Raises:
        SchemaError: a revision the code does not know, tables before Alembic that differ
            from the baseline, or an older PostgreSQL database without ``explicit``.
    """
    if current is None and not tool_tables:
        return SchemaPlan(None, head, upgrade=True)
    if current is None and differences:
        raise _mismatch(differences)
    if current is not None and current not in known:
        raise _newer(current, head)
    stamp = current is None
    start = BASELINE if stamp else current
    if start == head:
        return SchemaPlan(current, head, stamp=stamp)
    if dialect == "postgresql" and not explicit:
        raise _postgres_behind(start or BASELINE, head)
    return SchemaPlan(current, head, stamp=stamp, upgrade=True, backup=dialect == "sqlite")


def prepare_schema(
    db: Database, data_dir: Path, sqlite_path: Path | None, *, explicit: bool = False
) -> SchemaReport:
    """Bring the database's schema to the code's head, or refuse (see the module's account).

    Args:
        db: The tool's database.
        data_dir: The data folder; it receives the SQLite backup.
        sqlite_path: The SQLite database file (``None`` for PostgreSQL).
        explicit: Run by ``denchi lms migrate`` (upgrading PostgreSQL is allowed).

    Raises:
        SchemaError: the database is refused as it is (:func:`plan_schema`), the SQLite
            backup could not be made (nothing changed), or the upgrade failed and was rolled
            back (the cause chained).
        ToolStateError: an SQLite database to upgrade is in use by a running embedded
            ``serve`` (nothing was changed).
    """
    script = scripts()
    head = script.get_current_head()
    assert head is not None, "the package has no migrations"
    known = {s.revision for s in script.walk_revisions()}
    with db.engine.begin() as connection:
        dialect = connection.dialect.name
        if dialect == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        elif dialect == "sqlite":
            # one process at a time, and the DDL inside the transaction (pysqlite opens none
            # before DDL by itself)
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        heads = MigrationContext.configure(connection).get_current_heads()
        if len(heads) > 1:
            raise _newer(", ".join(heads), head)
        found = _tool_tables(connection)
        plan = plan_schema(
            dialect=dialect,
            current=heads[0] if heads else None,
            head=head,
            known=known,
            tool_tables=bool(found),
            differences=schema_differences(found, baseline_columns()) if found else (),
            explicit=explicit,
        )
        backup = None
        with ExitStack() as held:
            if plan.backup:  # never under a running embedded `serve` (it holds the lock)
                lock = DataDirLock(data_dir)
                lock.acquire()
                held.callback(lock.release)
                if sqlite_path is not None:
                    backup = _backup_or_refuse(sqlite_path, data_dir, plan)
            config = alembic_config(connection)
            try:
                if plan.stamp:
                    command.stamp(config, BASELINE)
                if plan.upgrade:
                    command.upgrade(config, "head")
            except Exception as exc:  # leaving the block rolls the transaction back
                log.exception("the schema upgrade failed and was rolled back")
                raise _failed(plan, backup, exc) from exc
    report = SchemaReport(plan, backup)
    if report.changed:  # a warning when there was something to keep
        (log.warning if plan.start else log.info)(
            "database schema %s -> %s%s",
            plan.start or "(empty)",
            plan.head,
            f"; backup of the old database: {backup}" if backup else "",
        )
    return report


def new_revision(message: str, version_path: Path | None = None) -> Path:
    """Write the next revision, ``v<NNNN>_<slug>.py``, from what the models have that the
    head does not (Alembic's autogenerate against a scratch in-memory database at the head;
    read and complete it before committing: autogenerate does not see every change, e.g.
    renames, per Alembic's "What does Autogenerate Detect"). For developers.

    Returns the new file.

    Args:
        message: What the revision changes, in English (its slug names the file).
        version_path: The folder to write to (default: the package's ``versions``).
    """
    script = scripts()
    head = script.get_current_head()
    assert head is not None, "the package has no migrations"
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40]
    rev_id = f"{int(head.split('_')[0]) + 1:04d}_{slug}"
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        config = alembic_config(connection)
        config.set_main_option("file_template", "v%%(rev)s")
        if version_path is not None:
            versions = Path(script.dir, "versions")
            config.set_main_option("version_locations", f"{versions}{os.pathsep}{version_path}")
        command.upgrade(config, "head")
        written = command.revision(
            config,
            message=message,
            autogenerate=True,
            rev_id=rev_id,
            version_path=None if version_path is None else str(version_path),
        )
    engine.dispose()
    assert isinstance(written, Script)
    return Path(written.path)


def _tool_tables(connection: Connection) -> dict[str, frozenset[str]]:
    inspector = inspect(connection)
    ours = set(baseline_columns())
    return {
        table: frozenset(c["name"] for c in inspector.get_columns(table))
        for table in inspector.get_table_names()
        if table in ours
    }


def backup_sqlite(database: Path, data_dir: Path, revision: str) -> Path:
    """Copy the SQLite database ``database`` into ``data_dir`` with SQLite's online backup API
    (a consistent copy while other connections read or write; Python's
    ``sqlite3.Connection.backup``), as ``<stem>-backup-<revision>-<UTC time>.db``, mode 0600,
    and check that the copy reads back (``PRAGMA quick_check``).

    Args:
        database: The SQLite database file.
        data_dir: The data folder the copy is written to.
        revision: The schema revision of the database (part of the copy's name).

    Raises:
        sqlite3.DatabaseError: the copy does not read back (``quick_check`` is not ``ok``).
        sqlite3.Error: the copy could not be made.
        OutsideDataDir: the copy's name in ``data_dir`` is a link that leads out of it.
        OSError: the copy's file cannot be created (permissions, a full disk).
    """
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    target = private_file(inside(data_dir, f"{database.stem}-backup-{revision}-{stamp}.db"))
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        result = copy.execute("PRAGMA quick_check").fetchone()
    if result != ("ok",):
        raise sqlite3.DatabaseError(f"the backup {target} does not read back: {result}")
    return target


def _backup_or_refuse(database: Path, data_dir: Path, plan: SchemaPlan) -> Path:
    try:
        return backup_sqlite(database, data_dir, plan.start or BASELINE)
    except (OSError, sqlite3.Error) as exc:
        log.exception("no backup, so no upgrade")
        raise SchemaError(
            bilingual(
                f"データベースのスキーマを {plan.start} から {plan.head} に更新する前の"
                f"バックアップを {data_dir} に作れなかったので、更新せずに止めます（データベース"
                f"はそのままです）。原因（{type(exc).__name__}: {exc}）を直してください"
                "（ディスクの空き、フォルダーの書き込み権限など）。",
                f"The backup before upgrading the database schema from {plan.start} to"
                f" {plan.head} could not be written to {data_dir}, so nothing was upgraded (the"
                f" database is as it was). Fix the cause ({type(exc).__name__}: {exc}), e.g."
                " the free disk space or the folder's permissions.",
            )
        ) from exc


def _failed(plan: SchemaPlan, backup: Path | None, exc: Exception) -> SchemaError:
    start = plan.start or "-"
    kept_ja = f"更新前のバックアップ: {backup}。" if backup else ""
    kept_en = f" Backup taken before: {backup}." if backup else ""
    return SchemaError(
        bilingual(
            f"データベースのスキーマを {start} から {plan.head} に更新する途中で失敗したので、"
            f"更新を取り消しました（データベースは {start} のままです）。{kept_ja}"
            f"原因（{type(exc).__name__}: {exc}）を直してから、もう一度起動してください。"
            "詳しくはログを見てください。",
            f"Upgrading the database schema from {start} to {plan.head} failed and was rolled"
            f" back (the database is still at {start}).{kept_en} Fix the cause"
            f" ({type(exc).__name__}: {exc}) and start again; the log has the details.",
        )
    )


def _newer(found: str, head: str) -> SchemaError:
    return SchemaError(
        bilingual(
            f"データベースのスキーマは版 {found} ですが、このソフトウェアが知っている最新の版は"
            f" {head} です。データベースのほうが新しい（ソフトウェアを古い版に戻した）ので、"
            "データを壊さないよう起動しません。データベースを作り更新したソフトウェアの版"
            "（またはそれより新しい版）に戻してください。古い版のソフトウェアで使うには、"
            "更新前に取ったバックアップからデータベースを戻す必要があります。",
            f"The database schema is at revision {found}, but the newest revision this"
            f" software knows is {head}. The database is newer (the software was downgraded),"
            " so the tool does not start rather than damage it. Install the version of the"
            " software that upgraded the database (or a newer one). To use this older version,"
            " restore the database from the backup taken before the upgrade.",
        )
    )


def _mismatch(differences: Collection[str]) -> SchemaError:
    listed = "; ".join(differences)
    return SchemaError(
        bilingual(
            "データベースには版の記録（alembic_version）がなく、表が基準の版"
            f" {BASELINE} と一致しないので、起動しません。違い（- はない、+ は余分）:"
            f" {listed}。このデータベースを作ったソフトウェアの版に戻すか、正しいデータベース"
            "を指定してください。",
            "The database has no record of its revision (alembic_version) and its tables do"
            f" not match the baseline revision {BASELINE}, so the tool does not start."
            f" Differences (- missing, + not in the baseline): {listed}. Go back to the version"
            " of the software that made this database, or point database_url at the right one.",
        )
    )


def _postgres_behind(found: str, head: str) -> SchemaError:
    return SchemaError(
        bilingual(
            f"PostgreSQL のデータベースのスキーマは版 {found} で、このソフトウェアの版 {head}"
            " より古いので、起動しません。すべての `denchi lms serve` と `denchi lms worker`"
            " を止め、`pg_dump` でデータベースのバックアップを取ってから、"
            "`denchi lms migrate` でスキーマを更新し、起動し直してください。",
            f"The PostgreSQL database schema is at revision {found}, older than this"
            f" software's {head}, so the tool does not start. Stop every `denchi lms serve`"
            " and `denchi lms worker`, back the database up with `pg_dump`, run"
            " `denchi lms migrate` to upgrade the schema, then start again.",
        )
    )
