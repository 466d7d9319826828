"""Every check of the 1EdTech Security Framework refuses a bad id_token with a clear error and
changes nothing; key rotation on both sides works."""

from __future__ import annotations

import base64
import http.client
import json
import re
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from lms.harness import Browser, make_courseware, register_manually, start_tool
from lms.platform import LTI, Person, Platform, rsa_key
from sqlalchemy import func, select

from denchi.lms import models

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lms")]
STUDENT = Person("u-301", "東 一郎")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lms-security")
    platform = Platform()
    platform.start()
    tool = start_tool(folder, make_courseware(folder / "courseware"))
    register_manually(tool, platform)
    course = platform.course("sec", STUDENT)
    course.links["rl-sec"] = {
        "title": "課題",
        "url": f"{tool.url}/lti/launch",
        "custom": {"denchi_kind": "assignment", "denchi_target": "z01_dummy"},
    }
    yield platform, tool, course
    tool.stop()
    platform.stop()


def counts(tool) -> dict:
    tables = (models.User, models.BrowserSession, models.Membership, models.Context,
              models.ResourceLink, models.Submission, models.LoginState)  # fmt: skip
    with tool.rt.db.session() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in tables}


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def forge(platform, claims, answer):
    """Variants of an id_token an attacker (or a broken LMS) might send."""
    attacker = rsa_key()
    return {
        "forged": jwt.encode(claims, attacker, "RS256", headers={"kid": platform.kid}),
        "expired": platform.sign({**claims, "exp": int(time.time()) - 3600}),
        "iat_in_future": platform.sign({**claims, "iat": int(time.time()) + 3600}),
        "wrong_aud": platform.sign({**claims, "aud": "someone-else"}),
        "wrong_iss": platform.sign({**claims, "iss": "https://evil.example"}),
        "several_aud_without_azp": platform.sign({**claims, "aud": [claims["aud"], "other"]}),
        "wrong_azp": platform.sign({**claims, "azp": "other"}),
        "unknown_kid": jwt.encode(claims, attacker, "RS256", headers={"kid": "no-such-key"}),
        "alg_none": f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': platform.kid})}.{b64(claims)}.",
        "hs256": jwt.encode(
            claims,
            "a-shared-secret-guess-of-32-bytes-or-more",
            "HS256",
            headers={"kid": platform.kid},
        ),
        "tampered": ".".join(
            [
                answer["id_token"].split(".")[0],
                b64({**claims, "sub": "u-999"}),
                answer["id_token"].split(".")[2],
            ]
        ),  # fmt: skip
        "wrong_nonce": platform.sign({**claims, "nonce": "guessed"}),
        "unregistered_deployment": platform.sign({**claims, LTI + "deployment_id": "other"}),
        "wrong_version": platform.sign({**claims, LTI + "version": "1.1"}),
        "wrong_message_type": platform.sign({**claims, LTI + "message_type": "Other"}),
        "garbage": "not-a-jwt",
    }


# each forged variant and the check that must refuse it (its code is on the error page)
VARIANTS = {"forged": "signature", "expired": "expired", "iat_in_future": "iat",
            "wrong_aud": "aud", "wrong_iss": "iss", "several_aud_without_azp": "azp",
            "wrong_azp": "azp", "unknown_kid": "unknown_kid", "alg_none": "alg", "hs256": "alg",
            "tampered": "signature", "wrong_nonce": "nonce",
            "unregistered_deployment": "deployment", "wrong_version": "version",
            "wrong_message_type": "message_type", "garbage": "malformed"}  # fmt: skip


@pytest.mark.parametrize("variant", VARIANTS)
def test_bad_id_tokens_are_refused_and_change_nothing(world, variant):
    platform, tool, course = world
    browser = Browser()
    answer = browser.login(tool, platform, platform.launch_hint(STUDENT, course, "rl-sec"), "x")
    claims = jwt.decode(answer["id_token"], options={"verify_signature": False})
    token = forge(platform, claims, answer)[variant]
    before = counts(tool)
    response = browser.post_launch(answer, id_token=token)
    assert response.status_code in (400, 401), response.text
    assert f"（{VARIANTS[variant]}）" in response.text  # refused by the check meant to
    assert "開けませんでした" in response.text and "denchi_session" not in response.headers.get(
        "set-cookie", ""
    )
    assert counts(tool) == before  # no user, session, course or link was made
    # the genuine token still works afterwards: the refusal did not burn the state
    assert browser.post_launch(answer).status_code == 303


