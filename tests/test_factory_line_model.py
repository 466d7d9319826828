"""denchi.factory's line model (u05): stations, the bottleneck, daily output and OEE.

OEE = availability × performance × quality (Nakajima 1988, as reviewed by Ng Corrales et al.,
Appl. Sci. 10 (2020) 6469). The line values below are worked by hand in the comments: a
serial line without buffers (WIP-free, first order), each station's rate in cells entering it
per hour = machines × 3600 / cycle time × availability × performance.
"""

from __future__ import annotations

import math

import pytest

from denchi import factory
from denchi.errors import InputError

# A: 3600/10 × 0.9 × 0.95 = 307.8 /h, B: 2 × 3600/30 × 0.8 = 192 /h, C: 3600/12 = 300 /h
A = factory.Station("A", cycle_time_s=10, availability=0.9, performance=0.95, quality=0.98)
B = factory.Station("B", cycle_time_s=30, availability=0.8, quality=0.99, machines=2)
C = factory.Station("C", cycle_time_s=12, quality=0.95)


def test_oee_is_the_product_of_its_three_factors():
    assert factory.oee(0.9, 0.95, 0.98) == pytest.approx(0.8379)
    assert A.oee == pytest.approx(0.8379)
    assert B.oee == pytest.approx(0.792)
    assert factory.oee(1, 1, 1) == 1.0


def test_station_rates_count_parallel_machines_availability_and_performance():
    assert A.cells_per_hour == pytest.approx(307.8)
    assert B.cells_per_hour == pytest.approx(192.0)
    assert B.ideal_cells_per_hour == pytest.approx(240.0)
    # effective cycle time: 30 s / (2 × 0.8) = 18.75 s per cell
    assert B.effective_cycle_time_s == pytest.approx(18.75)


def test_the_bottleneck_is_the_station_with_the_fewest_good_cells_at_the_line_end():
    line = factory.line_performance([A, B, C], hours_per_day=20)
    # good cells at the end each station allows: A 307.8 × 0.98 × 0.99 × 0.95 = 283.696,
    # B 192 × 0.99 × 0.95 = 180.576, C 300 × 0.95 = 285
    assert line.good_at_end_per_hour == pytest.approx((283.6962, 180.576, 285.0), rel=1e-6)
    assert line.bottleneck.name == "B" and line.bottleneck_index == 1
    assert line.good_cells_per_hour == pytest.approx(180.576)
    assert line.good_cells_per_day == pytest.approx(3611.52)
    # started: 180.576 / (0.98 × 0.99 × 0.95) = 192 / 0.98 = 195.918 per hour
    assert line.started_cells_per_day == pytest.approx(192 / 0.98 * 20)
    assert line.overall_yield == pytest.approx(0.98 * 0.99 * 0.95)


def test_the_line_oee_is_good_output_over_the_ideal_output_not_a_mean_or_product():
    line = factory.line_performance([A, B, C], hours_per_day=20)
    # ideal line rate: the slowest ideal station, min(360, 240, 300) = 240 per hour
    assert line.ideal_cells_per_hour == pytest.approx(240.0)
    assert line.oee == pytest.approx(180.576 / 240)  # 0.7524
    assert line.oee != pytest.approx(math.prod(s.oee for s in (A, B, C)), rel=0.01)
    assert line.oee != pytest.approx(sum(s.oee for s in (A, B, C)) / 3, rel=0.01)


def test_utilisation_is_one_at_the_bottleneck_and_below_elsewhere():
    line = factory.line_performance([A, B, C])
    # A: 195.918 / 307.8, C: 195.918 × 0.98 × 0.99 / 300
    assert line.utilisation == pytest.approx((195.918 / 307.8, 1.0, 190.08 / 300), rel=1e-4)


def test_a_machine_added_at_the_bottleneck_moves_it_once_it_is_no_longer_slowest():
    three = factory.line_performance([A, B.with_changes(machines=3), C], hours_per_day=20)
    assert three.bottleneck.name == "B"  # 288 × 0.9405 = 270.864 < 283.70
    assert three.good_cells_per_day == pytest.approx(270.864 * 20)
    four = factory.line_performance([A, B.with_changes(machines=4), C], hours_per_day=20)
    assert four.bottleneck.name == "A"  # B: 384 × 0.9405 = 361.15; A 283.70 < C 285
    assert four.good_cells_per_day == pytest.approx(283.6962 * 20, rel=1e-6)


