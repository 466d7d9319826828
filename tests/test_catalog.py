"""The catalog, the table of contents and the folders agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from sources import sources

from denchi.book import toc
from denchi.catalog import CatalogError, _parse

# Every module of the curriculum map (docs/CURRICULUM.md); the catalog must list each exactly once.
CURRICULUM_IDS = {
    "h01_society", "h02_redox_cells", "h03_battery_types", "h04_lithium_ion",
    "h05_factory_tour", "h06_build_a_cell", "h07_safety", "h08_environment", "h09_careers",
    "u01_electrochemistry", "u02_materials", "u03_modeling", "u04_cell_design",
    "u05_manufacturing", "u06_quality", "u07_safety_standards", "u08_sustainability",
    "u09_next_generation",
    "e01_capacity_rate", "e02_ocv_dqdv", "e03_pulse_gitt", "e04_eis", "e05_thermal", "e06_aging",
    "t01_teacher_training",
}  # fmt: skip


def toc_files(node) -> set[str]:
    """Every ``file`` entry anywhere in a table of contents."""
    if isinstance(node, dict):
        found = {node["file"]} if "file" in node else set()
        for value in node.values():
            found |= toc_files(value)
        return found
    if isinstance(node, list):
        return set().union(*map(toc_files, node)) if node else set()
    return set()


def test_catalog_lists_every_curriculum_module_once(catalog):
    ids = [m.id for m in catalog.modules]
    assert len(ids) == len(set(ids))
    unmapped, unlisted = sorted(set(ids) - CURRICULUM_IDS), sorted(CURRICULUM_IDS - set(ids))
    assert not unmapped, (
        f"{unmapped} are not in the module map: add each to docs/CURRICULUM.md and to "
        "CURRICULUM_IDS in tests/test_catalog.py, or use the id the map gives"
    )
    assert not unlisted, f"{unlisted} are in the module map but not in book/curriculum.yml"


def test_every_module_has_objectives_and_a_known_track(catalog):
    for m in catalog.modules:
        assert m.objectives, m.id
        assert m.minutes in (50, 90), m.id
        assert catalog.track(m.track)


def test_available_modules_have_every_part(catalog, root):
    for m in catalog.available():
        paths = catalog.paths(m)
        missing = [str(p) for p in paths.all() if not (root / p).exists()]
        assert not missing, (
            f"{m.id} is 'available' but lacks {missing}: add them (docs/CONTRIBUTING.md, "
            "'Add a module'), or set its status back to planned and remove its parts"
        )
        for folder in (paths.lesson_dir, *paths.lab_dirs):
            if folder is not None:
                assert (root / folder / "index.md").is_file(), f"{folder}/index.md"
        if paths.assignment_dir is not None:
            assert list((root / paths.assignment_dir).glob("*.ipynb")), paths.assignment_dir


def test_every_assignment_has_a_typical_wrong_submission(catalog, root):
    """The full suite grades ``assessments/wrong_answers/<assignment>.yml`` for partial
    credit; a missing file or a grade_id that names no solution cell is caught here, in
    seconds, instead of as a traceback after the grading tests (docs/CONTRIBUTING.md)."""
    import nbformat
    import yaml

    for m in catalog.available():
        if m.assignment is None:
            continue
        wrong = Path("assessments", "wrong_answers", f"{m.assignment}.yml")
        assert (root / wrong).is_file(), (
            f"{m.id}: write {wrong.as_posix()}, the typical wrong submission of its assignment "
            "(docs/CONTRIBUTING.md, 'Add an assignment')"
        )
        source = Path("assessments", "source", m.assignment)
        for name, answers in yaml.safe_load((root / wrong).read_text(encoding="utf-8")).items():
            notebook = root / source / name
            assert notebook.is_file(), f"{wrong.as_posix()}: {source.as_posix()}/{name} is missing"
            solution_ids = {
                meta["grade_id"]
                for cell in nbformat.read(notebook, as_version=4).cells
                if (meta := cell.metadata.get("nbgrader", {})).get("solution")
            }
            unknown = sorted(set(answers) - solution_ids)
            assert not unknown, (
                f"{wrong.as_posix()}: {unknown} name no solution cell of {name}; "
                f"its solution cells are {sorted(solution_ids)}"
            )


def scaffold_placeholders_left(root) -> list[str]:
    """Files of modules that still hold a placeholder of ``dev.py new-module``."""
    from denchi.scaffold import PLACEHOLDER

    folders = ("modules", "labs", "teacher_guides", "assessments")
    return [
        str(path.relative_to(root))
        for pattern in ("*.md", "*.ipynb", "*.yml")
        for path in sources(root, folders, pattern)
        if PLACEHOLDER in path.read_text(encoding="utf-8")
    ]


def test_no_scaffold_placeholder_is_left(root):
    left = scaffold_placeholders_left(root)
    assert not left, (
        f"{left} still hold placeholders of dev.py new-module: replace every （✎ …） and "
        "follow, then delete, every '% ✎' comment (docs/CONTRIBUTING.md, 'Add a module')"
    )


def test_planned_modules_have_no_parts_yet(catalog, root):
    for m in catalog.modules:
        if not m.available:
            present = [str(p) for p in catalog.paths(m).all() if (root / p).exists()]
            assert not present, f"{m.id} is 'planned' but {present} exist: mark it available"


def _listed_names(catalog) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {"modules": set(), "labs": set(), "source": set(), "guides": set()}
    for m in catalog.modules:
        paths = catalog.paths(m)
        if paths.lesson_dir:
            names["modules"].add(paths.lesson_dir.name)
        names["labs"] |= {d.name for d in paths.lab_dirs}
        if paths.assignment_dir:
            names["source"].add(paths.assignment_dir.name)
        names["guides"].add(paths.teacher_guide.stem)
    return names


def test_no_folder_exists_that_the_catalog_does_not_list(catalog, root):
    listed = _listed_names(catalog)
    present = {
        "modules": {p.name for p in (root / "modules").iterdir() if p.is_dir()},
        "labs": {p.name for p in (root / "labs").iterdir() if p.is_dir()},
        "source": {p.name for p in (root / "assessments" / "source").iterdir() if p.is_dir()},
        "guides": {p.stem for p in (root / "teacher_guides").glob("*.md")},
    }
    for kind, names in present.items():
        assert names <= listed[kind], f"{kind}: not in the catalog: {sorted(names - listed[kind])}"


def test_toc_holds_exactly_the_available_modules_and_their_pages(catalog, root):
    files = toc_files(toc(catalog, root))
    for f in files:
        assert (root / f"{f}.md").is_file(), f"TOC entry without a page: {f}"
    for m in catalog.modules:
        paths = catalog.paths(m)
        pages = set()
        for folder in (paths.lesson_dir, *paths.lab_dirs):
            if folder is not None and (root / folder).is_dir():
                pages |= {
                    p.relative_to(root).with_suffix("").as_posix()
                    for p in (root / folder).glob("*.md")
                }
        guide = paths.teacher_guide.with_suffix("").as_posix()
        if m.available:
            assert pages <= files, f"{m.id}: pages missing from the TOC: {sorted(pages - files)}"
            assert guide in files
        else:
            assert catalog.entry_page(m) not in files and guide not in files


def test_every_track_has_its_page(catalog, root):
    for t in catalog.tracks:
        assert (root / f"{t.page}.md").is_file()


@pytest.mark.parametrize(
    "mutation, message",
    [
        (lambda d: d["modules"].append(dict(d["modules"][0])), "duplicate"),
        (lambda d: d["modules"][0].update(track="nowhere"), "unknown track"),
        (lambda d: d["modules"][0].update(prerequisites=["zz_missing"]), "unknown prerequisites"),
        (lambda d: d["modules"][0].update(status="done"), "status"),
        (lambda d: d["modules"][0].pop("title_ja"), "malformed"),
    ],
)
def test_a_broken_catalog_is_refused(root, mutation, message):
    import yaml

    data = yaml.safe_load(Path(root, "book", "curriculum.yml").read_text(encoding="utf-8"))
    mutation(data)
    with pytest.raises(CatalogError, match=message):
        _parse(data)


def test_every_book_page_is_in_the_toc(catalog, root):
    files = toc_files(toc(catalog, root))
    pages = {
        p.relative_to(root).with_suffix("").as_posix() for p in sources(root, ["book"], "*.md")
    }
    assert pages - {"book/index"} <= files, f"pages outside the TOC: {sorted(pages - files)}"


def test_assignment_sources_are_committed_without_outputs(root):
    import nbformat

    for path in sources(root, ["assessments/source"], "*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path


def test_bibliography_parses_and_has_no_duplicate_keys(root):
    from pybtex.database import parse_string

    text = (root / "book" / "references.bib").read_text(encoding="utf-8")
    entries = parse_string(text, "bibtex").entries  # raises on a lost brace after a merge
    keys = [k.lower() for k in entries]
    assert len(keys) == len(set(keys)) and len(keys) > 10


# Curriculum hooks that issue 14 corrected: the item of the 2018 course of study a teacher would
# look up for each module (EIS is the AC / complex-notation item, not transients; the safety
# module's Joule heat belongs to the DC-circuit item on power and heat).
EXPECTED_HOOK_WORDS = {
    "e04_eis": ("電気回路", "交流回路", "記号法"),
    "h07_safety": ("電気回路", "直流回路", "ジュール"),
}


@pytest.mark.parametrize("module_id", sorted(EXPECTED_HOOK_WORDS))
def test_guideline_hook_names_the_matching_item(catalog, module_id):
    hooks = next(m for m in catalog.modules if m.id == module_id).guideline_hooks
    words = EXPECTED_HOOK_WORDS[module_id]
    assert any(all(w in hook for w in words) for hook in hooks), (module_id, hooks)


def test_eis_is_not_hooked_to_transients(catalog):
    hooks = next(m for m in catalog.modules if m.id == "e04_eis").guideline_hooks
    assert not any("過渡現象" in hook for hook in hooks), hooks
