"""The student notebook copies of the pages (denchi.student_notebooks), without building the
book: every learner page converts, keeps its code, shows no answer, and reads as plain text
where JupyterLab's MyST extension cannot render the markup."""

from __future__ import annotations

import json
import zipfile

import jupytext
import nbformat
import pytest
from edition_secrets import flat, secrets

from denchi.book import STUDENT, TEACHER, learner_pages, write_notebooks
from denchi.student_notebooks import NOTEBOOKS_ZIP, notebook_path, student_notebook

# MyST that jupyterlab-myst shows as raw text or as an "Unknown Directive" box
UNRENDERED = ("{footcite", "{cite", "{footbibliography}", "{only}", "{container}", "{doc}`")
UNRENDERED += ("{term}`", "{ref}`")


@pytest.fixture(scope="module")
def pages(root):
    found = learner_pages(root)
    assert len(found) > 40  # every module and lab page of the student edition
    return found


@pytest.fixture(scope="module")
def exported(pages, root):
    return [p.relative_to(root).with_suffix("").as_posix() for p in pages]


@pytest.fixture(scope="module")
def copies(pages, exported, root):
    """page -> (student copy, teacher copy) as flat text, and the student notebooks."""
    out = {}
    for page in pages:
        student = student_notebook(page, root, exported, tag=STUDENT)
        teacher = student_notebook(page, root, exported, tag=TEACHER)
        out[page] = (student, flat(nbformat.writes(student)), flat(nbformat.writes(teacher)))
    return out


@pytest.fixture(scope="module")
def needles(root, catalog):
    # computed answers need PyBaMM (h04): test_book.py checks them in the built edition
    found = secrets(root, catalog, computed_answers=False)
    assert len(found) > 200, "too few needles: the test would prove nothing"
    return found


def test_no_student_copy_shows_an_answer_or_teacher_text(copies, needles):
    leaks = [
        (needle, origin, page.name)
        for page, (_, student, _) in copies.items()
        for needle, origin in needles.items()
        if needle in student
    ]
    assert not leaks, f"{len(leaks)} answers in the student notebooks, e.g. {leaks[:8]}"
    # the same pages made for the teacher hold the teacher-only text: the check can fail
    teacher = "\n".join(t for _, _, t in copies.values())
    blocks = [n for n, o in needles.items() if o.startswith("teacher-only block")]
    assert blocks and all(n in teacher for n in blocks)


def test_every_code_cell_of_the_page_is_in_its_copy(copies):
    for page, (notebook, _, _) in copies.items():
        source = [c.source for c in jupytext.read(page).cells if c.cell_type == "code"]
        copied = [c.source for c in notebook.cells if c.cell_type == "code"]
        assert copied == source, page


def test_the_copies_are_valid_notebooks_without_markup_left_raw(copies):
    for page, (notebook, _, _) in copies.items():
        nbformat.validate(nbformat.reads(nbformat.writes(notebook), as_version=4))
        markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        raw = [m for m in UNRENDERED if m in markdown]
        assert not raw, f"{page}: {raw}"


def test_hidden_cells_start_collapsed_and_citations_become_numbered_sources(copies, root):
    page = root / "modules" / "h04_lithium_ion" / "02_voltage.md"
    notebook = copies[page][0]
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "［1, 2］" in markdown  # {footcite:p}`chen2020,oregan2022`
    assert "1. Chang-Hui Chen" in markdown and "2. Kieran O'Regan" in markdown
    assert "[容量・電力量・C レート](03_capacity.ipynb)" in markdown  # {doc}`03_capacity`
    assert ":::{dropdown} 答えを見る" in markdown  # self-check answers: collapsed by the extension
    structure = copies[root / "modules" / "h04_lithium_ion" / "01_structure.md"][0]
    (drawing,) = [c for c in structure.cells if "draw_lithium_ion_cell" in c.source]
    assert drawing.metadata["jupyter"]["source_hidden"] is True


def test_labelled_equations_and_their_references_are_left_to_the_extension(copies, root):
    notebook = copies[root / "labs" / "e01_capacity_rate" / "index.md"][0]
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "$$ (e01-overpotential)" in markdown and "{eq}`e01-overpotential`" in markdown


def test_the_zip_holds_one_notebook_per_learner_page(tmp_path, root, exported, monkeypatch):
    """``python -m denchi.book notebooks`` writes into the student edition's HTML folder."""
    import denchi.book as book

    html = tmp_path / "student" / "html"
    monkeypatch.setattr(book, "output_dir", lambda _root, edition: html)
    written = write_notebooks(root)
    assert written == html / NOTEBOOKS_ZIP == html / "notebooks" / "denchi-notebooks.zip"
    assert all((html / notebook_path(d)).is_file() for d in exported)
    with zipfile.ZipFile(written) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"denchi-notebooks/{d}.ipynb" for d in exported)
        first = json.loads(archive.read(names[0]))
        assert first["nbformat"] == 4
