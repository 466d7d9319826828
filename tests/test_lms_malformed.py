"""Malformed input never becomes a server error (issues 21, 11): non-ASCII secrets, broken
notebooks, broken LMS answers and links that name no assignment each get the refusal that
says what was wrong, through the served tool, and the valid request beside each still works
(so a tool that refused everything would fail here too)."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

import jwt
import nbformat
import pytest
from lms.harness import (
    DUMMY,
    Browser,
    answered,
    choose_items,
    csrf_of,
    make_courseware,
    register_manually,
    start_tool,
)
from lms.platform import Person, Platform
from sqlalchemy import func, select

from denchi.lms import models
from denchi.lms.outbox import service_target
from denchi.lms.targets import page_options

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lms")]
LEARNER = Person("u-501", "中 五郎")
TEACHER = Person("t-501", "上 先生", "Instructor")
ODD = "ümlaut-ß-電池"  # not ASCII: hmac.compare_digest refuses to compare such a str
SERVER_ERROR = "思わぬエラー"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lms-malformed")
    platform = Platform()
    platform.start()
    tool = start_tool(folder, make_courseware(folder / "courseware"))
    register_manually(tool, platform)
    course = platform.course("mal", LEARNER, TEACHER)
    course.links["rl-a"] = {
        "title": "課題",
        "url": f"{tool.url}/lti/launch",
        "custom": {"denchi_kind": "assignment", "denchi_target": DUMMY},
    }
    course.links["rl-p"] = {
        "title": "読むページ",
        "url": f"{tool.url}/lti/launch",
        "custom": {
            "denchi_kind": "page",
            "denchi_target": page_options(tool.rt.catalog)[0].docname,
        },
    }
    yield platform, tool, course
    tool.stop()
    platform.stop()


def submissions(tool) -> int:
    with tool.rt.db.session() as s:
        return s.scalar(select(func.count()).select_from(models.Submission))


def learner(world) -> tuple[Browser, str, str]:
    """A launched learner: the browser, the assignment page and its upload URL."""
    platform, tool, course = world
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(LEARNER, course, "rl-a"), "x")
    link = re.search(r'action="[^"]*(/r/\d+)/submit"', page.text).group(1)
    return browser, page.text, f"{tool.url}{link}/submit"


def teacher(world, link: str = "rl-a") -> tuple[Browser, str, int]:
    """A launched instructor: the browser, the tool's last page of the launch (the instructor
    page; for a page link the redirect to the book) and the link's row id."""
    platform, tool, course = world
    browser = Browser()
    page = browser.post_launch(
        browser.login(tool, platform, platform.launch_hint(TEACHER, course, link), "t")
    )
    while page.status_code in (302, 303) and page.headers["location"].startswith(tool.url):
        page = browser.http.get(page.headers["location"])
    with tool.rt.db.session() as s:
        link_id = s.scalars(
            select(models.ResourceLink.id).where(models.ResourceLink.resource_link_id == link)
        ).one()
    return browser, page.text, link_id


def hand_in(browser: Browser, url: str, csrf: object, data: bytes):
    return browser.http.post(
        url, data={"csrf": csrf}, files={"notebook": ("a.ipynb", data, "application/x-ipynb")}
    )


# ------------------------------------------------------------------ secrets that are not ASCII


def test_a_non_ascii_csrf_token_is_a_stale_form_and_the_right_one_is_taken(world):
    _platform, tool, _course = world
    browser, page, url = learner(world)
    release = tool.rt.grader.release_notebook(DUMMY, f"{DUMMY}.ipynb")
    before = submissions(tool)
    refused = hand_in(browser, url, ODD, answered(release))
    assert refused.status_code == 403 and "（csrf）" in refused.text, refused.text[:300]
    assert "フォームが古くなっています" in refused.text and submissions(tool) == before
    taken = hand_in(browser, url, csrf_of(page), answered(release))
    assert taken.status_code == 303 and submissions(tool) == before + 1


def test_a_non_ascii_csrf_token_in_an_instructors_form_is_a_stale_form(world):
    _platform, tool, _course = world
    browser, page, link_id = teacher(world)
    refused = browser.http.post(f"{tool.url}/instructor/{link_id}/resend", data={"csrf": ODD})
    assert refused.status_code == 403 and "（csrf）" in refused.text, refused.text[:300]
    taken = browser.http.post(
        f"{tool.url}/instructor/{link_id}/resend", data={"csrf": csrf_of(page)}
    )
    assert taken.status_code == 303


