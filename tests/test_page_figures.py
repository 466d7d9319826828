"""Figures and references of the book pages, checked from their sources (no build, no kernel).

- A code cell that draws a figure says what the figure shows: MyST-NB cell metadata
  ``mystnb: {figure: {caption, name}, image: {alt}}`` (otherwise the built page's ``<img>``
  has the file's hash as its alt text), and it shows nothing but the figure (no
  ``<matplotlib… at 0x…>`` text, no second output that would share the caption).
- Equations, discussion questions and the questions of an assignment are referred to by
  label: ``{eq}`label```, ``{ref}`考察 N <label>``` and ``{ref}`課題の問 N <label>``` (whose N
  is checked against the list or the assignment), never by a number typed into the prose or a
  figure caption, which inserting an equation or a question would silently make wrong.

The built HTML is checked in ``tests/test_book_figures.py``.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import jupytext
import pytest
from grading_support import key_targets
from sources import sources

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("modules", "labs", "book", "teacher_guides")

# what draws a figure in a code cell: matplotlib, the denchi result helpers
# (r.plot(), r.plot_bode(), labs.compare, factory.draw_process_map …)
DRAWS = re.compile(
    r"\bplt\.|\.plot\w*\(|\bcompare\(|\bsubplots\(|\bdraw_\w+\(|\.figure\(|\bfig\.|\.loglog\(|"
    r"\.semilog[xy]\(|\.barh?\(|\.imshow\("
)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# last lines that print nothing in a notebook (no value shown under the figure)
SILENT_CALLS = {"plt.show", "print", "display"}
# calls that run a multi-cycle protocol, which shows a progress bar in a kernel
# (denchi.labs.api.progress: a display output): the cell's figure metadata would make the bar
# a second figure with the same caption and name. Such a run goes in a cell of its own.
SHOWS_PROGRESS = re.compile(
    r"\.(aging|calendar_aging|pulse_test|gitt|cycle)\(|"
    r"\b(measured_hppc|measured_gitt|cycle_aging|calendar_aging)\("
)


def _pages() -> list[Path]:
    return sources(ROOT, FOLDERS, "*.md")


def _params() -> list:
    return [
        pytest.param(name, id=name)
        for name in (page.relative_to(ROOT).as_posix() for page in _pages())
    ]


def _code_cells(page: str):
    notebook = jupytext.read(ROOT / page)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            yield index, cell


def _draws(cell) -> bool:
    """The cell shows a figure in the book (a cell whose output is removed shows none)."""
    tags = cell.metadata.get("tags", [])
    return "remove-output" not in tags and bool(DRAWS.search(cell.source))


def _figure_cells(page: str):
    return [(i, c) for i, c in _code_cells(page) if _draws(c)]


def test_the_figure_detector_sees_figures_and_only_figures():
    """The pattern that finds figure cells (the tests below trust it)."""
    drawing = [
        "ax = labs.compare([a, b])",
        "fig, ax = plt.subplots()\nax.plot(x, y);",
        "cell.eis(freqs).plot_bode()",
        "factory.draw_process_map()\nplt.show()",
        "ax = result.plot(x='time')",
    ]
    plain = ['print(f"{cell.capacity_ah:.2f} Ah")', "table.round(3)", "Markdown(rows)"]
    assert all(DRAWS.search(s) for s in drawing)
    assert not any(DRAWS.search(s) for s in plain)


@pytest.mark.parametrize("page", _params())
def test_every_figure_cell_has_alt_text_and_a_caption(page):
    """``mystnb.image.alt`` (read aloud, shown when the image is missing) and
    ``mystnb.figure.caption`` in Japanese, and ``mystnb.figure.name`` to link to it."""
    offenders = []
    for index, cell in _figure_cells(page):
        options = cell.metadata.get("mystnb", {})
        alt = options.get("image", {}).get("alt", "")
        figure = options.get("figure", {})
        caption, name = figure.get("caption", ""), figure.get("name", "")
        if not (isinstance(alt, str) and len(alt) >= 10 and JAPANESE.search(alt)):
            offenders.append(f"cell {index}: no Japanese alt text ({alt!r})")
        if not (isinstance(caption, str) and JAPANESE.search(caption)):
            offenders.append(f"cell {index}: no Japanese caption ({caption!r})")
        if not re.fullmatch(r"fig-[a-z0-9-]+", str(name)):
            offenders.append(f"cell {index}: figure name {name!r} is not fig-<page>-<what>")
    assert not offenders, f"{page}: " + "; ".join(offenders)


def test_figure_names_are_unique_in_the_book():
    """Sphinx labels are global: two figures with one name break the (-W) build."""
    seen: dict[str, str] = {}
    duplicates = []
    for path in _pages():
        page = path.relative_to(ROOT).as_posix()
        for index, cell in _code_cells(page):
            name = cell.metadata.get("mystnb", {}).get("figure", {}).get("name")
            if name:
                if name in seen:
                    duplicates.append(f"{name}: {seen[name]} and {page} cell {index}")
                seen[name] = f"{page} cell {index}"
    assert not duplicates, duplicates


def _shown_value(source: str) -> str | None:
    """The last statement if a notebook would show its value under the figure, else None."""
    lines = [line for line in source.rstrip().splitlines() if line.strip()]
    if not lines or lines[-1].rstrip().endswith(";"):
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax (magics): not judged here
        return None
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr):
        return None  # an assignment, a loop, an import: nothing shown
    if isinstance(last.value, ast.Call) and ast.unparse(last.value.func) in SILENT_CALLS:
        return None
    return ast.unparse(last)


@pytest.mark.parametrize("page", _params())
def test_a_figure_cell_shows_nothing_but_its_figure(page):
    """The value of a cell's last line is shown under its figure (``<matplotlib.lines.Line2D
    at 0x…>``, a table): end it with ``plt.show()`` or ``;``, or give a table its own cell.
    MyST-NB wraps every display output of a cell with figure metadata in a figure of that
    caption and name, so only the figure may be displayed (printed text is not a display
    output and may stay)."""
    offenders = [
        f"cell {index}: the last line shows a value: {shown}"
        for index, cell in _figure_cells(page)
        if (shown := _shown_value(cell.source)) is not None
    ]
    offenders += [
        f"cell {index}: {m.group(0)}…) shows a progress bar: run it in the cell before"
        for index, cell in _figure_cells(page)
        if (m := SHOWS_PROGRESS.search(cell.source))
    ]
    assert not offenders, f"{page}: {offenders}"


# --- equation and question references ------------------------------------------------------

ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
INLINE_CODE = re.compile(r"`[^`\n]*`")
# 「式 (2)」「式（1）〜（4）」「式 (4), (5)」, but not 「様式（90_report_template）」
HARD_EQUATION = re.compile(r"(?<![様方形])式[ \t]*[（(][ \t]*[0-9０-９]+[ \t]*[)）]")
HARD_QUESTION = re.compile(r"考察(?:課題)?[ \t]*[0-9０-９]")
# 「課題の問 3」 anywhere; in a teacher guide every 「問 3」 is a question of the assignment
# (「確認問題 3」 is a page's self-check, no 問 N)
HARD_ASSIGNMENT_QUESTION = re.compile(r"課題の問[ \t]*[0-9０-９]")
HARD_GUIDE_QUESTION = re.compile(r"(?<!確認)問[ \t]*[0-9０-９]")
# in a teacher guide: 「ワークシート 2-(4)」「ワークシート (4)」
# (→ {ref}`ワークシート (4) <h08_environment-ws4>`, the target of the item's answer,
# denchi.worksheet.worksheet_target), 「考えよう 3」「確認問題 3」
# (a page's numbered questions: refer to them by what they ask, or by a target)
HARD_GUIDE_WORKSHEET = re.compile(
    r"ワークシート[ \t]*(?:[0-9０-９]+[ \t]*[-－ー][ \t]*)?[（(][ \t]*[0-9０-９]+[ \t]*[)）]"
)
HARD_GUIDE_NUMBERED = re.compile(r"(?:考えよう|確認問題)[ \t]*[0-9０-９]")
GUIDES = "teacher_guides/"
TAG = re.compile(r"\\tag\{")
FENCE = re.compile(r"^(`{3,}|~{3,})\{code-cell\}.*?^\1\s*$", re.M | re.S)
EQ_LABEL = re.compile(r"^\$\$\s*\(([\w-]+)\)\s*$", re.M)
EQ_REF = re.compile(r"\{eq\}`([^`]+)`")
REF = re.compile(r"\{ref\}`([^`<]*?)\s*<([^>`]+)>`")
ITEM = re.compile(r"^(\s*)(\d+)\.\s")


CAPTION = re.compile(r"^[ \t]*caption:[ \t]*(.+)$", re.M)


def _prose(text: str) -> str:
    """The page's text without code cells, roles and inline code, but with the figure
    captions of its code cells (MyST-NB renders a caption as MyST, so it can hold a role)."""
    captions = [c for cell in FENCE.finditer(text) for c in CAPTION.findall(cell.group(0))]
    text = "\n".join([EQ_LABEL.sub("", FENCE.sub("", text)), *captions])
    return INLINE_CODE.sub("", ROLE.sub("", text))


def test_the_prose_keeps_captions_and_drops_code_and_roles():
    page = (
        "式 (1) と {ref}`課題の問 2 <h02_redox_cells-q2>`\n"
        "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: 課題の問 3 のデータ\n"
        "---\nx = 1  # 問 4\n```\n"
    )
    prose = _prose(page)
    assert "式 (1)" in prose and "課題の問 3 のデータ" in prose
    assert "課題の問 2" not in prose and "問 4" not in prose


@pytest.mark.parametrize("page", _params())
def test_no_equation_or_question_number_is_typed_into_the_prose(page):
    """「式 (2)」 → 「式 {eq}`e01-overpotential`」; 「考察 6」 → {ref}`考察 6 <e01-q-dfn>`;
    「課題の問 2」 → {ref}`課題の問 2 <h02_redox_cells-q2>` (the answer key's target,
    ``key_targets`` in ``tests/grading_support.py``); an equation is numbered by its label
    (``$$ … $$ (label)``), never by ``\\tag{2}``."""
    text = (ROOT / page).read_text(encoding="utf-8")
    prose = _prose(text)
    patterns = [HARD_EQUATION, HARD_QUESTION, HARD_ASSIGNMENT_QUESTION]
    if page.startswith(GUIDES):
        patterns += [HARD_GUIDE_QUESTION, HARD_GUIDE_WORKSHEET, HARD_GUIDE_NUMBERED]
    offenders = [m.group(0).strip() for pattern in patterns for m in pattern.finditer(prose)]
    offenders += ["\\tag{…}"] * len(TAG.findall(FENCE.sub("", text)))
    # an equation's label typed as text (「式 e04-randles」) is no link either
    offenders += [label for label in sorted(_equation_labels()) if label in prose]
    assert not offenders, f"{page}: numbers typed instead of a reference: {offenders}"


def _all_text() -> dict[str, str]:
    return {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in _pages()}


@functools.cache
def _equation_labels() -> frozenset[str]:
    return frozenset(label for text in _all_text().values() for label in EQ_LABEL.findall(text))


def test_every_equation_reference_has_its_equation():
    texts = _all_text()
    labels = _equation_labels()
    missing = [
        f"{page}: {{eq}}`{label}`"
        for page, text in texts.items()
        for label in EQ_REF.findall(text)
        if label not in labels
    ]
    assert not missing, missing


def _item_number(lines: list[str], at: int) -> int | None:
    """The number a Markdown ordered list shows for the item on line ``at`` (its first
    item's number plus the items before it), or None if that line starts no item."""
    first = ITEM.match(lines[at])
    if not first:
        return None
    indent = len(first.group(1))
    start, before = int(first.group(2)), 0
    for line in reversed(lines[:at]):
        item = ITEM.match(line)
        if item and len(item.group(1)) == indent:
            start, before = int(item.group(2)), before + 1
        elif line.strip() and len(line) - len(line.lstrip()) <= indent:
            break  # a line that belongs to no item ends the list
    return start + before


def _question_targets(texts: dict[str, str]) -> dict[str, tuple[str, int | None]]:
    """Each ``N. (label)=`` target: the page and the number the list shows for it."""
    targets = {}
    for page, text in texts.items():
        lines = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text).splitlines()
        for at, line in enumerate(lines):
            m = re.match(r"^\s*\d+\.\s+\(([\w-]+)\)=\s*$", line)
            if m:
                targets[m.group(1)] = (page, _item_number(lines, at))
    return targets


