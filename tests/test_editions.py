"""The two editions without building the book: tables of contents, teacher-only links, the
Sphinx extension's decisions, the offline zip, the answer values and the query splitter."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _files(toc_data: dict) -> set[str]:
    found = {toc_data["root"]}

    def walk(entries):
        for entry in entries:
            found.add(entry.get("file"))
            walk(entry.get("sections", []) + entry.get("chapters", []))

    walk(toc_data["parts"])
    return found - {None}


def test_the_student_toc_leaves_out_every_teacher_page_and_nothing_else(catalog, root):
    from denchi.book import TEACHER_INDEX, TEACHING_DIR, toc

    student, teacher = _files(toc(catalog, root, "student")), _files(toc(catalog, root))
    guides = {
        catalog.paths(m).teacher_guide.with_suffix("").as_posix() for m in catalog.available()
    }
    teaching = {
        p.relative_to(root).with_suffix("").as_posix() for p in (root / TEACHING_DIR).glob("*.md")
    }
    kit = {p for m in catalog.in_track("teacher") if m.available for p in _module_pages(root, m)}
    assert guides and guides <= teacher and TEACHER_INDEX in teacher
    assert teacher - student == guides | {TEACHER_INDEX} | teaching | kit
    assert "modules/h04_lithium_ion/90_worksheet" in student


def _module_pages(root: Path, module) -> set[str]:
    folder = root / "modules" / module.id
    return {p.relative_to(root).with_suffix("").as_posix() for p in folder.glob("*.md")}


def test_the_teacher_training_kit_is_in_the_teacher_edition_only(catalog, root):
    """Issue 19: the kit (t01) is teacher-edition material; the student edition keeps the
    track page, which lists the kit without a link."""
    from denchi.book import toc

    kit = _module_pages(root, catalog.module("t01_teacher_training"))
    student, teacher = _files(toc(catalog, root, "student")), _files(toc(catalog, root))
    assert "modules/t01_teacher_training/index" in kit and len(kit) >= 2
    assert kit <= teacher
    assert not kit & student, sorted(kit & student)
    assert catalog.track("teacher").page in student
    assert catalog.teacher_only(catalog.module("t01_teacher_training"))
    assert not catalog.teacher_only(catalog.module("h04_lithium_ion"))


def test_the_track_page_links_a_teacher_only_module_only_in_a_teacher_block(catalog):
    """The track page runs once for both editions (one cached output), so its table may not
    link a page the student edition lacks; the link sits in an ``{only} teacher`` block."""
    from denchi.book import track_table

    text = track_table("teacher", catalog)
    table, _, block = text.partition("```{only} teacher")
    assert "/modules/t01_teacher_training/index" not in table
    assert "教員向け（教師用テキストにあります）" in table
    assert "/modules/t01_teacher_training/index" in block
    intro = track_table("intro", catalog)
    assert "/modules/h04_lithium_ion/index" in intro and "{only}" not in intro


def test_an_unknown_edition_is_refused(catalog, root):
    from denchi.book import output_dir, toc

    with pytest.raises(ValueError, match="student"):
        toc(catalog, root, "answers")
    with pytest.raises(ValueError, match="teacher"):
        output_dir(root, "public")


def test_the_module_overview_links_the_guide_in_the_teacher_edition_only():
    from denchi.book import module_overview

    text = module_overview("h04_lithium_ion")
    block = text[text.index("```{only} teacher") :]
    assert "/teacher_guides/h04_lithium_ion" in block
    assert "/teacher_guides/" not in text[: text.index("```{only} teacher")]


def test_student_pages_link_to_teacher_pages_only_inside_teacher_blocks(catalog, root):
    """Every link to a page the student edition lacks sits in an ``{only} teacher`` block."""
    from denchi.book import toc

    student = _files(toc(catalog, root, "student"))
    teacher_only = _files(toc(catalog, root)) - student
    offenders = []
    for name in sorted(student):
        path = root / f"{name}.md"
        if not path.is_file():
            continue
        depth = 0
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip("`").startswith("{only} teacher"):
                depth += 1
            elif depth and line.strip() in ("```", "````"):
                depth -= 1
            elif not depth and any(f"/{page}`" in line for page in teacher_only):
                offenders.append(f"{name}.md:{number}")
    assert not offenders, offenders


@pytest.fixture(scope="module")
def editions_ext():
    return _load("denchi_editions_ext", ROOT / "book" / "_ext" / "editions.py")


class _App:
    def __init__(self, *tags: str) -> None:
        from sphinx.util.tags import Tags

        self.tags = Tags(list(tags))


def test_a_build_without_an_edition_tag_is_the_student_edition(editions_ext):
    from types import SimpleNamespace

    config = SimpleNamespace(html_copy_source=True, html_show_sourcelink=True)
    app = _App()
    editions_ext._configure(app, config)
    assert editions_ext.edition(app) == "student"
    assert config.html_copy_source is False and config.html_show_sourcelink is False
    teacher = SimpleNamespace(html_copy_source=True, html_show_sourcelink=True)
    editions_ext._configure(_App("teacher"), teacher)
    assert teacher.html_copy_source is True


def test_both_edition_tags_at_once_are_refused(editions_ext):
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match="one edition"):
        editions_ext.edition(_App("student", "teacher"))


def test_a_missing_link_is_forgiven_only_inside_a_block_this_edition_leaves_out(editions_ext):
    from docutils import nodes
    from sphinx import addnodes
    from sphinx.errors import NoUri

    def xref_in(expr: str) -> addnodes.pending_xref:
        only = addnodes.only(expr=expr)
        para = nodes.paragraph()
        xref = addnodes.pending_xref(reftarget="/teacher_guides/h02_redox_cells")
        para += xref
        only += para
        return xref

    student = _App("student")
    with pytest.raises(NoUri):
        editions_ext._missing_reference(student, None, xref_in("teacher"), nodes.Text("x"))
    # a broken link elsewhere still fails the build: the handler does not answer for it
    assert editions_ext._missing_reference(student, None, xref_in("student"), None) is None
    bare = addnodes.pending_xref(reftarget="/nowhere")
    nodes.paragraph().append(bare)
    assert editions_ext._missing_reference(student, None, bare, None) is None


def test_the_student_edition_drops_the_source_downloads_but_keeps_printing(editions_ext):
    def context():
        buttons = [{"label": label} for label in editions_ext.SOURCE_BUTTONS]
        buttons.append({"label": "download-pdf-button"})
        return {"header_buttons": [{"label": "download-buttons", "buttons": buttons}]}

    student = context()
    editions_ext._drop_source_buttons(_App("student"), "p", "t", student, None)
    assert [b["label"] for b in student["header_buttons"][0]["buttons"]] == ["download-pdf-button"]
    teacher = context()
    editions_ext._drop_source_buttons(_App("teacher"), "p", "t", teacher, None)
    assert len(teacher["header_buttons"][0]["buttons"]) == 3


def test_the_zip_holds_the_edition_under_one_folder(tmp_path):
    dev = _load("denchi_dev_script", ROOT / "dev.py")
    html = tmp_path / "html"
    (html / "book").mkdir(parents=True)
    (html / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=book/index.html">')
    (html / "book" / "index.html").write_text("<p>電池</p>", encoding="utf-8")
    out = dev.zip_edition(html, tmp_path / "out" / "book.zip")
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == [
            "denchi-book/book/index.html",
            "denchi-book/index.html",
        ]
        assert archive.read("denchi-book/book/index.html").decode() == "<p>電池</p>"
    with pytest.raises(FileNotFoundError, match="build the book first"):
        dev.zip_edition(tmp_path / "missing", tmp_path / "x.zip")


@pytest.mark.slow  # starts `dev.py serve`
def test_the_teacher_edition_is_not_served_to_the_network():
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "dev.py"),
            "serve",
            "--edition",
            "teacher",
            "--host",
            "0.0.0.0",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "127.0.0.1" in result.stderr and "login" in result.stderr


def test_h_assignment_answers_are_computed_with_units():
    from denchi.grading.answer_key import answer_values, answer_values_markdown

    values = answer_values("h02_redox_cells")
    assert values["q4_emf_v"] == "1.04 V"  # Zn | Zn2+ 1 M || Cu2+ 0.01 M | Cu (Nernst)
    assert values["q2_emf_v"] == "3.17 V" and values["q5_copper_g"] == "6.35 g"
    assert values["q1_choice"] == "A"
    assert answer_values("h08_environment")["q1_li_t_per_gwh"] == "633 t/GWh"
    assert "| `q4_emf_v` | 1.04 V |" in answer_values_markdown("h02_redox_cells")


@pytest.mark.slow  # PyBaMM solve
def test_answer_values_leave_no_figure_behind():
    """h04's solution plots its discharge; the guide that shows the answers must not get
    that figure (an image without alt text, not meant for the page)."""
    from matplotlib import pyplot as plt

    from denchi.grading.answer_key import answer_values

    plt.close("all")
    kept = plt.figure()  # a figure the page drew before stays open
    answer_values("h04_lithium_ion")
    assert plt.get_fignums() == [kept.number]
    plt.close("all")


@pytest.fixture(scope="module")
def japanese_ext():
    return _load("denchi_japanese_ext", ROOT / "book" / "_ext" / "japanese_text.py")


@pytest.mark.slow  # runs Node.js
@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the splitter")
def test_the_query_splitter_splits_as_the_index_does(japanese_ext, tmp_path):
    """The browser's splitQuery gives the words the index has (TinySegmenter, 2+ chars)."""
    from sphinx.search.ja import DefaultSplitter

    words = ["リチウムイオン電池", "内部抵抗", "鉛蓄電池", "Cレート", "電池 正極", "SOC"]
    script = tmp_path / "split.js"
    script.write_text(
        japanese_ext.query_splitter_js()
        + f"console.log(JSON.stringify({json.dumps(words)}.map(splitQuery)));",
        encoding="utf-8",
    )
    got = json.loads(subprocess.run(["node", str(script)], capture_output=True, text=True).stdout)
    splitter = DefaultSplitter({})
    for word, split in zip(words, got, strict=True):
        expected = [w for part in word.split() for w in splitter.split(part) if len(w) > 1]
        assert split == expected, word
    assert got[0] == ["リチウムイオン", "電池"] and got[3] == ["レート"]