def test_a_non_ascii_csrf_token_in_the_deep_linking_form_is_a_stale_form(world):
    platform, tool, course = world
    browser = Browser()
    picker = browser.launch(tool, platform, platform.deep_link_hint(TEACHER, course), "t")
    request_id = re.search(r'name="request_id" value="([^"]+)"', picker.text).group(1)
    refused = browser.http.post(
        f"{tool.url}/lti/deep-link",
        data={"csrf": ODD, "request_id": request_id, "item": [f"assignment:{DUMMY}"]},
    )
    assert refused.status_code == 403 and "（csrf）" in refused.text, refused.text[:300]
    answer = choose_items(browser, tool, picker, [f"assignment:{DUMMY}"])
    assert answer.status_code == 200 and 'name="JWT"' in answer.text


def test_a_non_ascii_state_and_cookie_are_refused_as_a_state_mismatch(world):
    platform, tool, course = world
    from denchi.lms.store import token_hash

    browser = Browser()
    answer = browser.login(tool, platform, platform.launch_hint(LEARNER, course, "rl-a"), "x")
    cookie = f"denchi_lti_state_{token_hash(answer['state'])[:16]}"  # this login's cookie
    raw = f"{cookie}={ODD}".encode()  # a browser may send any bytes; Starlette reads latin-1
    forged = browser.http.post(
        answer["action"],
        data={"id_token": answer["id_token"], "state": answer["state"]},
        headers={"Cookie": raw},
    )
    assert forged.status_code == 401 and "（state）" in forged.text, forged.text[:300]
    assert browser.post_launch(answer).status_code == 303  # the login itself still works


def test_a_non_ascii_origin_is_refused_and_the_tools_own_is_taken(world):
    platform, tool, course = world
    hint = platform.launch_hint(LEARNER, course, "rl-a")
    cookieless = Browser(cookies=False)
    _page, answer = cookieless.storage_login(tool, platform, hint, "x")
    check_page = cookieless.post_launch(answer)
    refused = cookieless.storage_continue(
        tool, platform, check_page, origin="http://ü.example".encode("latin-1")
    )
    assert refused.status_code == 403 and "（origin）" in refused.text, refused.text[:300]
    taken = cookieless.storage_continue(tool, platform, check_page)
    assert taken.status_code == 303, taken.text[:300]


def test_a_signed_non_ascii_nonce_is_a_nonce_mismatch(world):
    platform, tool, course = world
    browser = Browser()
    answer = browser.login(tool, platform, platform.launch_hint(LEARNER, course, "rl-a"), "x")
    claims = jwt.decode(answer["id_token"], options={"verify_signature": False})
    forged = browser.post_launch(answer, platform.sign({**claims, "nonce": ODD}))
    assert forged.status_code == 401 and "（nonce）" in forged.text, forged.text[:300]
    again = browser.login(tool, platform, platform.launch_hint(LEARNER, course, "rl-a"), "x")
    assert browser.post_launch(again).status_code == 303


def test_a_signed_claim_of_the_wrong_type_is_refused_naming_it(world):
    platform, tool, course = world
    browser = Browser()
    answer = browser.login(tool, platform, platform.launch_hint(LEARNER, course, "rl-a"), "x")
    claims = jwt.decode(answer["id_token"], options={"verify_signature": False})
    context = "https://purl.imsglobal.org/spec/lti/claim/context"
    forged = browser.post_launch(answer, platform.sign({**claims, context: "mal"}))
    assert forged.status_code == 401 and "（claims）" in forged.text, forged.text[:300]
    assert context in forged.text and SERVER_ERROR not in forged.text
    again = browser.login(tool, platform, platform.launch_hint(LEARNER, course, "rl-a"), "x")
    assert browser.post_launch(again).status_code == 303


# ------------------------------------------------------------------ notebooks of the wrong shape


def _with(release_bytes: bytes, change) -> bytes:
    nb = json.loads(release_bytes)
    change(nb)
    return json.dumps(nb).encode()


