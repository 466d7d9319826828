"""The tool's calls to the platform's services (AGS, NRPS) with the URLs a real LMS hands out:
Moodle's carry ``?type_id=N`` and answer 401 to a request that drops it."""

from __future__ import annotations

import logging
import re

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
    wait_for,
)
from lms.platform import Person, Platform
from sqlalchemy import select

from denchi.lms import models
from denchi.lms.services import service_url

pytestmark = pytest.mark.xdist_group("lms")
TEACHER = Person("t-401", "北 先生", "Instructor")
LEARNERS = [Person(f"u-40{n}", f"南 {n}郎") for n in range(1, 4)]
MOODLE = "https://moodle.example/mod/lti/services.php/2/lineitems?type_id=3"


@pytest.mark.parametrize(
    "url, path, params, expected",
    [
        (MOODLE, "", {"resource_id": "z01"}, MOODLE + "&resource_id=z01"),
        (
            "https://moodle.example/mod/lti/services.php/2/lineitems/7/lineitem?type_id=3",
            "/scores",
            None,
            "https://moodle.example/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=3",
        ),
        (
            "https://canvas.example/api/lti/courses/1/line_items/5/",
            "/results",
            {"user_id": "a b"},
            "https://canvas.example/api/lti/courses/1/line_items/5/results?user_id=a+b",
        ),
        (
            "https://lms.example/li?type_id=3#x",
            "/scores",
            None,
            "https://lms.example/li/scores?type_id=3#x",
        ),
        # a parameter the platform already put in the URL is not sent twice
        (MOODLE, "", {"type_id": "3", "limit": "10"}, MOODLE + "&limit=10"),
    ],
)
def test_service_urls_keep_their_query(url, path, params, expected):
    assert service_url(url, path, params) == expected


@pytest.fixture(scope="module")
def moodle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lms-moodle")
    platform = Platform(moodle_type_id=3)
    platform.start()
    tool = start_tool(folder, make_courseware(folder / "courseware"))
    register_manually(tool, platform)
    course = platform.course("2", TEACHER, *LEARNERS)
    course.links["rl-m1"] = {  # launches carry "lineitems" and no "lineitem"
        "title": "練習課題",
        "url": f"{tool.url}/lti/launch",
        "custom": {"denchi_kind": "assignment", "denchi_target": DUMMY},
    }
    yield platform, tool, course
    tool.stop()
    platform.stop()


@pytest.mark.slow  # a served tool and Moodle-shaped platform
def test_a_score_reaches_moodle_through_the_line_item_container(moodle, caplog):
    platform, tool, course = moodle
    caplog.set_level(logging.INFO, logger="denchi.lms")
    learner = LEARNERS[0]
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(learner, course, "rl-m1"), "x")
    link_path = re.search(r'action="[^"]*(/r/\d+)/submit"', page.text).group(1)
    release = tool.rt.grader.release_notebook(DUMMY, f"{DUMMY}.ipynb")
    response = browser.http.post(
        f"{tool.url}{link_path}/submit",
        data={"csrf": csrf_of(page.text)},
        files={"notebook": ("a.ipynb", answered(release), "application/octet-stream")},
    )
    assert response.status_code == 303, response.text
    wait_for(
        lambda: any(s.get("scoreGiven") == 3 for s in platform.scores_for("2")),
        120,
        "the graded score at the Moodle-shaped platform",
    )
    created = list(course.lineitems.values())
    assert len(created) == 1 and created[0]["scoreMaximum"] == 3
    assert created[0]["id"].endswith("/lineitem?type_id=3")
    assert platform.service_requests and all(
        "type_id=3" in url for url in platform.service_requests
    )
    logged = " ".join(r.getMessage() for r in caplog.records)
    for url in platform.service_requests:  # the URL actually requested is in the log
        assert url.replace("http://testserver", "") in logged or url in logged, url


@pytest.mark.slow  # a served tool and Moodle-shaped platform
def test_roster_sync_pages_through_moodle_urls(moodle):
    platform, tool, course = moodle
    teacher = Browser()
    page = teacher.launch(tool, platform, platform.launch_hint(TEACHER, course, "rl-m1"), "t")
    link_id = re.search(r"/instructor/(\d+)/roster", page.text).group(1)
    before = len(platform.service_requests)
    synced = teacher.follow(
        teacher.http.post(
            f"{tool.url}/instructor/{link_id}/roster", data={"csrf": csrf_of(page.text)}
        )
    )
    assert "4 人" in synced.text
    pages = [u for u in platform.service_requests[before:] if "/memberships/" in u]
    assert len(pages) == 2 and all("type_id=3" in u for u in pages)


