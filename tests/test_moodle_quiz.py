"""The intro assignments as Moodle quizzes (``denchi grade moodle-quiz``,
:mod:`denchi.grading.moodle_quiz`, from the question model of :mod:`denchi.grading.quiz`).

What the tests know they derive on their own: the graded cells and points from nbgrader's
metadata, the tolerances from the hidden tests' source (``ast``, with the defaults of
``checks.number``'s signature), the verdicts from the hidden tests themselves run in the clean
room (:class:`denchi.grading.cleanroom.CleanRoom`, as the autograder runs them). Moodle's side
is read as Moodle's importer reads the file (``question/format/xml/format.php``) and graded as
its question types grade (``qtype_numerical_answer::get_tolerance_interval()`` "nominal",
``get_matching_answer()``: the first answer within tolerance, ``*`` matches any).
"""

from __future__ import annotations

import ast
import base64
import html
import inspect
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

from denchi.catalog import load_catalog
from denchi.cli import main
from denchi.grading import checks
from denchi.grading.capture import names_read_by
from denchi.grading.cleanroom import CleanRoom
from denchi.grading.course import course_dir
from denchi.grading.errors import GradingError
from denchi.grading.hidden import split_hidden
from denchi.grading.moodle_quiz import moodle_quiz_xml, write_moodle_quiz
from denchi.grading.questions import question_label
from denchi.grading.quiz import NumberAnswer, notebook_questions

PHP_PRECISION = 14  # php.ini "precision", the default Moodle's tolerance adds 10^-precision of
MOODLE_TYPES = {"category", "numerical", "multichoice", "shortanswer", "essay"}
NUMBERING = {"abc", "ABCD", "123", "iii", "IIII", "none"}  # qtype_multichoice numbering styles


def _intro_assignments() -> list:
    params = []
    for module in load_catalog().in_track("intro"):
        if not (module.available and module.assignment):
            continue
        notebook = course_dir() / "source" / module.assignment / f"{module.assignment}.ipynb"
        code = "\n".join(c.source for c in nbformat.read(notebook, 4).cells)
        slow = "labs" in code  # a PyBaMM simulation in a set-up cell or a hidden test (h04)
        params.append(pytest.param(module.assignment, marks=[pytest.mark.slow] if slow else []))
    return params


INTRO = _intro_assignments()


@cache
def _export(assignment: str, folder: Path) -> ET.Element:
    done = write_moodle_quiz(assignment, folder / f"{assignment}.xml", course_dir())
    return ET.parse(done.path).getroot()


@pytest.fixture(scope="module")
def quiz_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("quiz")


def _notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(course_dir() / "source" / assignment / f"{assignment}.ipynb", 4)


def _test_cells(nb) -> dict[str, nbformat.NotebookNode]:
    """The graded cells, by grade id, from nbgrader's metadata."""
    return {
        c.metadata.nbgrader["grade_id"]: c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
    }


def _questions(quiz: ET.Element) -> dict[str, ET.Element]:
    """The questions by name, as format.php reads ``<name><text>``."""
    return {
        q.findtext("name/text", "").strip(): q
        for q in quiz.findall("question")
        if q.get("type") != "category"
    }


def _hidden_call(source: str) -> ast.Call:
    """The graded check of a hidden test: ``checks.number(…)`` / ``checks.choice(…)``."""
    _, hidden = split_hidden(source)
    calls = [
        node
        for node in ast.walk(ast.parse("\n".join(hidden)))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"number", "choice", "keywords", "array", "curve"}
    ]
    assert len(calls) == 1, source
    return calls[0]


