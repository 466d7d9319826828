"""The download links of a built page (book/_ext/notebook_downloads.py), for the tiny-project
test (tests/test_notebook_downloads.py) and the built book (tests/test_book.py)."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

_DOWNLOAD = re.compile(r'<a class="reference download external" download="" href="([^"]+)">')


def download_links(page: Path) -> list[str]:
    """The ``href`` of each download link of an HTML page, as written (relative)."""
    return _DOWNLOAD.findall(page.read_text(encoding="utf-8"))


def linked_file(page: Path, href: str) -> Path:
    """The file a relative ``href`` of ``page`` points to (it must stay inside the site)."""
    assert "://" not in href and not href.startswith("/"), f"not relative: {href}"
    return (page.parent / urllib.parse.unquote(href)).resolve()
