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
    csrf_of,
    make_courseware,
    register_manually,
    start_tool,
    wait_for,
)
from lms.platform import Person, Platform

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