@pytest.mark.slow  # a served tool and Moodle-shaped platform
def test_an_html_answer_from_the_token_endpoint_is_an_error_with_its_reason(moodle):
    """A token endpoint answering an HTML page with status 200: the score stays pending with
    the reason, is retried with back-off, the teacher sees why, and arrives once it is back."""
    platform, tool, course = moodle
    learner = LEARNERS[1]
    tool.rt.services.forget_token(outbox_target(tool))
    platform.token_html = True
    try:
        browser = Browser()
        page = browser.launch(tool, platform, platform.launch_hint(learner, course, "rl-m1"), "x")
        link_path = re.search(r'action="[^"]*(/r/\d+)/submit"', page.text).group(1)
        release = tool.rt.grader.release_notebook(DUMMY, f"{DUMMY}.ipynb")
        browser.http.post(
            f"{tool.url}{link_path}/submit",
            data={"csrf": csrf_of(page.text)},
            files={"notebook": ("a.ipynb", answered(release), "application/octet-stream")},
        )

        def failing_rows():
            with tool.rt.db.session() as s:
                return s.scalars(
                    select(models.ScoreOutbox).where(
                        models.ScoreOutbox.status == "pending", models.ScoreOutbox.attempts >= 2
                    )
                ).all()

        wait_for(lambda: failing_rows(), 60, "retried deliveries")
        row = failing_rows()[0]
        assert "text/html" in row.last_error and "token endpoint" in row.last_error
        assert row.next_attempt_at > row.created_at
        teacher = Browser()
        view = teacher.launch(tool, platform, platform.launch_hint(TEACHER, course, "rl-m1"), "t")
        assert "回失敗" in view.text and "text/html" in view.text
    finally:
        platform.token_html = False
    wait_for(
        lambda: any(
            s["userId"] == learner.sub and s.get("scoreGiven") == 3
            for s in platform.scores_for("2")
        ),
        120,
        "the score once the token endpoint is back",
    )


def outbox_target(tool):
    from denchi.lms.outbox import service_target

    with tool.rt.db.session() as s:
        return service_target(s.scalars(select(models.Platform)).first())


@pytest.mark.slow  # a served tool and Moodle-shaped platform
def test_deep_linking_honours_accept_lineitem(moodle):
    platform, tool, course = moodle
    browser = Browser()
    hint = platform.deep_link_hint(TEACHER, course, accept_lineitem=False)
    picker = browser.launch(tool, platform, hint, "t")
    answer = choose_items(browser, tool, picker, [f"assignment:{DUMMY}"])
    assert answer.status_code == 200
    jwt_value = re.search(r'name="JWT" value="([^"]+)"', answer.text).group(1)
    import jwt

    claims = jwt.decode(jwt_value, options={"verify_signature": False})
    items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert [i["custom"]["denchi_target"] for i in items] == [DUMMY]
    assert "lineItem" not in items[0]


@pytest.mark.slow  # a served tool and Moodle-shaped platform
def test_deep_linking_that_accepts_no_link_is_refused_with_the_reason(moodle):
    platform, tool, course = moodle
    browser = Browser()
    hint = platform.deep_link_hint(TEACHER, course, accept_types=["file", "html"])
    picker = browser.launch(tool, platform, hint, "t")
    assert picker.status_code == 400
    assert "ltiResourceLink" in picker.text and "（deep_link）" in picker.text


