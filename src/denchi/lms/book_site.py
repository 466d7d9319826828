"""The teacher edition of the book (teacher guides, answer keys), served by the tool to
instructors only, under ``/teacher-book/``.

The teacher edition must never be public (``book/operators/02_publishing.md``). The tool
serves its static HTML to a browser whose session (made by an LTI launch, see
:mod:`denchi.lms.sessions`) belongs to a user who is an active instructor in at least one
course; anyone else (no session, learners, mentors and other observers) gets 403. Every
file is looked up with :func:`denchi.lms.files.inside`, so ``..`` (also percent-encoded), an
absolute path or a symbolic link leading out of the edition's folder is refused; a folder
answers with its ``index.html``, never with a listing.

The folder is the setting ``teacher_book_dir``, by default ``_build/teacher/html`` of the
courseware checkout. :func:`install` adds the routes and gives the instructor page's template
the function ``teacher_book(request, assignment)`` for its link, or for the message saying
how to build the edition.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from denchi.lms import roster
from denchi.lms.files import inside
from denchi.lms.sessions import SECURITY_HEADERS, PageError, current_session, templates

if TYPE_CHECKING:
    from denchi.lms.runtime import Runtime

PREFIX = "/teacher-book"
# denchi.book.output_dir(root, "teacher"); the lms package may not import denchi.book
TEACHER_HTML = Path("_build", "teacher", "html")
BUILD_COMMAND = "python3 dev.py build --edition teacher"
# What a built book holds. With ``X-Content-Type-Options: nosniff`` a browser runs a script
# or applies a style sheet only under its right type, so these do not depend on the
# server's /etc/mime.types.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/vnd.microsoft.icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".pdf": "application/pdf",
    ".ipynb": "application/x-ipynb+json",
    ".md": "text/markdown; charset=utf-8",
}

router = APIRouter()


def teacher_book_dir(rt: Runtime) -> Path:
    """The folder of the built teacher edition: the setting, else the checkout's build.

    Args:
        rt: The tool instance.
    """
    return rt.config.teacher_book_dir or rt.courseware / TEACHER_HTML


def is_built(folder: Path) -> bool:
    """Whether ``folder`` holds a built edition (its ``index.html``).

    Args:
        folder: The teacher edition's folder (:func:`teacher_book_dir`).
    """
    return (folder / "index.html").is_file()


def not_built_message(folder: Path) -> tuple[str, str]:
    """What the instructor page and ``/teacher-book/`` say while the edition is not built
    (Japanese, English).

    Args:
        folder: The folder where the edition was looked for.
    """
    return (
        f"教師用テキスト（指導者版）がまだつくられていません（{folder} に index.html "
        f"がありません）。教材のチェックアウトで `{BUILD_COMMAND}` を実行するか、"
        "設定の teacher_book_dir を確かめるよう、ツールの管理者に伝えてください。",
        f"The teacher edition has not been built ({folder} holds no index.html): the tool's "
        f"operator runs `{BUILD_COMMAND}` in the courseware checkout or fixes the setting "
        "teacher_book_dir.",
    )


def require_instructor(rt: Runtime, request: Request) -> None:
    """The request's session must belong to an active instructor of at least one course.

    Args:
        rt: The tool instance.
        request: The browser's request (its session cookie).

    Raises:
        PageError: status 403 (code ``forbidden``) without a session, for an expired one and
            for learners, mentors and observers.
    """
    try:
        session = current_session(rt, request)
    except PageError:
        raise PageError(
            "forbidden",
            "教師用テキストは、LMS のコースで先生としてこのツールのリンクを開いた後に読めます"
            "（ログインしていないか、時間が経ちすぎました）。",
            "The teacher edition opens after you open a link of this tool from the LMS as an "
            "instructor (no session, or it expired).",
            status=403,
        ) from None
    if not roster.teaches_somewhere(rt, session.user_id):
        raise PageError(
            "forbidden",
            "教師用テキスト（指導書・解答）は先生だけが開けます。",
            "Only instructors may open the teacher edition (teacher guides and answers).",
            status=403,
        )


def _content_type(path: Path) -> str:
    return (
        CONTENT_TYPES.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )


def _not_found() -> PageError:
    return PageError("not_found", "そのページはありません。", "No such page.", status=404)


@router.get(PREFIX)
def teacher_book_root(request: Request) -> Response:
    """``/teacher-book``: a redirect to ``/teacher-book/`` (instructors only).

    Args:
        request: The browser's request.

    Raises:
        PageError: 403 (code ``forbidden``) for anyone but an instructor
            (:func:`require_instructor`).
    """
    rt: Runtime = request.app.state.rt
    require_instructor(rt, request)
    return RedirectResponse(rt.config.url(f"{PREFIX}/"), status_code=307)


@router.get(PREFIX + "/{path:path}")
def teacher_book_file(request: Request, path: str) -> Response:
    """A file of the teacher edition; a folder's ``index.html`` (after a redirect that adds
    the slash, so that the page's relative links work).

    Args:
        request: The browser's request.
        path: The file's path below ``/teacher-book/`` (from the URL).

    Raises:
        PageError: 403 (``forbidden``) for anyone but an instructor; 404 (``not_built``)
            while the edition is not built; 400 (``path``) for a path that leads outside the
            edition's folder; 404 (``not_found``) for no such file.
    """
    rt: Runtime = request.app.state.rt
    require_instructor(rt, request)
    folder = teacher_book_dir(rt)
    if not is_built(folder):
        raise PageError("not_built", *not_built_message(folder), status=404)
    try:
        target = inside(folder, path)
        if target.is_dir():
            if path and not path.endswith("/"):
                return RedirectResponse(rt.config.url(f"{PREFIX}/{quote(path)}/"), status_code=307)
            target = inside(folder, path, "index.html")  # the index may be a link too
    except ValueError as exc:  # OutsideDataDir, or a NUL byte in the path
        raise PageError(
            "path",
            "そのアドレスは開けません（教師用テキストのフォルダーの外を指しています）。",
            "That address leads outside the teacher edition.",
            status=400,
        ) from exc
    if not target.is_file():
        raise _not_found()
    return FileResponse(target, media_type=_content_type(target), headers=SECURITY_HEADERS)


def teacher_book_link(request: Request, assignment: str | None = None) -> dict:
    """For the instructor page: ``built``, and the ``url`` to open (the teacher guide of the
    assignment's module where the edition has it, else the edition's start) or the
    bilingual ``ja``/``en`` message saying how to build it.

    Args:
        request: The request of the instructor page.
        assignment: The resource link's assignment id (None: the edition's start).
    """
    rt: Runtime = request.app.state.rt
    folder = teacher_book_dir(rt)
    if not is_built(folder):
        ja, en = not_built_message(folder)
        return {"built": False, "ja": ja, "en": en}
    url = rt.config.url(f"{PREFIX}/")
    module = next((m for m in rt.catalog.modules if m.assignment == assignment), None)
    if assignment and module is not None:
        guide = rt.catalog.paths(module).teacher_guide.with_suffix(".html").as_posix()
        try:
            if inside(folder, guide).is_file():
                url += quote(guide)
        except ValueError:
            pass
    return {"built": True, "url": url}


def install(app: FastAPI) -> None:
    """Serve the teacher edition in ``app`` and give the templates ``teacher_book``.

    Args:
        app: The tool's FastAPI application.
    """
    templates.env.globals["teacher_book"] = teacher_book_link
    app.include_router(router)
