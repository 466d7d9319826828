"""The class contest table (denchi.grading.contest): designs read without running student code,
ranked by the rule's verdict. The rule is injected here (no PyBaMM); its physics is tested in
tests/test_labs_cell_design.py."""

from __future__ import annotations

import math
from dataclasses import dataclass

import nbformat
import pytest

from denchi.grading import commands
from denchi.grading.contest import contest_rows, read_design, to_csv, to_markdown
from denchi.grading.errors import GradingError

NAMES = ("q4_positive_thickness_um", "q4_positive_porosity", "q4_np_ratio")


@dataclass(frozen=True)
class Verdict:
    wh_kg: float
    capacity_ratio: float
    meets: bool
    note_ja: str = ""


def fake_rule(design):
    """Thicker is more Wh/kg; above 100 µm the 2C requirement fails."""
    thickness = design[0]
    return Verdict(200 + thickness, 0.95 if thickness <= 100 else 0.5, thickness <= 100, "")


def hand_in(course, student, source):
    folder = course / "autograded" / student / "u04_cell_design"
    folder.mkdir(parents=True)
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": "q4_answer", "solution": True}
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), folder / "u04_cell_design.ipynb")


def design(t, eps=0.35, np_ratio=1.05):
    return (
        f"q4_positive_thickness_um = {t}\nq4_positive_porosity = {eps}\nq4_np_ratio = {np_ratio}\n"
    )


def test_read_design_takes_literals_only():
    assert read_design(design(95), NAMES) == (95.0, 0.35, 1.05)
    assert read_design(design(95) + "q4_np_ratio = 1.2\n", NAMES) == (95.0, 0.35, 1.2)
    # computed values are not read (the contest never runs student code)
    assert read_design(design(95) + "q4_np_ratio = __import__('os').getpid()\n", NAMES) is None
    assert read_design("q4_positive_thickness_um = 95\n", NAMES) is None
    assert read_design("q4_np_ratio = (", NAMES) is None
    assert read_design(design("'95'"), NAMES) is None
    assert read_design(design("float('nan')"), NAMES) is None


def test_ranked_table(tmp_path):
    hand_in(tmp_path, "s03", design(90))
    hand_in(tmp_path, "s01", design(100))
    hand_in(tmp_path, "s02", design(120))  # fails the requirement
    hand_in(tmp_path, "s04", "q4_positive_thickness_um = float(input())")
    hand_in(tmp_path, "s05", design(100))  # same design as s01: shares its rank
    rows = contest_rows(tmp_path, "u04_cell_design", evaluate=fake_rule)
    assert [(r.rank, r.student) for r in rows] == [
        (1, "s01"), (1, "s05"), (3, "s03"), (None, "s02"), (None, "s04"),
    ]  # fmt: skip
    assert rows[0].wh_kg == 300 and rows[0].meets
    assert not rows[3].meets and rows[3].design == (120.0, 0.35, 1.05)
    assert rows[4].design is None and math.isnan(rows[4].wh_kg) and rows[4].note
    markdown = to_markdown(rows)
    assert markdown.count("\n") == 2 + 5 and "| 1 | s01 | 300.0 | 95.0 | ○ |" in markdown
    csv_text = to_csv(rows)
    assert csv_text.splitlines()[4].startswith(",s02,320.0,50.0,×,120,")


def test_each_distinct_design_is_simulated_once(tmp_path):
    calls = []
    for student in ("a", "b", "c"):
        hand_in(tmp_path, student, design(80))

    def rule(d):
        calls.append(d)
        return fake_rule(d)

    contest_rows(tmp_path, "u04_cell_design", evaluate=rule)
    assert calls == [(80.0, 0.35, 1.05)]


def test_errors_are_for_teachers(tmp_path):
    with pytest.raises(GradingError, match="コンテストがありません"):
        contest_rows(tmp_path, "u02_materials", evaluate=fake_rule)
    with pytest.raises(GradingError, match="autograde"):
        contest_rows(tmp_path, "u04_cell_design", evaluate=fake_rule)
    with pytest.raises(GradingError, match="workers"):
        contest_rows(tmp_path, "u04_cell_design", workers=0, evaluate=fake_rule)


def test_cli_has_the_contest_command(tmp_path, capsys):
    import argparse

    parser = argparse.ArgumentParser()
    commands.configure(parser)
    args = parser.parse_args(["contest", "u02_materials", "--course", str(tmp_path)])
    assert args.func(args) == 2  # a teacher's error: plain message, no traceback
    assert "コンテスト" in capsys.readouterr().err


def test_the_csv_is_written_by_the_one_csv_writer():
    """Every CSV of the project escapes what a spreadsheet would run (issue 11 item 5,
    denchi.grading.spreadsheet): the contest table's cells too, numbers left as they are."""
    from denchi.grading.contest import ContestRow

    row = ContestRow(None, "s01", (-5.0, 0.35, 1.05), 300.0, 0.9, False, '=HYPERLINK("x")')
    line = to_csv([row]).splitlines()[1]
    assert line.endswith(',"\'=HYPERLINK(""x"")"') and ",-5," in line
