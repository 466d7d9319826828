"""The teacher edition served by the tool at /teacher-book/: to instructors after a real LTI
launch only; never a listing, nothing outside its folder (``..`` in every spelling, absolute
paths, symbolic links leading out); the instructor page links to it or says how to build it."""

from __future__ import annotations

import http.client
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lms.harness import DUMMY, Browser, make_courseware, register_manually, start_tool
from lms.platform import Person, Platform
from sqlalchemy import select, update

from denchi.lms import models

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lms")]

TEACHER = Person("t-501", "北 先生", "Instructor")
STUDENT = Person("u-501", "南 次郎")
MENTOR = Person("m-501", "保護 者", "Mentor")
SECRET = "OUTSIDE-SECRET"  # in files next to the edition's folder: never served


def fake_edition(site: Path) -> Path:
    """A tiny built teacher edition in ``site/teacher`` and secrets around it."""
    book = site / "teacher"
    for name, text in {
        "index.html": "<h1>TEACHER-INDEX 指導者版</h1>",
        f"teacher_guides/{DUMMY}.html": "<h1>ANSWER-KEY 解答 answer = 42</h1>",
        "modules/index.html": "<p>MODULES-INDEX</p>",
        "_static/style.css": "body { color: #222 }",
        "_static/app.js": "console.log('ok')",
        "_static/font.woff2": "wOF2",
        "_images/plot.png": "\x89PNG",
        "empty/hidden-name.bin": "x",  # a folder without index.html: no listing
    }.items():
        (book / name).parent.mkdir(parents=True, exist_ok=True)
        (book / name).write_text(text, encoding="utf-8")
    (site / "secret.html").write_text(SECRET, encoding="utf-8")
    (site / "outside").mkdir()
    (site / "outside" / "index.html").write_text(SECRET, encoding="utf-8")
    (site / "outside" / "secret.html").write_text(SECRET, encoding="utf-8")
    (book / "leak.html").symlink_to(site / "secret.html")  # a file link leading out
    (book / "linked").symlink_to(site / "outside")  # a folder link leading out
    (book / "modules" / "inner.html").symlink_to(book / "index.html")  # a link that stays in
    (book / "trap").mkdir()  # a folder inside whose index.html leads out
    (book / "trap" / "index.html").symlink_to(site / "outside" / "index.html")
    return book


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lms-teacher-book")
    book = fake_edition(folder / "site")
    platform = Platform()
    platform.start()
    tool = start_tool(folder, make_courseware(folder / "courseware"), teacher_book_dir=str(book))
    register_manually(tool, platform)
    course = platform.course("tb", TEACHER, STUDENT, MENTOR)
    course.links["rl-tb"] = {
        "title": "課題",
        "url": f"{tool.url}/lti/launch",
        "custom": {"denchi_kind": "assignment", "denchi_target": DUMMY},
    }
    yield platform, tool, course, book
    tool.stop()
    platform.stop()


def launched(world, person: Person) -> tuple[Browser, str]:
    """A browser after ``person``'s launch of the assignment link, and the page it shows."""
    platform, tool, course, _book = world
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(person, course, "rl-tb"), "x")
    assert page.status_code == 200, page.text
    return browser, page.text


@pytest.fixture(scope="module")
def teacher(world) -> Browser:
    return launched(world, TEACHER)[0]


def raw_get(tool, browser: Browser | None, path: str) -> tuple[int, dict, str]:
    """GET ``path`` exactly as written (httpx would resolve ``..`` before sending it)."""
    parts = urlsplit(tool.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {}
    if browser is not None:
        headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in browser.http.cookies.jar)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return (
            response.status,
            dict(response.getheaders()),
            response.read().decode(errors="replace"),
        )
    finally:
        connection.close()


