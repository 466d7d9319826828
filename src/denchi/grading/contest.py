"""A class contest over graded designs: ``denchi grade contest u04_cell_design``.

    from denchi.grading.contest import contest_rows, to_markdown
    rows = contest_rows("assessments", "u04_cell_design", workers=2)
    print(to_markdown(rows))

The design question of u04 asks for three plain numbers (positive electrode thickness, porosity
and N/P ratio). For each student with an autograded notebook
(``autograded/<student>/<assignment>/``), the design is read from that question's answer
cell **without running the student's code**: only top-level assignments of a number literal
(``q4_np_ratio = 1.05``) count, the last one of each name wins. Each distinct design is then
simulated again by the assignment's own rule
(:func:`denchi.labs.datasets.cell_design.evaluate_design`, the function the hidden test calls),
in ``workers`` processes, so no value the student's kernel printed or stored is trusted. The
table ranks designs that meet the rule by Wh/kg; the others follow, unranked.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat

from denchi.grading.errors import GradingError
from denchi.grading.pipeline import AUTOGRADED
from denchi.grading.spreadsheet import csv_text

# assignment -> (grade_id of the design's answer cell, the answer names in the rule's order)
CONTESTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "u04_cell_design": (
        "q4_answer",
        ("q4_positive_thickness_um", "q4_positive_porosity", "q4_np_ratio"),
    ),
}
HEADER = ("順位 rank", "学籍番号 student", "Wh/kg", "2C/C5 [%]", "要求 meets", "厚さ [µm]",
          "空隙率 porosity", "N/P", "備考 note")  # fmt: skip


@dataclass(frozen=True)
class ContestRow:
    """One student's line of the table.

    Attributes:
        rank: Place among the designs that meet the rule (1 is best); ``None`` otherwise.
        student: The student's id (the folder under ``autograded/``).
        design: The numbers read from the answer cell, in :data:`CONTESTS` order; ``None``
            when they could not be read as number literals.
        wh_kg: Simulated stack energy at C/5 over stack mass [Wh/kg] (NaN if not simulated).
        capacity_ratio: Capacity at 2C over capacity at C/5 (NaN if not simulated).
        meets: Whether the design meets the rule.
        note: Why not, in Japanese (empty when it meets the rule).
    """

    rank: int | None
    student: str
    design: tuple[float, ...] | None
    wh_kg: float
    capacity_ratio: float
    meets: bool
    note: str

    def cells(self) -> list[str]:
        """The row as the table's text cells (in :data:`HEADER` order)."""
        numbers = self.design or (math.nan,) * 3

        def shown(value: float, form: str) -> str:
            return "" if math.isnan(value) else format(value, form)

        return [
            "" if self.rank is None else str(self.rank),
            self.student,
            shown(self.wh_kg, ".1f"),
            shown(self.capacity_ratio * 100, ".1f"),
            "○" if self.meets else "×",
            shown(numbers[0], "g"),
            shown(numbers[1], "g"),
            shown(numbers[2], "g"),
            self.note,
        ]


