"""The tool's LTI endpoints: JWKS, OIDC login initiation, launch, deep linking, registration,
health.

Routes parse the request, call a service and render or redirect: a validated launch is
recorded by :mod:`denchi.lms.launches`, deep linking is :mod:`denchi.lms.deep_linking`, the
health checks are :mod:`denchi.lms.health`. Learner and instructor pages are in
:mod:`denchi.lms.pages`; both use the session helpers of :mod:`denchi.lms.sessions`.
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import anyio.to_thread
from fastapi import FastAPI, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)

from denchi.lms import (
    deep_linking,
    handoff,
    health,
    launches,
    login_states,
    lti,
    metrics,
    platform_storage,
    registration,
)
from denchi.lms.login_states import LOGIN_TTL, PendingLogin
from denchi.lms.runtime import Runtime
from denchi.lms.sessions import (
    PageError,
    check_csrf,
    clear_cookie,
    current_session,
    render,
    set_cookie,
)
from denchi.lms.store import token_hash
from denchi.lms.untrusted import same_secret

STATE_COOKIE = "denchi_lti_state"


def _state_cookie(state: str) -> str:
    return f"{STATE_COOKIE}_{token_hash(state)[:16]}"


# the login initiation's parameters a new window needs to start the same login again
LOGIN_KEYS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id",
              "lti_deployment_id")  # fmt: skip


def _auth_url(rt: Runtime, login: PendingLogin, params: dict) -> str:
    """The OIDC authentication request to the platform (1EdTech Security Framework 5.1.1.2)."""
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": login.platform.client_id,
        "redirect_uri": rt.config.url("/lti/launch"),
        "login_hint": params["login_hint"],
        "state": login.state,
        "nonce": login.nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    return f"{login.auth_login_url}?{urlencode(query)}"


def _login(rt: Runtime, request: Request, params: dict) -> Response:
    """Answer an OIDC login initiation with the state in a cookie and then either

    - a redirect to the login's test request ``/lti/login/check``, which goes on to the
      platform's authorization endpoint when the cookie came back and otherwise offers to start
      the login again in a new window (:mod:`denchi.lms.handoff`), or,
    - when the platform offers its storage (``lti_storage_target``), a page that first puts
      state and nonce there (:mod:`denchi.lms.platform_storage`) and then goes to the
      authorization endpoint; the launch uses the cookie if it comes back, else the storage.
    """
    for required in ("iss", "login_hint", "target_link_uri"):
        if not params.get(required):
            raise PageError(
                "login",
                f"ログイン要求に {required} がありません。",
                f"The login initiation lacks {required}.",
                status=400,
            )
    frame = platform_storage.storage_target(params.get("lti_storage_target"))
    state = platform_storage.new_state(frame is not None)
    pending = login_states.begin(rt, state, params["iss"], params.get("client_id"))
    target = _auth_url(rt, pending, params)
    login = urlencode({k: params[k] for k in LOGIN_KEYS if params.get(k)})
    check = rt.config.url("/lti/login/check?" + urlencode({"state": state, "login": login}))
    response: Response = RedirectResponse(check, status_code=302)
    if frame is not None:
        response = render(
            request,
            "platform_storage.html",
            title="LMS に接続しています / Connecting to the LMS",
            mode="put",
            action=target,
            next=target,
            fields={},
            origin=platform_storage.origin(pending.auth_login_url),
            target=frame,
            items=platform_storage.stored_items(state, pending.nonce),
            failed_ja=platform_storage.FAILED[0],
            failed_en=platform_storage.FAILED[1],
            script=platform_storage.SCRIPT_PATH,
        )
    set_cookie(response, rt.config, _state_cookie(state), state, int(LOGIN_TTL.total_seconds()))
    return response


def _check_state(rt: Runtime, request: Request, state: str) -> PendingLogin:
    lti.check_state(state, request.cookies.get(_state_cookie(state)) if state else None)
    return login_states.pending(rt, state)


DISK_FULL = (
    "サーバーのディスクがいっぱいのため、処理できませんでした（提出は保存されていません）。"
    "しばらくしてからもう一度試してください。続くときは先生か管理者に伝えてください。",
    "The server's disk is full, so this could not be done (nothing was saved); try again"
    " later, and tell your teacher or administrator if it goes on.",
)
SERVER_ERROR = (
    "サーバーで思わぬエラーが起きました。しばらくしてからもう一度試してください。",
    "The server met an unexpected error; please try again later.",
)


def create_app(rt: Runtime) -> FastAPI:
    """The FastAPI application of one tool instance.

    Args:
        rt: The tool instance the routes serve (its queue starts and stops with the app).
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # sync routes run in anyio's default threadpool (Starlette, "Thread Pool": 40 tokens
        # unless set); the database pool is sized to the same number (runtime.connections)
        anyio.to_thread.current_default_thread_limiter().total_tokens = rt.config.web_threads
        rt.queue.start()
        if rt.config.prepare_web_forms:
            from denchi.lms.pages import offers_form

            forms = [a for a in rt.grader.assignments if offers_form(rt, a)]
            threading.Thread(
                target=rt.grader.warm, args=(sorted(forms),), name="forms", daemon=True
            ).start()
        yield
        rt.queue.stop()

    app = FastAPI(title="denchi LTI tool", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.rt = rt

    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError) -> Response:
        return render(
            request,
            "error.html",
            status=exc.status,
            title_ja="開けませんでした",
            ja=exc.ja,
            en=exc.en,
            code=exc.code,
        )

    @app.exception_handler(lti.LaunchError)
    async def launch_error(request: Request, exc: lti.LaunchError) -> Response:
        return await page_error(request, PageError(exc.code, exc.ja, exc.en, exc.status))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        """Never a bare "Internal Server Error": the bilingual page, and on a full disk a page
        that says so (the traceback still goes to the server log)."""
        if health.disk_full(exc):
            error = PageError("disk_full", *DISK_FULL, status=503)
        else:
            error = PageError("server", *SERVER_ERROR, status=500)
        return await page_error(request, error)

    # /health runs its checks on a thread of its own, not in the web threads' pool: during
    # a class's burst of launches all those threads may be busy, and a monitor or load
    # balancer that waits for one would see a slow (or dead) tool that is only busy; and
    # at most once a second (health.Recent), so that many probes at once sync one file
    health_thread = anyio.CapacityLimiter(1)
    recent_health = health.Recent()

    @app.get("/health")
    async def health_report() -> JSONResponse:
        """200 when the database answers and the data folder takes a write; else 503 and
        which check failed (for a monitor or a load balancer); at most 1 s old."""
        checks = await anyio.to_thread.run_sync(recent_health.checks, rt, limiter=health_thread)
        ok = all(value == "ok" for value in checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "error", "checks": checks}, status_code=200 if ok else 503
        )

    @app.get("/metrics")
    def metrics_report(request: Request) -> Response:
        """The Prometheus metrics (:mod:`denchi.lms.metrics`): 404 when ``metrics_token`` is
        not set, 401 without ``Authorization: Bearer <metrics_token>``."""
        if not rt.config.metrics_token:
            return Response("Not Found", status_code=404, media_type="text/plain")
        if not metrics.allowed(rt.config, request.headers.get("authorization")):
            return Response(
                "metrics_token required",
                status_code=401,
                media_type="text/plain",
                headers={"WWW-Authenticate": 'Bearer realm="denchi-metrics"'},
            )
        return Response(metrics.exposition(rt.db), media_type=metrics.CONTENT_TYPE)

    @app.get("/lti/jwks")
    @app.get("/.well-known/jwks.json")
    def jwks() -> JSONResponse:
        return JSONResponse(rt.keys.jwks(), headers={"Cache-Control": "max-age=300"})

    @app.get("/lti/login")
    def login_get(request: Request) -> Response:
        return _login(rt, request, dict(request.query_params))

    @app.post("/lti/login")
    async def login_post(request: Request) -> Response:
        """The login initiation as Moodle sends it (a form POST); the form is read here, the
        database work runs in the threadpool like every sync route's (never in the event
        loop, which would hold up every other request)."""
        form = await request.form()
        return await run_in_threadpool(_login, rt, request, {k: str(v) for k, v in form.items()})

    @app.get("/lti/login/check")
    def login_check(request: Request, state: str = "", login: str = "") -> Response:
        """The test request of a login: on to the platform when the state cookie came back,
        else the page whose button starts the same login in a new (first-party) window."""
        params = dict(parse_qsl(login))
        params = {k: params[k] for k in LOGIN_KEYS if params.get(k)}
        pending = login_states.pending(rt, state)
        if not same_secret(request.cookies.get(_state_cookie(state)), state):
            return handoff.blocked_page(request, rt.config.url("/lti/login?" + urlencode(params)))
        if not params.get("login_hint"):
            raise PageError(
                "login",
                "ログイン要求に login_hint がありません。",
                "The login initiation lacks login_hint.",
                status=400,
            )
        return RedirectResponse(_auth_url(rt, pending, params), 302)

    @app.get(platform_storage.SCRIPT_PATH)
    def platform_storage_script() -> FileResponse:
        return FileResponse(
            Path(__file__).parent / "static" / "platform_storage.js",
            media_type="text/javascript",
            headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    @app.post("/lti/launch")
    def launch(
        request: Request,
        id_token: str = Form(""),
        state: str = Form(""),
        lti_storage_target: str = Form(""),
    ) -> Response:
        """The platform's launch. The state cookie checks it where it came back; a login begun
        with platform storage whose cookie did not come back gets the page that reads state and
        nonce from the platform's storage and continues at ``/lti/launch/storage``."""
        if platform_storage.uses_storage(state) and not request.cookies.get(_state_cookie(state)):
            return _storage_check_page(request, id_token, state, lti_storage_target)
        return _finish_launch(_check_state(rt, request, state), id_token, state)

    def _storage_check_page(request: Request, id_token: str, state: str, frame: str) -> Response:
        login = login_states.pending(rt, state)
        response = render(
            request,
            "platform_storage.html",
            title="LMS に確認しています / Checking with the LMS",
            mode="get",
            action=rt.config.url("/lti/launch/storage"),
            next="",
            fields={"id_token": id_token, "state": state, "stored_state": "", "stored_nonce": ""},
            origin=platform_storage.origin(login.auth_login_url),
            target=platform_storage.storage_target(frame) or "",
            items=platform_storage.fetched_items(state, login.nonce),
            failed_ja=platform_storage.FAILED[0],
            failed_en=platform_storage.FAILED[1],
            script=platform_storage.SCRIPT_PATH,
        )
        # the continuation must carry this page's Origin (a no-referrer page would send "null")
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    @app.post("/lti/launch/storage")
    def launch_from_storage(
        request: Request,
        id_token: str = Form(""),
        state: str = Form(""),
        stored_state: str = Form(""),
        stored_nonce: str = Form(""),
    ) -> Response:
        """The continuation of a launch whose state was checked by platform storage."""
        login = login_states.pending(rt, state)
        platform_storage.check(request, rt.config, state, login.nonce, stored_state, stored_nonce)
        return _finish_launch(login, id_token, state)

    def _finish_launch(login: PendingLogin, id_token: str, state: str) -> Response:
        claims = lti.validate_id_token(
            id_token, login.platform, login.nonce, rt.jwks, leeway_s=rt.config.clock_leeway_s
        )
        landing = launches.record_launch(rt, login.platform_id, claims, state=state)
        check = handoff.check_url(rt.config, landing.handoff, landing.path)
        response = RedirectResponse(check, status_code=303)
        clear_cookie(response, rt.config, _state_cookie(state))
        set_cookie(
            response,
            rt.config,
            "denchi_session",
            landing.session_token,
            rt.config.session_hours * 3600,
        )
        return response

    @app.get("/lti/deep-link", response_class=HTMLResponse)
    def deep_link_picker(
        request: Request, request_id: str = Query("", alias="request")
    ) -> Response:
        session = current_session(rt, request)
        row = deep_linking.pending_request(rt, session.id, request_id)
        settings = deep_linking.settings(row)
        return render(
            request,
            "deep_link.html",
            action=rt.config.url("/lti/deep-link"),
            csrf=session.csrf_token,
            request_id=request_id,
            groups=deep_linking.options(rt),
            multiple=settings.get("accept_multiple", True),
        )

    @app.post("/lti/deep-link", response_class=HTMLResponse)
    async def deep_link_answer(request: Request) -> Response:
        form = await request.form()
        session = current_session(rt, request)
        row = deep_linking.pending_request(rt, session.id, str(form.get("request_id", "")))
        check_csrf(session, form.get("csrf"))
        values = [str(v) for v in form.getlist("item")]
        action, jwt_value = await run_in_threadpool(deep_linking.response, rt, row, values)
        return render(
            request,
            "autopost.html",
            title="LMS に戻ります",
            action=action,
            fields={"JWT": jwt_value},
        )

    @app.get("/lti/register/{token}", response_class=HTMLResponse)
    def register(request: Request, token: str, openid_configuration: str = "") -> Response:
        if not openid_configuration:
            raise PageError(
                "register",
                "この URL は LMS の「ツールを登録」画面に貼り付けて使います。",
                "Paste this URL into the LMS's tool registration page.",
                status=400,
            )
        try:
            registered = registration.register_with_token(
                rt.db,
                rt.config,
                token,
                openid_configuration,
                request.query_params.get("registration_token"),
                rt.config.http_timeout_s,
            )
        except registration.RegistrationError as exc:
            ja, _, en = str(exc).partition("\n")
            raise PageError("register", ja, en, status=502) from exc
        if registered is None:
            raise PageError(
                "register",
                "登録用 URL が正しくないか、使用済みか、期限切れです。"
                "`denchi lms registration-url` で新しい URL を作ってください。",
                "The registration URL is wrong, used or expired; make a new one with "
                "`denchi lms registration-url`.",
                status=403,
            )
        issuer = openid_configuration.split("/.well-known")[0]
        return render(request, "registered.html", issuer=issuer)

    from denchi.lms import book_site
    from denchi.lms.pages import router

    app.include_router(router)
    app.include_router(handoff.router)
    book_site.install(app)
    return app
