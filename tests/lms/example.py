"""The tool on a SQLite database in a folder of its own, and a registered platform with no
server behind it: what the LMS service tests (plain functions, no HTTP server) start from."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from denchi.lms.config import LmsConfig, make_config
from denchi.lms.registration import add_platform
from denchi.lms.runtime import Runtime
from denchi.lms.store import Database


def config_in(folder: Path, name: str = "denchi-lms.toml", **settings: object) -> LmsConfig:
    """Settings whose database (``lms.db``) and data folder (``data/``) are in ``folder``;
    ``settings`` add to or replace them."""
    values: dict[str, object] = {
        "database_url": f"sqlite:///{folder / 'lms.db'}",
        "data_dir": str(folder / "data"),
    }
    return make_config(folder / name, **(values | settings))


@contextmanager
def runtime_in(folder: Path, **settings: object) -> Iterator[Runtime]:
    """The tool's runtime on :func:`config_in` settings, closed afterwards."""
    runtime = Runtime(config_in(folder, **settings))
    try:
        yield runtime
    finally:
        runtime.close()


def register_platform(
    db: Database,
    issuer: str = "https://moodle.example",
    client_id: str = "c",
    deployment: str = "d",
) -> int:
    """Register ``issuer`` (endpoints ``<issuer>/auth``, ``/token`` and ``/jwks``) with one
    deployment, as an administrator would; the platform's id."""
    return add_platform(
        db,
        issuer=issuer,
        client_id=client_id,
        login_url=f"{issuer}/auth",
        token_url=f"{issuer}/token",
        jwks_url=f"{issuer}/jwks",
        deployment_ids=[deployment],
    )