def test_a_replayed_launch_is_refused(world):
    platform, tool, course = world
    browser = Browser()
    answer = browser.login(tool, platform, platform.launch_hint(STUDENT, course, "rl-sec"), "x")
    assert browser.post_launch(answer).status_code == 303
    before = counts(tool)
    first = browser.post_launch(answer)  # the state cookie is gone
    assert first.status_code == 401 and "（state）" in first.text
    # even with the state cookie put back, the state (and its nonce) is single use
    from denchi.lms.web import _state_cookie

    browser.http.cookies.set(_state_cookie(answer["state"]), answer["state"])
    replay = browser.post_launch(answer)
    assert replay.status_code == 401 and "すでに使われた" in replay.text
    assert "（state）" in replay.text
    assert counts(tool) == before


def expire_login(tool, state: str) -> None:
    """Let the login state of ``state`` run out, as if the learner waited too long."""
    with tool.rt.db.session() as s:
        s.get_one(models.LoginState, state).expires_at = models.utcnow() - timedelta(seconds=1)


def test_an_expired_login_state_is_refused(world):
    platform, tool, course = world
    browser = Browser()
    answer = browser.login(tool, platform, platform.launch_hint(STUDENT, course, "rl-sec"), "x")
    expire_login(tool, answer["state"])
    before = counts(tool)
    response = browser.post_launch(answer)
    assert response.status_code == 401 and "（state）" in response.text
    assert "期限が切れています" in response.text
    assert counts(tool) == before


def test_an_expired_login_is_refused_at_its_test_request(world):
    """``/lti/login/check`` goes on to the platform only for a login that has not expired."""
    platform, tool, course = world
    browser = Browser()
    login = browser.http.get(
        f"{tool.url}/lti/login",
        params={"iss": platform.issuer, "login_hint": "x", "target_link_uri": tool.url},
    )
    check = login.headers["location"]
    assert "/lti/login/check?" in check
    goes_on = browser.http.get(check)  # while the state lives, on to the platform
    assert goes_on.status_code == 302 and goes_on.headers["location"].startswith(platform.url)
    expire_login(tool, parse_qs(urlsplit(check).query)["state"][0])
    response = browser.http.get(check)
    assert response.status_code == 401 and "（state）" in response.text


def test_a_launch_from_another_browser_is_refused(world):
    platform, tool, course = world
    victim = Browser()
    answer = victim.login(tool, platform, platform.launch_hint(STUDENT, course, "rl-sec"), "x")
    attacker = Browser()  # has no state cookie: login CSRF / stolen token
    before = counts(tool)
    response = attacker.post_launch(answer)
    assert response.status_code == 401 and "ブラウザ" in response.text
    assert "（state）" in response.text
    assert counts(tool) == before


def test_the_state_cookie_is_httponly_and_short_lived(world):
    platform, tool, course = world
    browser = Browser()
    response = browser.http.get(
        f"{tool.url}/lti/login",
        params={"iss": platform.issuer, "login_hint": "x", "target_link_uri": tool.url},
    )
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Max-Age=600" in cookie and "SameSite=lax" in cookie


def test_unknown_platform_and_missing_parameters_are_refused(world):
    platform, tool, course = world
    browser = Browser()
    unknown = browser.http.get(
        f"{tool.url}/lti/login",
        params={"iss": "https://unknown.example", "login_hint": "x", "target_link_uri": "y"},
    )
    assert unknown.status_code == 400 and "登録されていません" in unknown.text
    missing = browser.http.post(f"{tool.url}/lti/login", data={"iss": platform.issuer})
    assert missing.status_code == 400 and "login_hint" in missing.text


def test_platform_key_rotation_is_followed(world):
    platform, tool, course = world
    platform.rotate_key()  # the LMS signs with a new kid; the tool must refetch the JWKS
    time.sleep(tool.rt.jwks.min_refetch_s + 0.1) if tool.rt.jwks.min_refetch_s < 1 else None
    tool.rt.jwks.min_refetch_s = 0  # the test does not wait the real refetch interval
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(STUDENT, course, "rl-sec"), "x")
    assert page.status_code == 200 and "提出する" in page.text