def test_an_instructor_reads_the_teacher_edition_with_the_right_types(world, teacher):
    _platform, tool, _course, _book = world
    start = teacher.http.get(f"{tool.url}/teacher-book/")
    assert start.status_code == 200 and "TEACHER-INDEX" in start.text
    assert start.headers["content-type"] == "text/html; charset=utf-8"
    assert start.headers["cache-control"] == "no-store"
    assert start.headers["x-content-type-options"] == "nosniff"
    guide = teacher.http.get(f"{tool.url}/teacher-book/teacher_guides/{DUMMY}.html")
    assert guide.status_code == 200 and "ANSWER-KEY" in guide.text
    types = {
        "_static/style.css": "text/css; charset=utf-8",
        "_static/app.js": "text/javascript; charset=utf-8",
        "_static/font.woff2": "font/woff2",
        "_images/plot.png": "image/png",
    }
    for path, expected in types.items():
        response = teacher.http.get(f"{tool.url}/teacher-book/{path}")
        assert response.status_code == 200 and response.headers["content-type"] == expected, path
    # a link that stays inside the folder is followed
    assert "TEACHER-INDEX" in teacher.http.get(f"{tool.url}/teacher-book/modules/inner.html").text


def test_folders_answer_with_their_index_after_adding_the_slash(world, teacher):
    _platform, tool, _course, _book = world
    for path, slashed in (("/teacher-book", "/teacher-book/"),
                          ("/teacher-book/modules", "/teacher-book/modules/")):  # fmt: skip
        response = teacher.http.get(f"{tool.url}{path}")
        assert response.status_code == 307 and response.headers["location"] == tool.url + slashed
    modules = teacher.http.get(f"{tool.url}/teacher-book/modules/")
    assert modules.status_code == 200 and "MODULES-INDEX" in modules.text


def test_missing_files_and_folders_without_index_are_404_never_a_listing(world, teacher):
    _platform, tool, _course, _book = world
    for path in ("no-such-page.html", "empty/", "modules/nothing/", "_static/none.js"):
        response = teacher.http.get(f"{tool.url}/teacher-book/{path}")
        assert response.status_code == 404, path
        assert "そのページはありません" in response.text and "No such page" in response.text
        assert "hidden-name" not in response.text and "（not_found）" in response.text


def test_learners_mentors_and_strangers_get_403(world):
    _platform, tool, _course, _book = world
    learner, learner_page = launched(world, STUDENT)
    mentor, mentor_page = launched(world, MENTOR)
    assert "提出する" in learner_page and "/teacher-book" not in learner_page
    assert "教師用テキスト" not in learner_page and "/teacher-book" not in mentor_page
    paths = ("/teacher-book", "/teacher-book/", "/teacher-book/index.html",
             f"/teacher-book/teacher_guides/{DUMMY}.html", "/teacher-book/_static/app.js",
             "/teacher-book/no-such-page.html", "/teacher-book/empty/",
             "/teacher-book/%2e%2e/secret.html")  # fmt: skip
    for who, browser in (("learner", learner), ("mentor", mentor), ("no session", None)):
        for path in paths:
            status, _headers, body = raw_get(tool, browser, path)
            assert status == 403, (who, path, status)
            assert "（forbidden）" in body and "開けませんでした" in body, (who, path)
            assert "TEACHER-INDEX" not in body and "ANSWER-KEY" not in body
    assert "先生だけ" in learner.http.get(f"{tool.url}/teacher-book/").text
    assert "Only instructors" in mentor.http.get(f"{tool.url}/teacher-book/").text
    assert "LMS" in Browser().http.get(f"{tool.url}/teacher-book/").text


