"""Cookies the tool sets inside an LMS iframe (CHIPS ``Partitioned``), the first-party cookie of
the new-window hand-off, the platform-storage script's message names and origin checks, and the
operator page quoting the messages the tool really shows."""

from __future__ import annotations

from pathlib import Path

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
