"""Registering an LMS: manually (the values an LMS's tool configuration page shows) or by
LTI Dynamic Registration (the LMS admin pastes one URL, e.g. Moodle 4.x "Register tool")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select

from denchi.i18n import bilingual
from denchi.lms import lti
from denchi.lms.config import LmsConfig
from denchi.lms.models import Deployment, Platform, RegistrationToken, utcnow
from denchi.lms.store import Database, new_token, token_hash

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"


class RegistrationError(ValueError):
    """The registration could not be completed; the message says why (Japanese and English)."""


def add_platform(
    db: Database,
    *,
    issuer: str,
    client_id: str,
    login_url: str,
    token_url: str,
    jwks_url: str,
    deployment_ids: list[str],
    name: str = "",
    token_audience: str | None = None,
) -> int:
    """Create or update a platform and add its deployments; returns the platform's row id.

    A platform is one issuer and one client id (LTI 1.3 Core, "Platform issuer" and the
    tool's ``client_id`` there); a deployment already known is not added again.

    Args:
        db: The tool's database.
        issuer: The platform's issuer (the ``iss`` of its id_tokens).
        client_id: The tool's client id at the platform.
        login_url: The platform's OIDC authorization endpoint (http or https).
        token_url: Its OAuth 2 token endpoint (http or https).
        jwks_url: Its public key set URL (http or https).
        deployment_ids: The deployment ids to accept launches from.
        name: A name for the operator's lists (default: the stored one, else the issuer).
        token_audience: The ``aud`` of the tool's token requests when the platform wants
            another than ``token_url`` (None: ``token_url``).

    Raises:
        RegistrationError: bilingual: ``login_url``, ``token_url`` or ``jwks_url`` is not an
            http(s) URL (nothing is stored).
    """
    for label, url in (("login_url", login_url), ("token_url", token_url), ("jwks_url", jwks_url)):
        if urlsplit(url).scheme not in ("http", "https"):
            raise RegistrationError(
                bilingual(
                    f"{label} が URL ではありません: {url!r}", f"{label} is not a URL: {url!r}"
                )
            )
    with db.session() as s:
        platform = s.scalars(
            select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
        ).first()
        if platform is None:
            platform = Platform(issuer=issuer, client_id=client_id)
            s.add(platform)
        platform.auth_login_url, platform.auth_token_url = login_url, token_url
        platform.jwks_url, platform.name = jwks_url, name or platform.name or issuer
        platform.token_audience = token_audience
        s.flush()
        known = {d.deployment_id for d in platform.deployments}
        for deployment_id in deployment_ids:
            if deployment_id not in known:
                s.add(Deployment(platform_id=platform.id, deployment_id=deployment_id))
        return platform.id


def registration_url(db: Database, config: LmsConfig, hours: float = 72) -> str:
    """A one-time dynamic-registration URL for an LMS admin (valid for ``hours``); only the
    token's hash is stored.

    Args:
        db: The tool's database.
        config: The configuration (the tool's ``base_url``).
        hours: How long the URL stays valid [h].
    """
    token = new_token(24)
    with db.session() as s:
        s.add(
            RegistrationToken(
                token_hash=token_hash(token), expires_at=utcnow() + timedelta(hours=hours)
            )
        )
    return config.url(f"/lti/register/{token}")


def use_registration_token(db: Database, token: str) -> bool:
    """Mark the token used; False if it is unknown, expired or used already.

    Args:
        db: The tool's database.
        token: The token of a registration URL.
    """
    now = utcnow()
    with db.session() as s:
        row = s.scalars(
            select(RegistrationToken).where(RegistrationToken.token_hash == token_hash(token))
        ).first()
        if row is None or row.used_at is not None or row.expires_at < now:
            return False
        row.used_at = now
        return True


def release_registration_token(db: Database, token: str) -> None:
    """Make a token usable again after a registration with it failed.

    Args:
        db: The tool's database.
        token: The token of a registration URL (an unknown one is ignored).
    """
    with db.session() as s:
        row = s.scalars(
            select(RegistrationToken).where(RegistrationToken.token_hash == token_hash(token))
        ).first()
        if row is not None:
            row.used_at = None


def register_with_token(
    db: Database,
    config: LmsConfig,
    token: str,
    openid_configuration: str,
    registration_token: str | None,
    timeout_s: float = 10.0,
) -> int | None:
    """Dynamic registration through the one-time URL ``token``: None if the token is unknown,
    used or expired; the platform's row id on success. A failed registration leaves the token
    usable (and says so), so that the LMS administrator can simply try again.

    Args:
        db: The tool's database.
        config: The configuration.
        token: The token of the registration URL the LMS opened.
        openid_configuration: The platform's OpenID configuration URL (the query parameter
            the LMS adds, LTI Dynamic Registration 1.0).
        registration_token: The platform's bearer token for its registration endpoint, if it
            gave one.
        timeout_s: The time limit of each HTTP request [s].

    Raises:
        RegistrationError: what failed, and that the URL still works.
        sqlalchemy.exc.SQLAlchemyError: the database failed (the token is released first,
            if the database lets it).
    """
    if not use_registration_token(db, token):  # claimed first: two tries cannot both use it
        return None
    try:
        return register_dynamically(db, config, openid_configuration, registration_token, timeout_s)
    except Exception as exc:  # whatever failed, the URL is not used up
        release_registration_token(db, token)
        if not isinstance(exc, RegistrationError):
            raise
        ja, _, en = str(exc).partition("\n")
        raise _fail(
            f"{ja} この登録用 URL は、原因を直してからもう一度使えます。",
            f"{en} The registration URL was not used up; fix the cause and try again.",
        ) from exc


def tool_configuration(config: LmsConfig) -> dict:
    """The client registration request body (LTI Dynamic Registration, section 3.5).

    Args:
        config: The configuration (the tool's URLs come from ``base_url``).
    """
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": config.url("/lti/login"),
        "redirect_uris": [config.url("/lti/launch")],
        "client_name": "denchi 電池教材 (autograded notebooks)",
        "jwks_uri": config.url("/lti/jwks"),
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(lti.TOOL_SCOPES),
        TOOL_CONFIGURATION: {
            "domain": urlsplit(config.base_url).netloc,
            "target_link_uri": config.url("/lti/launch"),
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {"type": lti.DEEP_LINKING_REQUEST, "label": "電池教材の単元・課題を追加"},
                {"type": lti.RESOURCE_LINK_REQUEST},
            ],
            "description": "電池人材育成オープン教材の単元と自動採点課題 (LTI 1.3)",
        },
    }


def _fail(ja: str, en: str) -> RegistrationError:
    return RegistrationError(bilingual(ja, en))


# what the LMS's answers must hold, by the JSON type of each value: OpenID Connect Discovery
# 1.0, section 3 (the provider metadata: URLs are strings, the signing algorithms a JSON
# array), RFC 7591, section 3.2.1 (the registration answer's client_id, a string), and LTI
# Dynamic Registration 1.0 for its two objects (platform and tool configuration)
_KINDS: dict[type, tuple[str, str]] = {
    str: ("文字列", "a string"),
    dict: ("JSON のオブジェクト", "a JSON object"),
    list: ("配列", "a list"),
}


def _value(document: dict, key: str, kind: type, step: str, *, required: bool = True) -> Any:
    """``document[key]`` when it is a ``kind``; None when it is absent and not ``required``;
    else a :class:`RegistrationError` naming the key, what it must be and the step."""
    value = document.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, kind):
        ja, en = _KINDS[kind]
        found_ja, found_en = ("ありません", "missing") if value is None else (
            f"{ja}ではありません", f"of another type ({type(value).__name__})"
        )  # fmt: skip
        raise _fail(
            f"LMS の {step} の応答の {key} が{found_ja}（{ja}が必要です）。",
            f"The answer of the LMS's {step} has {key} {found_en}; it must be {en}.",
        )
    return value


def _object(answer: object, step: str) -> dict:
    """The LMS's answer when it is a JSON object; else a :class:`RegistrationError`."""
    if not isinstance(answer, dict):
        raise _fail(
            f"LMS の {step} の応答が JSON のオブジェクトではありません。",
            f"The answer of the LMS's {step} is not a JSON object.",
        )
    return answer


def register_dynamically(
    db: Database,
    config: LmsConfig,
    openid_configuration: str,
    registration_token: str | None,
    timeout_s: float = 10.0,
) -> int:
    """Fetch the platform's OpenID configuration, register the tool, store the platform.
    Returns the platform's row id.

    The OpenID configuration's ``issuer`` must be the start of its URL and it must offer
    RS256; the tool's registration request is :func:`tool_configuration` (1EdTech LTI
    Dynamic Registration 1.0).

    Args:
        db: The tool's database.
        config: The configuration.
        openid_configuration: The platform's OpenID configuration URL.
        registration_token: The platform's bearer token for its registration endpoint, if any.
        timeout_s: The time limit of each HTTP request [s].

    Raises:
        RegistrationError: bilingual: the issuer does not match the URL, RS256 is not
            offered, an endpoint answered an HTTP error or could not be reached, or an answer
            is not JSON, not an object, or lacks a required key or has it of another type
            (nothing is stored).
    """
    step = "OpenID configuration"
    try:
        with httpx.Client(timeout=timeout_s) as http:
            platform_config = _object(
                http.get(openid_configuration).raise_for_status().json(), step
            )
            issuer = _value(platform_config, "issuer", str, step)
            if not openid_configuration.startswith(issuer.rstrip("/")):
                raise _fail(
                    "OpenID 設定の issuer が設定の URL と一致しません。",
                    "The OpenID configuration's issuer does not match its URL.",
                )
            algorithms = _value(
                platform_config, "id_token_signing_alg_values_supported", list, step
            )
            if "RS256" not in algorithms:
                raise _fail("LMS が RS256 に対応していません。", "The LMS does not offer RS256.")
            endpoints = {
                key: _value(platform_config, key, str, step)
                for key in ("authorization_endpoint", "token_endpoint", "jwks_uri",
                            "registration_endpoint")
            }  # fmt: skip
            audience = _value(platform_config, "authorization_server", str, step, required=False)
            lms = _value(platform_config, PLATFORM_CONFIGURATION, dict, step, required=False)
            name = _value(lms or {}, "product_family_code", str, step, required=False)
            headers = (
                {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
            )
            step = "registration endpoint"
            answer = _object(
                http.post(
                    endpoints["registration_endpoint"],
                    json=tool_configuration(config),
                    headers=headers,
                )
                .raise_for_status()
                .json(),
                step,
            )
            if type(answer.get("client_id")) is int:  # a number some LMSs may send as the id
                answer["client_id"] = str(answer["client_id"])
            client_id = _value(answer, "client_id", str, step)
            tool = _value(answer, TOOL_CONFIGURATION, dict, step, required=False)
            deployment = _value(tool or {}, "deployment_id", str, step, required=False)
    except httpx.HTTPStatusError as exc:
        status, url = exc.response.status_code, exc.request.url
        body = " ".join(exc.response.text[:200].split())  # one line: the message is 2 lines
        raise _fail(
            f"LMS の {step} ({url}) が HTTP {status} を返しました: {body}",
            f"The LMS's {step} ({url}) answered HTTP {status}: {body}",
        ) from exc
    except httpx.HTTPError as exc:
        raise _fail(
            f"LMS の {step} と通信できませんでした: {exc!r}",
            f"Talking to the LMS's {step} failed: {exc!r}",
        ) from exc
    except ValueError as exc:  # the body is not JSON (json.JSONDecodeError)
        if isinstance(exc, RegistrationError):
            raise
        raise _fail(
            f"LMS の {step} の応答が JSON ではありません: {exc}",
            f"The answer of the LMS's {step} is not JSON: {exc}.",
        ) from exc
    return add_platform(
        db,
        issuer=issuer,
        client_id=client_id,
        login_url=endpoints["authorization_endpoint"],
        token_url=endpoints["token_endpoint"],
        jwks_url=endpoints["jwks_uri"],
        deployment_ids=[deployment] if deployment else [],
        name=name or "",
        token_audience=audience,
    )
