"""What a tool instance knows about its data folder before it starts: whether another process
serves it already, and whether the database it finds is the one it made.

- **One embedded ``serve`` per data folder.** The embedded queue grades in the web process and
  prepares assignments inside ``data_dir``; two of them on one folder break each other's work.
  :class:`DataDirLock` is an exclusive lock file (``filelock``) held for the process's life,
  so the second is refused with the reason; and because the holder is the only process
  working on the folder, it may release every claim a killed predecessor left
  (:func:`denchi.lms.jobs.release_claims`). PostgreSQL mode takes no lock: any number of web
  processes and workers share the database there.
- **Never a new signing key behind the operator's back.** The first start writes
  :data:`MARKER` into ``data_dir``. If the marker is there but the database is gone (a
  deleted SQLite file, an empty PostgreSQL database), the tool would otherwise make a new
  database with a new key, which every registered LMS rejects: :func:`check_database`
  refuses to start and says how to restore or to start over explicitly (``--new-keys``).
"""

from __future__ import annotations

import json
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import func, select

from denchi.i18n import bilingual
from denchi.lms.files import private_dir, private_file
from denchi.lms.models import ToolKey, utcnow
from denchi.lms.store import Database

LOCK_NAME = "serve.lock"
MARKER = "tool-instance.json"


class ToolStateError(RuntimeError):
    """The tool must not start on this data folder or database (bilingual message)."""


class DataDirLock:
    """The exclusive lock of an embedded tool on its data folder (``data_dir/serve.lock``).

    Held by the process (any thread may release it) until :meth:`release` or the process's
    end: the operating system drops the lock of a killed process, so a stale lock file never
    blocks a restart.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_NAME
        self._lock = FileLock(self.path, timeout=0, thread_local=False)

    @property
    def held(self) -> bool:
        """Whether this instance holds the lock now."""
        return self._lock.is_locked

    def acquire(self) -> None:
        """Take the lock (again, if this instance holds it already).

        Raises:
            ToolStateError: another process holds it.
        """
        if self.held:
            return
        private_dir(self.data_dir)
        try:
            self._lock.acquire()
        except Timeout:
            raise ToolStateError(
                bilingual(
                    f"データのフォルダー {self.data_dir} は、ほかの `denchi lms serve` がすでに"
                    "使っています。同じフォルダーで 2 つ目は起動できません（採点の準備が"
                    "互いに壊れるため）。動いているほうを止めてから起動するか、別の data_dir の"
                    "設定ファイルを使ってください。",
                    f"The data folder {self.data_dir} is already used by another"
                    " `denchi lms serve`; a second one on the same folder is refused (they would"
                    " break each other's grading). Stop the running one first, or use a"
                    " configuration with another data_dir.",
                )
            ) from None

    def release(self) -> None:
        """Give the lock up (whatever number of times it was taken; nothing if not held)."""
        self._lock.release(force=True)


def _marker(data_dir: Path) -> Path:
    return data_dir / MARKER


def _has_keys(db: Database) -> bool:
    with db.session() as s:
        return bool(s.scalar(select(func.count()).select_from(ToolKey)))


def lost_database(data_dir: Path, sqlite_path: Path | None) -> ToolStateError | None:
    """The refusal to give when the data folder shows the tool ran before but the SQLite file
    is gone (checked before the database is opened, which would create it).

    Args:
        data_dir: The data folder (where the marker is).
        sqlite_path: The SQLite database file (None for PostgreSQL: never refused here).
    """
    marker = _marker(data_dir)
    if marker.is_file() and sqlite_path is not None and not sqlite_path.exists():
        return _refusal(marker, f"{sqlite_path}")
    return None


def check_database(data_dir: Path, db: Database, database_url: str) -> None:
    """Refuse a database without the tool's keys where the marker says it had them.

    Args:
        data_dir: The data folder (where the marker is).
        db: The opened database.
        database_url: Its URL, for the message (a password in it is left out).

    Raises:
        ToolStateError: the marker exists and the database holds no signing key.
    """
    marker = _marker(data_dir)
    if marker.is_file() and not _has_keys(db):
        raise _refusal(marker, _without_password(database_url))


def record_instance(data_dir: Path, kid: str, new_keys: bool = False) -> None:
    """Write the marker on the first start (and after an explicit ``--new-keys``).

    Args:
        data_dir: The data folder.
        kid: The id of the first signing key (kept in the marker).
        new_keys: Overwrite an existing marker (the operator started over).

    Raises:
        OSError: the marker cannot be written.
    """
    marker = _marker(data_dir)
    if marker.is_file() and not new_keys:
        return
    private_dir(data_dir)
    private_file(marker).write_text(
        json.dumps({"initialised_at": utcnow().isoformat(), "first_kid": kid}, indent=1),
        encoding="utf-8",
    )


def _without_password(url: str) -> str:
    head, at, tail = url.rpartition("@")
    if not at:
        return url
    scheme, _, credentials = head.partition("://")
    return f"{scheme}://{credentials.split(':')[0]}@{tail}"


def _refusal(marker: Path, database: str) -> ToolStateError:
    return ToolStateError(
        bilingual(
            f"このツールは以前このデータのフォルダーで動いていました（{marker}）が、そのデータ"
            f"ベース（{database}）がありません（消えたか、空です）。このまま新しいデータベース"
            "を作ると署名鍵も新しくなり、登録済みの LMS からの起動がすべて失敗するので、"
            "起動しません。バックアップからデータベースを元の場所に戻して、もう一度起動して"
            "ください。バックアップがないときは、`denchi lms serve --new-keys` で新しい"
            "データベースと署名鍵を作り、すべての LMS にツールを登録し直してください"
            "（登録・提出・点数の記録は失われます）。",
            f"This tool ran on this data folder before ({marker}), but its database ({database})"
            " is missing (deleted or empty). A new database would have a new signing key that"
            " every registered LMS rejects, so the tool does not start. Restore the database"
            " from your backup to its place and start again. Without a backup, start over"
            " explicitly with `denchi lms serve --new-keys` (a new database and signing key)"
            " and register the tool again in every LMS (registrations, submissions and scores"
            " recorded so far are lost).",
        )
    )
