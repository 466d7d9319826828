"""The web form of an intro assignment (h01–h09): the questions of the assignment's notebook
(:mod:`denchi.grading.quiz`, the one source) answered in a browser, and the answers turned into
a notebook that is handed in and graded like an upload.

What a learner types is never code. A number is read here (:func:`parse_number`: full-width
digits and a decimal comma, as a Japanese IME types them, are accepted), a choice must be one
of the question's own letters, a short text is kept as typed; then each answer cell of the
released notebook gets an assignment of the parsed value as a Python literal, ``repr()`` of a
``float`` or of a ``str`` (:func:`answer_code`). The notebook goes to the same submission
service, queue, grader and hidden tests as an uploaded one
(:func:`denchi.lms.submissions.store`), so the score, the feedback page and its hints are the
notebook's.
"""

from __future__ import annotations

import base64
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import nbformat

from denchi.grading.quiz import ChoiceAnswer, Figure, KeywordsAnswer, NumberAnswer, Question

# the track whose assignments are offered as a web form (answers the same for every student)
FORM_TRACK = "intro"
# the most characters one field may hold (a number, a letter, a short written answer)
MAX_FIELD_CHARS = 1000
# the most bytes a whole form's body may have (beyond the fields, the CSRF token)
MAX_FORM_BYTES = 64_000
FIELD_PREFIX = "answer-"
# the file name a form's submission is stored under (the instructor's view and zip show it)
FORM_FILENAME = "web-form.ipynb"
# how a form's answer cell begins, so that a teacher reading the notebook sees where it came from
FORM_MARK = "# ブラウザのフォームで答えた値 (answered in the web form)"

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_ONE_GROUP = re.compile(r"[+-]?\d{1,3},\d{3}")
# what a Japanese keyboard may type for a minus sign: U+2212 MINUS SIGN and the dashes (which
# NFKC leaves alone), and the long-vowel mark ー that the IME writes for the - key
_MINUS = str.maketrans(dict.fromkeys("\u2212\u2010\u2012\u2013\u30fc\uff70", "-"))


class AnswerError(ValueError):
    """An answer that cannot be read, in Japanese and English (shown beside its field)."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(f"{ja}\n{en}")
        self.ja, self.en = ja, en


def _shown(text: str) -> str:
    """A learner's text as a message quotes it: at most 20 characters."""
    return text if len(text) <= 20 else text[:20] + "…"


def parse_number(text: str, unit: str = "") -> float | None:
    """The number a learner typed; None for an empty field.

    Read after Unicode NFKC normalisation (full-width digits, point, comma and minus become
    ASCII: 「１２．５」 is 12.5), with a minus sign typed as ``−`` or ``ー`` and the question's
    unit at the end (「12.5 kWh」) accepted. A comma is a decimal comma (「12,5」 is 12.5) unless
    it groups thousands (``1,234,567`` or ``1,234.5``); ``1,234`` alone could be either and is
    refused. Then the text must be a decimal number in Python's float syntax without
    ``inf``/``nan`` or ``_`` (which :class:`float` would also take).

    Args:
        text: The field as the browser sent it.
        unit: The question's unit (``"kWh"``), ``""`` if none.

    Raises:
        AnswerError: not a number, an ambiguous comma, or not finite (bilingual, quoting the
            text).
    """
    typed = unicodedata.normalize("NFKC", text).translate(_MINUS).strip()
    unit = unicodedata.normalize("NFKC", unit).strip()
    if unit and typed.endswith(unit):
        typed = typed[: -len(unit)].strip()
    if not typed:
        return None
    if _GROUPED.fullmatch(typed) and (typed.count(",") > 1 or "." in typed):
        typed = typed.replace(",", "")
    elif _ONE_GROUP.fullmatch(typed):
        raise AnswerError(
            f"「{_shown(text)}」の「,」が小数点なのか、3 けたの区切りなのかわかりません。"
            "小数点は「.」で、区切りなしで入れてください（例：1.234 または 1234）。",
            f"Is the comma in '{_shown(text)}' a decimal point or a thousands separator? Type"
            " the number with '.' as the decimal point and no separator (1.234 or 1234).",
        )
    elif typed.count(",") == 1 and "." not in typed:
        typed = typed.replace(",", ".")
    if not _NUMBER.fullmatch(typed) or not math.isfinite(value := float(typed)):
        raise AnswerError(
            f"「{_shown(text)}」は数として読めませんでした。数字で入れてください（例：12.5）。",
            f"'{_shown(text)}' is not a number. Type it in digits (for example 12.5).",
        )
    return value


Value = float | str


