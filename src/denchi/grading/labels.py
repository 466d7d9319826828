"""The words a teacher reads about grading: Japanese first, the English term in brackets.

Every place that names a submission's status takes it from :data:`STATUS_WORDS`: the lines of
``denchi grade autograde`` and ``denchi grade status`` (「採点済み (graded)」) and the LMS tool's
pages (the Japanese word). The column headings and the other terms of those lines are in
:data:`TERMS`. A status is therefore named the same way everywhere, and a new status needs one
line here.
"""

from __future__ import annotations

from denchi.i18n import gloss

# status -> (Japanese, English)
STATUS_WORDS: dict[str, tuple[str, str]] = {
    # denchi.grading.pipeline.Status
    "graded": ("採点済み", "graded"),
    "flagged": ("要確認", "flagged"),
    "failed": ("採点できず", "failed"),
    "skipped": ("採点済みのため省略", "skipped"),
    # the LMS tool's queue before grading (denchi.lms.jobs)
    "queued": ("採点待ち", "queued"),
    "grading": ("採点中", "grading"),
    # not graded: the learner handed in newer work for the same assignment before this one's
    # turn came (the LMS shows only the latest submission's grade)
    "superseded": ("新しい提出があるため採点せず", "superseded"),
}

# key -> (Japanese, English): headings and the other words of the CLI's lines
TERMS: dict[str, tuple[str, str]] = {
    "student": ("学生", "student"),
    "score": ("点数", "score"),
    "status": ("状態", "status"),
    "time": ("採点時間", "time"),
    "needs_review": ("先生の確認が必要", "needs review"),
    "manual": ("要手動採点", "needs manual grading"),
}


def status_label(status: str) -> str:
    """The status as the teacher reads it, e.g. 「採点済み (graded)」 for ``"graded"``.

    Args:
        status: A key of :data:`STATUS_WORDS`; anything else is shown as it is.

    Returns:
        The Japanese word with the English term in brackets.
    """
    if status not in STATUS_WORDS:
        return status
    return gloss(*STATUS_WORDS[status])


def status_ja(status: str) -> str:
    """The Japanese word alone (for learners' pages), e.g. 「採点済み」.

    Args:
        status: A key of :data:`STATUS_WORDS`; anything else is shown as it is.

    Returns:
        The Japanese word for the status.
    """
    return STATUS_WORDS.get(status, (status, status))[0]


def term(key: str) -> str:
    """A heading or term of the CLI's lines, e.g. 「点数 (score)」 for ``"score"``.

    Lateness is worded by :meth:`denchi.grading.late.Lateness.note`.

    Args:
        key: A key of :data:`TERMS`.

    Returns:
        The Japanese term with the English term in brackets.
    """
    return gloss(*TERMS[key])
