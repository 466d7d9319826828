"""The one comparison of an outside value with a secret (issue 21): constant time, and "not
equal" (never an error) for text that is not ASCII, for other types and for empty values."""

from __future__ import annotations

import pytest

from denchi.lms.untrusted import same_secret

SECRET = "Xq3_-secret-token"


def test_the_secret_itself_is_equal_and_any_other_text_is_not():
    assert same_secret(SECRET, SECRET)
    assert same_secret("電池", "電池")  # equal text outside ASCII compares too
    assert not same_secret(SECRET + "x", SECRET)
    assert not same_secret(SECRET[:-1], SECRET)


@pytest.mark.parametrize(
    "given",
    ["ümlaut", "電池", "\ud800", "", None, 5, ["a"], {"a": 1}, SECRET.encode(), b"\xff"],
)
def test_values_that_hmac_cannot_compare_are_simply_not_equal(given):
    assert same_secret(given, SECRET) is False


def test_an_empty_secret_is_never_matched():
    assert not same_secret("", "")
    assert not same_secret("x", "")
