"""The teacher-training session as reveal.js slides, built from the kit's slide page.

    python3 dev.py slides              # or: python -m denchi.slides [--output DIR]

The slide page ``modules/t01_teacher_training/07_slides.md`` is a page of the teacher edition
like any other; this module builds the same source as a slide deck with Sphinx and
sphinx-revealjs (its ``revealjs`` builder: the page's title is the first slide, each ``##``
section one slide). reveal.js comes from the sphinx-revealjs wheel, which ships it and copies
it into ``_static/revealjs/`` (no CDN, no outside host), and ``{footcite:p}`` citations come from
``book/references.bib`` through sphinxcontrib-bibtex, as in the book.

The page's code cells are the book's: each draws a figure with a ``denchi`` function (or
returns Markdown); they run here in this process, in one namespace, each figure saved as a
PNG and shown with the caption and alt text of the cell's ``mystnb`` metadata. The slides
are 1123 × 794 CSS pixels, the proportions of A4 landscape at 96 dpi, so reveal.js's PDF
export (open ``index.html?print-pdf`` in Chromium or Chrome and print; reveal.js
documentation, "PDF Export") prints one slide per A4 sheet, for handouts.
"""

from __future__ import annotations

import argparse
import ast
import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from denchi.catalog import repo_root
from denchi.i18n import bilingual

SLIDE_PAGE = Path("modules", "t01_teacher_training", "07_slides.md")
OUTPUT = Path("_build", "slides", "t01_teacher_training")
#: A4 landscape at 96 dpi [CSS px]: one slide per A4 sheet in the PDF export
SLIDE_SIZE = (1123, 794)
#: sizes for slides that hold a table or a figure with its caption (the theme's 42 px is for
#: a few words a slide)
CSS = """
.reveal { font-size: 26px; }
.reveal h1 { font-size: 1.9em; }
.reveal h2 { font-size: 1.4em; }
.reveal table { font-size: 0.85em; }
.reveal figcaption, .reveal .caption-text { font-size: 0.75em; }
.reveal pre { font-size: 0.65em; width: 100%; }
"""


class SlideBuildError(RuntimeError):
    """The slide deck could not be built (a Sphinx warning or error); the message quotes it."""