def test_tool_key_rotation_keeps_the_old_key_published_for_a_while(world):
    _platform, tool, _course = world
    keys = tool.rt.keys
    old = {k["kid"] for k in keys.jwks()["keys"]}
    new = keys.rotate()
    published = {k["kid"] for k in keys.jwks()["keys"]}
    assert published == old | {new}
    assert all(k["alg"] == "RS256" and "d" not in k for k in keys.jwks()["keys"])  # public only
    later = models.utcnow() + keys.grace + keys.grace
    assert {k["kid"] for k in keys.jwks(now=later)["keys"]} == {new}
    token = keys.sign({"x": 1})
    assert jwt.get_unverified_header(token)["kid"] == new


def test_unknown_kids_do_not_make_the_tool_hammer_the_lms(world):
    platform, tool, course = world
    from denchi.lms.lti import JwksCache, LaunchError

    cache = JwksCache(min_refetch_s=60)
    fetches = []
    real = cache._fetch
    cache._fetch = lambda url: fetches.append(url) or real(url)
    for n in range(5):
        with pytest.raises(LaunchError, match="kid"):
            cache.key(f"{platform.url}/jwks", f"made-up-{n}")
    assert len(fetches) == 1


def learner_page(platform, tool, course):
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(STUDENT, course, "rl-sec"), "x")
    link = page.text.split('/submit"')[0].rsplit("/r/", 1)[1]
    return browser, page, f"{tool.url}/r/{link}/submit"


def upload(browser, url, page, name, data):
    from lms.harness import csrf_of

    return browser.http.post(
        url, data={"csrf": csrf_of(page.text)}, files={"notebook": (name, data, "text/plain")}
    )


