"""`python3 dev.py lab`: the command line it runs, checked without starting JupyterLab; and
what `python3 dev.py test` passes on to pytest.

Learners get the student notebook copies (``_build/student/html/notebooks``, written by
``python -m denchi.book notebooks``: no teacher text, no raw roles); ``--source`` opens the
repository for authors.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def dev():
    spec = importlib.util.spec_from_file_location("denchi_dev_lab_script", ROOT / "dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def ran(dev, monkeypatch):
    """The commands ``dev.lab`` runs (sync and the settings copy skipped)."""
    commands: list[list[str]] = []
    monkeypatch.setattr(dev, "sync", lambda: None)
    monkeypatch.setattr(dev, "install_lab_settings", lambda prefix: prefix)
    monkeypatch.setattr(dev, "_run", lambda *cmd: commands.append([str(c) for c in cmd]))
    return commands


def _option(command: list[str], name: str) -> str:
    values = [arg.split("=", 1)[1] for arg in command if arg.startswith(f"{name}=")]
    assert len(values) == 1, command
    return values[0]


@pytest.mark.parametrize("as_root", [False, True])
def test_the_lab_command_listens_where_asked_and_allows_root_only_as_root(dev, as_root):
    command = dev.lab_command(8890, "0.0.0.0", ROOT / "x", as_root)
    assert command[1] == "lab"
    assert _option(command, "--ip") == "0.0.0.0"
    assert _option(command, "--port") == "8890"
    assert _option(command, "--ServerApp.root_dir") == str(ROOT / "x")
    assert ("--allow-root" in command) is as_root


def test_learners_get_the_student_notebook_copies(dev, ran, monkeypatch):
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0, raising=False)
    dev.lab(8888, "127.0.0.1")
    write, jupyter = ran
    assert write[1:] == ["-m", "denchi.book", "notebooks"]
    assert _option(jupyter, "--ServerApp.root_dir") == str(
        ROOT / "_build" / "student" / "html" / "notebooks"
    )
    assert _option(jupyter, "--ip") == "127.0.0.1"
    assert "--allow-root" in jupyter


def test_authors_get_the_repository_with_source(dev, ran, monkeypatch):
    monkeypatch.setattr(dev.os, "geteuid", lambda: 1000, raising=False)
    dev.lab(8888, "127.0.0.1", source=True)
    [jupyter] = ran  # nothing written first
    assert _option(jupyter, "--ServerApp.root_dir") == str(ROOT)
    assert "--allow-root" not in jupyter


@pytest.mark.slow  # runs dev.py in a new process
def test_the_command_line_offers_host_and_source():
    result = subprocess.run(
        [sys.executable, str(ROOT / "dev.py"), "lab", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "--host" in result.stdout and "--source" in result.stdout
    assert "127.0.0.1" in result.stdout


@pytest.mark.parametrize(
    ("argv", "passed"),
    [
        (["test", "--durations=40"], ["--durations=40"]),
        (["test", "--", "--durations=40", "-k", "lms"], ["--durations=40", "-k", "lms"]),
        (
            ["test", "tests/test_catalog.py", "-k", "order"],
            ["tests/test_catalog.py", "-k", "order"],
        ),
        (["test"], []),
    ],
)
def test_dev_test_passes_the_rest_of_the_line_to_pytest(dev, monkeypatch, argv, passed):
    """`dev.py test --durations=40` was refused and `dev.py test -- --durations=40` gave pytest
    a `--` after which its options were file names: no test ran."""
    calls: list[tuple[list[str], bool]] = []
    monkeypatch.setattr(dev, "test", lambda args, fast=False: calls.append((args, fast)))
    monkeypatch.setattr(sys, "argv", ["dev.py", *argv])
    dev.main()
    assert calls == [(passed, False)]


@pytest.mark.parametrize(
    ("mypy_code", "pytest_code", "exit_code"), [(0, 0, 0), (1, 0, 1), (0, 5, 5)]
)
def test_the_whole_suite_runs_mypy_beside_pytest_and_fails_if_either_fails(
    dev, monkeypatch, capsys, mypy_code, pytest_code, exit_code
):
    """mypy's first check (about 30 s) ran before pytest; it now runs beside it, and its
    report and failure are not lost."""

    order: list[str] = []
    monkeypatch.setattr(dev, "sync", lambda: None)

    def run(*cmd, check=True):
        order.append(str(cmd[2]))
        return pytest_code if cmd[2] == "pytest" else 0

    monkeypatch.setattr(dev, "_run", run)

    class Mypy:
        returncode = mypy_code

        def __init__(self, cmd, **kwargs):
            assert cmd[1:] == ["-m", "mypy"]
            order.append("mypy starts")

        def communicate(self):
            order.append("mypy read")
            return "mypy says\n", None

    monkeypatch.setattr(dev.subprocess, "Popen", Mypy)
    with pytest.raises(SystemExit) as ended:
        dev.test([])
    assert ended.value.code == exit_code
    assert order == ["ruff", "ruff", "mypy starts", "pytest", "mypy read"]
    assert "mypy says" in capsys.readouterr().out


def test_other_commands_still_refuse_unknown_options(dev, monkeypatch, capsys):
    monkeypatch.setattr(dev, "serve", lambda *args: pytest.fail("serve ran"))
    monkeypatch.setattr(sys, "argv", ["dev.py", "serve", "--prot", "8000"])
    with pytest.raises(SystemExit):
        dev.main()
    assert "unrecognized arguments: --prot 8000" in capsys.readouterr().err


def test_the_classroom_server_sends_text_compressed_to_browsers_that_accept_it(dev, tmp_path):
    """`dev.py serve`: BokehJS is 1.65 MB as files and 0.45 MB compressed; a classroom of 40
    on the school's Wi-Fi gets it compressed, like from most web servers (issue 15)."""
    import gzip
    import threading
    import urllib.request

    script = ("const answer = 42;\n" * 5000).encode()
    (tmp_path / "bokeh.min.js").write_bytes(script)
    (tmp_path / "figure.png").write_bytes(b"\x89PNG" + bytes(3000))
    handler = dev.functools.partial(dev.ClassroomHandler, directory=str(tmp_path))
    server = dev.http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def get(name: str, **headers: str):
        request = urllib.request.Request(f"{base}/{name}", headers=headers)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), b""

    try:
        status, headers, body = get("bokeh.min.js", **{"Accept-Encoding": "gzip, deflate"})
        assert (status, headers["Content-Encoding"]) == (200, "gzip")
        assert gzip.decompress(body) == script and len(body) < len(script) / 10
        assert headers["Content-Type"] == "text/javascript" and headers["Vary"] == "Accept-Encoding"
        assert (
            get(
                "bokeh.min.js",
                **{"If-Modified-Since": headers["Last-Modified"], "Accept-Encoding": "gzip"},
            )[0]
            == 304
        )
        status, headers, body = get("bokeh.min.js")  # a client that did not ask
        assert "Content-Encoding" not in headers and body == script
        status, headers, body = get("figure.png", **{"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in headers and body.startswith(b"\x89PNG")
        assert get("../etc/passwd", **{"Accept-Encoding": "gzip"})[0] == 404
    finally:
        server.shutdown()
        server.server_close()
