"""One tool instance: configuration, database, keys, catalog, grader, service client, queue."""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

from denchi.catalog import CATALOG_RELPATH, Catalog, CatalogError, load_catalog, repo_root
from denchi.i18n import bilingual
from denchi.lms.config import ConfigError, LmsConfig
from denchi.lms.files import OutsideDataDir, inside, private_dir
from denchi.lms.grader import Grader
from denchi.lms.instance import ToolStateError, check_database, lost_database, record_instance
from denchi.lms.jobs import EmbeddedQueue, ProcrastinateQueue
from denchi.lms.keys import ToolKeys
from denchi.lms.lti import JwksCache
from denchi.lms.outbox import OutboxPolicy
from denchi.lms.schema import prepare_schema
from denchi.lms.services import ServiceClient
from denchi.lms.store import Database

# besides the grading threads: score delivery, housekeeping, and /health's own thread
# (web.py: it must not queue behind a burst of launches for the web threads)
BACKGROUND_THREADS = 3


def connections(config: LmsConfig) -> int:
    """The database connections one tool process keeps: one for each thread that may use the
    database at once (``web_threads`` serving requests, ``worker_threads`` grading,
    :data:`BACKGROUND_THREADS`: score delivery, housekeeping, ``/health``).

    Args:
        config: The tool's settings (``web_threads``, ``worker_threads``).
    """
    return config.web_threads + config.worker_threads + BACKGROUND_THREADS


def _one_line(error: BaseException) -> str:
    """An error's text on one line (a YAML error's spans lines; the message keeps two)."""
    return " ".join(str(error).split())


def data_folder(config: LmsConfig) -> Path:
    """The data folder (``data_dir``) made private, and its folder for grading inside it.

    Args:
        config: The tool's settings (``data_dir``).

    Raises:
        ConfigError: bilingual, naming ``data_dir``: the folder cannot be made (a file of
            that name, no permission, a full disk), or ``data_dir/grading`` is a link that
            leads out of it (:func:`denchi.lms.files.inside`).
    """
    folder = config.data_dir
    try:
        private_dir(folder)
        return inside(folder, "grading")
    except OutsideDataDir as exc:
        raise ConfigError(
            bilingual(
                f"data_dir（データフォルダー {folder}）の中の grading が、フォルダーの外を指す"
                "リンクになっています。ツールを止めてからそのリンクを消してください（次の起動で"
                "作り直します）。",
                f"data_dir: {folder / 'grading'} is a link that leads out of the data folder;"
                " stop the tool and remove the link (the next start makes the folder again).",
            )
        ) from exc
    except OSError as exc:
        raise ConfigError(
            bilingual(
                f"data_dir（データフォルダー {folder}）を使えません: {_one_line(exc)}。設定ファイル"
                "の data_dir に、ツールを動かすユーザーが書き込めるフォルダーを書いてください。",
                f"data_dir: cannot use the data folder {folder}: {_one_line(exc)}. Set data_dir"
                " in the configuration file to a folder the tool's user can write to.",
            )
        ) from exc


def courseware_catalog(config: LmsConfig, catalog: Catalog | None = None) -> tuple[Path, Catalog]:
    """The courseware checkout (``courseware_dir``, else this package's checkout,
    :func:`denchi.catalog.repo_root`) and its catalog (``catalog`` when one is given).

    Args:
        config: The tool's settings (``courseware_dir``).
        catalog: A catalog to use instead of the checkout's (tests).

    Raises:
        ConfigError: bilingual, naming ``courseware_dir`` and the catalog's path: no checkout
            is found, or its ``book/curriculum.yml`` is missing, unreadable, not YAML or
            invalid (:func:`denchi.catalog.load_catalog`).
    """
    where = config.courseware_dir
    try:
        folder = where or repo_root()
        return folder, catalog or load_catalog(folder / CATALOG_RELPATH)
    except (CatalogError, OSError, yaml.YAMLError) as exc:
        place = where / CATALOG_RELPATH if where else "(courseware_dir が空 / courseware_dir empty)"
        missing = isinstance(exc, FileNotFoundError)
        reason_ja = "ファイルがありません" if missing else _one_line(exc)
        reason_en = "there is no such file" if missing else _one_line(exc)
        raise ConfigError(
            bilingual(
                f"courseware_dir（教材のフォルダー）の教材一覧 {place} を読めません: "
                f"{reason_ja}。設定ファイルの courseware_dir に、book/curriculum.yml のある"
                "教材リポジトリのフォルダーを書いてください。",
                f"courseware_dir: cannot read the catalog {place}: {reason_en}. Set"
                " courseware_dir in the configuration file to the courseware checkout (the"
                " folder that holds book/curriculum.yml).",
            )
        ) from exc


class Runtime:
    """Everything a request handler or a background job needs, built from the config.

    Args:
        config: The tool's configuration.
        catalog: The catalog (default: ``book/curriculum.yml`` of the courseware checkout).
        new_keys: The operator asked to start over when the database the data folder says
            the tool had is missing (otherwise that is refused, see :mod:`.instance`).

    Raises:
        ToolStateError: the database is missing where the tool ran before, or holds no
            signing key where it had one.
        SchemaError: the database's schema is refused, or its upgrade failed and was rolled
            back (:func:`denchi.lms.schema.prepare_schema`; a ToolStateError).
        ConfigError: the data folder cannot be made or its ``grading`` folder leads out of it
            (:func:`data_folder`), or the courseware's catalog cannot be read
            (:func:`courseware_catalog`); checked before the database is opened.
    """

    def __init__(
        self, config: LmsConfig, catalog: Catalog | None = None, *, new_keys: bool = False
    ) -> None:
        self.config = config
        self.log = logging.getLogger("denchi.lms")
        grading = data_folder(config)
        self.courseware, self.catalog = courseware_catalog(config, catalog)
        if not new_keys and (refusal := lost_database(config.data_dir, config.sqlite_path)):
            raise refusal
        self.db = Database(config.database_url, connections=connections(config))
        try:
            self.schema = prepare_schema(self.db, config.data_dir, config.sqlite_path)
            if not new_keys:
                check_database(config.data_dir, self.db, config.database_url)
        except ToolStateError:
            self.db.dispose()
            raise
        self.keys = ToolKeys(self.db, config.key_grace_days)
        record_instance(config.data_dir, self.keys.ensure(), new_keys)
        self.jwks = JwksCache(config.jwks_cache_s, timeout_s=config.http_timeout_s)
        self.services = ServiceClient(self.keys, config.http_timeout_s)
        self.grader = Grader(
            self.courseware,
            grading,
            config.grading_timeout_s,
            assignments=(m.assignment for m in self.catalog.available() if m.assignment),
            allow_unsandboxed=config.allow_unsandboxed_grading,
        )
        self.policy = OutboxPolicy(
            config.outbox_max_attempts, config.outbox_base_delay_s, config.outbox_max_delay_s
        )
        self.queue = (
            ProcrastinateQueue(self) if config.queue == "procrastinate" else EmbeddedQueue(self)
        )

    def close(self) -> None:
        """Close the service client's connections and the database's (at shutdown)."""
        self.services.close()
        self.db.dispose()
