"""Shared fixtures: the repository root, a clean environment, the built book."""

from __future__ import annotations

import os
import re
from pathlib import Path

import fast_tier
import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("DENCHI_ROOT", str(ROOT))
os.environ["PYBAMM_DISABLE_TELEMETRY"] = "true"
os.environ.setdefault("MPLBACKEND", "Agg")
BUILD_PROBLEMS = ROOT / "_build" / "build-problems.txt"


# a module whose every test is slow says so at its top; --fast does not even import it
SLOW_MODULE = re.compile(r"^pytestmark = .*pytest\.mark\.(slow|book)\b", re.MULTILINE)


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--fast",
        action="store_true",
        help="unit tests only: leave out the tests marked slow or book (docs/CONTRIBUTING.md)",
    )


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "allows_program(name, reason=...): under --fast, a cached fixture of this test may run "
        "the short-lived program `name` (tests/fast_tier.py)",
    )
    if config.getoption("fast"):
        config.option.markexpr = "not slow and not book"
        # a test that starts a kernel, a server, a subprocess or a PyBaMM solve fails
        config.pluginmanager.register(fast_tier.Guard(), "fast-tier-guard")


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    fast = config.getoption("fast") and collection_path.suffix == ".py"
    if fast and SLOW_MODULE.search(collection_path.read_text(encoding="utf-8")):
        return True
    return None


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (its own hook)
def pytest_collection_modifyitems(config, items) -> None:
    """Keep the tests that share a module-scoped fixture in one test process.

    A module-scoped fixture is made once in each process that runs one of its tests; under
    ``--dist loadgroup`` the tests of a module may go to both workers, which then both make
    it (the hostile grading batch was graded twice: 74 s and 67 s of set-up). Each test that
    uses a module-scoped fixture and has no ``xdist_group`` of its own gets its module's.
    """
    for item in items:
        if item.get_closest_marker("xdist_group") or not hasattr(item, "_fixtureinfo"):
            continue
        definitions = item._fixtureinfo.name2fixturedefs.values()
        if any(d.scope == "module" for defs in definitions for d in defs):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


def pytest_sessionstart(session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller, once per run
        BUILD_PROBLEMS.unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter) -> None:
    """Repeat why the book build failed at the very end, where a CI log's tail shows it."""
    if BUILD_PROBLEMS.is_file() and not hasattr(terminalreporter.config, "workerinput"):
        terminalreporter.section("book build problems")
        terminalreporter.write_line(BUILD_PROBLEMS.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def catalog():
    from denchi.catalog import load_catalog

    return load_catalog(ROOT / "book" / "curriculum.yml")


@pytest.fixture(scope="session")
def built_editions() -> dict[str, Path]:
    """Build both editions of the book once per test session (every notebook executed,
    warnings fatal); their HTML folders by edition name."""
    from denchi.book import EDITIONS, build, output_dir

    log = ROOT / "_build" / "build.log"
    log.parent.mkdir(exist_ok=True)
    # One build at a time in _build/: two test processes building at once corrupt the
    # execution cache. A second process waits, then finds the pages up to date.
    with FileLock(ROOT / "_build" / ".build.lock"):
        code = build(ROOT, log=log)
    output = log.read_text(encoding="utf-8", errors="replace")
    print(output)
    problems = [
        line
        for line in output.splitlines()
        if any(word in line for word in ("WARNING", "ERROR", "Error", "Exception", "Traceback"))
        and "Kernel is running over TCP" not in line
    ]
    if code != 0:
        BUILD_PROBLEMS.write_text("\n".join(problems[:40]) or output[-3000:], encoding="utf-8")
    assert code == 0, "the book build failed:\n" + "\n".join(problems[:40])
    return {edition: output_dir(ROOT, edition) for edition in EDITIONS}


@pytest.fixture(scope="session")
def built_book(built_editions) -> Path:
    """The student edition (public): what learners and anyone on the web can open."""
    return built_editions["student"]


@pytest.fixture(scope="session")
def teacher_book(built_editions) -> Path:
    """The teacher edition (private): the student pages plus guides and answers."""
    return built_editions["teacher"]
