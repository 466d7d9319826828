"""The seeded line of the u05 assignment: station data of a fictional cell-assembly line.

Each student gets another line of seven stations, from stacking to the end-of-line test, with
its own cycle times, parallel machines, availability, performance and yields, so the
bottleneck and the daily output must be computed, not copied. The numbers are drawn from
ranges chosen for an exercise (every station's ideal time per cell is a few seconds, so that
several stations can be the bottleneck); they are not data of a real factory. The lab page,
the assignment's set-up cell, its hidden tests and the teacher guide call :func:`line_stations`
with the same seed; the line arithmetic is :func:`denchi.factory.line_performance`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from denchi import factory
from denchi.labs.seeds import seed_number

_STREAM = 51  # a random stream of its own (u05)
_MAX_DRAWS = 200
_MIN_GAP = 0.05  # the bottleneck allows at least 5 % fewer good cells than the next station

# key, name_ja, name_en, choices of parallel machines, how the cycle time is rounded [s]
_STATIONS = (
    ("stacking", "積層", "Stacking", (2, 3, 4), 0.1),
    ("welding", "タブ溶接", "Tab welding", (1, 2), 0.1),
    ("sealing", "封止", "Sealing", (1, 2), 0.1),
    ("filling", "注液", "Electrolyte filling", (4, 6, 8), 1.0),
    ("formation", "化成", "Formation", (8000, 10000, 12000), 1800.0),
    ("aging", "エージング", "Aging", (200_000, 250_000, 300_000), 86400.0),
    ("eol_test", "出荷検査", "End-of-line test", (2, 3), 0.1),
)
COLUMNS = ("name", "cycle_time_s", "availability", "performance", "quality", "machines")


@dataclass(frozen=True)
class SeededLine:
    """A fictional cell line: one value per station, in production order (shape ``(7,)``).

    Attributes:
        names: Japanese station names (積層 … 出荷検査).
        names_en: English station names.
        cycle_time_s: Ideal time one machine takes per cell [s] (formation: the hours a cell
            spends on a channel; aging: the days it rests on a shelf place).
        availability: Share of the planned time the machines run (0-1).
        performance: Speed while running against the ideal cycle time (0-1).
        quality: Share of good cells leaving the station (its yield, 0-1).
        machines: Identical machines in parallel (formation channels, aging places).
        hours_per_day: Planned production time per day [h].
    """

    names: tuple[str, ...]
    names_en: tuple[str, ...]
    cycle_time_s: np.ndarray
    availability: np.ndarray
    performance: np.ndarray
    quality: np.ndarray
    machines: np.ndarray
    hours_per_day: float

    def rows(self) -> list[tuple[str, float, float, float, float, int]]:
        """One tuple per station in the order of :data:`COLUMNS`, the order of
        ``denchi.factory.Station``'s arguments: ``[factory.Station(*r) for r in line.rows()]``."""
        return [
            (name, float(c), float(a), float(p), float(q), int(m))
            for name, c, a, p, q, m in zip(
                self.names,
                self.cycle_time_s,
                self.availability,
                self.performance,
                self.quality,
                self.machines,
                strict=True,
            )
        ]

    def line_performance(self) -> factory.LinePerformance:
        """The line's bottleneck, daily output and OEE (:func:`denchi.factory.line_performance`
        over :meth:`rows` and :attr:`hours_per_day`): the reference of the assignment."""
        return factory.line_performance(
            [factory.Station(*row) for row in self.rows()], self.hours_per_day
        )


def _draw(rng: np.random.Generator) -> SeededLine:
    machines = np.array([rng.choice(choices) for *_, choices, _ in _STATIONS], dtype=int)
    # ideal seconds per cell of the whole station, then the cycle time of one machine
    per_cell_s = rng.uniform(4.0, 6.5, size=len(_STATIONS))
    steps = np.array([step for *_, step in _STATIONS])
    cycle = np.round(np.maximum(np.round(per_cell_s * machines / steps) * steps, steps), 1)
    availability = np.round(rng.uniform(0.80, 0.97, size=len(_STATIONS)), 2)
    performance = np.round(rng.uniform(0.85, 0.99, size=len(_STATIONS)), 2)
    quality = np.round(rng.uniform(0.975, 0.998, size=len(_STATIONS)), 3)
    availability[5] = performance[5] = 1.0  # a shelf does not break down or run slowly
    return SeededLine(
        names=tuple(s[1] for s in _STATIONS),
        names_en=tuple(s[2] for s in _STATIONS),
        cycle_time_s=cycle,
        availability=availability,
        performance=performance,
        quality=quality,
        machines=machines,
        hours_per_day=float(rng.choice([16.0, 20.0, 24.0])),
    )


def _clear_bottleneck(line: SeededLine) -> bool:
    """The bottleneck is not aging and allows clearly fewer good cells than the next station."""
    result = line.line_performance()
    first, second = sorted(result.good_at_end_per_hour)[:2]
    return second >= first * (1 + _MIN_GAP) and result.bottleneck.name != "エージング"


def line_stations(seed: int | str) -> SeededLine:
    """The fictional line of the student with ``seed``.

    Lines are drawn until the bottleneck is clear (at least 5 % below the next station, so
    that rounding never decides it) and is not the aging shelves.

    Args:
        seed: The student's seed (``labs.student_seed(...)``): a non-negative integer or a
            1–200 character string.

    Returns:
        The line's :class:`SeededLine`; the same seed always gives the same line.

    Raises:
        LabInputError: if ``seed`` is not a valid seed.
        RuntimeError: if 200 draws give no such line. About 63 % of draws are kept (measured
            over 2000 seeds, none needing more than 8), so this never happens in practice.
    """
    rng = np.random.default_rng([seed_number(seed), _STREAM])
    for _ in range(_MAX_DRAWS):
        line = _draw(rng)
        if _clear_bottleneck(line):
            return line
    raise RuntimeError("no line with a clear bottleneck was drawn")
