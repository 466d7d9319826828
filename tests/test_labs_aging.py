"""Aging: capacity fades with cycling and storage, faster when hot or when charged fast in
the cold (lithium plating)."""

from __future__ import annotations

import numpy as np
import pytest

from denchi import labs

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)


@pytest.fixture(scope="module")
def cell():
    return labs.Cell("nmc_graphite", model="spm")


@pytest.fixture(scope="module")
def cycled(cell):
    runs = {
        "25C": cell.aging(cycles=8, charge_c_rate=0.5, temperature_c=25),
        "45C": cell.aging(cycles=8, charge_c_rate=0.5, temperature_c=45),
        "cold fast charge": cell.aging(cycles=8, charge_c_rate=1.0, temperature_c=0),
    }
    return runs


def _fade_per_cycle(result) -> float:
    return float((result.capacity_ah[0] - result.capacity_ah[-1]) / (len(result.cycle) - 1))


def test_capacity_fades_monotonically(cycled):
    for result in cycled.values():
        assert len(result.cycle) == 8 and result.stop_reason == ""
        assert np.all(np.diff(result.capacity_ah) < 0)
        assert np.all(np.diff(result.lithium_inventory_loss_pct) > 0)
        assert result.retention_pct[0] == pytest.approx(100)
        assert 0 < result.fade_pct < 5


def test_fade_is_faster_when_hot_and_when_charging_fast_in_the_cold(cycled):
    base = _fade_per_cycle(cycled["25C"])
    assert _fade_per_cycle(cycled["45C"]) > 1.1 * base
    assert _fade_per_cycle(cycled["cold fast charge"]) > 2 * base
    # SEI grows faster when hot; plating dominates the cold fast charge
    assert cycled["45C"].sei_loss_ah[-1] > cycled["25C"].sei_loss_ah[-1]
    cold = cycled["cold fast charge"]
    assert cold.plating_loss_ah[-1] > cold.sei_loss_ah[-1]
    assert cold.plating_loss_ah[-1] > 3 * cycled["25C"].plating_loss_ah[-1]


def test_aging_result_keeps_curves_and_plots(cycled):
    result = cycled["25C"]
    assert [int(c.cycle[0]) for c in result.curves][0] == 1
    assert int(result.curves[-1].cycle[0]) == 8
    assert np.all(np.diff(result.elapsed_days) > 0)
    table = result.to_dataframe()
    assert len(table) == 8 and "retention_pct" in table
    ax = labs.compare(list(cycled.values()))
    assert len(ax.get_lines()) == 3
    assert len(result.plot_curves().get_lines()) == len(result.curves)


def test_calendar_aging_is_faster_when_hot(cell):
    warm = cell.calendar_aging(days=60, soc=1.0, temperature_c=25, checkups=2)
    hot = cell.calendar_aging(days=60, soc=1.0, temperature_c=45, checkups=2)
    for result in (warm, hot):
        assert np.all(np.diff(result.capacity_ah) < 0)
        assert list(result.elapsed_days) == [0, 30, 60]
    assert hot.fade_pct > 1.2 * warm.fade_pct
    assert hot.lithium_inventory_loss_pct[-1] > warm.lithium_inventory_loss_pct[-1]
    assert np.all(hot.plating_loss_ah == 0)  # storage ages by SEI growth alone


def test_aging_needs_degradation_parameters():
    with pytest.raises(labs.LabInputError) as info:
        labs.Cell("lfp_graphite").aging(cycles=2)
    assert "nmc_graphite" in info.value.message_ja
