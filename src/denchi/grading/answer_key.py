"""Answer keys for teacher guides, generated from an assignment's solution cells.

The solution is written once, in the nbgrader source notebook; teacher guides render it here.
Each question of the key is a MyST target (:func:`question_target`), so a guide refers to it
as ``{ref}`課題の問 2 <h02_redox_cells-q2>``` rather than typing 「課題の問 2」.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, SupportsFloat, cast

import nbformat

from denchi.catalog import repo_root
from denchi.grading.course import notebook_points
from denchi.grading.questions import question_labels

if TYPE_CHECKING:  # matplotlib is imported only by the cells that draw
    from matplotlib.figure import Figure

_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.MULTILINE)
_HEADING = re.compile(r"^#+\s*(.+)$", re.MULTILINE)


def _solution_text(source: str) -> str:
    return _MARKERS.sub("", source).strip()


def question_target(assignment: str, number: int) -> str:
    """The MyST target of question ``number`` (問2 → 2) of ``assignment`` in its answer key:
    ``h02_redox_cells-q2``.

    Args:
        assignment: The assignment's name (e.g. ``"h02_redox_cells"``).
        number: The question's number (問2 → 2).
    """
    return f"{assignment}-q{number}"


def _question_number(label: str | None) -> int | None:
    """``問3(a)`` -> 3 (:func:`denchi.grading.questions.question_labels`), None -> None."""
    found = re.match(r"問(\d+)", label or "")
    return int(found[1]) if found else None


def answer_key_markdown(assignment: str, root: Path | None = None) -> str:
    """Markdown: each question (the Markdown cell before it), its solution code and points.

    The question's heading becomes bold text (the key adds no sections to the guide) after
    the question's target, ``(h02_redox_cells-q2)=`` (:func:`question_target`), which MyST-NB
    parses in the output because the book renders Markdown outputs as MyST
    (``nb_render_markdown_format: myst`` in ``book/_config.yml``).

    Args:
        assignment: The assignment's folder name under ``assessments/source`` (e.g.
            ``"h02_redox_cells"``).
        root: The repository root; ``None`` finds it with :func:`denchi.catalog.repo_root`.

    Raises:
        CatalogError: if ``root`` is ``None`` and the repository root cannot be found.
    """
    folder = (root or repo_root()) / "assessments" / "source" / assignment
    parts: list[str] = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        question, targeted = "", set()
        for cell, label in zip(nb.cells, question_labels(nb.cells), strict=True):
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown" and not meta.get("solution"):
                question = _HEADING.sub(r"**\1**", cell.source.strip())
            elif meta.get("solution"):
                number = _question_number(label)
                target = ""
                if number is not None and number not in targeted:
                    targeted.add(number)
                    target = f"({question_target(assignment, number)})=\n"
                lang = "python" if cell.cell_type == "code" else ""
                parts.append(
                    f"{target}{question}\n\n**解答例**\n\n"
                    f"```{lang}\n{_solution_text(cell.source)}\n```\n"
                )
        parts.append(f"**配点の合計: {notebook_points(nb):g} 点**（{path.name}）")
    return "\n\n---\n\n".join(parts)


# Units of an answer, from the end of its variable name, as the assignments name them
# (q2_emf_v, q1_li_t_per_gwh, q3_cell_wh_kg …). The longest matching ending wins, so a
# compound unit is never read as its last part (q3_cell_wh_kg is Wh/kg, not kg); "" marks an
# ending of a number without a unit that a shorter ending would mislabel (q4_peukert_k is
# not in K). tests/test_answer_key.py checks every numeric answer of every assignment.
_UNITS = (
    ("_kg_per_kwh", "kg-CO2e/kWh"),
    ("_mv_per_decade", "mV/decade"),
    ("_cells_per_hour", "個/h"),
    ("_cells_per_day", "個/日"),
    ("_j_per_mol_k", "J/(mol·K)"),
    ("_fade_per_100", "%/100 サイクル"),
    ("_t_per_gwh", "t/GWh"),
    ("_a_per_m2", "A/m²"),
    ("_ah_per_v", "Ah/V"),
    ("_peukert_k", ""),
    ("_minutes", "分"),
    ("_percent", "%"),
    ("_c_rate", "C"),
    ("_cycles", "サイクル"),
    ("_kj_mol", "kJ/mol"),
    ("_mah_cm2", "mAh/cm²"),
    ("_mah_g", "mAh/g"),
    ("_wh_kg", "Wh/kg"),
    ("_m2_s", "m²/s"),
    ("_man_t", "万 t"),
    ("_hours", "h"),
    ("_watt", "W"),
    ("_cells", "個"),
    ("_ratio", "倍"),
    ("_roles", "つ"),
    ("_mohm", "mΩ"),
    ("_kwh", "kWh"),
    ("_ohm", "Ω"),
    ("_hz", "Hz"),
    ("_mv", "mV"),
    ("_pct", "%"),
    ("_c_f", "F"),
    ("_wh", "Wh"),
    ("_ah", "Ah"),
    ("_kg", "kg"),
    ("_um", "µm"),
    ("_k", "K"),
    ("_v", "V"),
    ("_g", "g"),
    ("_w", "W"),
    ("_s", "s"),
    ("_f", "F"),
)


def unit_of(name: str) -> str:
    """The unit of the answer variable ``name`` from its ending (``"q3_cell_wh_kg"`` →
    ``"Wh/kg"``; ``""`` for a number without a unit or an ending not in the table).

    Args:
        name: The answer variable's name.
    """
    endings = [(suffix, unit) for suffix, unit in _UNITS if name.endswith(suffix)]
    return max(endings, key=lambda item: len(item[0]))[1] if endings else ""


def _with_unit(name: str, value: object) -> str:
    """``value`` rounded to 3 significant digits with the unit of ``name``; an array or list
    answer (e01's capacities, u05's stations) element by element, ``[4.99, 4.5] Ah``."""
    if isinstance(value, str):
        return value
    import numpy as np

    def rounded(number: object) -> str:
        x = float(cast(SupportsFloat, number))
        if 0 < abs(x) < 1e-3:  # 4e-15 m²/s, not 0.000000000000004 m²/s (a large one stays whole)
            return np.format_float_scientific(x, precision=2, unique=True, trim="-", exp_digits=1)
        return np.format_float_positional(x, precision=3, unique=True, fractional=False, trim="-")

    if isinstance(value, (list, tuple, np.ndarray)):
        text = "[" + ", ".join(rounded(v) for v in np.ravel(np.asarray(value, dtype=float))) + "]"
    else:
        text = rounded(value)
    return f"{text} {unit_of(name)}".strip()


@contextmanager
def drawn_figures() -> Iterator[list[Figure]]:
    """The matplotlib figures drawn inside the block, closed when it ends.

    Yields a list that holds, once the block is over, the figures it drew (in the order
    drawn); they are closed (``pyplot.close``) but can still be saved
    (``Figure.savefig``). A guide calling :func:`answer_values` would otherwise show the
    figures a solution draws (h04 plots its discharge), as images without alt text;
    :mod:`denchi.grading.quiz` saves the figures of a question's cells as PNG.
    """
    plt = sys.modules.get("matplotlib.pyplot")
    before = set(plt.get_fignums()) if plt else set()
    drawn: list[Figure] = []
    try:
        yield drawn
    finally:
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            for number in sorted(set(plt.get_fignums()) - before):
                drawn.append(plt.figure(number))
                plt.close(number)


def _defined_and_used(code: str) -> tuple[set[str], set[str]]:
    """The names a cell's code binds (assignments, imports, definitions) and the names it reads."""
    import ast

    defined: set[str] = set()
    used: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (used if isinstance(node.ctx, ast.Load) else defined).add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            defined |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
    return defined, used


