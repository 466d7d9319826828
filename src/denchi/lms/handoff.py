"""When the browser keeps no cookie of the tool inside the LMS iframe: open it in a new window.

Safari (and an iPad) blocks every third-party cookie, ``Partitioned`` ones too, so after a
launch that was accepted (by cookie or by platform storage, :mod:`denchi.lms.platform_storage`)
the session cookie never comes back inside the iframe. A top-level window of the tool is first
party, and there the cookie works.

The same page is offered at login when the state cookie does not come back from the login's test
request and the platform offers no storage (Moodle): its button starts the login again in a
new window, where everything is first party (see ``/lti/login/check`` in :mod:`denchi.lms.web`).

Decision: detect, do not always offer. The launch sends the browser to ``/lti/check`` (a test
request); a browser that sent the new session cookie back goes straight on to its page inside
the LMS (no extra click where cookies work: Chrome with ``Partitioned``, Firefox), and only a
browser that did not gets the bilingual page :data:`BLOCKED` with a button that opens the tool in
a new window. The button carries a one-time hand-off token: the hash of ``handoff:<token>`` is
stored as a session row that expires after
:data:`~denchi.lms.handoff_tokens.HANDOFF_TTL` (60 s); ``/lti/open`` claims it
with one DELETE (a second use, or a use after 60 s, finds nothing) and gives the launch's own
session (named in the token) a new cookie value, set as the window's first-party cookie. The
token is never a session cookie itself (different hash input), and ``/lti/check`` deletes it
when the cookie worked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from denchi.lms import handoff_tokens
from denchi.lms.config import LmsConfig
from denchi.lms.sessions import SESSION_COOKIE, PageError, current_session, render, set_cookie

if TYPE_CHECKING:
    from denchi.lms.runtime import Runtime

BLOCKED_TITLE = "新しいウィンドウで開いてください"
BLOCKED = (
    "このブラウザは、LMS の中に表示されたツールの Cookie を止めています（Safari や iPad の"
    "標準の設定など）。下のボタンを押すと、ツールが新しいウィンドウで開きます。開かないときは、"
    "LMS のページからもう一度リンクを開いてください。",
    "This browser blocks the tool's cookies inside the LMS page (as Safari and iPad do by"
    " default). Press the button to open the tool in a new window. If it does not open, open"
    " the link from the LMS page again.",
)
BUTTON = "新しいウィンドウで開く / Open in a new window"
EXPIRED = (
    "この「新しいウィンドウで開く」ボタンは、もう使われたか、1 分を過ぎて使えなくなりました。"
    "LMS のページからもう一度リンクを開いてください。",
    'This "open in a new window" button was used already or is over a minute old; open the'
    " link from the LMS page again.",
)

router = APIRouter()


def check_url(config: LmsConfig, token: str, target: str) -> str:
    """Where a launch sends the browser: ``/lti/check`` with the launch's hand-off ``token``
    and the tool path ``target`` (e.g. ``/r/3``) to go on to.

    Args:
        config: The tool's settings (its public URL).
        token: The launch's hand-off token (:func:`denchi.lms.handoff_tokens.new_handoff`,
            made in the launch's transaction; it names the session, ``<id>.<random>``).
        target: The tool path to go on to (``/r/<link>`` or ``/lti/deep-link?…``).
    """
    return config.url("/lti/check?" + urlencode({"next": target, "h": token}))


def _local_path(target: str) -> str:
    """``target`` if it is a path of this tool (no other host: no open redirect).

    Raises:
        PageError: code ``handoff``, status 400.
    """
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        raise PageError("handoff", "行き先が正しくありません。", "Bad target.", status=400)
    return target


@router.get("/lti/check")
def check(request: Request, target: str = Query("", alias="next"), h: str = "") -> Response:
    """The test request after a launch: on to ``target`` when the session cookie came back
    (the unused hand-off is deleted), else the page that offers the new window.

    Args:
        request: The browser's request.
        target: The tool path to go on to (query ``next``).
        h: The hand-off token of :func:`check_url`.

    Raises:
        PageError: code ``handoff`` (400) when ``target`` is not a path of this tool.
    """
    rt: Runtime = request.app.state.rt
    target = _local_path(target)
    try:
        user_id: int | None = current_session(rt, request).user_id
    except PageError:
        user_id = None
    if handoff_tokens.cookie_came_back(rt, user_id, h):
        return RedirectResponse(rt.config.url(target), status_code=303)
    return blocked_page(request, rt.config.url("/lti/open?" + urlencode({"h": h, "next": target})))


def blocked_page(request: Request, open_url: str) -> Response:
    """The bilingual page :data:`BLOCKED` with the button that opens ``open_url`` in a new
    window (also shown at login, :func:`denchi.lms.web`'s login check).

    Args:
        request: The request being answered.
        open_url: The URL the button opens at the top level.
    """
    return render(
        request,
        "new_window.html",
        title_ja=BLOCKED_TITLE,
        ja=BLOCKED[0],
        en=BLOCKED[1],
        button=BUTTON,
        open_url=open_url,
    )


@router.get("/lti/open")
def open_window(request: Request, target: str = Query("", alias="next"), h: str = "") -> Response:
    """In the new (top-level) window: claim the hand-off once, within 60 s, and give this
    window a first-party session cookie.

    Args:
        request: The browser's request (in the new window).
        target: The tool path to go on to (query ``next``).
        h: The hand-off token of :func:`check_url`.

    Raises:
        PageError: code ``handoff``, status 401, when the token is unknown, used or expired;
            status 400 when ``target`` is not a path of this tool.
    """
    rt: Runtime = request.app.state.rt
    target = _local_path(target)
    token = handoff_tokens.claim(rt, h)
    if token is None:
        raise PageError("handoff", *EXPIRED, status=401)
    response = RedirectResponse(rt.config.url(target), status_code=303)
    set_cookie(
        response,
        rt.config,
        SESSION_COOKIE,
        token,
        rt.config.session_hours * 3600,
        first_party=True,
    )
    return response
