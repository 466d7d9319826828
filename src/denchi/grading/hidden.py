"""Hidden-test regions of nbgrader test cells (``### BEGIN HIDDEN TESTS`` ... ``### END``).

The same delimiters as nbgrader's ``ClearHiddenTests``: the autograder keeps them out of the
student's kernel, the feedback keeps them out of the student's sight, the tests check both.
"""

from __future__ import annotations

BEGIN = "BEGIN HIDDEN TESTS"
END = "END HIDDEN TESTS"


def split_hidden(source: str) -> tuple[str, list[str]]:
    """The visible part of a cell's source, and the lines of its hidden regions.

    Args:
        source: A cell's source text.
    """
    visible: list[str] = []
    hidden: list[str] = []
    inside = False
    for line in source.split("\n"):
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            visible.append(line)
    return "\n".join(visible), hidden


def visible_part(source: str) -> str:
    """The source as the student's released notebook shows it.

    Args:
        source: A cell's source text.
    """
    return split_hidden(source)[0]


def has_hidden(source: str) -> bool:
    """True if the source has a hidden-tests region (``### BEGIN HIDDEN TESTS``).

    Args:
        source: A cell's source text.
    """
    return BEGIN in source


def hidden_only_lines(source: str) -> set[str]:
    """Stripped, non-trivial lines that appear only inside hidden regions (expected values,
    reference computations), i.e. what must never reach a student.

    Args:
        source: A cell's source text.
    """
    visible, hidden = split_hidden(source)
    shown = {line.strip() for line in visible.split("\n")}
    return {s for s in (line.strip() for line in hidden) if len(s) > 3 and s not in shown}
