"""Seeds of "measured" data: a student id or a number, the same in every process.

In a graded assignment the seed is the student's id: the grader sets ``STUDENT_ID_ENV`` for
the student's kernel and for its own hidden tests, and ``student_seed(default)`` returns it
(outside grading, the ``default`` the notebook gives, e.g. an id the student typed). This
module is light (no NumPy, no PyBaMM) so that the grader's sandbox can import it.
"""

from __future__ import annotations

import hashlib
import os
from numbers import Integral

from denchi.labs.errors import LabInputError

STUDENT_ID_ENV = "DENCHI_STUDENT_ID"  # set by denchi.grading while it grades one student


def seed_number(seed: object) -> int:
    """A non-negative integer from a seed: an int as it is, a string (student id) hashed.

    Python's ``hash()`` changes between processes; SHA-256 does not, so a student gets the
    same cell and the same noise in the notebook, in the grader and next week.

    Args:
        seed: An integer in 0 to 2**63 − 1 (not a bool), or a string of 1–200 characters.

    Returns:
        An integer in 0 to 2**64 − 1.

    Raises:
        LabInputError: if ``seed`` is neither.
    """
    if isinstance(seed, Integral) and not isinstance(seed, bool) and 0 <= int(seed) < 2**63:
        return int(seed)
    if isinstance(seed, str) and 1 <= len(seed) <= 200:
        return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big")
    raise LabInputError(
        "seed",
        "seed には 0 以上の整数か、1〜200 文字の文字列（学籍番号など）を指定してください"
        f"（指定値: {seed!r:.60}）。",
        "seed must be a non-negative integer or a string of 1 to 200 characters "
        f"(e.g. a student id); got {seed!r:.60}.",
    )


def student_seed(default: int | str) -> int | str:
    """The seed of this student's data: the student id while the grader grades this student,
    else ``default`` (checked like any seed).

    Args:
        default: The seed outside grading: a non-negative integer or a 1–200 character string.

    Raises:
        LabInputError: if the seed in use (the environment's or ``default``) is not a valid
            seed.
    """
    seed = os.environ.get(STUDENT_ID_ENV) or default
    seed_number(seed)
    return seed
