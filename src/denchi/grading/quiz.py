"""The question model of an assignment whose answers are the same for every student (the intro
track, h01–h09), read from its nbgrader source notebook: the one source of the Moodle quiz
(:mod:`denchi.grading.moodle_quiz`) and of the LTI tool's web form.

One :class:`Question` per graded (test) cell, in notebook order:

- its text: the question's Markdown cell (the last Markdown cell above the test cell, as
  :func:`denchi.grading.answer_key.answer_key_markdown` takes it) rendered to HTML by
  markdown-it-py (CommonMark, the Markdown of Jupyter notebooks, with tables); for a choice,
  the list of options (``- **A**　…``) is taken out of the text into :class:`Option` s;
- its figures: what the notebook's set-up cells draw (a code cell that is neither solution
  nor test: h04's discharge plot), as PNG, with an alt text read from the axes; a figure
  belongs to the question whose Markdown is above the cell that draws it, and one drawn
  before the first question to every question;
- its points (the test cell's nbgrader ``points``), its label (問3(a),
  :func:`denchi.grading.questions.question_labels`) and the answer variable;
- what the hidden test grades, with its own arguments: :class:`NumberAnswer` (expected value,
  ``rel_tol``/``abs_tol``, unit), :class:`ChoiceAnswer` (the right letter and the options),
  :class:`KeywordsAnswer` (the keywords and their synonyms), or :class:`NotQuizzable` for a
  check that asks for an array, a curve or a fit (code-level work) or a test cell without
  exactly one graded check; and the bilingual hint (``hint_ja``/``hint_en``).

**How the expected values are read.** Not from a second copy: the notebook's own cells run,
in order, in a fresh namespace (trusted teacher code, as in
:func:`denchi.grading.answer_key.answer_values`). Set-up cells run as they are; each test cell
runs whole (visible and hidden part) with every use of the ``checks`` module (or of a function
imported from it) replaced by a recorder, which binds the call's arguments to the signature of
the real function (so a default such as ``rel_tol=0.01`` comes from :mod:`denchi.grading.checks`
itself) and keeps them. Solution cells never run: the expected answer is the hidden test's
(h04 問4's solution is a value read off a graph, the test expects the simulation's capacity).
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from denchi.grading import checks
from denchi.grading.answer_key import drawn_figures, unit_of
from denchi.grading.errors import GradingError
from denchi.grading.questions import HEADING, question_labels
from denchi.plotting import use_japanese_fonts

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from matplotlib.figure import Figure as MplFigure

# the checks that grade an answer; every other function of `checks` is a visible check
# (answered_*) or a helper (total, earlier)
GRADED = frozenset({"number", "choice", "keywords", "array", "curve", "minimises"})
_HELPERS = frozenset({"total", "earlier"})
_RECORDER = "__denchi_quiz_recorder__"
# how much narrower than the notebook's a quiz's absolute tolerance is, relative to it (see
# NumberAnswer.absolute_tolerance): far below any difference a student could type
TOLERANCE_MARGIN = 1e-9
_OPTION = re.compile(r"^\*\*([A-Z])\*\*\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Figure:
    """A figure of a question, drawn by the notebook's own cell.

    Attributes:
        name: A file name unique in the assignment, ``h04_lithium_ion-fig1.png``.
        png: The PNG image.
        alt: The alt text (Japanese), read from the axes: kind, title, axis labels, legend.
    """

    name: str
    png: bytes
    alt: str


@dataclass(frozen=True)
class NumberAnswer:
    """A number graded by ``checks.number``, with that call's own arguments.

    Attributes:
        expected: The right value, in ``unit``.
        rel_tol: Relative tolerance (0.01 = 1 %) of ``checks.number``.
        abs_tol: Absolute tolerance of ``checks.number``, in ``unit``.
        unit: The unit the question asks in: the check's ``unit=`` or else the one the answer
            variable's name carries (:func:`denchi.grading.answer_key.unit_of`); ``""`` if none.
        accepts_units: Whether the check was given ``unit=``, so that a string such as
            ``"5000 mAh"`` is also accepted (converted to ``unit``).
        carried_forward: Whether the check also accepts a value carried forward from the
            student's own earlier answers (``carried_forward=``).
    """

    expected: float
    rel_tol: float
    abs_tol: float
    unit: str
    accepts_units: bool
    carried_forward: bool

    def absolute_tolerance(self) -> float:
        """The absolute tolerance ``t = max(rel_tol · |expected|, abs_tol)`` (in ``unit``) of
        an interval ``[expected − t, expected + t]`` that lies inside what ``checks.number``
        accepts.

        ``checks.number`` accepts ``|v − e| ≤ max(rel_tol · max(|v|, |e|), abs_tol)``: for
        ``e > 0`` and ``rel_tol = r`` that is ``[e(1 − r), e / (1 − r)]`` (widened to
        ``e ± abs_tol``). The symmetric interval has the same lower end and an upper end lower
        by ``r²e / (1 − r)`` (0.01 % of ``e`` at ``r`` = 1 %), so every value it accepts the
        notebook accepts too. At the very ends float arithmetic decides (6.35 − 0.0635 is
        6.286499999999999, which ``checks.number`` rejects), and Moodle widens its interval by
        ``10⁻¹⁴ · max(1, |answer|)`` (``get_tolerance_interval()``): so ``t`` is made smaller
        by :data:`TOLERANCE_MARGIN` of itself.
        """
        return max(self.rel_tol * abs(self.expected), self.abs_tol) * (1 - TOLERANCE_MARGIN)


@dataclass(frozen=True)
class Option:
    """One option of a choice question.

    Attributes:
        letter: ``"A"``, ``"B"`` …, as the notebook's list and ``checks.choice`` name it.
        html: The option's text as inline HTML (without the letter).
    """

    letter: str
    html: str


@dataclass(frozen=True)
class ChoiceAnswer:
    """One letter graded by ``checks.choice``.

    Attributes:
        expected: The right letter.
        options: Every option offered (``choices`` of the check), in the notebook's order.
    """

    expected: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class KeywordsAnswer:
    """A short written answer graded by ``checks.keywords``.

    Attributes:
        required: Each required keyword as a tuple of its accepted synonyms.
        partial: Whether the check gives each keyword found a share of the points
            (``points=``) rather than all or nothing.
    """

    required: tuple[tuple[str, ...], ...]
    partial: bool


@dataclass(frozen=True)
class NotQuizzable:
    """A test cell that cannot become a question typed into a form.

    Attributes:
        check: The ``checks`` function(s) the cell grades with (``"array"``, ``"curve"``,
            ``"number+choice"``, or ``""`` for none).
        reason_ja: Why, in Japanese.
        reason_en: Why, in English.
    """

    check: str
    reason_ja: str
    reason_en: str


Answer = NumberAnswer | ChoiceAnswer | KeywordsAnswer | NotQuizzable


@dataclass(frozen=True)
class Question:
    """One graded cell of an assignment as a question.

    Attributes:
        assignment: The assignment (``"h01_society"``).
        grade_id: The test cell's nbgrader ``grade_id`` (``"q3a_test"``).
        label: The question's label, ``"問3(a)"`` (:func:`denchi.grading.questions.question_label`).
        text_html: The question's Markdown rendered to HTML (without a choice's options).
        figures: The figures that go with it.
        points: The test cell's nbgrader points.
        name: The answer variable the check reads (``"q1_kwh"``).
        answer: What the hidden test grades.
        hint_ja: The check's hint in Japanese (``""`` for :class:`NotQuizzable`).
        hint_en: The same hint in English.
        solution_calls: The functions the solution cell calls (``("chem.cell_voltage",)``):
            a question meant to be answered with code; ``()`` for arithmetic or a value.
        answer_cell: The ``grade_id`` of the solution cell the answer is written in (the
            last one above the test cell and below the question's text: ``"q3_answer"`` for
            both 問3(a) and 問3(b) of h04); ``""`` if there is none.
    """

    assignment: str
    grade_id: str
    label: str
    text_html: str
    figures: tuple[Figure, ...]
    points: float
    name: str
    answer: Answer
    hint_ja: str
    hint_en: str
    solution_calls: tuple[str, ...]
    answer_cell: str


@dataclass(frozen=True)
class _Call:
    function: str
    arguments: dict[str, Any]  # as the test cell passed them: any values


class _Recorder:
    """Stands for the ``checks`` module in a test cell: keeps each call's bound arguments."""

    def __init__(self) -> None:
        self.calls: list[_Call] = []

    def __getattr__(self, function: str) -> Callable[..., None]:
        real = getattr(checks, function)  # an unknown function is the test cell's mistake
        signature = inspect.signature(real)

        def record(*args: object, **kwargs: object) -> None:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            self.calls.append(_Call(function, dict(bound.arguments)))

        return record


