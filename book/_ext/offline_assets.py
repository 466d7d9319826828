"""Serve every script the book needs from the book itself: no CDN, no third-party requests.

Learners' browsers must not contact anyone but the operator's server, and many school
networks block CDNs anyway. MathJax comes from the ``jupyter-server-mathjax`` package
(MathJax 2.7, the version Jupyter itself ships offline); ipywidgets' CDN loader is disabled,
since widgets need a live kernel and the static book shows pre-computed figures instead.
The static explorers (:mod:`denchi.explorers`) are Bokeh documents: BokehJS is copied from the
installed ``bokeh`` wheel into ``_static/bokeh/`` and loaded only by the pages that hold one.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.fileutil import copy_asset_file

from denchi import explorers

MATHJAX_DIR = "mathjax"
BOKEH_DIR = "bokeh"  # under _static: BokehJS of the static explorers
WEB_FONT = "STIX-Web"  # the web font shipped in fonts/HTML-CSS/ (the only one)
# Sphinx renders math as \( \) and \[ \]; MyST adds the "math" class to its math nodes.
MATHJAX2_CONFIG = {
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processRefs": False,
        "processEnvironments": False,
        "processClass": "tex2jax_process|mathjax_process|math|output_area",
        "ignoreClass": "tex2jax_ignore|mathjax_ignore|document",
    },
    "messageStyle": "none",
    # jupyter-server-mathjax ships the STIX-Web fonts only; MathJax's default TeX fonts would
    # be fetched from fonts/HTML-CSS/TeX/ and 404, leaving math in a fallback font
    "HTML-CSS": {
        "availableFonts": [WEB_FONT],
        "preferredFont": WEB_FONT,
        "webFont": WEB_FONT,
        "imageFont": None,
    },
    # the fast preview renders with the CommonHTML output, which is not shipped either
    "fast-preview": {"disabled": True},
    "menuSettings": {"CHTMLpreview": False},
}


def mathjax_static() -> Path:
    """The folder of the offline MathJax 2.7 that the book serves as ``_static``."""
    return Path(str(files("jupyter_server_mathjax") / "static"))


def _use_local_mathjax(app: Sphinx, config: Config) -> None:
    config.html_static_path = [*config.html_static_path, str(mathjax_static())]
    config.mathjax_path = "MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
    config.mathjax2_config = MATHJAX2_CONFIG
    config.mathjax3_config = None
    config.myst_update_mathjax = False
    config.nb_ipywidgets_js = {}


def _bokeh_on_explorer_pages(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object
) -> None:
    """Load BokehJS on a page that holds a static explorer (Sphinx adds a script file
    given during ``html-page-context`` to that page only)."""
    if f'class="{explorers.MARKER}"' in context.get("body", ""):
        for name in explorers.bokeh_file_names():
            app.add_js_file(f"{BOKEH_DIR}/{name}")


def _copy_bokeh(app: Sphinx, exception: Exception | None) -> None:
    """Copy the BokehJS bundles the explorers load into ``_static/bokeh/`` (two files, not
    the wheel's whole static folder)."""
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / BOKEH_DIR
        target.mkdir(parents=True, exist_ok=True)
        for source, name in zip(explorers.bokeh_files(), explorers.bokeh_file_names(), strict=True):
            copy_asset_file(str(source), str(target / name))


def setup(app: Sphinx) -> dict:
    # priority > 500: run after jupyter-book and myst-nb have filled in their defaults
    app.connect("config-inited", _use_local_mathjax, priority=900)
    app.connect("html-page-context", _bokeh_on_explorer_pages)
    app.connect("build-finished", _copy_bokeh)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