@pytest.mark.parametrize(
    "name, data, status, message",
    [
        ("big.ipynb", b"{" + b" " * 300_000 + b"}", 413, "大きすぎます"),
        ("photo.ipynb", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), 400, "読めませんでした"),
        ("text.ipynb", b"print('hello')", 400, "読めませんでした"),
        ("deep.ipynb", b"[" * 50_000 + b"]" * 50_000, 400, "読めませんでした"),
        ("bad.ipynb", json.dumps({"cells": "no", "nbformat": 4}).encode(), 400, "読めませんでした"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(world, name, data, status, message):
    platform, tool, course = world
    browser, page, url = learner_page(platform, tool, course)
    before = counts(tool)
    response = upload(browser, url, page, name, data)
    assert response.status_code == status and message in response.text
    assert counts(tool) == before


def test_another_assignments_notebook_is_refused(world):
    platform, tool, course = world
    import nbformat

    browser, page, url = learner_page(platform, tool, course)
    source = tool.rt.courseware / "assessments/source/h04_lithium_ion/h04_lithium_ion.ipynb"
    response = upload(browser, url, page, "h04.ipynb", source.read_bytes())
    assert response.status_code == 400 and "ダウンロードし直して" in response.text
    before = counts(tool)
    empty = nbformat.writes(nbformat.v4.new_notebook()).encode()
    refused = upload(browser, url, page, "empty.ipynb", empty)
    # the reason on the learner's page: an empty notebook names no assignment
    assert refused.status_code == 400 and "どの課題のものかの印がありません" in refused.text
    assert "z01_dummy" in refused.text and counts(tool) == before


def test_a_form_without_the_csrf_token_is_refused(world):
    platform, tool, course = world
    browser, page, url = learner_page(platform, tool, course)
    before = counts(tool)
    response = browser.http.post(url, files={"notebook": ("a.ipynb", b"{}", "text/plain")})
    assert response.status_code == 403 and "（csrf）" in response.text
    assert "フォームが古くなっています" in response.text
    assert counts(tool) == before


def test_path_tricks_in_the_file_name_do_nothing(world):
    platform, tool, course = world
    from lms.harness import answered

    browser, page, url = learner_page(platform, tool, course)
    release = tool.rt.grader.release_notebook("z01_dummy", "z01_dummy.ipynb")
    response = upload(browser, url, page, "../../../../tmp/evil.ipynb", answered(release))
    assert response.status_code == 303
    assert not Path("/tmp/evil.ipynb").exists()
    assert not list(tool.rt.config.data_dir.parent.rglob("evil.ipynb"))
    with tool.rt.db.session() as s:
        sub = s.scalars(select(models.Submission)).one()  # the name is only shown, never a path
        assert sub.original_name.endswith("evil.ipynb") and "answer = 42" in sub.notebook


TEACHER = Person("t-301", "西 先生", "Instructor")


def _outside_data_dir(tool) -> dict[str, float]:
    """Every file around the tool's data directory (its parent folder), with its mtime."""
    root, data = tool.rt.config.data_dir.parent, tool.rt.config.data_dir
    return {
        str(p): p.stat().st_mtime
        for p in root.rglob("*")
        if p.is_file() and not p.is_relative_to(data) and not p.name.startswith("lms.db")
    }


@pytest.mark.parametrize(
    "kind, target",
    [
        ("assignment", "../x"),
        ("assignment", "../../../source/h04_lithium_ion"),
        ("assignment", "e99_missing"),
        ("assignment", "z01_dummy "),
        ("assignment", "modules/h04_lithium_ion/index"),
        ("page", "../../../etc/passwd"),
        ("page", "z01_dummy"),
        ("other", "z01_dummy"),
    ],
)
def test_a_link_naming_no_catalog_target_is_refused_at_launch(world, kind, target):
    platform, tool, course = world
    link_id = f"rl-bad-{abs(hash((kind, target)))}"
    course.links[link_id] = {
        "title": "壊れたリンク",
        "url": f"{tool.url}/lti/launch",
        "custom": {"denchi_kind": kind, "denchi_target": target},
    }
    before = _outside_data_dir(tool)
    browser = Browser()
    response = browser.post_launch(
        browser.login(tool, platform, platform.launch_hint(STUDENT, course, link_id), "x")
    )
    assert response.status_code == 400, response.text
    assert "教材が設定されていません" in response.text and "（link）" in response.text
    with tool.rt.db.session() as s:
        stored = s.scalars(
            select(models.ResourceLink).where(models.ResourceLink.resource_link_id == link_id)
        ).all()
    assert stored == []
    assert _outside_data_dir(tool) == before


def test_a_stored_link_with_a_bad_target_is_refused_not_a_server_error(world):
    """Links stored before targets were checked: every page refuses them with the reason."""
    platform, tool, course = world
    course.members.append(TEACHER)
    course.links["rl-stale"] = {
        "title": "古いリンク",
        "url": f"{tool.url}/lti/launch",
        "custom": {"denchi_kind": "assignment", "denchi_target": "z01_dummy"},
    }
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(STUDENT, course, "rl-stale"), "x")
    teacher = Browser()
    teacher.launch(tool, platform, platform.launch_hint(TEACHER, course, "rl-stale"), "t")
    with tool.rt.db.session() as s:
        link = s.scalars(
            select(models.ResourceLink).where(models.ResourceLink.resource_link_id == "rl-stale")
        ).one()
        link.target, link_id = "e99_missing ", link.id
    from lms.harness import csrf_of

    answers = {
        "page": browser.http.get(f"{tool.url}/r/{link_id}"),
        "download": browser.http.get(f"{tool.url}/r/{link_id}/download/z01_dummy.ipynb"),
        "submit": browser.http.post(
            f"{tool.url}/r/{link_id}/submit",
            data={"csrf": csrf_of(page.text)},
            files={"notebook": ("a.ipynb", b"{}", "text/plain")},
        ),
        "zip": teacher.http.get(f"{tool.url}/instructor/{link_id}/submissions.zip"),
        "csv": teacher.http.get(f"{tool.url}/instructor/{link_id}/grades.csv"),
        "relaunch": browser.post_launch(
            browser.login(tool, platform, platform.launch_hint(STUDENT, course, "rl-stale"), "x")
        ),
    }
    for what, response in answers.items():
        assert response.status_code == 400, (what, response.status_code, response.text[:300])
        assert "（link）" in response.text, what


def test_everything_the_tool_keeps_is_private(world):
    """Prepared courses (solutions, hidden tests) and the database are the tool user's only."""
    _platform, tool, _course = world
    tool.rt.grader.release_notebook("z01_dummy", "z01_dummy.ipynb")
    data = tool.rt.config.data_dir
    assert data.stat().st_mode & 0o777 == 0o700
    prepared = data / "grading" / "prepared"  # (grading batches come and go meanwhile)
    kept = [data, data / "grading", *prepared.rglob("*"), tool.rt.config.sqlite_path]
    solutions = [p for p in prepared.rglob("*.ipynb") if "BEGIN SOLUTION" in p.read_text()]
    assert solutions, "the prepared course holds the source notebooks"
    loose = {str(p): oct(p.stat().st_mode & 0o777) for p in kept if p.stat().st_mode & 0o077}
    assert loose == {}


def test_paths_outside_the_data_directory_are_refused(tmp_path):
    from denchi.lms.files import OutsideDataDir, inside

    root = tmp_path / "data"
    root.mkdir()
    (root / "out").symlink_to(tmp_path)
    assert inside(root, "grading", "a-1") == root.resolve() / "grading" / "a-1"
    for parts in (("..", "x"), ("grading/../../x",), ("/etc/passwd",), ("out", "x")):
        with pytest.raises(OutsideDataDir, match="leads outside"):
            inside(root, *parts)


def _released(tool, assignment: str | None):
    """The dummy assignment's released notebook, answered, claiming ``assignment``."""
    import nbformat
    from lms.harness import answered

    release = tool.rt.grader.release_notebook("z01_dummy", "z01_dummy.ipynb")
    nb = nbformat.reads(answered(release).decode(), as_version=4)
    assert nb.metadata["denchi"]["assignment"] == "z01_dummy"  # written when it was released
    if assignment is None:
        del nb.metadata["denchi"]
    else:
        nb.metadata["denchi"]["assignment"] = assignment
    return nbformat.writes(nb).encode()


@pytest.mark.parametrize(
    "claimed, message",
    [
        ("h04_lithium_ion", "h04_lithium_ion"),  # same nbgrader cell ids, another assignment
        (None, "ダウンロードし直して"),  # no identity at all: which assignment is unknown
    ],
)
def test_a_notebook_of_another_assignment_is_refused_naming_both(world, claimed, message):
    platform, tool, course = world
    browser, page, url = learner_page(platform, tool, course)
    before = counts(tool)
    response = upload(browser, url, page, "other.ipynb", _released(tool, claimed))
    assert response.status_code == 400, response.text
    assert message in response.text and "z01_dummy" in response.text
    assert counts(tool) == before


def test_a_notebook_claiming_this_assignment_needs_its_cells_too(world):
    """The second check: the claimed identity is right but the nbgrader cells are not."""
    import nbformat

    platform, tool, course = world
    browser, page, url = learner_page(platform, tool, course)
    source = tool.rt.courseware / "assessments/source/h04_lithium_ion/h04_lithium_ion.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.metadata["denchi"] = {"assignment": "z01_dummy"}
    response = upload(browser, url, page, "h04.ipynb", nbformat.writes(nb).encode())
    assert response.status_code == 400 and "この課題のノートブックではない" in response.text


def test_a_mentor_never_gets_the_instructors_view(world):
    platform, tool, course = world
    mentor = Person("m-301", "保護 者", "Mentor")
    course.members.append(mentor)
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(mentor, course, "rl-sec"), "m")
    assert page.status_code == 200 and "提出状況" not in page.text
    link = page.text.split('/submit"')[0].rsplit("/r/", 1)[1]
    for path in ("", "/grades.csv", "/submissions.zip"):
        denied = browser.http.get(f"{tool.url}/instructor/{link}{path}")
        assert denied.status_code == 403 and "先生だけ" in denied.text, path
    refused = upload(browser, f"{tool.url}/r/{link}/submit", page, "a.ipynb", b"{}")
    assert refused.status_code == 403 and "（role）" in refused.text


