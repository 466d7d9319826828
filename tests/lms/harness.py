"""Test harness: a courseware copy with a fast dummy assignment, the tool served for real,
and a browser (httpx with cookies) that walks the LTI login and launch like a person would."""

from __future__ import annotations

import html
import json
import re
import shutil
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import httpx
import nbformat
import yaml

from denchi.grading.quiz import ChoiceAnswer, NumberAnswer, Question
from denchi.lms.config import make_config
from denchi.lms.registration import add_platform
from denchi.lms.runtime import Runtime
from denchi.lms.web import create_app
from denchi.lms.webform import field_name
from lms.platform import Platform, bound_socket, serve

ROOT = Path(__file__).resolve().parents[2]
DUMMY = "z01_dummy"


def _cell(source: str, grade_id: str, *, solution: bool, points: float = 0):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade_id": grade_id,
        "solution": solution,
        "grade": not solution,
        "locked": not solution,
        "schema_version": 3,
        **({"points": points} if not solution else {}),
    }
    return cell


def dummy_notebook() -> nbformat.NotebookNode:
    """Two questions, 3 points, no PyBaMM: grades in well under a second."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 練習課題"),
        _cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION", "q1", solution=True),
        _cell("assert answer == 42, 'q1 のヒント'", "t1", solution=False, points=2),
        _cell('### BEGIN SOLUTION\nword = "battery"\n### END SOLUTION', "q2", solution=True),
        _cell("assert word == 'battery', 'q2 のヒント'", "t2", solution=False, points=1),
    ]
    return nb


def answered(release: Path, answer: str = "42", word: str = '"battery"') -> bytes:
    """The released notebook with a student's answers filled in, as uploaded bytes."""
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "q1":
            cell.source = f"answer = {answer}"
        elif grade_id == "q2":
            cell.source = f"word = {word}"
    return nbformat.writes(nb).encode()


def make_courseware(folder: Path) -> Path:
    """book/curriculum.yml with the dummy module added, and the nbgrader course."""
    catalog = yaml.safe_load((ROOT / "book" / "curriculum.yml").read_text(encoding="utf-8"))
    catalog["modules"].append(
        {
            "id": DUMMY,
            "status": "available",
            "track": "specialist",
            "title_ja": "テスト用の練習課題",
            "title_en": "Practice assignment for tests",
            "consortium_element": "テスト",
            "minutes": 90,
            "objectives": ["自動採点の流れを確かめる"],
            "prerequisites": [],
            "guideline_hooks": [],
            "labs": [],
            "assignment": DUMMY,
        }
    )
    (folder / "book").mkdir(parents=True)
    (folder / "book" / "curriculum.yml").write_text(
        yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8"
    )
    course = folder / "assessments"
    shutil.copytree(ROOT / "assessments" / "source", course / "source")
    shutil.copy2(ROOT / "assessments" / "nbgrader_config.py", course)
    (course / "source" / DUMMY).mkdir()
    nbformat.write(dummy_notebook(), course / "source" / DUMMY / f"{DUMMY}.ipynb")
    return folder


@dataclass
class Tool:
    rt: Runtime
    url: str
    server: object
    thread: object

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.rt.close()


def tool_settings(folder: Path, courseware: Path, url: str) -> dict:
    """The test tool's settings: database and data in ``folder``, served at ``url``."""
    return dict(
        base_url=url,
        database_url=f"sqlite:///{folder / 'lms.db'}",
        data_dir=str(folder / "data"),
        courseware_dir=str(courseware),
        book_url="http://127.0.0.1:9/book",
        outbox_base_delay_s=0.2,
        outbox_max_delay_s=1.0,
        outbox_max_attempts=100,
        max_upload_bytes=200_000,
        prepare_web_forms=False,  # each test reads the questions it needs
    )


def start_tool(folder: Path, courseware: Path, **settings) -> Tool:
    sock = bound_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    values = tool_settings(folder, courseware, url)
    config = make_config(folder / "denchi-lms.toml", **(values | settings))
    rt = Runtime(config)
    server, thread = serve(create_app(rt), sock)
    return Tool(rt, url, server, thread)


