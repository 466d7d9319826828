"""`dev.py new-module` (denchi.scaffold): a scaffolded module passes the catalog and page rules
at once, in a copy of the repository; a refusal writes nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
import test_catalog as catalog_rules
import test_page_style as page_rules
import test_worksheet_answers as worksheet_answer_rules
import test_worksheets as worksheet_rules
import yaml
from nbgrader.nbgraderformat import MetadataValidator

from denchi.catalog import _parse, load_catalog
from denchi.scaffold import ScaffoldError, main, new_module

PARTS = ("book", "modules", "labs", "assessments", "teacher_guides")


def _last_specialist_module() -> str:
    """The catalog's last specialist module with an assignment: the copy of the repository
    makes it planned again (:func:`_unwritten`), since once u09 was written no entry of the
    catalog was planned; the examples follow the catalog, so writing a module never breaks
    these tests."""
    return [m.id for m in load_catalog().modules if m.track == "specialist" and m.assignment][-1]


# the module the scaffold writes in the copy: a specialist module without a lab (it is given
# a lab, made intro or has its assignment taken away by _reshaped for the other kinds)
NO_LAB = _last_specialist_module()


def _unwritten(repo: Path, module_id: str) -> None:
    """Make ``module_id`` a planned module without a lab in the copy: its entry says
    ``status: planned`` and ``labs: []``, and none of its parts exists."""
    module = _fresh_catalog(repo).module(module_id)
    for folder in [repo / "modules" / module_id, *(repo / "labs" / lab for lab in module.labs)]:
        shutil.rmtree(folder)
    shutil.rmtree(repo / "assessments" / "source" / module.assignment)
    (repo / "assessments" / "wrong_answers" / f"{module.assignment}.yml").unlink()
    (repo / "teacher_guides" / f"{module_id}.md").unlink()
    path = repo / "book" / "curriculum.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {module_id}\n")
    end = text.index("  - id:", start + 1)
    entry = text[start:end].replace("status: available", "status: planned")
    entry = re.sub(r"labs: \[[^\]]*\]", "labs: []", entry)
    path.write_text(text[:start] + entry + text[end:], encoding="utf-8")


@pytest.fixture
def repo(tmp_path, root) -> Path:
    """A copy of the parts of the repository that the catalog and page rules read."""
    for part in PARTS:
        shutil.copytree(root / part, tmp_path / part, ignore=shutil.ignore_patterns("_build"))
    _unwritten(tmp_path, NO_LAB)
    return tmp_path


def _fresh_catalog(repo: Path):
    text = (repo / "book" / "curriculum.yml").read_text(encoding="utf-8")
    return _parse(yaml.safe_load(text))


def _reshaped(repo: Path, module_id: str, *, lab: bool, intro: bool, assignment: bool) -> None:
    """Reshape a planned specialist entry without a lab in the copy's catalog: with ``lab``
    give it a lab of its own id, with ``intro`` make it an intro module (no intro module is
    planned any more, but the worksheet rules apply to the next one), without ``assignment``
    take its assignment away (``assignment: null``, as the teacher-training kit t01)."""
    path = repo / "book" / "curriculum.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {module_id}\n")
    end = text.index("  - id:", start + 1)
    entry = text[start:end]
    if lab:
        entry = entry.replace("labs: []", f"labs: [{module_id}]")
    if intro:
        entry = entry.replace("track: specialist", "track: intro")
    if not assignment:
        entry = entry.replace(f"assignment: {module_id}", "assignment: null")
    path.write_text(text[:start] + entry + text[end:], encoding="utf-8")


@pytest.mark.parametrize(
    "lab, intro, assignment",
    [
        (False, False, True),  # specialist, no lab
        (True, False, True),  # specialist with a lab
        (False, False, False),  # no assignment
        (True, True, True),  # made intro: a worksheet closes the module after its lab
    ],
)
def test_a_scaffolded_module_passes_the_catalog_and_page_rules(repo, lab, intro, assignment):
    module_id = NO_LAB
    _reshaped(repo, module_id, lab=lab, intro=intro, assignment=assignment)
    assert bool(_fresh_catalog(repo).module(module_id).labs) == lab
    assert (_fresh_catalog(repo).module(module_id).assignment is not None) == assignment
    assert not _fresh_catalog(repo).module(module_id).available

    written = new_module(module_id, repo)

    catalog = _fresh_catalog(repo)
    assert catalog.module(module_id).available
    assert all((repo / p).is_file() for p in written)
    catalog_rules.test_available_modules_have_every_part(catalog, repo)
    catalog_rules.test_planned_modules_have_no_parts_yet(catalog, repo)
    catalog_rules.test_no_folder_exists_that_the_catalog_does_not_list(catalog, repo)
    catalog_rules.test_toc_holds_exactly_the_available_modules_and_their_pages(catalog, repo)
    catalog_rules.test_every_assignment_has_a_typical_wrong_submission(catalog, repo)
    catalog_rules.test_assignment_sources_are_committed_without_outputs(repo)
    page_rules.test_no_note_box_has_its_title_glued_to_its_first_sentence(repo)
    if intro:
        worksheet_rules.test_every_available_intro_module_has_a_worksheet_as_its_last_page(
            catalog, repo
        )
        worksheet_rules.test_the_worksheet_closes_its_module_after_the_labs(catalog, repo)
        worksheet_rules.test_worksheets_hold_questions_but_no_answers(catalog, repo)
        worksheet_rules.test_worksheet_classes_are_defined_in_the_stylesheet(catalog, repo)
        worksheet_answer_rules.test_every_worksheet_item_has_an_answer_in_its_guide(catalog, repo)
    for page in written:
        if page.suffix == ".md":
            assert (repo / page).read_text(encoding="utf-8").startswith("---\njupytext:"), page
    # ... but it is not a finished module: the fast tier names every file left to write
    assert set(catalog_rules.scaffold_placeholders_left(repo)) == {
        p.as_posix() for p in written if p != Path("book", "curriculum.yml")
    }


def test_the_scaffolded_assignment_is_valid_nbgrader_with_two_graded_cells(repo):
    new_module(NO_LAB, repo)
    assignment = _fresh_catalog(repo).module(NO_LAB).assignment
    path = repo / "assessments" / "source" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)  # nbformat 4.5: every cell has an id
    MetadataValidator().validate_nb(nb)  # nbgrader's own schema (grade_id, points, locked)
    meta = [c.metadata["nbgrader"] for c in nb.cells]
    ids = [m["grade_id"] for m in meta]
    assert len(ids) == len(set(ids))
    graded = [m for m in meta if m["grade"]]
    assert len(graded) >= 2 and all(m["points"] > 0 for m in graded)
    for cell in nb.cells:
        if cell.metadata["nbgrader"]["grade"]:
            assert "### BEGIN HIDDEN TESTS" in cell.source and "hint_ja=" in cell.source


@pytest.mark.parametrize(
    "module_id, message",
    [
        ("zz_unknown", "not in book/curriculum.yml"),
        ("h02_redox_cells", "already available"),
        (NO_LAB, "exist already"),  # a part of it is there (below)
    ],
)
def test_a_refused_scaffold_writes_nothing(repo, module_id, message):
    (repo / "teacher_guides" / f"{NO_LAB}.md").write_text("draft\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    with pytest.raises(ScaffoldError, match=message):
        new_module(module_id, repo)
    after = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    assert after == before


def test_the_command_line_names_the_problem_and_exits_2(repo, monkeypatch, capsys):
    monkeypatch.setenv("DENCHI_ROOT", str(repo))
    assert main(["zz_unknown"]) == 2
    assert "'zz_unknown' is not in book/curriculum.yml" in capsys.readouterr().err
    assert main([NO_LAB]) == 0
    assert f"modules/{NO_LAB}/index.md" in capsys.readouterr().out