def test_a_learner_whose_lms_withholds_the_name_is_greeted_without_an_empty_name(world):
    platform, tool, course = world
    nameless = Person("u-302", "")
    course.members.append(nameless)
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(nameless, course, "rl-sec"), "n")
    assert page.status_code == 200 and "提出する" in page.text
    assert "さん" not in page.text


def send_chunked(url: str, head: bytes, boundary: str, cookies: str = "") -> tuple[bytes, int]:
    """POST a multipart body of ``head`` and 40 MB of spaces with chunked transfer (no
    Content-Length), 64 kB at a time, until the tool answers; returns its answer and the
    number of chunks it took before answering."""
    import select
    import socket

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(
            (
                f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nCookie: {cookies}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                "Transfer-Encoding: chunked\r\n\r\n"
            ).encode()
        )
        sent = 0
        for chunk in [head] + [b" " * 65_536] * 640:  # 40 MB of spaces, 64 kB at a time
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:  # the tool closed the connection: its answer is waiting
                break
            sent += 1
            if select.select([sock], [], [], 0.01)[0]:
                break
        else:
            sock.sendall(b"0\r\n\r\n")
        # the whole answer, as long as its headers say (the tool keeps the connection open:
        # reading until it closes would wait out a timeout on every call)
        response = http.client.HTTPResponse(sock)
        response.begin()
        status = f"HTTP/1.1 {response.status} {response.reason}\r\n".encode()
        return status + response.read(), sent


