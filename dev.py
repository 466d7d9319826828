#!/usr/bin/env python3
"""Set up, run and test the courseware with nothing but Python 3 (standard library only).

    python3 dev.py serve    build the book (executing every notebook) and serve it on localhost
    python3 dev.py zip      build the student edition and write it as one zip (opens offline)
    python3 dev.py test     run the whole test suite (lint, unit tests, nbgrader, book build)

`python3 dev.py test --fast` runs the unit tests only (no PyBaMM solves, kernels, servers or
book build; the tests marked `slow` or `book` are left out), for the edit-and-check loop.

Both commands first create `.venv/` and install the exact versions recorded in `uv.lock`.
Developer helpers: `python3 dev.py lock` (re-resolve uv.lock after editing pyproject.toml),
`python3 dev.py build` (build the book only), `python3 dev.py lab` (JupyterLab on the
student notebook copies; `--source` on the repository's pages),
`python3 dev.py new-module ID` (write the parts of a planned module from templates),
`python3 dev.py slides` (the teacher-training slides, reveal.js offline, into _build/slides/).

The book has two editions from the same pages: `_build/student/html` (public: no answers) and
`_build/teacher/html` (private: teacher guides and answer keys; put it behind a login).
"""

from __future__ import annotations

import argparse
import email.utils
import functools
import gzip
import http.server
import io
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".tools"  # a tiny venv that only holds the pinned installer (uv)
VENV = ROOT / ".venv"
UV_VERSION = "0.13.9"
BIN = "Scripts" if os.name == "nt" else "bin"
EDITIONS = ("student", "teacher")  # as denchi.book.EDITIONS
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def html_dir(edition: str = "student") -> Path:
    """The built HTML of an edition (as denchi.book.output_dir)."""
    return ROOT / "_build" / edition / "html"


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


def _run(*cmd: str | Path, check: bool = True) -> int:
    """Run ``cmd`` in the project; its exit code (``check``: exit with it when not 0)."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, env=_env())
    if check and result.returncode:
        sys.exit(result.returncode)
    return result.returncode


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
    """Create .venv and install exactly what uv.lock records (all extras).

    Installed packages are compiled to bytecode once here (about 30 s the first time, under a
    second after). Every kernel, grader and page then imports PyBaMM and the rest from ``.pyc``
    files, even where ``PYTHONDONTWRITEBYTECODE`` keeps Python from writing them itself (it
    still reads them): without them each process compiles about 12,000 files again."""
    _run(
        _uv(), "sync", "--locked", "--all-extras", "--compile-bytecode", "--python", sys.executable
    )


# The course image for JupyterHub and BinderHub (repo2docker reads binder/): the learner's
# packages (the package's own and the "book" extra), pinned as uv.lock pins them.
BINDER_REQUIREMENTS = ROOT / "binder" / "requirements.txt"


def lock() -> None:
    """Re-resolve uv.lock, then export the course image's pins to binder/requirements.txt."""
    _run(_uv(), "lock", "--python", sys.executable)
    _run(
        _uv(),
        "export",
        "--frozen",
        "--no-hashes",
        "--no-emit-project",
        "--extra",
        "book",
        "--format",
        "requirements.txt",
        "--output-file",
        BINDER_REQUIREMENTS.relative_to(ROOT).as_posix(),
    )


def build(edition: str | None = None) -> None:
    """Build both editions (or one) with every warning fatal."""
    _run(
        VENV / BIN / "python",
        "-m",
        "denchi.book",
        "build",
        *(["--edition", edition] if edition else []),
    )


# what the classroom server sends compressed: text, which BokehJS and the pages are
# (bokeh-*.min.js: 1.65 MB as files, 0.45 MB compressed; issue 15's 1.5 MB budget per page)
COMPRESSED_SUFFIXES = (".html", ".js", ".css", ".json", ".svg", ".txt", ".ipynb", ".map")


