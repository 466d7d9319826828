"""book/_ext/notebook_downloads.py in a tiny Sphinx project (no book build): the student
edition publishes the notebook copies in its HTML folder and links each learner page to its
own copy (and to the zip) with a relative link; other pages and the teacher edition do not."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from notebook_links import download_links, linked_file

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "book/index": "# 表紙\n\n```{toctree}\n/book/other\n/modules/m01/01_first\n"
    "/labs/m01/index\n```\n",
    "book/other": "# 用語集\n\n本文。\n",
    "modules/m01/01_first": "# 授業\n\n本文。\n\n```{only} teacher\n先生だけの文。\n```\n",
    "labs/m01/index": "# ラボ\n\n{doc}`/modules/m01/01_first` を読む。\n",
}
CONF = f"""
import sys
sys.path.insert(0, {str(ROOT / "book" / "_ext")!r})
extensions = ["myst_parser", "notebook_downloads"]
root_doc = "book/index"
language = "ja"
exclude_patterns = ["_out", "_doctrees"]
"""


def _build(tmp_path: Path, edition: str) -> Path:
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    for docname, text in PAGES.items():
        page = tmp_path / f"{docname}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(text, encoding="utf-8")
    (tmp_path / "conf.py").write_text(CONF, encoding="utf-8")
    out = tmp_path / "_out"
    # as sphinx.cmd.build does: a fresh docutils registry for each app in this process
    with patch_docutils(tmp_path), docutils_namespace():
        app = Sphinx(
            tmp_path,
            tmp_path,
            out,
            tmp_path / "_doctrees",
            "html",
            status=None,
            warningiserror=True,
            tags=[edition],
        )
        app.build()
    assert app.statuscode == 0
    return out


@pytest.fixture(scope="module")
def student(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("student"), "student")


def test_each_learner_page_links_its_own_copy_and_the_zip(student):
    for docname in ("modules/m01/01_first", "labs/m01/index"):
        page = student / f"{docname}.html"
        links = download_links(page)
        assert len(links) == 2, (docname, links)
        copy, archive = (linked_file(page, href) for href in links)
        assert copy == (student / "notebooks" / f"{docname}.ipynb").resolve()
        assert archive == (student / "notebooks" / "denchi-notebooks.zip").resolve()
        assert copy.is_file() and archive.is_file()
        assert "このページをノートブック (.ipynb) でダウンロード" in page.read_text(
            encoding="utf-8"
        )


def test_the_copies_are_the_student_notebooks_and_the_zip_holds_them(student):
    copy = json.loads((student / "notebooks/modules/m01/01_first.ipynb").read_text("utf-8"))
    text = "".join("".join(c["source"]) for c in copy["cells"])
    assert "本文" in text and "先生だけの文" not in text
    with zipfile.ZipFile(student / "notebooks" / "denchi-notebooks.zip") as archive:
        assert sorted(archive.namelist()) == [
            "denchi-notebooks/labs/m01/index.ipynb",
            "denchi-notebooks/modules/m01/01_first.ipynb",
        ]


def test_the_top_page_links_the_zip_and_other_pages_link_nothing(student):
    top = student / "book" / "index.html"
    (archive,) = download_links(top)
    assert linked_file(top, archive) == (student / "notebooks/denchi-notebooks.zip").resolve()
    assert download_links(student / "book" / "other.html") == []
    assert not (student / "notebooks" / "book").exists()


def test_the_teacher_edition_has_no_copies_and_no_links(tmp_path):
    teacher = _build(tmp_path, "teacher")
    assert not (teacher / "notebooks").exists()
    assert all(download_links(p) == [] for p in teacher.rglob("*.html"))


def test_the_links_stay_out_of_the_search_index(student):
    """A search for ノートブック or ダウンロード must not list every lesson page."""
    text = (student / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(re.search(r"Search\.setIndex\((.*)\)\s*$", text, re.S).group(1))["terms"]
    assert "本文" in terms  # the pages' own words are indexed
    assert not [t for t in terms if "ダウンロード" in t or "ノートブック" in t]
