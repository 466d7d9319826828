"""Every item of an intro module's A4 worksheet has its answer in the teacher guide.

The worksheet is the one list of items (:func:`denchi.worksheet.worksheet_items`); the guide's
「ワークシートの解答」 cell passes a dict ``{item number: answer}`` to
:func:`denchi.worksheet.worksheet_answers_markdown`. Checked from the sources (no kernel): the
dict's keys, read with ``ast``, must be the worksheet's item numbers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jupytext
import pytest

from denchi.errors import InputError
from denchi.worksheet import (
    VARIES,
    worksheet_answers_markdown,
    worksheet_items,
    worksheet_target,
)

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## ワークシートの解答"


def _modules_with_worksheets(catalog, root: Path) -> list[str]:
    return [
        m.id
        for m in catalog.in_track("intro")
        if (root / "modules" / m.id / "90_worksheet.md").is_file()
    ]


def _answered_items(module_id: str, root: Path) -> list[int]:
    """The item numbers the guide's worksheet_answers_markdown call answers (dict keys)."""
    notebook = jupytext.read(root / "teacher_guides" / f"{module_id}.md")
    found: list[int] = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or "worksheet_answers_markdown(" not in cell.source:
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == (
                "worksheet_answers_markdown"
            ):
                first = node.args[0]
                assert isinstance(first, ast.Constant) and first.value == module_id
                answers = node.args[1]
                assert isinstance(answers, ast.Dict), f"{module_id}: answers not a dict literal"
                found += [k.value for k in answers.keys if isinstance(k, ast.Constant)]
    return found


def test_the_items_are_read_from_the_worksheet(tmp_path):
    page = tmp_path / "modules" / "x01" / "90_worksheet.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        "```{container} ws-question\n**(1)** a\n```\n\n"
        "````{container} ws-question\n**(2) 予想**　b\n````\n\n"
        "```{container} ws-question\n**ふりかえり**　c\n```\n\n"
        "```{container} ws-screen-only\n**(9)** not an item\n```\n",
        encoding="utf-8",
    )
    assert worksheet_items("x01", tmp_path) == [1, 2]


def test_the_answers_get_targets_and_must_match_the_items(tmp_path):
    page = tmp_path / "modules" / "x01" / "90_worksheet.md"
    page.parent.mkdir(parents=True)
    page.write_text("```{container} ws-question\n**(1)** a\n```\n", encoding="utf-8")
    text = worksheet_answers_markdown("x01", {1: "3.9 V"}, tmp_path)
    assert text == f"({worksheet_target('x01', 1)})=\n**(1)** 3.9 V"
    with pytest.raises(InputError, match=r"解答のない問い: \[1\]"):
        worksheet_answers_markdown("x01", {}, tmp_path)
    with pytest.raises(InputError, match=r"answers without an item \[2\]"):
        worksheet_answers_markdown("x01", {1: "a", 2: "b"}, tmp_path)


def test_every_worksheet_item_has_an_answer_in_its_guide(catalog, root):
    """(tests/test_scaffold.py runs this on a scaffolded intro module too.)"""
    modules = _modules_with_worksheets(catalog, root)
    assert len(modules) >= 9, modules
    wrong = []
    for module_id in modules:
        items = worksheet_items(module_id, root)
        assert len(items) >= 5, f"{module_id}: items not found in the worksheet"
        guide = (root / "teacher_guides" / f"{module_id}.md").read_text(encoding="utf-8")
        if SECTION not in guide:
            wrong.append(f"{module_id}: no {SECTION!r} section")
        answered = _answered_items(module_id, root)
        if sorted(answered) != items:
            wrong.append(f"{module_id}: worksheet items {items}, answered {sorted(answered)}")
    assert not wrong, wrong


def test_a_guide_says_which_answers_vary_by_student(catalog):
    """Predictions and opinions have model answers marked VARIES, not one 'right' answer."""
    for module_id in _modules_with_worksheets(catalog, ROOT):
        guide = (ROOT / "teacher_guides" / f"{module_id}.md").read_text(encoding="utf-8")
        assert "VARIES" in guide, f"{module_id}: no answer is marked as varying by student"
    assert "生徒によって異なる" in VARIES
