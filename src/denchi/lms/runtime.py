"""One tool instance: configuration, database, keys, catalog, grader, service client, queue."""

from __future__ import annotations

import logging

from denchi.catalog import CATALOG_RELPATH, Catalog, load_catalog, repo_root
from denchi.lms.config import LmsConfig
from denchi.lms.files import inside, private_dir
from denchi.lms.grader import Grader
from denchi.lms.instance import ToolStateError, check_database, lost_database, record_instance
from denchi.lms.jobs import EmbeddedQueue, ProcrastinateQueue
from denchi.lms.keys import ToolKeys
from denchi.lms.lti import JwksCache
from denchi.lms.outbox import OutboxPolicy
from denchi.lms.schema import prepare_schema
from denchi.lms.services import ServiceClient
from denchi.lms.store import Database

BACKGROUND_THREADS = 2  # besides the grading threads: score delivery and housekeeping


def connections(config: LmsConfig) -> int:
    """The database connections one tool process keeps: one for each thread that may use the
    database at once (``web_threads`` serving requests, ``worker_threads`` grading,
    :data:`BACKGROUND_THREADS`).

    Args:
        config: The tool's settings (``web_threads``, ``worker_threads``).
    """
    return config.web_threads + config.worker_threads + BACKGROUND_THREADS


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
        CatalogError: no courseware checkout is found (``courseware_dir`` unset) or its
            catalog is invalid (:func:`denchi.catalog.load_catalog`).
        OSError: the catalog cannot be read (e.g. a wrong ``courseware_dir``), or the data
            folder cannot be made.
        OutsideDataDir: ``data_dir/grading`` is a link that leads out of the data folder.
    """

    def __init__(
        self, config: LmsConfig, catalog: Catalog | None = None, *, new_keys: bool = False
    ) -> None:
        self.config = config
        self.log = logging.getLogger("denchi.lms")
        private_dir(config.data_dir)
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
        self.courseware = config.courseware_dir or repo_root()
        self.catalog = catalog or load_catalog(self.courseware / CATALOG_RELPATH)
        self.grader = Grader(
            self.courseware,
            inside(config.data_dir, "grading"),
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
