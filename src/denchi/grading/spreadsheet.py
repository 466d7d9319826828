"""CSV files that spreadsheets open safely: one writer for every CSV the project produces.

- UTF-8 with a byte-order mark (BOM): Excel needs it to read Japanese; Moodle's grade import
  strips it.
- A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
  written with a single quote in front, so Excel, LibreOffice and Google Sheets show it as
  text instead of running it as a formula ("CSV injection"; the OWASP recommendation:
  https://owasp.org/www-community/attacks/CSV_Injection). Numbers, and text that is a plain
  number such as ``-1.5``, are written as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet should receive it (see the module's description).

    Args:
        value: A cell's value; only strings are changed.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if PLAIN_NUMBER.match(value):
        return value
    return "'" + value


def csv_text(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    """The whole CSV file as text, BOM first, every cell made safe.

    Args:
        header: The column names.
        rows: The rows, each an iterable of cell values.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return BOM + out.getvalue()


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[object]]) -> Path:
    """Write :func:`csv_text` to ``path`` (its folder is created).

    Args:
        path: The CSV file to write.
        header: The column names.
        rows: The rows, each an iterable of cell values.

    Raises:
        OSError: if the folder or the file cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(csv_text(header, rows), encoding="utf-8", newline="")
    return path