class _ToRecorder(ast.NodeTransformer):
    """``checks.number(...)`` -> ``<recorder>.number(...)``; ``number(...)`` (imported from
    checks) -> ``<recorder>.number(...)``."""

    def __init__(self, modules: set[str], functions: dict[str, str]) -> None:
        self.modules = modules
        self.functions = functions

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id in self.modules:
            return ast.copy_location(
                ast.Attribute(ast.Name(_RECORDER, ast.Load()), node.attr, node.ctx), node
            )
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if isinstance(node.ctx, ast.Load) and node.id in self.functions:
            recorder = ast.Name(_RECORDER, ast.Load())
            return ast.copy_location(ast.Attribute(recorder, self.functions[node.id]), node)
        return node


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def markdown_html(text: str) -> str:
    """Notebook Markdown as HTML (markdown-it-py, CommonMark with tables).

    Args:
        text: The Markdown source of a cell.
    """
    return _markdown().render(text).strip()


def _options(text: str) -> tuple[str, dict[str, str]]:
    """The Markdown without its list of options, and each option's text as inline HTML.

    The options are the first bullet list whose every item begins with a bold capital letter,
    ``- **A**　text``; its lines (markdown-it's token map) are removed from the text."""
    md = _markdown()
    tokens = md.parse(text)
    for start, token in enumerate(tokens):
        if token.type != "bullet_list_open" or token.map is None:
            continue
        items: dict[str, str] = {}
        depth, every = 0, True
        for inner in tokens[start:]:
            depth += inner.nesting if inner.type.startswith("bullet_list") else 0
            if inner.type == "inline" and inner.level == token.level + 3:
                found = _OPTION.match(inner.content)
                if found:
                    items[found[1]] = md.renderInline(found[2].strip()).strip()
                else:
                    every = False
            if depth == 0:
                break
        if items and every:
            lines = text.split("\n")
            first, end = token.map
            return "\n".join(lines[:first] + lines[end:]), items
    return text, {}