def _keyword(call: ast.Call, name: str):
    """A literal keyword argument of the call, or the default of the real check's signature."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return ast.literal_eval(keyword.value)
    assert isinstance(call.func, ast.Attribute)
    return inspect.signature(getattr(checks, call.func.attr)).parameters[name].default


# ----------------------------------------------------------------- Moodle, as Moodle grades
def moodle_match(question: ET.Element, value: float, unit: str = "") -> ET.Element | None:
    """The answer Moodle matches ``value`` (typed with ``unit``) with: ``apply_units`` divides
    by the unit's multiplier; then the first answer whose nominal interval holds it, ``*`` any
    (``get_matching_answer()``)."""
    for entry in question.findall("units/unit"):
        if entry.findtext("unit_name") == unit:
            value /= float(entry.findtext("multiplier", "1"))
    for answer in question.findall("answer"):
        text = answer.findtext("text", "").strip()
        if text == "*":
            return answer
        right, tolerance = float(text), abs(float(answer.findtext("tolerance", "0")))
        tolerance += 10**-PHP_PRECISION * max(1.0, abs(right))
        if right - tolerance <= value <= right + tolerance:
            return answer
    return None


def moodle_numerical(question: ET.Element, value: float, unit: str = "") -> float:
    """The fraction Moodle gives ``value`` (typed with ``unit``)."""
    answer = moodle_match(question, value, unit)
    return 0.0 if answer is None else float(answer.get("fraction", "0")) / 100


def moodle_feedback(question: ET.Element, value: float) -> str:
    """The feedback Moodle shows for ``value`` as text: its Japanese line, then English."""
    answer = moodle_match(question, value)
    text = "" if answer is None else answer.findtext("feedback/text", "")
    return "\n".join(html.unescape(p) for p in re.findall(r"<p[^>]*>(.*?)</p>", text))


def moodle_choice(question: ET.Element, letter: str) -> float:
    """The fraction of the option numbered ``letter`` (answernumbering ABCD, not shuffled)."""
    answers = question.findall("answer")
    return float(answers["ABCDEFGHIJ".index(letter)].get("fraction", "0")) / 100


def _right_value(question: ET.Element) -> float | str:
    """The answer with fraction 100: a number, or the letter of the right option."""
    answers = question.findall("answer")
    for index, answer in enumerate(answers):
        if float(answer.get("fraction", "0")) == 100:
            if question.get("type") == "multichoice":
                return "ABCDEFGHIJ"[index]
            return float(answer.findtext("text", ""))
    raise AssertionError("no answer with fraction 100")


# -------------------------------------------------------------- the notebook, as it grades
def _clean_room(nb) -> CleanRoom:
    """A clean room with the notebook's set-up cells run, as ``VerifyAnswers`` runs them."""
    room = CleanRoom()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and not meta.get("solution") and not meta.get("grade"):
            assert room.run(cell.source).passed
    return room


def _notebook_verdict(room: CleanRoom, source: str, answers: dict) -> bool:
    return _notebook_run(room, source, answers)[0]


def _notebook_run(room: CleanRoom, source: str, answers: dict) -> tuple[bool, str]:
    """Right or not, and the message a wrong answer gets (the check's hint, slip named)."""
    room.put(answers, *names_read_by(source))
    verdict = room.run(source)
    return verdict.passed and (verdict.score is None or verdict.score > 0), verdict.message


# ------------------------------------------------------------------------------- the tests
@pytest.mark.parametrize("assignment", INTRO)
def test_every_graded_cell_is_a_question_with_its_points(assignment, quiz_folder):
    questions = _questions(_export(assignment, quiz_folder))
    cells = _test_cells(_notebook(assignment))
    assert cells, assignment
    expected = {
        f"denchi {assignment} {question_label(g)}": c.metadata.nbgrader["points"]
        for g, c in cells.items()
    }
    assert set(questions) == set(expected)
    for name, points in expected.items():
        assert float(questions[name].findtext("defaultgrade", "")) == points, name


@pytest.mark.parametrize("assignment", INTRO)
def test_tolerances_and_options_are_the_hidden_tests(assignment, quiz_folder):
    questions = _questions(_export(assignment, quiz_folder))
    for grade_id, cell in _test_cells(_notebook(assignment)).items():
        question = questions[f"denchi {assignment} {question_label(grade_id)}"]
        call = _hidden_call(cell.source)
        assert isinstance(call.func, ast.Attribute)
        if call.func.attr == "number":
            assert question.get("type") == "numerical"
            right = question.findall("answer")[0]
            expected = float(right.findtext("text", ""))
            tolerance = float(right.findtext("tolerance", ""))
            bound = max(_keyword(call, "rel_tol") * abs(expected), _keyword(call, "abs_tol"))
            assert tolerance == pytest.approx(bound, rel=1e-8), grade_id
        else:
            assert call.func.attr == "choice" and question.get("type") == "multichoice"
            assert len(question.findall("answer")) == len(_keyword(call, "choices"))
            assert _right_value(question) == _keyword(call, "expected")


