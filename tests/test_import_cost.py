"""Every process that reads a notebook imports nbformat, and with it jsonschema's format
checkers. jsonschema imports ``rfc3987_syntax`` when it is installed, and that module compiles
about 35 Lark grammars at import: 1.3 s of CPU in each such process (the LMS tool, each
``denchi grade``, nbgrader, every book page run, many test subprocesses), measured here with

    .venv/bin/python -c "import time; t = time.process_time(); import nbformat;
                         print(time.process_time() - t)"

(1.43 s with it, 0.15 s without). No schema read here uses the ``iri`` formats it checks
(python-jsonschema/jsonschema#1428, opendatahub-io/notebooks#3532), so ``pyproject.toml``
keeps it out of the environment with a uv override.
"""

from __future__ import annotations

import importlib.util
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # the lms extra installs tomli there
    import tomli as tomllib

from test_course_image import ROOT


def test_the_slow_iri_checker_is_not_installed():
    assert importlib.util.find_spec("rfc3987_syntax") is None, (
        "rfc3987_syntax is installed: every import of nbformat pays about 1.3 s of CPU;"
        " run `python3 dev.py sync` (pyproject.toml's [tool.uv] override removes it)"
    )


def test_the_lock_file_keeps_the_override():
    """A fresh machine installs from uv.lock: the override must be recorded there."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    overrides = lock.get("manifest", {}).get("overrides", [])
    markers = {entry["name"]: entry.get("marker") for entry in overrides}
    assert markers.get("rfc3987-syntax") == "sys_platform == 'never'"
