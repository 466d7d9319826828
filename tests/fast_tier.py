"""The fast tier cannot silently start the slow things (``docs/CONTRIBUTING.md``, "Where a
test goes").

With ``--fast`` (``python3 dev.py test --fast``) every test runs watched, from the set-up of
its fixtures to their tear-down: starting a process (a Jupyter kernel, a server, any
subprocess: the audit events ``subprocess.Popen``, ``os.system``, ``os.posix_spawn``,
``os.spawn``, ``os.exec``, ``os.fork`` of the Python docs' "Audit events table", seen by a
:func:`sys.addaudithook` hook) or a PyBaMM solve (``pybamm.BaseSolver.solve`` and ``step``,
through which every simulation and experiment solves, and ``pybamm.EISSimulation.solve``;
patched when PyBaMM is first imported, so the fast tier does not pay for importing it) raises
:class:`SlowInFastTier` where it happens, and the test fails with a message that names what
started and says to mark the test slow. A test that catches the error fails all the same.

The standard library's probes of the machine (:data:`LIBRARY_PROBES`: ``ldconfig -p``,
``file -b``) pass. The one escape: a small fixture made once and cached may need a
short-lived program, which its module names with
``pytest.mark.allows_program("alembic", reason=...)`` (nbgrader's ``Gradebook`` runs
``alembic heads`` for a new gradebook; the module makes one and copies it). Kernels, servers and
PyBaMM solves are never allowed.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

SPAWN_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.posix_spawn", "os.spawn", "os.exec", "os.fork"}
)
KERNEL_WORDS = ("ipykernel", "jupyter-kernel", "kernel-")
SERVER_WORDS = ("uvicorn", "gunicorn", " serve", "jupyter-lab", "jupyter-server", "http.server")
# programs the standard library runs to probe the machine, in milliseconds, whichever test
# happens to ask first: allowed everywhere
LIBRARY_PROBES = {
    "ldconfig": "ctypes.util.find_library runs `ldconfig -p` (Python docs, ctypes, "
    "'Finding shared libraries')",
    "file": "platform.architecture() runs `file -b` on the interpreter (Python docs, platform)",
}
HOW_TO_FIX = (
    "the fast tier (--fast) runs unit tests only: mark this test (or its module) "
    "`pytest.mark.slow`, or test the piece without it (docs/CONTRIBUTING.md, 'Where a test goes')"
)


class SlowInFastTier(BaseException):
    """Raised where a watched test starts a process or a PyBaMM solve. A ``BaseException``,
    like pytest's own outcomes, so that code under test that catches ``Exception`` (a retry
    loop, a server's error handler) does not swallow it."""


@dataclass
class _Watch:
    allowed_programs: tuple[str, ...] = ()
    seen: list[str] = field(default_factory=list)


_watches: list[_Watch] = []
_installed = False


# where each event's arguments hold the command line (the audit events table)
ARGV_AT = {"subprocess.Popen": 1, "os.posix_spawn": 1, "os.exec": 1, "os.spawn": 2, "os.system": 0}


def _command(event: str, args: tuple) -> str:
    """The command line an audit event starts (the event's name for ``os.fork``)."""
    if event not in ARGV_AT:
        return event
    argv = args[ARGV_AT[event]]
    words = argv if isinstance(argv, (list, tuple)) else [argv]
    return " ".join(os.fsdecode(w) if isinstance(w, bytes) else str(w) for w in words)


def _what(command: str) -> str:
    if any(word in command for word in KERNEL_WORDS):
        return f"a Jupyter kernel ({command[:200]})"
    if any(word in command for word in SERVER_WORDS):
        return f"a server ({command[:200]})"
    return f"a subprocess ({command[:200]})"


def _refuse(what: str) -> None:
    watch = _watches[-1]
    message = f"this test started {what}; {HOW_TO_FIX}"
    watch.seen.append(message)
    raise SlowInFastTier(message)


def _audit(event: str, args: tuple) -> None:
    if not _watches or event not in SPAWN_EVENTS:
        return
    command = _command(event, args)
    first = command.split(" ", 1)[0]
    program = os.path.basename(first)
    if program in LIBRARY_PROBES or program in _watches[-1].allowed_programs:
        return
    _refuse(_what(command))


def _guard_solve(original, name: str):
    def guarded(*args, **kwargs):
        if _watches:
            _refuse(f"a PyBaMM solve ({name})")
        return original(*args, **kwargs)

    guarded.__wrapped__ = original  # type: ignore[attr-defined]
    return guarded


def _patch_pybamm(pybamm) -> None:
    for owner, method in (
        (pybamm.BaseSolver, "solve"),
        (pybamm.BaseSolver, "step"),
        (getattr(pybamm, "EISSimulation", None), "solve"),
    ):
        if owner is not None:
            name = f"pybamm.{owner.__name__}.{method}"
            setattr(owner, method, _guard_solve(getattr(owner, method), name))


class _PatchPybammOnImport(importlib.abc.MetaPathFinder):
    """Patches PyBaMM's solvers right after ``import pybamm`` ran (an import hook, so a test
    that imports PyBaMM pays for it, not the whole tier)."""

    def find_spec(self, name, path=None, target=None):
        if name != "pybamm":
            return None
        sys.meta_path.remove(self)  # find the real module, once
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        run_module = loader.exec_module

        def exec_module(module) -> None:
            run_module(module)
            _patch_pybamm(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Install the audit hook and PyBaMM's patch, once per process (an audit hook cannot be
    removed; it does nothing while no test is watched)."""
    global _installed
    if _installed:
        return
    _installed = True
    sys.addaudithook(_audit)
    if "pybamm" in sys.modules:
        _patch_pybamm(sys.modules["pybamm"])
    else:
        sys.meta_path.insert(0, _PatchPybammOnImport())


@contextlib.contextmanager
def watching(allowed_programs: tuple[str, ...] = ()) -> Iterator[_Watch]:
    """Watch the enclosed code: a process or a PyBaMM solve raises :class:`SlowInFastTier`.
    What it saw is in the yielded watch's ``seen``."""
    install()
    watch = _Watch(allowed_programs)
    _watches.append(watch)
    try:
        yield watch
    finally:
        _watches.remove(watch)


class Guard:
    """The pytest plugin of ``--fast``: each test runs inside :func:`watching`."""

    def __init__(self) -> None:
        self._watch: _Watch | None = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item):
        programs = tuple(m.args[0] for m in item.iter_markers("allows_program"))
        with watching(programs) as watch:
            self._watch = watch
            yield
        self._watch = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if self._watch is not None and self._watch.seen:
            if report.passed:  # the test caught SlowInFastTier: it fails all the same
                report.outcome = "failed"
                report.longrepr = "\n".join(self._watch.seen)
            self._watch.seen.clear()  # reported once, in the phase where it happened
