"""Comparing what a request or an LMS sends with the tool's own secrets.

Form fields, cookies, headers and even signed claims come from outside and may hold any text
(or, from JSON, any type). ``hmac.compare_digest`` compares ``str`` only when both are ASCII
and raises ``TypeError`` otherwise (Python docs, ``hmac.compare_digest``: "a and b must both
be of the same type: either str (ASCII only, as e.g. returned by HMAC.hexdigest()), or a
bytes-like object"), which would turn a forged or garbled value into a server error instead of
the refusal it deserves. :func:`same_secret` is the one comparison the tool makes of such a
value: constant time for every string, and "not equal" for anything else.
"""

from __future__ import annotations

import hmac


def same_secret(given: object, expected: str) -> bool:
    """Whether ``given`` (from outside) is the secret ``expected``, compared in constant time.

    Both are compared as UTF-8 bytes (lone surrogates, which JSON can carry, are encoded as
    they are), so any text compares without an error; a value that is not a string, and an
    empty one, is never equal (a secret is never empty).

    Args:
        given: The value a request or an LMS sent (a form field, a cookie, a header, a claim).
        expected: The tool's own secret (a CSRF token, an OIDC state or nonce, an origin).
    """
    if not isinstance(given, str) or not given or not expected:
        return False
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )
