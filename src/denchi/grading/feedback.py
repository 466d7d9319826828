"""Feedback a student may read: hints yes, hidden tests and their expected values never.

nbgrader's ``generate_feedback`` renders the autograded notebook, in which test cells carry
their hidden tests again (the autograder restores them from the gradebook). ``StripHiddenTests``
(in the course's ``GenerateFeedback.preprocessors``) shows each test cell as the student's
released notebook showed it, removes every line that only a hidden test contains from all
outputs (a last safeguard: hidden tests never run in the student's kernel, so its outputs
cannot quote them), shows each error as a check's bilingual hint or the error's name and
message only (no traceback frames, no folder of the grading machine), drops the grader's
notes, and puts the grading flags that concern the student (time limit, memory limit, ...) in
a note at the top.

nbgrader's ``AssignLatePenalties`` runs first in ``GenerateFeedback.preprocessors``, so the
page carries the penalty for the current due date. ``LabelQuestions`` (also there) names the
question of each cell (問1 …, :mod:`denchi.grading.questions`) and the page's lateness
(:mod:`denchi.grading.late`), and ``FeedbackExporter`` (``GenerateFeedback.exporter_class``)
renders nbgrader's feedback page with the template ``templates/denchi_feedback``: every score,
in the list at the top and at its cell, is labelled with its question in Japanese
(「問1 得点 / Score: 2 / 2」), and the page says how late the work came. The exporter sets its
template itself, so nbgrader's formgrader, which configures ``HTMLExporter`` for its own pages,
renders feedback the same way.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import jinja2
import nbgrader
from nbconvert.exporters import HTMLExporter
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import default

from denchi.grading.hidden import has_hidden, hidden_only_lines, visible_part
from denchi.grading.late import Lateness
from denchi.grading.outcome import flags_of
from denchi.grading.questions import question_labels

TEMPLATES = Path(__file__).parent / "templates"  # denchi_feedback/, which extends nbgrader's
NBGRADER_TEMPLATES = (
    Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
)

REDACTED = "[…]"
# errors whose message is already the whole story for the student (a check's bilingual hint,
# the grader's notes): shown without the error's name
HINT_ERRORS = frozenset({"CheckFailed", "DenchiGradingStopped", "InputNotAvailable"})
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])(?:/[^\s/'\":,()]+)*/(?P<name>[^\s/'\":,()]+)")
_TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex")


def _redact(text, secrets: set[str]):
    if isinstance(text, list):
        return [_redact(t, secrets) for t in text]
    if not isinstance(text, str):
        return text
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _redact_output(output, secrets: set[str]) -> None:
    if "text" in output:
        output.text = _redact(output.text, secrets)
    if output.get("output_type") == "error":
        output.evalue = _redact(output.evalue, secrets)
        output.traceback = _redact(output.traceback, secrets)
    for mime in _TEXT_MIMES:
        if mime in output.get("data", {}):
            output.data[mime] = _redact(output.data[mime], secrets)


def _without_paths(text: str) -> str:
    """Folders of the grading machine removed from a message: ``/a/b/data.csv`` -> ``data.csv``."""
    return ABSOLUTE_PATH.sub(lambda m: m.group("name"), text)


def _plain_error(output) -> None:
    """An error as the student reads it: a check's bilingual hint, or the error's name and
    message, without the traceback's frames and server paths."""
    evalue = _without_paths(str(output.get("evalue", "")))
    output.evalue = evalue
    output.traceback = [
        evalue if output.get("ename") in HINT_ERRORS else f"{output.ename}: {evalue}"
    ]


def student_notice(metadata: dict) -> str:
    """Markdown note on what went wrong while grading, for the student (empty if nothing).

    Args:
        metadata: The autograded notebook's metadata (its flags).
    """
    flags = [f for f in flags_of(metadata) if f.code != "not_sandboxed"]
    if not flags:
        return ""
    lines = ["**採点についてのお知らせ / About the grading**", ""]
    lines += [f"- {f.message_ja}<br>{f.message_en}" for f in flags]
    return "\n".join(lines)


