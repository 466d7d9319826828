"""The book builds from a clean checkout with every notebook executed (warnings are errors)."""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import shutil
import subprocess
import tempfile
import threading
import urllib.parse
import zipfile

import edition_secrets
import pytest
from edition_secrets import flat
from notebook_links import download_links, linked_file

pytestmark = [pytest.mark.book, pytest.mark.xdist_group("book")]


def test_h04_pages_are_in_the_html(built_book, teacher_book, catalog, root):
    from denchi.book import module_pages

    module = catalog.module("h04_lithium_ion")
    for page in module_pages(catalog, module, root):
        html = built_book / f"{page}.html"
        assert html.is_file(), page
    guide = teacher_book / "teacher_guides" / "h04_lithium_ion.html"
    assert "課題の解答" in guide.read_text(encoding="utf-8")


def test_guides_link_to_the_questions_of_their_answer_keys(teacher_book):
    """「課題の問 2」 in a guide is a link to the question's target in the answer key below it
    (denchi.grading.answer_key.question_target), not typed text."""
    guides = sorted((teacher_book / "teacher_guides").glob("*.html"))
    links = 0
    for guide in guides:
        html = guide.read_text(encoding="utf-8")
        for anchor in re.findall(r'href="#([a-z0-9-]+-q\d+)"', html):
            assert f'id="{anchor}"' in html, f"{guide.name}: #{anchor} has no target"
            links += 1
    assert links >= 30
    h02 = (teacher_book / "teacher_guides" / "h02_redox_cells.html").read_text(encoding="utf-8")
    assert '<a class="reference internal" href="#h02-redox-cells-q2">' in h02
    assert '<span class="std std-ref">課題の問 2</span></a>' in h02


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


# the pages that hold a static explorer (denchi.explorers)
EXPLORER_PAGES = (
    "labs/h04_lithium_ion/index",
    "labs/h06_build_a_cell/index",
    "labs/h07_safety/index",
    "labs/h08_environment/index",
    "labs/u01_electrochemistry/index",
    "labs/u02_materials/index",
    "labs/u03_modeling/index",
    "labs/u05_manufacturing/index",
    "labs/u06_quality/index",
    "labs/u04_cell_design/index",
    "labs/u08_sustainability/index",
    "labs/u07_safety_standards/index",
    "labs/u09_next_generation/index",
    "labs/h01_society/index",
    "labs/h02_redox_cells/index",
    "labs/h05_factory_tour/index",
    "labs/h09_careers/index",
    "labs/e01_capacity_rate/index",
    "labs/e05_thermal/index",
    "labs/h03_battery_types/index",
)


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
    # the static explorers' pages load BokehJS from the book's own _static, and only they do
    script = re.compile(r'<script\b[^>]*\bsrc="([^"]*)"')
    for page in _pages(built_book):
        html = page.read_text(encoding="utf-8")
        bokeh = [src for src in script.findall(html) if "/bokeh/" in src]
        name = page.relative_to(built_book).as_posix()
        if name.removesuffix(".html") not in EXPLORER_PAGES:
            assert not bokeh, f"{name} loads BokehJS but holds no explorer"
            continue
        assert 'class="denchi-explorer"' in html and "画面では動きません" not in html, name
        assert len(bokeh) == 2 and "cdn.bokeh.org" not in html, (name, bokeh)
        for src in bokeh:
            assert (page.parent / src.split("?")[0]).resolve().is_file(), (name, src)


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


# ---- the student edition gives no answers away -------------------------------------------

TEXT_SUFFIXES = {".html", ".js", ".txt", ".md", ".ipynb", ".json", ".py", ".yml", ".inv"}


def _published_text(folder) -> dict[str, str]:
    """Every file a visitor can download from an edition, as flat text (images left out)."""
    return {
        str(p.relative_to(folder)): flat(p.read_text(encoding="utf-8", errors="replace"))
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in TEXT_SUFFIXES and "_static" not in p.parts
    }


