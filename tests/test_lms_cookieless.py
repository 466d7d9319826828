"""Launches in browsers that keep no cookie of the tool inside the LMS iframe (Safari, iPad):
the OIDC state checked through the platform's storage (lti_storage_target, lti.put_data /
lti.get_data, emulated by the test platform), and the new window that carries the session by a
one-time, one-minute token. Each security check is shown to refuse by its own reason, and the
whole way is shown to work."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from datetime import timedelta
from urllib.parse import urlencode

import jwt
import pytest
from lms.harness import Browser, make_courseware, register_manually, start_tool, wait_for
from lms.platform import Person, Platform
from sqlalchemy import func, select, update

from denchi.lms import handoff, handoff_tokens, models
from denchi.lms.models import utcnow

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lms")]
STUDENT = Person("u-401", "西 花子")
TEACHER = Person("t-401", "南 先生", "Instructor")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lms-cookieless")
    platform = Platform()
    platform.start()
    tool = start_tool(folder, make_courseware(folder / "courseware"))
    register_manually(tool, platform)
    course = platform.course("nocookie", STUDENT, TEACHER)
    course.links["rl-nc"] = {
        "title": "課題",
        "url": f"{tool.url}/lti/launch",
        "custom": {"denchi_kind": "assignment", "denchi_target": "z01_dummy"},
    }
    yield platform, tool, course
    tool.stop()
    platform.stop()


def counts(tool) -> dict:
    tables = (models.User, models.BrowserSession, models.Membership, models.LoginState)
    with tool.rt.db.session() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in tables}


def launch_page(browser, platform, answer):
    """The platform's launch POST, with lti_storage_target as Canvas sends it."""
    return browser.http.post(
        answer["action"],
        data={
            "id_token": answer["id_token"],
            "state": answer["state"],
            "lti_storage_target": platform.storage_frame,
        },
    )


def sessions_of(tool) -> list[models.BrowserSession]:
    with tool.rt.db.session() as s:
        return list(s.scalars(select(models.BrowserSession)).all())


def open_url_of(page: str) -> str:
    """The URL of the page's "open in a new window" button."""
    return html.unescape(re.search(r'href="([^"]*)" target="_blank"', page).group(1))


def test_safari_launches_through_platform_storage_and_a_new_window(world):
    """The whole way works: state and nonce put into and read from the platform's storage,
    the launch accepted, the blocked cookie detected, the tool opened in a new window."""
    platform, tool, course = world
    safari = Browser(cookies=False)
    page, answer = safari.storage_login(
        tool, platform, platform.launch_hint(STUDENT, course, "rl-nc"), STUDENT.sub
    )
    claims = jwt.decode(answer["id_token"], options={"verify_signature": False})
    assert {i["value"] for i in page["items"]} == {answer["state"], claims["nonce"]}
    assert {i["key"] for i in page["items"]} == {
        f"state_{answer['state']}",
        f"nonce_{claims['nonce']}",
    }
    check_page = launch_page(safari, platform, answer)
    assert "lti.get_data" not in check_page.text  # the script is a file, not inline
    accepted = safari.storage_continue(tool, platform, check_page)
    assert accepted.status_code == 303, accepted.text
    assert accepted.headers["location"].startswith(f"{tool.url}/lti/check?")
    blocked = safari.follow(accepted)  # the session cookie did not come back
    assert blocked.status_code == 200
    for text in (*handoff.BLOCKED, handoff.BUTTON):
        assert text in html.unescape(blocked.text)
    window = Browser()  # a top-level window: first party, its cookies work
    opened = window.follow(window.http.get(open_url_of(blocked.text)))
    assert opened.status_code == 200 and "提出する" in opened.text and STUDENT.name in opened.text
    again = Browser().http.get(open_url_of(blocked.text))  # the token is single use
    assert again.status_code == 401 and "（handoff）" in again.text


def test_a_teacher_in_safari_picks_content_in_the_new_window(world):
    """Deep linking through platform storage: the new window carries the launch's own session,
    to which the deep-linking request belongs."""
    platform, tool, course = world
    safari = Browser(cookies=False)
    _, answer = safari.storage_login(
        tool, platform, platform.deep_link_hint(TEACHER, course), TEACHER.sub
    )
    accepted = safari.storage_continue(tool, platform, launch_page(safari, platform, answer))
    blocked = safari.follow(accepted)
    window = Browser()
    picker = window.follow(window.http.get(open_url_of(blocked.text)))
    assert picker.status_code == 200, picker.text
    assert 'name="request_id"' in picker.text


