"""Lateness and question labels, as teachers and students read them (no nbgrader run)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from denchi.grading.errors import GradingError
from denchi.grading.late import JAPAN, Lateness, in_japan, parse_due
from denchi.grading.questions import question_label, question_labels


@pytest.mark.parametrize(
    ("typed", "utc"),
    [
        ("2026-04-10T17:00", datetime(2026, 4, 10, 8, 0)),
        ("2026-04-10 17:00:30", datetime(2026, 4, 10, 8, 0, 30)),
        ("2026-04-10T00:30", datetime(2026, 4, 9, 15, 30)),  # the day before, in UTC
        ("2026-04-10T17:00+09:00", datetime(2026, 4, 10, 8, 0)),
        ("2026-04-10T17:00+0900", datetime(2026, 4, 10, 8, 0)),
        ("2026-04-10T08:00Z", datetime(2026, 4, 10, 8, 0)),
        (" 2026-04-10T10:00-02:00 ", datetime(2026, 4, 10, 12, 0)),
    ],
)
def test_a_due_date_without_a_zone_is_japan_time(typed, utc):
    due = parse_due(typed)
    assert due.astimezone(timezone.utc).replace(tzinfo=None) == utc


@pytest.mark.parametrize(
    "typed", ["2026-04-10", "4/10 17:00", "来週の金曜", "2026-02-30T10:00", "17:00", ""]
)
def test_a_bad_due_date_says_what_was_typed_and_gives_an_example(typed):
    with pytest.raises(GradingError) as refused:
        parse_due(typed)
    assert typed in refused.value.message_ja and "2026-04-10T17:00" in refused.value.message_ja
    assert "due date" in refused.value.message_en


def test_due_dates_are_shown_in_japan_time():
    assert in_japan(datetime(2026, 4, 10, 8, 0)) == "2026-04-10 17:00（日本時間）"  # nbgrader's
    assert in_japan(datetime(2026, 4, 10, 17, 0, tzinfo=JAPAN)) == "2026-04-10 17:00（日本時間）"


@pytest.mark.parametrize(
    ("seconds", "penalty", "note"),
    [
        (0, 0, ""),
        (20, 0, "提出遅れ 1 分 (late by 1 min): 減点なし (no penalty)"),
        (2 * 3600, 3, "提出遅れ 2 時間 (late by 2 h): −3 点"),
        (2 * 3600 + 1, 2.5, "提出遅れ 2 時間 1 分 (late by 2 h 1 min): −2.5 点"),
        (26 * 3600, 10, "提出遅れ 26 時間 (late by 26 h): −10 点"),
    ],
)
def test_the_late_note(seconds, penalty, note):
    assert Lateness(10.0, penalty, seconds).note() == note


def test_the_score_after_the_penalty_is_nbgraders():
    assert Lateness(7.0, 3.0, 60).score == 4.0
    assert Lateness(2.0, 3.0, 60).score == 0.0  # never below zero, as nbgrader export
    assert Lateness(7.0).score == 7.0 and not Lateness(7.0).late


@pytest.mark.parametrize(
    ("grade_id", "label"),
    [("q1_test", "問1"), ("q12_answer", "問12"), ("q3a_test", "問3(a)"), ("setup", None)],
)
def test_question_label_from_the_grade_id(grade_id, label):
    assert question_label(grade_id) == label


def _cell(make, source, grade_id, **meta):
    return make(source, metadata={"nbgrader": {"grade_id": grade_id, **meta}})


def test_question_labels_come_from_grade_ids_then_headings():
    cells = [
        _cell(new_markdown_cell, "# 小テスト", "intro"),
        _cell(new_code_cell, "from denchi.grading import checks", "setup"),
        _cell(new_markdown_cell, "## 問1　容量", "q1_question"),
        _cell(new_code_cell, "x = 1", "q1_answer", solution=True),
        _cell(new_code_cell, "check()", "q1_test", grade=True, points=2),
        _cell(new_markdown_cell, "## 問２　電力量（問1 の値を使います）", "question_two"),
        _cell(new_code_cell, "y = 2", "answer_two", solution=True),
        _cell(new_code_cell, "check()", "test_two", grade=True, points=1),
        new_code_cell("print('scratch')"),
    ]
    assert question_labels(cells) == [None, None, None, "問1", "問1", None, "問2", "問2", None]
