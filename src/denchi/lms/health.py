"""The health checks behind ``/health``: the database answers, the data folder takes a write;
and whether an error means a full disk."""

from __future__ import annotations

import errno
import os
import threading
import time
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from denchi.lms.models import ToolKey
from denchi.lms.store import new_token

if TYPE_CHECKING:
    from denchi.lms.runtime import Runtime


def disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the disk is full: ``ENOSPC``/``EDQUOT``, SQLite's
    "database or disk is full", PostgreSQL's disk_full (SQLSTATE 53100, PostgreSQL's
    "Appendix A. PostgreSQL Error Codes").

    Args:
        exc: The error; its ``orig`` (SQLAlchemy's wrapped driver error), ``__cause__`` and
            ``__context__`` are followed too.
    """
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        error = todo.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "disk is full" in str(error) or getattr(error, "sqlstate", None) == "53100":
            return True
        orig = getattr(error, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's error
        todo += [orig if isinstance(orig, BaseException) else None]
        todo += [error.__cause__, error.__context__]
    return False


def database_check(rt: Runtime) -> str:
    """``"ok"`` when the database answers a query, else the reason (the error goes to the log).

    Args:
        rt: The tool instance.
    """
    try:
        with rt.db.session() as s:
            s.scalar(select(func.count()).select_from(ToolKey))
    except Exception as exc:
        rt.log.warning("health: the database does not answer: %s", exc)
        return f"the database does not answer ({type(exc).__name__})"
    return "ok"


def data_dir_check(rt: Runtime) -> str:
    """``"ok"`` after a tiny write, flushed to the disk, and its removal in the data folder;
    else the reason (the full disk named as such; the path goes to the log only).

    Args:
        rt: The tool instance.
    """
    path = rt.config.data_dir / f".health-{new_token(8)}"
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            os.write(fd, b"ok\n")
            os.fsync(fd)  # the disk must take it, not only the page cache
        finally:
            os.close(fd)
        path.unlink()
    except OSError as exc:
        rt.log.warning("health: cannot write in the data folder %s: %s", rt.config.data_dir, exc)
        reason = "the disk is full" if disk_full(exc) else type(exc).__name__
        return f"cannot write in the data folder ({reason})"
    return "ok"


def checks(rt: Runtime) -> dict[str, str]:
    """Every check by name (``database``, ``data_dir``): ``"ok"`` or the reason it failed.

    Args:
        rt: The tool instance.
    """
    return {"database": database_check(rt), "data_dir": data_dir_check(rt)}


class Recent:
    """:func:`checks`, run at most once per ``max_age_s``: the requests that arrive meanwhile
    (a monitor, a load balancer, and during a class's burst many of them at once) get the
    last answer instead of each syncing a file to the disk.

    Args:
        max_age_s: How old [s] an answer may be when it is given again.
    """

    def __init__(self, max_age_s: float = 1.0) -> None:
        self.max_age_s = max_age_s
        self._lock = threading.Lock()
        self._answer: dict[str, str] | None = None
        self._at = 0.0

    def checks(self, rt: Runtime) -> dict[str, str]:
        """The checks' answer (``checks(rt)``), at most ``max_age_s`` old; a request that
        comes while they run waits for their answer (one run at a time).

        Args:
            rt: The tool instance.
        """
        with self._lock:
            if self._answer is None or time.monotonic() - self._at > self.max_age_s:
                self._answer = checks(rt)
                self._at = time.monotonic()
            return dict(self._answer)