def test_the_item_counter_counts_as_markdown_does():
    lines = ["1. a", "   more", "", "2. b", "   1. inner", "   2. inner", "3. (x)=", "   c"]
    assert _item_number(lines, 6) == 3
    assert _item_number(lines, 5) == 2
    assert _item_number(["Text", "5. (y)=", "   e"], 1) == 5
    assert _item_number(["1. a", "Text", "1. (z)="], 2) == 1  # text ends the first list


def _assignment_targets() -> dict[str, tuple[str, int | None]]:
    """The target of each question of every assignment's answer key, with its number."""
    from denchi.catalog import load_catalog

    return {
        label: (f"assessments/source/{m.assignment}", number)
        for m in load_catalog(ROOT / "book" / "curriculum.yml").available()
        if m.assignment
        for label, number in key_targets(m.assignment, ROOT).items()
    }


def _worksheet_targets() -> dict[str, tuple[str, int | None]]:
    """The target of each worksheet item's answer in its guide, with the item's number."""
    from denchi.catalog import load_catalog
    from denchi.worksheet import worksheet_items, worksheet_path, worksheet_target

    return {
        worksheet_target(m.id, number): (f"modules/{m.id}/90_worksheet.md", number)
        for m in load_catalog(ROOT / "book" / "curriculum.yml").in_track("intro")
        if worksheet_path(m.id, ROOT).is_file()
        for number in worksheet_items(m.id, ROOT)
    }


