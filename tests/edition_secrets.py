"""What the student edition must not show, from the sources: solution lines of the
assignments, first sentences of the teacher guides, computed answers and the plain text of
``{only} teacher`` blocks. Shared by the built-book test (tests/test_book.py) and the student
notebook copies (tests/test_student_notebooks.py)."""

from __future__ import annotations

import html
import math
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


# ---- graded values shown as numbers -------------------------------------------------------
# A graded answer that is the same for every student (the h-assignments) leaks when a page
# shows the number with its unit, whatever the variable is called there: a self-check with
# the assignment's numbers, a worked example, a printed result, a figure's alt text.

# How a learner sees the unit of an answer (denchi.grading.answer_key names it from the
# variable: q4_cells -> 個): the spellings the pages use for the same quantity.
_SPELLINGS = {
    "個": ("個", "本"),
    "%": ("%", "％"),
    "µm": ("µm", "μm"),  # the micro sign and the Greek mu look the same
    "h": ("h", "時間"),
    "t/GWh": ("t/GWh", "t"),  # 「1 GWh あたり 667 t」
    "万 t": ("t",),  # 20 万 t is read as 200000 t (万 is a scale of the number)
}
_SCALES = {"万": 1e4, "億": 1e8}
_LATEX = re.compile(r"\\(?:mathrm|text|textrm|mathit)\{([^{}]*)\}")
_LATEX_SPACE = re.compile(r"\\[ ,;:!]|~|\$|\*\*")


def _learner_text(text: str) -> str:
    """Text with the math and emphasis markup a page renders away: ``$2.71\\ \\mathrm{V}$``
    reads 2.71 V, ``**14 %**`` reads 14 %, ``1,000`` reads 1000."""
    text = _LATEX.sub(r"\1", text).replace("\\%", "%")
    text = _LATEX_SPACE.sub(" ", text)
    return re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)


class GradedValue:
    """A numeric answer of an h-assignment, with the tolerance its hidden test grades by."""

    def __init__(self, assignment: str, name: str, shown: str, rel_tol: float, abs_tol: float):
        number, _, unit = shown.partition(" ")
        self.assignment, self.name, self.shown = assignment, name, shown
        scale = _SCALES.get(unit.split(" ")[0], 1.0) if " " in unit else 1.0
        self.value = float(number) * scale
        # the key shows 3 significant digits (1.163 V as 1.16 V): the graded range around the
        # unrounded answer lies within the test's tolerance plus half the key's last digit
        rounding = 0.5 * 10 ** (math.floor(math.log10(abs(self.value) or 1)) - 2)
        self.tolerance = max(abs_tol, rel_tol * abs(self.value)) + rounding
        spellings = _SPELLINGS.get(unit, (unit,))
        units = "|".join(re.escape(u) for u in sorted(spellings, key=len, reverse=True))
        self._pattern = re.compile(
            r"(?<![\d.,A-Za-z])(?P<sign>[−\-]?)(?P<number>\d+(?:\.\d+)?)\s*(?P<scale>万|億)?\s*"
            rf"(?:{units})(?![A-Za-z/])"
        )

    def shown_in(self, text: str) -> list[str]:
        """Every place ``text`` shows a number with this answer's unit that the hidden test
        would grade correct (the tolerance is the test's ``rel_tol``/``abs_tol`` around the
        key's value, widened by the key's rounding to 3 significant digits)."""
        found = []
        for match in self._pattern.finditer(_learner_text(text)):
            number = float(match["number"]) * _SCALES.get(match["scale"] or "", 1.0)
            if match["sign"]:
                number = -number
            if abs(number - self.value) <= self.tolerance:
                found.append(match[0].strip())
        return found

    def __repr__(self) -> str:
        return f"{self.assignment} {self.name} = {self.shown}"


def _tolerances(path) -> dict[str, tuple[float, float]]:
    """``checks.number("q2_emf_v", …, rel_tol=…, abs_tol=…)`` of the hidden tests: name ->
    (rel_tol, abs_tol); a tolerance that is not a number literal counts as 0."""
    import ast

    found = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("grade"):
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "number"):
                continue
            if not (node.args and isinstance(node.args[0], ast.Constant)):
                continue
            tol = {"rel_tol": 0.0, "abs_tol": 0.0}
            for keyword in node.keywords:
                if keyword.arg in tol and isinstance(keyword.value, ast.Constant):
                    tol[keyword.arg] = float(keyword.value.value)
            found[node.args[0].value] = (tol["rel_tol"], tol["abs_tol"])
    return found


def graded_values(root, assignment: str) -> list[GradedValue]:
    """The numeric answers of an h-assignment (``denchi.grading.answer_key.answer_values``,
    which runs no simulation) with the tolerances of its hidden tests."""
    from denchi.grading.answer_key import answer_values

    tolerances = {}
    for path in sorted((root / "assessments" / "source" / assignment).glob("*.ipynb")):
        tolerances.update(_tolerances(path))
    return [
        GradedValue(assignment, name, shown, *tolerances.get(name, (0.0, 0.0)))
        for name, shown in answer_values(assignment, root).items()
        if re.match(r"-?\d", shown)
    ]


# Answers whose number with its unit is legitimately common on the module's pages: the page
# shows the number for another reason and never the question's own working. Each says why.
COMMON_ON_THE_PAGES = {
    ("h04_lithium_ion", "q1_capacity_ah"): "5 Ah is the nominal capacity of the lab's cell "
    "(LG M50) named on every page; 問1 finds a capacity from a current and a time of its own",
    ("h04_lithium_ion", "q3_c_rate"): "the C-rates 0.2C–3C are the settings of the lab's "
    "experiments; 問3 asks the rate of a capacity and current no page combines",
    ("h09_careers", "q4_roles"): "「2 つ」 is how Japanese counts anything (「2 つ挙げましょう」); "
    "問4 counts the roles of the self-check table, which the page has to show",
}


def leaked_values(root, catalog, texts: dict[str, str]) -> list[tuple[str, str, str]]:
    """(answer, file, what it shows) for every numeric h-answer that a file of an intro
    module shows (a name with ``modules/<id>/`` or ``labs/<lab id>/`` of an h-module in it:
    a learner opens the other modules' pages too), the values of :data:`COMMON_ON_THE_PAGES`
    left out."""
    intro = [m for m in catalog.available() if m.id.startswith("h") and m.assignment]
    folders = [
        f"{d.as_posix()}/"
        for m in intro
        for d in (catalog.paths(m).lesson_dir, *catalog.paths(m).lab_dirs)
        if d is not None
    ]
    pages = {name: text for name, text in texts.items() if any(f in name for f in folders)}
    return [
        (str(value), name, shown)
        for m in intro
        for value in graded_values(root, m.assignment)
        if (value.assignment, value.name) not in COMMON_ON_THE_PAGES
        for name, text in pages.items()
        for shown in value.shown_in(text)
    ]
