"""The teacher-training slides (denchi.slides, `python3 dev.py slides`): built from the kit's
slide page by Sphinx's revealjs builder, every section a slide, the book's figures in it, A4
slides for handouts, and nothing loaded from another host."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from denchi.slides import SLIDE_PAGE, SLIDE_SIZE, build_slides

# elements whose URL the browser loads by itself (an <a href> is only followed when clicked)
LOADING = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
           ("source", "src"), ("video", "src"), ("audio", "src"), ("object", "data"),
           ("embed", "src")}  # fmt: skip
OUTSIDE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, //host
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.I)


class _Loads(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.headings: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in LOADING and value:
                self.urls.append(value)
            if name == "style" and value:
                self.urls += CSS_URL.findall(value)
        if tag in ("h1", "h2"):
            self._heading = []

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)

    def handle_endtag(self, tag):
        if tag in ("h1", "h2") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None


@pytest.fixture(scope="module")
def deck(tmp_path_factory, root) -> Path:
    return build_slides(tmp_path_factory.mktemp("slides") / "t01", root)


def _section_titles(root: Path) -> list[str]:
    text = (root / SLIDE_PAGE).read_text(encoding="utf-8")
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)  # no code or directives
    return re.findall(r"^#{1,2} (.+)$", text, re.M)


def test_every_section_of_the_page_is_a_slide_with_its_title(deck, root):
    page = _Loads()
    page.feed(deck.read_text(encoding="utf-8"))
    titles = _section_titles(root)
    assert len(titles) >= 8 and titles[0].startswith("電池の授業を始める")
    assert [h.rstrip("¶#") for h in page.headings] == titles
    assert deck.read_text(encoding="utf-8").count("<section") >= len(titles)


def test_the_book_s_figures_are_on_the_slides_with_their_alt_text(deck):
    html = deck.read_text(encoding="utf-8")
    images = re.findall(r'<img alt="([^"]+)" src="(_images/[^"]+\.png)"', html)
    assert len(images) == 2, images
    assert all((deck.parent / src).stat().st_size > 10_000 for _, src in images)
    assert "リチウムイオン電池の断面" in images[0][0] and "サプライチェーン" not in images[0][0]


def test_the_slides_load_nothing_from_another_host(deck):
    page = _Loads()
    page.feed(deck.read_text(encoding="utf-8"))
    assert any(u.startswith("_static/revealjs/dist/reveal.js") for u in page.urls), page.urls
    outside = [u for u in page.urls if OUTSIDE.match(u)]
    assert not outside, outside
    # every stylesheet the page loads, and what those import, in turn (the wheel ships other
    # reveal.js themes that import web fonts; the deck does not load them)
    pending = [deck.parent / u.split("?")[0] for u in page.urls]
    seen: set[Path] = set()
    while pending:
        path = pending.pop().resolve()
        if path in seen:
            continue
        seen.add(path)
        assert path.is_file(), path
        if path.suffix == ".css":
            urls = CSS_URL.findall(path.read_text(encoding="utf-8"))
            assert not [u for u in urls if OUTSIDE.match(u)], (path, urls)
            local = [u for u in urls if not u.startswith("data:")]  # inline: loads nothing
            pending += [path.parent / u.split("?")[0].split("#")[0] for u in local]
    assert any(p.name == "white.css" for p in seen)


def test_slides_are_a4_landscape_one_per_page_and_cite_the_seed(deck):
    html = deck.read_text(encoding="utf-8")
    width, height = SLIDE_SIZE
    assert abs(width / height - 297 / 210) < 0.01
    config = re.search(r"Object\.assign\(revealjsConfig, (\{.*?\})\);", html).group(1)
    assert f'"width": {width}' in config and f'"height": {height}' in config
    assert '"margin": 0' in config and '"pdfMaxPagesPerSlide": 1' in config
    assert "116" in html and "footcite-meti2023strategy" in html


def test_building_the_slides_leaves_docutils_as_it_found_it(tmp_path, root):
    """Sphinx registers its nodes, directives and roles in docutils' global tables; a build
    in this process (``dev.py slides`` and the tests call it so) must undo that, as
    ``sphinx-build`` does, or the next Sphinx app here warns "node class … is already
    registered" and fails under -W (the full suite's test_notebook_downloads did)."""
    from docutils import nodes
    from docutils.parsers.rst import directives, roles

    def tables():
        return (
            {n for n in dir(nodes.GenericNodeVisitor) if n.startswith("visit_")},
            set(directives._directives),
            set(roles._roles),
        )

    before = tables()
    build_slides(tmp_path / "t01", root)
    assert tables() == before
