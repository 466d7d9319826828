"""An LTI 1.3 platform (a small LMS) for the tests: its own RSA keys and JWKS, OIDC
authorization, OAuth2 token endpoint (checks the tool's signed assertion against the tool's
JWKS), AGS line items and scores, NRPS memberships with paging, the deep-linking return
endpoint (checks the tool's signed response) and LTI dynamic registration.

It is served for real (uvicorn on 127.0.0.1) so that the tool talks to it over HTTP exactly as
it would talk to Moodle.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache

import jwt
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


def rsa_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@lru_cache(maxsize=32)
def loaded(pem: str) -> rsa.RSAPrivateKey:
    """The key of a PEM text, parsed once: parsing takes ~150 ms, signing with it ~2 ms, and
    the emulator and the tests sign hundreds of tokens (so they measure the tool, not this)."""
    key = serialization.load_pem_private_key(pem.encode(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def jwk_of(pem: str, kid: str) -> dict:
    public = loaded(pem).public_key()
    return {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public)), "kid": kid, "alg": "RS256"}


@dataclass
class Person:
    sub: str
    name: str
    role: str = "Learner"  # or Instructor

    @property
    def email(self) -> str:
        return f"{self.sub}@school.example"


@dataclass
class Course:
    id: str
    title: str
    members: list[Person] = field(default_factory=list)
    links: dict[str, dict] = field(default_factory=dict)  # resource link id -> content item
    lineitems: dict[str, dict] = field(default_factory=dict)  # lineitem id -> line item


def serve(app, sock: socket.socket) -> tuple[uvicorn.Server, threading.Thread]:
    """Run an ASGI app with uvicorn in a thread on an already bound socket."""
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a loaded CI machine can take seconds to start it
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.01)
    return server, thread


def bound_socket() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class Platform:
    """The emulated LMS. Tests drive it and read what it received."""

    def __init__(self, moodle_type_id: int | None = None) -> None:
        # Moodle's service URLs: /mod/lti/services.php/<course>/lineitems?type_id=N, the line
        # item .../lineitems/<id>/lineitem?type_id=N; a request without type_id gets 401
        self.type_id = moodle_type_id
        self.services = "/mod/lti/services.php" if moodle_type_id is not None else ""
        self.service_requests: list[str] = []  # every AGS/NRPS URL the tool requested
        self.sock = bound_socket()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.issuer = self.url
        self.client_id = "denchi-client-1"
        self.deployment_id = "deployment-1"
        self.keys = {"platform-key-1": rsa_key()}
        self.kid = "platform-key-1"
        self.tool_jwks_url: str | None = None
        self.courses: dict[str, Course] = {}
        self.hints: dict[str, dict] = {}
        self.scores: list[dict] = []  # every score the platform accepted
        self.score_failures = 0  # answer 503 to score posts while > 0 (counts down)
        self.score_down = False  # answer 503 to every score post
        self.score_delay_s = 0.0  # a slow LMS: each score post answers after this long
        self.token_html = False  # the token endpoint answers an HTML page with status 200
        # score posts answer a page instead of being recorded: "redirect" (302 to a login
        # page, as a session-expired LMS or SSO proxy does) or "html" (a page with status 200)
        self.score_page: str | None = None
        self.tokens: dict[str, list[str]] = {}
        self.deep_link_items: list[dict] = []
        self.registration_token = "reg-token-" + secrets.token_hex(4)
        self.registered: list[dict] = []
        # a broken LMS: answers that replace the JSON of the OpenID configuration, the
        # registration endpoint or the memberships service (None: the right answer)
        self.openid_answer: object = None
        self.registration_answer: object = None
        self.members_answer: object = None
        self.page_size = 2
        # the platform's storage frame (lti-pm-s): values by the origin that put them, and key
        self.storage: dict[tuple[str, str], str] = {}
        self.storage_frame = "lti_storage_frame"
        self.auth_form = False  # /auth answers as Moodle does (an auto-posting form), for browsers
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.app = self._build()

    # ---------------------------------------------------------------- helpers for tests
    def start(self) -> None:
        self.server, self.thread = serve(self.app, self.sock)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def course(self, course_id: str, *people: Person) -> Course:
        course = self.courses.setdefault(course_id, Course(course_id, f"電池の授業 {course_id}"))
        course.members += [p for p in people if p not in course.members]
        return course

    def _query(self) -> str:
        return "" if self.type_id is None else f"?type_id={self.type_id}"

    def lineitems_url(self, course_id: str) -> str:
        return f"{self.url}{self.services}/lineitems/{course_id}{self._query()}"

    def lineitem_url(self, course_id: str, lineitem_id: str) -> str:
        tail = "/lineitem" if self.type_id is not None else ""
        return f"{self.url}{self.services}/lineitems/{course_id}/{lineitem_id}{tail}{self._query()}"

    def memberships_url(self, course_id: str, page: int = 0) -> str:
        url = f"{self.url}{self.services}/memberships/{course_id}{self._query()}"
        return url + ("&" if "?" in url else "?") + f"page={page}" if page else url

    @property
    def origin(self) -> str:
        """The origin of the OIDC authorization endpoint, which answers storage messages."""
        return self.url

    def put_data(self, sender_origin: str, key: str, value: str) -> None:
        """``lti.put_data`` as the storage frame handles it: kept under the sender's origin."""
        self.storage[(sender_origin, key)] = value

    def get_data(self, sender_origin: str, key: str) -> str | None:
        """``lti.get_data``: only what the same origin put (None: the frame answers an error)."""
        return self.storage.get((sender_origin, key))

    def rotate_key(self) -> str:
        self.kid = f"platform-key-{len(self.keys) + 1}"
        self.keys[self.kid] = rsa_key()
        return self.kid

    def base_claims(self, person: Person, course: Course, nonce: str) -> dict:
        now = int(time.time())
        return {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": person.sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **self.person_claims(person),
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "roles": [ROLE + person.role],
            LTI + "context": {"id": course.id, "title": course.title},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": self.memberships_url(course.id),
                "service_versions": ["2.0"],
            },
        }

    @staticmethod
    def person_claims(person: Person) -> dict:
        """Name and e-mail claims; none for a person whose LMS withholds them (name "")."""
        if not person.name:
            return {}
        return {
            "name": person.name,
            "given_name": person.name.split()[-1],
            "family_name": person.name.split()[0],
            "email": person.email,
        }

    def deep_link_hint(
        self, person: Person, course: Course, multiple: bool = True, **settings
    ) -> str:
        """A deep-linking launch; ``settings`` override deep_linking_settings entries."""
        return self._hint(
            person, course, "LtiDeepLinkingRequest", None, multiple=multiple, settings=settings
        )

    def launch_hint(self, person: Person, course: Course, link_id: str) -> str:
        return self._hint(person, course, "LtiResourceLinkRequest", link_id)

    def _hint(self, person, course, message_type, link_id, **extra) -> str:
        hint = secrets.token_hex(8)
        self.hints[hint] = {
            "person": person,
            "course": course,
            "type": message_type,
            "link": link_id,
            **extra,
        }
        return hint

    def id_token_claims(self, hint: str, nonce: str) -> dict:
        data = self.hints[hint]
        person, course = data["person"], data["course"]
        claims = self.base_claims(person, course, nonce)
        claims[LTI + "message_type"] = data["type"]
        if data["type"] == "LtiDeepLinkingRequest":
            claims[LTI + "target_link_uri"] = "deep-link"
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": f"{self.url}/deep_link_return/{course.id}",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": data["multiple"],
                "data": "opaque-" + hint,
                **data.get("settings", {}),
            }
        else:
            item = course.links[data["link"]]
            claims[LTI + "target_link_uri"] = item["url"]
            claims[LTI + "resource_link"] = {"id": data["link"], "title": item["title"]}
            claims[LTI + "custom"] = item.get("custom", {})
            ags = {
                "scope": AGS_SCOPES,
                "lineitems": self.lineitems_url(course.id),
            }
            if item.get("lineitem_id"):
                ags["lineitem"] = self.lineitem_url(course.id, item["lineitem_id"])
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = ags
        return claims

    def sign(self, claims: dict, kid: str | None = None, **kwargs) -> str:
        kid = kid or self.kid
        return jwt.encode(
            claims, loaded(self.keys[kid]), algorithm="RS256", headers={"kid": kid}, **kwargs
        )

    def openid_configuration(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.url}/auth",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "registration_endpoint": f"{self.url}/register",
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", *AGS_SCOPES],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "emulator",
                "version": "1.0",
                "messages_supported": [{"type": "LtiResourceLinkRequest"}],
            },
        }

    def _tool_key(self, token: str) -> jwt.PyJWK:
        kid = jwt.get_unverified_header(token)["kid"]
        return jwt.PyJWKClient(self.tool_jwks_url, cache_keys=False).get_signing_key(kid)

    def _check_bearer(self, request: Request, scope: str) -> None:
        self.service_requests.append(str(request.url))
        if self.type_id is not None and request.query_params.get("type_id") != str(self.type_id):
            raise HTTPException(401, "missing type_id")  # what Moodle answers
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ")
        if scope not in self.tokens.get(token, []):
            raise HTTPException(401, "bad token")

    def scores_for(self, course_id: str, lineitem_id: str | None = None) -> list[dict]:
        return [
            s
            for s in self.scores
            if s["course"] == course_id and (lineitem_id is None or s["lineitem"] == lineitem_id)
        ]

    # ---------------------------------------------------------------- the web app
    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def openid() -> Response:
            answer = self.openid_configuration()
            return JSONResponse(answer if self.openid_answer is None else self.openid_answer)

        @app.get("/jwks")
        def jwks() -> dict:
            return {"keys": [jwk_of(pem, kid) for kid, pem in self.keys.items()]}

        @app.post("/register")
        async def register(request: Request) -> Response:
            if request.headers.get("authorization") != f"Bearer {self.registration_token}":
                raise HTTPException(401, "bad registration token")
            body = await request.json()
            if self.registration_answer is not None:
                return JSONResponse(self.registration_answer)
            self.registered.append(body)
            self.tool_jwks_url = body["jwks_uri"]
            return JSONResponse(
                {
                    **body,
                    "client_id": self.client_id,
                    "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                        **body["https://purl.imsglobal.org/spec/lti-tool-configuration"],
                        "deployment_id": self.deployment_id,
                    },
                }
            )

        @app.get("/auth")
        def auth(request: Request) -> JSONResponse:
            q = request.query_params
            assert q["response_type"] == "id_token" and q["scope"] == "openid"
            assert q["client_id"] == self.client_id and q["prompt"] == "none"
            claims = self.id_token_claims(q["lti_message_hint"], q["nonce"])
            if self.auth_form:
                fields = {"id_token": self.sign(claims), "state": q["state"],
                          "lti_storage_target": self.storage_frame}  # fmt: skip
                inputs = "".join(
                    f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                    for k, v in fields.items()
                )
                return HTMLResponse(
                    f'<form id="f" method="post" action="{html.escape(q["redirect_uri"])}">'
                    f'{inputs}</form><script>document.getElementById("f").submit()</script>'
                )
            return JSONResponse(
                {
                    "action": q["redirect_uri"],
                    "id_token": self.sign(claims),
                    "state": q["state"],
                }
            )

        @app.get("/course-page")
        def course_page(login: str) -> HTMLResponse:
            """A course page with the storage frame and the tool's iframe opened at ``login``."""
            return HTMLResponse(
                f'<iframe name="{self.storage_frame}" src="/storage-frame"></iframe>'
                f'<iframe src="{html.escape(login)}"></iframe>'
            )

        @app.get("/storage-frame")
        def storage_frame() -> HTMLResponse:
            """The storage frame of lti-pm-s: keeps values by the sender's origin."""
            return HTMLResponse(STORAGE_FRAME)

        @app.post("/token")
        def token(
            grant_type: str = Form(),
            client_assertion_type: str = Form(),
            client_assertion: str = Form(),
            scope: str = Form(""),
        ) -> dict:
            if self.token_html:  # e.g. a login page in front of the LMS
                return Response("<html><body><h1>Log in</h1></body></html>", 200,
                                media_type="text/html")  # fmt: skip
            assert grant_type == "client_credentials"
            assert client_assertion_type.endswith("jwt-bearer")
            try:
                claims = jwt.decode(
                    client_assertion,
                    self._tool_key(client_assertion),
                    algorithms=["RS256"],
                    audience=f"{self.url}/token",
                )
            except jwt.PyJWTError as exc:
                raise HTTPException(401, f"bad client assertion: {exc}") from exc
            if claims["iss"] != self.client_id or claims["sub"] != self.client_id:
                raise HTTPException(401, "wrong client")
            access = secrets.token_hex(16)
            self.tokens[access] = scope.split()
            return {"access_token": access, "token_type": "Bearer", "expires_in": 3600}

        @app.post("/deep_link_return/{course_id}")
        def deep_link_return(course_id: str, JWT: str = Form()) -> dict:  # noqa: N803
            claims = jwt.decode(
                JWT,
                self._tool_key(JWT),
                algorithms=["RS256"],
                audience=self.issuer,
                issuer=self.client_id,
            )
            course = self.courses[course_id]
            assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
            assert claims[LTI + "deployment_id"] == self.deployment_id
            items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
            self.deep_link_items += items
            created = []
            for item in items:
                link_id = f"rl-{next(self._ids)}"
                if "lineItem" in item:
                    lineitem_id = str(next(self._ids))
                    course.lineitems[lineitem_id] = {
                        **item["lineItem"],
                        "id": self.lineitem_url(course.id, lineitem_id),
                        "resourceLinkId": link_id,
                    }
                    item = {**item, "lineitem_id": lineitem_id}
                course.links[link_id] = item
                created.append(link_id)
            return {"created": created, "data": claims.get(DL_DATA)}

        services = self.services
        score_path = "/lineitem/scores" if self.type_id is not None else "/scores"

        @app.get(services + "/lineitems/{course_id}")
        def lineitems(course_id: str, request: Request) -> list:
            self._check_bearer(request, AGS_SCOPES[0])
            items = list(self.courses[course_id].lineitems.values())
            if rid := request.query_params.get("resource_id"):
                items = [i for i in items if i.get("resourceId") == rid]
            return items

        @app.post(services + "/lineitems/{course_id}")
        async def create_lineitem(course_id: str, request: Request) -> dict:
            self._check_bearer(request, AGS_SCOPES[0])
            body = await request.json()
            lineitem_id = str(next(self._ids))
            item = {**body, "id": self.lineitem_url(course_id, lineitem_id)}
            self.courses[course_id].lineitems[lineitem_id] = item
            return item

        @app.post(services + "/lineitems/{course_id}/{lineitem_id}" + score_path)
        async def score(course_id: str, lineitem_id: str, request: Request) -> Response:
            self._check_bearer(request, AGS_SCOPES[2])
            await asyncio.sleep(self.score_delay_s)
            with self._lock:
                if self.score_down or self.score_failures > 0:
                    self.score_failures = max(self.score_failures - 1, 0)
                    return Response("down for maintenance", status_code=503)
                if self.score_page == "redirect":
                    return Response(status_code=302, headers={"Location": f"{self.url}/login"})
                if self.score_page == "html":
                    return HTMLResponse("<html><body><h1>Log in</h1></body></html>")
                body = await request.json()
                assert request.headers["content-type"].startswith(
                    "application/vnd.ims.lis.v1.score+json"
                )
                self.scores.append({"course": course_id, "lineitem": lineitem_id, **body})
            return Response(status_code=200)

        @app.get(services + "/memberships/{course_id}")
        def memberships(course_id: str, request: Request, page: int = 0) -> Response:
            self._check_bearer(request, AGS_SCOPES[0].replace("lti-ags", "lti-nrps").replace(
                "lineitem", "contextmembership.readonly"))  # fmt: skip
            course = self.courses[course_id]
            chunk = course.members[page * self.page_size : (page + 1) * self.page_size]
            body = {
                "id": str(request.url),
                "context": {"id": course.id, "title": course.title},
                "members": [
                    {
                        "status": "Active",
                        "user_id": p.sub,
                        "name": p.name,
                        "given_name": p.name.split()[-1],
                        "family_name": p.name.split()[0],
                        "email": p.email,
                        "roles": [ROLE + p.role],
                    }
                    for p in chunk
                ],
            }
            if self.members_answer is not None:
                return JSONResponse(self.members_answer)
            headers = {}
            if (page + 1) * self.page_size < len(course.members):
                headers["Link"] = f'<{self.memberships_url(course_id, page + 1)}>; rel="next"'
            return JSONResponse(body, headers=headers)

        return app


DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"

STORAGE_FRAME = """<script>
var kept = {};
window.addEventListener("message", function (event) {
  var m = event.data;
  if (!m || !m.subject) return;
  var reply = {subject: m.subject + ".response", message_id: m.message_id};
  var store = kept[event.origin] = kept[event.origin] || {};
  if (m.subject === "lti.put_data") {
    store[m.key] = m.value; reply.key = m.key; reply.value = m.value;
  } else if (m.subject === "lti.get_data" && m.key in store) {
    reply.key = m.key; reply.value = store[m.key];
  } else if (m.subject === "lti.capabilities") {
    reply.supported_messages = [{subject: "lti.put_data", frame: window.name},
                                {subject: "lti.get_data", frame: window.name}];
  } else {
    reply.error = {code: "bad_request", message: "nothing kept for " + m.key};
  }
  event.source.postMessage(reply, event.origin);
});
</script>"""
