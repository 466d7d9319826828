"""The dated facts of the teacher-training kit's 「今年変わったこと」 page, newest first.

    from denchi.trends import trends_markdown
    trends_markdown()   # Markdown: as-of date, upcoming, this year, earlier; cited

The facts live in ``modules/t01_teacher_training/trends.yml``: each has the day it happened
(or takes effect), one Japanese sentence, the ``book/references.bib`` key of the source that
states it, and the day someone last read that source (``checked``). The page is as current as
its newest ``checked`` day, which it prints as 「… 現在」; a fact not checked for more than
:data:`STALE_AFTER` before the day the page is built is marked 「要確認」. The rule for keeping
it current (who and when) is in the YAML file's header and on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

from denchi.catalog import repo_root
from denchi.errors import InputError

TRENDS_FILE = Path("modules", "t01_teacher_training", "trends.yml")
BIBLIOGRAPHY = Path("book", "references.bib")
#: A fact whose source was last read longer ago than this is shown as 「要確認」.
STALE_AFTER = timedelta(days=365)
STALE_NOTE = "　**要確認**（出典を 1 年以上確かめていません）"
_BIB_KEY = re.compile(r"^@\w+\{([^,\s]+),", re.M)


@dataclass(frozen=True)
class Fact:
    """One dated fact.

    Attributes:
        day: When it happened or takes effect.
        fact_ja: The fact, one Japanese sentence.
        source: Its key in ``book/references.bib``.
        checked: When its source was last read and the fact found right.
    """

    day: date
    fact_ja: str
    source: str
    checked: date


def _day(value: object, field: str, number: int) -> date:
    if isinstance(value, date):
        return value
    raise InputError(
        field,
        f"{TRENDS_FILE.as_posix()} の {number} 番目の事実の {field} が日付ではありません"
        f"（{value!r}）。2026-04-01 のように年-月-日で書いてください。",
        f"Fact {number} of {TRENDS_FILE.as_posix()}: {field} is not a date ({value!r}); "
        "write it as YYYY-MM-DD, e.g. 2026-04-01.",
    )


def load_facts(root: Path | None = None) -> list[Fact]:
    """The facts of ``trends.yml``, newest ``day`` first (a later day, even a future one,
    comes first; equal days keep the file's order).

    Args:
        root: The courseware checkout (default: :func:`denchi.catalog.repo_root`).

    Raises:
        InputError: a fact lacks a field, has a day that is not a date, or cites a key that
            ``book/references.bib`` does not have (the message names the fact and the field,
            in Japanese and English).
    """
    root = root or repo_root()
    data = yaml.safe_load((root / TRENDS_FILE).read_text(encoding="utf-8")) or {}
    keys = set(_BIB_KEY.findall((root / BIBLIOGRAPHY).read_text(encoding="utf-8")))
    facts = []
    for number, entry in enumerate(data.get("facts") or [], start=1):
        missing = [f for f in ("date", "fact_ja", "source", "checked") if f not in entry]
        if missing:
            raise InputError(
                missing[0],
                f"{TRENDS_FILE.as_posix()} の {number} 番目の事実に {', '.join(missing)} が"
                "ありません。date・fact_ja・source・checked の 4 つを書いてください。",
                f"Fact {number} of {TRENDS_FILE.as_posix()} lacks {', '.join(missing)}; "
                "each fact needs date, fact_ja, source and checked.",
            )
        if entry["source"] not in keys:
            raise InputError(
                "source",
                f"{TRENDS_FILE.as_posix()} の {number} 番目の事実の出典 {entry['source']!r} が "
                f"{BIBLIOGRAPHY.as_posix()} にありません。読んだ出典を先に登録してください。",
                f"Fact {number} of {TRENDS_FILE.as_posix()} cites {entry['source']!r}, which "
                f"{BIBLIOGRAPHY.as_posix()} lacks; add the source you read there first.",
            )
        facts.append(
            Fact(
                _day(entry["date"], "date", number),
                "".join(line.strip() for line in str(entry["fact_ja"]).splitlines()),
                entry["source"],
                _day(entry["checked"], "checked", number),
            )
        )
    return sorted(facts, key=lambda f: f.day, reverse=True)


def _japanese(day: date) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日"


def trends_markdown(
    today: date | None = None, root: Path | None = None, *, earlier: bool = True
) -> str:
    """The 「今年変わったこと」 list as MyST Markdown: the as-of date (the newest ``checked``),
    then 「これから（予定）」 (days after ``today``), 「この 1 年」 (the year up to ``today``)
    and 「それ以前」, each newest first, every fact with its ``{footcite:p}`` citation and
    「要確認」 when its source was last read more than :data:`STALE_AFTER` before ``today``.

    Args:
        today: The day the page is built (default: today's date).
        root: The courseware checkout (default: :func:`denchi.catalog.repo_root`).
        earlier: Include 「それ以前」 (the slides leave it out: one slide holds the rest).

    Raises:
        InputError: as :func:`load_facts`; also when the file holds no fact.
    """
    today = today or date.today()
    facts = load_facts(root)
    if not facts:
        raise InputError(
            "facts",
            f"{TRENDS_FILE.as_posix()} に事実が 1 つもありません。",
            f"{TRENDS_FILE.as_posix()} holds no fact.",
        )
    as_of = max(f.checked for f in facts)
    groups = {
        "これから（予定）": [f for f in facts if f.day > today],
        "この 1 年": [f for f in facts if today - timedelta(days=365) < f.day <= today],
        "それ以前": [f for f in facts if f.day <= today - timedelta(days=365)],
    }
    if not earlier:
        del groups["それ以前"]
    lines = [f"**{_japanese(as_of)} 現在**（出典を最後に確かめた日）", ""]
    for heading, members in groups.items():
        lines += [f"**{heading}**", ""]
        if not members:
            lines += ["- （なし）", ""]
            continue
        for f in members:
            stale = STALE_NOTE if today - f.checked > STALE_AFTER else ""
            lines.append(f"- {_japanese(f.day)}：{f.fact_ja} {{footcite:p}}`{f.source}`{stale}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
