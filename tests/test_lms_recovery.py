"""Recovery: what an operator meets when something breaks (issue 21, "Recovery").

Each test runs the real tool (a real app, real signed launches from the platform emulator):
a submission that cannot be graded ends failed with its reason and can be retried; claims a
killed process left are released on the next start; a second ``serve`` on the same data folder
is refused; a lost database is never silently replaced with a new signing key; clock skew is
logged; ``/health`` checks the database and the disk; a full disk gives learners the
bilingual error page.
"""

from __future__ import annotations

import errno
import logging
import re
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from lms.harness import (
    DUMMY,
    Browser,
    answered,
    csrf_of,
    make_courseware,
    place_assignment,
    register_manually,
    start_tool,
    wait_for,
)
from lms.platform import Person, Platform
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from denchi.lms import jobs, models, pages, submissions
from denchi.lms.config import make_config
from denchi.lms.instance import ToolStateError
from denchi.lms.runtime import Runtime

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lms")]
TEACHER = Person("t-601", "北 先生", "Instructor")
ANNA, BEN = Person("u-601", "青山 杏"), Person("u-602", "番場 勉")


@pytest.fixture
def platform():
    platform = Platform()
    platform.start()
    yield platform
    platform.stop()


@pytest.fixture
def courseware(tmp_path):
    return make_courseware(tmp_path / "courseware")


def settings_of(folder: Path, courseware: Path) -> dict:
    """The configuration values of :func:`start_tool` for ``folder`` (to build a second
    runtime on the same data folder)."""
    return {
        "database_url": f"sqlite:///{folder / 'lms.db'}",
        "data_dir": str(folder / "data"),
        "courseware_dir": str(courseware),
    }


def course_with_assignment(platform, tool):
    register_manually(tool, platform)
    course = platform.course("rc", TEACHER, ANNA, BEN)
    place_assignment(platform, tool, course, "rl-rc", "9")
    return course


def submit(platform, tool, course, person, data) -> tuple[Browser, int]:
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(person, course, "rl-rc"), "x")
    link_id = int(re.search(r'action="[^"]*/r/(\d+)/submit"', page.text).group(1))
    response = browser.http.post(
        f"{tool.url}/r/{link_id}/submit",
        data={"csrf": csrf_of(page.text)},
        files={"notebook": ("a.ipynb", data, "application/octet-stream")},
    )
    assert response.status_code == 303, response.text
    return browser, link_id


def submission_of(tool, person) -> models.Submission:
    with tool.rt.db.session() as s:
        return s.scalars(
            select(models.Submission)
            .join(models.User)
            .where(models.User.sub == person.sub)
            .order_by(models.Submission.created_at.desc())
        ).first()


# ---------------------------------------------------------------- 1. repeated failures


