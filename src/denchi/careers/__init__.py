"""Jobs in the battery industry (h09): the roles, and a self-check that suggests some to explore.

    from denchi import careers
    careers.suggest({"machines": True, "electric": True})   # roles to explore, best first

Everything runs on the learner's own device; no answer is stored or sent anywhere.
"""

from __future__ import annotations

from denchi.careers.figures import (
    SUPPLY_CHAIN_JA,
    draw_supply_chain,
)
from denchi.careers.self_check import (
    Question,
    Role,
    count_sheet_markdown,
    questions,
    roles,
    roles_table_markdown,
    subjects_table_markdown,
    suggest,
    tally_table_markdown,
)

__all__ = [
    "SUPPLY_CHAIN_JA",
    "Question",
    "Role",
    "count_sheet_markdown",
    "draw_supply_chain",
    "questions",
    "roles",
    "roles_table_markdown",
    "subjects_table_markdown",
    "suggest",
    "tally_table_markdown",
]
