"""The book builds from a clean checkout with every notebook executed (warnings are errors)."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = [pytest.mark.book, pytest.mark.xdist_group("book")]


def test_h04_pages_are_in_the_html(built_book, teacher_book, catalog, root):
    from denchi.book import module_pages

    module = catalog.module("h04_lithium_ion")
    for page in module_pages(catalog, module, root):
        html = built_book / f"{page}.html"
        assert html.is_file(), page
    guide = teacher_book / "teacher_guides" / "h04_lithium_ion.html"
    assert "課題の解答" in guide.read_text(encoding="utf-8")


def test_executed_figures_are_in_the_lab_page(built_book):
    html = (built_book / "labs" / "h04_lithium_ion" / "index.html").read_text(encoding="utf-8")
    assert html.count("<img") >= 2, "the lab page should show its simulated discharge curves"
    assert "Traceback" not in html and "Error" not in html


def test_track_page_marks_planned_modules(built_book, catalog):
    html = (built_book / "book" / "tracks" / "intro.html").read_text(encoding="utf-8")
    for m in catalog.in_track("intro"):
        assert m.title_ja in html
    assert html.count("準備中") >= sum(not m.available for m in catalog.in_track("intro"))
    assert 'href="../../modules/h04_lithium_ion/index.html"' in html


def test_japanese_search_index(built_book):
    text = (built_book / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(re.search(r"Search\.setIndex\((.*)\)\s*$", text, re.S).group(1))
    terms = index["terms"]
    # Sphinx's Japanese splitter indexes words such as 電池 and 正極
    assert "電池" in terms and "正極" in terms
    html = (built_book / "search.html").read_text(encoding="utf-8")
    assert 'lang="ja"' in (built_book / "book" / "index.html").read_text(encoding="utf-8")
    assert "language_data.js" in html


def test_glossary_and_bibliography_pages(built_book):
    glossary = (built_book / "book" / "glossary.html").read_text(encoding="utf-8")
    assert "インターカレーション" in glossary
    bibliography = (built_book / "book" / "bibliography.html").read_text(encoding="utf-8")
    assert "10.1149/1945-7111/ab9050" in bibliography or "Chen" in bibliography


def _pages(built_book):
    return [p for p in built_book.rglob("*.html") if "_static" not in p.parts]


def test_pages_load_nothing_from_third_parties(built_book):
    """Learners' browsers talk only to the operator's server (no CDN, no analytics)."""
    external = re.compile(r'<(script|link|img|iframe)\b[^>]*\b(src|href)="(https?:)?//', re.I)
    offenders = [
        str(p.relative_to(built_book))
        for p in _pages(built_book)
        if external.search(p.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"pages that load third-party resources: {offenders}"
    mathjax = built_book / "_static" / "MathJax.js"
    assert mathjax.is_file(), "MathJax must be served from the book itself"


def test_japanese_lines_are_joined_without_spaces(built_book):
    cjk = "\u3040-\u30ff\u4e00-\u9fff"
    broken = re.compile(rf"[{cjk}]\n[{cjk}]")
    paragraph = re.compile(r"<p>(.*?)</p>", re.S)
    offenders = [
        (str(p.relative_to(built_book)), m.group(0))
        for p in _pages(built_book)
        for para in paragraph.findall(p.read_text(encoding="utf-8"))
        for m in [broken.search(para)]
        if m
    ]
    assert not offenders, offenders[:5]
