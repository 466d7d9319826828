"""No figure numbers counted through the whole book.

Sphinx numbers figures through the whole book when ``numfig`` is on, so a lab page with two
figures captioned them 「図 27」 and 「図 28」. The book names figures by their captions and
never refers to one by number (``tests/test_book_figures.py``), so ``numfig`` is off.

Setting ``numfig: false`` in ``_config.yml`` is not enough: Jupyter Book always loads
``sphinx_jupyterbook_latex``, whose ``config-inited`` handler sets ``numfig = True`` for every
builder (``sphinx_jupyterbook_latex/events.py``, ``override_latex_config``). This handler runs
after it (a higher priority number) and turns numbering off again for the HTML editions.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

AFTER_JUPYTERBOOK_LATEX = 900  # sphinx_jupyterbook_latex connects with the default, 500


def no_book_wide_figure_numbers(app: Sphinx, config: Config) -> None:
    config.numfig = False


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", no_book_wide_figure_numbers, priority=AFTER_JUPYTERBOOK_LATEX)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