class StripHiddenTests(NbGraderPreprocessor):
    """Remove hidden tests and their traces from a notebook before it becomes feedback."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Strip the hidden regions, redact their lines and server paths from outputs, drop
        the grader's metadata and put the student notice first.

        Args:
            nb: The notebook being converted (changed in place and returned).
            resources: nbconvert's resources; ``resources["nbgrader"]`` names the notebook,
                assignment, student and gradebook (``db_url``).
        """
        secrets: set[str] = set()
        for cell in nb.cells:
            if cell.cell_type == "code" and has_hidden(cell.source):
                secrets |= hidden_only_lines(cell.source)
                cell.source = visible_part(cell.source)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                _redact_output(output, secrets)
                if output.get("output_type") == "error":
                    _plain_error(output)
                elif output.get("name") == "stderr":
                    output.text = _without_paths(output.text)
        notice = student_notice(nb.metadata)
        nb.metadata.pop("denchi", None)  # the grader's notes stay with the teacher
        if notice:
            nb.cells.insert(0, new_markdown_cell(notice))
        return nb, resources


class LabelQuestions(NbGraderPreprocessor):
    """Put each nbgrader cell's question (``cell.metadata.denchi.question``, e.g. 問1) and the
    notebook's lateness (``resources.nbgrader.late_note``) where the feedback template reads
    them. Runs after nbgrader's ``GetGrades``."""

    def preprocess(self, nb, resources):
        """Label each question cell and store the notebook's lateness note.

        Args:
            nb: The notebook being converted (changed in place and returned).
            resources: nbconvert's resources; ``resources["nbgrader"]`` names the notebook,
                assignment, student and gradebook (``db_url``).
        """
        for cell, label in zip(nb.cells, question_labels(nb.cells), strict=True):
            if label:
                cell.metadata.setdefault("denchi", {})["question"] = label
        info = resources.get("nbgrader", {})
        if "db_url" in info and "score" in info:
            info["late_note"] = _late_note(info)
        return nb, resources


def _late_note(info: dict) -> str:
    """The notebook's 「提出遅れ …: −N 点」 (empty when on time), as status and the exports say it:
    nbgrader's ``GetGrades`` gives the score after the penalty and the penalty."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(info["db_url"]) as gb:
        try:
            submission = gb.find_submission(info["assignment"], info["student"])
        except MissingEntry:
            return ""
        seconds_late = float(submission.total_seconds_late or 0.0)
    penalty = float(info.get("late_penalty") or 0.0)
    return Lateness(float(info["score"]) + penalty, penalty, seconds_late).note()


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja2's compiled templates, kept in this process's memory for every feedback page.

    nbgrader makes a new exporter, and so a new Jinja2 environment, for each student: every
    page compiled the same ten templates again (about a quarter of a second, a fifth of
    grading a short notebook). Jinja2 checks each kept template against its source's checksum
    before using it (``jinja2.bccache.Bucket``), so an edited template is compiled again.
    """

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Give ``bucket`` the template's kept compiled code, if any (Jinja2 drops it when
        the source's checksum differs).

        Args:
            bucket: Jinja2's bucket of one template (its key and source checksum).
        """
        with self._lock:
            compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep the compiled code of ``bucket``'s template.

        Args:
            bucket: Jinja2's bucket of a template just compiled.
        """
        compiled = bucket.bytecode_to_string()
        with self._lock:
            self._compiled[bucket.key] = compiled


COMPILED_TEMPLATES = CompiledTemplates()


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback page with every score labelled by its question (問1 …); its
    templates compiled once per process (:class:`CompiledTemplates`)."""

    def __init__(self, **kwargs):
        # arguments, unlike configuration, win over the HTMLExporter settings nbgrader makes
        kwargs["template_name"] = "denchi_feedback"
        kwargs["extra_template_basedirs"] = [str(TEMPLATES), str(NBGRADER_TEMPLATES)]
        super().__init__(**kwargs)

    def _create_environment(self) -> jinja2.Environment:
        environment = super()._create_environment()
        environment.bytecode_cache = COMPILED_TEMPLATES
        return environment

    @default("template_paths")
    def _template_paths(self, prune=True, root_dirs=None):
        # the folder holding nbgrader's feedback/, for {% extends 'feedback/index.html.j2' %}
        return [*super()._template_paths(prune, root_dirs), str(NBGRADER_TEMPLATES)]
