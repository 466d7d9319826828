"""The operator pages describe the tool as it is (issue 21 "Docs"): every setting of the
configuration model is in the settings table and nothing else is; the container image installs
from the lock file and starts the tool's own command; the systemd and proxy examples name the
real commands and settings."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from denchi.lms.config import LmsConfig

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "operators" / "01_lms_tool.md"


def _settings_table(text: str) -> dict[str, str]:
    """``{setting: default}`` from the table under 「設定の一覧」."""
    section = text.split("## 設定の一覧", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", section, flags=re.MULTILINE)
    return {name: default.strip() for name, default in rows}


def test_every_setting_is_documented_with_its_default():
    table = _settings_table(PAGE.read_text(encoding="utf-8"))
    fields = {name: field for name, field in LmsConfig.model_fields.items() if not field.exclude}
    assert sorted(table) == sorted(fields)
    for name, field in fields.items():
        default = field.default
        if default is None or default == "":
            assert table[name] == "空", name
        elif isinstance(default, bool):
            assert table[name] == f"`{str(default).lower()}`", name
        elif isinstance(default, (str, Path)):
            assert table[name] == f'`"{default}"`', name
        else:
            assert table[name] == f"`{default}`", name


def test_the_container_image_installs_from_the_lock_file_and_runs_the_tool():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    runs = re.findall(r"^RUN (uv sync .*)$", dockerfile, flags=re.MULTILINE)
    assert runs and all("--locked" in run and "--extra lms" in run for run in runs)
    assert re.search(r"^COPY pyproject\.toml uv\.lock ", dockerfile, flags=re.MULTILINE)
    # the same uv as dev.py installs with
    dev = (ROOT / "dev.py").read_text(encoding="utf-8")
    uv_version = re.search(r'UV_VERSION = "([0-9.]+)"', dev).group(1)
    assert f"ghcr.io/astral-sh/uv:{uv_version} " in dockerfile
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert scripts["scripts"]["denchi"] == "denchi.cli:main"
    entry = re.search(r"^ENTRYPOINT (\[.*\])$", dockerfile, flags=re.MULTILINE).group(1)
    assert entry.startswith('["denchi", "lms"')
    assert re.search(r'^CMD \["serve"', dockerfile, flags=re.MULTILINE)
    assert "USER denchi" in dockerfile  # never root
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".venv" in ignored and "lms-data" in ignored  # no local data in the image


def test_the_service_examples_name_real_commands_and_settings():
    text = PAGE.read_text(encoding="utf-8")
    unit = text.split("# /etc/systemd/system/denchi-lms.service", 1)[1].split("```", 1)[0]
    assert re.search(r"^ExecStart=\S+/denchi lms serve --config \S+\.toml$", unit, re.MULTILINE)
    assert "User=denchi" in unit and "ReadWritePaths=/srv/denchi" in unit
    assert "client_max_body_size" in text and "reverse_proxy 127.0.0.1:8765" in text
    assert "pg_dump -Fc" in text and "pg_restore" in text and ".backup" in text