@pytest.mark.parametrize("assignment", INTRO)
def test_moodle_right_answers_pass_the_hidden_tests(assignment, quiz_folder):
    """The right answer, and for a number both ends of Moodle's interval, pass the notebook's
    own hidden test (Moodle never accepts what the notebook grades wrong)."""
    questions = _questions(_export(assignment, quiz_folder))
    nb = _notebook(assignment)
    room = _clean_room(nb)
    for grade_id, cell in _test_cells(nb).items():
        question = questions[f"denchi {assignment} {question_label(grade_id)}"]
        name = ast.literal_eval(_hidden_call(cell.source).args[0])
        right = _right_value(question)
        values = [right]
        if isinstance(right, float):
            tolerance = float(question.findall("answer")[0].findtext("tolerance", ""))
            tolerance += 10**-PHP_PRECISION * max(1.0, abs(right))  # as Moodle widens it
            values += [right - tolerance, right + tolerance]
        for value in values:
            assert _notebook_verdict(room, cell.source, {name: value}), (grade_id, value)
            graded = moodle_numerical(question, value) if isinstance(value, float) else None
            assert graded in (None, 1.0), (grade_id, value)


def _answers_of(code_by_cell: dict[str, str]) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    for code in code_by_cell.values():
        exec(code, namespace)  # noqa: S102 (the repository's own typical wrong answers)
    return {k: v for k, v in namespace.items() if re.match(r"q\d+_", k)}


@pytest.mark.parametrize("assignment", INTRO)
def test_typical_wrong_answers_are_graded_alike(assignment, quiz_folder):
    """The stored typical wrong answers: Moodle marks each answer right exactly where the
    notebook's hidden test does (so a wrong one falls outside Moodle's tolerance), and the
    quiz scores the same partial credit."""
    questions = _questions(_export(assignment, quiz_folder))
    nb = _notebook(assignment)
    stored = yaml.safe_load((course_dir() / "wrong_answers" / f"{assignment}.yml").read_text())
    answers = _answers_of(stored[f"{assignment}.ipynb"])
    room = _clean_room(nb)
    notebook_score = moodle_score = 0.0
    wrong = 0
    for grade_id, cell in _test_cells(nb).items():
        question = questions[f"denchi {assignment} {question_label(grade_id)}"]
        name = ast.literal_eval(_hidden_call(cell.source).args[0])
        right_in_notebook, message = _notebook_run(room, cell.source, answers)
        value = answers[name]
        if question.get("type") == "numerical":
            fraction = moodle_numerical(question, float(value))
            if not right_in_notebook:  # the same hint, the same slip named
                assert moodle_feedback(question, float(value)) == message
        else:
            fraction = moodle_choice(question, str(value))
        assert (fraction == 1.0) == right_in_notebook, (grade_id, value)
        wrong += not right_in_notebook
        points = cell.metadata.nbgrader["points"]
        notebook_score += points * right_in_notebook
        moodle_score += points * fraction
    assert wrong > 0 and moodle_score == notebook_score


@pytest.mark.parametrize("assignment", INTRO)
def test_the_file_is_what_moodles_importer_reads(assignment, quiz_folder):
    """Element by element as ``qformat_xml`` reads them (format.php): the types it dispatches
    on, ``import_headers``, ``import_text_with_files`` (every ``@@PLUGINFILE@@`` a base64
    ``<file>``), ``import_numerical`` (fraction, text, tolerance as numbers) and
    ``import_multichoice`` (single, ABCD, fractions of 100 for the one right option)."""
    quiz = _export(assignment, quiz_folder)
    assert quiz.tag == "quiz"
    first, *rest = quiz.findall("question")
    assert first.get("type") == "category"
    assert first.findtext("category/text", "").startswith("$course$/top/")
    assert rest and all(q.get("type") in MOODLE_TYPES - {"category"} for q in rest)
    for q in rest:
        assert q.findtext("name/text", "").strip()
        text = q.find("questiontext")
        assert text is not None and text.get("format") == "html"
        assert text.findtext("text", "").strip()
        float(q.findtext("defaultgrade", ""))
        float(q.findtext("penalty", ""))
        used = set(re.findall(r"@@PLUGINFILE@@/([^\"'\s>]+)", text.findtext("text", "")))
        files = {f.get("name"): f for f in text.findall("file")}
        assert used == set(files)
        for file in files.values():
            assert file.get("path") == "/" and file.get("encoding") == "base64"
            assert base64.b64decode(file.text or "").startswith(b"\x89PNG\r\n\x1a\n")
        answers = q.findall("answer")
        fractions = [float(a.get("fraction", "")) for a in answers]
        if q.get("type") == "numerical":
            for answer in answers:
                assert answer.findtext("text", "").strip()
                float(answer.findtext("tolerance", ""))  # a number, as format.php stores it
            assert fractions[0] == 100 and answers[-1].findtext("text") == "*"
            assert q.findtext("showunits") in {"0", "1", "2", "3"}
        if q.get("type") == "multichoice":
            assert q.findtext("single") == "true"
            assert q.findtext("answernumbering") in NUMBERING
            assert sum(f for f in fractions if f > 0) == 100 and max(fractions) == 100
            assert q.findtext("incorrectfeedback/text", "").strip()  # the hint


