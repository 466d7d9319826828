"""Teacher guides' answer keys come from the solution cells, and only from them."""

from __future__ import annotations

import re

import nbformat

from denchi.grading.answer_key import answer_key_markdown


def test_answer_key_shows_every_solution_and_no_hidden_test(root):
    key = answer_key_markdown("h04_lithium_ion", root)
    nb = nbformat.read(
        root / "assessments/source/h04_lithium_ion/h04_lithium_ion.ipynb", as_version=4
    )
    solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert solutions
    for cell in solutions:
        body = re.sub(r"### (BEGIN|END) SOLUTION\n?", "", cell.source).strip()
        assert body in key
    assert "HIDDEN" not in key and "SOLUTION" not in key
    assert "配点の合計: 10 点" in key