def _cell_markdown(cell: Any, namespace: dict, images: Path, number: int) -> str:
    """Run one code cell of the page; return the MyST Markdown that shows its figures and
    its Markdown result (an object with ``_repr_markdown_``), in that order."""
    from matplotlib import pyplot as plt

    tree = ast.parse(cell.source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    before = set(plt.get_fignums())
    exec(compile(tree, f"<{SLIDE_PAGE.as_posix()} cell {number}>", "exec"), namespace)
    result = None
    if last is not None:
        expression = ast.Expression(last.value)
        result = eval(compile(expression, f"<cell {number}>", "eval"), namespace)
    parts = []
    meta = cell.metadata.get("mystnb", {})
    for index, fignum in enumerate(sorted(set(plt.get_fignums()) - before)):
        name = f"cell{number}-{index}.png"
        plt.figure(fignum).savefig(images / name, dpi=150, bbox_inches="tight")
        plt.close(fignum)
        caption = meta.get("figure", {}).get("caption", "")
        alt = meta.get("image", {}).get("alt", caption)
        parts.append(
            f"```{{figure}} _images_src/{name}\n:alt: {' '.join(alt.split())}\n"
            f":height: 330px\n\n{caption}\n```"
        )
    if result is not None and hasattr(result, "_repr_markdown_"):
        parts.append(result._repr_markdown_())
    return "\n\n".join(parts)


def slide_source(root: Path, folder: Path) -> Path:
    """Write the slide page as a plain MyST document into ``folder`` (``index.md``), its code
    cells replaced by their figures (PNG under ``folder/_images_src``) and Markdown results.

    Args:
        root: The courseware checkout.
        folder: An empty folder for the Sphinx source.

    Returns:
        The written ``index.md``.
    """
    import jupytext

    notebook = jupytext.read(root / SLIDE_PAGE)
    images = folder / "_images_src"
    images.mkdir(parents=True)
    namespace: dict = {"__name__": "__slides__"}
    blocks = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "markdown":
            blocks.append(cell.source)
        elif cell.cell_type == "code":
            blocks.append(_cell_markdown(cell, namespace, images, number))
    index = folder / "index.md"
    index.write_text("\n\n".join(b for b in blocks if b) + "\n", encoding="utf-8")
    return index


def build_slides(output: Path | None = None, root: Path | None = None) -> Path:
    """Build the slide deck of the 90-minute session; returns its ``index.html``.

    Args:
        output: The folder to write (default ``_build/slides/t01_teacher_training`` of the
            checkout); replaced as a whole.
        root: The courseware checkout (default: :func:`denchi.catalog.repo_root`).

    Raises:
        SlideBuildError: Sphinx reported a warning or an error (an unknown role, a missing
            bibliography key); the message quotes Sphinx's output.
    """
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    root = root or repo_root()
    output = output or root / OUTPUT
    width, height = SLIDE_SIZE
    config = {
        "extensions": ["myst_parser", "sphinx_revealjs", "sphinxcontrib.bibtex"],
        "language": "ja",
        "root_doc": "index",
        "bibtex_bibfiles": [str(root / "book" / "references.bib")],
        "bibtex_reference_style": "author_year",
        "bibtex_default_style": "plain",
        # as book/_config.yml: sphinxcontrib-bibtex's footnotes, without myst's transition
        "suppress_warnings": ["myst.footnote"],
        "myst_footnote_transition": False,
        "revealjs_style_theme": "white",
        "revealjs_static_path": ["_static"],
        "revealjs_css_files": ["denchi-slides.css"],
        "revealjs_script_conf": {
            "width": width,
            "height": height,
            "margin": 0,
            "pdfMaxPagesPerSlide": 1,
            "hash": True,
        },
        "html_copy_source": False,
    }
    with tempfile.TemporaryDirectory(prefix="denchi-slides-") as scratch:
        source = Path(scratch, "source")
        slide_source(root, source)
        (source / "_static").mkdir()
        (source / "_static" / "denchi-slides.css").write_text(CSS, encoding="utf-8")
        if output.exists():
            shutil.rmtree(output)
        log = io.StringIO()
        # as sphinx-build does: docutils' global tables of nodes, directives and roles are
        # restored after the build, so that another Sphinx app in this process starts clean
        with patch_docutils(str(source)), docutils_namespace():
            _build(source, output, scratch, config, log)
    return output / "index.html"


def _build(
    source: Path, output: Path, scratch: str, config: dict[str, Any], log: io.StringIO
) -> None:
    """Run Sphinx's revealjs builder; :class:`SlideBuildError` with its output on a problem."""
    from sphinx.application import Sphinx

    app = Sphinx(
        str(source),
        None,
        str(output),
        str(Path(scratch, "doctrees")),
        "revealjs",
        confoverrides=config,
        status=log,
        warning=log,
        freshenv=True,
        warningiserror=True,
    )
    try:
        app.build()
    except Exception as error:  # Sphinx raises its own errors for warnings with -W
        raise SlideBuildError(f"{error}\n{log.getvalue()}") from error
    if app.statuscode:
        raise SlideBuildError(log.getvalue())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m denchi.slides",
        description="Build the teacher-training session's slides (reveal.js, offline).",
    )
    parser.add_argument("--output", type=Path, help=f"folder to write (default: {OUTPUT})")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    page = build_slides(args.output)
    print(
        bilingual(
            f"スライド: {page}（印刷するときは {page.name}?print-pdf を開き、A4 横で）",
            f"Slides: {page} (to print, open {page.name}?print-pdf and print on A4 landscape)",
        )
    )


if __name__ == "__main__":
    main()
