"""The tool's one configuration file (TOML), with defaults for one class on one machine.

``denchi lms init`` writes a commented file; ``denchi lms serve --config FILE`` reads it.
Every key is optional; a wrong key or value gets a bilingual error naming it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from denchi.i18n import bilingual

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_CONFIG_NAME = "denchi-lms.toml"


class ConfigError(ValueError):
    """The configuration file is missing, malformed or holds a value out of range."""


@dataclass(frozen=True)
class LmsConfig:
    """Settings of one tool instance. Paths are relative to the configuration file."""

    # public address of the tool as the LMS and the browsers reach it (behind a proxy: the
    # proxy's https address); every URL the tool hands out starts with it
    base_url: str = "http://localhost:8765"
    host: str = "127.0.0.1"
    port: int = 8765
    # SQLite file (embedded) or postgresql://... (production)
    database_url: str = "sqlite:///lms-data/lms.db"
    data_dir: Path = Path("lms-data")
    # embedded: grading and score delivery in a thread of the web process;
    # procrastinate: jobs in PostgreSQL, run by `denchi lms worker` on any machine
    queue: str = "embedded"
    # the courseware checkout (catalog and nbgrader course); this package's checkout if empty
    courseware_dir: Path | None = None
    # where the static book is served; deep links to pages and labs point there
    book_url: str = "http://localhost:8000"
    # optional: "Open in JupyterHub/JupyterLite" links; {assignment} is replaced
    jupyterhub_url: str = ""
    jupyterlite_url: str = ""
    max_upload_bytes: int = 5_000_000
    grading_timeout_s: int = 300
    grading_batch_size: int = 40
    worker_threads: int = 1
    # old signing keys stay in the JWKS this long after a rotation
    key_grace_days: int = 7
    session_hours: int = 12
    outbox_max_attempts: int = 12
    outbox_base_delay_s: float = 30.0
    outbox_max_delay_s: float = 3600.0
    clock_leeway_s: int = 60
    jwks_cache_s: int = 3600
    http_timeout_s: float = 10.0
    source: Path | None = field(default=None, compare=False)

    @property
    def secure_cookies(self) -> bool:
        """Cookies for an https tool carry ``Secure; SameSite=None`` so they work in iframes."""
        return urlsplit(self.base_url).scheme == "https"

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    @property
    def sqlite_path(self) -> Path | None:
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///"))
        return None


_PATH_KEYS = {"data_dir", "courseware_dir"}


def _check(config: LmsConfig) -> None:
    problems = []
    for key in ("base_url", "book_url"):
        parts = urlsplit(getattr(config, key))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append((key, "http:// か https:// で始まる URL", "an http(s) URL"))
    if config.queue not in ("embedded", "procrastinate"):
        problems.append(("queue", '"embedded" か "procrastinate"', '"embedded" or "procrastinate"'))
    if config.queue == "procrastinate" and not config.database_url.startswith("postgresql"):
        problems.append(
            ("database_url", "procrastinate には postgresql://", "postgresql:// for procrastinate")
        )
    for key in ("max_upload_bytes", "grading_timeout_s", "grading_batch_size", "worker_threads"):
        if getattr(config, key) < 1:
            problems.append((key, "1 以上の整数", "an integer of at least 1"))
    if problems:
        ja = "、".join(f"{k} には {w}" for k, w, _ in problems)
        en = "; ".join(f"{k} must be {w}" for k, _, w in problems)
        raise ConfigError(bilingual(f"設定の値が正しくありません: {ja}。", f"Bad settings: {en}."))


def make_config(source: Path | None = None, **values: object) -> LmsConfig:
    """A checked configuration from keyword values (paths relative to ``source``'s folder)."""
    known = {f.name: f for f in fields(LmsConfig) if f.name != "source"}
    if unknown := sorted(set(values) - set(known)):
        raise ConfigError(
            bilingual(
                f"設定ファイルに知らない項目があります: {unknown}。つづりを確かめてください。",
                f"Unknown settings {unknown}; check the spelling.",
            )
        )
    base = source.parent if source else Path.cwd()
    for key in _PATH_KEYS & set(values):
        if values[key] in ("", None):
            values[key] = None
        else:
            values[key] = (base / str(values[key])).resolve()
    if "data_dir" not in values:
        values["data_dir"] = (base / LmsConfig.data_dir).resolve()
    url = str(values.get("database_url", LmsConfig.database_url))
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_absolute():
        values["database_url"] = f"sqlite:///{(base / url.removeprefix('sqlite:///')).resolve()}"
    for key, value in values.items():
        expected = type(getattr(LmsConfig, key, None))
        if expected in (int, float) and not isinstance(value, (int, float)):
            raise ConfigError(
                bilingual(f"{key} には数値を書いてください。", f"{key} must be a number.")
            )
    config = LmsConfig(**values, source=source)  # type: ignore[arg-type]
    _check(config)
    return config


def load_config(path: Path) -> LmsConfig:
    """Read and check the configuration file."""
    if not path.is_file():
        raise ConfigError(
            bilingual(
                f"設定ファイル {path} がありません。`denchi lms init` で作れます。",
                f"No configuration file {path}; create one with `denchi lms init`.",
            )
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            bilingual(
                f"設定ファイル {path} を読めません（TOML の書き方の誤り）: {exc}",
                f"Cannot read {path} (TOML syntax): {exc}",
            )
        ) from exc
    return make_config(path.resolve(), **data)


TEMPLATE = """\
# denchi LMS tool (LTI 1.3) configuration / 設定ファイル
# Paths are relative to this file. / パスはこのファイルからの相対パスです。

# The address the LMS and the browsers use to reach the tool (https behind a reverse proxy).
# LMS とブラウザがツールにアクセスするアドレス（リバースプロキシの後ろでは https の URL）
base_url = "{base_url}"
host = "127.0.0.1"
port = {port}

# SQLite for one class; postgresql://user:password@host/db for many.
database_url = "sqlite:///lms-data/lms.db"
data_dir = "lms-data"
# "embedded" (grading inside this process) or "procrastinate" (PostgreSQL job queue and
# `denchi lms worker` processes on other machines)
queue = "embedded"

# Where the book (static HTML) is served; deep links to pages and labs point there.
book_url = "{book_url}"
# Optional links on the learner page; {{assignment}} becomes the assignment id.
jupyterhub_url = ""
jupyterlite_url = ""

max_upload_bytes = 5000000
grading_timeout_s = 300
key_grace_days = 7
"""


def write_default_config(
    path: Path, base_url: str = LmsConfig.base_url, book_url: str = LmsConfig.book_url
) -> Path:
    """Write a commented configuration file (never overwrites an existing one)."""
    if path.exists():
        raise ConfigError(
            bilingual(
                f"{path} はすでにあります。上書きしません。",
                f"{path} exists already; it is not overwritten.",
            )
        )
    port = urlsplit(base_url).port or LmsConfig.port
    path.write_text(
        TEMPLATE.format(base_url=base_url, port=port, book_url=book_url), encoding="utf-8"
    )
    return path
