"""Cookies the tool sets inside an LMS iframe (CHIPS ``Partitioned``), the first-party cookie of
the new-window hand-off, the platform-storage script's message names and origin checks, and the
operator page quoting the messages the tool really shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.responses import Response

from denchi.lms.config import make_config
from denchi.lms.sessions import clear_cookie, set_cookie

ROOT = Path(__file__).resolve().parents[1]


def cookie_header(base_url: str, tmp_path: Path, **kwargs) -> str:
    config = make_config(tmp_path / "denchi-lms.toml", base_url=base_url)
    response = Response()
    set_cookie(response, config, "denchi_session", "value", 3600, **kwargs)
    return response.headers["set-cookie"]


def test_iframe_cookies_on_https_are_secure_cross_site_and_partitioned(tmp_path):
    header = cookie_header("https://denchi.example-school.ed.jp", tmp_path)
    attributes = [part.strip() for part in header.split(";")]
    assert "Secure" in attributes and "HttpOnly" in attributes
    assert "SameSite=none" in attributes and "Partitioned" in attributes


def test_cookies_on_plain_http_are_neither_secure_nor_partitioned(tmp_path):
    """Browsers refuse ``Partitioned`` without ``Secure``, and ``Secure`` needs https."""
    header = cookie_header("http://127.0.0.1:8765", tmp_path)
    assert "Partitioned" not in header and "Secure" not in header and "SameSite=lax" in header


def test_the_first_party_cookie_of_a_new_window_is_not_partitioned(tmp_path):
    header = cookie_header("https://denchi.example-school.ed.jp", tmp_path, first_party=True)
    assert "Secure" in header and "SameSite=lax" in header and "Partitioned" not in header


def test_clearing_a_partitioned_cookie_names_the_partition(tmp_path):
    """A deletion without ``Partitioned`` would go to the unpartitioned jar and leave it."""
    config = make_config(tmp_path / "denchi-lms.toml", base_url="https://tool.example")
    response = Response()
    clear_cookie(response, config, "denchi_lti_state_x")
    header = response.headers["set-cookie"]
    assert "Max-Age=0" in header and "Partitioned" in header and "Secure" in header


SCRIPT = ROOT / "src" / "denchi" / "lms" / "static" / "platform_storage.js"
TEMPLATE = ROOT / "src" / "denchi" / "lms" / "templates" / "platform_storage.html"


def test_the_storage_script_sends_the_spec_messages_only_to_the_platform_origin():
    """lti-cs-oidc / lti-pm-s: put and get (and capabilities to find the frame), every message
    posted with the platform's origin as target origin, never "*"."""
    js = SCRIPT.read_text(encoding="utf-8")
    for subject in ("lti.put_data", "lti.get_data", "lti.capabilities"):
        assert f'subject: "{subject}"' in js, subject
    posts = re.findall(r"\.postMessage\(([^;]*)\);", js)
    assert posts and all(call.rstrip().endswith(", origin") for call in posts), posts
    assert '"*"' not in js and "'*'" not in js


def test_the_storage_script_trusts_only_the_platforms_answers_to_its_own_messages():
    js = SCRIPT.read_text(encoding="utf-8")
    listener = js[js.index("function listener(event)") : js.index("window.addEventListener")]
    assert "event.origin !== origin" in listener  # only the platform's frame may answer
    assert "data.message_id !== id" in listener  # and only to the message we sent
    assert 'message.subject + ".response"' in listener
    assert "data.error" in listener  # a platform error stops the launch (the page says so)


def test_the_storage_page_has_no_inline_script():
    """The script is a served file, so a Content-Security-Policy without 'unsafe-inline' holds."""
    page = TEMPLATE.read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]*>", page) == ['<script src="{{ base }}{{ script }}">']


def _messages() -> list[str]:
    from denchi.lms import handoff, lti, platform_storage

    with pytest.raises(lti.LaunchError) as refused:
        lti.check_state("a-state", None)
    return [
        *handoff.BLOCKED,
        handoff.BUTTON,
        *handoff.EXPIRED,
        *platform_storage.FAILED,
        refused.value.ja,
        refused.value.en,
    ]


@pytest.mark.parametrize("message", _messages())
def test_the_operator_page_quotes_each_message_the_tool_shows(message):
    """The operator page quotes the tool's own words (they cannot drift apart)."""
    page = (ROOT / "book" / "operators" / "01_lms_tool.md").read_text(encoding="utf-8")
    assert message in page
