"""Hidden tests run here, in the grader's own process, never in the student's kernel.

``VerifyAnswers`` follows ``SandboxedExecute`` in the autograde step. For each notebook it
starts a fresh namespace, runs the teacher's locked code cells that the tests depend on (the
setup cell that imports ``checks``, say), and runs every test cell **in full** (visible and
hidden part, as stored in nbgrader's gradebook) against the answers captured from the student's
kernel just before that cell. A test cell scores only if both its visible part passed in the
student's kernel and the full test passes here; when the visible part passed in one place and
failed in the other, the cell is flagged: the notebook's checks were probably replaced.

The verdict is written into the cell's outputs the way nbgrader reads them (an error for a
failure, a number for partial credit), so nbgrader's own ``SaveAutoGrades`` records the score.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import sys
import types
from dataclasses import dataclass

from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

from denchi.grading import capture
from denchi.grading.checks import CheckFailed
from denchi.grading.hidden import visible_part
from denchi.grading.outcome import Flag, error_output
from denchi.grading.student import graded_student, seeded_as
from denchi.i18n import bilingual

NOT_CORRECT = bilingual("この答えは正しくありません。", "This answer is not correct.")


@dataclass(frozen=True)
class Verdict:
    """The outcome of one test cell run in the clean room: passed or not, the partial-credit
    score, and the messages for the student (safe) and for the teacher (the real error)."""

    passed: bool
    score: float | None = None  # partial credit: the test's last value, if it is a number
    ename: str = ""
    message: str = ""  # student-safe: a check's hint, or a generic sentence
    detail: str = ""  # for the teacher: the real exception
    printed: str = ""  # what the test printed (hints of partial-credit checks)


class CleanRoom:
    """A namespace that only trusted code and plain-data answers ever enter."""

    def __init__(self) -> None:
        self.module = types.ModuleType("__main__")
        self.module.__dict__["__builtins__"] = builtins

    def put(self, answers: dict, answer_names: list[str], free_names: list[str]) -> None:
        """Set the captured answers (an absent answer stays absent, so checks say so).

        Args:
            answers: Name -> value restored from the student's kernel
                (:func:`denchi.grading.capture.restore`).
            answer_names: The answer variables the test cell names; one not in ``answers``
                is removed.
            free_names: Other variables the test cell reads; set only if not already set.
        """
        namespace = self.module.__dict__
        for name in answer_names:
            if name in answers:
                namespace[name] = answers[name]
            else:
                namespace.pop(name, None)
        for name in free_names:
            value = answers.get(name, capture.Unsupported("absent"))
            if name not in namespace and not isinstance(value, capture.Unsupported):
                namespace[name] = value

    def run(self, source: str, *, scratch: bool = False) -> Verdict:
        """Run ``source`` here (on a copy of the namespace if ``scratch``).

        Args:
            source: The trusted test or set-up code.
            scratch: Run on a copy, so the namespace is left as it was.

        Returns:
            The verdict; an exception of ``source`` becomes a failed verdict, not a raise.
        """
        module = self.module
        if scratch:
            module = types.ModuleType("__main__")
            module.__dict__.update(self.module.__dict__)
        printed = io.StringIO()
        saved_main = sys.modules.get("__main__")
        sys.modules["__main__"] = module
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
                value = _exec_returning_last(source, module.__dict__)
        except CheckFailed as failure:
            hint = str(failure)
            return Verdict(False, ename="CheckFailed", message=hint, detail=hint)
        except Exception as exc:  # a wrong answer can make a teacher's test raise anything
            detail = f"{type(exc).__name__}: {exc}"
            return Verdict(False, ename=type(exc).__name__, message=NOT_CORRECT, detail=detail)
        finally:
            if saved_main is not None:
                sys.modules["__main__"] = saved_main
            else:  # there was none: leave none
                del sys.modules["__main__"]
            _close_figures()
        score = float(value) if type(value) is int or type(value) is float else None
        return Verdict(True, score=score, printed=printed.getvalue())


def _exec_returning_last(source: str, namespace: dict) -> object:
    """Execute like a notebook cell: the value of a final expression is returned."""
    tree = ast.parse(source)
    final = tree.body[-1] if tree.body else None
    last = final if isinstance(final, ast.Expr) else None
    if last is not None:
        tree.body.pop()
    exec(compile(tree, "<test>", "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<test>", "eval"), namespace)


def _close_figures() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


def _defined_names(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


def _needed_setup(cells: list[tuple[str, str, bool]]) -> set[str]:
    """Which trusted non-test cells the tests need (they define a name a later test reads)."""
    needed: set[str] = set()
    run: set[str] = set()
    for grade_id, source, is_test in reversed(cells):
        if is_test:
            needed |= set(capture.names_read_by(source)[1])
        elif _defined_names(source) & needed:
            run.add(grade_id)
            needed |= set(capture.names_read_by(source)[1])
    return run


def _kernel_failed(cell: NotebookNode) -> bool:
    return any(
        o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")
        for o in cell.outputs
    )


class VerifyAnswers(NbGraderPreprocessor):
    """Grade every test cell in a clean namespace against the captured answers."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Run each test cell's trusted source (from the gradebook) in a :class:`CleanRoom`
        with the captured answers and write its verdict into the cell's outputs; does
        nothing when the notebook was not executed by ``SandboxedExecute``.

        Args:
            nb: The executed notebook (changed in place and returned).
            resources: nbconvert's resources; ``resources["denchi"]`` holds the captured
                answers, ``resources["nbgrader"]`` the notebook, assignment and gradebook.

        Raises:
            nbgrader.api.MissingEntry: if the gradebook does not know the notebook.
        """
        report = resources.get("denchi")
        if report is None:  # not run by SandboxedExecute: hidden tests already ran in the kernel
            return nb, resources
        trusted = self._trusted_sources(resources)
        cells = [
            (gid, trusted[gid], utils.is_grade(cell))
            for cell in nb.cells
            if cell.cell_type == "code" and (gid := _grade_id(cell)) in trusted
        ]
        with seeded_as(graded_student(resources)):  # the same data as the student's kernel
            self._grade_all(nb, trusted, _needed_setup(cells), report, resources)
        return nb, resources

    def _grade_all(self, nb, trusted: dict, setup: set, report: dict, resources: dict) -> None:
        room = CleanRoom()
        for cell in nb.cells:
            grade_id = _grade_id(cell)
            if cell.cell_type != "code" or grade_id not in trusted:
                continue
            if not utils.is_grade(cell):
                if grade_id in setup:
                    verdict = room.run(trusted[grade_id])
                    if not verdict.passed:
                        self.log.warning("Teacher cell %s failed: %s", grade_id, verdict.detail)
                continue
            self._grade(cell, trusted[grade_id], report, room, resources)

    def _trusted_sources(self, resources: dict) -> dict[str, str]:
        """Locked cells' sources as nbgrader stored them when the assignment was generated."""
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            return {c.name: c.source for c in notebook.source_cells if c.locked}

    def _grade(self, cell, source: str, report: dict, room: CleanRoom, resources: dict) -> None:
        grade_id = cell.metadata.nbgrader["grade_id"]
        for output in cell.outputs:  # only the clean check may award partial credit
            if output.output_type == "execute_result":
                output.output_type = "display_data"
                output.pop("execution_count", None)
        taken = report["captures"].get(grade_id)
        if taken is None:  # not run: the notebook stopped before this cell
            return
        notebook = resources["nbgrader"]["notebook"]
        try:
            answers = capture.restore(taken["snapshot"])
        except (KeyError, ValueError) as exc:
            report["flags"].append(
                Flag("answers_unreadable", notebook, grade_id, (grade_id,), str(exc))
            )
            cell.outputs.insert(0, error_output("AnswersUnreadable", NOT_CORRECT))
            return
        room.put(answers, *capture.names_read_by(source))
        visible = room.run(visible_part(source), scratch=True)
        verdict = room.run(source)
        kernel_failed = _kernel_failed(cell)
        if kernel_failed == visible.passed:
            detail = f"kernel: {'failed' if kernel_failed else 'passed'}, clean: {visible.detail}"
            report["flags"].append(Flag("results_differ", notebook, grade_id, (grade_id,), detail))
        if kernel_failed:
            return
        if verdict.detail:
            report.setdefault("details", {})[grade_id] = verdict.detail
        verdict_outputs = []
        if not verdict.passed:
            verdict_outputs.append(error_output(verdict.ename, verdict.message))
        elif verdict.score is not None:
            result = {"text/plain": repr(verdict.score)}
            verdict_outputs.append(
                NotebookNode(
                    output_type="execute_result",
                    data=result,
                    metadata={},
                    execution_count=cell.get("execution_count"),
                )
            )
        if verdict.printed:
            verdict_outputs.append(
                NotebookNode(output_type="stream", name="stdout", text=verdict.printed)
            )
        cell.outputs[0:0] = verdict_outputs


def _grade_id(cell: NotebookNode) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")
