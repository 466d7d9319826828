"""JSON-lines logs for ``denchi lms serve`` and ``denchi lms worker`` (issue 21 "Logs").

One JSON object per line on standard error, made by python-json-logger (a maintained
``logging.Formatter``; its docs, "Quickstart"), with the fields an operator filters on:
``asctime`` (UTC, ISO 8601), ``levelname``, ``name`` (the logger: ``denchi.lms``, ``uvicorn``,
``procrastinate`` …), ``process``, ``message``, and ``exc_info`` for a traceback. journald,
``docker logs`` and log shippers (Fluent Bit, Vector, Loki's promtail) read them as they are.
"""

from __future__ import annotations

import logging
import logging.config
import time
from typing import Any

from pythonjsonlogger.json import JsonFormatter

FIELDS = ["asctime", "levelname", "name", "process", "message"]


def json_formatter() -> JsonFormatter:
    """The formatter of every handler of the tool's processes."""
    formatter = JsonFormatter(FIELDS, datefmt="%Y-%m-%dT%H:%M:%S%z")
    formatter.converter = time.gmtime
    return formatter


def logging_config(level: int = logging.INFO) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` mapping that sends every log record of a process (the
    tool's, procrastinate's, uvicorn's) to standard error as JSON lines; ``uvicorn.run`` takes
    it as ``log_config`` and applies it (uvicorn docs, "Settings: Logging").

    Args:
        level: The root logger's level (``logging.INFO`` …).
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": json_formatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["stderr"], "level": logging.getLevelName(level)},
        # uvicorn's own loggers keep handlers of their own unless told to pass records up
        "loggers": {
            name: {"handlers": [], "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def configure(level: int = logging.INFO) -> None:
    """Apply :func:`logging_config` to this process (``denchi lms worker``).

    Args:
        level: The root logger's level.
    """
    logging.config.dictConfig(logging_config(level))
