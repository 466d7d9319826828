"""Intro assignments answered in the browser (the LTI tool's web form, :mod:`denchi.lms.webform`),
through real HTTP with the platform emulator: the form of the solution's values grades to full
marks, an empty form to zero, the stored typical wrong answers to the same partial credit as
the same answers handed in as a notebook, and hostile input is refused with nothing stored.

The values typed come from the question model (:mod:`denchi.grading.quiz`, the expected values
of the hidden tests) and, for the wrong answers, from ``assessments/wrong_answers/<a>.yml`` run
as the repository's own code; the scores are the emulator's gradebook (AGS)."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml
from grading_support import fill_answers
from lms.harness import (
    DUMMY,
    Browser,
    csrf_of,
    form_fields,
    make_courseware,
    register_manually,
    solution_values,
    start_tool,
    wait_for,
)
from lms.platform import Person, Platform
from sqlalchemy import func, select

from denchi.grading.course import course_dir
from denchi.grading.quiz import ChoiceAnswer, NumberAnswer
from denchi.lms import models
from denchi.lms.webform import MAX_FIELD_CHARS, MAX_FORM_BYTES, field_name

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lms")]

ASSIGNMENTS = ("h01_society", "h02_redox_cells")
CASES = ("solution", "empty", "wrong", "notebook")
PEOPLE = {case: Person(f"w-{case}", f"生徒 {case}") for case in CASES}
HOSTILE = Person("w-hostile", "生徒 hostile")


def wrong_code(assignment: str) -> dict[str, str]:
    stored = yaml.safe_load((course_dir() / "wrong_answers" / f"{assignment}.yml").read_text())
    return stored[f"{assignment}.ipynb"]


def wrong_values(assignment: str) -> dict[str, object]:
    namespace: dict[str, object] = {}
    for code in wrong_code(assignment).values():
        exec(code, namespace)  # noqa: S102 (the repository's own typical wrong answers)
    return {k: v for k, v in namespace.items() if re.match(r"q\d+_", k)}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lms-webform")
    platform = Platform()
    platform.start()
    tool = start_tool(folder, make_courseware(folder / "courseware"))
    register_manually(tool, platform)
    course = platform.course("c1", *PEOPLE.values(), HOSTILE)
    for target in (*ASSIGNMENTS, DUMMY):
        course.lineitems[target] = {
            "id": platform.lineitem_url(course.id, target),
            "scoreMaximum": tool.rt.grader.max_score(target),
        }
        course.links[target] = {
            "title": target,
            "url": f"{tool.url}/lti/launch",
            "custom": {"denchi_kind": "assignment", "denchi_target": target},
            "lineitem_id": target,
        }
    yield platform, tool, course
    tool.stop()
    platform.stop()


class Learner:
    """One learner's browser on one assignment's link."""

    def __init__(self, world, person: Person, target: str) -> None:
        platform, self.tool, course = world
        self.browser = Browser()
        hint = platform.launch_hint(person, course, target)
        self.page = self.browser.launch(self.tool, platform, hint, person.sub)
        assert self.page.status_code == 200, self.page.text
        self.path = re.search(r'action="[^"]*(/r/\d+)/submit"', self.page.text).group(1)

    def form(self):
        return self.browser.http.get(f"{self.tool.url}{self.path}/form")

    def send(self, fields: dict[str, str], csrf: bool = True, **kwargs):
        page = self.form()
        assert page.status_code == 200, page.text
        data = fields | ({"csrf": csrf_of(page.text)} if csrf else {})
        return self.browser.http.post(f"{self.tool.url}{self.path}/form", data=data, **kwargs)


def stored(tool, person: Person) -> int:
    with tool.rt.db.session() as s:
        return s.scalar(
            select(func.count(models.Submission.id))
            .join(models.User)
            .where(models.User.sub == person.sub)
        )


def final_score(platform, person: Person, target: str) -> float:
    def graded() -> list[dict]:
        return [
            s
            for s in platform.scores_for("c1", target)
            if s["userId"] == person.sub and s["gradingProgress"] == "FullyGraded"
        ]

    wait_for(lambda: graded(), 600, f"{person.sub}'s score for {target}")
    return graded()[-1]["scoreGiven"]


@pytest.fixture(scope="module")
def handed_in(world):
    """Every case of both assignments handed in at once (graded in one batch); the notebook
    case uploads the typical wrong answers as a notebook, the others use the web form."""
    platform, tool, _course = world
    learners = {}
    for target in ASSIGNMENTS:
        questions = tool.rt.grader.questions(target)
        fields = {
            "solution": form_fields(questions, solution_values(questions)),
            "empty": {},
            "wrong": form_fields(questions, wrong_values(target)),
        }
        for case, person in PEOPLE.items():
            learner = Learner(world, person, target)
            if case == "notebook":
                release = tool.rt.grader.release_notebook(target, f"{target}.ipynb")
                nb = fill_answers(nbformat.read(release, 4), wrong_code(target))
                response = learner.browser.http.post(
                    f"{tool.url}{learner.path}/submit",
                    data={"csrf": csrf_of(learner.page.text)},
                    files={"notebook": ("a.ipynb", nbformat.writes(nb).encode(), "text/plain")},
                )
            else:
                response = learner.send(fields[case])
            assert response.status_code == 303, response.text
            learners[target, case] = learner
    return learners


@pytest.mark.parametrize("target", ASSIGNMENTS)
def test_the_learner_page_offers_the_form_with_every_question(world, target):
    platform, tool, _course = world
    learner = Learner(world, HOSTILE, target)
    assert "ブラウザで答える" in learner.page.text
    page = learner.form()
    assert page.status_code == 200
    questions = tool.rt.grader.questions(target)
    for q in questions:
        assert f'name="{field_name(q)}"' in page.text
        assert q.label in page.text
        if isinstance(q.answer, ChoiceAnswer):
            assert page.text.count(f'name="{field_name(q)}" value=') == len(q.answer.options)
        else:
            assert f'<label for="{field_name(q)}">' in page.text and q.answer.unit in page.text
    assert 'name="csrf"' in page.text


@pytest.mark.parametrize("target", ASSIGNMENTS)
def test_solution_full_marks_empty_zero_wrong_as_the_notebook(world, handed_in, target):
    platform, tool, _course = world
    most = tool.rt.grader.max_score(target)
    scores = {case: final_score(platform, PEOPLE[case], target) for case in CASES}
    assert scores["solution"] == most
    assert scores["empty"] == 0
    assert 0 < scores["wrong"] < most
    assert scores["wrong"] == scores["notebook"]
    # the feedback of the form's submission is the notebook's, with its hints
    learner = handed_in[target, "wrong"]
    page = learner.browser.http.get(f"{tool.url}{learner.path}").text
    feedback = learner.browser.http.get(re.search(r'href="([^"]+/feedback)"', page)[1]).text
    wrong = wrong_values(target)
    right = solution_values(tool.rt.grader.questions(target))
    hints = [q.hint_ja for q in tool.rt.grader.questions(target) if right[q.name] != wrong[q.name]]
    assert hints and any(hint.split("。")[0] in feedback for hint in hints)


def test_hostile_input_is_refused_and_nothing_is_stored(world):
    platform, tool, _course = world
    target = ASSIGNMENTS[0]
    questions = tool.rt.grader.questions(target)
    number = next(q for q in questions if isinstance(q.answer, NumberAnswer))
    choice = next(q for q in questions if isinstance(q.answer, ChoiceAnswer))
    learner = Learner(world, HOSTILE, target)
    before = stored(tool, HOSTILE)
    code = "__import__('os').system('echo hacked')"
    assert isinstance(choice.answer, ChoiceAnswer)
    letter = choice.answer.options[0].letter
    good = {field_name(choice): letter}
    refused = learner.send(good | {field_name(number): code})
    assert refused.status_code == 400
    assert "数として読めませんでした" in refused.text and "is not a number" in refused.text
    # the other answers are kept in the form shown again, the hostile text only escaped
    assert f'value="{letter}" checked' in refused.text
    assert "__import__(&#39;os&#39;)" in refused.text
    not_offered = learner.send({field_name(choice): "Z"})
    assert not_offered.status_code == 400 and "選択肢の中から" in not_offered.text
    injected = learner.send({field_name(choice): 'A"; import os; "'})
    assert injected.status_code == 400
    huge = learner.send({field_name(number): "1" * (MAX_FIELD_CHARS + 1)})
    assert huge.status_code == 400 and "長すぎます" in huge.text
    body = learner.send({field_name(number): "1" * (MAX_FORM_BYTES + 70_000)})
    assert body.status_code == 413
    no_csrf = learner.send({field_name(number): "1"}, csrf=False)
    assert no_csrf.status_code == 403 and "（csrf）" in no_csrf.text
    assert stored(tool, HOSTILE) == before
    # the same learner with readable answers is not refused: the checks refuse only the above
    accepted = learner.send({field_name(number): "１２，５"} | good)
    assert accepted.status_code == 303
    assert stored(tool, HOSTILE) == before + 1


def test_no_form_for_an_assignment_outside_the_intro_track(world):
    learner = Learner(world, HOSTILE, DUMMY)
    assert "ブラウザで答える" not in learner.page.text
    page = learner.form()
    assert page.status_code == 404 and "（form）" in page.text
