"""The production line in numbers: takt time, yield and scrap, cells waiting in aging.

Reference values (cited on the h05 pages; the tests check them):

- Scrap: 15-30 % of the cells in the early life of a cell factory, still about 10 % after
  five years (Fraunhofer FFB, 2024, as reported in a secondary source; the page says so).
- Formation and aging: 20-30 % of the production cost; aging for the self-discharge check
  takes up to about three weeks. Both were read in the introduction of World Electric
  Vehicle Journal 14(4):96 (2023), doi:10.3390/wevj14040096, which takes the 20-30 % from
  earlier studies; its exact title and co-authors could not be verified, so the book cites
  instead the entry "Cell Finishing Process Chain" (Kampker et al., encyclopedia.pub, 2023,
  ``kampker2023cellfinishing``: almost one third of the production cost) and uses 21 days
  of aging only as an example.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from denchi.validation import number_in_range, numbers_in_range

FFB_SCRAP_EARLY = (0.15, 0.30)
FFB_SCRAP_AFTER_FIVE_YEARS = 0.10
FORMATION_AGING_COST_SHARE = (0.20, 0.30)
AGING_DAYS_UP_TO = 21.0  # "up to about three weeks"
SECONDS_PER_HOUR = 3600.0


def takt_time_s(available_hours: float, cells: float) -> float:
    """Takt time [s per cell]: the available production time divided by the cells needed.

    Args:
        available_hours: Production time available [h], 0.001 to 1e6 (for example 24 for
            a day).
        cells: Cells that must be finished in that time, 1 to 1e12.

    Returns:
        Takt time [s per cell].

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.
    """
    hours = number_in_range(
        "available_hours", available_hours, 0.001, 1e6, "h", label_ja="使える時間"
    )
    count = number_in_range("cells", cells, 1.0, 1e12, "", label_ja="つくる電池の数")
    return hours * SECONDS_PER_HOUR / count


def cells_for_energy(gwh: float, cell_wh: float) -> float:
    """How many cells of ``cell_wh`` make ``gwh`` of capacity: gwh × 1e9 / cell_wh.

    Args:
        gwh: Capacity to make [GWh], 0 to 1e4.
        cell_wh: Energy of one cell [Wh], 0.1 to 1e4.

    Returns:
        Number of cells (not rounded).

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.
    """
    energy = number_in_range("gwh", gwh, 0.0, 1e4, "GWh", label_ja="電力量")
    per_cell = number_in_range("cell_wh", cell_wh, 0.1, 1e4, "Wh", label_ja="電池 1 本の電力量")
    return energy * 1e9 / per_cell


def overall_yield(step_yields: Sequence[float]) -> float:
    """Share of started cells that pass every step: the product of the step yields.

    Args:
        step_yields: Yield of each step, 0 to 1: a list, tuple or 1-D NumPy array of shape
            ``(n,)`` with 1 <= n <= 50.

    Returns:
        Overall yield, 0 to 1.

    Raises:
        denchi.errors.InputError: If ``step_yields`` is not a list of 1 to 50 numbers,
            or a yield is not a number from 0 to 1 (the message names its index).
    """
    fractions = numbers_in_range(
        "step_yields", step_yields, 0.0, 1.0, "", label_ja="工程ごとの良品率", max_count=50
    )
    return math.prod(fractions)


def cells_to_start(good_cells: float, scrap_rate: float) -> int:
    """Cells to start so that ``good_cells`` remain when ``scrap_rate`` is scrapped.

    Args:
        good_cells: Good cells needed, 0 to 1e12.
        scrap_rate: Share of started cells scrapped, 0 to 0.99 (Fraunhofer FFB via a
            secondary source: 0.15-0.30 early, about 0.10 after five years,
            ``zoniax2024scrap``).

    Returns:
        Cells to start: good_cells / (1 - scrap_rate), rounded up.

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.
    """
    good = number_in_range("good_cells", good_cells, 0.0, 1e12, "", label_ja="必要な良品の数")
    scrap = number_in_range("scrap_rate", scrap_rate, 0.0, 0.99, "", label_ja="不良率")
    return math.ceil(good / (1.0 - scrap) - 1e-9)


def cells_in_aging(cells_per_day: float, aging_days: float) -> float:
    """Cells waiting on the aging shelves when every cell rests ``aging_days`` (Little's law:
    what stands in a step = what enters per day × days spent there; source: not recorded).

    Args:
        cells_per_day: Cells entering aging per day [1/day], 0 to 1e9.
        aging_days: Days each cell rests [day], 0 to 365 (the h05 page takes 21 as an
            example; see the module docstring for the source of "up to three weeks").

    Returns:
        Number of cells on the shelves.

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.
    """
    rate = number_in_range(
        "cells_per_day", cells_per_day, 0.0, 1e9, "", label_ja="1 日につくる電池の数"
    )
    days = number_in_range("aging_days", aging_days, 0.0, 365.0, "日", label_ja="エージングの日数")
    return rate * days
