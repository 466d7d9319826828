"""LTI 1.3 core: claim names, role mapping and every id_token check of the 1EdTech Security
Framework (signature by the platform JWKS and ``kid``, RS256 only, ``iss``, ``aud``/``azp``,
``exp``/``iat``, nonce, deployment, message type and version).

The state/nonce pair is created at login initiation and bound to the browser by a cookie; the
web layer checks the cookie and hands the stored nonce to :func:`validate_id_token`.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import httpx
import jwt

from denchi.i18n import bilingual
from denchi.lms.untrusted import same_secret

log = logging.getLogger(__name__)

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
DL_SETTINGS = DL + "deep_linking_settings"
DL_CONTENT_ITEMS = DL + "content_items"
DL_DATA = DL + "data"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
TOOL_SCOPES = (SCOPE_LINEITEM, SCOPE_RESULT, SCOPE_SCORE, SCOPE_NRPS)

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
# LIS context roles (by their principal role) that may see and manage the whole class; their
# sub-roles (e.g. Instructor#TeachingAssistant) count as the principal role
TEACHING_ROLES = frozenset({"Instructor", "ContentDeveloper", "Administrator"})
# Context roles that watch a learner's work (parents, mentors, auditors): never a teacher's view
OBSERVING_ROLES = frozenset({"Mentor"})
# System and institution roles that count as teaching (a site administrator)
ADMIN_URIS = frozenset(
    {LIS + "institution/person#Administrator", LIS + "system/person#Administrator"}
)


def context_role(role: str) -> str | None:
    """The principal LIS context role a role string names, in any of its spellings: the full
    URI (``...membership#Instructor``), a sub-role URI (``...membership/Instructor#Grader``),
    the short form LTI 1.3 allows (``Instructor``, ``Instructor#Grader``) or the LTI 1.1 URN
    (``urn:lti:role:ims/lis/Instructor``); None for system and institution roles.

    Source: LTI 1.3 Core, appendix A.2 (context roles) and A.2.1 (short names).

    Args:
        role: One entry of the ``roles`` claim (or of an NRPS member's ``roles``).
    """
    if role.startswith(LIS + "membership#"):
        return role.removeprefix(LIS + "membership#")
    if role.startswith(LIS + "membership/"):
        return role.removeprefix(LIS + "membership/").split("#")[0]
    if role.startswith("urn:lti:role:ims/lis/"):
        return role.removeprefix("urn:lti:role:ims/lis/").split("/")[0]
    if ":" not in role and "/" not in role:
        return role.split("#")[0]
    return None


def map_role(roles: list[str]) -> str:
    """The tool's role from LIS roles: ``instructor`` for teaching and administrator roles,
    ``observer`` for mentors without a learner role, ``learner`` for everything else
    (LTI 1.3 Core, "Roles claim" and appendix A.2 "Role vocabularies").

    Args:
        roles: The ``roles`` claim of a launch or an NRPS member's ``roles`` (role strings).
    """
    principals = {context_role(r) for r in roles}
    if principals & TEACHING_ROLES or set(roles) & ADMIN_URIS:
        return "instructor"
    if principals & OBSERVING_ROLES and "Learner" not in principals:
        return "observer"
    return "learner"


class LaunchError(Exception):
    """A refused LTI message; ``code`` names the failed check (for tests and logs)."""

    def __init__(self, code: str, ja: str, en: str, status: int = 400) -> None:
        super().__init__(bilingual(ja, en))
        self.code, self.ja, self.en, self.status = code, ja, en, status


def parse_jwks(jwks: dict) -> dict[str, jwt.PyJWK]:
    """The keys of a JWKS document by ``kid`` (keys without a ``kid`` cannot be chosen).

    Args:
        jwks: A JWK Set (RFC 7517, section 5), as the platform's key set URL serves it.

    Raises:
        jwt.PyJWTError: the document is not a JWK Set PyJWT can read (no usable key).
    """
    return {k.key_id: k for k in jwt.PyJWKSet.from_dict(jwks).keys if k.key_id}


def check_state(state: str, cookie: str | None) -> None:
    """The launch's ``state`` must equal the cookie set in this browser at login initiation
    (binds the launch to the browser that started it: no login CSRF, no stolen token;
    1EdTech Security Framework 1.0, "Authentication Response Validation", and OpenID
    Connect Core 1.0, section 3.1.2.1 on ``state``).

    Args:
        state: The ``state`` the launch form posted.
        cookie: The state cookie of this browser (or the state the platform's storage kept),
            None when the browser sent none.

    Raises:
        LaunchError: code ``state``, status 401 (also for a ``state`` or ``cookie`` that is
            empty or not the same text, whatever characters it holds:
            :func:`denchi.lms.untrusted.same_secret`).
    """
    if not same_secret(cookie, state):
        raise LaunchError(
            "state",
            "ログインを始めたブラウザと違うブラウザからの起動か、Cookie が届いていません。"
            "LMS で「新しいウィンドウで開く」設定にすると直ることがあります。",
            "The launch's state is not bound to this browser (state cookie missing or"
            " different); opening the tool in a new window often helps.",
            status=401,
        )


class JwksCache:
    """Platform public keys by JWKS URL: cached, refetched when stale or when an unknown
    ``kid`` arrives (key rotation), but at most once per ``min_refetch_s`` per URL so that
    tokens with made-up ``kid`` values cannot make the tool hammer the LMS."""

    def __init__(
        self, max_age_s: float = 3600, min_refetch_s: float = 10, timeout_s: float = 10
    ) -> None:
        self.max_age_s, self.min_refetch_s, self.timeout_s = max_age_s, min_refetch_s, timeout_s
        self._sets: dict[str, tuple[float, dict[str, jwt.PyJWK]]] = {}
        self._lock = threading.Lock()

    def _fetch(self, url: str) -> dict[str, jwt.PyJWK]:
        try:
            response = httpx.get(url, timeout=self.timeout_s)
            response.raise_for_status()
            return parse_jwks(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            raise LaunchError(
                "jwks_unavailable",
                f"LMS の公開鍵 (JWKS) を取得できませんでした: {url}",
                f"Cannot fetch the platform's JWKS from {url}: {exc}",
                status=502,
            ) from exc

    def key(self, url: str, kid: str) -> jwt.PyJWK:
        """The platform's public key ``kid`` from its key set URL (refetched when the cache is
        older than ``max_age_s`` [s], or for an unknown ``kid`` after ``min_refetch_s`` [s]).

        Args:
            url: The platform's JWKS URL.
            kid: The key id of the id_token's header.

        Raises:
            LaunchError: code ``jwks_unavailable`` (502) when the key set cannot be fetched
                or read; ``unknown_kid`` (401) when it has no key ``kid``.
        """
        with self._lock:
            fetched_at, keys = self._sets.get(url, (0.0, {}))
            age = time.monotonic() - fetched_at
            if age > self.max_age_s or (kid not in keys and age > self.min_refetch_s):
                keys = self._fetch(url)
                self._sets[url] = (time.monotonic(), keys)
        if kid not in keys:
            raise LaunchError(
                "unknown_kid",
                "トークンの署名鍵 (kid) が LMS の公開鍵の中にありません。",
                f"The token's signing key id {kid!r} is not in the platform's JWKS.",
                status=401,
            )
        return keys[kid]


@dataclass(frozen=True)
class PlatformRef:
    """What the checks need to know about the registered platform."""

    issuer: str
    client_id: str
    jwks_url: str
    deployment_ids: frozenset[str]


def _refuse(code: str, ja: str, en: str) -> LaunchError:
    return LaunchError(code, ja, en, status=401)


def _log_clock_skew(id_token: str, platform: PlatformRef, leeway_s: int, problem: str) -> None:
    """Tell the operator about a launch refused for its times (the person sees only "expired"
    or "iat in the future"): the token's iat/nbf/exp against this server's clock. Called after
    the signature was verified, so the times are the platform's."""
    try:
        claims = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError:
        claims = {}
    now = int(time.time())
    times = {name: claims.get(name) for name in ("iat", "nbf", "exp")}
    offset = times["iat"] - now if isinstance(times["iat"], (int, float)) else None
    log.warning(
        "refused a launch from issuer %s (client_id %s): id_token %s; iat=%s nbf=%s exp=%s,"
        " server time=%d (%s UTC), iat - server time = %s s, leeway %d s. If this repeats,"
        " the clock of the LMS or of this server is wrong (check NTP on both).",
        platform.issuer,
        platform.client_id,
        problem,
        times["iat"],
        times["nbf"],
        times["exp"],
        now,
        time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now)),
        "?" if offset is None else f"{offset:+.0f}",
        leeway_s,
    )


def validate_id_token(
    id_token: str,
    platform: PlatformRef,
    expected_nonce: str,
    jwks: JwksCache,
    leeway_s: int = 60,
) -> dict:
    """Every check of the Security Framework; returns the verified claims or raises.

    The checks of 1EdTech Security Framework 1.0, "Authentication Response Validation"
    (OpenID Connect Core 1.0, section 3.1.3.7 "ID Token Validation"): RS256 signature by the
    platform's key ``kid``, ``iss``, ``aud`` (and ``azp`` with several audiences), ``exp``
    and ``iat`` within ``leeway_s``, the nonce; then LTI 1.3 Core's required message claims:
    ``version`` 1.3.0, a registered ``deployment_id``, a supported ``message_type`` with its
    ``resource_link`` or ``deep_linking_settings`` (LTI Deep Linking 2.0), and ``roles``; and
    every claim the tool reads of the JSON type LTI sets (:func:`_malformed_claim`), so that a
    broken LMS's launch is refused rather than failing later.

    Args:
        id_token: The id_token the launch form posted (a JWT).
        platform: The registered platform the token names.
        expected_nonce: The nonce the tool sent at login (single use).
        jwks: The cache of platforms' public keys.
        leeway_s: The clock skew allowed for ``exp``, ``iat`` and ``nbf`` [s].

    Raises:
        LaunchError: status 401 with ``code`` naming the failed check (``malformed``,
            ``alg``, ``kid_missing``, ``expired``, ``iat``, ``aud``, ``iss``, ``signature``,
            ``invalid``, ``azp``, ``nonce``, ``version``, ``deployment``, ``claims``,
            ``message_type``), or from :meth:`JwksCache.key` (``jwks_unavailable``, 502;
            ``unknown_kid``, 401).
    """
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as exc:
        raise _refuse(
            "malformed", "id_token の形式が正しくありません。", "Malformed id_token."
        ) from exc
    if header.get("alg") != "RS256":
        raise _refuse(
            "alg",
            "id_token は RS256 で署名されていなければなりません。",
            f"The id_token must be signed with RS256, not {header.get('alg')!r}.",
        )
    if not header.get("kid"):
        raise _refuse("kid_missing", "id_token に kid がありません。", "The id_token has no kid.")
    key = jwks.key(platform.jwks_url, header["kid"])
    try:
        claims = jwt.decode(
            id_token,
            key=key,
            algorithms=["RS256"],
            audience=platform.client_id,
            issuer=platform.issuer,
            leeway=leeway_s,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
        )
    except jwt.ExpiredSignatureError as exc:
        _log_clock_skew(id_token, platform, leeway_s, "expired")
        raise _refuse(
            "expired", "id_token の有効期限が切れています。", "Expired id_token."
        ) from exc
    except jwt.ImmatureSignatureError as exc:
        _log_clock_skew(id_token, platform, leeway_s, "not yet valid (iat or nbf in the future)")
        raise _refuse(
            "iat", "id_token の発行時刻 (iat) が未来です。", "The id_token's iat is in the future."
        ) from exc
    except jwt.InvalidAudienceError as exc:
        raise _refuse(
            "aud",
            "id_token の宛先 (aud) にこのツールの client_id がありません。",
            "The id_token's audience does not contain this tool's client_id.",
        ) from exc
    except jwt.InvalidIssuerError as exc:
        raise _refuse(
            "iss", "id_token の発行者 (iss) が登録と違います。", "Unexpected id_token issuer."
        ) from exc
    except jwt.InvalidSignatureError as exc:
        raise _refuse(
            "signature", "id_token の署名が正しくありません。", "Bad id_token signature."
        ) from exc
    except jwt.PyJWTError as exc:
        raise _refuse("invalid", "id_token を検証できません。", f"Invalid id_token: {exc}") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != platform.client_id:
        raise _refuse(
            "azp",
            "複数の宛先がある id_token の azp がこのツールの client_id ではありません。",
            "With several audiences, azp must be this tool's client_id.",
        )
    if not same_secret(claims["nonce"], expected_nonce):
        raise _refuse(
            "nonce", "nonce が一致しません（再送された可能性）。", "Nonce mismatch (replay?)."
        )
    if claims.get(VERSION) != "1.3.0":
        raise _refuse(
            "version", "LTI 1.3.0 のメッセージではありません。", "Not an LTI 1.3.0 message."
        )
    if claims.get(DEPLOYMENT_ID) not in platform.deployment_ids:
        raise _refuse(
            "deployment",
            "登録されていない配置 (deployment_id) からの起動です。",
            f"Unregistered deployment_id {claims.get(DEPLOYMENT_ID)!r}.",
        )
    kind = claims.get(MESSAGE_TYPE)
    if kind == RESOURCE_LINK_REQUEST:
        if not isinstance(claims.get(RESOURCE_LINK), dict) or not claims[RESOURCE_LINK].get("id"):
            raise _refuse("claims", "resource_link がありません。", "Missing resource_link claim.")
    elif kind == DEEP_LINKING_REQUEST:
        settings = claims.get(DL_SETTINGS)
        if not isinstance(settings, dict) or not settings.get("deep_link_return_url"):
            raise _refuse(
                "claims", "deep_linking_settings がありません。", "Missing deep_linking_settings."
            )
    else:
        raise _refuse(
            "message_type",
            "このツールが扱わない種類のメッセージです。",
            f"Unsupported message_type {kind!r}.",
        )
    if not isinstance(claims.get(ROLES), list):
        raise _refuse("claims", "roles がありません。", "Missing roles claim.")
    if wrong := _malformed_claim(claims):
        raise _refuse(
            "claims",
            f"id_token の {wrong} の形が LTI 1.3 の決まりと違います。LMS の管理者に伝えて"
            "ください。",
            f"The id_token's {wrong} is not of the form LTI 1.3 sets; tell the LMS's"
            " administrator.",
        )
    return claims


# The claims the tool reads besides the required ones, when present: an object whose named
# members are strings (LTI 1.3 Core, 5.4.1 "Context claim" (id required) and 5.4.6 "Custom
# properties"; LTI AGS 2.0, 3.1 "Assignment and grade service claim"; LTI NRPS 2.0, 3.6.1.1
# "LTI 1.3 integration"). Other members are read as text (str()) or compared only.
_OPTIONAL_OBJECTS: dict[str, tuple[str, ...]] = {
    CONTEXT: ("id",),
    CUSTOM: (),
    AGS_ENDPOINT: ("lineitems", "lineitem"),
    NRPS: ("context_memberships_url",),
}


def _malformed_claim(claims: dict) -> str | None:
    """The name of the first claim (or claim member) of a signed id_token whose JSON type is
    not the one LTI 1.3 sets, among those the tool reads (PyJWT checks ``sub``): ``roles`` a
    list of strings, the resource link's ``id`` a string, :data:`_OPTIONAL_OBJECTS` objects with
    their named members strings (``id`` of the context required), the AGS ``scope`` a list of
    strings (LTI 1.3 Core, 5.3 "Required message claims"); None when all are.

    Args:
        claims: The verified claims of a launch whose required claims are present.
    """

    def strings(value: object) -> bool:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)

    if not strings(claims[ROLES]):
        return "roles"
    link = claims[RESOURCE_LINK] if claims[MESSAGE_TYPE] == RESOURCE_LINK_REQUEST else {}
    if link and not isinstance(link["id"], str):
        return f"{RESOURCE_LINK} id"
    for claim, members in _OPTIONAL_OBJECTS.items():
        value = claims.get(claim)
        if not value:  # absent or empty ([] is how PHP's json_encode writes an empty map)
            continue
        if not isinstance(value, dict):
            return claim
        for member in members:
            if (member in value or claim == CONTEXT) and not isinstance(value.get(member), str):
                return f"{claim} {member}"
        if claim == AGS_ENDPOINT and not strings(value.get("scope", [])):
            return f"{claim} scope"
    return None


def deep_linking_response(
    platform: PlatformRef, request_claims: dict, items: list[dict], nonce: str, now: int
) -> dict:
    """Claims of the LtiDeepLinkingResponse (signed by the tool's key by the caller): the
    tool as ``iss``, the platform as ``aud``, valid for 600 s, the request's
    ``deployment_id`` and ``data`` echoed (LTI Deep Linking 2.0, "Deep linking response
    message"; 1EdTech Security Framework 1.0, tool-originating messages).

    Args:
        platform: The registered platform the request came from.
        request_claims: The kept deep-linking request's claims.
        items: The content items (:func:`denchi.lms.deep_linking.content_item`).
        nonce: A new random nonce.
        now: The issue time [s since the epoch].
    """
    settings = request_claims[DL_SETTINGS]
    claims = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "iat": now,
        "exp": now + 600,
        "nonce": nonce,
        MESSAGE_TYPE: DEEP_LINKING_RESPONSE,
        VERSION: "1.3.0",
        DEPLOYMENT_ID: request_claims[DEPLOYMENT_ID],
        DL_CONTENT_ITEMS: items,
    }
    if "data" in settings:
        claims[DL_DATA] = settings["data"]
    return claims
