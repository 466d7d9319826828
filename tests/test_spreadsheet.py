"""The one CSV writer of the project: cells a spreadsheet would run as a formula are written
as text (OWASP "CSV Injection": prefix a single quote); plain numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from denchi.grading.spreadsheet import BOM, csv_text, safe_cell


@pytest.mark.parametrize(
    "value, written",
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("@SUM(1)", "'@SUM(1)"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-1 太郎", "'-1 太郎"),
        ("-1+1", "'-1+1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        # a plain number as text runs nothing; it is kept as the spreadsheet's number
        ("+1", "+1"),
        ("-1", "-1"),
        ("-1.5e3", "-1.5e3"),
        ("山田 花子", "山田 花子"),
        ("", ""),
        (-1.5, -1.5),
        (3, 3),
        (None, None),
    ],
)
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_csv_text_escapes_header_and_rows_and_starts_with_the_bom():
    text = csv_text(["=name", "score"], [['=HYPERLINK("x")', 3], ["@SUM(1)", -1]])
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows == [["'=name", "score"], ['\'=HYPERLINK("x")', "3"], ["'@SUM(1)", "-1"]]
