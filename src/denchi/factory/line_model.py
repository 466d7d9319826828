"""A serial production line: stations, the bottleneck, daily output and OEE (u05).

Overall equipment effectiveness (OEE) is the product of three factors, introduced by
Nakajima (1988) for total productive maintenance (TPM); read here in the review by
Ng Corrales et al., Appl. Sci. 10 (2020) 6469, doi:10.3390/app10186469 (``ngcorrales2020``):

- availability: the share of the planned time the equipment runs (breakdowns, set-up);
- performance: how fast it runs while it runs, against its ideal cycle time (minor stops,
  reduced speed);
- quality: the share of good units (defects, start-up losses) — the station's yield.

OEE is the ratio of what is really made (good units) to what could ideally be made in the
planned time; :attr:`LinePerformance.oee` applies the same ratio to the whole line.

The line model is first order and WIP-free: stations in series, no buffers between them, every
station works at its long-run average rate (machines × 3600 / cycle time × availability ×
performance), and a bad cell is removed at the station that makes it. The slowest station,
counted in good cells at the end of the line, sets the line's output (the bottleneck); the
others wait part of the time. Buffers, breakdown durations, start-up and batch effects
(formation racks) are left out: a discrete-event simulation would be needed for those.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from denchi.errors import InputError
from denchi.validation import integer_in_range, number_in_range

SECONDS_PER_HOUR = 3600.0
MAX_STATIONS = 50
MAX_CYCLE_TIME_S = 1e8  # aging shelves: a cell may rest for weeks (21 days = 1.8e6 s)
MAX_MACHINES = 10_000_000  # formation channels and aging places count as parallel machines


def oee(availability: float, performance: float, quality: float) -> float:
    """Overall equipment effectiveness: availability × performance × quality.

    Args:
        availability: Share of the planned time the equipment runs, 0 to 1.
        performance: Ideal cycle time × units made / run time, 0 to 1.
        quality: Good units / units made (the yield), 0 to 1.

    Returns:
        OEE, 0 to 1.

    Raises:
        denchi.errors.InputError: If a factor is not a number from 0 to 1.

    References:
        Nakajima (1988), as reviewed by Ng Corrales et al., Appl. Sci. 10 (2020) 6469
        (``ngcorrales2020``).
    """
    factors = [
        number_in_range(name, value, 0.0, 1.0, "", label_ja=label)
        for name, value, label in (
            ("availability", availability, "稼働率 (availability)"),
            ("performance", performance, "性能稼働率 (performance)"),
            ("quality", quality, "良品率 (quality)"),
        )
    ]
    return math.prod(factors)


@dataclass(frozen=True)
class Station:
    """One station of the line: identical machines working in parallel on the same step.

    Attributes:
        name: Name of the station (unique in its line), e.g. ``"積層"``.
        cycle_time_s: Ideal time one machine takes per cell [s], above 0 to 1e8 (a batch
            process such as formation counts one channel as a machine and the hours a cell
            spends in it as its cycle time).
        availability: Share of the planned time the machines run, above 0 to 1.
        performance: Speed while running against the ideal cycle time, above 0 to 1.
        quality: Share of the cells leaving the station that are good (its yield), 0 to 1.
        machines: Identical machines in parallel, 1 to 1e7.

    Raises:
        denchi.errors.InputError: If an attribute is out of range or of the wrong type.
    """

    name: str
    cycle_time_s: float
    availability: float = 1.0
    performance: float = 1.0
    quality: float = 1.0
    machines: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not 1 <= len(self.name.strip()) <= 40:
            raise InputError(
                "name",
                "工程の名前 name は 1〜40 文字の文字列で指定してください"
                f"（指定値: {self.name!r:.60}）。",
                f"name must be a string of 1 to 40 characters (got {self.name!r:.60}).",
            )
        checked = {
            "cycle_time_s": number_in_range(
                "cycle_time_s",
                self.cycle_time_s,
                0.0,
                MAX_CYCLE_TIME_S,
                "s",
                label_ja="サイクルタイム",
                above_low=True,
            ),
            "availability": number_in_range(
                "availability", self.availability, 0.0, 1.0, "", label_ja="稼働率", above_low=True
            ),
            "performance": number_in_range(
                "performance", self.performance, 0.0, 1.0, "", label_ja="性能稼働率", above_low=True
            ),
            "quality": number_in_range("quality", self.quality, 0.0, 1.0, "", label_ja="良品率"),
            "machines": integer_in_range(
                "machines", self.machines, 1, MAX_MACHINES, label_ja="並列の設備の台数"
            ),
        }
        for field, value in checked.items():
            object.__setattr__(self, field, value)

    @property
    def oee(self) -> float:
        """The station's OEE, availability × performance × quality (0-1)."""
        return self.availability * self.performance * self.quality

    @property
    def ideal_cells_per_hour(self) -> float:
        """Cells the station could process per hour at its ideal cycle time [1/h]."""
        return self.machines * SECONDS_PER_HOUR / self.cycle_time_s

    @property
    def cells_per_hour(self) -> float:
        """Cells the station processes per hour on average, good and bad [1/h]:
        machines × 3600 / cycle time × availability × performance."""
        return self.ideal_cells_per_hour * self.availability * self.performance

    @property
    def effective_cycle_time_s(self) -> float:
        """Average seconds between two cells leaving the station [s per cell]; compare it
        with the takt time (:func:`denchi.factory.takt_time_s`)."""
        return SECONDS_PER_HOUR / self.cells_per_hour

    def with_changes(self, **changes: Any) -> Station:
        """A copy of the station with some attributes changed (checked again), e.g.
        ``station.with_changes(machines=3)``.

        Raises:
            denchi.errors.InputError: If a new value is out of range.
            TypeError: If a keyword is not an attribute of :class:`Station`.
        """
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class LinePerformance:
    """What a serial line of :class:`Station` makes (first order, WIP-free).

    Attributes:
        stations: The stations in production order.
        hours_per_day: Planned production time per day [h].
        good_at_end_per_hour: For each station, the good cells per hour at the end of the line
            that it alone would allow: its rate × the yields of it and every later station
            [1/h], shape ``(n,)``.
    """

    stations: tuple[Station, ...]
    hours_per_day: float
    good_at_end_per_hour: tuple[float, ...]

    @property
    def bottleneck_index(self) -> int:
        """Position (from 0) of the bottleneck: the smallest ``good_at_end_per_hour``
        (the first one if two are equal)."""
        return min(range(len(self.stations)), key=self.good_at_end_per_hour.__getitem__)

    @property
    def bottleneck(self) -> Station:
        """The station that sets the line's output."""
        return self.stations[self.bottleneck_index]

    @property
    def good_cells_per_hour(self) -> float:
        """Good cells leaving the line per hour [1/h]."""
        return self.good_at_end_per_hour[self.bottleneck_index]

    @property
    def good_cells_per_day(self) -> float:
        """Good cells leaving the line per day [1/day] (not rounded)."""
        return self.good_cells_per_hour * self.hours_per_day

    @property
    def overall_yield(self) -> float:
        """Share of the started cells that pass every station: the product of the yields."""
        return math.prod(s.quality for s in self.stations)

    @property
    def started_cells_per_day(self) -> float:
        """Cells entering the first station per day [1/day]; NaN if the overall yield is 0."""
        if self.overall_yield == 0:
            return math.nan
        return self.good_cells_per_day / self.overall_yield

    @property
    def ideal_cells_per_hour(self) -> float:
        """Output of the line if every station ran at its ideal cycle time without losses:
        the smallest ideal rate of a station [1/h]."""
        return min(s.ideal_cells_per_hour for s in self.stations)

    @property
    def oee(self) -> float:
        """OEE of the line: good cells made / cells ideally made in the same time (0-1).

        Equals the station's OEE for a one-station line. It is neither the mean nor the
        product of the stations' OEEs: the losses of a station that waits for the
        bottleneck do not reduce the line's output.
        """
        return self.good_cells_per_hour / self.ideal_cells_per_hour

    @property
    def utilisation(self) -> tuple[float, ...]:
        """Share of its available rate each station uses (1 at the bottleneck), shape
        ``(n,)``."""
        started_per_hour = (
            self.good_cells_per_hour / self.overall_yield if self.overall_yield else 0.0
        )
        shares = []
        reaching = started_per_hour
        for station in self.stations:
            shares.append(reaching / station.cells_per_hour)
            reaching *= station.quality
        return tuple(shares)

    def rows(self) -> list[dict[str, Any]]:
        """One dict per station (for ``pandas.DataFrame``): name, machines, cycle_time_s,
        availability, performance, quality, oee, cells_per_hour, good_at_end_per_hour,
        utilisation, bottleneck (bool)."""
        return [
            {
                "name": s.name,
                "machines": s.machines,
                "cycle_time_s": s.cycle_time_s,
                "availability": s.availability,
                "performance": s.performance,
                "quality": s.quality,
                "oee": s.oee,
                "cells_per_hour": s.cells_per_hour,
                "good_at_end_per_hour": good,
                "utilisation": used,
                "bottleneck": i == self.bottleneck_index,
            }
            for i, (s, good, used) in enumerate(
                zip(self.stations, self.good_at_end_per_hour, self.utilisation, strict=True)
            )
        ]


