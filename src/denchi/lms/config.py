"""The tool's one configuration file (TOML), with defaults for one class on one machine.

``denchi lms init`` writes a commented file; ``denchi lms serve --config FILE`` reads it.
Every key is optional; a wrong key or value gets a bilingual error naming it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import annotated_types
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from denchi.i18n import bilingual

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_CONFIG_NAME = "denchi-lms.toml"


class ConfigError(ValueError):
    """The configuration file is missing, malformed or holds a value out of range."""


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("not an http(s) URL")
    return value


HttpUrl = Annotated[str, Field(strict=True), AfterValidator(_http_url)]


# Checked numbers. Written out as aliases (not built by a function) so that type checkers
# see plain ``int`` and ``float``; ``allowed_values`` reads the limits from the metadata.
_Count = Annotated[int, Field(strict=True, ge=1)]
_NonNegativeInt = Annotated[int, Field(strict=True, ge=0)]
_Seconds = Annotated[float, Field(gt=0)]


class LmsConfig(BaseModel):
    """Settings of one tool instance, checked by pydantic. Paths are relative to the
    configuration file (:func:`make_config` resolves them)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # public address of the tool as the LMS and the browsers reach it (behind a proxy: the
    # proxy's https address); every URL the tool hands out starts with it
    base_url: HttpUrl = "http://localhost:8765"
    host: Annotated[str, Field(strict=True, min_length=1)] = "127.0.0.1"
    port: Annotated[int, Field(strict=True, ge=1, le=65535)] = 8765
    # SQLite file (embedded) or postgresql://... (production)
    database_url: Annotated[str, Field(strict=True, min_length=1)] = "sqlite:///lms-data/lms.db"
    data_dir: Path = Path("lms-data")
    # embedded: grading and score delivery in a thread of the web process;
    # procrastinate: jobs in PostgreSQL, run by `denchi lms worker` on any machine
    queue: Literal["embedded", "procrastinate"] = "embedded"
    # the courseware checkout (catalog and nbgrader course); this package's checkout if empty
    courseware_dir: Path | None = None
    # where the static book is served; deep links to pages and labs point there
    book_url: HttpUrl = "http://localhost:8000"
    # the built teacher edition, served to instructors at /teacher-book/; empty: the
    # courseware checkout's _build/teacher/html
    teacher_book_dir: Path | None = None
    # optional: "Open in JupyterHub/JupyterLite" links; {assignment} is replaced
    jupyterhub_url: Annotated[str, Field(strict=True)] = ""
    jupyterlite_url: Annotated[str, Field(strict=True)] = ""
    # make every web form's questions when the tool starts (a process per assignment, in
    # the background), so the first learner does not wait for them (h04: about 20 s)
    prepare_web_forms: Annotated[bool, Field(strict=True)] = True
    max_upload_bytes: _Count = 5_000_000
    # per submission: cells beyond the assignment's own, characters in one cell, and bytes of
    # outputs (over it they are cleared on receipt; nbgrader clears them before grading anyway)
    max_extra_cells: _NonNegativeInt = 200
    max_cell_chars: _Count = 100_000
    max_output_bytes: _NonNegativeInt = 1_000_000
    grading_timeout_s: _Count = 300
    # grade where kernels cannot be sandboxed (no Linux Landlock): for a trial with trusted
    # notebooks only; without it, grading on such a server is refused with the reason
    allow_unsandboxed_grading: Annotated[bool, Field(strict=True)] = False
    # the most submissions one nbgrader run takes; a worker takes only its fair share of a
    # burst (the outstanding work divided among the workers), so workers split it
    grading_batch_size: _Count = 40
    worker_threads: Annotated[int, Field(strict=True, ge=1, le=64)] = 1
    # threads that answer requests at once (Starlette's threadpool; its own default is 40);
    # the database pool keeps a connection for each of them and each background thread.
    # 8, not 40: the requests' work is CPU under one GIL, so more threads only contend for it
    # (benchmarks/lms_class.py --web-threads, 40 launches at once, paired runs: 25-31 ms of
    # the tool's CPU per launch with 8 against 35-37 ms with 40, /health p95 152-214 ms
    # against 277-590 ms), and several web processes on PostgreSQL must stay within its
    # max_connections (100 by default)
    web_threads: Annotated[int, Field(strict=True, ge=1, le=200)] = 8
    # old signing keys stay in the JWKS this long after a rotation
    key_grace_days: _NonNegativeInt = 7
    session_hours: _Count = 12
    outbox_max_attempts: _Count = 12
    outbox_base_delay_s: _Seconds = 30.0
    outbox_max_delay_s: _Seconds = 3600.0
    clock_leeway_s: Annotated[int, Field(strict=True, ge=0, le=600)] = 60
    jwks_cache_s: _NonNegativeInt = 3600
    http_timeout_s: _Seconds = 10.0
    # /metrics (Prometheus) answers only `Authorization: Bearer <metrics_token>`; empty: no
    # /metrics at all
    metrics_token: Annotated[str, Field(strict=True)] = ""
    source: Path | None = Field(default=None, exclude=True)

    @property
    def secure_cookies(self) -> bool:
        """Cookies for an https tool carry ``Secure; SameSite=None`` so they work in iframes."""
        return urlsplit(self.base_url).scheme == "https"

    def url(self, path: str) -> str:
        """The tool's absolute URL of ``path`` (``base_url`` without its trailing slash + path).

        Args:
            path: An absolute path of the tool, starting with ``/`` (e.g. ``/lti/launch``).
        """
        return self.base_url.rstrip("/") + path

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite database file of a ``sqlite:///`` ``database_url`` (None for PostgreSQL)."""
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///"))
        return None


