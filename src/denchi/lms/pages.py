"""Learner and instructor pages: the assignment page with download and upload, feedback (to
its owner and the course's instructors only), and the instructor's submissions view with
re-grade, roster sync, score re-send, zip download and CSV export.

Each route authorizes (:func:`denchi.lms.sessions.authorize`), reads the form, calls a service
(:mod:`denchi.lms.submissions`, :mod:`denchi.lms.roster`, :mod:`denchi.lms.outbox`) and renders
or redirects. A route's :class:`~denchi.lms.sessions.PageError` is rendered by the app's
handler as a bilingual page with its status."""

from __future__ import annotations

import nbformat
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from denchi.grading.quiz import Question
from denchi.grading.spreadsheet import csv_text
from denchi.lms import outbox, roster, submissions, webform
from denchi.lms.runtime import Runtime
from denchi.lms.services import ServiceError
from denchi.lms.sessions import (
    SECURITY_HEADERS,
    Access,
    PageError,
    authorize,
    check_csrf,
    current_session,
    render,
)
from denchi.lms.uploads import UploadLimits, read_notebook, too_large

router = APIRouter()
# The feedback page is the student's own notebook rendered by nbconvert: show it in a sandbox
# (no scripts, no requests to anywhere), so that nothing in a notebook can act in the tool.
FEEDBACK_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _rt(request: Request) -> Runtime:
    return request.app.state.rt


def _learner_page(
    request: Request, access: Access, message: str = "", error: bool = False, status: int = 200
) -> Response:
    rt = _rt(request)
    link = access.link
    module = next((m for m in rt.catalog.modules if m.assignment == link.target), None)
    views = submissions.learner_rows(rt, link.id, access.session.user_id)
    template_values = {"assignment": link.target}
    return render(
        request,
        "learner.html",
        status=status,
        link=link,
        module=module,
        user=access.session.user,
        notebooks=rt.grader.notebook_names(link.target),
        jupyterhub=rt.config.jupyterhub_url.format(**template_values),
        jupyterlite=rt.config.jupyterlite_url.format(**template_values),
        web_form=offers_form(rt, link.target),
        csrf=access.session.csrf_token,
        max_mb=f"{rt.config.max_upload_bytes / 1e6:g}",
        submissions=views,
        pending=any(v["status"] in ("queued", "grading") for v in views),
        message=message,
        message_error=error,
    )


@router.get("/r/{link_id}")
def resource(request: Request, link_id: int) -> Response:
    """``GET /r/<link>``: a page link goes to the book page, an instructor to the instructor
    page, a learner sees the assignment page (with notes after a hand-in).

    Args:
        request: The browser's request.
        link_id: The resource link's row id.

    Raises:
        PageError: the session or the link is refused (:func:`authorize`).
    """
    rt = _rt(request)
    access = authorize(rt, request, link_id, instructor=False)
    if access.link.kind == "page":
        return RedirectResponse(f"{rt.config.book_url.rstrip('/')}/{access.link.target}.html")
    if access.role == "instructor":
        return RedirectResponse(rt.config.url(f"/instructor/{link_id}"), status_code=303)
    message = ""
    if request.query_params.get("sent") == "1":
        message = "提出しました。採点が終わるとここに点数が出ます。"
    if request.query_params.get("cleared") == "1":
        mb = f"{rt.config.max_output_bytes / 1e6:g}"
        message += (
            f"出力が大きかった（{mb} MB より大きい）ので、出力を消して保存しました。採点では"
            "ノートブックを最初から実行し直すので、点数は変わりません。（Your outputs were over"
            f" {mb} MB, so they were cleared when the notebook was stored; grading runs the"
            " notebook again from the start, so your score does not change.）"
        )
    return _learner_page(request, access, message)


@router.get("/r/{link_id}/download/{name}")
def download(request: Request, link_id: int, name: str) -> Response:
    """``GET /r/<link>/download/<name>``: the student version of one notebook.

    Args:
        request: The browser's request.
        link_id: The resource link's row id.
        name: The notebook's file name (only the assignment's own are served).

    Raises:
        PageError: the session or the link is refused (:func:`authorize`), or 404 (code
            ``download``) for a name that is not one of the assignment's notebooks.
    """
    rt = _rt(request)
    access = authorize(rt, request, link_id, instructor=False)
    try:
        path = rt.grader.release_notebook(access.link.target, name)
    except KeyError as exc:
        raise PageError("download", "そのファイルはありません。", "No such file.", 404) from exc
    return FileResponse(path, filename=name, media_type="application/x-ipynb+json")


