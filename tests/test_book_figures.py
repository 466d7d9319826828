"""Every image of both built editions says what it shows (issue 13).

A figure drawn by a code cell is written by MyST-NB as ``_images/<sha256>.png``; without
``mystnb.image.alt`` in the cell's metadata, Sphinx makes the file's path the ``alt`` text, so
a screen reader reads out a hash. The sources are checked without a build in
``tests/test_page_figures.py``; this checks what learners actually get.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = [pytest.mark.book, pytest.mark.xdist_group("book")]

HASHLIKE = re.compile(r"[0-9a-f]{16,}", re.I)
EQUATION_NUMBER = re.compile(r'<span class="eqno">\((\d+)\)')
CAPTION_NUMBER = re.compile(r'<span class="caption-number">([^<]*)</span>')
IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp)\s*$", re.I)


class _Images(HTMLParser):
    """Each ``<img>``: its src, its alt (None if absent), and whether it sits in a
    ``<figure>`` that has a ``<figcaption>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[dict] = []
        self._figures: list[list[dict]] = []  # images of each open <figure>
        self._captioned: list[bool] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "figure":
            self._figures.append([])
            self._captioned.append(False)
        elif tag == "figcaption" and self._captioned:
            self._captioned[-1] = True
        elif tag == "img":
            image = {
                "src": attributes.get("src", ""),
                "alt": attributes.get("alt"),
                "captioned": False,
            }
            self.images.append(image)
            if self._figures:
                self._figures[-1].append(image)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "figure" and self._figures:
            images, captioned = self._figures.pop(), self._captioned.pop()
            for image in images:
                image["captioned"] = captioned


def _images(html_file: Path) -> list[dict]:
    parser = _Images()
    parser.feed(html_file.read_text(encoding="utf-8"))
    parser.close()
    return parser.images


def _bad_alt(image: dict) -> str | None:
    alt = image["alt"]
    if alt is None or not alt.strip():
        return "no alt text"
    name = image["src"].rsplit("/", 1)[-1]
    if HASHLIKE.search(alt) or IMAGE_FILE.search(alt) or (name and name in alt):
        return f"alt is a file name: {alt!r}"
    return None


def _pages(html_dir: Path) -> list[Path]:
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts)


def _problems(html_dir: Path, pages: list[Path]) -> list[str]:
    problems = []
    for page in pages:
        for image in _images(page):
            where = f"{page.relative_to(html_dir).as_posix()}: {image['src']}"
            if (why := _bad_alt(image)) is not None:
                problems.append(f"{where}: {why}")
            elif "_images/" in image["src"] and not image["captioned"]:
                problems.append(f"{where}: a figure from a code cell without a caption")
    return problems


def test_the_checker_tells_a_hash_from_a_description():
    parser = _Images()
    parser.feed(
        '<figure><img alt="1C と 3C の放電曲線" src="../_images/ab.png">'
        "<figcaption><p>図 1</p></figcaption></figure>"
        '<img alt="../../_images/0f3c9e1d2b4a59687a0b1c2d3e4f5a6b.png" src="x/0f3c.png">'
        '<img src="y.png"><img alt="" src="z.png">'
    )
    described, hashed, missing, empty = parser.images
    assert _bad_alt(described) is None and described["captioned"]
    assert _bad_alt(hashed) and _bad_alt(missing) and _bad_alt(empty)


@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_every_image_says_what_it_shows(built_editions, edition):
    html_dir = built_editions[edition]
    pages = _pages(html_dir)
    assert any(_images(p) for p in pages), "no images found: is this the built book?"
    problems = _problems(html_dir, pages)
    assert not problems, "\n".join(problems)


def test_equations_are_numbered_page_by_page(built_editions):
    """「式 (1)」 on a lab page is that page's first equation (``math_numfig: false``), not a
    count through the whole book; ``{eq}`` references show the same numbers."""
    html_dir = built_editions["student"]
    numbered = {}
    for page in _pages(html_dir):
        numbers = [int(n) for n in EQUATION_NUMBER.findall(page.read_text(encoding="utf-8"))]
        if numbers:
            numbered[page.relative_to(html_dir).as_posix()] = numbers
    assert "labs/e01_capacity_rate/index.html" in numbered, sorted(numbered)
    wrong = {page: n for page, n in numbered.items() if n != list(range(1, len(n) + 1))}
    assert not wrong, wrong


@pytest.mark.parametrize("edition", ["student", "teacher"])
def test_figures_carry_no_number_counted_through_the_book(built_editions, edition):
    """A caption reads 「図 23」 on a page with two figures when Sphinx counts figures through
    the whole book (``numfig``): figures are named by their captions instead, and no page
    refers to a figure by number (``numfig: false`` in ``book/_config.yml``)."""
    html_dir = built_editions[edition]
    numbered = {
        page.relative_to(html_dir).as_posix(): CAPTION_NUMBER.findall(page.read_text("utf-8"))
        for page in _pages(html_dir)
    }
    assert not {page: n for page, n in numbered.items() if n}