def test_a_one_station_line_has_the_station_oee():
    line = factory.line_performance([A], hours_per_day=24)
    assert line.oee == pytest.approx(A.oee)
    assert line.good_cells_per_day == pytest.approx(307.8 * 0.98 * 24)


def test_rows_give_each_station_and_mark_the_bottleneck():
    rows = factory.line_performance([A, B, C]).rows()
    assert [r["name"] for r in rows] == ["A", "B", "C"]
    assert [r["bottleneck"] for r in rows] == [False, True, False]
    assert rows[1]["oee"] == pytest.approx(0.792)


@pytest.mark.parametrize(
    ("changes", "parameter"),
    [
        ({"cycle_time_s": 0}, "cycle_time_s"),
        ({"cycle_time_s": float("nan")}, "cycle_time_s"),
        ({"availability": 1.2}, "availability"),
        ({"performance": 0}, "performance"),
        ({"quality": -0.1}, "quality"),
        ({"machines": 0}, "machines"),
        ({"machines": 1.5}, "machines"),
        ({"name": ""}, "name"),
        ({"name": 3}, "name"),
    ],
)
def test_a_bad_station_is_refused_naming_its_argument(changes, parameter):
    with pytest.raises(InputError) as error:
        A.with_changes(**changes)
    assert error.value.parameter == parameter
    assert error.value.message_ja and error.value.message_en


def test_a_bad_line_is_refused():
    with pytest.raises(InputError, match="stations"):
        factory.line_performance([])
    with pytest.raises(InputError, match="stations"):
        factory.line_performance([A, "B"])  # type: ignore[list-item]
    with pytest.raises(InputError, match="stations"):
        factory.line_performance([A, A])  # the same name twice
    with pytest.raises(InputError, match="hours_per_day"):
        factory.line_performance([A], hours_per_day=25)


# ------------------------------------------------------------------ the lab's explorer


def test_the_balance_explorer_grid_is_the_line_model_at_every_point(monkeypatch, tmp_path):
    """u05's explorer in the book: each grid point draws line_performance of the changed line."""
    from denchi import explorers
    from denchi.factory.widgets import balance_explorer

    monkeypatch.setenv(explorers.STATIC_ENV, "1")
    monkeypatch.setenv(explorers.CACHE_ENV, str(tmp_path))
    static = balance_explorer([A, B, C], hours_per_day=20, station="B")
    grid = static.grid
    assert [c.name for c in grid.controls] == ["added_machines", "availability", "faster_pct"]
    assert len(grid.frames) == 3 * 10 * 3
    # B with one more machine, availability 0.9 and a 30 % shorter cycle time
    frame = grid.frame(added_machines=1, availability=0.9, faster_pct=30)
    changed = B.with_changes(machines=3, availability=0.9, cycle_time_s=30 * 0.7)
    expected = factory.line_performance([A, changed, C], hours_per_day=20)
    stations_line, output_line = frame.lines
    assert stations_line.x == (1.0, 2.0, 3.0)
    assert stations_line.y == pytest.approx(expected.good_at_end_per_hour)
    assert output_line.y == pytest.approx((expected.good_cells_per_hour,) * 2)
    assert f"{expected.good_cells_per_day:,.0f}" in frame.title
    assert expected.bottleneck.name in frame.title
    assert "1 A" in frame.notes and "MWh/日" in frame.notes
    # the first frame shown is the line as it is: B's own availability, nothing added
    first = {c.name: c.first for c in grid.controls}
    assert first == {"added_machines": 0, "availability": 0.8, "faster_pct": 0}


def test_the_balance_explorer_refuses_a_station_not_in_the_line():
    from denchi.factory.widgets import balance_explorer

    with pytest.raises(InputError, match="station"):
        balance_explorer([A, B, C], hours_per_day=20, station="D")