def _learner(rt: Runtime, request: Request, link_id: int) -> Access:
    """The access of a learner who may hand in to an assignment's link.

    Raises:
        PageError: refused by :func:`authorize`; 400 (``upload``) for a page's link; 403
            (``role``) for anyone but a learner.
    """
    access = authorize(rt, request, link_id, instructor=False)
    if access.link.kind != "assignment":
        raise PageError("upload", "提出できないページです。", "Nothing to submit here.", 400)
    if access.role != "learner":
        raise PageError(
            "role",
            "提出できるのは学習者だけです（メンター・保護者などの立場では提出できません）。",
            "Only learners submit here (not mentors or observers).",
            403,
        )
    return access


async def _bounded(request: Request, limit: int) -> Request | None:
    """The request with its body (a notebook of up to ``limit`` bytes and the form around it)
    read into memory; None (the caller refuses it with a 413) as soon as it is too large: with
    a Content-Length before anything is read, with chunked transfer while it arrives, so that
    no oversized body is ever spooled to disk."""
    most = limit + 64_000
    if int(request.headers.get("content-length") or 0) > most:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > most:
            return None

    async def replay() -> dict:
        return {"type": "http.request", "body": bytes(body), "more_body": False}

    return Request(request.scope, replay)


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return data


@router.post("/r/{link_id}/submit")
async def submit(request: Request, link_id: int) -> Response:
    """``POST /r/<link>/submit``: a learner hands in a notebook (at most ``max_upload_bytes``);
    a refused notebook is shown on the learner's page with the reason, a stored one is
    queued for grading.

    Args:
        request: The browser's multipart form (``csrf``, ``notebook``).
        link_id: The resource link's row id.

    Raises:
        PageError: the session or the link is refused (:func:`authorize`); 400 (``upload``)
            for a page link or no file; 403 (``role``) for anyone but a learner; 413
            (``upload``) for a body over the limit; 403 (``csrf``) for a stale form.
    """
    rt = _rt(request)
    limit = rt.config.max_upload_bytes
    access = _learner(rt, request, link_id)
    if (bounded := await _bounded(request, limit)) is None:
        raise too_large(limit)
    form = await bounded.form(max_files=1, max_fields=5)
    check_csrf(access.session, form.get("csrf"))
    upload = form.get("notebook")
    if not isinstance(upload, UploadFile):
        raise PageError("upload", "ファイルを選んでください。", "Choose a file.", 400)
    try:
        data = await _read_limited(upload, limit)
        name = submissions.notebook_name(rt, access.link)
        source = rt.grader.source_notebook(access.link.target, name)
        received = await run_in_threadpool(
            read_notebook, data, source, access.link.target, UploadLimits.of(rt.config)
        )
    except PageError as exc:
        return _learner_page(request, access, f"{exc.ja}（{exc.en}）", True, exc.status)
    await run_in_threadpool(
        submissions.store,
        rt,
        access.session.user_id,
        access.link,
        received.notebook,
        upload.filename or "",
        len(data),
    )
    rt.queue.submitted()
    cleared = "&cleared=1" if received.cleared_output_bytes else ""
    return RedirectResponse(rt.config.url(f"/r/{link_id}?sent=1{cleared}"), status_code=303)


def offers_form(rt: Runtime, assignment: str) -> bool:
    """Whether the assignment is offered as a web form: an intro-track module's
    (:data:`denchi.lms.webform.FORM_TRACK`), with one notebook.

    Args:
        rt: The tool instance (its catalog and grader).
        assignment: An assignment id.
    """
    module = next((m for m in rt.catalog.modules if m.assignment == assignment), None)
    return (
        module is not None
        and module.track == webform.FORM_TRACK
        and len(rt.grader.notebook_names(assignment)) == 1
    )


NO_FORM = (
    "この課題はブラウザのフォームでは答えられません。ノートブックで答えて提出してください。",
    "This assignment has no web form; answer it in the notebook and upload that.",
)
FORM_TOO_LARGE = (
    "送られたフォームが大きすぎます。答えを短くして、もう一度送ってください。",
    "The form sent is too large; shorten the answers and send it again.",
)


async def _form_access(request: Request, link_id: int) -> tuple[Runtime, Access, list[Question]]:
    """A learner's access to the web form of a link, and the assignment's questions.

    Raises:
        PageError: refused by :func:`_learner`; 404 (``form``) for an assignment without a
            web form.
    """
    rt = _rt(request)
    access = _learner(rt, request, link_id)
    if not offers_form(rt, access.link.target):
        raise PageError("form", *NO_FORM, status=404)
    questions = await run_in_threadpool(rt.grader.questions, access.link.target)
    return rt, access, questions