def test_mathjax_uses_the_web_font_that_is_shipped():
    ext = _load("denchi_offline_assets_ext", ROOT / "book" / "_ext" / "offline_assets.py")
    font = ext.MATHJAX2_CONFIG["HTML-CSS"]["webFont"]
    assert (ext.mathjax_static() / "fonts" / "HTML-CSS" / font / "woff").is_dir()
    assert ext.MATHJAX2_CONFIG["HTML-CSS"]["availableFonts"] == [font]
    assert ext.MATHJAX2_CONFIG["fast-preview"]["disabled"] is True


def test_jupyterlab_opens_myst_pages_as_notebooks(tmp_path):
    """dev.py lab installs settings that JupyterLab reads: Markdown opens as a notebook."""
    from jupyterlab_server.settings_utils import _get_overrides

    dev = _load("denchi_dev_script", ROOT / "dev.py")
    dev.install_lab_settings(tmp_path)
    overrides, error = _get_overrides(str(tmp_path / "share" / "jupyter" / "lab" / "settings"))
    assert not error
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}


def test_jupyterlab_loads_the_myst_extension():
    """JupyterLab renders MyST roles and directives in notebook cells ({term}, {note},
    collapsed dropdowns) through jupyterlab-myst; the page JupyterLab serves lists it as an
    enabled federated extension. (``jupyter labextension list`` marks 2.7.0 with a version
    conflict on @jupyter/ydoc 3 vs 4; it loads and renders all the same: checked in a browser.)
    """
    import sysconfig

    from jupyterlab_server.config import get_page_config

    labextensions = Path(sysconfig.get_paths()["data"]) / "share" / "jupyter" / "labextensions"
    config = get_page_config([str(labextensions)])
    names = {ext["name"] for ext in config["federated_extensions"]}
    assert "jupyterlab-myst" in names
    assert "jupyterlab-myst" not in config.get("disabledExtensions", [])


