"""Printable contest certificates (denchi.grading.certificates, `denchi grade certificates`):
one A4 page per student from the contest CSV, ranked ones first as the table orders them,
values from the CSV escaped, nothing loaded from another host, bad input refused plainly."""

from __future__ import annotations

import argparse
import csv
import io
import re
from datetime import date

import pytest
from test_grading_contest import fake_rule, hand_in

from denchi.grading import commands
from denchi.grading.certificates import NAME, certificates_html
from denchi.grading.contest import contest_rows, to_csv
from denchi.grading.errors import GradingError

ISSUED = date(2026, 7, 10)


@pytest.fixture
def table(tmp_path) -> str:
    """A contest CSV of four students: two ranked (thin designs), one over the rule, one
    unreadable, as `denchi grade contest --format csv` writes it."""
    for student, thickness in (("s01", 80), ("s02", 95), ("s03", 140)):
        hand_in(tmp_path, student, f"q4_positive_thickness_um = {thickness}\n"
                "q4_positive_porosity = 0.3\nq4_np_ratio = 1.1")  # fmt: skip
    hand_in(tmp_path, "s04", "q4_positive_thickness_um = float(input())")
    return to_csv(contest_rows(tmp_path, "u04_cell_design", evaluate=fake_rule))


def _certificates(page: str) -> list[str]:
    return re.findall(r'<section class="certificate">(.*?)</section>', page, re.S)


def test_one_a4_certificate_per_student_in_the_table_s_order(table):
    page = certificates_html(table, event="セル設計コンテスト", issued=ISSUED, issuer="電池高校")
    pages = _certificates(page)
    assert len(pages) == 4
    assert "第 1 位" in pages[0] and "s02" in pages[0] and "295.0 Wh/kg" in pages[0]
    assert "第 2 位" in pages[1] and "s01" in pages[1]
    assert all("参加証" in p and "位" not in p for p in pages[2:])
    assert all("2026 年 7 月 10 日" in p and "電池高校" in p for p in pages)
    assert "size: A4 landscape" in page and "page-break-after: always" in page
    assert not re.search(r"(src|href)=|url\(|@import|https?://", page)
    ranked = certificates_html(table, event="E", issued=ISSUED, issuer="I", ranked_only=True)
    assert len(_certificates(ranked)) == 2


def test_a_name_column_is_printed_and_every_csv_value_is_escaped(table):
    rows = list(csv.reader(io.StringIO(table)))
    rows[0].append(NAME)
    rows[1].append('<script>alert("x")</script>山田')
    for row in rows[2:]:
        row.append("")
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    page = certificates_html(
        "\ufeff" + out.getvalue(), event="<b>大会</b>", issued=ISSUED, issuer="A & B"
    )
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;山田" in page
    assert "A &amp; B" in page
    assert "s01" in _certificates(page)[1]  # no name given: the id


@pytest.mark.parametrize(
    "text, words",
    [
        ("学籍番号 student,Wh/kg\ns01,200\n", "順位 rank"),
        ("順位 rank,学籍番号 student,Wh/kg\n", "生徒の行"),
        ("順位 rank,学籍番号 student,Wh/kg\n一,s01,200\n", "整数"),
        ("順位 rank,学籍番号 student,Wh/kg\n,s01,200\n", "順位の付いた"),
    ],
)
def test_a_csv_it_cannot_use_is_refused_saying_why(text, words):
    with pytest.raises(GradingError) as caught:
        certificates_html(text, event="E", issued=ISSUED, issuer="I", ranked_only=True)
    assert words in caught.value.message_ja and caught.value.message_en


def test_the_command_writes_the_page_and_refuses_a_bad_date(table, tmp_path, capsys):
    parser = argparse.ArgumentParser()
    commands.configure(parser)
    csv_file = tmp_path / "contest.csv"
    csv_file.write_text(table, encoding="utf-8-sig")
    out = tmp_path / "certificates.html"
    common = ["certificates", str(csv_file), "--event", "E", "--issuer", "I", "--output", str(out)]
    args = parser.parse_args([*common, "--date", "2026-07-10"])
    assert args.func(args) == 0 and len(_certificates(out.read_text(encoding="utf-8"))) == 4
    args = parser.parse_args([*common, "--date", "7月10日"])
    assert args.func(args) == 2 and "年-月-日" in capsys.readouterr().err
