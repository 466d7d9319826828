"""Which student a notebook is graded for: one answer for the kernel and the clean room.

nbgrader names the student it grades in the converter's resources
(``resources["nbgrader"]["student"]``) on every path: ``nbgrader autograde``, the JupyterHub
formgrader, ``denchi grade``'s workers and the LMS tool's grader. The student's kernel gets that
id as ``DENCHI_STUDENT_ID`` (:func:`denchi.grading.sandbox.kernel_env`) and the clean room runs
the hidden tests under the same id (:func:`seeded_as`), so ``denchi.labs.student_seed`` gives
the student's answer and the reference the same data. Nothing reads the id from the grader's
own environment.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from denchi.labs.seeds import STUDENT_ID_ENV


def graded_student(resources: dict | None) -> str | None:
    """The id of the student whose notebook nbgrader is converting (None outside grading).

    Args:
        resources: nbconvert's resources of the conversion (``resources["nbgrader"]``).
    """
    return ((resources or {}).get("nbgrader") or {}).get("student") or None


@contextmanager
def seeded_as(student: str | None) -> Iterator[None]:
    """Run the enclosed code (in this process) with ``student``'s data seed, exactly as the
    student's kernel has it: ``DENCHI_STUDENT_ID`` set to ``student``, or unset for None.
    The grader's environment is restored afterwards.

    Args:
        student: The student id, or ``None`` for no seed.
    """
    saved = os.environ.get(STUDENT_ID_ENV)
    if student:
        os.environ[STUDENT_ID_ENV] = student
    else:
        os.environ.pop(STUDENT_ID_ENV, None)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(STUDENT_ID_ENV, None)
        else:
            os.environ[STUDENT_ID_ENV] = saved
