"""Two editions of the book from the same pages: ``student`` (public) and ``teacher`` (private).

The edition is a Sphinx tag (``python -m denchi.book build`` passes ``-t student`` or
``-t teacher``). Teacher-only content sits in ``{only} teacher`` blocks; the student edition's
table of contents leaves out the teacher guides (``denchi.book.toc``). This extension does what
tags alone cannot:

- a link inside a block this edition leaves out may point to a page this edition does not
  have (a teacher guide); it is dropped with its block instead of failing the ``-W`` build;
- the student edition publishes no page sources (``_sources/``, the download buttons for
  ``.md`` and ``.ipynb``): they would hold the teacher-only blocks. Printing stays.

A build without an edition tag is the student edition, so nothing teacher-only leaks by
accident.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError, NoUri

EDITIONS = ("student", "teacher")
SOURCE_BUTTONS = ("download-source-button", "download-notebook-button")


def edition(app: Sphinx) -> str:
    """The edition this build writes: ``student`` or ``teacher``."""
    chosen = [name for name in EDITIONS if app.tags.has(name)]
    if len(chosen) > 1:
        raise ExtensionError(f"build one edition at a time, not {chosen} (-t student|teacher)")
    return chosen[0] if chosen else "student"


def _configure(app: Sphinx, config: Config) -> None:
    if edition(app) == "student":
        app.tags.add("student")
        config.html_copy_source = False
        config.html_show_sourcelink = False


def _left_out(app: Sphinx, node: nodes.Node) -> bool:
    """Whether ``node`` sits inside an ``only`` block that this edition leaves out."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.only) and not app.tags.eval_condition(parent["expr"]):
            return True
        parent = parent.parent
    return False


def _missing_reference(app: Sphinx, env, node: nodes.Element, contnode: nodes.Element):
    if _left_out(app, node):
        raise NoUri(node.get("reftarget", ""))  # removed with its block right after
    return None


def _drop_source_buttons(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if edition(app) != "student":
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"] = [
                b for b in button["buttons"] if b.get("label") not in SOURCE_BUTTONS
            ]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _configure)
    app.connect("missing-reference", _missing_reference)
    # after sphinx-book-theme adds its header buttons (priority 501)
    app.connect("html-page-context", _drop_source_buttons, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
