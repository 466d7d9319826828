"""Notebooks as students hand them in (denchi.grading.handins): made from the assignment's own
files, each odd edit does what it says, and the notebook given is never changed."""

from __future__ import annotations

import copy

import nbformat
import pytest

from denchi.grading import course as nbg
from denchi.grading import handins
from denchi.grading.sample_class import KINDS, handin

ASSIGNMENT = "h04_lithium_ion"


@pytest.fixture(scope="module")
def source():
    path = nbg.course_dir() / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    return nbformat.read(path, as_version=4)


def _meta(nb, grade_id):
    return next(
        c.metadata.get("nbgrader")
        for c in nb.cells
        if isinstance(c.metadata.get("nbgrader"), dict)
        and c.metadata["nbgrader"].get("grade_id") == grade_id
    )


def _sources(nb) -> dict[str, str]:
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nb.cells
        if isinstance(c.metadata.get("nbgrader"), dict) and "grade_id" in c.metadata["nbgrader"]
    }


def test_the_solution_is_the_sources_code_without_nbgraders_markers(source):
    solution = handins.solution_answers(source)
    assert list(solution) == handins.solution_cells(source)
    assert solution["q1_answer"] == "q1_capacity_ah = 2.5 * 2"
    assert all("### " not in code and code.strip() for code in solution.values())


def test_cells_are_listed_in_order(source):
    assert handins.solution_cells(source)[0] == "q1_answer"
    assert handins.graded_cells(source) == [
        "q1_test",
        "q2_test",
        "q3a_test",
        "q3b_test",
        "q4_test",
        "q5_test",
    ]


def test_answers_go_into_the_named_cells_and_an_unknown_cell_is_named(source):
    nb = handins.fill_answers(source, {"q2_answer": "q2_energy_wh = 1"})
    assert _sources(nb)["q2_answer"] == "q2_energy_wh = 1"
    with pytest.raises(KeyError, match="q9_answer"):
        handins.fill_answers(source, {"q9_answer": "x = 1"})


def test_the_typical_wrong_answers_name_cells_of_the_notebook(source):
    wrong = handins.typical_wrong_answers(ASSIGNMENT)[f"{ASSIGNMENT}.ipynb"]
    assert set(wrong) <= set(handins.solution_cells(source))


def test_odd_edits_do_what_they_say_and_leave_the_notebook_given_alone(source):
    before = copy.deepcopy(source)
    deleted = handins.delete_cell(source, "q2_test")
    assert "q2_test" not in _sources(deleted) and len(deleted.cells) == len(source.cells) - 1
    overwritten = handins.overwrite_test_cell(source, "q5_test")
    assert _sources(overwritten)["q5_test"] == "pass"
    assert _meta(overwritten, "q5_test")["points"] == 100
    edited = handins.edit_metadata_by_hand(source)
    assert isinstance(edited.cells[3].metadata["nbgrader"], str)  # q1_answer's
    assert _meta(edited, ["q1_test"])["grade_id"] == ["q1_test"]
    assert _meta(edited, "q5_test")["points"] == "2"
    assert all(not c.metadata for c in handins.strip_metadata(source).cells)
    assert source == before
    with pytest.raises(KeyError, match="q9_test"):
        handins.delete_cell(source, "q9_test")


def test_each_kind_of_the_sample_class_is_made_from_the_assignments_files(source):
    solution = handins.solution_answers(source)
    wrong = handins.typical_wrong_answers(ASSIGNMENT)[f"{ASSIGNMENT}.ipynb"]
    blank = handins.fill_answers(source, dict.fromkeys(solution, "# ここに答えを書きましょう"))
    made = {kind: handin(kind, blank, solution, wrong) for kind in KINDS}
    lost = ("stripped_metadata", "edited_metadata")  # cells no longer found by their grade_id
    answers = {kind: _sources(nb) for kind, nb in made.items() if kind not in lost}
    for kind in ("right", "late", "deleted_cell"):
        assert {g: answers[kind][g] for g in solution} == solution, kind
    for kind in ("partial", "overwritten_test"):
        assert {g: answers[kind][g] for g in wrong} == wrong, kind
    assert {g for g in solution if answers["half"][g] == solution[g]} == {"q1_answer", "q2_answer"}
    assert all(answers["blank"][g] == _sources(blank)[g] for g in solution)
    assert "q1_test" not in answers["deleted_cell"]
    assert answers["overwritten_test"]["q5_test"] == "pass"
    assert all(not c.metadata for c in made["stripped_metadata"].cells)
    assert isinstance(made["edited_metadata"].cells[3].metadata["nbgrader"], str)
    for kind in lost:
        assert [c.source for c in made[kind].cells] == [c.source for c in made["right"].cells]
