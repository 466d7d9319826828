"""Every available intro-track module has a printable A4 worksheet (modules/<id>/90_worksheet.md).

A worksheet is the last page of its module, holds questions only (no answers, no dropdowns),
and uses only the ws-* classes that book/_static/denchi.css defines for screen and print.
"""

from __future__ import annotations

import re

import pytest

WORKSHEET = "90_worksheet.md"
WS_CLASS = re.compile(r"\bws-[a-z0-9-]+")


def _intro_modules(catalog):
    return [m for m in catalog.in_track("intro") if m.available]


def _worksheets(catalog, root):
    return [root / "modules" / m.id / WORKSHEET for m in _intro_modules(catalog)]


def test_every_available_intro_module_has_a_worksheet_as_its_last_page(catalog, root):
    assert _intro_modules(catalog)
    for m in _intro_modules(catalog):
        pages = sorted(p.name for p in (root / "modules" / m.id).glob("[0-9]*.md"))
        assert pages and pages[-1] == WORKSHEET, f"{m.id}: last page is {pages[-1:]}"


def test_the_worksheet_closes_its_module_after_the_labs(catalog, root):
    from denchi.book import module_pages

    for m in _intro_modules(catalog):
        pages = module_pages(catalog, m, root)
        assert pages[-1] == f"modules/{m.id}/90_worksheet", pages
        assert any(p.startswith("labs/") for p in pages[:-1]), pages


def test_worksheets_hold_questions_but_no_answers(catalog, root):
    for path in _worksheets(catalog, root):
        text = path.read_text(encoding="utf-8")
        assert "ws-name" in text, f"{path}: no name line"
        assert text.count("ws-question") >= 5, f"{path}: fewer than five questions"
        for forbidden in ("dropdown", "答えを見る", "BEGIN SOLUTION"):
            assert forbidden not in text, f"{path} contains {forbidden!r}"


def test_worksheet_classes_are_defined_in_the_stylesheet(catalog, root):
    css = (root / "book" / "_static" / "denchi.css").read_text(encoding="utf-8")
    defined = set(re.findall(r"\.(ws-[a-z0-9-]+)", css))
    for path in _worksheets(catalog, root):
        used = set(WS_CLASS.findall(path.read_text(encoding="utf-8")))
        assert used <= defined, f"{path}: undefined classes {sorted(used - defined)}"


def test_print_stylesheet_sets_a4_and_hides_the_screen_only_parts(root):
    css = (root / "book" / "_static" / "denchi.css").read_text(encoding="utf-8")
    print_block = css[css.index("@media print") :]
    assert "size: A4" in print_block
    assert ".ws-screen-only" in print_block and "display: none" in print_block
    assert ".ws-pagebreak { break-before: page; }" in print_block


@pytest.mark.book
@pytest.mark.xdist_group("book")
def test_worksheets_are_built_with_their_answer_spaces(built_book, catalog):
    for m in _intro_modules(catalog):
        html = (built_book / "modules" / m.id / "90_worksheet.html").read_text(encoding="utf-8")
        assert 'class="ws-box' in html or 'class="ws-lines' in html, m.id
        assert "ws-question" in html and "ws-screen-only" in html, m.id