def test_every_question_reference_shows_the_number_of_its_question():
    """``{ref}`考察 N <label>``` (or ``{ref}`N <label>``` in a range 「考察課題 1〜3」) links to
    the item ``N. (label)=`` of a 考察 list, ``{ref}`課題の問 N <h02_redox_cells-qN>``` to a
    question of an answer key; N must be the number that list or assignment shows for it, so
    inserting a question cannot leave it wrong."""
    texts = _all_text()
    targets = _question_targets(texts)
    assert targets, "no `N. (label)=` question targets found: is the pattern still right?"
    assignments = _assignment_targets()
    assert len(assignments) >= 50, "the answer keys' targets are missing"
    targets |= assignments
    worksheets = _worksheet_targets()
    assert len(worksheets) >= 60, "the worksheets' items are missing"
    targets |= worksheets
    wrong = []
    for page, text in texts.items():
        for shown, label in REF.findall(text):
            if label not in targets:
                if any(word in shown for word in ("考察", "問", "ワークシート")):
                    wrong.append(f"{page}: {shown} → {label} (no target {label})")
                continue
            where, number = targets[label]
            digits = re.search(r"(\d+)\)?$", shown)  # 「考察 6」, 「ワークシート (4)」
            if digits is None or int(digits.group(1)) != number:
                wrong.append(f"{page}: {shown!r} → {label}, which is number {number} in {where}")
    assert not wrong, wrong


