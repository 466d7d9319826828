"""What keeps a class's burst of launches quick (issue 21), as plain functions and an app
without a server: SQLite commits without waiting for the disk (WAL, ``synchronous=NORMAL``),
a database connection for every thread that may need one, and no database work in the event
loop (the login initiation Moodle POSTs). The burst itself is measured by
``benchmarks/lms_class.py``."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from lms.example import register_platform, runtime_in

from denchi.lms import login_states
from denchi.lms.runtime import BACKGROUND_THREADS
from denchi.lms.web import create_app


def test_sqlite_runs_in_wal_mode_with_synchronous_normal(tmp_path):
    with runtime_in(tmp_path) as rt, rt.db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_pool_keeps_a_connection_for_every_thread(tmp_path):
    with runtime_in(tmp_path, web_threads=7, worker_threads=3) as rt:
        assert rt.db.engine.pool.size() == 7 + 3 + BACKGROUND_THREADS  # type: ignore[attr-defined]


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_login_initiation_keeps_its_database_work_out_of_the_event_loop(
    tmp_path, monkeypatch, method
):
    """A blocking write in the event loop holds up every other request (``/health`` rose to
    over a second while 40 POST logins arrived); it belongs in the threadpool."""
    seen: list[bool] = []
    begin = login_states.begin

    def watched(*args, **kwargs):
        seen.append(_in_event_loop())
        return begin(*args, **kwargs)

    monkeypatch.setattr(login_states, "begin", watched)
    params = {"iss": "https://moodle.example", "login_hint": "x", "client_id": "c",
              "target_link_uri": "https://tool.example/lti/launch"}  # fmt: skip
    with runtime_in(tmp_path, base_url="https://tool.example") as rt:
        register_platform(rt.db)
        client = TestClient(create_app(rt), base_url="https://tool.example")
        if method == "POST":
            response = client.post("/lti/login", data=params, follow_redirects=False)
        else:
            response = client.get("/lti/login", params=params, follow_redirects=False)
    assert response.status_code == 302, response.text
    assert seen == [False]