def _nbgrader_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if "nbgrader" in c["metadata"]]


def _every_nbgrader(value):
    def change(nb):
        for cell in _nbgrader_cells(nb):
            cell["metadata"]["nbgrader"] = value

    return change


def _grade_id(value):
    def change(nb):
        for cell in _nbgrader_cells(nb):
            cell["metadata"]["nbgrader"]["grade_id"] = value

    return change


def _denchi(value):
    def change(nb):
        nb["metadata"]["denchi"] = value

    return change


@pytest.mark.parametrize(
    "change, message",
    [
        (_every_nbgrader("has a grade_id"), "この課題のノートブックではないようです"),
        (_every_nbgrader(["grade_id"]), "この課題のノートブックではないようです"),
        (_every_nbgrader(None), "この課題のノートブックではないようです"),
        (_every_nbgrader(3), "この課題のノートブックではないようです"),
        (_grade_id(["q1"]), "この課題のノートブックではないようです"),
        (_grade_id({"q": 1}), "この課題のノートブックではないようです"),
        (_denchi("z01_dummy"), "どの課題のものかの印がありません"),
        (_denchi(["assignment"]), "どの課題のものかの印がありません"),
    ],
    ids=[
        "nbgrader-str",
        "nbgrader-list",
        "nbgrader-null",
        "nbgrader-number",
        "grade_id-list",
        "grade_id-object",
        "denchi-str",
        "denchi-list",
    ],  # fmt: skip
)
def test_a_notebook_with_metadata_of_the_wrong_type_is_refused_with_the_reason(
    world, change, message
):
    _platform, tool, _course = world
    browser, page, url = learner(world)
    release = tool.rt.grader.release_notebook(DUMMY, f"{DUMMY}.ipynb")
    before = submissions(tool)
    data = _with(answered(release), change)
    nbformat.validate(nbformat.reads(data.decode(), as_version=4))  # valid notebook JSON
    refused = hand_in(browser, url, csrf_of(page), data)
    assert refused.status_code == 400, refused.text[:300]
    assert message in refused.text and "（upload）" not in refused.text  # on the learner page
    assert submissions(tool) == before
    assert hand_in(browser, url, csrf_of(page), answered(release)).status_code == 303


# ------------------------------------------------------------------ links without notebooks


def test_the_zip_of_a_page_link_is_a_clear_refusal_and_of_an_assignment_a_zip(world):
    _platform, tool, _course = world
    browser, _page, page_link = teacher(world, "rl-p")
    refused = browser.http.get(f"{tool.url}/instructor/{page_link}/submissions.zip")
    assert refused.status_code == 404 and "（notebook）" in refused.text, refused.text[:300]
    assert SERVER_ERROR not in refused.text
    _browser, _page, assignment_link = teacher(world, "rl-a")
    done = browser.http.get(f"{tool.url}/instructor/{assignment_link}/submissions.zip")
    assert done.status_code == 200 and done.headers["content-type"] == "application/zip"


# ------------------------------------------------------------------ an LMS that answers badly


@pytest.mark.parametrize(
    "answer",
    [
        {"members": ["u-1", "u-2"]},
        {"members": [{"user_id": "u-1", "roles": "Learner"}]},
        {"members": [{"user_id": {"id": 1}}]},
        {"members": {"user_id": "u-1"}},
        ["not", "a", "container"],
    ],
    ids=["members-strings", "roles-string", "user_id-object", "members-object", "list"],
)
def test_a_malformed_roster_is_reported_on_the_instructors_page(world, answer):
    platform, tool, _course = world
    browser, page, link_id = teacher(world)
    platform.members_answer = answer
    try:
        response = browser.follow(
            browser.http.post(
                f"{tool.url}/instructor/{link_id}/roster", data={"csrf": csrf_of(page)}
            )
        )
    finally:
        platform.members_answer = None
    assert response.status_code == 200, response.text[:300]
    assert "名簿を取得できませんでした" in response.text and "member" in response.text
    synced = browser.follow(
        browser.http.post(f"{tool.url}/instructor/{link_id}/roster", data={"csrf": csrf_of(page)})
    )
    assert "LMS の名簿を同期しました（2 人）" in synced.text


