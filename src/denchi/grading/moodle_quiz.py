"""An intro assignment as a Moodle quiz: Moodle XML for the question bank's "Import", written
from the question model (:mod:`denchi.grading.quiz`) with ``xml.etree.ElementTree``.

The elements are those Moodle's own importer reads (``question/format/xml/format.php``, class
``qformat_xml``, moodle/moodle at commit 00055ef6; ``docs.moodle.org/en/Moodle_XML_format``):

- ``<quiz>`` holds ``<question type="…">`` elements, dispatched on ``type`` by
  ``import_question()``. The first is a ``category`` (``import_category()``: ``<category><text>``
  and ``<info format="html">``), ``$course$/top/denchi/<assignment>``: the course's question bank
  (``question/format.php`` ``create_category_path()`` takes a leading ``$course$`` as the
  context, and from Moodle 3.5 on every category sits under ``top``).
- Every question (``import_headers()``): ``<name><text>`` (``denchi h01_society 問1``),
  ``<questiontext format="html">`` with its ``<text>`` and one ``<file name path="/"
  encoding="base64">`` per figure (``import_text_with_files()`` → ``import_files_as_draft()``;
  the text shows it as ``<img src="@@PLUGINFILE@@/<name>">``), ``<generalfeedback>``,
  ``<defaultgrade>`` (the test cell's nbgrader points; a part of a question, 問3(a), is a
  question of its own whose text says which part it asks), ``<penalty>`` (Moodle's default
  0.3333333, used only by its "interactive" behaviour) and ``<hidden>``.
- ``numerical`` (``import_numerical()``): ``<answer fraction="…">`` (a percentage, read as
  fraction/100) with ``<text>``, ``<feedback>`` and ``<tolerance>``. Moodle's tolerance is
  **absolute**: ``qtype_numerical_answer::get_tolerance_interval()``
  (``question/type/numerical/question.php``) with the default tolerance type 2 ("nominal")
  accepts ``[answer − tolerance, answer + tolerance]``, so a ``rel_tol`` becomes
  :meth:`denchi.grading.quiz.NumberAnswer.absolute_tolerance` (inside what the notebook
  accepts). ``get_matching_answer()`` takes the first answer within its tolerance and ``*``
  matches any number: the right answer comes first, then each usual slip of
  :data:`denchi.grading.checks.SLIPS` (a wrong answer ×1000, ×3600 …) with the hint and the
  slip named, as the notebook's feedback names it, then ``*`` with the hint. Without a unit in
  the check, ``<showunits>3</showunits>`` (``UNITNONE``: a number only, as the notebook takes);
  with ``checks.number(unit=…)``, every unit of the same quantity with its ``<multiplier>``
  (Moodle divides the typed number by it) and ``<showunits>0</showunits>`` (typed in the answer
  box) with ``<unitgradingtype>0</unitgradingtype>`` (no penalty: units optional, converted).
- ``multichoice`` (``import_multichoice()``): ``<single>true</single>``,
  ``<shuffleanswers>false</shuffleanswers>`` (the text says 「A〜D から選び」),
  ``<answernumbering>ABCD</answernumbering>`` (the notebook's letters), one ``<answer
  fraction="100">`` for the right option and ``fraction="0"`` for the others, and the combined
  feedback (``import_combined_feedback()``), the hint as ``<incorrectfeedback>``.
- ``shortanswer`` (``import_shortanswer()``): a ``KeywordsAnswer`` of one keyword, each synonym
  as an answer ``*synonym*`` (Moodle's wildcard, ``<usecase>0</usecase>``: case ignored) at 100,
  then ``*`` with the hint.
- ``essay`` (``import_essay()``): several keywords in any order, which no short-answer pattern
  list expresses: graded by hand, the keywords and the hint for the teacher in
  ``<graderinfo>``.

Skipped, with a warning naming the question (:class:`QuizExport`): a
:class:`denchi.grading.quiz.NotQuizzable` cell (an array, a curve, a fit: code-level work). A
note, not a skip: a question whose solution calls a function (h02 問4 ``chem.cell_voltage``:
without Python the student needs the book's calculator), and a number whose check also accepts
an answer carried forward from the student's own earlier answers (Moodle cannot).
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from denchi.catalog import load_catalog
from denchi.grading import checks
from denchi.grading.errors import GradingError
from denchi.grading.quiz import (
    ChoiceAnswer,
    KeywordsAnswer,
    NotQuizzable,
    NumberAnswer,
    Question,
    assignment_questions,
)

PENALTY = "0.3333333"  # Moodle's default (format.php import_headers rounds to it)


@dataclass(frozen=True)
class Notice:
    """A question the export left out or changed, for the teacher.

    Attributes:
        label: The question (``問3(a)``).
        message_ja: What and why, in Japanese.
        message_en: The same in English.
    """

    label: str
    message_ja: str
    message_en: str


@dataclass(frozen=True)
class QuizExport:
    """What :func:`write_moodle_quiz` wrote.

    Attributes:
        path: The XML file.
        questions: How many questions it holds (the category not counted).
        points: Their points together (``defaultgrade``).
        skipped: Questions left out, each with why.
        notes: Questions written with a difference from the notebook worth knowing.
    """

    path: Path
    questions: int
    points: float
    skipped: tuple[Notice, ...]
    notes: tuple[Notice, ...]


def _number(value: float) -> str:
    """A number as Moodle reads it (PHP ``is_numeric``): 15 significant digits, no float
    noise (``3.17``, not ``3.1700000000000004``)."""
    return f"{value:.15g}"


def _text(parent: ET.Element, tag: str, text: str, format: str | None = "html") -> ET.Element:
    """``<tag format="html"><text>text</text></tag>`` (``format=None``: no attribute)."""
    element = ET.SubElement(parent, tag, {"format": format} if format else {})
    ET.SubElement(element, "text").text = text
    return element


def _value(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value
    return element


def hint_html(hint_ja: str, hint_en: str, extra_ja: str = "", extra_en: str = "") -> str:
    """A check's hint as feedback HTML: Japanese first, English after (marked ``lang="en"``).

    Args:
        hint_ja: The hint in Japanese (plain text, escaped here).
        hint_en: The hint in English.
        extra_ja: Appended to the Japanese hint (a slip named, 「（値が 1000 倍…）」).
        extra_en: Appended to the English hint.
    """
    ja = html.escape(hint_ja + extra_ja)
    en = html.escape(hint_en + extra_en)
    return f'<p>{ja}</p>\n<p lang="en">{en}</p>'


def _question_element(quiz: ET.Element, kind: str, question: Question) -> ET.Element:
    element = ET.SubElement(quiz, "question", {"type": kind})
    _text(element, "name", f"denchi {question.assignment} {question.label}", format=None)
    text = question.text_html + "".join(
        f'\n<p><img src="@@PLUGINFILE@@/{figure.name}" alt="{html.escape(figure.alt)}"></p>'
        for figure in question.figures
    )
    if question.label.endswith(")"):  # one part of a question (問3(a)): its text shows every part
        label = html.escape(question.label)
        text += (
            f"\n<p>この問題では <strong>{label}</strong> に答えます（answer {label} here）。</p>"
        )
    body = _text(element, "questiontext", text)
    for figure in question.figures:
        file = ET.SubElement(body, "file", {"name": figure.name, "path": "/", "encoding": "base64"})
        file.text = base64.b64encode(figure.png).decode("ascii")
    _text(element, "generalfeedback", "")
    _value(element, "defaultgrade", _number(question.points))
    _value(element, "penalty", PENALTY)
    _value(element, "hidden", "0")
    return element


def _answer(parent: ET.Element, fraction: float, text: str, feedback: str, format: str | None):
    answer = ET.SubElement(parent, "answer", {"fraction": _number(fraction)})
    if format:
        answer.set("format", format)
    ET.SubElement(answer, "text").text = text
    _text(answer, "feedback", feedback)
    return answer


def _numerical(quiz: ET.Element, question: Question, number: NumberAnswer) -> None:
    element = _question_element(quiz, "numerical", question)
    tolerance = number.absolute_tolerance()
    low, high = number.expected - tolerance, number.expected + tolerance
    right = _answer(element, 100, _number(number.expected), "", None)
    _value(right, "tolerance", _number(tolerance))
    for factors, slip_ja, slip_en in checks.SLIPS if number.expected else ():
        for factor in factors:
            value = number.expected * factor
            width = max(number.rel_tol * abs(value), number.abs_tol)
            if value + width >= low and value - width <= high:
                continue  # overlaps the right answer: not a slip Moodle can tell apart
            feedback = hint_html(
                question.hint_ja, question.hint_en, f"（{slip_ja}）", f" ({slip_en})"
            )
            _value(_answer(element, 0, _number(value), feedback, None), "tolerance", _number(width))
    anything = _answer(element, 0, "*", hint_html(question.hint_ja, question.hint_en), None)
    _value(anything, "tolerance", "0")
    if number.accepts_units:
        units = ET.SubElement(element, "units")
        for name, multiplier in checks.units_like(number.unit).items():
            unit = ET.SubElement(units, "unit")
            _value(unit, "multiplier", _number(multiplier))
            _value(unit, "unit_name", name)
    _value(element, "unitgradingtype", "0")
    _value(element, "unitpenalty", "0.1")
    _value(element, "showunits", "0" if number.accepts_units else "3")
    _value(element, "unitsleft", "0")


def _multichoice(quiz: ET.Element, question: Question, choice: ChoiceAnswer) -> None:
    element = _question_element(quiz, "multichoice", question)
    _value(element, "single", "true")
    _value(element, "shuffleanswers", "false")
    _value(element, "answernumbering", "ABCD")
    _value(element, "showstandardinstruction", "0")
    _text(element, "correctfeedback", "")
    _text(element, "partiallycorrectfeedback", "")
    _text(element, "incorrectfeedback", hint_html(question.hint_ja, question.hint_en))
    for option in choice.options:
        _answer(element, 100 if option.letter == choice.expected else 0, option.html, "", "html")


def _shortanswer(quiz: ET.Element, question: Question, synonyms: tuple[str, ...]) -> None:
    element = _question_element(quiz, "shortanswer", question)
    _value(element, "usecase", "0")
    for word in synonyms:
        _answer(element, 100, f"*{word}*", "", None)
    _answer(element, 0, "*", hint_html(question.hint_ja, question.hint_en), None)


def _essay(quiz: ET.Element, question: Question, keywords: KeywordsAnswer) -> None:
    element = _question_element(quiz, "essay", question)
    _value(element, "responseformat", "plain")
    _value(element, "responserequired", "1")
    _value(element, "responsefieldlines", "5")
    _value(element, "attachments", "0")
    _value(element, "attachmentsrequired", "0")
    listed = "".join(f"<li>{html.escape(' / '.join(group))}</li>" for group in keywords.required)
    info = (
        "<p>ノートブックの採点では、次のことばがすべて入っていれば正解です"
        f"{'（1 つごとに部分点）' if keywords.partial else ''}"
        " (the notebook requires every keyword):</p>"
        f"<ul>{listed}</ul>\n" + hint_html(question.hint_ja, question.hint_en)
    )
    _text(element, "graderinfo", info)
    _text(element, "responsetemplate", "")


def moodle_quiz_xml(
    assignment: str, title: str, questions: list[Question]
) -> tuple[ET.ElementTree, list[Notice], list[Notice]]:
    """The Moodle XML of an assignment's questions, with what was skipped and noted.

    Args:
        assignment: The assignment (``"h01_society"``), the category's name.
        title: The assignment's title, the category's description.
        questions: Its questions (:func:`denchi.grading.quiz.assignment_questions`).

    Returns:
        The XML document, the skipped questions, the notes (each :class:`Notice`).
    """
    quiz = ET.Element("quiz")
    category = ET.SubElement(quiz, "question", {"type": "category"})
    _text(category, "category", f"$course$/top/denchi/{assignment}", format=None)
    _text(category, "info", html.escape(title))
    skipped: list[Notice] = []
    notes: list[Notice] = []
    for question in questions:
        answer = question.answer
        if isinstance(answer, NumberAnswer):
            _numerical(quiz, question, answer)
            if answer.carried_forward:
                notes.append(
                    Notice(
                        question.label,
                        "ノートブックは、前の問のまちがった答えから正しく計算した値も正解にしますが、"
                        "Moodle は正しい値だけを正解にします。",
                        "The notebook also accepts a value computed right from a wrong earlier "
                        "answer; Moodle accepts only the right value.",
                    )
                )
        elif isinstance(answer, ChoiceAnswer):
            _multichoice(quiz, question, answer)
        elif isinstance(answer, KeywordsAnswer) and len(answer.required) == 1:
            _shortanswer(quiz, question, answer.required[0])
        elif isinstance(answer, KeywordsAnswer):
            _essay(quiz, question, answer)
            notes.append(
                Notice(
                    question.label,
                    "キーワードが複数あるので、手で採点する記述問題（essay）にしました。",
                    "Several keywords: written as an essay question, graded by hand.",
                )
            )
        else:
            assert isinstance(answer, NotQuizzable)
            skipped.append(Notice(question.label, answer.reason_ja, answer.reason_en))
            continue
        if question.solution_calls:
            calls = ", ".join(question.solution_calls)
            notes.append(
                Notice(
                    question.label,
                    f"解答例はコード（{calls}）で計算します。Python を使えない生徒には、"
                    "本の計算ページか、計算のしかたを案内してください。",
                    f"The solution computes it with code ({calls}); show students without "
                    "Python the book's calculator or how to compute it.",
                )
            )
    ET.indent(quiz)
    return ET.ElementTree(quiz), skipped, notes


def write_moodle_quiz(assignment: str, output: Path, course: Path) -> QuizExport:
    """Write an intro-track assignment as Moodle XML (see the module docstring).

    Args:
        assignment: The assignment (``"h01_society"``); its module must be of the intro
            track, whose answers are the same for every student.
        output: The XML file to write (its folder is created); a folder gets
            ``moodle-quiz-<assignment>.xml`` in it. It is replaced only once the new file is
            complete.
        course: The nbgrader course folder (``assessments/``).

    Raises:
        GradingError: if no module of the intro track has this assignment, or as
            :func:`denchi.grading.quiz.assignment_questions`.
        CatalogError: if the catalog (``book/curriculum.yml``) cannot be found or read.
        OSError: if the file cannot be written.
    """
    module = next((m for m in load_catalog().modules if m.assignment == assignment), None)
    if module is None or module.track != "intro":
        raise GradingError(
            f"{assignment} は入門コース（h01〜h09）の課題ではありません。Moodle の小テストに"
            "できるのは、答えが全員同じ入門コースの課題だけです（評価ラボの課題は生徒ごとに"
            "データがちがうので、ノートブックで採点します）。",
            f"{assignment} is not an assignment of the intro track (h01–h09). Only those, whose "
            "answers are the same for every student, become a Moodle quiz (the evaluation labs' "
            "data differ per student: grade them in the notebook).",
        )
    questions = assignment_questions(assignment, course)
    tree, skipped, notes = moodle_quiz_xml(assignment, module.title_ja, questions)
    if output.is_dir():
        output = output / f"moodle-quiz-{assignment}.xml"
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    tree.write(partial, encoding="UTF-8", xml_declaration=True)
    partial.replace(output)  # a file written before stays whole until the new one is
    written = [q for q in questions if not isinstance(q.answer, NotQuizzable)]
    return QuizExport(
        path=output,
        questions=len(written),
        points=sum(q.points for q in written),
        skipped=tuple(skipped),
        notes=tuple(notes),
    )