# Code a learner does not see in the book but meets in the notebook view (JupyterLab, the
# student notebook copy): a few lines that call a documented `denchi` function, never the
# drawing code itself (docs/STYLE.md, "Code shown to learners").
HIDING_TAGS = {"remove-input", "hide-input", "remove-cell", "hide-cell"}
MAX_HIDDEN_LINES = 8
LEARNER_FOLDERS = ("modules", "labs")


def hidden_code_too_long(source: str, tags: list[str]) -> bool:
    """Whether a code cell hides more than MAX_HIDDEN_LINES non-blank lines."""
    lines = [line for line in source.splitlines() if line.strip()]
    return bool(HIDING_TAGS & set(tags)) and len(lines) > MAX_HIDDEN_LINES


def test_the_hidden_code_detector_counts_lines_of_hidden_cells_only():
    long = "\n".join(f"x{i} = {i}" for i in range(MAX_HIDDEN_LINES + 1))
    assert hidden_code_too_long(long, ["remove-input"])
    assert hidden_code_too_long(long, ["hide-cell", "other"])
    assert not hidden_code_too_long(long, [])  # shown code may be long: the learner reads it
    blank_lines_do_not_count = "\n\n".join(long.splitlines()[:MAX_HIDDEN_LINES])
    assert not hidden_code_too_long(blank_lines_do_not_count, ["hide-input"])


@pytest.mark.parametrize(
    "page",
    [p for p in _params() if p.values[0].startswith(LEARNER_FOLDERS)],
)
def test_no_learner_page_hides_long_code(page):
    """Drawing code lives in a `denchi` function with a docstring and a test; the page calls it
    in a line or two (``chem.draw_daniell_cell()``)."""
    offenders = [
        index
        for index, cell in _code_cells(page)
        if hidden_code_too_long(cell.source, cell.metadata.get("tags", []))
    ]
    assert not offenders, f"{page}: cells {offenders} hide more than {MAX_HIDDEN_LINES} lines"
