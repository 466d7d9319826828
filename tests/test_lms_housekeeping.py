"""Housekeeping as a plain function on SQLite in a temporary folder (issue 11 item 6, issue 21
"Old sessions and login states are cleaned up"): what has expired or was used is deleted, what
a browser or an LMS administrator may still use is kept; both queues run it on a schedule."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from lms.example import register_platform, runtime_in
from sqlalchemy import select

from denchi.lms import handoff_tokens, housekeeping, jobs
from denchi.lms.models import (
    BrowserSession,
    DeepLinkRequest,
    LoginState,
    RegistrationToken,
    User,
    utcnow,
)
from denchi.lms.store import new_token, token_hash

HOUR = timedelta(hours=1)


@pytest.fixture
def rt(tmp_path):
    with runtime_in(tmp_path, base_url="https://tool.example") as runtime:
        yield runtime


def _fill(rt) -> dict[str, set]:
    """Rows of every kind, live and dead; returns the keys of those that must stay."""
    now = utcnow()
    platform_id = register_platform(rt.db, client_id="c-1", deployment="d-1")
    with rt.db.session() as s:
        user = User(platform_id=platform_id, sub="u-1", student_key="s1")
        s.add(user)
        s.flush()

        def login(state: str, expires):
            s.add(LoginState(state=state, nonce=f"n-{state}", platform_id=platform_id,
                             expires_at=expires))  # fmt: skip

        login("live", now + timedelta(minutes=5))
        login("dead", now - timedelta(seconds=1))

        def session(name: str, expires) -> BrowserSession:
            row = BrowserSession(token_hash=token_hash(name), csrf_token="x", user_id=user.id,
                                 expires_at=expires)  # fmt: skip
            s.add(row)
            s.flush()
            return row

        live, dead = session("live", now + HOUR), session("dead", now - timedelta(seconds=1))
        for name, session_row, expires in [
            ("live", live, now + HOUR),
            ("expired", live, now - timedelta(seconds=1)),
            # not expired itself, but its session has: it can never be used again
            ("orphan", dead, now + HOUR),
        ]:
            s.add(DeepLinkRequest(id=name, session_id=session_row.id, platform_id=platform_id,
                                  claims={}, expires_at=expires))  # fmt: skip
        for name, expires, used in [
            ("unused", now + HOUR, None),
            ("expired", now - timedelta(seconds=1), None),
            ("used-long-ago", now + HOUR, now - 2 * housekeeping.REGISTRATION_GRACE),
            # a registration with it may still be under way (and give it back if it fails)
            ("in-use", now + HOUR, now - timedelta(seconds=5)),
        ]:
            s.add(RegistrationToken(token_hash=token_hash(name), expires_at=expires,
                                    used_at=used))  # fmt: skip
    # a new-window hand-off token of lms/handoff.py (60 s), then one that has run out
    with rt.db.session() as s:
        handoff_tokens.new_handoff(s, live.id, user.id)
        s.add(BrowserSession(token_hash=token_hash(f"handoff:{live.id}.{new_token()}"),
                             csrf_token="x", user_id=user.id,
                             expires_at=now - timedelta(seconds=1)))  # fmt: skip
    return {
        "login_states": {"live"},
        "deep_link_requests": {"live"},
        "registration_tokens": {token_hash("unused"), token_hash("in-use")},
    }


def _left(rt) -> dict[str, set]:
    with rt.db.session() as s:
        return {
            "login_states": set(s.scalars(select(LoginState.state))),
            "deep_link_requests": set(s.scalars(select(DeepLinkRequest.id))),
            "registration_tokens": set(s.scalars(select(RegistrationToken.token_hash))),
            "sessions_expired": set(
                s.scalars(select(BrowserSession.id).where(BrowserSession.expires_at <= utcnow()))
            ),
            "sessions_live": set(
                s.scalars(select(BrowserSession.id).where(BrowserSession.expires_at > utcnow()))
            ),
        }


def test_sweep_deletes_what_expired_or_was_used_and_keeps_the_rest(rt):
    kept = _fill(rt)
    before = _left(rt)
    assert len(before["sessions_live"]) == 2  # the session and its live hand-off token

    swept = housekeeping.sweep(rt.db)

    after = _left(rt)
    for kind, keys in kept.items():
        assert after[kind] == keys, kind
    assert after["sessions_expired"] == set()
    assert after["sessions_live"] == before["sessions_live"]
    assert swept == housekeeping.Swept(
        login_states=1, sessions=2, deep_link_requests=2, registration_tokens=2
    )
    assert housekeeping.sweep(rt.db) == housekeeping.Swept()  # nothing more to delete


def test_the_embedded_queue_sweeps_in_its_background_loop(rt):
    _fill(rt)
    queue = jobs.EmbeddedQueue(rt, poll_s=0.05)
    queue.start()
    try:
        deadline = utcnow() + timedelta(seconds=10)
        while _left(rt)["login_states"] != {"live"}:
            assert utcnow() < deadline, "the embedded queue never swept"
            queue._stop.wait(0.05)
    finally:
        queue.stop()
    assert _left(rt)["sessions_expired"] == set()


def test_the_procrastinate_periodic_task_sweeps(rt, monkeypatch):
    """The periodic ``denchi.sweep`` task (every minute) runs the same function; its grading
    part is left out here (it needs PostgreSQL, test_lms_postgres.py)."""
    _fill(rt)
    queue = jobs.ProcrastinateQueue(rt)  # not opened: the task's function is called directly
    monkeypatch.setattr(jobs, "grade_pending", lambda *args, **kwargs: 0)
    monkeypatch.setattr(queue, "scores_enqueued", lambda: None)
    monkeypatch.setattr(queue, "workers", lambda: 1)
    queue.app.tasks["denchi.sweep"](SimpleNamespace(job=SimpleNamespace(id=1)), timestamp=0)
    assert _left(rt)["login_states"] == {"live"}
    assert _left(rt)["deep_link_requests"] == {"live"}
