"""PyBaMM telemetry is off in every way the code or the book can run."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest


def _run(code: str, tmp_path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "PYBAMM_DISABLE_TELEMETRY"}
    clean.update(XDG_CONFIG_HOME=str(tmp_path), HOME=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean, check=True
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.slow  # a new Python process
def test_importing_the_labs_does_not_import_pybamm(tmp_path):
    code = "import sys, denchi.labs; print('pybamm' in sys.modules)"
    assert _run(code, tmp_path) == "False"


@pytest.mark.slow  # imports PyBaMM in a new process
def test_denchi_turns_telemetry_off_even_if_a_config_file_opted_in(tmp_path):
    # a PyBaMM config that opted in to telemetry, as a learner's machine might have
    config = tmp_path / "pybamm" / "config.yml"
    config.parent.mkdir(parents=True)
    config.write_text("pybamm:\n  enable_telemetry: true\n  uuid: test\n", encoding="utf-8")
    code = (
        "from denchi.telemetry import import_pybamm\n"
        "import os\n"
        "pybamm = import_pybamm()\n"
        "print(pybamm.telemetry._posthog.disabled, os.environ['PYBAMM_DISABLE_TELEMETRY'])"
    )
    assert _run(code, tmp_path) == "True true"


@pytest.mark.slow  # imports PyBaMM in a new process
def test_the_opt_out_check_would_see_telemetry_on_without_denchi(tmp_path):
    # control: without denchi and with an opted-in config, PyBaMM's own check says "not opted out"
    config = tmp_path / "pybamm" / "config.yml"
    config.parent.mkdir(parents=True)
    config.write_text("pybamm:\n  enable_telemetry: true\n  uuid: test\n", encoding="utf-8")
    code = "import pybamm; print(pybamm.config.check_opt_out())"
    assert _run(code, tmp_path) == "False"


def test_pages_and_assignments_reach_pybamm_only_through_denchi(root):
    direct = re.compile(r"^\s*(import pybamm|from pybamm)", re.MULTILINE)
    offenders = []
    for folder in ("book", "modules", "labs", "teacher_guides", "assessments"):
        for path in (root / folder).rglob("*"):
            if path.suffix in (".md", ".ipynb", ".py") and direct.search(
                path.read_text(encoding="utf-8")
            ):
                offenders.append(str(path.relative_to(root)))
    assert not offenders, f"import PyBaMM via denchi.telemetry.import_pybamm: {offenders}"


def test_every_entry_point_sets_the_opt_out_variable(root):
    for path in ("dev.py", "src/denchi/book.py", ".ci/run"):
        assert "PYBAMM_DISABLE_TELEMETRY" in (root / path).read_text(encoding="utf-8"), path


@pytest.mark.slow  # imports PyBaMM in a new process
def test_pybamm_reads_its_citations_without_scanning_the_installed_packages(tmp_path):
    # pybtex (here from the book's sphinxcontrib-bibtex) looked its BibTeX writer up among all
    # installed packages' entry points once per PyBaMM citation: 83 scans, 0.5 s an import
    code = (
        "import pybtex.plugin as plugin\n"
        "calls = []\n"
        "scan = plugin.entry_points\n"
        "plugin.entry_points = lambda **kw: (calls.append(kw), scan(**kw))[1]\n"
        "from denchi.telemetry import import_pybamm\n"
        "pybamm = import_pybamm()\n"
        "print(len(calls), len(pybamm.citations._all_citations))"
    )
    scans, citations = map(int, _run(code, tmp_path).split())
    assert citations > 50  # the table was read
    assert scans < citations / 8  # register_plugin's own check, once per reader or writer
