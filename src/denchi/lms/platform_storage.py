"""OIDC login without cookies: the LTI client-side platform storage.

Safari (and Chrome when it blocks third-party cookies) withholds the tool's cookies inside the
LMS iframe, so the state cookie that binds a launch to the browser that started the login never
comes back. Platforms that offer it keep small values for the tool instead, in a frame of their
own that answers ``window.postMessage``. The rules followed here are 1EdTech's "LTI OIDC Login
with LTI Client Side postMessages" (lti-cs-oidc v0.1), "LTI Client Side postMessages"
(lti-cs-pm v0.1) and "LTI postMessage Storage" (lti-pm-s v0.1), with Canvas's reading of them
(its LTI 1.3 guide, "Launching without Cookies"):

- the platform offers storage by sending ``lti_storage_target`` (the name of its storage frame,
  or ``_parent``) with the login initiation, and (Canvas) again with the launch; without it at
  launch, the tool asks the parent with ``lti.capabilities`` which frame answers ``lti.get_data``;
- messages go only to the platform's OIDC origin (the origin of its authorization endpoint), and
  only answers from that origin with our ``message_id`` count;
- the tool stores ``state_<state>`` = state and ``nonce_<nonce>`` = nonce with ``lti.put_data``
  before it sends the browser to the authorization endpoint, and reads them back with
  ``lti.get_data`` at launch.

The comparison happens in the browser, so the server adds two checks before it accepts the
values (``check``): the continuation must be a same-origin POST from the tool's own check page
(its ``Origin`` header is the tool's origin: a page elsewhere cannot forge it; Fetch Standard,
"append a request Origin header", with the page's ``Referrer-Policy: same-origin``), and the
values must be the login-state row's state and nonce. Only logins started with
``lti_storage_target`` may finish this way (their state starts with ``STORAGE_PREFIX``): every
other launch still needs the state cookie. The nonce stays single use because the row is
deleted when the launch is accepted, whichever way it was checked.

Moodle (as of the sources read, ``mod/lti/auth.php``) sends no ``lti_storage_target``: there,
the cookie (``Partitioned`` where the browser supports it) or a new window is the way.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from denchi.lms.config import LmsConfig
from denchi.lms.lti import LaunchError
from denchi.lms.store import new_token
from denchi.lms.untrusted import same_secret

STORAGE_PREFIX = "ps."  # "." is not in a token's alphabet (base64url)
SCRIPT_PATH = "/lti/static/platform_storage.js"
MAX_TARGET = 200  # characters of a frame name; longer is not a frame name
FAILED = (
    "LMS（Moodle など）に確認用の値を保存できなかったか、読み出せなかったため、続けられません。"
    "LMS のページを再読み込みして、もう一度リンクを開いてください。",
    "The LMS did not keep (or give back) the tool's check values, so the launch cannot go on;"
    " reload the LMS page and open the link again.",
)


def new_state(storage: bool) -> str:
    """A fresh OIDC state; one for a login that uses platform storage carries the prefix.

    Args:
        storage: The login uses the platform's storage (it sent ``lti_storage_target``).
    """
    return (STORAGE_PREFIX if storage else "") + new_token()


def uses_storage(state: str) -> bool:
    """Whether the login of ``state`` was started with platform storage.

    Args:
        state: The OIDC state.
    """
    return state.startswith(STORAGE_PREFIX)


def storage_target(value: str | None) -> str | None:
    """The ``lti_storage_target`` of a request, or None when absent or not a frame name.

    Args:
        value: The parameter as the platform sent it (at most ``MAX_TARGET`` characters).
    """
    if not value or len(value) > MAX_TARGET or not value.isprintable():
        return None
    return value


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, as browsers serialize an origin (lowercase).

    Args:
        url: An absolute URL.
    """
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def stored_items(state: str, nonce: str) -> list[dict[str, str]]:
    """What the login page puts into platform storage (keys hold the value, as Canvas advises,
    so that launches in several tabs do not overwrite each other).

    Args:
        state: The login's OIDC state.
        nonce: The login's nonce.
    """
    return [{"key": f"state_{state}", "value": state}, {"key": f"nonce_{nonce}", "value": nonce}]


def fetched_items(state: str, nonce: str) -> list[dict[str, str]]:
    """What the launch check page reads back, and the form field each value goes into.

    Args:
        state: The login's OIDC state.
        nonce: The login's nonce.
    """
    return [
        {"key": f"state_{state}", "field": "stored_state"},
        {"key": f"nonce_{nonce}", "field": "stored_nonce"},
    ]


def check(
    request: Request,
    config: LmsConfig,
    state: str,
    nonce: str,
    stored_state: str,
    stored_nonce: str,
) -> None:
    """Accept a launch continued from the check page only when the state was started with
    platform storage, the POST came from the tool's own page and the values read back from the
    platform's storage are this login's state and nonce.

    Args:
        request: The continuation's POST (its ``Origin`` header).
        config: The configuration (the tool's origin).
        state: The launch's state.
        nonce: The login-state row's nonce.
        stored_state: The state the page read from the platform's storage.
        stored_nonce: The nonce it read.

    Raises:
        LaunchError: code ``state`` (not a platform-storage login, or values that differ) or
            ``origin`` (the POST did not come from the tool's own page, whatever characters
            its ``Origin`` holds), status 401/403.
    """
    if not uses_storage(state):
        raise LaunchError(
            "state",
            "この起動は LMS の保存領域（platform storage）を使わずに始まったため、Cookie が"
            "必要です。",
            "This login did not start with platform storage, so it needs the state cookie.",
            status=401,
        )
    sent_from = request.headers.get("origin", "")
    if not same_secret(sent_from, origin(config.base_url)):
        raise LaunchError(
            "origin",
            "この確認は、ツール自身のページから送られたものではありません。LMS からもう一度"
            "開いてください。",
            f"The check did not come from the tool's own page (Origin {sent_from or 'missing'})"
            "; open the link from the LMS again.",
            status=403,
        )
    if not (same_secret(stored_state, state) and same_secret(stored_nonce, nonce)):
        raise LaunchError("state", *FAILED, status=401)