def register_manually(tool: Tool, platform: Platform) -> None:
    add_platform(
        tool.rt.db,
        issuer=platform.issuer,
        client_id=platform.client_id,
        login_url=f"{platform.url}/auth",
        token_url=f"{platform.url}/token",
        jwks_url=f"{platform.url}/jwks",
        deployment_ids=[platform.deployment_id],
    )
    platform.tool_jwks_url = f"{tool.url}/lti/jwks"


class Browser:
    """One person's browser: keeps cookies, follows the LTI redirects by hand.

    ``cookies=False`` is Safari inside the LMS iframe: it keeps no cookie of the tool at all.
    """

    def __init__(self, cookies: bool = True) -> None:
        jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=None if cookies else []))
        self.http = httpx.Client(timeout=60, cookies=jar)

    def close(self) -> None:
        self.http.close()

    def login(
        self, tool: Tool, platform: Platform, hint: str, sub: str, *, post: bool = False
    ) -> dict:
        """Login initiation at the tool, authorization at the platform; returns its answer.
        ``post``: initiate with a form POST, as Moodle does (its auto-submitted form), instead
        of a GET."""
        params = {
            "iss": platform.issuer,
            "login_hint": sub,
            "target_link_uri": f"{tool.url}/lti/launch",
            "lti_message_hint": hint,
            "client_id": platform.client_id,
        }
        if post:
            response = self.http.post(f"{tool.url}/lti/login", data=params)
        else:
            response = self.http.get(f"{tool.url}/lti/login", params=params)
        assert response.status_code == 302, response.text
        return self.http.get(self.login_redirect(tool, response).headers["location"]).json()

    def login_redirect(self, tool: Tool, response: httpx.Response) -> httpx.Response:
        """Follow the login's test request: the redirect to the platform's authorization."""
        while response.headers["location"].startswith(tool.url):
            response = self.http.get(response.headers["location"])
            assert response.status_code == 302, response.text
        return response

    def storage_login(
        self, tool: Tool, platform: Platform, hint: str, sub: str, *, store: bool = True
    ) -> tuple[dict, dict]:
        """Login initiation with ``lti_storage_target``: runs what the tool's page does in a
        browser (``lti.put_data`` of each item into the platform's frame, unless ``store`` is
        False), then the authorization; returns the page's data and the platform's answer."""
        response = self.http.get(
            f"{tool.url}/lti/login",
            params={
                "iss": platform.issuer,
                "login_hint": sub,
                "target_link_uri": f"{tool.url}/lti/launch",
                "lti_message_hint": hint,
                "client_id": platform.client_id,
                "lti_storage_target": platform.storage_frame,
            },
        )
        assert response.status_code == 200, response.text
        page = storage_page(response.text)
        assert page["mode"] == "put" and page["origin"] == platform.origin
        assert page["target"] == platform.storage_frame
        if store:
            for item in page["items"]:
                platform.put_data(tool.url, item["key"], item["value"])
        return page, self.http.get(page["next"]).json()

    def storage_continue(
        self, tool: Tool, platform: Platform, check_page: httpx.Response, origin: str | None = None
    ) -> httpx.Response:
        """What the launch check page does: ``lti.get_data`` of each item from the platform's
        frame into its form field, then the form's POST, which a browser sends with the page's
        ``Origin`` (the tool's, unless ``origin`` says otherwise)."""
        assert check_page.status_code == 200, check_page.text
        assert check_page.headers["referrer-policy"] == "same-origin"
        page = storage_page(check_page.text)
        assert page["mode"] == "get" and page["origin"] == platform.origin
        fields = dict(page["fields"])
        for item in page["items"]:
            fields[item["field"]] = platform.get_data(tool.url, item["key"]) or ""
        return self.http.post(page["action"], data=fields, headers={"Origin": origin or tool.url})

    def post_launch(self, answer: dict, id_token: str | None = None) -> httpx.Response:
        return self.http.post(
            answer["action"],
            data={"id_token": id_token or answer["id_token"], "state": answer["state"]},
        )

    def launch(
        self, tool: Tool, platform: Platform, hint: str, sub: str, *, post: bool = False
    ) -> httpx.Response:
        """The whole launch; returns the page the tool finally shows (``post``: see
        :meth:`login`)."""
        response = self.post_launch(self.login(tool, platform, hint, sub, post=post))
        assert response.status_code == 303, response.text
        return self.follow(response)

    def follow(self, response: httpx.Response) -> httpx.Response:
        while response.status_code in (302, 303) and response.headers["location"].startswith(
            "http://127.0.0.1"
        ):
            response = self.http.get(response.headers["location"])
        return response


