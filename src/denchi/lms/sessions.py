"""Browser sessions after a launch, cookies that work inside LMS iframes, page rendering and
the authorization checks every page makes (who may see which resource link)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from denchi.lms.config import LmsConfig
from denchi.lms.models import BrowserSession, Membership, ResourceLink, utcnow
from denchi.lms.store import new_token, token_hash
from denchi.lms.targets import catalog_id, page_options
from denchi.lms.untrusted import same_secret

if TYPE_CHECKING:
    from denchi.lms.runtime import Runtime

SESSION_COOKIE = "denchi_session"
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


class PageError(Exception):
    """A refusal shown to a person as a page in Japanese and English."""

    def __init__(self, code: str, ja: str, en: str, status: int = 400) -> None:
        super().__init__(f"{ja}\n{en}")
        self.code, self.ja, self.en, self.status = code, ja, en, status


def link_target(rt: Runtime, kind: object, target: object) -> str:
    """The catalog's id for a link's kind and target (from the launch's custom parameters or a
    stored link); refuses anything the catalog does not offer, e.g. ``../x``, a typo or a
    trailing space.

    Args:
        rt: The tool instance.
        kind: ``assignment`` or ``page`` (anything else is refused).
        target: The assignment id or the book page's docname.

    Raises:
        PageError: code ``link``, status 400, with the bilingual "add it again" message.
    """
    found = None
    if kind == "assignment":
        found = catalog_id(rt.grader.assignments, target)
        if found is not None and not rt.grader.notebook_names(found):
            found = None
    elif kind == "page":
        found = catalog_id({o.docname for o in page_options(rt.catalog)}, target)
    if found is None:
        raise PageError(
            "link",
            "このリンクには教材が設定されていません。先生は「教材を選ぶ」から追加し直して"
            "ください。",
            "This link names no denchi page or assignment; add it again by deep linking.",
            status=400,
        )
    return found


def render(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
    """A page from the tool's Jinja templates, with ``base`` (the tool's URL) and the
    security headers.

    Args:
        request: The request being answered.
        name: The template's file name (``learner.html`` …).
        status: The HTTP status.
        **context: The template's values.
    """
    rt = request.app.state.rt
    response = templates.TemplateResponse(
        request, name, {"base": rt.config.base_url.rstrip("/"), **context}, status_code=status
    )
    response.headers.update(SECURITY_HEADERS)
    return response


def set_cookie(
    response: Response,
    config: LmsConfig,
    name: str,
    value: str,
    max_age: int,
    *,
    first_party: bool = False,
) -> None:
    """Set an HttpOnly cookie (``max_age`` in seconds) on ``response``.

    On https a cookie the tool sets inside an LMS iframe carries ``Secure; SameSite=None;
    Partitioned``: ``SameSite=None`` lets the browser send it in the cross-site iframe, and
    ``Partitioned`` (CHIPS, draft-cutler-httpbis-partitioned-cookies; MDN "Cookies Having
    Independent Partitioned State") keeps it in a jar of its own for the LMS's site, which
    Chrome still accepts when it blocks third-party cookies. Browsers refuse ``Partitioned``
    without ``Secure``, so plain http (a test or a laptop) gets ``SameSite=Lax`` only.
    ``first_party=True`` is for a window opened at the top level (the new-window hand-off of
    :mod:`denchi.lms.handoff`): ``SameSite=Lax``, not partitioned.

    Starlette's own ``partitioned=True`` needs Python 3.14 (``http.cookies`` learnt the
    attribute there; Starlette 1.10 raises ``ValueError`` before), so the attribute is
    appended to the header here, spelt as Python 3.14 writes it.

    Args:
        response: The response to set the cookie on.
        config: The configuration (https or not).
        name: The cookie's name.
        value: Its value.
        max_age: Its lifetime [s] (0 deletes it).
        first_party: For a top-level window (``SameSite=Lax``, not partitioned).
    """
    cross_site = config.secure_cookies and not first_party
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=config.secure_cookies,
        samesite="none" if cross_site else "lax",
    )
    if cross_site:
        key, header = response.raw_headers[-1]
        response.raw_headers[-1] = (key, header + b"; Partitioned")


def clear_cookie(response: Response, config: LmsConfig, name: str) -> None:
    """Delete a cookie set by :func:`set_cookie` inside the iframe (same attributes, so the
    browser finds it in the same partition).

    Args:
        response: The response to clear the cookie on.
        config: The configuration.
        name: The cookie's name.
    """
    set_cookie(response, config, name, "", 0)  # Max-Age=0 removes it (RFC 6265 §5.2.2)


def start_session(s: Session, session_hours: int, user_id: int) -> tuple[str, int]:
    """A new session for the launched user, valid for ``session_hours`` [h] and added in the
    caller's transaction ``s``; returns the cookie value (only its hash is stored) and the
    row id.

    Args:
        s: The launch's database session (its transaction).
        session_hours: How long the session lasts [h].
        user_id: The user's row id.
    """
    token = new_token()
    row = BrowserSession(
        token_hash=token_hash(token),
        csrf_token=new_token(16),
        user_id=user_id,
        expires_at=utcnow() + timedelta(hours=session_hours),
    )
    s.add(row)
    s.flush()
    return token, row.id


def current_session(rt: Runtime, request: Request) -> BrowserSession:
    """The unexpired browser session of the request's session cookie (its user loaded).

    Args:
        rt: The tool instance.
        request: The browser's request.

    Raises:
        PageError: code ``session`` (401) without a cookie, or for an unknown or expired
            session.
    """
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with rt.db.session() as s:
            row = s.scalars(
                select(BrowserSession).where(BrowserSession.token_hash == token_hash(token))
            ).first()
            if row is not None and row.expires_at > utcnow():
                _ = row.user.sub  # load the user while the session is open
                return row
    raise PageError(
        "session",
        "ログインしていないか、時間が経ちすぎました。LMS からもう一度開いてください。",
        "No session or it expired; open the link from the LMS again.",
        status=401,
    )


@dataclass(frozen=True)
class Access:
    """What :func:`authorize` allowed: the session, the resource link and the user's role
    in its course (``learner`` or ``instructor``)."""

    session: BrowserSession
    link: ResourceLink
    role: str


def authorize(rt: Runtime, request: Request, link_id: int, *, instructor: bool) -> Access:
    """The session's user must belong to the link's course (as instructor where asked).

    Args:
        rt: The tool instance.
        request: The browser's request (its session cookie).
        link_id: The resource link's row id (from the URL).
        instructor: Only an instructor of the course may pass.

    Raises:
        PageError: code ``session`` (401) without a valid session; ``forbidden`` (403) for
            an unknown link, a user outside its course, or a learner where an instructor is
            needed; ``link`` (400) for a stored link the catalog no longer offers.
    """
    session = current_session(rt, request)
    with rt.db.session() as s:
        link = s.get(ResourceLink, link_id)
        membership = None
        if link is not None:
            membership = s.scalars(
                select(Membership).where(
                    Membership.context_id == link.context_id,
                    Membership.user_id == session.user_id,
                    Membership.active.is_(True),
                )
            ).first()
            if membership is not None:
                _ = link.context.title
    if link is None or membership is None:
        raise PageError(
            "forbidden",
            "このページを見る権限がありません。",
            "You may not open this page.",
            status=403,
        )
    link_target(rt, link.kind, link.target)  # a link stored before targets were checked
    if instructor and membership.role != "instructor":
        raise PageError(
            "forbidden",
            "このページは先生だけが開けます。",
            "Only instructors may open this page.",
            status=403,
        )
    return Access(session, link, membership.role)


def check_csrf(session: BrowserSession, value: object) -> None:
    """A form's CSRF token must be the session's (:func:`denchi.lms.untrusted.same_secret`:
    constant time; any other text or type, a missing field included, is refused).

    Args:
        session: The browser session the form was shown in (:func:`current_session`).
        value: The form's ``csrf`` field as it came (a string, an upload, None).

    Raises:
        PageError: code ``csrf`` (403): the form is stale or forged.
    """
    if not same_secret(value, session.csrf_token):
        raise PageError(
            "csrf",
            "フォームが古くなっています。ページを開き直してください。",
            "The form is stale; reload the page.",
            status=403,
        )
