"""The web form's questions are read in a process of their own and kept on disk
(:meth:`denchi.lms.grader.Grader.questions`): the tool's web process never runs an
assignment's cells (PyBaMM, matplotlib's global state), a restarted tool does not read them
again, and a tool that starts makes them before the first learner asks (issue 15)."""

from __future__ import annotations

import json
import logging
import stat
import subprocess
import sys

import nbformat
import pytest
from lms.harness import make_courseware

from denchi.grading import quiz
from denchi.grading.errors import GradingError
from denchi.lms.grader import Grader

TARGET = "h02_redox_cells"


@pytest.fixture(scope="module")
def courseware(tmp_path_factory):
    return make_courseware(tmp_path_factory.mktemp("questions") / "courseware")


def grader(courseware, work_dir) -> Grader:
    return Grader(courseware, work_dir, 60, [TARGET], allow_unsandboxed=True)


def test_questions_come_from_another_process_and_are_kept_privately(
    courseware, tmp_path, monkeypatch
):
    ran = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: ran.append(a[0]) or real_run(*a, **k))
    first = grader(courseware, tmp_path / "work").questions(TARGET)

    assert len(ran) == 1 and ran[0][1:4] == ["-m", "denchi.grading.quiz", TARGET]
    course = courseware / "assessments"
    assert first == quiz.assignment_questions(TARGET, course)  # the same, read in this process
    (kept,) = (tmp_path / "work" / "questions").glob(f"{TARGET}-*.json")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # hidden tests' answers: the tool's own

    # a restarted tool (a new Grader on the same folder) reads them from the disk
    again = grader(courseware, tmp_path / "work").questions(TARGET)
    assert again == first and len(ran) == 1


def test_an_unreadable_kept_file_is_made_again(courseware, tmp_path):
    first = grader(courseware, tmp_path / "work").questions(TARGET)
    (kept,) = (tmp_path / "work" / "questions").glob(f"{TARGET}-*.json")
    kept.write_text('[{"assignment": "h02_redox_cells"')  # cut short (a full disk)
    assert grader(courseware, tmp_path / "work").questions(TARGET) == first
    assert quiz.load_questions(kept.read_bytes()) == first


def test_a_failing_cell_is_a_bilingual_error_naming_it(tmp_path):
    courseware = make_courseware(tmp_path / "courseware")
    path = courseware / "assessments" / "source" / TARGET / f"{TARGET}.ipynb"
    nb = nbformat.read(path, as_version=4)
    setup = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    setup.source = "1 / 0\n" + setup.source
    nbformat.write(nb, path)

    with pytest.raises(GradingError) as refused:
        grader(courseware, tmp_path / "work").questions(TARGET)
    assert "ZeroDivisionError" in refused.value.message_ja
    assert "ZeroDivisionError" in refused.value.message_en
    assert not list((tmp_path / "work" / "questions").glob("*"))  # nothing kept, no tmp file


def test_warm_logs_a_failure_and_goes_on(courseware, tmp_path, monkeypatch, caplog):
    made = []
    g = grader(courseware, tmp_path / "work")

    def questions(assignment):
        made.append(assignment)
        if assignment == "broken":
            raise GradingError("壊れています", "broken")
        return []

    monkeypatch.setattr(g, "questions", questions)
    with caplog.at_level(logging.ERROR, logger="denchi.lms.grader"):
        g.warm(["broken", TARGET])
    assert made == ["broken", TARGET]
    assert "broken" in caplog.text


@pytest.mark.parametrize("prepare", [True, False])
def test_a_starting_tool_prepares_the_web_forms_in_the_background(tmp_path, monkeypatch, prepare):
    from lms.harness import start_tool, wait_for

    warmed = []
    monkeypatch.setattr(Grader, "warm", lambda self, assignments: warmed.append(assignments))
    tool = start_tool(tmp_path, make_courseware(tmp_path / "courseware"), prepare_web_forms=prepare)
    try:
        forms = [m.assignment for m in tool.rt.catalog.modules if m.track == "intro"]
        if prepare:
            wait_for(lambda: warmed, 30, "the web forms' questions to be prepared")
    finally:
        tool.stop()
    if prepare:
        assert warmed == [sorted(a for a in forms if a)]
        assert "h04_lithium_ion" in warmed[0] and TARGET in warmed[0]
    else:
        assert warmed == []


def test_the_command_writes_questions_or_the_error_as_json(courseware, tmp_path):
    out = tmp_path / "q.json"
    course = str(courseware / "assessments")
    assert quiz.main([TARGET, "--course", course, "--out", str(out)]) == 0
    assert quiz.load_questions(out.read_bytes()) == quiz.assignment_questions(
        TARGET, courseware / "assessments"
    )
    assert quiz.main(["h99_missing", "--course", course, "--out", str(out)]) == 2
    said = json.loads(out.read_text(encoding="utf-8"))
    assert "h99_missing" in said["ja"] and "h99_missing" in said["en"]


def test_the_tool_process_runs_none_of_the_assignments_code(courseware, tmp_path):
    """Reading h02's questions runs its cells (``denchi.chem``, matplotlib's fonts) in the
    other process only: the tool's own process imports neither."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from denchi.lms.grader import Grader\n"
        f"g = Grader(Path({str(courseware)!r}), Path({str(tmp_path / 'work')!r}), 60, "
        f"[{TARGET!r}], allow_unsandboxed=True)\n"
        "assert g.questions(" + repr(TARGET) + ")\n"
        "print(sorted(m for m in ('matplotlib', 'denchi.chem', 'pybamm') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