def _figure_png(figure: MplFigure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return out.getvalue()


def figure_alt(figure: MplFigure) -> str:
    """An alt text for a figure, read from its axes (Japanese): for each axes, the title, the
    axis labels (quantity and unit, as ``docs/STYLE.md`` asks figures to carry them) and the
    legend's labels.

    Args:
        figure: A matplotlib figure.
    """
    parts: list[str] = []
    for axes in figure.axes:
        words = ["グラフ" + (f"「{axes.get_title()}」" if axes.get_title() else "")]
        if axes.get_xlabel():
            words.append(f"横軸は{axes.get_xlabel()}")
        if axes.get_ylabel():
            words.append(f"縦軸は{axes.get_ylabel()}")
        labels = [label for label in axes.get_legend_handles_labels()[1] if label[:1] != "_"]
        if labels:
            words.append("線は " + "、".join(labels))
        parts.append("。".join(words) + "。")
    return "".join(parts) or "図。"


def _run(code: str, namespace: dict[str, object], where: str) -> list[MplFigure]:
    """Run a teacher's cell; the figures it drew (closed, still savable)."""
    try:
        tree = ast.parse(code)
        with contextlib.redirect_stdout(io.StringIO()), drawn_figures() as figures:
            exec(compile(tree, where, "exec"), namespace)  # noqa: S102 (the teacher's own cell)
    except Exception as error:
        raise GradingError(
            f"{where} のセルを実行できませんでした（{type(error).__name__}: {error}）。"
            "ノートブックのセルを直してから、もう一度書き出してください。",
            f"The cell {where} failed ({type(error).__name__}: {error}). Fix the notebook's "
            "cell, then export again.",
        ) from error
    return figures


def _recorded(code: str, namespace: dict[str, object], where: str) -> list[_Call]:
    """Run a test cell with its ``checks`` calls recorded, not run."""
    modules = {name for name, value in namespace.items() if value is checks}
    own = [(name, value) for name, value in vars(checks).items() if inspect.isfunction(value)]
    functions = {bound: name for bound, value in namespace.items() for name, f in own if value is f}
    tree = _ToRecorder(modules, functions).visit(ast.parse(code))
    recorder = _Recorder()
    namespace[_RECORDER] = recorder
    try:
        with contextlib.redirect_stdout(io.StringIO()), drawn_figures():
            exec(compile(ast.fix_missing_locations(tree), where, "exec"), namespace)  # noqa: S102
    except Exception as error:
        raise GradingError(
            f"{where} のテストを読めませんでした（{type(error).__name__}: {error}）。"
            "テストのセルを直してから、もう一度書き出してください。",
            f"Could not read the test {where} ({type(error).__name__}: {error}). Fix the test "
            "cell, then export again.",
        ) from error
    finally:
        del namespace[_RECORDER]
    return recorder.calls


def _calls_in(code: str) -> tuple[str, ...]:
    """The dotted names of the functions a solution's code calls (``chem.cell_voltage``)."""

    def dotted(node: ast.expr) -> str:
        if isinstance(node, ast.Attribute):
            return f"{dotted(node.value)}.{node.attr}"
        return node.id if isinstance(node, ast.Name) else "…"

    found = [dotted(n.func) for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)]
    return tuple(dict.fromkeys(found))


