"""The tool's own RSA signing keys: made on first start, rotatable, published as a JWKS.

After a rotation the old key stays in the JWKS for ``key_grace_days`` so that an LMS that
cached it can still check messages signed just before the rotation.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from denchi.lms.models import ToolKey, utcnow
from denchi.lms.store import Database


def _new_private_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@lru_cache(maxsize=8)
def private_key(private_pem: str) -> rsa.RSAPrivateKey:
    """The key a PEM text holds, parsed once per process: parsing (with its consistency
    check) takes about 150 ms of CPU for a 2048-bit key, signing with the parsed key about
    2 ms, and the tool signs for every score delivery and deep-linking answer.

    Args:
        private_pem: A PKCS#8 PEM private key without a password (as the tool stores it).

    Raises:
        ValueError: the PEM is unreadable or not an RSA key (the tool makes only RSA keys).
    """
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ValueError("the key is not an RSA key")
    return private


def public_jwk(private_pem: str, kid: str) -> dict:
    """The public half of a PEM key as a JWK with ``kid``, ``alg`` and ``use`` (RFC 7517,
    section 4 "JSON Web Key (JWK) Format").

    Args:
        private_pem: The tool's PEM private key.
        kid: Its key id (what a signed message's header names).

    Raises:
        ValueError: the PEM is unreadable or not an RSA key (:func:`private_key`).
    """
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key(private_pem).public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


class ToolKeys:
    """Key store over the database, shared by the web process and every worker."""

    def __init__(self, db: Database, grace_days: int = 7) -> None:
        self.db = db
        self.grace = timedelta(days=grace_days)

    def ensure(self) -> str:
        """Make the first key if there is none; returns the active key id."""
        with self.db.session() as s:
            active = s.scalars(select(ToolKey).where(ToolKey.retired_at.is_(None))).first()
            if active:
                return active.kid
            key = ToolKey(kid=secrets.token_hex(8), private_pem=_new_private_pem())
            s.add(key)
            return key.kid

    def rotate(self) -> str:
        """A new active key; the previous one is retired but stays published for a while."""
        now = utcnow()
        with self.db.session() as s:
            for key in s.scalars(select(ToolKey).where(ToolKey.retired_at.is_(None))):
                key.retired_at = now
            key = ToolKey(kid=secrets.token_hex(8), private_pem=_new_private_pem())
            s.add(key)
            return key.kid

    def _active(self) -> ToolKey:
        self.ensure()
        with self.db.session() as s:
            # ensure() made one if there was none, and a rotation never leaves none
            return s.scalars(
                select(ToolKey)
                .where(ToolKey.retired_at.is_(None))
                .order_by(ToolKey.id.desc())
                .limit(1)
            ).one()

    def jwks(self, now: datetime | None = None) -> dict:
        """The JWK Set the tool publishes: the active key and keys retired less than the
        grace period (``key_grace_days``) ago.

        Args:
            now: The time to count the grace period back from (default: now, UTC).

        Raises:
            ValueError: a stored key is unreadable (:func:`private_key`).
        """
        self.ensure()
        since = (now or utcnow()) - self.grace
        with self.db.session() as s:
            keys = s.scalars(
                select(ToolKey).where((ToolKey.retired_at.is_(None)) | (ToolKey.retired_at > since))
            ).all()
            return {"keys": [public_jwk(k.private_pem, k.kid) for k in keys]}

    def sign(self, claims: dict) -> str:
        """An RS256 JWT signed with the active key (``kid`` in the header).

        Args:
            claims: The JWT's claims (``iss``, ``aud``, ``exp`` … as the message needs).

        Raises:
            ValueError: the active key is unreadable (:func:`private_key`).
        """
        key = self._active()
        return jwt.encode(
            claims, private_key(key.private_pem), algorithm="RS256", headers={"kid": key.kid}
        )
