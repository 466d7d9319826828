"""The steps of lithium-ion cell manufacturing, read from ``process.yml``.

Each step says what happens, what can go wrong and what inspection catches, whether it runs
in the dry room and how a solvent-free (dry) electrode process changes it. The book's process
map, the notebook explorer and the worksheets read these texts, so they are written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files

import yaml

from denchi.validation import one_of

DRY_ELECTRODE_CHANGES = ("same", "changed", "removed")
# YAML folds a line break into a space; between two Japanese characters that space is wrong
_FOLDED_SPACE = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


@dataclass(frozen=True)
class Area:
    """A part of the factory: electrode making, cell assembly, finishing and testing."""

    key: str
    name_ja: str
    name_en: str


@dataclass(frozen=True)
class Step:
    """One manufacturing step (``number`` counts from 1 in production order)."""

    number: int
    key: str
    area: str
    name_ja: str
    name_en: str
    what_ja: str
    defects_ja: str
    inspection_ja: str
    dry_room: bool
    dry_electrode: str
    energy_heavy: bool

    @property
    def label_ja(self) -> str:
        """Number and name, e.g. 「3. 乾燥」."""
        return f"{self.number}. {self.name_ja}"


@cache
def _data() -> tuple[tuple[Area, ...], tuple[Step, ...]]:
    raw = yaml.safe_load((files("denchi.factory") / "process.yml").read_text(encoding="utf-8"))
    areas = tuple(Area(**a) for a in raw["areas"])
    texts = [f.name for f in fields(Step) if f.name.endswith("_ja")]
    steps = tuple(
        Step(number=n, **{**s, **{k: _FOLDED_SPACE.sub("", s[k]) for k in texts}})
        for n, s in enumerate(raw["steps"], start=1)
    )
    return areas, steps


def areas() -> tuple[Area, ...]:
    """The three areas of the factory, in production order."""
    return _data()[0]


def steps(in_area: str | None = None) -> tuple[Step, ...]:
    """All steps in production order, or those of one area (``"electrode"``, ...)."""
    every = _data()[1]
    if in_area is None:
        return every
    key = area(in_area).key
    return tuple(s for s in every if s.area == key)


def step(key: str) -> Step:
    """The step named ``key`` (for example ``"drying"``)."""
    keys = [s.key for s in steps()]
    one_of("step", key, keys, label_ja="工程 step")
    return steps()[keys.index(key)]


def area(key: str) -> Area:
    """The area named ``key`` (``"electrode"``, ``"assembly"`` or ``"finishing"``)."""
    keys = [a.key for a in areas()]
    one_of("area", key, keys, label_ja="工場のエリア area")
    return areas()[keys.index(key)]
