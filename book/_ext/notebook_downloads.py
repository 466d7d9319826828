"""The student notebook copies, published with the student edition and linked from its pages.

In the student edition (``book/_ext/editions.py``), this extension

- writes the student notebook copy of every lesson and lab page of the build
  (``denchi.book.is_learner_page``) into the HTML folder, ``notebooks/<page>.ipynb``, and all
  of them as ``notebooks/denchi-notebooks.zip`` (``denchi.student_notebooks``), when the
  build has finished without an error;
- puts a link under the title of each such page, 「このページをノートブック (.ipynb) で
  ダウンロード」, and one to the zip (on those pages and on the top page).

The links are written as Sphinx writes a download reference
(``<a class="reference download external" download="" href=…>``,
``sphinx.writers.html5.HTML5Translator.visit_download_reference``), relative to the page
(``sphinx.util.osutil.relative_uri``), so the book works offline from a zip or a shared drive
and asks no outside host. Their node holds no text children, so Sphinx's search index
(``sphinx.search.WordCollector``, fed with the resolved doctree) does not list every page
under ノートブック. The teacher edition has no copies in its folder and gets no links.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri
from sphinx.writers.html5 import HTML5Translator

from denchi.book import STUDENT, is_learner_page
from denchi.student_notebooks import NOTEBOOKS_ZIP, notebook_path, write_student_notebooks

PAGE_LINK = "このページをノートブック (.ipynb) でダウンロード"
ZIP_LINK = "すべての授業・ラボのノートブック (.zip) をまとめてダウンロード"
CLASS = "denchi-notebook-download"

logger = logging.getLogger(__name__)


def _student(app: Sphinx) -> bool:
    # editions.py tags a build without an edition tag "student" at config-inited
    return app.tags.has(STUDENT)


class notebook_links(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Download links under a page's title: ``links`` is a list of (relative URL, text)."""


def download_links(app: Sphinx, docname: str) -> notebook_links | None:
    """The download links of page ``docname``, or None if it has none."""
    targets = []
    if is_learner_page(docname):
        targets.append((notebook_path(docname), PAGE_LINK))
    if is_learner_page(docname) or docname == app.config.root_doc:
        targets.append((NOTEBOOKS_ZIP, ZIP_LINK))
    if not targets:
        return None
    page = app.builder.get_target_uri(docname)
    return notebook_links(links=[(relative_uri(page, target), text) for target, text in targets])


def _visit_html(translator: HTML5Translator, node: notebook_links) -> None:
    links = [
        f'<a class="reference download external" download="" href="{escape(url)}">'
        f"{escape(text)}</a>"
        for url, text in node["links"]
    ]
    translator.body.append(f'<p class="{CLASS}">' + "　・　".join(links) + "</p>\n")
    raise nodes.SkipNode


def _add_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html" or not _student(app):
        return
    links = download_links(app, docname)
    section = doctree.next_node(nodes.section)
    if links is None or section is None:
        return
    title = section.next_node(nodes.title)
    section.insert(section.index(title) + 1 if title is not None else 0, links)


def _write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or not _student(app):
        return
    root = Path(app.srcdir)
    docnames = sorted(d for d in app.env.found_docs if is_learner_page(d))
    pages = [Path(app.env.doc2path(d)) for d in docnames]
    archive = write_student_notebooks(root, pages, STUDENT, Path(app.outdir))
    logger.info("student notebooks: %d pages in %s", len(pages), archive)


def setup(app: Sphinx) -> dict:
    app.setup_extension("editions")
    # added to HTML doctrees only (_add_links), so no other builder meets the node
    app.add_node(notebook_links, html=(_visit_html, None))
    app.connect("doctree-resolved", _add_links)
    app.connect("build-finished", _write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