def read_design(source: str, names: tuple[str, ...]) -> tuple[float, ...] | None:
    """The numbers a cell assigns to ``names`` as literals, without running it.

    Args:
        source: The answer cell's source.
        names: The variable names, in the order to return them.

    Returns:
        One float per name (the last top-level ``name = <number>`` of each), or ``None`` if
        the source does not parse or a name has no such assignment.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found: dict[str, float] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not (isinstance(target, ast.Name) and target.id in names):
            continue
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            found.pop(target.id, None)  # a later non-literal value replaces an earlier one
            continue
        if type(value) in (int, float) and math.isfinite(value):
            found[target.id] = float(value)
        else:
            found.pop(target.id, None)
    if any(name not in found for name in names):
        return None
    return tuple(found[name] for name in names)


def _designs(course: Path, assignment: str) -> dict[str, tuple[float, ...] | None]:
    grade_id, names = CONTESTS[assignment]
    designs: dict[str, tuple[float, ...] | None] = {}
    for folder in sorted((course / AUTOGRADED).glob(f"*/{assignment}")):
        design = None
        for path in sorted(folder.glob("*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            for cell in notebook.cells:
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                    design = read_design(cell.source, names)
        designs[folder.parent.name] = design
    return designs


def _evaluate_rule(design: tuple[float, ...]):
    from denchi.labs.datasets.cell_design import evaluate_design

    return evaluate_design(*design)


def contest_rows(
    course: str | Path,
    assignment: str,
    *,
    workers: int = 1,
    evaluate: Callable[[tuple[float, ...]], object] | None = None,
) -> list[ContestRow]:
    """The ranked table of the class's designs of ``assignment``.

    Args:
        course: The nbgrader course folder (``assessments/``).
        assignment: An assignment with a contest (a key of :data:`CONTESTS`).
        workers: Processes that simulate the designs (1: in this process).
        evaluate: The rule, design -> an object with ``wh_kg``, ``capacity_ratio``, ``meets``
            and ``note_ja``; ``None`` uses the assignment's own rule (for tests of the table).

    Returns:
        Rows: the designs that meet the rule by falling Wh/kg (ranks 1, 2, …; equal Wh/kg to
        0.1 share a rank), then the others by falling Wh/kg, then the unreadable ones.

    Raises:
        GradingError: if the assignment has no contest, ``workers`` is below 1, or no
            submission of it has been autograded yet.
    """
    if assignment not in CONTESTS:
        raise GradingError(
            f"課題「{assignment}」にはコンテストがありません（あるのは {', '.join(CONTESTS)}）。",
            f"'{assignment}' has no contest (these do: {', '.join(CONTESTS)}).",
        )
    if type(workers) is not int or workers < 1:
        raise GradingError(
            "--workers は 1 以上の整数にしてください。", "--workers must be a whole number ≥ 1."
        )
    designs = _designs(Path(course), assignment)
    if not designs:
        raise GradingError(
            f"課題「{assignment}」の採点済みの提出がありません。先に denchi grade autograde "
            f"{assignment} を実行してください。",
            f"No graded submission of '{assignment}' yet; run `denchi grade autograde "
            f"{assignment}` first.",
        )
    distinct = sorted({d for d in designs.values() if d is not None})
    rule = evaluate or _evaluate_rule
    if workers == 1 or len(distinct) < 2:
        verdicts = dict(zip(distinct, map(rule, distinct), strict=True))
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(distinct))) as pool:
            verdicts = dict(zip(distinct, pool.map(rule, distinct), strict=True))
    return _ranked(designs, verdicts)


def _ranked(designs: dict, verdicts: dict) -> list[ContestRow]:
    rows = []
    for student, design in designs.items():
        if design is None:
            rows.append(
                ContestRow(
                    None,
                    student,
                    None,
                    math.nan,
                    math.nan,
                    False,
                    "設計の 3 つの値を数値として読み取れません（数値をそのまま書く決まり）。",
                )  # fmt: skip
            )
            continue
        v = verdicts[design]
        rows.append(
            ContestRow(None, student, design, v.wh_kg, v.capacity_ratio, v.meets, v.note_ja)
        )

    def order(row: ContestRow) -> tuple:
        return (row.design is None, not row.meets, -(0 if math.isnan(row.wh_kg) else row.wh_kg))

    rows.sort(key=lambda row: (*order(row), row.student))
    ranked, rank, last = [], 0, None
    for place, row in enumerate(rows, start=1):
        if row.meets:
            score = round(row.wh_kg, 1)
            rank = rank if score == last else place
            last = score
            row = replace(row, rank=rank)
        ranked.append(row)
    return ranked


def to_markdown(rows: Iterable[ContestRow]) -> str:
    """The table as Markdown (a header row, then one row per student).

    Args:
        rows: The rows of :func:`contest_rows`, in the order to show them.
    """
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in row.cells()) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def to_csv(rows: Iterable[ContestRow]) -> str:
    """The table as CSV, by the project's one CSV writer
    (:func:`denchi.grading.spreadsheet.csv_text`: a UTF-8 BOM so that Excel reads the
    Japanese, and cells a spreadsheet would run as a formula written as text).

    Args:
        rows: The rows of :func:`contest_rows`, in the order to show them.
    """
    return csv_text(list(HEADER), (row.cells() for row in rows))
