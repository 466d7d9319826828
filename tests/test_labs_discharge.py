"""The discharge experiment of the h04 lab: physics that must hold, and inputs it refuses."""

from __future__ import annotations

import numpy as np
import pytest

from denchi import labs

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)


@pytest.fixture(scope="module")
def cell():
    return labs.Cell("nmc_graphite")


def test_faster_discharge_delivers_less(cell):
    capacities = [cell.discharge(c_rate=c, temperature_c=25).capacity_ah for c in (0.2, 1, 2)]
    assert capacities[0] > capacities[1] > capacities[2]
    # at 0.2C the LG M50 model delivers close to its nominal 5 Ah
    assert capacities[0] == pytest.approx(5.0, rel=0.05)


def test_cold_delivers_less(cell):
    cold = cell.discharge(c_rate=1, temperature_c=0)
    warm = cell.discharge(c_rate=1, temperature_c=25)
    assert cold.capacity_ah < warm.capacity_ah


def test_energy_is_the_integral_of_voltage_times_current(cell):
    r = cell.discharge(c_rate=1, temperature_c=25)
    manual = (
        sum(
            0.5
            * (r.voltage_v[i] * r.current_a[i] + r.voltage_v[i + 1] * r.current_a[i + 1])
            * (r.time_s[i + 1] - r.time_s[i])
            for i in range(len(r.time_s) - 1)
        )
        / 3600
    )
    assert r.energy_wh == pytest.approx(manual, rel=1e-9)
    assert r.average_voltage_v == pytest.approx(r.energy_wh / r.capacity_ah)
    assert r.voltage_v.min() == pytest.approx(2.5, abs=1e-6)  # stops at the cut-off
    assert r.voltage_v.max() <= 4.3


def test_ocv_rises_with_state_of_charge(cell):
    ocv = cell.ocv(51)
    assert np.all(np.diff(ocv.voltage_v) > 0)
    assert ocv.voltage_v[0] == pytest.approx(2.5, abs=0.05)
    assert ocv.voltage_v[-1] == pytest.approx(4.2, abs=0.1)


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        ({"c_rate": "fast"}, "c_rate"),
        ({"c_rate": -1}, "c_rate"),
        ({"c_rate": float("nan")}, "c_rate"),
        ({"c_rate": True}, "c_rate"),
        ({"temperature_c": 300}, "temperature_c"),
        ({"temperature_c": None}, "temperature_c"),
    ],
)
def test_bad_input_is_refused_in_both_languages(cell, kwargs, parameter):
    with pytest.raises(labs.LabInputError) as info:
        cell.discharge(**kwargs)
    assert info.value.parameter == parameter
    assert parameter in str(info.value)
    assert "範囲" in info.value.message_ja and "must be" in info.value.message_en


def test_unknown_preset_is_refused():
    with pytest.raises(labs.LabInputError, match="nmc_graphite"):
        labs.Cell("unobtainium")


def test_the_h04_assignment_reading_stays_true(cell):
    # assessments/source/h04_lithium_ion: question 4 reads about 3.4 Ah off this curve
    assert cell.discharge(c_rate=2.0, temperature_c=0).capacity_ah == pytest.approx(3.4, abs=0.1)
