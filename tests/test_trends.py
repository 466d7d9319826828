"""The dated facts of the teacher-training kit (denchi.trends): newest first, cited, as-of date,
stale facts marked, bad entries refused with the fact and field named."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest

from denchi.errors import InputError
from denchi.trends import BIBLIOGRAPHY, STALE_NOTE, TRENDS_FILE, load_facts, trends_markdown


def _course(tmp_path, root, facts: str):
    (tmp_path / TRENDS_FILE).parent.mkdir(parents=True)
    (tmp_path / BIBLIOGRAPHY).parent.mkdir(parents=True)
    shutil.copy(root / BIBLIOGRAPHY, tmp_path / BIBLIOGRAPHY)
    (tmp_path / TRENDS_FILE).write_text(facts, encoding="utf-8")
    return tmp_path


FACTS = """facts:
  - date: 2024-05-01
    fact_ja: |-
      古い事実で
      ある。
    source: meti2023strategy
    checked: 2024-06-01
  - date: 2026-10-01
    fact_ja: 今年の事実。
    source: meti2023strategy
    checked: 2026-11-20
  - date: 2027-03-01
    fact_ja: 来年の予定。
    source: eu2023battery
    checked: 2026-11-20
"""


def test_the_kit_s_facts_load_newest_first_and_cite_known_sources(root):
    facts = load_facts(root)
    assert len(facts) >= 5
    days = [f.day for f in facts]
    assert days == sorted(days, reverse=True)
    text = trends_markdown(date(2026, 12, 1), root)
    assert text.count("{footcite:p}`") == len(facts)


def test_the_page_groups_by_day_newest_first_with_its_as_of_date(tmp_path, root):
    course = _course(tmp_path, root, FACTS)
    text = trends_markdown(date(2026, 12, 1), course)
    assert text.startswith("**2026 年 11 月 20 日 現在**")
    words = ("これから", "来年の予定", "この 1 年", "今年の事実", "それ以前", "古い事実である")
    order = [text.index(w) for w in words]
    assert order == sorted(order), text
    # the lines of a fact are joined without a space (Japanese)
    assert "古い事実である。" in text
    recent = trends_markdown(date(2026, 12, 1), course, earlier=False)
    assert "それ以前" not in recent and "古い事実" not in recent and "今年の事実" in recent


def test_a_fact_not_checked_for_a_year_is_marked(tmp_path, root):
    course = _course(tmp_path, root, FACTS)
    text = trends_markdown(date(2026, 12, 1), course)
    stale = [line for line in text.splitlines() if STALE_NOTE.strip() in line]
    assert len(stale) == 1 and "古い事実" in stale[0]
    # a year later every fact is stale
    later = trends_markdown(date(2027, 12, 1), course)
    assert later.count(STALE_NOTE.strip()) == 3


@pytest.mark.parametrize(
    "edit, field",
    [
        (lambda t: t.replace("source: eu2023battery", "source: nowhere2099"), "source"),
        (lambda t: t.replace("date: 2026-10-01", "date: 去年の秋"), "date"),
        (lambda t: t.replace("    checked: 2024-06-01\n", ""), "checked"),
    ],
)
def test_a_bad_fact_is_refused_naming_the_fact_and_field(tmp_path, root, edit, field):
    course = _course(tmp_path, root, edit(FACTS))
    with pytest.raises(InputError) as caught:
        load_facts(course)
    assert caught.value.parameter == field
    assert re.search(r"\d 番目", caught.value.message_ja) and "Fact" in caught.value.message_en