def test_a_submission_that_keeps_failing_ends_failed_and_can_be_retried(
    tmp_path, platform, courseware
):
    """The assignment's source notebook is truncated (a courseware update written to a full
    disk): grading breaks, and so did recording the failure (it reads the notebook for the
    maximum), so the submission stayed 「採点中」 and, once abandoned three times, stalled
    every round after it. It must end failed with its reason; the teacher retries it once
    the notebook is whole again."""
    tool = start_tool(tmp_path, courseware)
    try:
        tool.rt.queue.stop()  # the test runs the rounds itself
        course = course_with_assignment(platform, tool)
        release = tool.rt.grader.release_notebook(DUMMY, f"{DUMMY}.ipynb")
        source = courseware / "assessments" / "source" / DUMMY / f"{DUMMY}.ipynb"
        whole = source.read_bytes()
        learner, link_id = submit(platform, tool, course, ANNA, answered(release))
        submit(platform, tool, course, BEN, answered(release))
        with tool.rt.db.session() as s:  # Ben's was abandoned by three dead workers already
            ben = s.get_one(models.Submission, submission_of(tool, BEN).id)
            ben.status, ben.attempts = "grading", jobs.MAX_GRADING_ATTEMPTS
            ben.claimed_until = models.utcnow() - timedelta(seconds=1)
        source.write_bytes(whole[: len(whole) // 2])  # the disk filled up mid-write

        jobs.grade_pending(tool.rt)  # must not raise, must not leave anything 「採点中」

        anna, ben = submission_of(tool, ANNA), submission_of(tool, BEN)
        assert (anna.status, ben.status) == ("failed", "failed")
        assert "先生に相談" in anna.error and "ask your teacher" in anna.error
        assert anna.error.index("先生に相談") < anna.error.index("ask your teacher")
        assert "3 回とも終わりませんでした" in ben.error and "3 tries" in ben.error
        jobs.deliver_scores(tool.rt)
        last = {s["userId"]: s for s in platform.scores_for("rc")}
        assert last[ANNA.sub]["gradingProgress"] == "Failed"
        assert last[BEN.sub]["gradingProgress"] == "Failed"
        page = learner.http.get(f"{tool.url}/r/{link_id}").text
        assert "採点できず" in page and "採点中です" not in page

        # the teacher sees why, and a retry button for that work
        teacher = Browser()
        view = teacher.launch(tool, platform, platform.launch_hint(TEACHER, course, "rl-rc"), "t")
        assert "採点できず" in view.text and "先生に相談" in view.text
        assert f'name="submission" value="{anna.id}"' in view.text
        source.write_bytes(whole)  # the operator freed the disk and restored the courseware
        retried = teacher.http.post(
            f"{tool.url}/instructor/{link_id}/regrade",
            data={"csrf": csrf_of(view.text), "submission": anna.id},
        )
        assert retried.status_code == 303
        assert submission_of(tool, ANNA).status == "queued"
        jobs.grade_pending(tool.rt)
        anna = submission_of(tool, ANNA)
        assert (anna.status, anna.score, anna.error) == ("graded", 3, None)
        jobs.deliver_scores(tool.rt)
        last = {s["userId"]: s for s in platform.scores_for("rc")}
        assert last[ANNA.sub]["gradingProgress"] == "FullyGraded"
    finally:
        tool.stop()


# ---------------------------------------------------------------- 2. stale claims


def test_claims_of_a_killed_process_are_released_at_the_next_start(tmp_path, platform, courseware):
    tool = start_tool(tmp_path, courseware)
    tool.rt.queue.stop()
    course = course_with_assignment(platform, tool)
    release = tool.rt.grader.release_notebook(DUMMY, f"{DUMMY}.ipynb")
    submit(platform, tool, course, ANNA, answered(release))
    sub_id = submission_of(tool, ANNA).id
    with tool.rt.db.session() as s:  # the claim of a `serve` that was killed (SIGKILL)
        sub = s.get_one(models.Submission, sub_id)
        sub.status, sub.attempts = "grading", 1
        sub.claimed_until = models.utcnow() + timedelta(seconds=1020)
    tool.stop()

    started = time.monotonic()
    again = start_tool(tmp_path, courseware)
    try:

        def graded() -> bool:
            with again.rt.db.session() as s:
                return s.get_one(models.Submission, sub_id).status == "graded"

        wait_for(graded, 60, "the submission a dead process had claimed to be graded")
        assert time.monotonic() - started < 60
    finally:
        again.stop()


# ---------------------------------------------------------------- 3. one serve per folder


def test_a_second_serve_on_the_same_data_folder_is_refused(tmp_path, courseware, capsys):
    tool = start_tool(tmp_path, courseware)
    try:
        values = settings_of(tmp_path, courseware)
        second = Runtime(make_config(tmp_path / "denchi-lms.toml", **values))
        with pytest.raises(ToolStateError) as refused:
            second.queue.start()
        second.close()
        ja, en = str(refused.value).split("\n")  # Japanese first, then English
        assert "すでに" in ja and "already" in en
        assert str(tmp_path / "data") in ja and str(tmp_path / "data") in en

        # the command refuses before it listens on a port, exit status 2
        config = tmp_path / "denchi-lms.toml"
        config.write_text(
            "\n".join(f'{key} = "{value}"' for key, value in values.items()) + "\n",
            encoding="utf-8",
        )
        from denchi.cli import main

        assert main(["lms", "serve", "--config", str(config), "--port", "9"]) == 2
        assert "すでに" in capsys.readouterr().err
    finally:
        tool.stop()
    # once the first has stopped, the folder is free again
    third = Runtime(make_config(tmp_path / "denchi-lms.toml", **settings_of(tmp_path, courseware)))
    third.queue.start()
    third.queue.stop()
    third.close()


# ---------------------------------------------------------------- 4. lost database


def test_a_lost_database_is_not_silently_replaced_with_a_new_key(tmp_path, courseware, capsys):
    config = make_config(tmp_path / "denchi-lms.toml", **settings_of(tmp_path, courseware))
    first = Runtime(config)
    kid = first.keys.ensure()
    first.close()
    for path in tmp_path.glob("lms.db*"):  # deleted by mistake (or a disk that was replaced)
        path.unlink()

    with pytest.raises(ToolStateError) as refused:
        Runtime(config)
    ja, en = str(refused.value).split("\n")  # Japanese first, then English
    assert "データベース" in ja and "バックアップ" in ja and "--new-keys" in ja
    assert "database" in en and "backup" in en and "--new-keys" in en
    assert not (tmp_path / "lms.db").exists()  # nothing was made in its place

    # the command says the same and stops
    toml = tmp_path / "denchi-lms.toml"
    toml.write_text(
        "\n".join(f'{k} = "{v}"' for k, v in settings_of(tmp_path, courseware).items()),
        encoding="utf-8",
    )
    from denchi.cli import main

    assert main(["lms", "info", "--config", str(toml)]) == 2
    assert "--new-keys" in capsys.readouterr().err

    # only when the operator asks: a new database with a new key
    assert main(["lms", "rotate-keys", "--new-keys", "--config", str(toml)]) == 0
    fresh = Runtime(config)
    try:
        assert fresh.keys.ensure() != kid
    finally:
        fresh.close()


def test_an_installation_from_before_the_marker_starts_as_before(tmp_path, courseware):
    config = make_config(tmp_path / "denchi-lms.toml", **settings_of(tmp_path, courseware))
    first = Runtime(config)
    kid = first.keys.ensure()
    first.close()
    for marker in (tmp_path / "data").glob("*.json"):
        marker.unlink()  # an installation made before the tool wrote its marker
    again = Runtime(config)
    try:
        assert again.keys.ensure() == kid
    finally:
        again.close()


# ---------------------------------------------------------------- 5. clock skew


def test_clock_skew_is_logged_with_the_times(tmp_path, platform, courseware, caplog):
    tool = start_tool(tmp_path, courseware)
    try:
        course = course_with_assignment(platform, tool)
        browser = Browser()
        answer = browser.login(tool, platform, platform.launch_hint(ANNA, course, "rl-rc"), "x")
        claims = jwt.decode(answer["id_token"], options={"verify_signature": False})
        ahead = int(time.time()) + 900  # the LMS's clock is 15 minutes fast
        token = platform.sign({**claims, "iat": ahead, "nbf": ahead, "exp": ahead + 300})
        with caplog.at_level(logging.WARNING, logger="denchi.lms"):
            response = browser.post_launch(answer, id_token=token)
        assert response.status_code == 401 and "（iat）" in response.text
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        skew = [w for w in warnings if platform.issuer in w and "iat" in w]
        assert skew, warnings
        assert str(ahead) in skew[0] and "server" in skew[0] and "leeway" in skew[0]
    finally:
        tool.stop()


# ---------------------------------------------------------------- 6. health and full disk


def test_health_checks_the_database_and_the_data_folder(tmp_path, courseware):
    import httpx

    def health(status: int) -> httpx.Response:
        """/health once it answers ``status`` (its answer may be up to 1 s old)."""
        deadline = time.monotonic() + 10
        while (response := httpx.get(f"{tool.url}/health")).status_code != status:
            assert time.monotonic() < deadline, response.text
            time.sleep(0.2)
        return response

    tool = start_tool(tmp_path, courseware)
    try:
        healthy = health(200)
        assert healthy.status_code == 200 and healthy.json()["status"] == "ok"

        data = Path(tool.rt.config.data_dir)
        aside = data.with_name("data-aside")
        data.rename(aside)
        data.write_text("not a folder")  # the data folder cannot be written to
        body = health(503).json()
        assert body["status"] == "error" and body["checks"]["data_dir"] != "ok"
        assert body["checks"]["database"] == "ok"
        data.unlink()
        aside.rename(data)
        health(200)

        tool.rt.db.engine.dispose()
        moved = tmp_path / "moved"
        moved.mkdir()
        for path in tmp_path.glob("lms.db*"):
            path.rename(moved / path.name)
        (tmp_path / "lms.db").mkdir()  # the database file cannot be opened
        assert health(503).json()["checks"]["database"] != "ok"
        (tmp_path / "lms.db").rmdir()
        tool.rt.db.engine.dispose()
        for path in moved.iterdir():
            path.rename(tmp_path / path.name)
        health(200)
    finally:
        tool.stop()


def test_health_answers_while_every_web_thread_is_busy(tmp_path, courseware, monkeypatch):
    """A class's burst of launches may hold every web thread (``web_threads``); a monitor or
    load balancer asking ``/health`` then must not wait behind them (issue 21: /health p95
    rose to 0.3-0.7 s during a burst, and a balancer would take the busy tool for dead)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from denchi.lms import login_states

    held, release = threading.Semaphore(0), threading.Event()
    begin = login_states.begin

    def stalled_begin(*args, **kwargs):  # a login whose database work takes its time
        held.release()
        release.wait(60)
        return begin(*args, **kwargs)

    monkeypatch.setattr(login_states, "begin", stalled_begin)
    tool = start_tool(tmp_path, courseware, web_threads=2)
    try:
        with ThreadPoolExecutor(2) as logins:
            busy = [
                logins.submit(
                    httpx.post,
                    f"{tool.url}/lti/login",
                    data={
                        "iss": "https://lms.example",
                        "login_hint": "x",
                        "target_link_uri": f"{tool.url}/lti/launch",
                    },
                    timeout=90,
                )  # fmt: skip
                for _ in range(2)
            ]
            try:
                for _ in range(2):  # both web threads are inside a login now
                    assert held.acquire(timeout=30)
                answer = httpx.get(f"{tool.url}/health", timeout=10)
                assert answer.status_code == 200 and answer.json()["status"] == "ok"
            finally:
                release.set()
            assert all(future.result().status_code < 500 for future in busy)
    finally:
        tool.stop()


def _disk_full(kind: str) -> Exception:
    if kind == "sqlite":
        return OperationalError(
            "INSERT INTO submissions", {}, sqlite3.OperationalError("database or disk is full")
        )
    return OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("kind", ["sqlite", "oserror"])
def test_a_learner_on_a_full_disk_gets_the_bilingual_error_page(
    tmp_path, platform, courseware, monkeypatch, kind
):
    tool = start_tool(tmp_path, courseware)
    try:
        course = course_with_assignment(platform, tool)
        release = tool.rt.grader.release_notebook(DUMMY, f"{DUMMY}.ipynb")
        browser = Browser()
        page = browser.launch(tool, platform, platform.launch_hint(ANNA, course, "rl-rc"), "x")
        link_id = re.search(r'action="[^"]*/r/(\d+)/submit"', page.text).group(1)

        def full(*_args, **_kwargs):
            raise _disk_full(kind)

        monkeypatch.setattr(submissions, "store", full)
        response = browser.http.post(
            f"{tool.url}/r/{link_id}/submit",
            data={"csrf": csrf_of(page.text)},
            files={"notebook": ("a.ipynb", answered(release), "application/octet-stream")},
        )
        assert response.status_code == 503
        assert "Internal Server Error" not in response.text
        assert "ディスク" in response.text and "disk" in response.text
        assert response.text.index("ディスク") < response.text.index("disk is full")
        assert "text/html" in response.headers["content-type"]
    finally:
        tool.stop()


def test_an_unexpected_error_gives_the_bilingual_page(tmp_path, platform, courseware, monkeypatch):
    tool = start_tool(tmp_path, courseware)
    try:
        course = course_with_assignment(platform, tool)
        browser = Browser()
        page = browser.launch(tool, platform, platform.launch_hint(ANNA, course, "rl-rc"), "x")
        link_id = re.search(r'action="[^"]*/r/(\d+)/submit"', page.text).group(1)

        def broken(*_args, **_kwargs):
            raise RuntimeError("a bug")

        monkeypatch.setattr(pages, "_learner_page", broken)
        response = browser.http.get(f"{tool.url}/r/{link_id}")
        assert response.status_code == 500
        assert "Internal Server Error" not in response.text
        assert "開けませんでした" in response.text and "a bug" not in response.text
    finally:
        tool.stop()
