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
    """A part of the factory: electrode making, cell assembly, finishing and testing.

    Attributes:
        key: ``"electrode"``, ``"assembly"`` or ``"finishing"``.
        name_ja: Japanese name.
        name_en: English name.
    """

    key: str
    name_ja: str
    name_en: str


@dataclass(frozen=True)
class Step:
    """One manufacturing step, as written in ``process.yml`` (process chain after Kwade et al.,
    Nature Energy 3 (2018) 290-300, ``kwade2018``).

    Attributes:
        number: Position in production order, counting from 1.
        key: Key of the step, e.g. ``"drying"``.
        area: Key of its :class:`Area`.
        name_ja: Japanese name.
        name_en: English name.
        what_ja: What happens in the step (Japanese).
        defects_ja: What can go wrong (Japanese).
        inspection_ja: What inspection catches (Japanese).
        dry_room: Whether the step runs in the dry room.
        dry_electrode: How a solvent-free electrode process changes the step: ``"same"``,
            ``"changed"`` or ``"removed"``.
        energy_heavy: Whether the step alone uses much of the factory's energy.
    """

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
    """The three areas of the factory, in production order (read from ``process.yml``)."""
    return _data()[0]


def steps(in_area: str | None = None) -> tuple[Step, ...]:
    """All steps in production order, or those of one area.

    Args:
        in_area: Key of an area (``"electrode"``, ``"assembly"``, ``"finishing"``), or None
            for every step.

    Returns:
        The steps, in production order.

    Raises:
        denchi.errors.InputError: If ``in_area`` is not the key of an area.
    """
    every = _data()[1]
    if in_area is None:
        return every
    key = area(in_area).key
    return tuple(s for s in every if s.area == key)


def step(key: str) -> Step:
    """The step named ``key`` (for example ``"drying"``).

    Args:
        key: Key of a step.

    Returns:
        The step.

    Raises:
        denchi.errors.InputError: If ``key`` is not the key of a step (the message lists them).
    """
    keys = [s.key for s in steps()]
    one_of("step", key, keys, label_ja="工程 step")
    return steps()[keys.index(key)]


def area(key: str) -> Area:
    """The area named ``key`` (``"electrode"``, ``"assembly"`` or ``"finishing"``).

    Args:
        key: Key of an area.

    Returns:
        The area.

    Raises:
        denchi.errors.InputError: If ``key`` is not the key of an area.
    """
    keys = [a.key for a in areas()]
    one_of("area", key, keys, label_ja="工場のエリア area")
    return areas()[keys.index(key)]