def test_moodle_in_safari_offers_the_login_in_a_new_window(world):
    """No platform storage (Moodle) and no cookie in the iframe: the login's test request finds
    the state cookie missing before the platform is asked, and the button starts the same login
    in a top-level window, where it goes through."""
    platform, tool, course = world
    safari = Browser(cookies=False)
    hint = platform.launch_hint(STUDENT, course, "rl-nc")
    params = {"iss": platform.issuer, "login_hint": STUDENT.sub, "lti_message_hint": hint,
              "target_link_uri": f"{tool.url}/lti/launch"}  # fmt: skip
    login = safari.http.get(f"{tool.url}/lti/login", params=params)
    assert login.status_code == 302 and login.headers["location"].startswith(tool.url)
    blocked = safari.http.get(login.headers["location"])
    assert blocked.status_code == 200 and handoff.BLOCKED[0] in html.unescape(blocked.text)
    url = open_url_of(blocked.text)
    assert url.startswith(f"{tool.url}/lti/login?") and hint in url
    window = Browser()
    answer = window.http.get(window.login_redirect(tool, window.http.get(url)).headers["location"])
    page = window.follow(window.post_launch(answer.json()))
    assert page.status_code == 200 and "提出する" in page.text


def test_where_cookies_work_a_storage_login_goes_on_by_cookie(world):
    """Chrome with Partitioned cookies: the state cookie came back, so no check page and no
    new window, even though nothing was put into the platform's storage."""
    platform, tool, course = world
    chrome = Browser()
    _, answer = chrome.storage_login(
        tool, platform, platform.launch_hint(STUDENT, course, "rl-nc"), STUDENT.sub, store=False
    )
    response = launch_page(chrome, platform, answer)
    assert response.status_code == 303, response.text
    token = re.search(r"[?&]h=([^&]+)", response.headers["location"]).group(1)
    page = chrome.follow(response)
    assert page.status_code == 200 and "提出する" in page.text
    with tool.rt.db.session() as s:  # the unused hand-off was deleted at once
        assert (
            s.scalars(
                select(models.BrowserSession).where(
                    models.BrowserSession.token_hash == handoff_tokens._handoff_hash(token)
                )
            ).all()
            == []
        )


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
def test_a_continuation_from_another_page_is_refused(world, origin):
    platform, tool, course = world
    safari = Browser(cookies=False)
    _, answer = safari.storage_login(
        tool, platform, platform.launch_hint(STUDENT, course, "rl-nc"), STUDENT.sub
    )
    check_page = launch_page(safari, platform, answer)
    before = counts(tool)
    refused = safari.storage_continue(tool, platform, check_page, origin=origin)
    assert refused.status_code == 403 and "（origin）" in refused.text
    assert counts(tool) == before
    # the refusal did not burn the state: the genuine page still goes on
    assert safari.storage_continue(tool, platform, check_page).status_code == 303


def test_values_the_platform_did_not_store_are_refused(world):
    """Login CSRF: state and id_token from someone else's login, in a browser whose platform
    storage never received them; the check page reads nothing and the launch is refused."""
    platform, tool, course = world
    attacker = Browser(cookies=False)
    _, answer = attacker.storage_login(
        tool, platform, platform.launch_hint(STUDENT, course, "rl-nc"), STUDENT.sub, store=False
    )
    victim = Browser(cookies=False)
    check_page = launch_page(victim, platform, answer)
    before = counts(tool)
    refused = victim.storage_continue(tool, platform, check_page)
    assert refused.status_code == 401 and "（state）" in refused.text
    assert "保存できなかったか" in refused.text
    assert counts(tool) == before


def test_a_cookie_login_cannot_finish_through_platform_storage(world):
    """A login begun without lti_storage_target needs its cookie, even with the right values
    and the tool's Origin."""
    platform, tool, course = world
    browser = Browser()
    answer = browser.login(tool, platform, platform.launch_hint(STUDENT, course, "rl-nc"), "x")
    nonce = jwt.decode(answer["id_token"], options={"verify_signature": False})["nonce"]
    before = counts(tool)
    refused = Browser(cookies=False).http.post(
        f"{tool.url}/lti/launch/storage",
        data={
            "id_token": answer["id_token"],
            "state": answer["state"],
            "stored_state": answer["state"],
            "stored_nonce": nonce,
        },
        headers={"Origin": tool.url},
    )
    assert refused.status_code == 401 and "（state）" in refused.text
    assert "Cookie が必要" in refused.text
    assert counts(tool) == before
    assert browser.post_launch(answer).status_code == 303  # by its cookie it goes through


def test_a_storage_launch_is_single_use(world):
    platform, tool, course = world
    safari = Browser(cookies=False)
    _, answer = safari.storage_login(
        tool, platform, platform.launch_hint(STUDENT, course, "rl-nc"), STUDENT.sub
    )
    check_page = launch_page(safari, platform, answer)
    assert safari.storage_continue(tool, platform, check_page).status_code == 303
    replay = safari.storage_continue(tool, platform, check_page)
    assert replay.status_code == 401 and "すでに使われた" in replay.text