# the guides of the modules a class may run from the static book alone (issue 15)
NO_PYTHON_GUIDES = [f"h0{n}" for n in range(1, 10)] + [f"e0{n}" for n in range(1, 7)]


def test_every_guide_says_once_how_to_teach_without_python(catalog, root):
    """「Python を使わずに授業をする」: one heading and one call of ``without_python`` per guide
    of h01–h09 and e01–e06 (the text is written once, in denchi.book)."""
    modules = [m for m in catalog.available() if m.id[:3] in NO_PYTHON_GUIDES]
    assert len(modules) == len(NO_PYTHON_GUIDES)
    for m in modules:
        guide = (root / catalog.paths(m).teacher_guide).read_text(encoding="utf-8")
        assert guide.count("\n## Python を使わずに授業をする\n") == 1, m.id
        assert guide.count(f'without_python("{m.id}")') == 1, m.id


def test_without_python_names_the_static_explorers_and_how_to_hand_in():
    from denchi.book import without_python

    h01 = without_python("h01_society")
    assert "</labs/h01_society/index>`には、この本の画面でそのまま動く操作画面が 1 個" in h01
    assert "</modules/h01_society/90_worksheet>" in h01
    assert "「ブラウザで答える」" in h01 and "</book/operators/01_lms_tool>" in h01
    assert "`denchi grade moodle-quiz h01_society -o h01_society.xml`" in h01
    assert "操作画面が 2 個" in without_python("h05_factory_tour")  # the map and the line
    e02 = without_python("e02_ocv_dqdv")  # a lab page without an explorer
    assert "操作画面" not in e02 and "そのまま載っています" in e02
    assert "</labs/e02_ocv_dqdv/90_report_template>" in e02
    assert "moodle-quiz" not in e02 and "ブラウザで答える" not in e02
    assert "操作画面が 1 個" in without_python("e01_capacity_rate")