def _form_page(
    request: Request,
    access: Access,
    questions: list[Question],
    answers: webform.FormAnswers | None = None,
    status: int = 200,
) -> Response:
    rt = _rt(request)
    link = access.link
    module = next((m for m in rt.catalog.modules if m.assignment == link.target), None)
    return render(
        request,
        "webform.html",
        status=status,
        link=link,
        module=module,
        questions=questions,
        field_name=webform.field_name,
        field_kind=webform.field_kind,
        figure_src=webform.figure_src,
        max_chars=webform.MAX_FIELD_CHARS,
        typed=answers.typed if answers else {},
        errors=answers.errors if answers else {},
        csrf=access.session.csrf_token,
    )


@router.get("/r/{link_id}/form")
async def answer_form(request: Request, link_id: int) -> Response:
    """``GET /r/<link>/form``: the intro assignment's questions as a web form
    (:mod:`denchi.lms.webform`).

    Args:
        request: The browser's request.
        link_id: The resource link's row id.

    Raises:
        PageError: refused by :func:`_form_access` (a learner of an intro assignment only).
    """
    _, access, questions = await _form_access(request, link_id)
    return _form_page(request, access, questions)


@router.post("/r/{link_id}/form")
async def submit_form(request: Request, link_id: int) -> Response:
    """``POST /r/<link>/form``: the web form's answers become the released notebook with each
    answer cell set to the parsed values (:func:`denchi.lms.webform.form_notebook`), stored and
    queued exactly like an upload. A field that cannot be read shows the form again (400) with
    every typed answer kept and the reason beside the field; nothing is stored then.

    Args:
        request: The browser's form (``csrf``, ``answer-<grade_id>`` per question).
        link_id: The resource link's row id.

    Raises:
        PageError: refused by :func:`_form_access`; 413 (``form``) for a body over
            :data:`denchi.lms.webform.MAX_FORM_BYTES`; 403 (``csrf``) for a stale form.
    """
    rt, access, questions = await _form_access(request, link_id)
    if (bounded := await _bounded(request, webform.MAX_FORM_BYTES)) is None:
        raise PageError("form", *FORM_TOO_LARGE, status=413)
    form = await bounded.form(max_files=0, max_fields=len(questions) + 4)
    check_csrf(access.session, form.get("csrf"))
    answers = webform.read_form(questions, form)
    if answers.errors:
        return _form_page(request, access, questions, answers, status=400)
    name = submissions.notebook_name(rt, access.link)
    release = await run_in_threadpool(rt.grader.release_notebook, access.link.target, name)
    notebook = webform.form_notebook(release, questions, answers.values)
    await run_in_threadpool(
        submissions.store,
        rt,
        access.session.user_id,
        access.link,
        notebook,
        webform.FORM_FILENAME,
        len(nbformat.writes(notebook).encode()),
    )
    rt.queue.submitted()
    return RedirectResponse(rt.config.url(f"/r/{link_id}?sent=1"), status_code=303)


@router.get("/submissions/{submission_id}/feedback")
def feedback(request: Request, submission_id: str) -> Response:
    """``GET /submissions/<id>/feedback``: nbgrader's feedback page of a submission, to its
    owner and the course's instructors only, in a sandbox (``FEEDBACK_CSP``).

    Args:
        request: The browser's request.
        submission_id: The submission's id.

    Raises:
        PageError: 401 (``session``) without a session; 404 (``forbidden``) for no such
            submission; 403 for someone else's unless an instructor of its course; 404
            (``feedback``) before grading.
    """
    rt = _rt(request)
    session = current_session(rt, request)
    owner, link_id, html = submissions.feedback_of(rt, submission_id, session.user_id)
    if not owner:
        if link_id is None:
            raise PageError("forbidden", "見つかりません。", "Not found.", 404)
        authorize(rt, request, link_id, instructor=True)
    if not html:
        raise PageError("feedback", "まだ採点されていません。", "Not graded yet.", 404)
    headers = SECURITY_HEADERS | {"Content-Security-Policy": FEEDBACK_CSP}
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)


