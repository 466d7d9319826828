"""What the page and catalog tests read as sources (tests/sources.py)."""

from __future__ import annotations

from sources import sources


def test_checkpoints_and_builds_are_not_sources(tmp_path):
    for name in (
        "modules/h01/01_a.md",
        "modules/h01/.ipynb_checkpoints/01_a-checkpoint.md",
        "modules/_build/x.md",
        "labs/e01/index.md",
        "labs/e01/notes.txt",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = sources(tmp_path, ["modules", "labs"], "*.md")
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "labs/e01/index.md",
        "modules/h01/01_a.md",
    ]


def test_a_project_inside_a_dot_folder_still_has_sources(tmp_path):
    """Only folders below the one asked for are judged (a checkout may live in ~/.work)."""
    root = tmp_path / ".work"
    (root / "book").mkdir(parents=True)
    (root / "book" / "intro.md").write_text("x", encoding="utf-8")
    assert sources(root, ["book"], "*.md") == [root / "book" / "intro.md"]