def _cells_the_solutions_need(cells: list[nbformat.NotebookNode]) -> list[str]:
    """The code of the solution cells and of the set-up cells they read from, in order.

    A set-up cell counts when it binds a name that a later kept cell reads (followed back
    through the set-up cells); one that only shows something (h04 plots a PyBaMM discharge
    for the learner to read) is left out, so the key costs no simulation. Test cells never
    count."""
    code: list[tuple[str, bool]] = []
    for cell in cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not (meta.get("grade") and not meta.get("solution")):
            code.append((_solution_text(cell.source), bool(meta.get("solution"))))
    needed: set[str] = set()
    kept: list[str] = []
    for text, solution in reversed(code):
        defined, used = _defined_and_used(text)
        if solution or defined & needed:
            kept.append(text)
            needed |= used
    return kept[::-1]


def answer_values(assignment: str, root: Path | None = None) -> dict[str, str]:
    """The answers of an assignment whose answers are the same for every student (the
    h-assignments), computed by running its solution cells, with the set-up cells they read
    from (:func:`_cells_the_solutions_need`), in a fresh namespace.

    Returns each answer variable (assigned in a solution cell, in order) with its value
    rounded to 3 significant digits and its unit from the variable's name
    (``{"q2_emf_v": "2.71 V", "q5_choice": "B"}``). Test cells are not run. Raises what the
    solution code raises (an assignment whose solution fails is broken).

    Args:
        assignment: The assignment's folder name under ``assessments/source`` (e.g.
            ``"h02_redox_cells"``).
        root: The repository root; ``None`` finds it with :func:`denchi.catalog.repo_root`.

    Raises:
        CatalogError: if ``root`` is ``None`` and the repository root cannot be found.
        SyntaxError: if a solution cell is not valid Python.
    """
    import ast
    import contextlib
    import io

    folder = (root or repo_root()) / "assessments" / "source" / assignment
    values: dict[str, str] = {}
    for path in sorted(folder.glob("*.ipynb")):
        namespace: dict[str, object] = {"__name__": f"answer_key_{assignment}"}
        names: list[str] = []
        for code in _cells_the_solutions_need(nbformat.read(path, as_version=4).cells):
            names += [
                name.id
                for node in ast.walk(ast.parse(code))
                if isinstance(node, ast.Assign)
                for target in node.targets
                # a tuple or list target binds each of its names (``(q2_a_v, q2_b_s), _ = ...``)
                for name in ast.walk(target)
                if isinstance(name, ast.Name) and re.match(r"q\d+_", name.id)
            ]
            with contextlib.redirect_stdout(io.StringIO()), drawn_figures():
                exec(compile(code, str(path), "exec"), namespace)  # noqa: S102 (our own solution)
        values.update({name: _with_unit(name, namespace[name]) for name in names})
    return values


def answer_values_markdown(assignment: str, root: Path | None = None) -> str:
    """Markdown table of :func:`answer_values`: the numeric answers with units (teacher guides).

    Args:
        assignment: The assignment's folder name under ``assessments/source`` (e.g.
            ``"h02_redox_cells"``).
        root: The repository root; ``None`` finds it with :func:`denchi.catalog.repo_root`.

    Raises:
        CatalogError: if ``root`` is ``None`` and the repository root cannot be found.
        SyntaxError: if a solution cell is not valid Python (and what the solution raises).
    """
    rows = ["| 変数 | 答え |", "|---|---|"]
    rows += [f"| `{name}` | {value} |" for name, value in answer_values(assignment, root).items()]
    return "**答え（解答例のコードをこの教材の環境で実行した値）**\n\n" + "\n".join(rows)
