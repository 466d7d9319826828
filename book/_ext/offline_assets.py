"""Serve every script the book needs from the book itself: no CDN, no third-party requests.

Learners' browsers must not contact anyone but the operator's server, and many school
networks block CDNs anyway. MathJax comes from the ``jupyter-server-mathjax`` package
(MathJax 2.7, the version Jupyter itself ships offline); ipywidgets' CDN loader is disabled,
since widgets need a live kernel and the static book shows pre-computed figures instead.
"""

from __future__ import annotations

from importlib.resources import files

from sphinx.application import Sphinx
from sphinx.config import Config

MATHJAX_DIR = "mathjax"
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
}


def _use_local_mathjax(app: Sphinx, config: Config) -> None:
    static = files("jupyter_server_mathjax") / "static"
    config.html_static_path = [*config.html_static_path, str(static)]
    config.mathjax_path = "MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
    config.mathjax2_config = MATHJAX2_CONFIG
    config.mathjax3_config = None
    config.myst_update_mathjax = False
    config.nb_ipywidgets_js = {}


def setup(app: Sphinx) -> dict:
    # priority > 500: run after jupyter-book and myst-nb have filled in their defaults
    app.connect("config-inited", _use_local_mathjax, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
