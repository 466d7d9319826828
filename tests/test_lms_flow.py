"""A teacher's semester from the platform emulator: dynamic registration -> deep linking ->
learner launch -> download -> submit -> autograde -> score in the LMS gradebook, roster sync,
the instructor view (re-grade, zip, CSV) and what learners may and may not see."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from lms.harness import (
    DUMMY,
    Browser,
    answered,
    choose_items,
    csrf_of,
    make_courseware,
    start_tool,
    wait_for,
)
from lms.platform import Person, Platform

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lms")]

TEACHER = Person("t-100", "佐藤 先生", "Instructor")
ALICE = Person("u-201", "青木 花子")
BOB = Person("u-202", "馬場 太郎")
CAROL = Person("u-203", "千葉 さくら")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lms-flow")
    platform = Platform()
    platform.start()
    tool = start_tool(folder, make_courseware(folder / "courseware"))
    from denchi.lms.registration import registration_url

    url = registration_url(tool.rt.db, tool.rt.config)
    openid = f"{platform.url}/.well-known/openid-configuration"
    page = Browser().http.get(
        url,
        params={"openid_configuration": openid, "registration_token": platform.registration_token},
    )
    tool.registration = {"url": url, "openid": openid, "page": page}
    yield platform, tool
    tool.stop()
    platform.stop()


def test_dynamic_registration_then_launches_work(world):
    platform, tool = world
    page = tool.registration["page"]
    assert page.status_code == 200, page.text
    assert "org.imsglobal.lti.close" in page.text
    body = platform.registered[-1]
    assert body["initiate_login_uri"] == f"{tool.url}/lti/login"
    assert body["jwks_uri"] == f"{tool.url}/lti/jwks"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in body["scope"]
    # the one-time URL cannot register a second platform
    again = Browser().http.get(
        tool.registration["url"], params={"openid_configuration": tool.registration["openid"]}
    )
    assert again.status_code == 403 and "（register）" in again.text


@pytest.fixture(scope="module")
def linked(world):
    """The teacher adds the dummy assignment and the h04 lesson page by deep linking."""
    platform, tool = world
    course = platform.course("c1", TEACHER, ALICE, BOB, CAROL)
    browser = Browser()
    picker = browser.launch(tool, platform, platform.deep_link_hint(TEACHER, course), TEACHER.sub)
    answer = choose_items(
        browser, tool, picker, [f"assignment:{DUMMY}", "page:modules/h04_lithium_ion/index"]
    )
    assert answer.status_code == 200
    action = re.search(r'action="([^"]+)"', answer.text).group(1)
    jwt_value = re.search(r'name="JWT" value="([^"]+)"', answer.text).group(1)
    returned = browser.http.post(action, data={"JWT": jwt_value})
    return picker, returned


def test_deep_linking_adds_pages_and_an_assignment_with_a_line_item(world, linked):
    platform, tool = world
    picker, returned = linked
    assert picker.status_code == 200 and "コースに追加する教材を選ぶ" in picker.text
    assert "リチウムイオン電池のしくみ" in picker.text  # the catalog's available module
    assert returned.status_code == 200, returned.text
    items = {i["custom"]["denchi_target"]: i for i in platform.deep_link_items}
    assert items[DUMMY]["lineItem"]["scoreMaximum"] == 3
    assert items[DUMMY]["lineItem"]["resourceId"] == DUMMY
    assert "lineItem" not in items["modules/h04_lithium_ion/index"]
    assert returned.json()["data"].startswith("opaque-")  # the platform's data came back


def _link(platform, course_id, target):
    course = platform.courses[course_id]
    return next(k for k, v in course.links.items() if v["custom"]["denchi_target"] == target)


def test_page_link_opens_the_book(world, linked):
    platform, tool = world
    course = platform.courses["c1"]
    link = _link(platform, "c1", "modules/h04_lithium_ion/index")
    browser = Browser()
    response = browser.post_launch(
        browser.login(tool, platform, platform.launch_hint(ALICE, course, link), ALICE.sub)
    )
    page = browser.follow(response)  # through the cookie check to the link, which redirects
    assert page.status_code == 307
    assert page.headers["location"] == "http://127.0.0.1:9/book/modules/h04_lithium_ion/index.html"


def learner_submits(platform, tool, person, course_id, notebook_bytes) -> tuple[Browser, str]:
    course = platform.courses[course_id]
    link = _link(platform, course_id, DUMMY)
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(person, course, link), person.sub)
    assert page.status_code == 200 and "提出する" in page.text, page.text
    link_path = re.search(r'action="[^"]*(/r/\d+)/submit"', page.text).group(1)
    response = browser.http.post(
        f"{tool.url}{link_path}/submit",
        data={"csrf": csrf_of(page.text)},
        files={"notebook": ("my answers.ipynb", notebook_bytes, "application/octet-stream")},
    )
    return browser, link_path, response


def release_of(tool):
    return tool.rt.grader.release_notebook(DUMMY, f"{DUMMY}.ipynb")


@pytest.fixture(scope="module")
def alice(world, linked):
    """Alice submits a right answer; waits until her grade reached the platform."""
    platform, tool = world
    browser, link_path, response = learner_submits(
        platform, tool, ALICE, "c1", answered(release_of(tool))
    )
    assert response.status_code == 303, response.text
    page = browser.follow(response)
    lineitem = platform.courses["c1"].links[_link(platform, "c1", DUMMY)]["lineitem_id"]
    wait_for(
        lambda: any(
            s["userId"] == ALICE.sub and s["gradingProgress"] == "FullyGraded"
            for s in platform.scores_for("c1", lineitem)
        ),
        300,
        what="the graded score at the platform",
    )
    return browser, link_path, page, lineitem


def test_learner_submits_and_the_score_reaches_the_lms(world, alice):
    platform, tool = world
    browser, link_path, page, lineitem = alice
    assert "提出しました" in page.text
    scores = [s for s in platform.scores_for("c1", lineitem) if s["userId"] == ALICE.sub]
    assert [s["gradingProgress"] for s in scores] == ["Pending", "FullyGraded"]
    assert scores[0]["activityProgress"] == "Submitted" and "scoreGiven" not in scores[0]
    assert scores[1]["scoreGiven"] == 3 and scores[1]["scoreMaximum"] == 3
    assert scores[1]["activityProgress"] == "Completed"
    page = browser.http.get(f"{tool.url}{link_path}")
    assert "3 / 3 点" in page.text
    feedback = re.search(r'href="([^"]+/feedback)"', page.text).group(1)
    shown = browser.http.get(feedback)
    assert shown.status_code == 200
    assert "sandbox" in shown.headers["content-security-policy"]


@pytest.fixture(scope="module")
def bob(world, linked):
    """Bob submits a half-wrong answer; waits until his grade reached the platform."""
    platform, tool = world
    browser, link_path, response = learner_submits(
        platform, tool, BOB, "c1", answered(release_of(tool), answer="41")
    )
    assert response.status_code == 303
    wait_for(
        lambda: any(
            s["userId"] == BOB.sub and s["gradingProgress"] == "FullyGraded"
            for s in platform.scores
        ),
        300,
        what="Bob's score",
    )
    return browser, link_path


def test_a_wrong_answer_gets_partial_credit_and_feedback_only_for_its_owner(world, bob):
    platform, tool = world
    bob, link_path = bob
    graded = [s for s in platform.scores if s["userId"] == BOB.sub][-1]
    assert graded["scoreGiven"] == 1
    bob_page = bob.http.get(f"{tool.url}{link_path}").text
    bob_feedback = re.search(r'href="([^"]+/feedback)"', bob_page).group(1)
    # Alice sees her own submission only and cannot open Bob's feedback
    alice = Browser()
    course = platform.courses["c1"]
    alice_page = alice.launch(
        tool, platform, platform.launch_hint(ALICE, course, _link(platform, "c1", DUMMY)), ALICE.sub
    ).text
    assert bob_feedback.split("/")[-2] not in alice_page
    refused = alice.http.get(bob_feedback)
    assert refused.status_code == 403 and "（forbidden）" in refused.text
    # and a person without a session sees nothing
    anonymous = Browser().http.get(bob_feedback)
    assert anonymous.status_code == 401 and "（session）" in anonymous.text


def test_learners_cannot_reach_instructor_pages(world, linked):
    platform, tool = world
    course = platform.courses["c1"]
    alice = Browser()
    page = alice.launch(
        tool, platform, platform.launch_hint(ALICE, course, _link(platform, "c1", DUMMY)), ALICE.sub
    )
    link_path = re.search(r'action="[^"]*/r/(\d+)/submit"', page.text).group(1)
    for path in ("", "/grades.csv", "/submissions.zip"):
        response = alice.http.get(f"{tool.url}/instructor/{link_path}{path}")
        assert response.status_code == 403 and "（forbidden）" in response.text, path
        assert "先生だけ" in response.text, path
    for action in ("regrade", "roster", "resend"):
        response = alice.http.post(
            f"{tool.url}/instructor/{link_path}/{action}", data={"csrf": csrf_of(page.text)}
        )
        assert response.status_code == 403 and "（forbidden）" in response.text, action
        assert "先生だけ" in response.text, action
    # a learner cannot start deep linking either
    denied = alice.post_launch(
        alice.login(tool, platform, platform.deep_link_hint(ALICE, course), ALICE.sub)
    )
    assert denied.status_code == 403 and "（role）" in denied.text


def test_instructor_view_roster_sync_regrade_zip_and_csv(world, alice, bob):
    platform, tool = world
    course = platform.courses["c1"]
    teacher = Browser()
    page = teacher.launch(
        tool, platform, platform.launch_hint(TEACHER, course, _link(platform, "c1", DUMMY)), "t"
    )
    assert page.status_code == 200 and "提出状況" in page.text
    link_id = re.search(r"/instructor/(\d+)/roster", page.text).group(1)
    base = f"{tool.url}/instructor/{link_id}"
    csrf = csrf_of(page.text)
    synced = teacher.follow(teacher.http.post(f"{base}/roster", data={"csrf": csrf}))
    assert "4 人" in synced.text, synced.text[synced.text.find("<h1>") :][
        :600
    ]  # teacher + 3 learners over two NRPS pages
    assert "千葉 さくら" in synced.text and "未提出" in synced.text  # Carol has not submitted
    from nbgrader.api import Gradebook

    # the roster (names, e-mails) stays in the tool's private data directory
    assert not (tool.rt.courseware / "assessments" / "gradebook.db").exists()
    gradebook = tool.rt.config.data_dir / "grading" / "gradebook.db"
    assert gradebook.stat().st_mode & 0o077 == 0
    with Gradebook(f"sqlite:///{gradebook}") as gb:
        lms_ids = {s.lms_user_id for s in gb.students}
    assert lms_ids == {ALICE.sub, BOB.sub, CAROL.sub}
    rows = list(
        csv.reader(io.StringIO(teacher.http.get(f"{base}/grades.csv").text.lstrip("\ufeff")))
    )
    by_sub = {r[2]: r for r in rows[1:]}
    assert by_sub[ALICE.sub][4] == "3" and by_sub[BOB.sub][4] == "1"
    assert by_sub[CAROL.sub][7] == "未提出"
    archive = zipfile.ZipFile(io.BytesIO(teacher.http.get(f"{base}/submissions.zip").content))
    assert len(archive.namelist()) == 2
    before = len(platform.scores)
    teacher.http.post(f"{base}/regrade", data={"csrf": csrf})
    wait_for(lambda: len(platform.scores) >= before + 2, 300, "re-graded scores")
    regraded = {s["userId"]: s["scoreGiven"] for s in platform.scores[before:]}
    assert regraded == {ALICE.sub: 3, BOB.sub: 1}
