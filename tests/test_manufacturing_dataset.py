"""The seeded line of the u05 assignment (labs.datasets.manufacturing)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from denchi import factory
from denchi.labs.datasets.manufacturing import COLUMNS, line_stations
from denchi.labs.errors import LabInputError

SEEDS = [0, 1, 7, "s1001", "s1002", "practice", "学籍番号42"] + list(range(100, 140))


def _line(seed):
    data = line_stations(seed)
    return data, data.line_performance()


def test_the_reference_is_factory_s_line_model_over_the_rows():
    data = line_stations("s1001")
    stations = [factory.Station(*row) for row in data.rows()]
    expected = factory.line_performance(stations, data.hours_per_day)
    assert data.line_performance() == expected
    assert [s.name for s in stations] == list(data.names)
    assert [s.machines for s in stations] == data.machines.tolist()


def test_the_same_seed_gives_the_same_line_and_two_students_differ():
    first, again = line_stations("s1001"), line_stations("s1001")
    assert first.rows() == again.rows() and first.hours_per_day == again.hours_per_day
    assert line_stations("s1002").rows() != first.rows()


@pytest.mark.parametrize("seed", SEEDS)
def test_every_line_has_a_clear_bottleneck_that_is_not_the_aging_shelves(seed):
    data, line = _line(seed)
    assert len(data.rows()) == 7 and len(COLUMNS) == 6
    first, second = sorted(line.good_at_end_per_hour)[:2]
    assert second >= 1.05 * first
    assert line.bottleneck.name != "エージング"
    # the typical wrong answers give other stations: the longest cycle time (aging), the
    # slowest machine without its parallel copies
    assert data.names[int(np.argmax(data.cycle_time_s))] != line.bottleneck.name
    assert 0.5 < line.oee < 1.0 and 1000 < line.good_cells_per_day < 30000


def test_the_bottleneck_differs_between_students():
    assert len({_line(seed)[1].bottleneck.name for seed in SEEDS}) >= 3


def test_a_line_is_drawn_in_milliseconds():
    start = time.perf_counter()
    for seed in range(50):
        line_stations(seed)
    assert (time.perf_counter() - start) / 50 < 0.02


def test_a_bad_seed_is_refused():
    with pytest.raises(LabInputError):
        line_stations(-1)
