"""The course image for JupyterHub and BinderHub (repo2docker's ``binder/`` folder) installs what
the tests ran with (issue 21: a course image built from the repository in the standard way).

repo2docker installs ``binder/requirements.txt`` on ``binder/runtime.txt``'s Python and then
runs ``binder/postBuild``. ``python3 dev.py lock`` writes the requirements from ``uv.lock``; this
checks, without running anything, that they still agree with the lock file: a dependency added
or upgraded in ``pyproject.toml`` without ``dev.py lock`` fails here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # the lms extra installs tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def _pins() -> set[tuple[str, str]]:
    """(name, version) of every pin; a package pinned per Python version appears once each."""
    lines = (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return {(_normal(m[1]), m[2]) for line in lines if (m := PIN.match(line))}


def _locked_closure(extras: tuple[str, ...]) -> set[tuple[str, str]]:
    """(name, version) of every package uv.lock installs for the project with ``extras``, on
    any platform or Python version (uv.lock holds one entry per version where it forks)."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    entries: dict[str, list[dict]] = {}
    for package in lock["package"]:
        entries.setdefault(_normal(package["name"]), []).append(package)
    (project,) = entries["denchi"]
    todo = [d["name"] for d in project.get("dependencies", [])]
    for extra in extras:
        todo += [d["name"] for d in project.get("optional-dependencies", {}).get(extra, [])]
    seen: set[str] = set()
    while todo:
        name = _normal(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for package in entries[name]:
            todo += [d["name"] for d in package.get("dependencies", [])]
            for wanted in package.get("optional-dependencies", {}).values():
                todo += [d["name"] for d in wanted]
    return {(name, package["version"]) for name in seen for package in entries[name]}


def test_the_image_pins_what_uv_lock_pins():
    pins = _pins()
    locked = _locked_closure(("book",))
    names = {name for name, _ in pins}
    assert {"pybamm", "jupyterlab-myst"} <= names, "not the learner's packages"
    stale = sorted(pins - locked)
    assert not stale, (
        f"binder/requirements.txt pins what uv.lock does not (run python3 dev.py lock): {stale}"
    )
    missing = sorted({name for name, _ in locked} - names)
    assert not missing, f"uv.lock installs these, the image would not: {missing}"


def test_no_developer_or_server_package_goes_into_the_learners_image():
    names = {name for name, _ in _pins()}
    assert not {"pytest", "ruff", "mypy", "fastapi", "procrastinate"} & names


def test_post_build_installs_denchi_the_lab_settings_and_the_student_copies():
    script = (BINDER / "postBuild").read_text(encoding="utf-8")
    assert script.startswith("#!/bin/bash") and (BINDER / "postBuild").stat().st_mode & 0o111
    assert "pip install --no-deps" in script
    assert "book/jupyterlab/denchi-myst-notebooks.json" in script
    assert (ROOT / "book/jupyterlab/denchi-myst-notebooks.json").is_file()
    assert "python -m denchi.book notebooks" in script
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"python-3\.1[0-9]", runtime), runtime