def storage_page(text: str) -> dict:
    """The data attributes and hidden fields of the tool's platform-storage page."""
    form = re.search(r'<form id="lti-storage"(.*?)>(.*?)</form>', text, re.S)
    assert form is not None, text
    found = re.findall(r"""([\w-]+)=(?:"([^"]*)"|'([^']*)')""", form[1])
    attrs = {name: html.unescape(double or single) for name, double, single in found}
    fields = {
        html.unescape(k): html.unescape(v)
        for k, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form[2])
    }
    return {
        "action": attrs["action"],
        "mode": attrs["data-mode"],
        "origin": attrs["data-origin"],
        "target": attrs["data-target"],
        "next": attrs["data-next"],
        "items": json.loads(attrs["data-items"]),
        "fields": fields,
    }


def csrf_of(page: str) -> str:
    marker = 'name="csrf" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def choose_items(browser: Browser, tool: Tool, picker: httpx.Response, items: list[str]):
    """In the deep-linking picker, choose ``items``; returns the tool's auto-post page."""
    import re

    request_id = re.search(r'name="request_id" value="([^"]+)"', picker.text).group(1)
    return browser.http.post(
        f"{tool.url}/lti/deep-link",
        data={"csrf": csrf_of(picker.text), "request_id": request_id, "item": items},
    )


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)


def wait_for(predicate, timeout: float, what: str) -> None:
    """Poll until ``predicate()`` is true; fail naming ``what`` after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def place_assignment(platform: Platform, tool: Tool, course, link_id: str, lineitem_id: str):
    """A resource link for the dummy assignment with its line item, as deep linking makes."""
    course.lineitems[lineitem_id] = {
        "id": platform.lineitem_url(course.id, lineitem_id),
        "scoreMaximum": 3,
    }
    course.links[link_id] = {
        "title": "練習課題",
        "url": f"{tool.url}/lti/launch",
        "custom": {"denchi_kind": "assignment", "denchi_target": DUMMY},
        "lineitem_id": lineitem_id,
    }


# ---------------------------------------------------------------- the web form (lms.webform)
# the full-width forms of ASCII are at U+FF01..U+FF5E, 0xFEE0 above it (Unicode, Halfwidth and
# Fullwidth Forms)
FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789.-e"}


def typed(value: float, style: int) -> str:
    """A number as a learner with a Japanese IME might type it: plain, full-width, or with a
    decimal comma (where the comma cannot be read as a thousands separator)."""
    text = repr(float(value))
    decimals = text.partition(".")[2]
    if style % 3 == 1 or (style % 3 == 2 and len(decimals) == 3):
        return text.translate(FULL_WIDTH)
    return text.replace(".", ",") if style % 3 == 2 else text


def form_fields(questions: list[Question], values: dict[str, object]) -> dict[str, str]:
    """The form's fields for the values of the answer variables (by name)."""
    fields: dict[str, str] = {}
    for number, q in enumerate(questions):
        if q.name not in values:
            continue
        value = values[q.name]
        if isinstance(q.answer, NumberAnswer):
            fields[field_name(q)] = typed(float(str(value)), number)
        else:
            fields[field_name(q)] = str(value)
    return fields


def solution_values(questions: list[Question]) -> dict[str, object]:
    """The values the hidden tests expect, from the question model."""
    values: dict[str, object] = {}
    for q in questions:
        assert isinstance(q.answer, NumberAnswer | ChoiceAnswer), q.grade_id
        values[q.name] = q.answer.expected
    return values
