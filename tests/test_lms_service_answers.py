"""What the tool accepts from each LTI Advantage service call: only that call's success
statuses and, where JSON is expected, JSON. A redirect (a login page or SSO proxy in front of
the LMS) or an HTML page with status 200 is a retryable error naming the status, content type
and a snippet, so a score is never recorded as sent when it did not reach the gradebook."""

from __future__ import annotations

import httpx
import pytest

from denchi.lms.services import ServiceClient, ServiceError, ServiceTarget

LMS = "https://lms.example"
TARGET = ServiceTarget(1, "client-1", f"{LMS}/token", None)
SCOPES = ("https://purl.imsglobal.org/spec/lti-ags/scope/score",)
LOGIN = httpx.Response(302, headers={"Location": f"{LMS}/login"})
PAGE = httpx.Response(200, html="<html><body><h1>Log in</h1></body></html>")
GOOD = {
    "token": httpx.Response(200, json={"access_token": "t", "expires_in": 3600}),
    "lineitems": httpx.Response(200, json=[]),
    "create": httpx.Response(201, json={"id": f"{LMS}/lineitems/1"}),
    "scores": httpx.Response(204),
    "memberships": httpx.Response(200, json={"members": [{"user_id": "u1"}]}),
}


class Keys:
    """Stands in for ToolKeys: the mock platform does not check the assertion."""

    def sign(self, claims: dict) -> str:
        return "signed-assertion"


def call_of(request: httpx.Request) -> str:
    path = request.url.path
    if path == "/token":
        return "token"
    if path.endswith("/scores"):
        return "scores"
    if path == "/memberships":
        return "memberships"
    return "lineitems" if request.method == "GET" else "create"


def client(answers: dict[str, httpx.Response]) -> ServiceClient:
    services = ServiceClient(Keys())  # type: ignore[arg-type]
    services.http = httpx.Client(transport=httpx.MockTransport(lambda r: answers[call_of(r)]))
    return services


def every_call(services: ServiceClient) -> None:
    """Each service call the tool makes: token, line item GET and POST, score, memberships."""
    lineitem = services.find_or_create_lineitem(
        TARGET, f"{LMS}/lineitems", resource_link_id="rl", resource_id="z01", label="z01",
        score_maximum=3, scopes=SCOPES,
    )  # fmt: skip
    services.post_score(TARGET, lineitem, {"userId": "u1", "scoreGiven": 1}, SCOPES)
    assert services.memberships(TARGET, f"{LMS}/memberships", SCOPES) == [{"user_id": "u1"}]


def test_the_success_answers_go_through():
    every_call(client(GOOD))
    for accepted in (httpx.Response(200), httpx.Response(200, json={"resultUrl": "x"})):
        created = httpx.Response(200, json={"id": f"{LMS}/lineitems/1"})
        every_call(client(GOOD | {"scores": accepted, "create": created}))


@pytest.mark.parametrize("call", GOOD)
@pytest.mark.parametrize(
    "answer, reason",
    [(LOGIN, f"HTTP 302 (Location: {LMS}/login)"), (PAGE, "HTTP 200 with text/html")],
    ids=["redirect", "html"],
)
def test_a_redirect_or_a_page_is_a_retryable_error_naming_what_came(call, answer, reason):
    with pytest.raises(ServiceError) as failed:
        every_call(client(GOOD | {call: answer}))
    assert failed.value.retryable
    assert reason in str(failed.value)
    if answer is PAGE:
        assert "Log in" in str(failed.value)  # a snippet of the page


def test_an_unexpected_success_status_is_an_error():
    """202 is a score answer, not a line item container's."""
    with pytest.raises(ServiceError, match="HTTP 202"):
        every_call(client(GOOD | {"lineitems": httpx.Response(202, json=[])}))


def test_the_line_item_is_found_on_a_later_page_of_the_container():
    """A platform that pages its line item container (Link: rel="next") is read to the end
    before a line item is created: otherwise each score would add a gradebook column."""
    requests: list[tuple[str, str]] = []
    second = f"{LMS}/lineitems?page=2"

    def platform(request: httpx.Request) -> httpx.Response:
        requests.append((request.method, str(request.url)))
        if request.url.path == "/token":
            return GOOD["token"]
        if request.method == "POST":
            return GOOD["create"]
        if request.url.params.get("page") == "2":
            return httpx.Response(200, json=[{"id": f"{LMS}/lineitems/7", "resourceId": "z01"}])
        other = [{"id": f"{LMS}/lineitems/6", "resourceId": "z02"}]
        return httpx.Response(200, json=other, headers={"Link": f'<{second}>; rel="next"'})

    services = ServiceClient(Keys())  # type: ignore[arg-type]
    services.http = httpx.Client(transport=httpx.MockTransport(platform))
    found = services.find_or_create_lineitem(
        TARGET, f"{LMS}/lineitems", resource_link_id="rl", resource_id="z01", label="z01",
        score_maximum=3, scopes=SCOPES,
    )  # fmt: skip
    assert found == f"{LMS}/lineitems/7"
    assert [m for m, _ in requests] == ["POST", "GET", "GET"]  # the token, two pages, no POST
    assert requests[-1][1] == second


MEMBERS = f"{LMS}/memberships"


@pytest.mark.parametrize(
    "body, reason",
    [
        (["u1"], "not a JSON object"),
        ({"members": {"user_id": "u1"}}, "members is not a list"),
        ({"members": ["u1", "u2"]}, "member 1 is not a JSON object"),
        ({"members": [{"user_id": "u1"}, {"user_id": ["u2"]}]}, "member 2: user_id"),
        ({"members": [{"user_id": "u1", "roles": "Learner"}]}, "member 1: roles"),
        ({"members": [{"user_id": "u1", "roles": ["Learner", 5]}]}, "member 1: roles"),
        ({"members": [{"user_id": "u1", "status": 1}]}, "member 1: status"),
    ],
)
def test_a_malformed_membership_answer_is_an_error_naming_what_is_wrong(body, reason):
    services = client(GOOD | {"memberships": httpx.Response(200, json=body)})
    with pytest.raises(ServiceError, match=reason) as refused:
        services.memberships(TARGET, MEMBERS, SCOPES)
    assert MEMBERS in str(refused.value)


@pytest.mark.parametrize(
    "answers, reason",
    [
        ({"lineitems": httpx.Response(200, json=["x"])}, "line item 1 is not a JSON object"),
        (
            {"lineitems": httpx.Response(200, json=[{"resourceId": "z01", "id": 5}])},
            "line item 1: id",
        ),
    ],
)
def test_a_malformed_line_item_answer_is_an_error_naming_what_is_wrong(answers, reason):
    with pytest.raises(ServiceError, match=reason):
        every_call(client(GOOD | answers))


def test_an_unreadable_signing_key_is_a_service_error_saying_what_to_do():
    class BrokenKeys:
        def sign(self, claims: dict) -> str:
            raise ValueError("Could not deserialize key data")

    services = client(GOOD)
    services.keys = BrokenKeys()  # type: ignore[assignment]
    with pytest.raises(ServiceError, match="rotate-keys"):
        services.memberships(TARGET, MEMBERS, SCOPES)
