"""Student notebook copies of the lesson and lab pages: what a learner opens in JupyterHub or
downloads, generated from the same MyST sources as the student edition of the book.

The student edition's build (``book/_ext/notebook_downloads.py``, which also links each
page to its copy) and ``python -m denchi.book notebooks`` write
``notebooks/<page path>.ipynb`` inside the edition's HTML folder (``_build/student/html``),
so the copies are published with the pages, for every page under ``modules/`` and ``labs/``
in the student edition's table of contents (``denchi.book.learner_pages``), and all of them
as one zip, ``notebooks/denchi-notebooks.zip``. Each copy:

- leaves out what the student edition leaves out: an ``{only}`` block is kept exactly when
  Sphinx would keep it in a build tagged ``student`` (the expression is evaluated by Sphinx's
  own ``Tags``, the rule of ``book/_ext/editions.py``), so teacher-only text and the answers
  to graded and report questions are not in it;
- keeps every code cell (the notebook runs as the page does); a cell the book hides
  (``remove-input``, ``hide-input``, ``remove-cell``, ``hide-cell``) starts collapsed in
  JupyterLab (``metadata.jupyter.source_hidden``, nbformat 4 "jupyter" cell metadata);
- rewrites the MyST that JupyterLab's jupyterlab-myst extension cannot render into plain
  Markdown: ``{footcite}`` and ``{cite}`` become numbered notes ［1］ and
  ``{footbibliography}`` the numbered list of those sources (formatted by pybtex's ``plain``
  style, as the book's ``bibtex_default_style``); ``{doc}`` becomes a link to the other
  notebook (or the page title when there is no notebook of it); ``{term}`` and ``{ref}``
  become their text; ``{container}`` blocks are unwrapped and ``(label)=`` targets dropped.
  Admonitions, ``{dropdown}`` (self-check answers stay collapsed), ``{sub}``/``{sup}`` and
  labelled equations with their ``{eq}`` references are left to the extension, which renders
  them (checked in a browser; it numbers every display equation of a notebook, so a number
  can differ from the book's, which numbers labelled ones only, but each reference shows the
  number of its equation).
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nbformat

# inside the student edition's HTML folder (a folder name without "_": static hosts such as
# GitHub Pages' Jekyll leave out folders whose names start with one)
NOTEBOOKS_DIR = "notebooks"
NOTEBOOKS_ZIP = f"{NOTEBOOKS_DIR}/denchi-notebooks.zip"
HIDING_TAGS = frozenset({"remove-input", "hide-input", "remove-cell", "hide-cell"})

_FENCE = re.compile(r"^(?P<mark>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*)$")
_ROLE = re.compile(r"\{(?P<name>[\w:-]+)\}`(?P<body>[^`]*)`")
_TITLED = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_TARGET_LINE = re.compile(r"^\s*\([\w:.-]+\)=\s*$")
_HEADING = re.compile(r"^#\s+(?P<title>.+?)\s*$", re.M)
_CITATIONS = ("footcite", "footcite:p", "footcite:t", "cite", "cite:p", "cite:t")


def _only_keeps(expression: str, tag: str) -> bool:
    """Whether an edition keeps an ``{only} <expression>`` block: Sphinx's ``Tags`` evaluates
    it with the edition's tag, as ``sphinx.directives.other.Only`` does."""
    from sphinx.util.tags import Tags

    return bool(Tags([tag]).eval_condition(expression))


class _Page:
    """The state of one page's conversion: its notes (citation keys in order)."""

    def __init__(self, source: Path, root: Path, exported: frozenset[str], tag: str) -> None:
        self.source = source
        self.tag = tag
        self.root = root
        self.exported = exported  # docnames with a notebook copy
        self.notes: list[str] = []

    # ---- blocks ------------------------------------------------------------------------
    def blocks(self, lines: list[str]) -> list[str]:
        """Rewrite Markdown lines, directive by directive (nested fences included)."""
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            fence = _FENCE.match(line)
            if fence is None:
                if not _TARGET_LINE.match(line):
                    out.append(self.roles(line))
                i += 1
                continue
            end = _closing(lines, i + 1, fence["mark"])
            inner = lines[i + 1 : end]
            name, arg = fence["name"], fence["arg"].strip()
            if name == "only":
                if _only_keeps(arg, self.tag):
                    out += self.blocks(inner)
            elif name == "container":
                out += self.blocks(_without_options(inner))
            elif name == "footbibliography":
                out += self.bibliography()
            else:
                out += [f"{fence['mark']}{{{name}}} {self.roles(arg)}".rstrip()]
                out += self.blocks(inner)
                out.append(fence["mark"])
            i = end + 1
        return out

    # ---- roles -------------------------------------------------------------------------
    def roles(self, text: str) -> str:
        return _ROLE.sub(self._role, text)

    def _role(self, match: re.Match[str]) -> str:
        name, body = match["name"], match["body"]
        titled = _TITLED.match(body)
        title, target = (titled["title"], titled["target"]) if titled else ("", body)
        if name in _CITATIONS:
            keys = [k.strip() for k in body.split(",") if k.strip()]
            numbers = [self._note(key) for key in keys]
            return "［" + ", ".join(str(n) for n in numbers) + "］"
        if name == "doc":
            return self._doc_link(title, target)
        if name in ("term", "ref", "numref"):
            return title or target
        return match.group(0)  # rendered by jupyterlab-myst ({eq}, {sub}, {sup}, {math} …)

    def _note(self, key: str) -> int:
        if key not in self.notes:
            self.notes.append(key)
        return self.notes.index(key) + 1

    def _doc_link(self, title: str, target: str) -> str:
        docname = _docname(target, self.source, self.root)
        title = title or _page_title(self.root / f"{docname}.md") or docname
        if docname not in self.exported:
            return title
        here = self.source.relative_to(self.root).parent.as_posix()
        return f"[{title}]({_relative(docname + '.ipynb', here)})"

    def bibliography(self) -> list[str]:
        """The numbered list of the sources cited so far on the page (pybtex ``plain``)."""
        if not self.notes:
            return []
        return [f"{n}. {text}" for n, text in enumerate(_formatted(self.root, self.notes), 1)]


