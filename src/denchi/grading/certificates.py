"""Printable A4 certificates for a class contest, one page per student, from the contest CSV.

    denchi grade contest u04_cell_design --format csv --output contest.csv
    denchi grade certificates contest.csv --event "セル設計コンテスト" --date 2026-07-10 \\
        --issuer "○○高校 電池研究会" --output certificates.html

The CSV is the one ``denchi grade contest --format csv`` writes
(:data:`denchi.grading.contest.HEADER`); a teacher may add a column ``氏名 name`` in a
spreadsheet to print names instead of student ids. A ranked student gets 「第 N 位」 with the
design's Wh/kg, every other student a certificate of participation (``ranked_only`` leaves
them out). The page is one self-contained HTML file: the CSS sets A4 landscape pages
(CSS Paged Media, ``@page { size: A4 landscape }``) and a page break after each certificate, so
a browser's 「印刷」 prints one certificate per sheet; it loads nothing from another host and
escapes every value of the CSV (names come from an LMS).
"""

from __future__ import annotations

import csv
import html
import io
from datetime import date

from denchi.grading.contest import HEADER
from denchi.grading.errors import GradingError

RANK, STUDENT, WH_KG = HEADER[0], HEADER[1], HEADER[2]
NAME = "氏名 name"  # the optional column a teacher adds
CSS = """
@page { size: A4 landscape; margin: 0; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Serif CJK JP", "Hiragino Mincho ProN", "Yu Mincho", serif; }
.certificate { width: 297mm; height: 210mm; padding: 18mm; page-break-after: always;
  break-after: page; display: flex; }
.frame { flex: 1; border: 3mm double #1f4e79; padding: 14mm 20mm; text-align: center;
  display: flex; flex-direction: column; justify-content: space-between; }
h1 { font-size: 30pt; letter-spacing: 0.5em; margin: 0; }
.award { font-size: 24pt; margin: 0; }
.name { font-size: 26pt; border-bottom: 1px solid #333; display: inline-block; padding: 0 12mm; }
.body { font-size: 15pt; line-height: 1.8; }
.footer { font-size: 13pt; display: flex; justify-content: space-between; }
@media screen { body { background: #ddd; } .certificate { margin: 8mm auto; background: #fff; } }
"""


def _rows(csv_text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    missing = [c for c in (RANK, STUDENT, WH_KG) if c not in (reader.fieldnames or [])]
    if missing:
        raise GradingError(
            f"コンテストの CSV に列 {', '.join(missing)} がありません。denchi grade contest "
            "--format csv で書き出したファイルを指定してください（列の名前は変えないでください）。",
            f"The contest CSV lacks the column(s) {', '.join(missing)}; give the file that "
            "`denchi grade contest --format csv` writes (keep its column names).",
        )
    rows = [row for row in reader if (row.get(STUDENT) or "").strip()]
    if not rows:
        raise GradingError(
            "コンテストの CSV に生徒の行がありません。", "The contest CSV has no student rows."
        )
    for row in rows:
        rank = (row.get(RANK) or "").strip()
        if rank and not rank.isdigit():
            raise GradingError(
                f"{row[STUDENT]} の順位「{rank}」が整数ではありません。",
                f"The rank of {row[STUDENT]} ({rank!r}) is not a whole number.",
            )
    return rows


def certificates_html(
    csv_text: str,
    *,
    event: str,
    issued: date,
    issuer: str,
    ranked_only: bool = False,
) -> str:
    """An HTML document with one A4 landscape certificate per student of a contest.

    Args:
        csv_text: The contest table as ``denchi grade contest --format csv`` writes it (a
            UTF-8 BOM is allowed); an added ``氏名 name`` column is printed instead of the id.
        event: The contest's name, e.g. 「セル設計コンテスト」.
        issued: The day printed on the certificates.
        issuer: Who awards them (school, teacher), printed at the bottom.
        ranked_only: Leave out the students without a rank (designs that missed the rule).

    Returns:
        The document (``<!DOCTYPE html>``), certificates in the CSV's order; ranked ones say
        「第 N 位」 and the design's Wh/kg, the others 「参加証」.

    Raises:
        GradingError: the CSV lacks the rank, student or Wh/kg column, has no student row, or
            a rank is not a whole number; or ``ranked_only`` leaves no certificate.
    """
    pages = []
    for row in _rows(csv_text):
        rank = (row.get(RANK) or "").strip()
        if ranked_only and not rank:
            continue
        who = (row.get(NAME) or "").strip() or row[STUDENT].strip()
        if rank:
            title, award = "賞状", f"第 {int(rank)} 位"
            body = (
                f"あなたは「{event}」において、設計した電池のエネルギー密度 "
                f"{(row.get(WH_KG) or '').strip()} Wh/kg で優秀な成績を収めました。"
                "よってこれを賞します。"
            )
        else:
            title, award = "参加証", "参加"
            body = (
                f"あなたは「{event}」に参加し、自分の電池を設計して性能を確かめました。"
                "その取り組みをたたえます。"
            )
        pages.append(
            '<section class="certificate"><div class="frame">'
            f"<h1>{html.escape(title)}</h1>"
            f'<p class="award">{html.escape(award)}</p>'
            f'<p><span class="name">{html.escape(who)}</span> さん</p>'
            f'<p class="body">{html.escape(body)}</p>'
            f'<div class="footer"><span>{issued.year} 年 {issued.month} 月 {issued.day} 日</span>'
            f"<span>{html.escape(issuer)}</span></div>"
            "</div></section>"
        )
    if not pages:
        raise GradingError(
            "順位の付いた生徒がいないため、賞状がありません"
            "（--ranked-only を外すと参加証をつくります）。",
            "No student has a rank, so there is no certificate (without --ranked-only every "
            "student gets a certificate of participation).",
        )
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        f"<title>{html.escape(event)}</title><style>{CSS}</style></head>\n<body>\n"
        + "\n".join(pages)
        + "\n</body></html>\n"
    )
