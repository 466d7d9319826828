"""The LTI checks as plain functions: role mapping (LIS vocabulary) and each id_token check."""

from __future__ import annotations

import pytest

from denchi.lms.lti import map_role

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


@pytest.mark.parametrize(
    "roles, expected",
    [
        ([LIS + "membership#Instructor"], "instructor"),
        (["Instructor"], "instructor"),  # the short form LTI 1.3 allows means the same
        ([LIS + "membership/Instructor#TeachingAssistant"], "instructor"),
        (["Instructor#TeachingAssistant"], "instructor"),
        ([LIS + "membership/Instructor#Grader"], "instructor"),
        ([LIS + "membership#ContentDeveloper"], "instructor"),
        (["Administrator"], "instructor"),
        ([LIS + "system/person#Administrator"], "instructor"),
        (["urn:lti:role:ims/lis/Instructor"], "instructor"),
        ([LIS + "membership#Learner"], "learner"),
        (["Learner"], "learner"),
        ([LIS + "membership/Learner#NonCreditLearner"], "learner"),
        ([LIS + "institution/person#Student"], "learner"),
        ([], "learner"),
        # mentors and observers never get the instructor's view of other students' data
        ([LIS + "membership#Mentor"], "observer"),
        (["Mentor"], "observer"),
        ([LIS + "membership/Mentor#Advisor"], "observer"),
        ([LIS + "membership/Mentor#Auditor"], "observer"),
        ([LIS + "membership#Mentor", LIS + "membership#Learner"], "learner"),
        # an institution's faculty role alone is no teaching role in this course
        ([LIS + "institution/person#Faculty", LIS + "membership#Learner"], "learner"),
    ],
)
def test_lis_roles_map_the_same_in_every_spelling(roles, expected):
    assert map_role(roles) == expected


# ---------------------------------------------------------------- id_token checks, one by one
ISS, CLIENT, DEPLOYMENT, JWKS_URL = "https://lms.example", "tool-1", "dep-1", "https://lms/jwks"
NONCE = "nonce-123"


@pytest.fixture(scope="module")
def keys():
    from lms.platform import jwk_of, rsa_key

    pem, other = rsa_key(), rsa_key()
    return {"pem": pem, "other": other, "jwks": {"keys": [jwk_of(pem, "k1")]}}


@pytest.fixture
def cache(keys):
    """The real cache, with the platform's JWKS served from memory instead of HTTP."""
    from denchi.lms.lti import JwksCache, parse_jwks

    class MemoryJwks(JwksCache):
        def _fetch(self, url):
            assert url == JWKS_URL
            return parse_jwks(keys["jwks"])

    return MemoryJwks()


def good_claims() -> dict:
    import time

    from denchi.lms import lti

    now = int(time.time())
    return {
        "iss": ISS,
        "aud": CLIENT,
        "sub": "u-1",
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        lti.VERSION: "1.3.0",
        lti.DEPLOYMENT_ID: DEPLOYMENT,
        lti.MESSAGE_TYPE: lti.RESOURCE_LINK_REQUEST,
        lti.RESOURCE_LINK: {"id": "rl-1"},
        lti.ROLES: [LIS + "membership#Learner"],
    }


def sign(keys, claims, kid="k1", key=None, alg="RS256"):
    import jwt
    from lms.platform import loaded

    key = loaded(key or keys["pem"]) if alg == "RS256" else key
    return jwt.encode(claims, key, alg, headers={"kid": kid} if kid else None)


def check(cache, token):
    from denchi.lms.lti import PlatformRef, validate_id_token

    platform = PlatformRef(ISS, CLIENT, JWKS_URL, frozenset({DEPLOYMENT}))
    return validate_id_token(token, platform, NONCE, cache, leeway_s=60)


def test_a_genuine_id_token_passes_every_check(keys, cache):
    assert check(cache, sign(keys, good_claims()))["sub"] == "u-1"


