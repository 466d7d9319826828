"""``denchi lms serve`` runs on uvicorn's C HTTP parser (httptools) and, where it exists,
uvloop: uvicorn picks them only when they are installed (``http="auto"``, ``loop="auto"``),
so a missing dependency would silently fall back to the pure-Python h11 parser, which cost
about 15 % more CPU per launch (benchmarks/lms_class.py --launches-only: 39-43 ms against
34-35 ms of the tool's CPU per launch in the same session)."""

from __future__ import annotations

import sys

import pytest
import uvicorn


def _config() -> uvicorn.Config:
    async def app(scope, receive, send):  # pragma: no cover - never called
        raise AssertionError

    config = uvicorn.Config(app)
    config.load()
    return config


def test_serve_gets_the_fast_http_parser():
    assert _config().http_protocol_class.__name__ == "HttpToolsProtocol"


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop does not exist on Windows")
def test_serve_gets_uvloop():
    loop = _config().get_loop_factory()()
    try:
        assert type(loop).__module__.startswith("uvloop"), type(loop)
    finally:
        loop.close()
