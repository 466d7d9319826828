"""Lab e02 teaches named dQ/dV peaks (issue 12).

The NMC811/graphite cell has two nearly equal dQ/dV peaks; loss of lithium inventory changes
their heights and moves them by millivolts, while "the tallest peak" jumps from one to the
other. The lab page, its report template, the teacher guide and the assignment must neither
teach a shift of "the main peak" of about 0.2 V nor grade the tallest peak. The physics is
tested in tests/test_labs_named_peak.py, the grading in tests/test_assignments.py.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from denchi.grading.hidden import split_hidden

MODULE = "e02_ocv_dqdv"
# a big shift of one peak, "the main peak", peaks that move up as the lesson, the old helper
WRONG_CLAIMS = re.compile(r"0\.20?\s*V|主ピーク|main_peak|ピークが高電圧側へ移る")


def _notebook(root) -> nbformat.NotebookNode:
    return nbformat.read(root / "assessments" / "source" / MODULE / f"{MODULE}.ipynb", as_version=4)


def _texts(root) -> dict[str, str]:
    texts = {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in [
            *sorted((root / "labs" / MODULE).glob("*.md")),
            root / "teacher_guides" / f"{MODULE}.md",
        ]
    }
    texts[f"assessments/source/{MODULE}"] = "\n".join(c.source for c in _notebook(root).cells)
    return texts


@pytest.mark.parametrize("name", ["index.md", "90_report_template.md", "guide", "assignment"])
def test_e02_does_not_teach_a_big_shift_of_the_main_peak(root, name):
    where = {
        "index.md": f"labs/{MODULE}/index.md",
        "90_report_template.md": f"labs/{MODULE}/90_report_template.md",
        "guide": f"teacher_guides/{MODULE}.md",
        "assignment": f"assessments/source/{MODULE}",
    }[name]
    text = _texts(root)[where]
    found = [m.group(0) for m in WRONG_CLAIMS.finditer(text)]
    assert not found, f"{where} still says {found}"


def test_e02_pages_name_the_peaks_and_their_heights(root):
    texts = _texts(root)
    for where in (f"labs/{MODULE}/index.md", f"teacher_guides/{MODULE}.md"):
        assert "named_peak" in texts[where] or "peak_change" in texts[where], where
        assert "高さ" in texts[where], where


def _hidden_code(nb) -> str:
    return "\n".join(
        "\n".join(split_hidden(c.source)[1])
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    )


def test_the_assignment_grades_a_named_peak_not_the_tallest(root):
    nb = _notebook(root)
    hidden = _hidden_code(nb)
    assert "named_peak(" in hidden or "peak_change(" in hidden
    assert "main_peak" not in hidden
    # the hidden tests grade the low-voltage peak, as the questions ask
    assert '"low"' in hidden


def test_the_assignment_states_the_windows_of_the_named_peaks(root):
    """The questions define the peaks by the same voltage windows as the reference analysis."""
    from denchi.labs.analysis.ocv import NAMED_PEAKS_V

    text = "\n".join(c.source for c in _notebook(root).cells if c.cell_type == "markdown")
    for low_v, high_v in NAMED_PEAKS_V.values():
        assert f"{low_v:.2f}〜{high_v:.2f} V" in text, (low_v, high_v)


def test_the_assignment_keeps_its_cells_and_points(root):
    """Editing the questions keeps nbgrader's cell ids, grade ids and the 10 points."""
    nb = _notebook(root)
    meta = [c.metadata["nbgrader"] for c in nb.cells]
    ids = [m["grade_id"] for m in meta]
    assert ids == [
        "intro", "setup", "data",
        "q1_question", "q1_answer", "q1_test",
        "q2_question", "q2_answer", "q2_test",
        "q3_question", "q3_answer", "q3_test",
        "q4_question", "q4_answer", "q4_test",
        "q5_question", "q5_answer", "q5_test",
        "outro",
    ]  # fmt: skip
    assert all(c.get("id") for c in nb.cells)
    assert sum(m.get("points", 0) for m in meta if m.get("grade")) == 10
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