def _answer(call: _Call, options: dict[str, str], where: str) -> Answer:
    """The model of one graded call."""
    args = call.arguments
    if call.function == "number":
        name = str(args["name"])
        unit = args["unit"]
        return NumberAnswer(
            expected=float(args["expected"]),
            rel_tol=float(args["rel_tol"]),
            abs_tol=float(args["abs_tol"]),
            unit=str(unit) if unit else unit_of(name),
            accepts_units=bool(unit),
            carried_forward=args["carried_forward"] is not None,
        )
    if call.function == "choice":
        letters = str(args["choices"])
        if set(options) != set(letters):
            raise GradingError(
                f"{where}: checks.choice の選択肢 {'・'.join(letters)} と、問題文の選択肢の"
                f"リスト（{'・'.join(options) or 'なし'}）が合いません。問題文に "
                "「- **A**　…」の形で、選択肢をすべて書いてください。",
                f"{where}: checks.choice offers {', '.join(letters)} but the question's list "
                f"of options has {', '.join(options) or 'none'}. List every option in the "
                "question as '- **A** …'.",
            )
        return ChoiceAnswer(
            expected=str(args["expected"]),
            options=tuple(Option(letter, options[letter]) for letter in letters),
        )
    if call.function == "keywords":
        required = tuple(
            (item,) if isinstance(item, str) else tuple(item) for item in args["required"]
        )
        return KeywordsAnswer(required=required, partial=args["points"] is not None)
    return NotQuizzable(
        call.function,
        f"checks.{call.function} は配列や曲線（コードで求める答え）を採点するので、"
        "フォームに打ちこむ問題にはできません。",
        f"checks.{call.function} grades an array or a curve (an answer computed with code), "
        "which cannot be typed into a form.",
    )


def _question(
    assignment: str,
    cell: nbformat.NotebookNode,
    label: str | None,
    markdown: str,
    figures: tuple[Figure, ...],
    solution: str,
    answer_cell: str,
    calls: list[_Call],
) -> Question:
    meta = cell.metadata["nbgrader"]
    where = f"{assignment} {meta['grade_id']}"
    graded = [
        c for c in calls if c.function not in _HELPERS and not c.function.startswith("answered_")
    ]
    text, options = _options(markdown)
    if len(graded) == 1:
        call = graded[0]
        answer = _answer(call, options, where)
        first = "x_name" if call.function == "curve" else "name"
        name, hint_ja, hint_en = (str(call.arguments[k]) for k in (first, "hint_ja", "hint_en"))
    else:
        kinds = "+".join(c.function for c in graded)
        answer = NotQuizzable(
            kinds,
            f"テストのセルに採点の check が {len(graded)} 個あります（1 問に 1 個のときだけ"
            "フォームの問題にできます）。",
            f"The test cell has {len(graded)} graded checks (a form question needs exactly one).",
        )
        name, hint_ja, hint_en = "", "", ""
    return Question(
        assignment=assignment,
        grade_id=str(meta["grade_id"]),
        label=label or str(meta["grade_id"]),
        text_html=markdown_html(text if isinstance(answer, ChoiceAnswer) else markdown),
        figures=figures,
        points=float(meta.get("points", 0)),
        name=name,
        answer=answer,
        hint_ja=hint_ja,
        hint_en=hint_en,
        solution_calls=_calls_in(solution) if solution else (),
        answer_cell=answer_cell,
    )