BOUNDARY = "denchi-test-boundary"


def file_part(field: str) -> bytes:
    """The start of a multipart body whose part ``field`` is a file (the 40 MB follow)."""
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="big.ipynb"'
        "\r\nContent-Type: text/plain\r\n\r\n{"
    ).encode()


def test_a_chunked_upload_is_refused_before_it_is_read_whole(world):
    """Without Content-Length (chunked transfer) the limit holds while the body arrives: the
    413 comes while the client is still sending, long before 40 MB, and nothing is stored."""
    from lms.harness import csrf_of

    platform, tool, course = world
    browser, page, url = learner_page(platform, tool, course)
    cookies = "; ".join(f"{c.name}={c.value}" for c in browser.http.cookies.jar)
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'
        f"{csrf_of(page.text)}\r\n"
    ).encode() + file_part("notebook")
    before = counts(tool)
    answer, sent = send_chunked(url, head, BOUNDARY, cookies)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert "（upload）".encode() in answer  # the upload's own limit and words, not the app's
    assert sent < 100, f"the tool read {sent * 64} kB before refusing"
    assert counts(tool) == before


@pytest.mark.parametrize(
    "path", ["/lti/login", "/lti/launch", "/lti/launch/storage", "/lti/deep-link"]
)
def test_a_chunked_body_to_a_route_open_to_anyone_is_refused_before_it_is_read_whole(world, path):
    """The routes a stranger may post to (login, launch, deep linking) parse their form before
    any check: a body of any size must still be refused as it arrives (413, ``（body）``),
    not spooled to disk whole before the 401."""
    _platform, tool, _course = world
    before = counts(tool)
    answer, sent = send_chunked(f"{tool.url}{path}", file_part("id_token"), BOUNDARY)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert "（body）".encode() in answer and "大きすぎる".encode() in answer
    assert sent < 100, f"the tool read {sent * 64} kB before refusing"
    declared = Browser().http.post(  # with a Content-Length, refused before it is read
        f"{tool.url}{path}", files={"id_token": ("big.ipynb", b" " * 6_000_000)}
    )
    assert declared.status_code == 413 and "（body）" in declared.text
    assert counts(tool) == before


def test_of_two_racing_launches_with_one_state_only_one_wins(world):
    """Both passed the state check before either consumed it: the second consume refuses."""

    from denchi.lms.login_states import consume
    from denchi.lms.sessions import PageError

    _platform, tool, _course = world
    with tool.rt.db.session() as s:
        platform_id = s.scalars(select(models.Platform.id)).first()
        s.add(
            models.LoginState(
                state="racing-state",
                nonce="racing-nonce",
                platform_id=platform_id,
                expires_at=models.utcnow() + timedelta(minutes=5),
            )
        )
    with tool.rt.db.session() as s:
        consume(s, "racing-state")
    with pytest.raises(PageError) as refused, tool.rt.db.session() as s:
        consume(s, "racing-state")
    assert refused.value.code == "state" and refused.value.status == 401


def test_learner_names_a_spreadsheet_would_run_are_escaped_in_the_grades_csv(world):
    """Names come from the LMS, so a learner controls them: in the teacher's grades.csv a name
    that Excel would run as a formula is written as text (see denchi.grading.spreadsheet)."""
    import csv
    import io

    platform, tool, course = world
    teacher = Person("t-csv", "表 先生", "Instructor")
    written = {'=HYPERLINK("x")': '\'=HYPERLINK("x")', "@SUM(1)": "'@SUM(1)",
               "-1 太郎": "'-1 太郎", "+1": "+1", "-1": "-1"}  # fmt: skip
    learners = [Person(f"u-csv{n}", name) for n, name in enumerate(written)]
    course.members += [teacher, *learners]
    for learner in learners:
        Browser().launch(tool, platform, platform.launch_hint(learner, course, "rl-sec"), "x")
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(teacher, course, "rl-sec"), "t")
    link_id = re.search(r"/instructor/(\d+)/grades\.csv", page.text).group(1)
    answer = browser.http.get(f"{tool.url}/instructor/{link_id}/grades.csv")
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.text.removeprefix("\ufeff"))))
    names = {row[2]: row[0] for row in rows[1:]}
    assert {p.name: names[p.sub] for p in learners} == written