def test_the_student_edition_shows_no_answers(built_editions, root, catalog):
    """No solution code, computed answer, teacher-guide sentence or teacher-only block in any
    file of the student edition (pages, search index, sources) or its notebook copies; all of
    them in the teacher edition, so this test can fail."""
    secrets = edition_secrets.secrets(root, catalog)
    assert len(secrets) > 200, "too few needles: the test would prove nothing"
    # the student notebook copies are published in the edition's folder (notebooks/), and
    # the zip of them all is read member by member
    notebooks = built_editions["student"] / "notebooks"
    assert any(notebooks.rglob("*.ipynb")), "the student build writes the notebook copies"
    student = _published_text(built_editions["student"])
    assert any(name.startswith("notebooks/") for name in student)
    with zipfile.ZipFile(notebooks / "denchi-notebooks.zip") as archive:
        student |= {
            f"denchi-notebooks.zip:{name}": flat(archive.read(name).decode("utf-8"))
            for name in archive.namelist()
        }
    teacher = "\n".join(_published_text(built_editions["teacher"]).values())
    leaks = [
        (needle, origin, name)
        for needle, origin in secrets.items()
        for name, text in student.items()
        if needle in text
    ]
    assert not leaks, f"{len(leaks)} answers in the student edition, e.g. {leaks[:8]}"
    missing = [(n, o) for n, o in secrets.items() if n not in teacher]
    assert not missing, f"the teacher edition lacks {len(missing)}, e.g. {missing[:8]}"
    # the h-answers as numbers with their units, outputs of code cells included (the sources
    # without outputs: tests/test_answer_leaks.py); each is in the teacher guide's table
    shown = edition_secrets.leaked_values(root, catalog, student)
    assert not shown, f"{len(shown)} graded values on the intro pages, e.g. {shown[:8]}"
    values = [
        v
        for m in catalog.available()
        if m.id.startswith("h") and m.assignment
        for v in edition_secrets.graded_values(root, m.assignment)
    ]
    assert len(values) > 20 and all(v.shown_in(teacher) for v in values)


def test_every_learner_page_links_its_notebook_copy(built_editions, root):
    """Each lesson and lab page of the student edition links its own notebook copy and the
    zip (book/_ext/notebook_downloads.py), relatively, and both files are published."""
    from denchi.book import learner_pages

    student = built_editions["student"]
    for source in learner_pages(root):
        docname = source.relative_to(root).with_suffix("").as_posix()
        page = student / f"{docname}.html"
        files = [linked_file(page, href) for href in download_links(page)]
        assert files == [
            (student / "notebooks" / f"{docname}.ipynb").resolve(),
            (student / "notebooks" / "denchi-notebooks.zip").resolve(),
        ], docname
        assert all(f.is_file() for f in files), docname
    top = student / "book" / "index.html"
    assert [linked_file(top, h).name for h in download_links(top)] == ["denchi-notebooks.zip"]
    teacher = built_editions["teacher"]
    assert not (teacher / "notebooks").exists()
    assert not download_links(teacher / "modules" / "h04_lithium_ion" / "index.html")


def test_the_student_edition_has_no_teacher_pages_links_or_sources(built_editions):
    student, teacher = built_editions["student"], built_editions["teacher"]
    assert not (student / "teacher_guides").exists()
    assert (teacher / "teacher_guides" / "h02_redox_cells.html").is_file()
    assert not (student / "_sources").exists(), "page sources hold the teacher-only blocks"
    index = (student / "searchindex.js").read_text(encoding="utf-8")
    assert "teacher_guides/" not in index and "book/teaching/" not in index
    assert "teacher_guides/" in (teacher / "searchindex.js").read_text(encoding="utf-8")
    for page in _pages(student):
        text = page.read_text(encoding="utf-8")
        assert "teacher_guides/" not in text and "download-source-button" not in text, page


# ---- in a real browser: search, math fonts, screenshots ----------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--virtual-time-budget=10000",
]
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="apt-get install chromium")


@contextlib.contextmanager
def _serving(folder):
    """Serve ``folder`` on 127.0.0.1; yields (base URL, list of (status, path) requested)."""
    requests: list[tuple[int, str]] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_request(self, code="-", size="-"):
            requests.append((int(code), self.path))

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def _chromium(*args: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=180,
        )
    return result.stdout


def _search_hits(base: str, query: str) -> int:
    dom = _chromium("--dump-dom", f"{base}/search.html?q={urllib.parse.quote(query)}")
    results = re.search(r'<ul class="search">(.*?)</ul>', dom, re.S)
    assert results is not None, f"no search results list for {query}: {dom[-500:]}"
    return results.group(1).count("<li")


def _pages_containing(folder, word: str) -> list[str]:
    """Pages whose article (not the navigation) holds ``word`` (spaces ignored: the pages
    write 「C レート」, a learner types 「Cレート」)."""
    article = re.compile(r'<article class="bd-article".*?</article>', re.S)
    return [
        str(p.relative_to(folder))
        for p in _pages(folder)
        if p.name not in ("search.html", "genindex.html")
        for m in [article.search(p.read_text(encoding="utf-8"))]
        if m and word.replace(" ", "") in flat(m.group(0)).replace(" ", "")
    ]