@pytest.mark.slow  # a served tool and Moodle-shaped platform
def test_a_failed_dynamic_registration_says_why_and_keeps_the_url(moodle):
    platform, tool, _course = moodle
    from denchi.lms.registration import registration_url

    url = registration_url(tool.rt.db, tool.rt.config)
    openid = f"{platform.url}/.well-known/openid-configuration"
    failed = Browser().http.get(
        url, params={"openid_configuration": openid, "registration_token": "wrong"}
    )
    assert failed.status_code == 502 and "（register）" in failed.text
    assert "HTTP 401" in failed.text and f"{platform.url}/register" in failed.text
    assert "もう一度使えます" in failed.text
    missing = Browser().http.get(
        url, params={"openid_configuration": f"{platform.url}/no-such-configuration"}
    )
    assert missing.status_code == 502 and "HTTP 404" in missing.text
    done = Browser().http.get(
        url,
        params={"openid_configuration": openid, "registration_token": platform.registration_token},
    )
    assert done.status_code == 200, done.text
    again = Browser().http.get(url, params={"openid_configuration": openid})
    assert again.status_code == 403 and "（register）" in again.text  # used up once it worked


@pytest.mark.slow  # a served tool and Moodle-shaped platform
def test_client_id_is_optional_at_login_where_the_issuer_has_one_registration(moodle):
    platform, tool, course = moodle
    params = {"iss": platform.issuer, "login_hint": "x", "target_link_uri": tool.url}
    browser = Browser()
    alone = browser.login_redirect(tool, browser.http.get(f"{tool.url}/lti/login", params=params))
    assert alone.status_code == 302 and "client_id=denchi-client-1" in alone.headers["location"]
    from denchi.lms.registration import add_platform

    add_platform(
        tool.rt.db,
        issuer=platform.issuer,
        client_id="second-registration",
        login_url=f"{platform.url}/auth",
        token_url=f"{platform.url}/token",
        jwks_url=f"{platform.url}/jwks",
        deployment_ids=["d-2"],
    )
    ambiguous = Browser().http.get(f"{tool.url}/lti/login", params=params)
    assert ambiguous.status_code == 400 and "client_id が必要" in ambiguous.text
    named = Browser().http.get(
        f"{tool.url}/lti/login", params=params | {"client_id": platform.client_id}
    )
    assert named.status_code == 302


@pytest.mark.slow  # a served tool and Moodle-shaped platform
@pytest.mark.parametrize(
    "page, reason",
    [("redirect", "HTTP 302 (Location: "), ("html", "HTTP 200 with text/html")],
)
def test_a_score_answered_by_a_page_stays_pending_until_it_is_recorded(moodle, page, reason):
    """A score post answered by a redirect to a login page or an HTML page with status 200
    did not reach the gradebook: the row stays pending with the reason (status, content type,
    snippet), the teacher sees it, and the score arrives once the endpoint answers again."""
    platform, tool, course = moodle
    learner = LEARNERS[2]
    recorded = len(platform.scores_for("2"))
    platform.score_page = page
    try:
        browser = Browser()
        launched = browser.launch(
            tool, platform, platform.launch_hint(learner, course, "rl-m1"), "x"
        )
        link_path = re.search(r'action="[^"]*(/r/\d+)/submit"', launched.text).group(1)
        release = tool.rt.grader.release_notebook(DUMMY, f"{DUMMY}.ipynb")
        sent = browser.http.post(
            f"{tool.url}{link_path}/submit",
            data={"csrf": csrf_of(launched.text)},
            files={"notebook": ("a.ipynb", answered(release), "application/octet-stream")},
        )
        assert sent.status_code == 303, sent.text

        def failing_rows():
            with tool.rt.db.session() as s:
                return s.scalars(
                    select(models.ScoreOutbox).where(
                        models.ScoreOutbox.status == "pending",
                        models.ScoreOutbox.attempts >= 1,
                        models.ScoreOutbox.last_error.contains(reason),
                    )
                ).all()

        wait_for(failing_rows, 60, f"a score post answered by {page}, kept pending")
        row = failing_rows()[0]
        assert "score service" in row.last_error and row.sent_at is None
        if page == "html":  # the snippet of the page says what came
            assert "Log in" in row.last_error
        assert len(platform.scores_for("2")) == recorded  # nothing reached the gradebook
        teacher = Browser()
        view = teacher.launch(tool, platform, platform.launch_hint(TEACHER, course, "rl-m1"), "t")
        assert "回失敗" in view.text and reason.split(" (")[0] in view.text
    finally:
        platform.score_page = None

    def sent() -> bool:
        with tool.rt.db.session() as s:
            return s.get_one(models.ScoreOutbox, row.id).status == "sent"

    wait_for(sent, 120, "the score sent once the score service answers again")
    assert len(platform.scores_for("2")) == recorded + 1
