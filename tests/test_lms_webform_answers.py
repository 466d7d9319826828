"""What a learner types into the web form of an intro assignment (:mod:`denchi.lms.webform`):
numbers as a Japanese IME types them, choices only from the question's letters, and the
answer cells' code, where nothing typed is ever code (the end-to-end grading through the LTI
tool is ``tests/test_lms_webform.py``)."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from denchi.grading.quiz import (
    ChoiceAnswer,
    KeywordsAnswer,
    NotQuizzable,
    NumberAnswer,
    Option,
    Question,
)
from denchi.lms.webform import (
    MAX_FIELD_CHARS,
    AnswerError,
    answer_code,
    field_name,
    parse_number,
    read_form,
)


def _question(grade_id: str, name: str, answer, cell: str = "q1_answer") -> Question:
    return Question("h99", grade_id, "問1", "<p>?</p>", (), 1.0, name, answer, "", "", (), cell)


NUMBER = NumberAnswer(12.5, 0.01, 0.0, "kWh", False, False)
CHOICE = ChoiceAnswer("B", (Option("A", "a"), Option("B", "b"), Option("C", "c")))
TEXT = KeywordsAnswer((("電子",),), False)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12.5", 12.5),
        ("１２．５", 12.5),  # full-width digits and point (IME)
        ("12,5", 12.5),  # decimal comma
        ("１２，５", 12.5),
        (" 12.5 kWh ", 12.5),  # the question's unit typed too
        ("１２．５ｋＷｈ", 12.5),
        ("−0.8", -0.8),  # U+2212 MINUS SIGN
        ("ー0.8", -0.8),  # the IME's long-vowel mark for the - key
        ("－０．８", -0.8),
        ("1,234,567", 1234567.0),
        ("1,234.5", 1234.5),
        ("1.5e3", 1500.0),
        (".5", 0.5),
        ("150000", 150000.0),
        ("", None),
        ("　", None),  # a full-width space only: not answered
    ],
)
def test_numbers_as_learners_type_them(typed, value):
    assert parse_number(typed, "kWh") == value


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "12.5.1",
        "nan",
        "inf",
        "1e999",  # overflows to inf
        "1_000",  # float() takes it, a learner's number has no underscore
        "1,234",  # a decimal comma or a thousands separator: ambiguous
        "12,5,1",
        "__import__('os').system('id')",
        "1; import os",
        "0x10",
        "12.5 mAh",  # another unit than the question's
    ],
)
def test_what_is_not_a_number_is_refused_in_both_languages(typed):
    with pytest.raises(AnswerError) as caught:
        parse_number(typed, "kWh")
    assert "数" in caught.value.ja or "," in caught.value.ja
    assert caught.value.en and caught.value.en != caught.value.ja


def test_a_form_keeps_every_typed_answer_and_says_which_failed():
    questions = [
        _question("q1_test", "q1_kwh", NUMBER),
        _question("q2_test", "q2_choice", CHOICE, "q2_answer"),
        _question("q3_test", "q3_text", TEXT, "q3_answer"),
    ]
    form = {
        field_name(questions[0]): "１２，５",
        field_name(questions[1]): "D",  # not offered
        field_name(questions[2]): "電子が動く",
        "answer-unknown": "1",
    }
    read = read_form(questions, form)
    assert read.values == {"q1_test": 12.5, "q3_test": "電子が動く"}
    assert set(read.errors) == {"q2_test"}
    assert read.typed == {"q1_test": "１２，５", "q2_test": "D", "q3_test": "電子が動く"}
    huge = read_form(questions, {field_name(questions[2]): "x" * (MAX_FIELD_CHARS + 1)})
    assert set(huge.errors) == {"q3_test"} and not huge.values
    assert len(huge.typed["q3_test"]) == MAX_FIELD_CHARS


def test_a_question_the_form_cannot_take_is_refused_when_answered():
    question = _question("q1_test", "q1_v", NotQuizzable("array", "配列", "array"))
    assert read_form([question], {}).values == {}
    assert set(read_form([question], {field_name(question): "1"}).errors) == {"q1_test"}


HOSTILE = [
    '"; MARK.append(1); "',
    "x'; MARK.append(1); '",
    "1\nMARK.append(1)",
    "MARK.append(1)",
    '"""\nMARK.append(1)\n"""',
    "\\",
]


@pytest.mark.parametrize("typed", HOSTILE)
def test_typed_text_is_a_literal_in_the_code_never_code(typed):
    """The code of an answer cell, run: the variable holds exactly the typed text and nothing
    else ran. (Tried once with ``repr()`` removed from ``answer_code``: every case fails, by
    ``MARK`` growing or the code not parsing.)"""
    questions = [_question("q1_test", "q1_text", TEXT), _question("q2_test", "q2_kwh", NUMBER)]
    code = answer_code(questions, {"q1_test": typed, "q2_test": 12.5})
    assert list(code) == ["q1_answer"]
    tree = ast.parse(code["q1_answer"])
    assert all(
        isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) for node in tree.body
    )
    namespace: dict = {"MARK": []}
    exec(code["q1_answer"], namespace)  # noqa: S102 (the point of the test)
    assert namespace["MARK"] == []
    assert namespace["q1_text"] == typed and namespace["q2_kwh"] == 12.5


def test_a_cell_with_no_answered_question_is_left_as_released():
    questions = [
        _question("q3a_test", "q3_c_rate", NUMBER, "q3_answer"),
        _question("q3b_test", "q3_hours", NUMBER, "q3_answer"),
        _question("q4_test", "q4_ah", NUMBER, "q4_answer"),
    ]
    code = answer_code(questions, {"q3b_test": 4.0})
    assert list(code) == ["q3_answer"]
    namespace: dict = {}
    exec(code["q3_answer"], namespace)  # noqa: S102
    assert namespace["q3_hours"] == 4.0 and "q3_c_rate" not in namespace
    not_a_value: dict[str, Any] = {"q4_test": object()}
    with pytest.raises(TypeError):
        answer_code(questions, not_a_value)


def test_the_form_page_labels_every_field_and_inlines_each_figure_once():
    """The template as a learner's browser gets it: every field has its label (a number its
    unit and a decimal keypad, a choice a fieldset with one radio per option), a figure is an
    inline PNG with its alt text, shown once when two parts of a question share it, and a
    refused field is marked and says why in both languages."""
    from types import SimpleNamespace

    from denchi.grading.quiz import Figure
    from denchi.lms import webform
    from denchi.lms.sessions import templates

    figure = Figure("h99-fig1.png", b"\x89PNG fake", "グラフ。横軸は時間 [h]。")
    a = Question("h99", "q3a_test", "問3(a)", "<p>Q3</p>", (figure,), 1.0, "q3_c", NUMBER, "", "",
                 (), "q3_answer")  # fmt: skip
    b = Question("h99", "q3b_test", "問3(b)", "<p>Q3</p>", (figure,), 1.0, "q3_h", NUMBER, "", "",
                 (), "q3_answer")  # fmt: skip
    c = _question("q5_test", "q5_choice", CHOICE, "q5_answer")
    answers = read_form([a, b, c], {field_name(a): "x<b>", field_name(c): "B"})
    page = templates.get_template("webform.html").render(
        base="https://tool.example",
        link=SimpleNamespace(id=7, title="h99"),
        module=None,
        questions=[a, b, c],
        field_name=webform.field_name,
        field_kind=webform.field_kind,
        figure_src=webform.figure_src,
        max_chars=MAX_FIELD_CHARS,
        typed=answers.typed,
        errors=answers.errors,
        csrf="token",
    )
    for q in (a, b):
        assert f'<label for="{field_name(q)}">' in page
        assert f'id="{field_name(q)}" name="{field_name(q)}" inputmode="decimal"' in page
    assert page.count("<span> kWh</span>") == 2
    assert page.count("<p>Q3</p>") == 1  # the text of both parts once
    assert page.count('<img src="data:image/png;base64,iVBORyBmYWtl"') == 1
    assert 'alt="グラフ。横軸は時間 [h]。"' in page
    assert page.count(f'type="radio" id="{field_name(c)}-') == 3
    assert 'value="B" checked' in page and "<legend>" in page
    assert 'value="x&lt;b&gt;" aria-invalid="true"' in page  # kept, escaped, marked
    assert "数として読めませんでした" in page and "is not a number" in page
    assert 'action="https://tool.example/r/7/form"' in page and 'value="token"' in page
