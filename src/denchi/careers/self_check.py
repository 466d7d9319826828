"""Roles of the battery industry, read from ``roles.yml``, and the self-check scoring.

The score of a role is the number of "yes" answers whose interest the role lists; the roles
with the highest scores are suggested. It is a conversation starter, not an aptitude test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from denchi.i18n import bilingual


@dataclass(frozen=True)
class Question:
    """One yes/no question of the self-check (from ``roles.yml``).

    Attributes:
        key: Key of the interest it asks about, e.g. ``"machines"``.
        text_ja: The question (Japanese).
    """

    key: str
    text_ja: str


@dataclass(frozen=True)
class Role:
    """A job in the battery industry (from ``roles.yml``; the list of roles follows
    docs/CURRICULUM.md, and the working-day texts are illustrative, not company reports).

    Attributes:
        key: Key of the role, e.g. ``"maintenance"``.
        name_ja: Japanese name.
        name_en: English name.
        where_ja: Where the work happens (Japanese).
        what_ja: What the work is (Japanese).
        day_ja: An illustrative working day (Japanese).
        subjects_ja: School subjects behind it (Japanese).
        interests: Question keys a "yes" to which counts for this role.
    """

    key: str
    name_ja: str
    name_en: str
    where_ja: str
    what_ja: str
    day_ja: str
    subjects_ja: tuple[str, ...]
    interests: tuple[str, ...]


@cache
def _data() -> tuple[tuple[Question, ...], tuple[Role, ...]]:
    raw = yaml.safe_load((files("denchi.careers") / "roles.yml").read_text(encoding="utf-8"))
    qs = tuple(Question(**q) for q in raw["questions"])
    rs = tuple(
        Role(**{**r, "subjects_ja": tuple(r["subjects_ja"]), "interests": tuple(r["interests"])})
        for r in raw["roles"]
    )
    return qs, rs


def questions() -> tuple[Question, ...]:
    """The self-check questions, in the order of ``roles.yml``."""
    return _data()[0]


def roles() -> tuple[Role, ...]:
    """The roles, in the order of ``roles.yml``."""
    return _data()[1]


def suggest(answers: Mapping[str, bool], top: int = 3) -> list[tuple[Role, int]]:
    """Roles to explore for the given yes/no answers, best first (ties keep the list order).

    Roles that match no "yes" are left out, so all "no" gives an empty list: then every role
    is worth a look. The score is a conversation starter, not an aptitude test.

    Args:
        answers: Question key -> True ("yes") or False ("no"); unasked questions count as no.
        top: How many roles to return at most (default 3).

    Returns:
        Up to ``top`` pairs of (role, number of "yes" answers it lists), best first.

    Raises:
        ValueError: If a key is not a question key, or an answer is not a bool (message in
            Japanese and English).
    """
    known = {q.key for q in questions()}
    if unknown := sorted(set(answers) - known):
        raise ValueError(
            bilingual(
                f"知らない質問 {unknown} があります。使える質問: {sorted(known)}",
                f"Unknown question keys {unknown}; known keys: {sorted(known)}",
            )
        )
    if not_bool := sorted(k for k, v in answers.items() if not isinstance(v, bool)):
        raise ValueError(
            bilingual(
                f"{not_bool} の答えは True（はい）か False（いいえ）で書いてください。",
                f"Answer {not_bool} with True (yes) or False (no).",
            )
        )
    yes = {k for k, v in answers.items() if v}
    scored = [(role, len(yes & set(role.interests))) for role in roles()]
    ranked = sorted((pair for pair in scored if pair[1] > 0), key=lambda pair: -pair[1])
    return ranked[:top]


def roles_table_markdown() -> str:
    """Markdown table of every role: what it does, where, and the school subjects behind it."""
    rows = ["| 仕事 | どこで | 何をする | つながる科目 |", "|---|---|---|---|"]
    for r in roles():
        rows.append(
            f"| {r.name_ja}<br>*{r.name_en}* | {r.where_ja} | {r.what_ja} | "
            f"{'、'.join(r.subjects_ja)} |"
        )
    return "\n".join(rows)


def subjects_table_markdown() -> str:
    """Markdown table of each school subject and the roles it leads to, the subject that leads
    to most roles first (ties in the order of ``roles.yml``)."""
    by_subject: dict[str, list[str]] = {}
    for role in roles():
        for subject in role.subjects_ja:
            by_subject.setdefault(subject, []).append(role.name_ja)
    rows = ["| 科目 | つながる仕事 |", "|---|---|"]
    ranked = sorted(by_subject.items(), key=lambda item: -len(item[1]))
    rows += [f"| {subject} | {'、'.join(names)} |" for subject, names in ranked]
    return "\n".join(rows)


def tally_table_markdown(answer_column: bool = False) -> str:
    """Paper version of the self-check: which roles each "yes" counts for.

    Args:
        answer_column: Whether to add a first, empty column where a student writes はい or
            いいえ (default False).

    Returns:
        A Markdown table, one row per question.
    """
    names = {r.key: r.name_ja for r in roles()}
    lead, rule = ("| はい・いいえ ", "|---") if answer_column else ("", "")
    rows = [f"{lead}| 番号 | 質問 | 「はい」なら ○ をつける仕事 |", f"{rule}|---|---|---|"]
    for n, q in enumerate(questions(), start=1):
        matching = "、".join(names[r.key] for r in roles() if q.key in r.interests)
        rows.append(f"{'| ' if answer_column else ''}| {n} | {q.text_ja} | {matching} |")
    return "\n".join(rows)


def count_sheet_markdown() -> str:
    """Paper version, second half: one row per role to write down its number of ○."""
    rows = ["| 仕事 | ○ の数 | 仕事 | ○ の数 |", "|---|---|---|---|"]
    names = [r.name_ja for r in roles()]
    half = (len(names) + 1) // 2
    for left, right in zip(names[:half], [*names[half:], ""], strict=False):
        rows.append(f"| {left} | | {right} | |")
    return "\n".join(rows)