def notebook_questions(path: Path, assignment: str) -> list[Question]:
    """The questions of one nbgrader source notebook, one per graded (test) cell, in order.

    Runs the notebook's set-up and test cells as the module docstring says (a PyBaMM solve
    where a set-up cell or a hidden test makes one: h04 takes seconds).

    Args:
        path: The source notebook (``assessments/source/<a>/<a>.ipynb``).
        assignment: The assignment's name (for labels, figure names and messages).

    Raises:
        GradingError: if a set-up or test cell fails, or a choice's options in the question
            text do not match the letters its check offers (bilingual, naming the cell).
        OSError: if the notebook cannot be read.
    """
    nb = nbformat.read(path, as_version=4)
    use_japanese_fonts()  # a cell that draws with plain matplotlib still shows Japanese
    namespace: dict[str, object] = {"__name__": f"quiz_{assignment}"}
    markdown = ""  # the last Markdown cell: the text of the questions below it
    section = 0  # how many question headings (問N) are above; figures of 0 go with every question
    figures: dict[int, list[Figure]] = {}
    solution, answer_cell = "", ""
    drawn = 0
    questions: list[Question] = []
    for cell, label in zip(nb.cells, question_labels(nb.cells), strict=True):
        meta = cell.metadata.get("nbgrader", {})
        where = f"{assignment} {meta.get('grade_id') or 'cell ' + str(cell.get('id', '?'))}"
        if meta.get("solution"):
            solution = cell.source if cell.cell_type == "code" else ""
            answer_cell = str(meta.get("grade_id", "")) if cell.cell_type == "code" else ""
        elif cell.cell_type == "markdown":
            markdown, solution, answer_cell = cell.source, "", ""
            section += bool(HEADING.search(cell.source))
        elif meta.get("grade"):
            calls = _recorded(cell.source, namespace, where)
            mine = tuple(figures.get(0, []) + figures.get(section, []))
            questions.append(
                _question(assignment, cell, label, markdown, mine, solution, answer_cell, calls)
            )
        elif cell.cell_type == "code":
            for figure in _run(cell.source, namespace, where):
                drawn += 1
                png = _figure_png(figure)
                name = f"{assignment}-fig{drawn}.png"
                figures.setdefault(section, []).append(Figure(name, png, figure_alt(figure)))
    return questions


def assignment_questions(assignment: str, course: Path) -> list[Question]:
    """The questions of an assignment: :func:`notebook_questions` of each of its source
    notebooks (``<course>/source/<assignment>/*.ipynb``, in name order).

    Args:
        assignment: The assignment's folder name under ``source/`` (``"h01_society"``).
        course: The nbgrader course folder (``assessments/``,
            :func:`denchi.grading.course.course_dir`).

    Raises:
        GradingError: if the assignment has no source notebook, or as :func:`notebook_questions`.
    """
    paths = sorted((course / "source" / assignment).glob("*.ipynb"))
    if not paths:
        raise GradingError(
            f"課題 {assignment} のノートブックが {course / 'source'} にありません。"
            "課題名（フォルダ名）を確かめてください。",
            f"No notebook of the assignment {assignment} in {course / 'source'}. Check the "
            "assignment's name (its folder).",
        )
    return [q for path in paths for q in notebook_questions(path, assignment)]


@cache
def _codec() -> Any:
    """pydantic's adapter of a question list: JSON both ways, PNG bytes as base64."""
    from pydantic import ConfigDict, TypeAdapter

    return TypeAdapter(
        list[Question], config=ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")
    )


def dump_questions(questions: list[Question]) -> bytes:
    """The questions as JSON (:func:`load_questions` reads them back equal), so that a process
    other than the one that ran the notebook can use them (the LTI tool's web form).

    Args:
        questions: An assignment's questions (:func:`assignment_questions`).
    """
    return bytes(_codec().dump_json(questions))


def load_questions(data: bytes | str) -> list[Question]:
    """Questions from :func:`dump_questions`'s JSON.

    Args:
        data: The JSON text (bytes as UTF-8).

    Raises:
        pydantic.ValidationError: if ``data`` is not such JSON (a truncated or foreign file).
    """
    return list(_codec().validate_json(data))


def main(argv: list[str] | None = None) -> int:
    """``python -m denchi.grading.quiz ASSIGNMENT --course DIR --out FILE``: writes the
    assignment's questions as JSON to ``FILE`` (exit 0), or, when a cell of the notebook
    fails, the bilingual error as JSON ``{"ja": …, "en": …}`` (exit 2). A file, not standard
    output, which a notebook cell may print to. The LTI tool reads questions this way, in a
    process of their own: running an assignment's cells takes PyBaMM, matplotlib's global
    state and seconds of CPU that the web process should not carry.

    Args:
        argv: The command's arguments (``None``: ``sys.argv[1:]``).
    """
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m denchi.grading.quiz")
    parser.add_argument("assignment")
    parser.add_argument("--course", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        questions = assignment_questions(args.assignment, args.course)
    except GradingError as error:
        args.out.write_text(json.dumps({"ja": error.message_ja, "en": error.message_en}))
        return 2
    args.out.write_bytes(dump_questions(questions))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