@pytest.mark.parametrize("assignment", INTRO)
def test_the_hints_are_the_feedback_japanese_first(assignment, quiz_folder):
    questions = _questions(_export(assignment, quiz_folder))
    for grade_id, cell in _test_cells(_notebook(assignment)).items():
        question = questions[f"denchi {assignment} {question_label(grade_id)}"]
        call = _hidden_call(cell.source)
        hint_ja, hint_en = _keyword(call, "hint_ja"), _keyword(call, "hint_en")
        if question.get("type") == "multichoice":
            feedback = question.findtext("incorrectfeedback/text", "")
        else:
            feedback = question.findall("answer")[-1].findtext("feedback/text", "")
        feedback = html.unescape(feedback)
        assert feedback.index(hint_ja) < feedback.index(hint_en)  # Japanese first


# ------------------------------------------------------------- question kinds, one by one
def _cell(kind: str, source: str, grade_id: str, points: float | None = None):
    meta = {"grade_id": grade_id, "locked": kind != "solution", "schema_version": 3}
    meta |= {"solution": kind == "solution", "grade": kind == "test"}
    if points is not None:
        meta["points"] = points
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    return make(source, metadata={"nbgrader": meta})


def _write(folder: Path, cells: list) -> Path:
    nb = nbformat.v4.new_notebook(cells=cells)
    path = folder / "x.ipynb"
    nbformat.write(nb, path)
    return path


SETUP = _cell("setup", "from denchi.grading import checks", "setup")
HINT = 'hint_ja="ヒント", hint_en="Hint"'


@pytest.mark.filterwarnings("error::UserWarning")  # a missing Japanese glyph fails it
def test_a_figure_of_a_set_up_cell_is_embedded(tmp_path):
    drawing = (
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots()\nax.plot([0, 1], [3.0, 4.0], label='1C')\n"
        "ax.set_xlabel('時間 [h]'); ax.set_ylabel('電圧 [V]'); ax.legend()"
    )
    path = _write(
        tmp_path,
        [
            SETUP,
            _cell("markdown", "## 問1　読む（2 点）\n\nグラフの最後の電圧は？", "q1_question"),
            nbformat.v4.new_code_cell(drawing),
            _cell("solution", "q1_v = 4.0", "q1_answer"),
            _cell(
                "test", f'checks.number("q1_v", expected=4.0, abs_tol=0.05, {HINT})', "q1_test", 2
            ),
        ],
    )
    (question,) = notebook_questions(path, "x")
    (figure,) = question.figures
    assert figure.png.startswith(b"\x89PNG") and "時間 [h]" in figure.alt and "1C" in figure.alt
    tree, skipped, notes = moodle_quiz_xml("x", "X", [question])
    (numerical,) = _questions(tree.getroot()).values()
    file = numerical.find("questiontext/file")
    assert file is not None and base64.b64decode(file.text or "") == figure.png
    assert f"@@PLUGINFILE@@/{figure.name}" in numerical.findtext("questiontext/text", "")
    assert not skipped and not notes


