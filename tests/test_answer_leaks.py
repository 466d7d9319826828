"""No intro page a student can open shows a graded answer of an intro assignment (issue 13).

The intro assignments (h01–h09) have the same answer for every student. A lesson's self-check,
worked example, printed result or figure text that repeats an assignment question with the same
numbers shows that answer, whatever the variable is called there. This scans the student
edition's sources of every h-module (lesson pages, worksheet, lab pages: ``{only} teacher``
blocks removed by :func:`denchi.student_notebooks.student_notebook`, code cells and the figure
metadata, alt text and caption, included) for every numeric answer of every h-assignment (a
learner opens the other modules' pages too), shown with its unit as a number its hidden test
would grade correct (``edition_secrets.GradedValue``). The built
edition (outputs of code cells included) is checked with the same values by
``tests/test_book.py::test_the_student_edition_shows_no_answers``."""

from __future__ import annotations

import pytest
from edition_secrets import COMMON_ON_THE_PAGES, GradedValue, graded_values, leaked_values

from denchi.book import STUDENT
from denchi.catalog import load_catalog
from denchi.student_notebooks import student_notebook

H_MODULES = [m for m in load_catalog().available() if m.id.startswith("h") and m.assignment]


def _strings(value: object) -> list[str]:
    """Every string inside cell metadata (a figure's caption and alt text)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def student_texts(root, module) -> dict[str, str]:
    """page -> what a student sees of it: Markdown, code and figure metadata of its student
    copy (the same conversion as the published notebooks)."""
    catalog = load_catalog()
    paths = catalog.paths(module)
    folders = [d for d in (paths.lesson_dir, *paths.lab_dirs) if d is not None]
    texts = {}
    for page in sorted(p for d in folders for p in (root / d).glob("*.md")):
        notebook = student_notebook(page, root, tag=STUDENT)
        texts[page.relative_to(root).as_posix()] = "\n".join(
            s for cell in notebook.cells for s in (cell.source, *_strings(dict(cell.metadata)))
        )
    return texts


def test_no_intro_page_shows_a_graded_answer(root):
    texts = {page: text for m in H_MODULES for page, text in student_texts(root, m).items()}
    assert len(texts) > 30  # lesson, worksheet and lab pages of every h-module
    leaks = leaked_values(root, load_catalog(), texts)
    assert not leaks, "\n".join(f"{page}: {shown!r} gives {value}" for value, page, shown in leaks)


def test_the_allow_list_names_answers_that_exist(root):
    names = {(v.assignment, v.name) for m in H_MODULES for v in graded_values(root, m.assignment)}
    assert set(COMMON_ON_THE_PAGES) <= names


@pytest.mark.parametrize(
    ("shown", "text", "found"),
    [
        ("2.71 V", "0.34 − (−2.37) = 2.71 V です。", ["2.71 V"]),
        ("2.71 V", "Na −2.71 V、Mg −2.37 V", []),  # another number: the sign is read
        ("1.16 V", "起電力 1.163 V", ["1.163 V"]),  # the key rounds 1.163 (abs_tol 0.002)
        ("1.16 V", "起電力 1.104 V", []),
        ("2.71 V", "$E = 2.71\\ \\mathrm{V}$", ["2.71 V"]),  # math as rendered
        ("1000 個", "800 ÷ 0.8 = 1000 本です。", ["1000 本"]),  # the counter pages use
        ("1000 個", "1,000 本", ["1000 本"]),
        ("14 %", "0.14 で、**14 %** です。資料では約 15 %", ["14 %"]),
        ("28.6 kg", "鉛蓄電池 28.6 kg、約 29 kg", ["28.6 kg", "29 kg"]),  # within rel_tol 0.02
        ("3.4 Ah", "   0 ℃: 3.42 Ah, 11.1 Wh", ["3.42 Ah"]),  # within the ±0.15 Ah of 問4
        ("100 µm", "厚さ 100 μm で", ["100 μm"]),  # Greek mu for the micro sign
        ("18 Wh", "18 kWh, 18 Wh/kg", []),  # another unit
        ("20 万 t", "リチウムは 20 万 t", ["20 万 t"]),
        ("1000000 kWh", "1 GWh は 100 万 kWh", ["100 万 kWh"]),
        ("5 h", "約 5 時間で空", ["5 時間"]),
    ],
)
def test_a_value_is_found_as_a_learner_reads_it(shown, text, found):
    tolerances = {"28.6 kg": (0.02, 0.0), "3.4 Ah": (0.0, 0.15), "1000 個": (0.01, 0.0)}
    tolerances["1.16 V"] = (0.0, 0.002)
    value = GradedValue("hx", "q1", shown, *tolerances.get(shown, (0.0, 0.0)))
    assert value.shown_in(text) == found


# The static explorers of the intro pages (denchi.explorers): the page and what makes each.
# In the book every grid point's printed lines, title and labels are on the page at once.
INTRO_EXPLORERS = [
    ("labs/h01_society/index", "denchi.sustain.widgets:storage_explorer"),
    ("labs/h02_redox_cells/index", "denchi.chem.widgets:cell_explorer"),
    ("labs/h05_factory_tour/index", "denchi.factory.widgets:process_map_explorer"),
    ("labs/h05_factory_tour/index", "denchi.factory.widgets:line_explorer"),
    ("labs/h08_environment/index", "denchi.sustain.widgets:materials_explorer"),
    ("labs/h09_careers/index", "denchi.careers.widgets:self_check_explorer"),
]


def _grid_text(grid) -> str:
    """Everything a static explorer's document shows of its grid: every frame's title, axis
    labels, legend entries and printed lines, and the controls' labels and options."""
    parts = []
    for control in grid.controls:
        parts.append(control.label)
        parts += [shown for shown, _ in getattr(control, "options", ())]
    for frame in grid.frames:
        parts += [frame.title, frame.x_label, frame.y_label, frame.notes]
        parts += [line.label for line in frame.lines]
    return "\n".join(parts)


@pytest.mark.parametrize(("page", "factory"), INTRO_EXPLORERS)
def test_no_static_explorer_of_an_intro_page_shows_a_graded_answer(
    page, factory, root, monkeypatch, tmp_path
):
    """Every grid point of the book's explorer is on the page: none may print an answer of
    any intro assignment (the same detection as the pages: ``leaked_values``)."""
    import importlib

    from denchi import explorers

    monkeypatch.setenv(explorers.STATIC_ENV, "1")
    monkeypatch.setenv(explorers.CACHE_ENV, str(tmp_path))
    module, name = factory.split(":")
    static = getattr(importlib.import_module(module), name)()
    assert isinstance(static, explorers.StaticExplorer)
    assert explorers.MARKER in static.embed()  # the document builds
    texts = {f"{page}.md ({name})": _grid_text(static.grid)}
    leaks = leaked_values(root, load_catalog(), texts)
    found = sorted({f"{shown!r} gives {value}" for value, _, shown in leaks})
    assert not leaks, "\n".join(found)