def _variants(keys):
    import time

    from denchi.lms import lti

    now, claims = int(time.time()), good_claims()
    no_link = {k: v for k, v in claims.items() if k != lti.RESOURCE_LINK}
    return {
        "unknown_kid": sign(keys, claims, kid="k-made-up"),
        "kid_missing": sign(keys, claims, kid=None),
        "signature": sign(keys, claims, key=keys["other"]),
        "alg": sign(keys, claims, key="a-shared-secret-of-at-least-32-bytes!!", alg="HS256"),
        "malformed": "not.a.jwt",
        "nonce": sign(keys, {**claims, "nonce": "replayed"}),
        "aud": sign(keys, {**claims, "aud": "another-tool"}),
        "azp": sign(keys, {**claims, "aud": [CLIENT, "another-tool"]}),
        "iss": sign(keys, {**claims, "iss": "https://evil.example"}),
        "deployment": sign(keys, {**claims, lti.DEPLOYMENT_ID: "dep-unknown"}),
        "expired": sign(keys, {**claims, "exp": now - 3600}),
        "iat": sign(keys, {**claims, "iat": now + 3600}),
        "version": sign(keys, {**claims, lti.VERSION: "1.1"}),
        "message_type": sign(keys, {**claims, lti.MESSAGE_TYPE: "Other"}),
        "claims": sign(keys, no_link),
    }


@pytest.mark.parametrize(
    "code",
    [
        "unknown_kid",
        "kid_missing",
        "signature",
        "alg",
        "malformed",
        "nonce",
        "aud",
        "azp",
        "iss",
        "deployment",
        "expired",
        "iat",
        "version",
        "message_type",
        "claims",
    ],  # fmt: skip
)
def test_each_id_token_check_refuses_with_its_own_reason(keys, cache, code):
    from denchi.lms.lti import LaunchError

    with pytest.raises(LaunchError) as refused:
        check(cache, _variants(keys)[code])
    assert refused.value.code == code and refused.value.status == 401


@pytest.mark.parametrize("cookie", [None, "", "another-state"])
def test_the_state_must_be_the_one_bound_to_this_browser(cookie):
    from denchi.lms.lti import LaunchError, check_state

    check_state("state-1", "state-1")
    with pytest.raises(LaunchError) as refused:
        check_state("state-1", cookie)
    assert refused.value.code == "state"
    with pytest.raises(LaunchError):
        check_state("", "")


def _shapes():
    from denchi.lms import lti

    return {
        "roles": {lti.ROLES: ["Learner", 7]},
        "resource_link id": {lti.RESOURCE_LINK: {"id": ["rl-1"]}},
        "context": {lti.CONTEXT: "course-1"},
        "context id": {lti.CONTEXT: {"title": "no id"}},
        "custom": {lti.CUSTOM: ["denchi_kind"]},
        "endpoint": {lti.AGS_ENDPOINT: "https://lms/lineitems"},
        "endpoint lineitems": {lti.AGS_ENDPOINT: {"lineitems": {"url": "x"}}},
        "endpoint scope": {lti.AGS_ENDPOINT: {"scope": "https://purl.imsglobal.org/x"}},
        "namesroleservice context_memberships_url": {lti.NRPS: {"context_memberships_url": 5}},
    }


@pytest.mark.parametrize("wrong", list(_shapes()))
def test_a_claim_the_tool_reads_must_have_the_type_lti_sets(keys, cache, wrong):
    from denchi.lms.lti import LaunchError

    with pytest.raises(LaunchError) as refused:
        check(cache, sign(keys, {**good_claims(), **_shapes()[wrong]}))
    assert refused.value.code == "claims" and refused.value.status == 401
    assert wrong.split()[-1] in refused.value.en


def test_every_optional_claim_of_the_right_type_passes(keys, cache):
    from denchi.lms import lti

    claims = good_claims() | {
        lti.CONTEXT: {"id": "c-1", "title": "電池", "type": ["CourseOffering"]},
        lti.CUSTOM: {"denchi_kind": "assignment", "denchi_target": "z01_dummy"},
        lti.AGS_ENDPOINT: {"scope": [lti.SCOPE_SCORE], "lineitems": "https://lms/li"},
        lti.NRPS: {"context_memberships_url": "https://lms/m", "service_versions": ["2.0"]},
    }
    assert check(cache, sign(keys, claims))[lti.CONTEXT]["id"] == "c-1"
    empty = good_claims() | {lti.CUSTOM: [], lti.CONTEXT: {"id": "c-2"}}  # PHP's empty map
    assert check(cache, sign(keys, empty))[lti.CUSTOM] == []