_PATH_KEYS = {"data_dir", "courseware_dir", "teacher_book_dir"}
_KINDS = {
    int: ("整数", "an integer"),
    float: ("数", "a number"),
    str: ("文字列", "a text string"),
    Path: ("フォルダーのパス", "a folder path"),
}


def allowed_values(key: str) -> tuple[str, str]:
    """What ``key`` accepts, in Japanese and English, read from the field's type and limits.

    Args:
        key: A setting of :class:`LmsConfig` (a key of the configuration file).

    Raises:
        KeyError: ``key`` is not a setting.
    """
    if key in ("base_url", "book_url"):
        return "http:// か https:// で始まる URL", "an http:// or https:// URL"
    field = LmsConfig.model_fields[key]
    if key == "queue":
        return '"embedded" か "procrastinate"', '"embedded" or "procrastinate"'
    kind = field.annotation if field.annotation in _KINDS else str
    if field.annotation == Path | None:
        kind = Path
    ja, en = _KINDS[kind]
    bounds_ja, bounds_en = [], []
    for rule in field.metadata:
        for attr, ja_word, en_word in (("ge", "以上", "at least"), ("gt", "より大きい", "above"),
                                       ("le", "以下", "at most")):  # fmt: skip
            if isinstance(rule, getattr(annotated_types, attr.capitalize())):
                limit = getattr(rule, attr)
                bounds_ja.append(f"{limit} {ja_word}")
                bounds_en.append(f"{en_word} {limit}")
    if bounds_ja:
        return f"{ja}（{'・'.join(bounds_ja)}）", f"{en} {' and '.join(bounds_en)}"
    return ja, en


def _explain(exc: ValidationError) -> ConfigError:
    """One bilingual message naming each wrong key, its value and what it accepts."""
    ja, en = [], []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            ja.append(f"{key} という項目はありません（つづりを確かめてください）")
            en.append(f"there is no setting {key} (check the spelling)")
        elif key in LmsConfig.model_fields:
            allowed_ja, allowed_en = allowed_values(key)
            ja.append(f"{key} = {error['input']!r} は使えません。{allowed_ja} を書いてください")
            en.append(f"{key} = {error['input']!r} is not allowed; it must be {allowed_en}")
        else:
            ja.append(str(error["msg"]))
            en.append(str(error["msg"]))
    return ConfigError(
        bilingual(
            f"設定の値が正しくありません: {'。'.join(ja)}。", f"Bad settings: {'; '.join(en)}."
        )
    )


