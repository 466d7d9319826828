"""The health checks and the full-disk test as plain functions (the /health route and the
error page through HTTP are in test_lms_recovery.py)."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from lms.example import runtime_in
from sqlalchemy.exc import OperationalError

from denchi.lms import health


@pytest.fixture
def rt(tmp_path):
    with runtime_in(tmp_path) as runtime:
        yield runtime


def test_a_healthy_tool_passes_every_check_and_leaves_nothing_behind(rt):
    before = set(rt.config.data_dir.iterdir())
    assert health.checks(rt) == {"database": "ok", "data_dir": "ok"}
    assert set(rt.config.data_dir.iterdir()) == before


def test_probes_at_once_share_one_run_of_the_checks(rt, monkeypatch):
    """Forty probes at once (a burst) sync one file, not forty; a probe after ``max_age_s``
    runs the checks again and sees a change."""
    import threading
    import time

    runs = []

    def counted(runtime):
        runs.append(time.monotonic())
        time.sleep(0.05)  # a slow fsync: the others arrive while it runs
        return {"database": "ok", "data_dir": f"run {len(runs)}"}

    monkeypatch.setattr(health, "checks", counted)
    recent = health.Recent(max_age_s=0.5)
    answers = []
    probes = [threading.Thread(target=lambda: answers.append(recent.checks(rt))) for _ in range(40)]
    for probe in probes:
        probe.start()
    for probe in probes:
        probe.join()
    assert len(runs) == 1 and answers == [{"database": "ok", "data_dir": "run 1"}] * 40
    time.sleep(0.6)
    assert recent.checks(rt)["data_dir"] == "run 2"


def test_a_data_folder_that_takes_no_write_fails_its_check_only(rt, tmp_path):
    data = rt.config.data_dir
    data.rename(tmp_path / "aside")
    data.write_text("not a folder")
    checks = health.checks(rt)
    assert checks["database"] == "ok"
    assert checks["data_dir"].startswith("cannot write in the data folder (")
    assert str(tmp_path) not in checks["data_dir"]  # no server path in the answer


def test_a_database_that_does_not_answer_fails_its_check(rt, tmp_path):
    rt.db.engine.dispose()
    for path in tmp_path.glob("lms.db*"):
        path.rename(tmp_path / f"moved-{path.name}")
    (tmp_path / "lms.db").mkdir()
    assert health.database_check(rt).startswith("the database does not answer (")
    assert health.data_dir_check(rt) == "ok"


def _chained(outer: Exception, inner: BaseException) -> Exception:
    outer.__cause__ = inner
    return outer


@pytest.mark.parametrize(
    "error, full",
    [
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), True),
        (
            OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full")),
            True,
        ),
        (_chained(RuntimeError("saving failed"), OSError(errno.ENOSPC, "full")), True),
        (OSError(errno.EACCES, "Permission denied"), False),
        (OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")), False),
        (ValueError("a bug"), False),
    ],
)
def test_a_full_disk_is_recognised_through_wrappers_and_nothing_else_is(error, full):
    """ENOSPC/EDQUOT (errno), SQLite's SQLITE_FULL message "database or disk is full", also
    when SQLAlchemy wraps it or another error was raised from it."""
    assert health.disk_full(error) is full


def test_a_postgresql_disk_full_is_recognised_by_its_sqlstate():
    """PostgreSQL error code 53100 disk_full (PostgreSQL manual, appendix A, class 53)."""

    class DiskFull(Exception):
        sqlstate = "53100"

    assert health.disk_full(OperationalError("INSERT", {}, DiskFull("could not extend file")))
