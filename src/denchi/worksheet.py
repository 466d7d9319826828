"""The items of an intro module's A4 worksheet and their answers in its teacher guide.

The worksheet (``modules/<id>/90_worksheet.md``) is the one list of items: each
``ws-question`` container that starts with a bold number, ``**(4)**``, is item 4. The guide
gives every item's answer through :func:`worksheet_answers_markdown`, which refuses a guide
that misses an item or answers one the worksheet does not have. Each answer is a MyST target
(:func:`worksheet_target`), so the guide refers to it as
``{ref}`ワークシート (4) <h04_lithium_ion-ws4>``` rather than typing 「ワークシート 2-(4)」, the way
:func:`denchi.grading.answer_key.question_target` does for the questions of an assignment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from denchi.catalog import repo_root
from denchi.errors import InputError

WORKSHEET = "90_worksheet.md"
#: The start of an answer that differs from learner to learner (a prediction, an opinion).
VARIES = "［生徒によって異なる］"

# a ```{container} ws-question fence, then its first line: **(4)** or **(8) 予想**
_ITEM = re.compile(r"^(`{3,}|:{3,})\{container\}\s+ws-question\s*\n\*\*\((\d+)\)", re.M)


def worksheet_path(module_id: str, root: Path | None = None) -> Path:
    """The worksheet page of ``module_id``: ``modules/<id>/90_worksheet.md``."""
    return (root or repo_root()) / "modules" / module_id / WORKSHEET


def worksheet_items(module_id: str, root: Path | None = None) -> list[int]:
    """The numbers of the worksheet's items in page order (``[1, 2, …]``); the unnumbered
    ``ws-question`` boxes (ふりかえり) have no answer and are left out.

    Raises:
        FileNotFoundError: the module has no worksheet.
    """
    text = worksheet_path(module_id, root).read_text(encoding="utf-8")
    return [int(m.group(2)) for m in _ITEM.finditer(text)]


def worksheet_target(module_id: str, number: int) -> str:
    """The MyST target of item ``number`` of ``module_id``'s worksheet in its guide:
    ``h04_lithium_ion-ws4``."""
    return f"{module_id}-ws{number}"


def worksheet_answers_markdown(
    module_id: str, answers: Mapping[int, str], root: Path | None = None
) -> str:
    """Markdown: each worksheet item's answer after its target, in the worksheet's order.

    ``answers`` maps an item number to its answer (MyST text; start it with :data:`VARIES`
    when it differs by student). The targets are parsed by MyST-NB because the book renders
    Markdown outputs as MyST (``nb_render_markdown_format: myst`` in ``book/_config.yml``).

    Raises:
        denchi.errors.InputError: an item of the worksheet has no answer, or an answer has
            no item (the message names the numbers).
    """
    items = worksheet_items(module_id, root)
    missing = [n for n in items if n not in answers]
    extra = sorted(set(answers) - set(items))
    if missing or extra:
        raise InputError(
            "answers",
            f"{module_id} のワークシートの解答が合いません。解答のない問い: {missing}、"
            f"ワークシートにない問い: {extra}。指導書の解答を直してください。",
            f"The answers do not match {module_id}'s worksheet: items without an answer "
            f"{missing}, answers without an item {extra}. Fix the guide's answers.",
        )
    return "\n\n".join(
        f"({worksheet_target(module_id, n)})=\n**({n})** {answers[n]}" for n in items
    )