def test_without_python_links_a_lab_whose_title_holds_a_role_by_its_plain_title(catalog):
    """h08's lab is 「… CO{sub}`2` …」: a role inside a {doc} link's text ends the link early, and
    the teacher edition's build failed on an unknown document. Every module's links name
    their page by its plain title."""
    import re

    from denchi.book import without_python

    link = re.compile(r"\{doc\}`([^`<]*) <[^`>]*>`")
    for module in catalog.modules:
        if module.available and module.track in ("intro", "evaluation"):
            text = without_python(module.id)
            assert "{sub}" not in text, module.id
            assert text.count("{doc}`") == len(link.findall(text)), module.id
    assert "CO2" in without_python("h08_environment")


@pytest.fixture
def sphinx_runs(tmp_path, monkeypatch):
    """``denchi.book.build`` with its subprocesses replaced: the page execution exits with the
    code the test sets, each Sphinx run writes two lines and records when it ran. No page is
    read and ``_build/`` is not touched."""
    import threading
    import time

    from denchi import book, page_cache

    state = {"execute": 0, "active": 0, "most": 0, "codes": {"student": 0, "teacher": 0}}
    lock = threading.Lock()

    def run(cmd, root, env, out):
        if cmd[3] == "execute":
            return state["execute"], ""
        edition = cmd[4]
        with lock:
            state["active"] += 1
            state["most"] = max(state["most"], state["active"])
        out.write(f"{edition} starts\n")
        time.sleep(0.3)  # long enough for the other edition to start beside it
        out.write(f"{edition} ends\n")
        with lock:
            state["active"] -= 1
        return state["codes"][edition], ""

    monkeypatch.setattr(book, "_run_logged", run)
    monkeypatch.setattr(book, "write_toc", lambda root, out, edition: out)
    monkeypatch.setattr(book, "toc_pages", lambda toc_data, root: [])
    monkeypatch.setattr(page_cache, "invalidate", lambda root, pages: [])
    return state, tmp_path / "build.log"


def test_both_editions_are_written_at_once_when_every_page_ran(sphinx_runs):
    from denchi.book import build

    state, log = sphinx_runs
    assert build(log=log) == 0
    assert state["most"] == 2
    # each edition's lines together, the first edition's first
    assert log.read_text().splitlines() == [
        "student starts",
        "student ends",
        "teacher starts",
        "teacher ends",
    ]


def test_the_editions_are_written_one_after_the_other_when_a_page_is_left_to_sphinx(
    sphinx_runs,
):
    """Sphinx runs a page that failed in the page execution again and caches its outputs:
    two Sphinx processes would both write that page to the cache."""
    from denchi.book import build

    state, log = sphinx_runs
    state["execute"] = 3
    assert build(log=log) == 0
    assert state["most"] == 1


def test_a_failed_edition_fails_the_build_when_written_beside_the_other(sphinx_runs):
    from denchi.book import build

    state, log = sphinx_runs
    state["codes"]["teacher"] = 2
    assert build(log=log) == 2
    assert "teacher ends" in log.read_text()