def test_the_new_window_token_expires_after_a_minute(world):
    platform, tool, course = world
    safari = Browser(cookies=False)
    page = safari.follow(
        safari.storage_continue(
            tool,
            platform,
            launch_page(
                safari,
                platform,
                safari.storage_login(
                    tool, platform, platform.launch_hint(STUDENT, course, "rl-nc"), STUDENT.sub
                )[1],
            ),
        )
    )
    url = open_url_of(page.text)
    token = re.search(r"[?&]h=([^&]+)", url).group(1)
    with tool.rt.db.session() as s:
        row = s.scalars(
            select(models.BrowserSession).where(
                models.BrowserSession.token_hash == handoff_tokens._handoff_hash(token)
            )
        ).one()
        assert timedelta(seconds=50) < row.expires_at - utcnow() <= timedelta(seconds=60)
        s.execute(
            update(models.BrowserSession)
            .where(models.BrowserSession.id == row.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    late = Browser().http.get(url)
    assert late.status_code == 401 and "（handoff）" in late.text and "1 分" in late.text
    assert "denchi_session" not in late.headers.get("set-cookie", "")


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "\\\\evil"])
def test_the_check_goes_on_only_to_the_tools_own_pages(world, target):
    platform, tool, course = world
    response = Browser().http.get(f"{tool.url}/lti/check", params={"next": target, "h": "x"})
    assert response.status_code == 400 and "（handoff）" in response.text


def test_the_script_is_served_as_a_file(world):
    platform, tool, course = world
    script = Browser().http.get(f"{tool.url}/lti/static/platform_storage.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "lti.get_data" in script.text


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="apt-get install chromium")
def test_in_a_real_browser_the_script_keeps_and_reads_the_state_in_the_lms_storage(tmp_path):
    """Headless Chromium: the LMS (on localhost) frames the tool (on 127.0.0.1, another site,
    so the tool's SameSite=Lax cookies on http are withheld); the tool's script puts state and
    nonce into the LMS's storage frame, reads them back at launch and the launch is accepted,
    ending at the new-window page (its session cookie is withheld too)."""
    platform = Platform()
    port = platform.sock.getsockname()[1]
    platform.url = platform.issuer = f"http://localhost:{port}"
    platform.auth_form = True
    platform.start()
    tool = start_tool(tmp_path, make_courseware(tmp_path / "courseware"))
    try:
        register_manually(tool, platform)
        course = platform.course("browser", STUDENT)
        course.links["rl-b"] = {
            "title": "課題",
            "url": f"{tool.url}/lti/launch",
            "custom": {"denchi_kind": "assignment", "denchi_target": "z01_dummy"},
        }
        login = f"{tool.url}/lti/login?" + urlencode(
            {
                "iss": platform.issuer,
                "login_hint": STUDENT.sub,
                "target_link_uri": f"{tool.url}/lti/launch",
                "lti_message_hint": platform.launch_hint(STUDENT, course, "rl-b"),
                "lti_storage_target": platform.storage_frame,
            }
        )
        # a folder pytest removes later: Chromium may still write its profile after it stops
        with tempfile.TemporaryDirectory(dir=tmp_path, ignore_cleanup_errors=True) as profile:
            browser = subprocess.Popen(
                [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--user-data-dir={profile}",
                 f"{platform.url}/course-page?" + urlencode({"login": login})],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            try:
                # 180 s, as the book's Chromium checks (tests/test_book.py): on two cores busy with
                # the book's build, Chromium once took over 60 s for this launch (about 3 s alone)
                wait_for(lambda: len(sessions_of(tool)) == 2, 180, "the launch in Chromium")
            finally:
                browser.terminate()
                browser.wait(timeout=30)
        with tool.rt.db.session() as s:
            logins = s.scalars(select(models.LoginState)).all()
        sessions = sessions_of(tool)
        assert logins == []  # the storage login was completed and its state consumed
        lifetimes = sorted((row.expires_at - utcnow()).total_seconds() for row in sessions)
        assert len(lifetimes) == 2 and lifetimes[0] <= 60 < lifetimes[1]  # hand-off, session
    finally:
        tool.stop()
        platform.stop()


@pytest.mark.parametrize("when", ["before the check page", "before the continuation"])
def test_an_expired_storage_login_is_refused(world, when):
    """The platform-storage way checks the login state's expiry at both of its steps."""
    platform, tool, course = world
    safari = Browser(cookies=False)
    _, answer = safari.storage_login(
        tool, platform, platform.launch_hint(STUDENT, course, "rl-nc"), STUDENT.sub
    )

    def expire() -> None:
        with tool.rt.db.session() as s:
            s.execute(
                update(models.LoginState)
                .where(models.LoginState.state == answer["state"])
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )

    check_page = launch_page(safari, platform, answer)
    assert check_page.status_code == 200  # while the state lives, the check page is served
    before = counts(tool)
    expire()
    if when == "before the check page":
        refused = launch_page(safari, platform, answer)
    else:
        refused = safari.storage_continue(tool, platform, check_page)
    assert refused.status_code == 401 and "（state）" in refused.text
    assert "期限が切れています" in refused.text
    assert counts(tool) == before