@needs_chromium
@pytest.mark.parametrize("query", ["リチウムイオン電池", "内部抵抗", "鉛蓄電池", "Cレート"])
def test_japanese_compound_words_are_found_in_the_browser(built_book, query):
    """Search finds the pages whose text holds the word (before: 1 of 49 pages for
    リチウムイオン電池, 0 of 21 for 内部抵抗, 2 of 13 for 鉛蓄電池).

    TinySegmenter splits a word by its neighbours, so a page can hold a word split otherwise
    (鉛蓄電池 in a table cell of the intro track page): nine pages in ten must be found."""
    holding = _pages_containing(built_book, query)
    assert holding, f"no page holds {query}: the test would prove nothing"
    with _serving(built_book) as (base, _):
        assert _search_hits(base, query) >= 0.9 * len(holding), (query, holding)


@needs_chromium
@pytest.mark.parametrize("page", EXPLORER_PAGES)
def test_explorer_pages_load_every_file_they_ask_for(built_book, page):
    """The page and BokehJS come from the book's server; nothing is missing."""
    with _serving(built_book) as (base, requests):
        _chromium("--dump-dom", f"{base}/{page}.html")
    assert any("/_static/bokeh/bokeh-" in path for _, path in requests), requests[-10:]
    missing = [path for status, path in requests if status >= 400 and path != "/favicon.ico"]
    assert not missing, f"not served: {missing}"


@needs_chromium
def test_math_loads_every_font_and_file_it_asks_for(built_book):
    """MathJax's fonts and scripts are all served (a 404 leaves math in a fallback font)."""
    with _serving(built_book) as (base, requests):
        dom = _chromium("--dump-dom", f"{base}/labs/e05_thermal/index.html")
    assert "MathJax" in dom and 'class="MathJax' in dom, "MathJax did not typeset the page"
    assert any("/fonts/HTML-CSS/STIX-Web/" in path for _, path in requests), requests[-10:]
    missing = [path for status, path in requests if status >= 400 and path != "/favicon.ico"]
    assert not missing, f"not served: {missing}"


@needs_chromium
@pytest.mark.parametrize(
    "edition, page",
    [
        ("student", "labs/h04_lithium_ion/index.html"),
        ("teacher", "teacher_guides/h02_redox_cells.html"),
        ("student", "search.html?q=%E5%86%85%E9%83%A8%E6%8A%B5%E6%8A%97"),  # 内部抵抗
    ],
)
def test_screenshots_of_a_student_page_a_teacher_page_and_a_search(
    built_editions, edition, page, tmp_path
):
    """The page renders to a picture with content (not blank, not an error page)."""
    from matplotlib.image import imread

    shot = tmp_path / "page.png"
    with _serving(built_editions[edition]) as (base, requests):
        _chromium(f"--screenshot={shot}", "--window-size=1280,900", f"{base}/{page}")
    assert shot.is_file(), "no screenshot"
    pixels = imread(shot)
    assert pixels.shape[:2] == (900, 1280)
    assert pixels.std() > 0.05, "the screenshot is blank"
    assert all(status < 400 or path == "/favicon.ico" for status, path in requests), requests


@needs_chromium
def test_the_zip_opens_offline_with_search(built_book, tmp_path):
    """The student edition as one zip (dev.py zip), unzipped and opened from the disk with no
    server: the pages load, Japanese search works and the notebook copies are inside."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "denchi_dev_zip", built_book.parents[2] / "dev.py"
    )
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    archive = dev.zip_edition(built_book, tmp_path / "book.zip")
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "shared_drive")
    folder = tmp_path / "shared_drive" / "denchi-book"
    dom = _chromium("--dump-dom", (folder / "index.html").as_uri())
    assert "電池" in dom, "the start page did not open from the disk"
    query = urllib.parse.quote("内部抵抗")
    dom = _chromium("--dump-dom", f"{(folder / 'search.html').as_uri()}?q={query}")
    results = re.search(r'<ul class="search">(.*?)</ul>', dom, re.S)
    assert results is not None and results.group(1).count("<li") >= 1, dom[-400:]
    page = folder / "modules" / "h04_lithium_ion" / "01_structure.html"
    files = [linked_file(page, href) for href in download_links(page)]
    assert len(files) == 2, files
    assert all(f.is_file() and folder.resolve() in f.parents for f in files), files