def _closing(lines: list[str], start: int, mark: str) -> int:
    """Index of the line that closes a fence opened with ``mark`` (the last line if none)."""
    depth = 0
    for j in range(start, len(lines)):
        stripped = lines[j].strip()
        opened = _FENCE.match(lines[j])
        if opened is not None and opened["mark"] == mark:
            depth += 1
        elif stripped == mark:
            if depth == 0:
                return j
            depth -= 1
    return len(lines)


def _without_options(lines: list[str]) -> list[str]:
    """Directive content without its leading ``:option:`` lines."""
    i = 0
    while i < len(lines) and re.match(r"^:[\w-]+:", lines[i]):
        i += 1
    return lines[i:]


def _docname(target: str, source: Path, root: Path) -> str:
    """Docname (``labs/h04_lithium_ion/index``) of a ``{doc}`` target, absolute or relative."""
    target = target.strip()
    if target.startswith("/"):
        return target.lstrip("/")
    folder = source.relative_to(root).parent
    return (folder / target).as_posix()


def _relative(path: str, start: str) -> str:
    import os.path

    return os.path.relpath(path, start or ".").replace(os.sep, "/")


def _page_title(path: Path) -> str | None:
    if not path.is_file():
        return None
    found = _HEADING.search(path.read_text(encoding="utf-8"))
    return found["title"] if found else None


@functools.cache
def _bibliography(path: Path) -> tuple[Any, Any, Any]:
    """The entries of a .bib file, pybtex's ``plain`` style and its plain-text backend
    (pybtex looks plugins up among every installed package's entry points: slow, so once)."""
    from pybtex.database import parse_file
    from pybtex.plugin import find_plugin

    style = find_plugin("pybtex.style.formatting", "plain")()
    return parse_file(str(path)).entries, style, find_plugin("pybtex.backends", "text")()


def _formatted(root: Path, keys: list[str]) -> list[str]:
    """Each cited entry of ``book/references.bib`` as plain text, pybtex's ``plain`` style."""
    entries, style, backend = _bibliography(root / "book" / "references.bib")
    texts = []
    for key in keys:
        if key not in entries:
            raise KeyError(f"{key!r} is cited but not in book/references.bib")
        text = style.format_entry(key, entries[key]).text.render(backend)
        texts.append(text.replace("\\url ", ""))
    return texts


def student_notebook(
    source: Path, root: Path, exported: Iterable[str] = (), *, tag: str
) -> nbformat.NotebookNode:
    """The student copy of one MyST page as an nbformat 4 notebook (no outputs).

    Args:
        source: The page (a MyST Markdown notebook under ``root``).
        root: The repository root.
        exported: Docnames (``modules/h04_lithium_ion/02_voltage``) that get a notebook copy
            too, so a ``{doc}`` link to them becomes a link to that notebook.
        tag: The edition's Sphinx tag ``{only}`` blocks are evaluated with
            (``denchi.book.STUDENT``; ``TEACHER`` makes the teacher's copy, which the tests
            use to show what the student copy leaves out).

    Returns:
        The notebook (validated by ``nbformat.validate``).

    Raises:
        KeyError: If the page cites a key that ``book/references.bib`` lacks.
    """
    import jupytext

    notebook = jupytext.read(source)
    page = _Page(source, root, frozenset(exported), tag)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = "\n".join(page.blocks(cell.source.split("\n")))
        elif cell.cell_type == "code" and HIDING_TAGS & set(cell.metadata.get("tags", [])):
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    notebook.cells = [c for c in notebook.cells if c.cell_type != "markdown" or c.source.strip()]
    notebook.metadata.pop("jupytext", None)
    nbformat.validate(notebook)
    return notebook


def notebook_path(docname: str) -> str:
    """Where the copy of page ``docname`` (``modules/h04_lithium_ion/02_voltage``) is, relative
    to the edition's HTML folder: ``notebooks/modules/h04_lithium_ion/02_voltage.ipynb``."""
    return f"{NOTEBOOKS_DIR}/{docname}.ipynb"


def write_student_notebooks(root: Path, pages: list[Path], tag: str, html_dir: Path) -> Path:
    """Write the copy of each page (``denchi.book.learner_pages``) for the edition tagged
    ``tag`` (``denchi.book.STUDENT``) into ``<html_dir>/notebooks/`` (:func:`notebook_path`)
    and all of them as one zip, ``<html_dir>/notebooks/denchi-notebooks.zip``; returns the zip.

    Old copies are removed first (a page that left the edition leaves no notebook behind).

    Raises:
        KeyError: If a page cites a key that ``book/references.bib`` lacks.
    """
    import shutil

    exported = [p.relative_to(root).with_suffix("").as_posix() for p in pages]
    shutil.rmtree(html_dir / NOTEBOOKS_DIR, ignore_errors=True)
    archive_path = html_dir / NOTEBOOKS_ZIP
    archive_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for page, docname in zip(pages, exported, strict=True):
            out = html_dir / notebook_path(docname)
            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(student_notebook(page, root, exported, tag=tag), out)
            archive.write(out, f"denchi-notebooks/{docname}.ipynb")
    return archive_path
