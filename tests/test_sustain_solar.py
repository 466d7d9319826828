"""denchi.sustain.solar: sizing a school's battery for its solar panels (h01).

Reference values:
- 1 kW of panels gives about 1,000 kWh a year in Japan (JPEA rule of thumb), 2.74 kWh a day.
- LG M50: about 5 Ah (Chen et al., J. Electrochem. Soc. 167 (2020) 080534); 3.6 V average,
  so 18 Wh per cell, the h04 energy example.
"""

from __future__ import annotations

import pytest

from denchi import sustain
from denchi.errors import InputError


def test_daily_yield_of_one_kilowatt_is_about_2_7_kwh():
    assert sustain.daily_pv_kwh(1) == pytest.approx(2.74, abs=0.01)
    assert sustain.daily_pv_kwh(10, kwh_per_kw_day=3.0) == pytest.approx(30)


def test_an_m50_cell_holds_18_wh_so_1_kwh_needs_56_cells():
    assert sustain.cells_needed(1.0) == 56  # 1000 / 18 = 55.6, rounded up
    assert sustain.cells_needed(0.018) == 1  # exactly one cell, no rounding artefact


def test_using_only_part_of_the_capacity_needs_a_bigger_battery():
    assert sustain.battery_kwh(6.0, usable_fraction=0.8) == pytest.approx(7.5)


def test_size_storage_step_by_step():
    sizing = sustain.size_storage(panel_kw=10, evening_kw=2, evening_hours=3, kwh_per_kw_day=2.7)
    assert sizing.daily_pv_kwh == pytest.approx(27)
    assert sizing.evening_load_kwh == pytest.approx(6)
    assert sizing.battery_kwh == pytest.approx(6)
    assert sizing.cell_wh == pytest.approx(18)
    assert sizing.cells == 334  # 6000 / 18 = 333.3
    assert sizing.pv_covers_evening


def test_small_panels_do_not_cover_a_large_evening_load():
    assert not sustain.size_storage(1, 5, 4).pv_covers_evening


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        ({"panel_kw": -1, "evening_kw": 2, "evening_hours": 3}, "panel_kw"),
        ({"panel_kw": 10, "evening_kw": 2, "evening_hours": 30}, "evening_hours"),
        ({"panel_kw": 10, "evening_kw": "2", "evening_hours": 3}, "evening_kw"),
        ({"panel_kw": 10, "evening_kw": 2, "evening_hours": 3, "cell_v": 0}, "cell_v"),
    ],
)
def test_bad_inputs_name_the_parameter(kwargs, parameter):
    with pytest.raises(InputError) as info:
        sustain.size_storage(**kwargs)
    assert info.value.parameter == parameter