def test_units_accepted_by_the_check_are_moodle_units(tmp_path):
    check = f'checks.number("q1_capacity_ah", expected=5.0, unit="Ah", {HINT})'
    path = _write(
        tmp_path,
        [
            SETUP,
            _cell("markdown", "## 問1\n\n容量は？", "q1_question"),
            _cell("solution", "q1_capacity_ah = 5.0", "q1_answer"),
            _cell("test", check, "q1_test", 1),
        ],
    )
    (question,) = notebook_questions(path, "x")
    assert isinstance(question.answer, NumberAnswer) and question.answer.accepts_units
    (numerical,) = _questions(moodle_quiz_xml("x", "X", [question])[0].getroot()).values()
    assert numerical.findtext("showunits") == "0"
    assert moodle_numerical(numerical, 5000, "mAh") == 1.0  # as checks takes "5000 mAh"
    assert moodle_numerical(numerical, 5, "mAh") == 0.0


def test_what_cannot_be_typed_is_left_out_with_a_warning(tmp_path):
    path = _write(
        tmp_path,
        [
            SETUP,
            _cell("markdown", "## 問1\n\n電圧の配列は？", "q1_question"),
            _cell("solution", "q1_v = [1.0, 2.0]", "q1_answer"),
            _cell("test", f'checks.array("q1_v", [1.0, 2.0], {HINT})', "q1_test", 2),
            _cell("markdown", "## 問2\n\nなぜ？", "q2_question"),
            _cell("solution", 'q2_text = "過電圧"', "q2_answer"),
            _cell(
                "test",
                f'checks.keywords("q2_text", [("過電圧", "overpotential")], {HINT})',
                "q2_test",
                1,
            ),
            _cell("markdown", "## 問3\n\nなぜ？", "q3_question"),
            _cell("solution", 'q3_text = "抵抗と熱"', "q3_answer"),
            _cell("test", f'checks.keywords("q3_text", ["抵抗", "熱"], {HINT})', "q3_test", 1),
        ],
    )
    tree, skipped, notes = moodle_quiz_xml("x", "X", notebook_questions(path, "x"))
    questions = _questions(tree.getroot())
    assert [n.label for n in skipped] == ["問1"] and "checks.array" in skipped[0].message_ja
    assert set(questions) == {"denchi x 問2", "denchi x 問3"}
    short = questions["denchi x 問2"]
    assert short.get("type") == "shortanswer"
    assert [a.findtext("text") for a in short.findall("answer")] == [
        "*過電圧*",
        "*overpotential*",
        "*",
    ]
    essay = questions["denchi x 問3"]
    assert essay.get("type") == "essay" and "抵抗" in essay.findtext("graderinfo/text", "")
    assert [n.label for n in notes] == ["問3"]


def test_options_that_do_not_match_the_check_are_refused(tmp_path):
    text = "## 問1\n\n選びましょう。\n\n- **A**　あ\n- **B**　い"
    check = f'checks.choice("q1_choice", expected="B", choices="ABC", {HINT})'
    path = _write(
        tmp_path,
        [
            SETUP,
            _cell("markdown", text, "q1_question"),
            _cell("solution", 'q1_choice = "B"', "q1_answer"),
            _cell("test", check, "q1_test", 1),
        ],
    )
    with pytest.raises(GradingError, match="x q1_test") as error:
        notebook_questions(path, "x")
    assert "A・B・C" in str(error.value) and "A, B, C" in str(error.value)


def test_the_command_writes_a_quiz_and_refuses_other_tracks(tmp_path, capsys):
    output = tmp_path / "h01.xml"
    assert main(["grade", "moodle-quiz", "h01_society", "-o", str(output)]) == 0
    assert len(_questions(ET.parse(output).getroot())) == 5
    assert "5 問、合計 10 点" in capsys.readouterr().out
    assert main(["grade", "moodle-quiz", "e01_capacity_rate", "-o", str(tmp_path / "e.xml")]) == 2
    said = capsys.readouterr().err
    assert "入門コース" in said and "intro track" in said and "Traceback" not in said
    assert not (tmp_path / "e.xml").exists()
    assert main(["grade", "moodle-quiz", "h03_battery_types", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "moodle-quiz-h03_battery_types.xml").is_file()


@pytest.mark.parametrize("assignment", INTRO)
def test_a_part_of_a_question_says_which_part_it_asks(assignment, quiz_folder):
    for name, question in _questions(_export(assignment, quiz_folder)).items():
        label = name.rsplit(" ", 1)[1]
        said = f"<strong>{label}</strong> に答えます" in question.findtext("questiontext/text", "")
        assert said == label.endswith(")"), name