def make_config(source: Path | None = None, **values: object) -> LmsConfig:
    """A checked configuration from keyword values (paths relative to ``source``'s folder).

    Args:
        source: The configuration file the values come from (None: relative to the current
            folder).
        **values: Settings by key, unchecked (from TOML or the command line).

    Raises:
        ConfigError: bilingual, naming each wrong key and the values it accepts.
    """
    base = source.parent if source else Path.cwd()
    for key in _PATH_KEYS & set(values):
        value = values[key]
        if value in ("", None):
            values[key] = None
        elif isinstance(value, str):
            values[key] = (base / value).resolve()
    if "data_dir" not in values:
        values["data_dir"] = (base / LmsConfig.model_fields["data_dir"].default).resolve()
    url = values.get("database_url", LmsConfig.model_fields["database_url"].default)
    path = url.removeprefix("sqlite:///") if isinstance(url, str) else ""
    if url != path and not Path(path).is_absolute():
        values["database_url"] = f"sqlite:///{(base / path).resolve()}"
    try:
        # the values are unchecked (TOML, command line): pydantic checks them, so they go in
        # as one mapping rather than as keyword arguments typed like the fields
        config = LmsConfig.model_validate({**values, "source": source})
    except ValidationError as exc:
        raise _explain(exc) from None
    if config.queue == "procrastinate" and not config.database_url.startswith("postgresql"):
        raise ConfigError(
            bilingual(
                'queue = "procrastinate" には database_url に postgresql:// の URL が必要です。',
                'queue = "procrastinate" needs a postgresql:// database_url.',
            )
        )
    return config


def load_config(path: Path, **overrides: object) -> LmsConfig:
    """Read and check the configuration file; ``overrides`` (e.g. from the command line) take
    the place of the file's values and are checked the same way.

    Args:
        path: The TOML configuration file.
        **overrides: Settings by key that replace the file's.

    Raises:
        ConfigError: bilingual: the file is missing or is not valid TOML, or a setting is
            wrong (naming the key and the values it accepts, :func:`make_config`).
    """
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
    return make_config(path.resolve(), **(data | overrides))


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
# The built teacher edition (teacher guides, answer keys), shown only to instructors after a
# launch at <base_url>/teacher-book/. Empty: _build/teacher/html of the courseware checkout
# (build it with `python3 dev.py build --edition teacher`).
# 指導者版（指導書・解答）のフォルダー。LMS から先生として開いた人だけに見せます。
teacher_book_dir = ""
# Optional links on the learner page; {{assignment}} becomes the assignment id.
jupyterhub_url = ""
jupyterlite_url = ""

max_upload_bytes = 5000000
# Per submission: cells beyond the assignment's own, characters in one cell, bytes of outputs
# (larger outputs are cleared on receipt). 提出 1 件の上限: 課題より多いセルの数、1 セルの文字数、
# 出力のバイト数（超えた出力は受け取るときに消します）
max_extra_cells = 200
max_cell_chars = 100000
max_output_bytes = 1000000
grading_timeout_s = 300
# Grade on a server without Linux Landlock (student code is then not sandboxed): trusted
# notebooks only. Landlock のない サーバーで採点する（生徒のコードは隔離されません）。
allow_unsandboxed_grading = false
key_grace_days = 7
"""


def write_default_config(
    path: Path, base_url: str = "http://localhost:8765", book_url: str = "http://localhost:8000"
) -> Path:
    """Write a commented configuration file (never overwrites an existing one).

    Args:
        path: Where to write the TOML file.
        base_url: The tool's address as the LMS and browsers reach it.
        book_url: Where the book (static HTML) is served.

    Raises:
        ConfigError: bilingual: ``path`` exists already (it is left as it is).
        OSError: the file cannot be written.
    """
    if path.exists():
        raise ConfigError(
            bilingual(
                f"{path} はすでにあります。上書きしません。",
                f"{path} exists already; it is not overwritten.",
            )
        )
    port = urlsplit(base_url).port or LmsConfig.model_fields["port"].default
    path.write_text(
        TEMPLATE.format(base_url=base_url, port=port, book_url=book_url), encoding="utf-8"
    )
    return path
