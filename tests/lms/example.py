"""A registered platform with no server behind it, for service tests on a database in tmp."""

from __future__ import annotations

from denchi.lms.registration import add_platform
from denchi.lms.store import Database


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