def read_answer(question: Question, text: str) -> Value | None:
    """One field's answer as the value its check grades; None when the field is empty.

    Args:
        question: The question of the field (:class:`denchi.grading.quiz.Question`).
        text: The field as the browser sent it.

    Raises:
        AnswerError: over :data:`MAX_FIELD_CHARS` characters, not a number for a number
            question (:func:`parse_number`), a letter the question does not offer for a
            choice, or a question the form cannot take (``NotQuizzable``).
    """
    if len(text) > MAX_FIELD_CHARS:
        raise AnswerError(
            f"答えが長すぎます（{len(text)} 文字。{MAX_FIELD_CHARS} 文字まで）。",
            f"The answer is too long ({len(text)} characters; at most {MAX_FIELD_CHARS}).",
        )
    answer = question.answer
    if isinstance(answer, NumberAnswer):
        return parse_number(text, answer.unit)
    if not text.strip():
        return None
    if isinstance(answer, ChoiceAnswer):
        if text not in {option.letter for option in answer.options}:
            raise AnswerError(
                "選択肢の中から 1 つ選んでください。",
                "Choose one of the options offered.",
            )
        return text
    if isinstance(answer, KeywordsAnswer):
        return text.strip()
    raise AnswerError(
        "この問題はブラウザでは答えられません。ノートブックで答えてください。",
        "This question cannot be answered in the browser; answer it in the notebook.",
    )


@dataclass(frozen=True)
class FormAnswers:
    """A form as read: the value of each answered question and the error of each refused one
    (by the test cell's ``grade_id``), and every field as typed (to show the form again)."""

    values: dict[str, Value]
    errors: dict[str, AnswerError]
    typed: dict[str, str]


def field_kind(question: Question) -> str:
    """The kind of field a question gets: ``"number"`` (a text input with the unit beside it),
    ``"choice"`` (radio buttons), ``"text"`` (a text area) or ``"none"`` (answered in the
    notebook only).

    Args:
        question: A question of the assignment.
    """
    answer = question.answer
    if isinstance(answer, NumberAnswer):
        return "number"
    if isinstance(answer, ChoiceAnswer):
        return "choice"
    return "text" if isinstance(answer, KeywordsAnswer) else "none"


def figure_src(figure: Figure) -> str:
    """A figure as a ``data:`` URL of its PNG, to put inline in the page (RFC 2397).

    Args:
        figure: A figure of a question.
    """
    return "data:image/png;base64," + base64.b64encode(figure.png).decode("ascii")


def field_name(question: Question) -> str:
    """The form field of a question: ``answer-<grade_id of its test cell>``.

    Args:
        question: A question of the assignment.
    """
    return FIELD_PREFIX + question.grade_id


def read_form(questions: list[Question], form: Mapping[str, object]) -> FormAnswers:
    """Every question's field of a submitted form, read by :func:`read_answer`; fields of no
    question are ignored, a field that is not text (a file) counts as empty.

    Args:
        questions: The assignment's questions.
        form: The form's fields by name.
    """
    values: dict[str, Value] = {}
    errors: dict[str, AnswerError] = {}
    typed: dict[str, str] = {}
    for question in questions:
        raw = form.get(field_name(question))
        text = raw if isinstance(raw, str) else ""
        typed[question.grade_id] = text[:MAX_FIELD_CHARS]
        try:
            value = read_answer(question, text)
        except AnswerError as error:
            errors[question.grade_id] = error
            continue
        if value is not None:
            values[question.grade_id] = value
    return FormAnswers(values, errors, typed)


def answer_code(questions: list[Question], values: Mapping[str, Value]) -> dict[str, str]:
    """The code of each answer cell (by its ``grade_id``) that has an answered question: one
    assignment per answered question, ``<answer variable> = <repr(value)>``. ``repr()`` of a
    ``float`` or ``str`` is a Python literal of the same value
    (https://docs.python.org/3/library/functions.html#repr), so nothing a learner types is
    ever code. A cell without an answered question is not in the result (it stays as
    released: unanswered).

    Args:
        questions: The assignment's questions.
        values: Each answered question's value by the ``grade_id`` of its test cell (from
            :func:`read_form`: a finite float or a str).

    Raises:
        TypeError: a value that is neither a float nor a str.
    """
    lines: dict[str, list[str]] = {}
    for question in questions:
        if question.grade_id not in values or not question.answer_cell:
            continue
        value = values[question.grade_id]
        if not isinstance(value, float | str):
            raise TypeError(f"an answer must be a float or a str, not {type(value).__name__}")
        lines.setdefault(question.answer_cell, [FORM_MARK]).append(f"{question.name} = {value!r}")
    return {cell: "\n".join(code) + "\n" for cell, code in lines.items()}


def form_notebook(
    release: Path, questions: list[Question], values: Mapping[str, Value]
) -> nbformat.NotebookNode:
    """The released notebook with the form's answers in its answer cells (:func:`answer_code`).

    Args:
        release: The student version of the assignment's notebook.
        questions: The assignment's questions.
        values: The answered questions' values (:func:`read_form`).

    Raises:
        OSError: the released notebook cannot be read.
        TypeError: a value that is neither a float nor a str (:func:`answer_code`).
    """
    notebook = nbformat.read(release, as_version=4)
    code = answer_code(questions, values)
    for cell in notebook.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and grade_id in code:
            cell.source = code[grade_id]
    return notebook
