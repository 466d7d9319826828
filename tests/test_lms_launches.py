"""The launch and deep-linking services as plain functions: a real Runtime on SQLite in a
temporary folder, claims as an id_token would carry them after every check, no server.
The same flows through HTTP are in test_lms_flow.py, test_lms_security.py and
test_lms_services.py."""

from __future__ import annotations

import jwt
import pytest
from lms.example import register_platform, runtime_in
from sqlalchemy import event, func, select

from denchi.lms import deep_linking, launches, login_states, lti
from denchi.lms.models import (
    BrowserSession,
    Context,
    DeepLinkRequest,
    LoginState,
    Membership,
    ResourceLink,
    User,
)
from denchi.lms.sessions import PageError
from denchi.lms.store import token_hash
from denchi.lms.targets import page_options

ISSUER, CLIENT_ID, DEPLOYMENT = "https://moodle.example", "denchi-client-7", "dep-1"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
LEARNER, INSTRUCTOR = LIS + "membership#Learner", LIS + "membership#Instructor"
ASSIGNMENT = "h02_redox_cells"


@pytest.fixture(scope="module")
def rt(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lms-launches")
    with runtime_in(folder, base_url="https://tool.example") as runtime:
        yield runtime


@pytest.fixture(scope="module")
def platform_id(rt) -> int:
    return register_platform(rt.db, ISSUER, CLIENT_ID, DEPLOYMENT)


@pytest.fixture(scope="module")
def page(rt) -> str:
    return page_options(rt.catalog)[0].docname


def launch_claims(
    sub: str,
    course: str,
    roles: list[str],
    link: str = "rl-1",
    custom: dict | None = None,
    **person: str,
) -> dict:
    """The claims of an LtiResourceLinkRequest that passed lti.validate_id_token."""
    return {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": sub,
        lti.MESSAGE_TYPE: lti.RESOURCE_LINK_REQUEST,
        lti.VERSION: "1.3.0",
        lti.DEPLOYMENT_ID: DEPLOYMENT,
        lti.ROLES: roles,
        lti.CONTEXT: {"id": course, "title": f"電池 {course}"},
        lti.RESOURCE_LINK: {"id": link, "title": "教材"},
        lti.CUSTOM: custom or {},
        **person,
    }


def deep_link_claims(sub: str, course: str, roles: list[str], **settings: object) -> dict:
    claims = launch_claims(sub, course, roles)
    del claims[lti.RESOURCE_LINK], claims[lti.CUSTOM]
    claims[lti.MESSAGE_TYPE] = lti.DEEP_LINKING_REQUEST
    claims[lti.DL_SETTINGS] = {
        "deep_link_return_url": f"{ISSUER}/deep-link-return",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        **settings,
    }
    return claims


def count(rt, model, *where) -> int:
    with rt.db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def membership_role(rt, platform_id: int, sub: str, course: str) -> str:
    with rt.db.session() as s:
        return s.scalars(
            select(Membership.role)
            .join(User, User.id == Membership.user_id)
            .join(Context, Context.id == Membership.context_id)
            .where(User.platform_id == platform_id, User.sub == sub, Context.context_id == course)
        ).one()


def session_id_of(rt, landing: launches.Landing) -> int:
    with rt.db.session() as s:
        return s.scalars(
            select(BrowserSession.id).where(
                BrowserSession.token_hash == token_hash(landing.session_token)
            )
        ).one()


def test_a_launch_recorded_twice_updates_rather_than_duplicates(rt, platform_id, page):
    custom = {"denchi_kind": "page", "denchi_target": page}
    first = launches.record_launch(
        rt, platform_id, launch_claims("u-twice", "c-twice", [LEARNER], custom=custom, name="山田")
    )
    again = launch_claims("u-twice", "c-twice", [INSTRUCTOR], custom=custom, name="山田 花子")
    again[lti.CONTEXT]["title"] = "電池 後期"
    second = launches.record_launch(rt, platform_id, again)

    assert first.path == second.path and first.path.startswith("/r/")
    assert first.session_token != second.session_token  # a new session each launch
    assert count(rt, User, User.sub == "u-twice") == 1
    assert count(rt, Context, Context.context_id == "c-twice") == 1
    assert count(rt, Membership, Membership.user_id == first.user_id) == 1
    link_id = int(first.path.removeprefix("/r/"))
    assert count(rt, ResourceLink, ResourceLink.id == link_id) == 1
    with rt.db.session() as s:
        user = s.get_one(User, first.user_id)
        context = s.scalars(select(Context).where(Context.context_id == "c-twice")).one()
        link = s.get_one(ResourceLink, link_id)
        assert (user.name, context.title) == ("山田 花子", "電池 後期")
        assert (link.kind, link.target) == ("page", page)
    # the second launch's role replaces the first in the one membership
    assert membership_role(rt, platform_id, "u-twice", "c-twice") == "instructor"


@pytest.mark.parametrize(
    "roles, expected",
    [
        ([LEARNER], "learner"),
        ([INSTRUCTOR], "instructor"),
        ([LIS + "membership/Instructor#TeachingAssistant"], "instructor"),
        ([LIS + "membership#ContentDeveloper"], "instructor"),
        ([LIS + "institution/person#Administrator"], "instructor"),
        ([LIS + "membership#Mentor"], "observer"),
        ([LIS + "membership#Mentor", LEARNER], "learner"),
        ([LIS + "institution/person#Student"], "learner"),
        ([], "learner"),
    ],
)
def test_roles_map_per_the_lis_vocabulary_into_the_membership(
    rt, platform_id, page, roles, expected
):
    """LTI 1.3 Core, appendix A.2 (LIS context roles, their sub-roles) and A.1 (institution
    roles): teaching roles and administrators manage the class, a mentor only watches."""
    sub = "u-role:" + "|".join(roles)
    custom = {"denchi_kind": "page", "denchi_target": page}
    landing = launches.record_launch(
        rt, platform_id, launch_claims(sub, "c-roles", roles, custom=custom)
    )
    assert landing.role == expected
    assert membership_role(rt, platform_id, sub, "c-roles") == expected


@pytest.mark.parametrize(
    "custom",
    [
        {"denchi_kind": "assignment", "denchi_target": "../../etc/passwd"},
        {"denchi_kind": "assignment", "denchi_target": "z99_no_such"},
        {"denchi_kind": "assignment", "denchi_target": ASSIGNMENT + " "},
        {"denchi_kind": "script", "denchi_target": ASSIGNMENT},
        {},
    ],
)
def test_an_unknown_target_is_refused_and_no_link_or_session_is_made(rt, platform_id, custom):
    sessions, links = count(rt, BrowserSession), count(rt, ResourceLink)
    link = f"rl-bad-{sorted(custom.items())}"  # a link of its own: never launched before
    claims = launch_claims("u-bad", "c-bad", [LEARNER], link=link, custom=custom)
    with pytest.raises(PageError) as refused:
        launches.record_launch(rt, platform_id, claims)
    assert (refused.value.code, refused.value.status) == ("link", 400)
    assert "教材" in refused.value.ja and "deep linking" in refused.value.en
    assert (count(rt, BrowserSession), count(rt, ResourceLink)) == (sessions, links)


def test_a_catalog_assignment_is_accepted_under_its_own_id(rt, platform_id):
    custom = {"denchi_kind": "assignment", "denchi_target": ASSIGNMENT}
    landing = launches.record_launch(
        rt, platform_id, launch_claims("u-good", "c-good", [LEARNER], "rl-good", custom)
    )
    with rt.db.session() as s:
        link = s.get_one(ResourceLink, int(landing.path.removeprefix("/r/")))
        assert (link.kind, link.target) == ("assignment", ASSIGNMENT)


def launched_link(rt, landing: launches.Landing) -> tuple[str, str]:
    with rt.db.session() as s:
        link = s.get_one(ResourceLink, int(landing.path.removeprefix("/r/")))
        return link.kind, link.target


@pytest.mark.parametrize(
    "query",
    [
        f"denchi_kind=assignment&denchi_target={ASSIGNMENT}",
        f"lang=ja&denchi_target={ASSIGNMENT}&denchi_kind=assignment",  # another parameter kept
    ],
)
def test_a_link_imported_from_the_cartridge_names_its_target_in_the_launch_url(
    rt, platform_id, query
):
    """Moodle's cartridge import keeps only the link's launch URL, not its custom parameters
    (backup/cc/entity11.lti.class.php), and sends that URL as target_link_uri."""
    claims = launch_claims("u-cc", "c-cc", [LEARNER], link=f"rl-cc-{query}")
    claims[lti.TARGET_LINK_URI] = f"https://tool.example/lti/launch?{query}"
    landing = launches.record_launch(rt, platform_id, claims)
    assert launched_link(rt, landing) == ("assignment", ASSIGNMENT)


@pytest.mark.parametrize(
    "target_link_uri",
    [
        f"https://elsewhere.example/lti/launch?denchi_kind=assignment&denchi_target={ASSIGNMENT}",
        f"https://tool.example/other?denchi_kind=assignment&denchi_target={ASSIGNMENT}",
        "https://tool.example/lti/launch?denchi_kind=assignment&denchi_target=../../etc/passwd",
        f"https://tool.example/lti/launch?denchi_kind=assignment&denchi_target={ASSIGNMENT}"
        "&denchi_target=z99_no_such",
        "https://tool.example/lti/launch",
        "not a url",
    ],
)
def test_a_launch_url_names_a_target_only_on_the_tools_own_launch_url_and_in_the_catalog(
    rt, platform_id, target_link_uri
):
    links = count(rt, ResourceLink)
    claims = launch_claims("u-cc-bad", "c-cc-bad", [LEARNER], link=f"rl-x-{target_link_uri}")
    claims[lti.TARGET_LINK_URI] = target_link_uri
    with pytest.raises(PageError) as refused:
        launches.record_launch(rt, platform_id, claims)
    assert (refused.value.code, refused.value.status) == ("link", 400)
    assert count(rt, ResourceLink) == links


def test_custom_parameters_win_over_the_launch_url(rt, platform_id, page):
    custom = {"denchi_kind": "page", "denchi_target": page}
    claims = launch_claims("u-cc2", "c-cc2", [LEARNER], link="rl-cc-both", custom=custom)
    claims[lti.TARGET_LINK_URI] = (
        f"https://tool.example/lti/launch?denchi_kind=assignment&denchi_target={ASSIGNMENT}"
    )
    landing = launches.record_launch(rt, platform_id, claims)
    assert launched_link(rt, landing) == ("page", page)


def test_only_an_instructor_may_deep_link(rt, platform_id):
    sessions, kept = count(rt, BrowserSession), count(rt, DeepLinkRequest)
    with pytest.raises(PageError) as refused:
        launches.record_launch(rt, platform_id, deep_link_claims("u-dl-l", "c-dl", [LEARNER]))
    assert (refused.value.code, refused.value.status) == ("role", 403)
    assert (count(rt, BrowserSession), count(rt, DeepLinkRequest)) == (sessions, kept)

    landing = launches.record_launch(
        rt, platform_id, deep_link_claims("u-dl-t", "c-dl", [INSTRUCTOR])
    )
    assert landing.path.startswith("/lti/deep-link?request=")
    request_id = landing.path.split("=", 1)[1]
    row = deep_linking.pending_request(rt, session_id_of(rt, landing), request_id)
    assert row.platform_id == platform_id and row.claims[lti.DL_SETTINGS]


def chosen_response(rt, platform_id, page, sub: str, values=None, **settings):
    """A deep-linking launch by an instructor, then the signed answer for ``values``."""
    landing = launches.record_launch(
        rt, platform_id, deep_link_claims(sub, "c-dl", [INSTRUCTOR], **settings)
    )
    session_id = session_id_of(rt, landing)
    row = deep_linking.pending_request(rt, session_id, landing.path.split("=", 1)[1])
    values = values or [f"assignment:{ASSIGNMENT}", f"page:{page}"]
    return session_id, row, deep_linking.response(rt, row, values)


def verified(rt, token: str) -> dict:
    """The claims of the tool's JWT, checked with the tool's published JWKS (RS256), with the
    platform as the audience."""
    keys = {k["kid"]: jwt.PyJWK(k) for k in rt.keys.jwks()["keys"]}
    kid = jwt.get_unverified_header(token)["kid"]
    return jwt.decode(token, keys[kid], algorithms=["RS256"], audience=ISSUER)


def test_the_deep_linking_response_has_the_claims_the_spec_requires(rt, platform_id, page):
    """LTI Deep Linking 2.0 (IMS, 16 April 2019), section "Deep linking response message"
    (https://www.imsglobal.org/spec/lti-dl/v2p0#deep-linking-response-message): the tool
    signs a JWT whose ``iss`` is its client_id and ``aud`` the platform's issuer, with
    ``deployment_id`` as in the request, ``message_type`` LtiDeepLinkingResponse, ``version``
    1.3.0 and ``content_items``; ``data``, when the request's deep_linking_settings carry it
    (section "Deep linking request message", #deep-linking-request-message), must come back
    unchanged. The JWT is posted to ``deep_link_return_url``."""
    session_id, row, (action, token) = chosen_response(
        rt, platform_id, page, "u-dl-jwt", data="opaque-Ω-123"
    )
    claims = verified(rt, token)
    assert action == f"{ISSUER}/deep-link-return"
    assert claims["iss"] == CLIENT_ID and claims["aud"] == ISSUER
    assert claims[lti.DEPLOYMENT_ID] == DEPLOYMENT
    assert claims[lti.MESSAGE_TYPE] == "LtiDeepLinkingResponse"
    assert claims[lti.VERSION] == "1.3.0"
    assert claims[lti.DL_DATA] == "opaque-Ω-123"
    assert claims["nonce"] and claims["iat"] < claims["exp"]
    items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert [i["type"] for i in items] == ["ltiResourceLink", "ltiResourceLink"]
    assert [i["custom"] for i in items] == [
        {"denchi_kind": "assignment", "denchi_target": ASSIGNMENT},
        {"denchi_kind": "page", "denchi_target": page},
    ]
    assert all(i["url"] == "https://tool.example/lti/launch" for i in items)
    assert items[0]["lineItem"]["resourceId"] == ASSIGNMENT
    assert items[0]["lineItem"]["scoreMaximum"] == rt.grader.max_score(ASSIGNMENT) > 0
    assert "lineItem" not in items[1]  # a page is not graded
    # the kept request is used up
    with pytest.raises(PageError) as used:
        deep_linking.pending_request(rt, session_id, row.id)
    assert used.value.code == "deep_link"


def test_no_data_claim_when_the_request_sent_none(rt, platform_id, page):
    _, _, (_, token) = chosen_response(rt, platform_id, page, "u-dl-nodata")
    assert lti.DL_DATA not in verified(rt, token)


def test_the_platforms_settings_limit_the_items(rt, platform_id, page):
    """deep_linking_settings (LTI Deep Linking 2.0, #deep-linking-request-message):
    ``accept_multiple`` false allows one item; ``accept_lineitem`` false means the platform
    makes no line item from it."""
    _, _, (_, token) = chosen_response(
        rt, platform_id, page, "u-dl-one", accept_multiple=False, accept_lineitem=False
    )
    items = verified(rt, token)[lti.DL_CONTENT_ITEMS]
    assert len(items) == 1 and "lineItem" not in items[0]


def test_a_request_that_accepts_no_resource_link_is_refused_naming_what_it_accepts(rt, platform_id):
    landing = launches.record_launch(
        rt,
        platform_id,
        deep_link_claims("u-dl-file", "c-dl", [INSTRUCTOR], accept_types=["file", "html"]),
    )
    row = deep_linking.pending_request(rt, session_id_of(rt, landing), landing.path.split("=")[1])
    with pytest.raises(PageError) as refused:
        deep_linking.settings(row)
    assert refused.value.status == 400 and "file, html" in refused.value.ja


def test_an_item_not_offered_is_refused(rt, platform_id, page):
    with pytest.raises(PageError) as refused:
        chosen_response(rt, platform_id, page, "u-dl-bad", values=["assignment:../secret"])
    assert (refused.value.code, refused.value.status) == ("deep_link", 400)


def test_a_kept_request_is_only_for_its_own_session(rt, platform_id):
    landing = launches.record_launch(
        rt, platform_id, deep_link_claims("u-dl-own", "c-dl", [INSTRUCTOR])
    )
    request_id = landing.path.split("=", 1)[1]
    own = session_id_of(rt, landing)
    assert deep_linking.pending_request(rt, own, request_id).id == request_id
    for session_id, wanted in [(own + 1000, request_id), (own, "no-such-request")]:
        with pytest.raises(PageError) as refused:
            deep_linking.pending_request(rt, session_id, wanted)
        assert (refused.value.code, refused.value.status) == ("deep_link", 403)


def commits_of(rt, action):
    """What ``action()`` returns and how many transactions it committed."""
    commits: list[object] = []

    def count_commit(connection) -> None:
        commits.append(connection)

    event.listen(rt.db.engine, "commit", count_commit)
    try:
        result = action()
    finally:
        event.remove(rt.db.engine, "commit", count_commit)
    return result, len(commits)


def test_a_launch_is_recorded_in_one_transaction(rt, platform_id):
    """Issue 21: user, course, membership, link, session and hand-off in one unit of work
    (each commit of SQLite is a write lock and a log write that 40 launches queue for)."""
    claims = launch_claims(
        "u-one",
        "c-one",
        [LEARNER],
        custom={"denchi_kind": "assignment", "denchi_target": ASSIGNMENT},
    )
    landing, commits = commits_of(rt, lambda: launches.record_launch(rt, platform_id, claims))
    assert commits == 1
    assert landing.path.startswith("/r/") and count(rt, User, User.sub == "u-one") == 1
    assert session_id_of(rt, landing) == landing.session_id


def test_the_launch_consumes_its_login_state_in_its_own_transaction(rt, platform_id):
    login = login_states.begin(rt, "state-one", ISSUER, CLIENT_ID)
    assert login_states.pending(rt, "state-one").nonce == login.nonce
    # its own link and target: the test must not rely on another test's link (under xdist
    # the other may run later or in another process)
    custom = {"denchi_kind": "assignment", "denchi_target": ASSIGNMENT}
    claims = launch_claims("u-state", "c-state", [LEARNER], link="rl-state", custom=custom)
    landing, commits = commits_of(
        rt, lambda: launches.record_launch(rt, platform_id, claims, state="state-one")
    )
    assert commits == 1 and count(rt, LoginState, LoginState.state == "state-one") == 0
    sessions = count(rt, BrowserSession)
    with pytest.raises(PageError) as used:  # single use: the same state again records nothing
        again = launch_claims("u-again", "c-state", [LEARNER], link="rl-state", custom=custom)
        launches.record_launch(rt, platform_id, again, state="state-one")
    assert (used.value.code, used.value.status) == ("state", 401)
    assert count(rt, BrowserSession) == sessions and count(rt, User, User.sub == "u-again") == 0
    assert landing.handoff.startswith(f"{landing.session_id}.")


def test_a_refused_launch_records_nothing_but_uses_up_its_state(rt, platform_id):
    login_states.begin(rt, "state-refused", ISSUER, CLIENT_ID)
    custom = {"denchi_kind": "assignment", "denchi_target": "../x"}
    claims = launch_claims("u-refused", "c-refused", [LEARNER], custom=custom)
    sessions = count(rt, BrowserSession)
    with pytest.raises(PageError) as refused:
        launches.record_launch(rt, platform_id, claims, state="state-refused")
    assert refused.value.code == "link"
    assert count(rt, BrowserSession) == sessions and count(rt, User, User.sub == "u-refused") == 0
    assert count(rt, LoginState, LoginState.state == "state-refused") == 0
