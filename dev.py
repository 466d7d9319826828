#!/usr/bin/env python3
"""Set up, run and test the courseware with nothing but Python 3 (standard library only).

    python3 dev.py serve    build the book (executing every notebook) and serve it on localhost
    python3 dev.py test     run the whole test suite (lint, unit tests, nbgrader, book build)

`python3 dev.py test --fast` runs the unit tests only (no PyBaMM solves, kernels, servers or
book build; the tests marked `slow` or `book` are left out), for the edit-and-check loop.

Both commands first create `.venv/` and install the exact versions recorded in `uv.lock`.
Developer helpers: `python3 dev.py lock` (re-resolve uv.lock after editing pyproject.toml),
`python3 dev.py build` (build the book only), `python3 dev.py lab` (JupyterLab on localhost).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".tools"  # a tiny venv that only holds the pinned installer (uv)
VENV = ROOT / ".venv"
UV_VERSION = "0.13.9"
BIN = "Scripts" if os.name == "nt" else "bin"
HTML = ROOT / "_build" / "html"


def _env() -> dict[str, str]:
    """Environment for every child process: no telemetry, no Python downloads, UTF-8."""
    env = dict(os.environ)
    env.update(
        PYBAMM_DISABLE_TELEMETRY="true",
        UV_PYTHON_DOWNLOADS="never",
        UV_PROJECT_ENVIRONMENT=str(VENV),
        PYTHONUTF8="1",
        DENCHI_ROOT=str(ROOT),
    )
    env["PATH"] = str(VENV / BIN) + os.pathsep + env.get("PATH", "")
    return env


def _run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, env=_env())
    if result.returncode:
        sys.exit(result.returncode)


def _uv() -> Path:
    uv = TOOLS / BIN / "uv"
    if not uv.exists():
        if sys.version_info < (3, 10):  # noqa: UP036  (dev.py may run on an older python3)
            sys.exit("Python 3.10 or newer is needed / Python 3.10 以上が必要です")
        print(f"Creating {TOOLS.name}/ with uv {UV_VERSION} ...", flush=True)
        venv.create(TOOLS, with_pip=True)
        _run(TOOLS / BIN / "python", "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}")
    return uv


def sync() -> None:
    """Create .venv and install exactly what uv.lock records (all extras)."""
    _run(_uv(), "sync", "--locked", "--all-extras", "--python", sys.executable)


def lock() -> None:
    _run(_uv(), "lock", "--python", sys.executable)


def build() -> None:
    _run(VENV / BIN / "python", "-m", "denchi.book", "build")


def serve(port: int, host: str) -> None:
    sync()
    build()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(HTML))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        shown = "localhost" if host == "127.0.0.1" else host
        print(f"\n教材を公開しました / Serving the book: http://{shown}:{port}/  (Ctrl+C で終了)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print()


FAST = ["--fast", "-n", "2", "-q"]
FULL = ["-n", "auto", "--dist", "loadgroup", "--durations=15"]


def test(pytest_args: list[str], fast: bool = False) -> None:
    sync()
    py = VENV / BIN / "python"
    _run(py, "-m", "ruff", "check", "src", "tests", "benchmarks", "dev.py")
    _run(py, "-m", "ruff", "format", "--check", "src", "tests", "benchmarks", "dev.py")
    if not fast:
        _run(py, "-m", "mypy")
    # two workers on a 2-core machine; the book build stays in one worker (xdist_group)
    _run(py, "-m", "pytest", *(FAST if fast else FULL), *pytest_args)


def lab(port: int) -> None:
    sync()
    # as root (a container, a school's server image) Jupyter refuses to start without this
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    jupyter = VENV / BIN / "jupyter"
    _run(jupyter, "lab", "--ip=127.0.0.1", f"--port={port}", "--no-browser", *as_root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="build the book and serve it on localhost")
    p_serve.add_argument("--port", type=int, default=8000)
    p_serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on: 0.0.0.0 serves the classroom network (default: this PC only)",
    )
    p_test = sub.add_parser("test", help="run the whole test suite")
    p_test.add_argument("--fast", action="store_true", help="unit tests only (under a minute)")
    p_test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    sub.add_parser("sync", help="create .venv from uv.lock")
    sub.add_parser("lock", help="re-resolve uv.lock from pyproject.toml")
    sub.add_parser("build", help="build the book into _build/html")
    p_lab = sub.add_parser("lab", help="open JupyterLab on localhost")
    p_lab.add_argument("--port", type=int, default=8888)
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.port, args.host)
    elif args.command == "test":
        test(args.pytest_args, fast=args.fast)
    elif args.command == "sync":
        sync()
    elif args.command == "lock":
        lock()
    elif args.command == "build":
        sync()
        build()
    elif args.command == "lab":
        lab(args.port)


if __name__ == "__main__":
    main()