# every spelling of a way out: dot segments raw and percent-encoded, encoded slashes, absolute
# paths, a NUL byte
TRAVERSALS = [
    "/teacher-book/../secret.html",
    "/teacher-book/../../../../../../etc/passwd",
    "/teacher-book/modules/../../secret.html",
    "/teacher-book/%2e%2e/secret.html",
    "/teacher-book/%2E%2E/secret.html",
    "/teacher-book/.%2e/secret.html",
    "/teacher-book/..%2fsecret.html",
    "/teacher-book/..%2Fsecret.html",
    "/teacher-book/modules%2f..%2f..%2fsecret.html",
    "/teacher-book/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/teacher-book//etc/passwd",
    "/teacher-book/%2fetc%2fpasswd",
    "/teacher-book/{site}/secret.html",
    "/teacher-book/%00",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_paths_leading_out_of_the_edition_are_refused(world, teacher, path):
    _platform, tool, _course, book = world
    status, _headers, body = raw_get(tool, teacher, path.replace("{site}", str(book.parent)))
    assert status == 400, (path, status, body[:300])
    assert "（path）" in body and SECRET not in body and "root:" not in body


@pytest.mark.parametrize(
    "path", ["leak.html", "linked/secret.html", "linked/", "linked", "trap/", "trap/index.html"]
)
def test_symbolic_links_leading_out_are_refused(world, teacher, path):
    _platform, tool, _course, _book = world
    status, _headers, body = raw_get(tool, teacher, f"/teacher-book/{path}")
    assert status == 400, (path, status, body[:300])
    assert "（path）" in body and SECRET not in body


def test_the_instructor_page_links_to_the_guide_of_its_assignment(world):
    _platform, tool, _course, _book = world
    _browser, page = launched(world, TEACHER)
    assert "提出状況" in page
    link = re.search(
        r'<a class="button" href="([^"]+)"[^>]*>教師用テキスト（指導書・解答）を開く</a>', page
    )
    assert link and link.group(1) == f"{tool.url}/teacher-book/teacher_guides/{DUMMY}.html"


def test_an_instructor_of_another_course_may_read_it_until_the_lms_removes_them(world):
    """Instructor in one course is enough (here a learner in this one); an inactive
    membership (dropped from the roster) is not."""
    platform, tool, _course, _book = world
    other = platform.course("tb-other", Person("t-502", "東 先生", "Instructor"))
    here = platform.courses["tb"]
    here.members.append(Person("t-502", "東 先生"))  # the same person, a learner here
    other.links["rl-other"] = {
        "title": "課題",
        "url": f"{tool.url}/lti/launch",
        "custom": {"denchi_kind": "assignment", "denchi_target": DUMMY},
    }
    browser = Browser()
    browser.launch(tool, platform, platform.launch_hint(other.members[0], other, "rl-other"), "o")
    page = browser.launch(
        tool, platform, platform.launch_hint(here.members[-1], here, "rl-tb"), "h"
    )
    assert "提出する" in page.text  # the latest launch made a learner's session
    assert browser.http.get(f"{tool.url}/teacher-book/").status_code == 200
    with tool.rt.db.session() as s:
        user_id = s.scalars(select(models.User.id).where(models.User.sub == "t-502")).one()
        s.execute(
            update(models.Membership)
            .where(models.Membership.user_id == user_id, models.Membership.role == "instructor")
            .values(active=False)
        )
    refused = browser.http.get(f"{tool.url}/teacher-book/")
    assert refused.status_code == 403 and "（forbidden）" in refused.text
    assert "先生だけ" in refused.text


def test_an_unbuilt_edition_is_explained_on_the_instructor_page(tmp_path):
    """Default folder: the courseware checkout's _build/teacher/html, read at each request."""
    platform = Platform()
    platform.start()
    courseware = make_courseware(tmp_path / "courseware")
    tool = start_tool(tmp_path, courseware)
    try:
        register_manually(tool, platform)
        course = platform.course("tb-unbuilt", TEACHER)
        course.links["rl-u"] = {
            "title": "課題",
            "url": f"{tool.url}/lti/launch",
            "custom": {"denchi_kind": "assignment", "denchi_target": DUMMY},
        }
        browser = Browser()
        page = browser.launch(tool, platform, platform.launch_hint(TEACHER, course, "rl-u"), "t")
        assert page.status_code == 200 and "提出状況" in page.text
        assert "python3 dev.py build --edition teacher" in page.text
        assert "まだつくられていません" in page.text and "has not been built" in page.text
        assert "を開く</a>" not in page.text
        missing = browser.http.get(f"{tool.url}/teacher-book/")
        assert missing.status_code == 404 and "（not_built）" in missing.text
        built = courseware / "_build" / "teacher" / "html"
        built.mkdir(parents=True)
        (built / "index.html").write_text("<h1>BUILT</h1>", encoding="utf-8")
        page = browser.http.get(page.url)
        link = re.search(r'href="([^"]+)"[^>]*>教師用テキスト（指導書・解答）を開く', page.text)
        assert link and link.group(1) == f"{tool.url}/teacher-book/"  # no guide of this module
        assert "BUILT" in browser.http.get(link.group(1)).text
    finally:
        tool.stop()
        platform.stop()
