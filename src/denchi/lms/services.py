"""Client of the platform's LTI Advantage services: OAuth 2 client-credentials tokens (signed
JWT assertion, RFC 7523), Assignment and Grade Services (line items, scores) and Names and
Role Provisioning Services (course roster, with paging)."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from denchi.lms.keys import ToolKeys

LINEITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
MEMBERSHIPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
log = logging.getLogger(__name__)


def _member_problem(member: object) -> str:
    """What is wrong with one member of an NRPS answer ("" when nothing is): it must be an
    object whose ``user_id`` (if any) is a string or a number, ``roles`` (if any) a list of
    strings and ``status`` (if any) a string (1EdTech NRPS 2.0, "Membership container media
    type": ``user_id`` and ``roles`` are required, ``status`` optional; members without a
    ``user_id`` are passed over by :func:`denchi.lms.roster.sync_roster`).

    Args:
        member: One entry of the answer's ``members``.
    """
    if not isinstance(member, dict):
        return " is not a JSON object"
    user_id, roles = member.get("user_id"), member.get("roles", [])
    if user_id is not None and (isinstance(user_id, bool) or not isinstance(user_id, str | int)):
        return f": user_id {user_id!r:.60} is not a string"
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        return f": roles {roles!r:.60} is not a list of strings"
    if not isinstance(member.get("status", ""), str):
        return f": status {member['status']!r:.60} is not a string"
    return ""


class ServiceError(Exception):
    """A call to the platform failed; ``retryable`` is False for errors a retry cannot fix."""

    def __init__(self, message: str, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class ServiceTarget:
    """The platform fields the service client needs."""

    platform_id: int
    client_id: str
    token_url: str
    token_audience: str | None


def service_url(url: str, path: str = "", params: dict[str, str] | None = None) -> str:
    """A service URL extended by ``path`` (e.g. ``/scores``) and query ``params``, keeping the
    query the platform put in it: Moodle's ``.../lineitems?type_id=3`` stays valid only with
    its ``type_id`` (it answers 401 without). A parameter already in the URL is kept as is.

    Source: 1EdTech AGS 2.0, section 3.2 ("the line item URL ... may contain query
    parameters"); Moodle ``mod/lti/service/gradebookservices``.

    Args:
        url: A service URL the platform gave (a line item, the line items container).
        path: What to append to its path (e.g. ``/scores``); empty: the path is kept.
        params: Query parameters to add; one the URL has already is not replaced.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    query += [(k, v) for k, v in (params or {}).items() if k not in present]
    return urlunsplit(
        parts._replace(
            path=parts.path.rstrip("/") + path if path else parts.path, query=urlencode(query)
        )
    )


def _answer(response: httpx.Response) -> str:
    """What came back, for an error text: status, content type and a short snippet."""
    kind = response.headers.get("content-type", "no content type")
    snippet = " ".join(response.text[:200].split())
    where = response.headers.get("location")
    moved = f" (Location: {where})" if where else ""
    return f"HTTP {response.status_code}{moved} with {kind}: {snippet}"


def _json(response: httpx.Response, what: str):
    """The JSON body of a platform's answer; anything else (an HTML login page with status
    200, a proxy's error page) is a retryable :class:`ServiceError` that says what came."""
    try:
        return response.json()
    except ValueError as exc:
        raise ServiceError(
            f"{response.request.method} {response.request.url}: the {what} answered"
            f" {_answer(response)} instead of JSON"
        ) from exc


def _no_page(response: httpx.Response, what: str) -> None:
    """Accept an answer that may have no body (a score post): empty or JSON, never a page.

    An HTML page with status 200 is what a login screen or proxy in front of the LMS sends;
    the score did not reach the gradebook, so it is a retryable :class:`ServiceError`.
    """
    kind = response.headers.get("content-type", "")
    if response.content.strip() and "json" not in kind.lower():
        raise ServiceError(
            f"{response.request.method} {response.request.url}: the {what} answered"
            f" {_answer(response)} instead of an empty or JSON body"
        )


# The statuses that mean success, per call; a redirect (3xx: httpx does not follow them, and
# a login page behind one is no gradebook) or any other status is a failure. Sources: RFC 6749
# section 5.1 (a token answer is "200 (OK)"); RFC 9110 section 15.3 (2xx) for the services,
# whose specs (1EdTech AGS 2.0, NRPS 2.0) name no status lists: a GET of a container is 200,
# the POST that creates a line item 200 or 201, a score POST 200, 201, 202 or 204.
TOKEN_OK = (200,)
READ_OK = (200,)
CREATE_OK = (200, 201)
SCORE_OK = (200, 201, 202, 204)


class ServiceClient:
    """One per process; caches access tokens per platform and scope set."""

    def __init__(self, keys: ToolKeys, timeout_s: float = 10.0) -> None:
        self.keys = keys
        self.http = httpx.Client(timeout=timeout_s)
        self._tokens: dict[tuple[int, str], tuple[float, str]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the HTTP connections (at shutdown)."""
        self.http.close()

    def access_token(self, target: ServiceTarget, scopes: tuple[str, ...]) -> str:
        """An OAuth 2 access token for ``scopes`` at the platform, cached until 60 s before it
        expires (``expires_in`` [s], 3600 if the platform gives none).

        The client-credentials grant with a signed JWT assertion (``iss`` = ``sub`` = the
        client id, ``aud`` the token URL or ``token_audience``, 300 s lifetime): 1EdTech
        Security Framework 1.0, "Using JSON Web Tokens with OAuth 2.0 Client Credentials
        Grant"; RFC 7523 section 2.2 (a JWT for client authentication).

        Args:
            target: The platform's token endpoint and the tool's client id there.
            scopes: The scope URIs the token must carry (AGS, NRPS).

        Raises:
            ServiceError: the token endpoint is unreachable, answers another status than 200,
                or its answer has no usable ``access_token`` (see :meth:`_call`); or the
                tool's active signing key is unreadable (:meth:`ToolKeys.sign`), saying that
                ``denchi lms rotate-keys`` makes a new one (retryable: a delivery waits for it).
        """
        scope = " ".join(sorted(scopes))
        cache_key = (target.platform_id, scope)
        with self._lock:
            cached = self._tokens.get(cache_key)
            if cached and cached[0] > time.monotonic():
                return cached[1]
        now = int(time.time())
        try:
            assertion = self.keys.sign(
                {
                    "iss": target.client_id,
                    "sub": target.client_id,
                    "aud": target.token_audience or target.token_url,
                    "iat": now,
                    "exp": now + 300,
                    "jti": secrets.token_urlsafe(16),
                }
            )
        except ValueError as exc:
            log.exception("the tool's signing key cannot be read")
            raise ServiceError(
                f"the tool's signing key cannot be read ({exc}); the operator makes a new one"
                " with `denchi lms rotate-keys` (every LMS then fetches it from the tool's"
                " JWKS URL)"
            ) from exc
        data = {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": scope,
        }
        answer = self._call("POST", target.token_url, TOKEN_OK, "token endpoint", data=data)
        body = _json(answer, "token endpoint")
        try:
            token, lifetime = str(body["access_token"]), float(body.get("expires_in", 3600))
        except (KeyError, TypeError, ValueError) as exc:
            raise ServiceError(
                f"POST {target.token_url}: the token endpoint's answer has no usable"
                f" access_token/expires_in: {str(body)[:300]}"
            ) from exc
        with self._lock:
            self._tokens[cache_key] = (time.monotonic() + max(lifetime - 60, 1), token)
        return token

    def forget_token(self, target: ServiceTarget) -> None:
        """Drop the cached tokens of the platform (after it answered 401).

        Args:
            target: The platform.
        """
        with self._lock:
            for key in [k for k in self._tokens if k[0] == target.platform_id]:
                del self._tokens[key]

    def _call(
        self, method: str, url: str, ok: tuple[int, ...], what: str, **kwargs
    ) -> httpx.Response:
        """One request to ``url`` exactly as given (callers build it with :func:`service_url`;
        httpx's ``params=`` would replace the URL's own query).

        Raises:
            ServiceError: on a network error, and on any status not in ``ok`` (the success
                statuses of this call): redirects and unexpected 2xx are retryable, as are
                5xx, 401 (an expired token), 408 and 429; other 4xx are not.
        """
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            log.warning("%s %s failed: %r", method, url, exc)
            raise ServiceError(f"{method} {url}: {exc!r}") from exc
        log.info("%s %s -> HTTP %s", method, response.request.url, response.status_code)
        if response.status_code not in ok:
            retryable = (
                response.status_code < 400
                or response.status_code >= 500
                or response.status_code in (401, 408, 429)
            )
            raise ServiceError(
                f"{method} {url}: the {what} answered {_answer(response)}", retryable
            )
        return response

    def _authorized(
        self,
        target: ServiceTarget,
        scopes: tuple[str, ...],
        method: str,
        url: str,
        ok: tuple[int, ...],
        what: str,
        **kw,
    ) -> httpx.Response:
        headers = dict(kw.pop("headers", {}))
        headers["Authorization"] = f"Bearer {self.access_token(target, scopes)}"
        try:
            return self._call(method, url, ok, what, headers=headers, **kw)
        except ServiceError as exc:
            if "HTTP 401" in str(exc):
                self.forget_token(target)
            raise

    def find_or_create_lineitem(
        self,
        target: ServiceTarget,
        lineitems_url: str,
        *,
        resource_link_id: str,
        resource_id: str,
        label: str,
        score_maximum: float,
        scopes: tuple[str, ...],
    ) -> str:
        """The line item of this resource link and assignment, created if there is none.

        Looked up in the line items container filtered by ``resource_link_id`` and
        ``resource_id``, then created there with a POST (1EdTech AGS 2.0, "Line item
        service"). Returns the line item's URL (its ``id``).

        Args:
            target: The platform.
            lineitems_url: The context's line items container (the AGS endpoint claim).
            resource_link_id: The LMS's id of the resource link.
            resource_id: The tool's id of the activity (the assignment id).
            label: The gradebook column's title.
            score_maximum: The assignment's points (the line item's ``scoreMaximum``).
            scopes: The AGS scopes the launch granted.

        Raises:
            ServiceError: a call failed (:meth:`_call`), an answer is not JSON or not a list
                of objects, the found line item's ``id`` is not a string, the created line
                item has no ``id``, or the signing key is unreadable (:meth:`access_token`).
        """
        first = service_url(
            lineitems_url,
            params={"resource_link_id": resource_link_id, "resource_id": resource_id},
        )
        for url, items in self._pages(
            target, scopes, first, LINEITEM_CONTAINER, "line item container"
        ):
            if not isinstance(items, list):
                raise ServiceError(f"GET {url}: not a list of line items")
            for number, item in enumerate(items, start=1):
                if not isinstance(item, dict):
                    raise ServiceError(f"GET {url}: line item {number} is not a JSON object")
                if item.get("resourceId") == resource_id or item.get("resourceLinkId") == (
                    resource_link_id
                ):
                    if not isinstance(item.get("id"), str):
                        raise ServiceError(f"GET {url}: line item {number}: id is not a URL")
                    return item["id"]
        created = self._authorized(
            target,
            scopes,
            "POST",
            lineitems_url,
            CREATE_OK,
            "line item container",
            json={
                "scoreMaximum": score_maximum,
                "label": label,
                "resourceId": resource_id,
                "resourceLinkId": resource_link_id,
                "tag": "denchi",
            },
            headers={"Content-Type": LINEITEM, "Accept": LINEITEM},
        )
        body = _json(created, "line item container")
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            raise ServiceError(f"POST {lineitems_url}: the new line item has no id: {body!r:.300}")
        return body["id"]

    def post_score(
        self, target: ServiceTarget, lineitem_url: str, payload: dict, scopes: tuple[str, ...]
    ) -> None:
        """Post one score to ``<lineitem_url>/scores`` (1EdTech AGS 2.0, "Score publish
        service"); the answer must be 200, 201, 202 or 204 with an empty or JSON body.

        Args:
            target: The platform.
            lineitem_url: The line item's URL.
            payload: The score (:func:`denchi.lms.outbox.score_payload`).
            scopes: The AGS scopes the launch granted.

        Raises:
            ServiceError: the call failed (:meth:`_call`), or a page came back instead (a
                login screen or proxy: retryable), or the signing key is unreadable
                (:meth:`access_token`).
        """
        answer = self._authorized(
            target,
            scopes,
            "POST",
            service_url(lineitem_url, "/scores"),
            SCORE_OK,
            "score service",
            json=payload,
            headers={"Content-Type": SCORE},
        )
        _no_page(answer, "score service")

    def memberships(self, target: ServiceTarget, url: str, scopes: tuple[str, ...]) -> list[dict]:
        """Every member of the course, following ``Link: <...>; rel="next"`` pages (1EdTech
        NRPS 2.0, "Membership container media type" and "Limit query parameter and paging"),
        each checked as :func:`_member_problem` says.

        Args:
            target: The platform.
            url: The context memberships URL (the NRPS claim's
                ``context_memberships_url``).
            scopes: The NRPS scope the launch granted.

        Raises:
            ServiceError: a call failed (:meth:`_call`), a page is not JSON, not an object or
                its ``members`` not a list, a member is malformed (:func:`_member_problem`),
                or the signing key is unreadable (:meth:`access_token`).
        """
        members: list[dict] = []
        for page_url, page in self._pages(target, scopes, url, MEMBERSHIPS, "memberships"):
            if not isinstance(page, dict):
                raise ServiceError(f"GET {page_url}: the memberships are not a JSON object")
            page_members = page.get("members", [])
            if not isinstance(page_members, list):
                raise ServiceError(f"GET {page_url}: members is not a list")
            for member in page_members:
                if problem := _member_problem(member):
                    number = len(members) + 1
                    raise ServiceError(f"GET {page_url}: member {number}{problem}")
                members.append(member)
        return members

    def _pages(
        self, target: ServiceTarget, scopes: tuple[str, ...], url: str, accept: str, what: str
    ) -> Iterator[tuple[str, Any]]:
        """``(URL, JSON body)`` of each page of a container, following the
        ``Link: <...>; rel="next"`` header from page to page.

        Source: 1EdTech NRPS 2.0 ("Limit query parameter and paging") and AGS 2.0 (line item
        service, the same paging of the line item container): the platform may answer a
        part of the container and link the next part with ``rel="next"``.

        Raises:
            ServiceError: as :meth:`_call`, and when a page is not JSON.
        """
        next_url: str | None = url
        for _ in range(1000):  # a bound, in case a platform links pages in a loop
            if next_url is None:
                return
            response = self._authorized(
                target, scopes, "GET", next_url, READ_OK, what, headers={"Accept": accept}
            )
            yield next_url, _json(response, what)
            link = response.links.get("next")
            next_url = link["url"] if link else None