@contextmanager
def unreadable_signing_key(tool):
    """The tool's active key garbled in the database for the block (then put back)."""
    with tool.rt.db.session() as s:  # a token cached from an earlier call needs no signing
        tool.rt.services.forget_token(service_target(s.scalars(select(models.Platform)).one()))
    with tool.rt.db.session() as s:
        key = s.scalars(select(models.ToolKey).where(models.ToolKey.retired_at.is_(None))).one()
        pem, key.private_pem = key.private_pem, "-----BEGIN PRIVATE KEY-----\nbroken\n"
    try:
        yield
    finally:
        with tool.rt.db.session() as s:
            s.get_one(models.ToolKey, key.id).private_pem = pem


def test_an_unreadable_signing_key_is_reported_on_the_instructors_page(world):
    _platform, tool, _course = world
    browser, page, link_id = teacher(world)
    with unreadable_signing_key(tool):
        response = browser.follow(
            browser.http.post(
                f"{tool.url}/instructor/{link_id}/roster", data={"csrf": csrf_of(page)}
            )
        )
    assert response.status_code == 200, response.text[:300]
    assert "名簿を取得できませんでした" in response.text and "rotate-keys" in response.text
    synced = browser.follow(
        browser.http.post(f"{tool.url}/instructor/{link_id}/roster", data={"csrf": csrf_of(page)})
    )
    assert "LMS の名簿を同期しました（2 人）" in synced.text


def test_an_unreadable_signing_key_at_deep_linking_says_so_and_keeps_the_request(world):
    platform, tool, course = world
    browser = Browser()
    picker = browser.launch(tool, platform, platform.deep_link_hint(TEACHER, course), "t")
    with unreadable_signing_key(tool):
        refused = choose_items(browser, tool, picker, [f"assignment:{DUMMY}"])
    assert refused.status_code == 500 and "（signing_key）" in refused.text, refused.text[:300]
    assert "rotate-keys" in refused.text and SERVER_ERROR not in refused.text
    answer = choose_items(browser, tool, picker, [f"assignment:{DUMMY}"])  # the same request
    assert answer.status_code == 200 and 'name="JWT"' in answer.text


def _openid(platform: Platform, **changes) -> dict:
    return {**platform.openid_configuration(), **changes}


@pytest.mark.parametrize(
    "where, answer, named",
    [
        ("openid", ["not", "an", "object"], "OpenID"),
        ("openid", {"issuer": 5}, "issuer"),
        ("openid", "issuer", "issuer"),
        ("openid", "alg", "id_token_signing_alg_values_supported"),
        ("openid", "lti", "lti-platform-configuration"),
        ("openid", "endpoint", "jwks_uri"),
        ("register", ["client_id"], "registration endpoint"),
        ("register", {"client_id": {"id": 1}}, "client_id"),
        ("register", "tool", "lti-tool-configuration"),
    ],
)
def test_a_malformed_registration_answer_says_why_and_keeps_the_url(world, where, answer, named):
    platform, tool, _course = world
    from denchi.lms.registration import TOOL_CONFIGURATION, registration_url

    special = {
        "issuer": _openid(platform, issuer=None),
        "alg": _openid(platform, id_token_signing_alg_values_supported="RS256 ES256"),
        "lti": _openid(
            platform, **{"https://purl.imsglobal.org/spec/lti-platform-configuration": "x"}
        ),
        "endpoint": _openid(platform, jwks_uri=["a"]),
        "tool": {"client_id": "c-1", TOOL_CONFIGURATION: "deployment-9"},
    }
    answer = special.get(answer, answer) if isinstance(answer, str) else answer
    url = registration_url(tool.rt.db, tool.rt.config)
    openid = f"{platform.url}/.well-known/openid-configuration"
    params = {"openid_configuration": openid, "registration_token": platform.registration_token}
    setattr(platform, f"{where}_answer" if where == "openid" else "registration_answer", answer)
    try:
        failed = Browser().http.get(url, params=params)
    finally:
        platform.openid_answer = platform.registration_answer = None
    assert failed.status_code == 502 and "（register）" in failed.text, failed.text[:400]
    assert named in failed.text and "もう一度使えます" in failed.text
    done = Browser().http.get(url, params=params)
    assert done.status_code == 200, done.text[:300]