@router.get("/instructor/{link_id}")
def instructor(request: Request, link_id: int, message: str = "") -> Response:
    """``GET /instructor/<link>``: the class list of a resource link, with its actions.

    Args:
        request: The browser's request.
        link_id: The resource link's row id.
        message: A note after an action (from the redirect's query).

    Raises:
        PageError: the session or the link is refused, or the user is not an instructor of
            the course (:func:`authorize`).
    """
    rt = _rt(request)
    access = authorize(rt, request, link_id, instructor=True)
    return render(
        request,
        "instructor.html",
        link=access.link,
        context_title=access.link.context.title,
        csrf=access.session.csrf_token,
        rows=submissions.class_list(rt, access.link),
        message=message,
    )


async def _instructor_form(request: Request, link_id: int) -> tuple[Runtime, Access, dict]:
    rt = _rt(request)
    access = authorize(rt, request, link_id, instructor=True)
    form = await request.form(max_files=0, max_fields=5)
    check_csrf(access.session, form.get("csrf"))
    return rt, access, {k: str(v) for k, v in form.items()}


def _back(rt: Runtime, link_id: int, message: str) -> Response:
    from urllib.parse import quote

    return RedirectResponse(
        rt.config.url(f"/instructor/{link_id}?message={quote(message)}"), status_code=303
    )


@router.post("/instructor/{link_id}/regrade")
async def regrade(request: Request, link_id: int) -> Response:
    """``POST /instructor/<link>/regrade``: queue the latest submissions (or the form's
    ``submission``) for grading again.

    Args:
        request: The instructor's form (``csrf``, optional ``submission``).
        link_id: The resource link's row id.

    Raises:
        PageError: refused by :func:`authorize` (instructors only) or a stale form (``csrf``,
            403).
    """
    rt, _access, form = await _instructor_form(request, link_id)
    count = submissions.regrade(rt, link_id, form.get("submission"))
    rt.queue.submitted()
    return _back(rt, link_id, f"{count} 件を再採点に回しました。")


@router.post("/instructor/{link_id}/roster")
async def sync(request: Request, link_id: int) -> Response:
    """``POST /instructor/<link>/roster``: fetch the course's members through NRPS; a
    failed call is reported on the instructor page.

    Args:
        request: The instructor's form (``csrf``).
        link_id: The resource link's row id.

    Raises:
        PageError: refused by :func:`authorize` (instructors only) or a stale form (``csrf``,
            403).
    """
    rt, access, _ = await _instructor_form(request, link_id)
    try:
        count = await run_in_threadpool(roster.sync_roster, rt, access.link.context_id)
    except ServiceError as exc:
        return _back(rt, link_id, f"名簿を取得できませんでした（{exc}）")
    return _back(rt, link_id, f"LMS の名簿を同期しました（{count} 人）。")


@router.post("/instructor/{link_id}/resend")
async def resend(request: Request, link_id: int) -> Response:
    """``POST /instructor/<link>/resend``: scores that failed to reach the LMS are due again.

    Args:
        request: The instructor's form (``csrf``).
        link_id: The resource link's row id.

    Raises:
        PageError: refused by :func:`authorize` (instructors only) or a stale form (``csrf``,
            403).
    """
    rt, _access, _ = await _instructor_form(request, link_id)
    count = outbox.retry_failed(rt.db, link_id)
    rt.queue.scores_enqueued()
    return _back(rt, link_id, f"{count} 件の点数を再送します。")


@router.get("/instructor/{link_id}/submissions.zip")
def download_all(request: Request, link_id: int) -> Response:
    """``GET /instructor/<link>/submissions.zip``: every learner's latest notebook.

    Args:
        request: The browser's request.
        link_id: The resource link's row id.

    Raises:
        PageError: refused by :func:`authorize` (instructors only); 404 (``notebook``) for a
            page's link or an assignment without notebooks now
            (:func:`denchi.lms.submissions.latest_zip`).
    """
    rt = _rt(request)
    access = authorize(rt, request, link_id, instructor=True)
    filename = f"{access.link.target}-submissions.zip"
    return Response(
        submissions.latest_zip(rt, access.link),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/instructor/{link_id}/grades.csv")
def grades_csv(request: Request, link_id: int) -> Response:
    """Scores of the latest submissions for LMSs without LTI 1.3 (UTF-8 with BOM for Excel).

    Args:
        request: The browser's request.
        link_id: The resource link's row id.

    Raises:
        PageError: refused by :func:`authorize` (instructors only).
    """
    rt = _rt(request)
    access = authorize(rt, request, link_id, instructor=True)
    filename = f"{access.link.target}-grades.csv"
    return Response(
        csv_text(submissions.GRADE_COLUMNS, submissions.grade_rows(rt, access.link)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
