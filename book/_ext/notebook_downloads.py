"""The student notebook copies, published with the student edition and linked from its pages.

In the student edition (``book/_ext/editions.py``), this extension

- writes the student notebook copy of every lesson and lab page of the build
  (``denchi.book.is_learner_page``) into the HTML folder, ``notebooks/<page>.ipynb``, and all
  of them as ``notebooks/denchi-notebooks.zip`` (``denchi.student_notebooks``), when the
  build has finished without an error;
- puts a link under the title of each such page, 「このページをノートブック (.ipynb) で
  ダウンロード」, and one to the zip (on those pages and on the top page).

The links are Sphinx's download references (``addnodes.download_reference`` with a
``refuri``: ``<a class="reference download external" download href=…>``, written by
``sphinx.writers.html5.HTML5Translator.visit_download_reference``), relative to the page, so
the book works offline from a zip or a shared drive and asks no outside host. The teacher
edition has no copies in its folder and gets no links.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from denchi.book import STUDENT, is_learner_page
from denchi.student_notebooks import NOTEBOOKS_ZIP, notebook_path, write_student_notebooks

PAGE_LINK = "このページをノートブック (.ipynb) でダウンロード"
ZIP_LINK = "すべての授業・ラボのノートブック (.zip) をまとめてダウンロード"
CLASS = "denchi-notebook-download"

logger = logging.getLogger(__name__)


def _student(app: Sphinx) -> bool:
    # editions.py tags a build without an edition tag "student" at config-inited
    return app.tags.has(STUDENT)


def _link(app: Sphinx, docname: str, target: str, text: str) -> addnodes.download_reference:
    uri = relative_uri(app.builder.get_target_uri(docname), target)
    return addnodes.download_reference("", "", nodes.inline(text, text), refuri=uri)


def download_links(app: Sphinx, docname: str) -> nodes.paragraph | None:
    """The paragraph of download links for page ``docname``, or None if it has none."""
    links = []
    if is_learner_page(docname):
        links.append(_link(app, docname, notebook_path(docname), PAGE_LINK))
    if is_learner_page(docname) or docname == app.config.root_doc:
        links.append(_link(app, docname, NOTEBOOKS_ZIP, ZIP_LINK))
    if not links:
        return None
    paragraph = nodes.paragraph(classes=[CLASS])
    paragraph += links[0]
    for link in links[1:]:
        paragraph += [nodes.Text("　・　"), link]
    return paragraph


def _add_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html" or not _student(app):
        return
    paragraph = download_links(app, docname)
    section = doctree.next_node(nodes.section)
    if paragraph is None or section is None:
        return
    title = section.next_node(nodes.title)
    section.insert(section.index(title) + 1 if title is not None else 0, paragraph)


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
    app.connect("doctree-resolved", _add_links)
    app.connect("build-finished", _write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