class ClassroomHandler(http.server.SimpleHTTPRequestHandler):
    """The standard library's file server, sending text files gzip-compressed to a browser
    that accepts it (``Accept-Encoding: gzip``), as most web servers do, and answering
    ``If-Modified-Since`` with 304 for them too. A file is compressed once per version
    (its path and modification time)."""

    _compressed: dict[tuple[str, int], bytes] = {}

    def send_head(self):
        path = self.translate_path(self.path)
        wanted = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wanted and path.endswith(COMPRESSED_SUFFIXES) and os.path.isfile(path)):
            return super().send_head()
        stat = os.stat(path)
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                unchanged = email.utils.parsedate_to_datetime(since).timestamp() >= int(
                    stat.st_mtime
                )
            except (TypeError, ValueError, IndexError, OverflowError):
                unchanged = False
            if unchanged:
                self.send_response(http.HTTPStatus.NOT_MODIFIED)
                self.end_headers()
                return None
        key = (path, stat.st_mtime_ns)
        if key not in self._compressed:
            self._compressed[key] = gzip.compress(Path(path).read_bytes(), compresslevel=6)
        body = self._compressed[key]
        self.send_response(http.HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
        self.end_headers()
        return io.BytesIO(body)


def serve(port: int, host: str, edition: str = "student") -> None:
    if edition == "teacher" and host not in LOOPBACK:
        sys.exit(
            "指導者版（解答つき）は、この PC の中だけで表示できます（--host 127.0.0.1）。"
            "教員に公開するときは、学校のログインの後ろに置いてください（README）。\n"
            "The teacher edition holds the answers: serve it on 127.0.0.1 only, or publish it "
            "behind your school's login (see README)."
        )
    sync()
    build(edition)
    handler = functools.partial(ClassroomHandler, directory=str(html_dir(edition)))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        shown = "localhost" if host == "127.0.0.1" else host
        print(f"\n教材を公開しました / Serving the book: http://{shown}:{port}/  (Ctrl+C で終了)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print()


def zip_edition(html: Path, out: Path, folder: str = "denchi-book") -> Path:
    """Write a built edition as one zip: every file under ``folder/``, opened offline by
    double-clicking ``folder/index.html`` (the pages link to each other relatively and load
    nothing from other hosts). Raises FileNotFoundError when the edition is not built."""
    if not (html / "index.html").is_file():
        raise FileNotFoundError(f"{html} has no index.html: build the book first (dev.py build)")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in html.rglob("*") if p.is_file()):
            archive.write(path, f"{folder}/{path.relative_to(html).as_posix()}")
    return out


def zip_student(out: Path) -> None:
    sync()
    build("student")
    written = zip_edition(html_dir("student"), out)
    print(f"生徒版を書き出しました / Wrote the student edition: {written}")


def pytest_arguments(options: list[str], rest: list[str]) -> list[str]:
    """What ``dev.py test`` passes on to pytest: the options argparse did not know
    (``--durations=40``) and the rest of the line, without a ``--`` that separated them
    (``dev.py test -- -k lms``); pytest would read that ``--`` as the end of its options."""
    return [*options, *(rest[1:] if rest[:1] == ["--"] else rest)]


FAST = ["--fast", "-n", "2", "-q"]
FULL = ["-n", "auto", "--dist", "loadgroup", "--durations=15"]


def test(pytest_args: list[str], fast: bool = False) -> None:
    """ruff and ruff format, then pytest (``fast``: the unit tests only). The whole suite
    also runs mypy, beside pytest: a first check of the sources takes about 30 s of one core,
    which the test processes (often waiting on servers and kernels) leave free; its report
    follows pytest's, and either failing fails the run."""
    sync()
    py = VENV / BIN / "python"
    _run(py, "-m", "ruff", "check", "src", "tests", "benchmarks", "dev.py")
    _run(py, "-m", "ruff", "format", "--check", "src", "tests", "benchmarks", "dev.py")
    if fast:
        _run(py, "-m", "pytest", *FAST, *pytest_args)
        return
    print(f"+ {py} -m mypy  (beside pytest; its report follows)", flush=True)
    mypy = subprocess.Popen(
        [str(py), "-m", "mypy"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # two workers on a 2-core machine; the book build stays in one worker (xdist_group)
    tested = _run(py, "-m", "pytest", *FULL, *pytest_args, check=False)
    report, _ = mypy.communicate()
    print("mypy:", report, end="", flush=True)
    sys.exit(tested or mypy.returncode)


# JupyterLab settings of the project: a double-click opens a MyST page as a notebook
# (jupytext), not as Markdown text. A JupyterHub image copies the same file into
# <sys.prefix>/share/jupyter/lab/settings/overrides.d/.
LAB_SETTINGS = ROOT / "book" / "jupyterlab" / "denchi-myst-notebooks.json"


def install_lab_settings(prefix: Path) -> Path:
    """Copy the project's JupyterLab settings into the environment at ``prefix``."""
    target = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / LAB_SETTINGS.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(LAB_SETTINGS.read_bytes())
    return target


def notebooks_dir() -> Path:
    """The student notebook copies (as denchi.book.write_notebooks writes them)."""
    return html_dir("student") / "notebooks"


def lab_command(port: int, host: str, folder: Path, as_root: bool) -> list[str]:
    """The JupyterLab command line: listen on ``host``:``port``, open ``folder``, and add
    ``--allow-root`` as root (Jupyter Server refuses to start as root without it)."""
    root = ["--allow-root"] if as_root else []
    jupyter = str(VENV / BIN / "jupyter")
    return [
        jupyter,
        "lab",
        f"--ip={host}",
        f"--port={port}",
        "--no-browser",
        *root,
        f"--ServerApp.root_dir={folder}",
    ]


def lab(port: int, host: str, source: bool = False) -> None:
    """Open JupyterLab on the learners' notebook copies (no teacher text, no answers), which
    this writes first without running them; ``source`` opens the repository for authors."""
    sync()
    install_lab_settings(VENV)
    folder = ROOT
    if not source:
        _run(VENV / BIN / "python", "-m", "denchi.book", "notebooks")
        folder = notebooks_dir()
    # a container, a school's server image
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    _run(*lab_command(port, host, folder, as_root))


def new_module(module_id: str) -> None:
    """Write the parts of a planned module from templates (denchi.scaffold)."""
    sync()
    _run(VENV / BIN / "python", "-m", "denchi.scaffold", module_id)


def slides() -> None:
    """Build the teacher-training slides (denchi.slides) into _build/slides/."""
    sync()
    _run(VENV / BIN / "python", "-m", "denchi.slides")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="build the book and serve it on localhost")
    p_serve.add_argument("--port", type=int, default=8000)
    p_serve.add_argument(
        "--edition",
        choices=EDITIONS,
        default="student",
        help="student (public, default) or teacher (answers; this PC only)",
    )
    p_serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on: 0.0.0.0 serves the classroom network (default: this PC only)",
    )
    p_test = sub.add_parser("test", help="run the whole test suite")
    p_test.add_argument(
        "--fast", action="store_true", help="unit tests only (about 40 s on an idle 2-core machine)"
    )
    p_test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    sub.add_parser("sync", help="create .venv from uv.lock")
    sub.add_parser("lock", help="re-resolve uv.lock from pyproject.toml")
    p_build = sub.add_parser("build", help="build both editions into _build/<edition>/html")
    p_build.add_argument("--edition", choices=EDITIONS, help="build this edition only")
    p_zip = sub.add_parser("zip", help="build the student edition and write it as one zip")
    p_zip.add_argument("--output", type=Path, default=ROOT / "_build" / "denchi-book-student.zip")
    p_lab = sub.add_parser(
        "lab", help="open JupyterLab on the student notebook copies (no teacher text)"
    )
    p_lab.add_argument("--port", type=int, default=8888)
    p_lab.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on: 0.0.0.0 in a container (default 127.0.0.1: this PC only)",
    )
    p_lab.add_argument(
        "--source", action="store_true", help="open the repository's source pages (for authors)"
    )
    sub.add_parser(
        "slides", help="build the teacher-training slides (reveal.js, offline, A4 handouts)"
    )
    p_new = sub.add_parser(
        "new-module", help="write the parts of a planned module of book/curriculum.yml"
    )
    p_new.add_argument("module_id", help="e.g. u02_materials (docs/CONTRIBUTING.md)")
    args, unknown = parser.parse_known_args()
    if unknown and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command == "serve":
        serve(args.port, args.host, args.edition)
    elif args.command == "test":
        test(pytest_arguments(unknown, args.pytest_args), fast=args.fast)
    elif args.command == "sync":
        sync()
    elif args.command == "lock":
        lock()
    elif args.command == "build":
        sync()
        build(args.edition)
    elif args.command == "zip":
        zip_student(args.output)
    elif args.command == "lab":
        lab(args.port, args.host, args.source)
    elif args.command == "slides":
        slides()
    elif args.command == "new-module":
        new_module(args.module_id)


if __name__ == "__main__":
    main()
