"""What the student edition must not show, from the sources: solution lines of the
assignments, first sentences of the teacher guides, computed answers and the plain text of
``{only} teacher`` blocks. Shared by the built-book test (tests/test_book.py) and the student
notebook copies (tests/test_student_notebooks.py)."""

from __future__ import annotations

import html
import re

import nbformat

_INLINE_TAG = re.compile(r"</?(?:span|a|code|em|strong|b|i|abbr|sub|sup|wbr)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
_MARKUP = re.compile(r"[`{}$|\[\]*<>]|:::|\(\w+\)=")


def flat(text: str) -> str:
    """Text as a reader (or a search) sees it: no tags, entities decoded, spaces collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", _INLINE_TAG.sub("", text))))


def _solution_lines(root) -> dict[str, str]:
    """Distinctive lines of every assignment's solution code: the line -> its assignment.

    A line counts when it assigns or calls something and is long enough not to be a common
    token (``q5_choice = "B"`` counts: the name is the assignment's)."""
    found = {}
    for path in sorted((root / "assessments" / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("solution"):
                continue
            for line in cell.source.splitlines():
                code = line.split("  #")[0].strip()
                if _SOLUTION_MARKER.match(line) or len(code) < 14:
                    continue
                if "=" in code or "(" in code:
                    found[flat(code)] = path.parent.name
    return found


def _sentences(text: str) -> list[str]:
    """Plain sentences (no markup, one source line each) of a page's prose, 20 chars or more."""
    prose, fenced = [], False
    for line in text.splitlines():
        if line.startswith(("```", "~~~", ":::")):
            fenced = not fenced if line.strip() in ("```", "````", "~~~", ":::") else True
            continue
        if fenced or line.startswith(("#", "|", "-", "*", ":", ">")):
            continue
        prose += [s.strip() + "。" for s in line.split("。")[:-1]]
    return [s for s in prose if len(s) >= 20 and not _MARKUP.search(s) and "（" not in s[:1]]


def _teacher_only_blocks(text: str) -> list[str]:
    """The text of every ``{only} teacher`` block of a page."""
    return [b for _, b in re.findall(r"^(`{3,})\{only\} teacher\n(.*?)^\1$", text, re.S | re.M)]


# roles, math, code, bold, list numbers, directive fences and options: what a page renders
# differently from its source
_SOURCE_MARKUP = re.compile(
    r"\{[\w:-]+\}`[^`]*`|\$[^$]*\$|`[^`]*`|\*\*|^\s*\d+\.\s|^:\w+:.*$|^`{3,}.*$"
)


def _plain_fragments(block: str, at_least: int = 15) -> list[str]:
    """Runs of plain text (one source line each, between markup) of 15 characters or more."""
    return [
        fragment.strip()
        for line in block.splitlines()
        for fragment in _SOURCE_MARKUP.split(line)
        if len(fragment.strip()) >= at_least and not _MARKUP.search(fragment)
    ]


# Solution lines that a student page teaches on purpose: the graded answer is a number from the
# student's own data, not this code. Each entry says where and why.
TAUGHT_ON_STUDENT_PAGES = {
    # labs/e02_ocv_dqdv teaches the dQ/dV histogram; the answer is the peak of one's own cell
    "dq = np.abs(np.diff(q_ah))",
    "v_mid = (v[1:] + v[:-1]) / 2",
    "charge, edges = np.histogram(v_mid, bins=edges, weights=dq)",
}


def secrets(root, catalog, computed_answers: bool = True) -> dict[str, str]:
    """What the student edition must not show: needle -> where it comes from.

    ``computed_answers``: also the answers of the h-assignments computed by running their
    solutions (h04 solves PyBaMM: the fast tier leaves them out)."""
    from denchi.grading.answer_key import answer_values

    secrets = {
        line: f"solution of {a}"
        for line, a in _solution_lines(root).items()
        if line not in TAUGHT_ON_STUDENT_PAGES
    }
    for m in catalog.available():
        guide = (root / catalog.paths(m).teacher_guide).read_text(encoding="utf-8")
        for sentence in _sentences(guide)[:6]:
            secrets[sentence] = f"teacher guide {m.id}"
        if computed_answers and m.id.startswith("h"):
            for name, value in answer_values(m.id, root).items():
                secrets[f"{name} {value}"] = f"computed answer of {m.id}"
    for page in [*root.glob("labs/*/*.md"), *root.glob("modules/*/*.md"), root / "book/index.md"]:
        # (links to teacher pages: test_the_student_edition_has_no_teacher_pages_links_…)
        for block in _teacher_only_blocks(page.read_text(encoding="utf-8")):
            for fragment in _plain_fragments(block):
                secrets[fragment] = f"teacher-only block of {page.relative_to(root)}"
    return secrets