def line_performance(stations: Sequence[Station], hours_per_day: float = 24.0) -> LinePerformance:
    """The bottleneck, daily output and OEE of a serial line (first order, WIP-free).

    Each station i processes at most ``stations[i].cells_per_hour`` cells; of the cells that
    leave it, the share ``quality`` is good and goes on. Counted in good cells at the end of
    the line, station i allows rate_i × quality_i × quality_{i+1} × … × quality_n per hour;
    the smallest of these is the line's output and its station the bottleneck.

    Args:
        stations: 1 to 50 :class:`Station` with different names, in production order.
        hours_per_day: Planned production time per day [h], above 0 to 24.

    Returns:
        The line's :class:`LinePerformance`.

    Raises:
        denchi.errors.InputError: If ``stations`` is empty, too long, holds something other
            than a :class:`Station` or a name twice, or ``hours_per_day`` is out of range.

    References:
        OEE: Nakajima (1988) via Ng Corrales et al., Appl. Sci. 10 (2020) 6469
        (``ngcorrales2020``).
    """
    hours = number_in_range(
        "hours_per_day", hours_per_day, 0.0, 24.0, "h", label_ja="1 日の稼働時間", above_low=True
    )
    line = tuple(stations) if isinstance(stations, (list, tuple)) else ()
    names = [s.name for s in line if isinstance(s, Station)]
    if (
        not 1 <= len(line) <= MAX_STATIONS
        or len(names) != len(line)
        or len(set(names)) != len(names)
    ):
        raise InputError(
            "stations",
            f"stations には名前の異なる factory.Station を 1〜{MAX_STATIONS} 個、工程の順に"
            "リストで指定してください（例: [factory.Station('積層', cycle_time_s=2)]）。",
            f"stations must be a list of 1 to {MAX_STATIONS} factory.Station with different "
            "names, in production order (e.g. [factory.Station('stacking', cycle_time_s=2)]).",
        )
    good_at_end = []
    for i, station in enumerate(line):
        later_yield = math.prod(s.quality for s in line[i:])
        good_at_end.append(station.cells_per_hour * later_yield)
    return LinePerformance(line, hours, tuple(good_at_end))
