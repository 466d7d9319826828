"""Reference analyses of the evaluation labs e01–e03 (denchi.labs.analysis_*)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from denchi import labs
from denchi.labs.analysis import ocv as analysis_ocv
from denchi.labs.analysis import pulse as analysis_pulse
from denchi.labs.analysis import rate as analysis_rate

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)


def test_peukert_fit_recovers_a_known_exponent():
    currents = np.array([1.0, 2.0, 5.0, 10.0])
    hours = 20.0 * (1.0 / currents) ** 1.15
    k, a = analysis_rate.peukert_fit(currents, hours)
    assert k == pytest.approx(1.15, rel=1e-9)
    assert a == pytest.approx(math.log(20.0), rel=1e-9)
    with pytest.raises(labs.LabInputError):
        analysis_rate.peukert_fit([1.0, -2.0], [1.0, 0.5])
    with pytest.raises(labs.LabInputError):
        analysis_rate.peukert_fit([1.0], [1.0])


def test_rate_table_of_measured_data_is_seeded_and_consistent():
    a = analysis_rate.measured_rate_test("s1")
    table = analysis_rate.rate_table(a)
    assert list(table["c_rate"]) == list(analysis_rate.ASSIGNMENT_C_RATES)
    # capacity falls and mean voltage falls with the rate; capacity ≈ current × time
    assert np.all(np.diff(table["capacity_ah"]) < 0)
    assert np.all(np.diff(table["mean_voltage_v"]) < 0)
    assert np.allclose(table["capacity_ah"], table["current_a"] * table["duration_h"], rtol=2e-3)
    k, _ = analysis_rate.peukert_fit(table["current_a"], table["duration_h"])
    assert 1.0 < k < 1.2
    again = analysis_rate.measured_rate_test("s1").discharges[0].voltage_v
    other = analysis_rate.measured_rate_test("s2").discharges[0].voltage_v
    assert np.array_equal(again, a.discharges[0].voltage_v)
    assert not np.array_equal(other[: len(again)], again[: len(other)])


def test_incremental_capacity_of_a_linear_curve_is_flat():
    q = np.linspace(0.0, 2.0, 20001)
    v = 3.0 + 0.5 * q  # dV/dQ = 0.5 V/Ah, so dQ/dV = 2 Ah/V everywhere
    centres, dqdv = analysis_ocv.incremental_capacity(q, v, bin_v=0.01)
    assert np.allclose(dqdv[1:-1], 2.0, rtol=1e-3)
    assert centres[0] < 3.01 and centres[-1] > 3.99
    x, dvdq = analysis_ocv.differential_voltage(q, v, bin_ah=0.05)
    assert np.allclose(dvdq, 0.5, rtol=1e-3) and x[0] > 0
    with pytest.raises(labs.LabInputError):
        analysis_ocv.incremental_capacity(q, v[:-1])


def test_peak_positions_find_the_highest_peak_first():
    x = np.linspace(0, 10, 1001)
    y = np.exp(-((x - 3) ** 2)) + 2 * np.exp(-((x - 7) ** 2) / 0.5)
    assert np.allclose(analysis_ocv.peak_positions(x, y), [7.0, 3.0])
    assert np.allclose(analysis_ocv.peak_positions(x, y, count=1), [7.0])


def test_loss_of_lithium_costs_capacity_and_lowers_the_low_peak():
    fresh = analysis_ocv.degraded_ocv(points=2001)
    aged = analysis_ocv.degraded_ocv(lli=0.1, points=2001)
    model = labs.Cell("nmc_graphite").ocv(points=2001)
    # the undamaged emulation is the model's own OCV
    assert fresh.capacity_ah == pytest.approx(model.capacity_ah, rel=1e-3)
    assert np.allclose(fresh.voltage_v, model.voltage_v, atol=2e-3)
    assert aged.capacity_ah == pytest.approx(0.9 * fresh.capacity_ah, rel=0.03)
    assert aged.voltage_v[0] == pytest.approx(2.5, abs=1e-3)
    assert aged.voltage_v[-1] == pytest.approx(4.2, abs=1e-3)

    # the named low peak loses height and stays put (tests/test_labs_named_peak.py)
    change = analysis_ocv.peak_change(fresh, aged, "low")
    assert change.height_change_ah_per_v < 0 and abs(change.shift_v) < 0.03
    below = fresh.voltage_v < 3.5  # a curve that never reaches the low peak's window
    with pytest.raises(labs.LabInputError):
        analysis_ocv.named_peak(fresh.soc[below], fresh.voltage_v[below], "low")
    assert 0.08 <= analysis_ocv.aged_lli("s1") <= 0.16
    assert analysis_ocv.aged_lli("s1") == analysis_ocv.aged_lli("s1")
    with pytest.raises(labs.LabInputError):
        analysis_ocv.degraded_ocv(lli=0.9)


def test_pulse_resistance_and_power():
    t = np.arange(0.0, 20.0, 1.0)
    i = np.where(t >= 10, 5.0, 0.0)
    v = np.where(t >= 10, 3.7 - 5.0 * 0.03, 3.7)
    r = analysis_pulse.pulse_resistance_ohm(t, v, i, start_s=10.0, after_s=5.0)
    assert r == pytest.approx(0.03)
    assert analysis_pulse.pulse_power_w(3.7, 0.03, 2.5) == pytest.approx(2.5 * 1.2 / 0.03)
    with pytest.raises(labs.LabInputError):
        analysis_pulse.pulse_power_w(2.4, 0.03, 2.5)
    with pytest.raises(labs.LabInputError):
        analysis_pulse.pulse_resistance_ohm(t, v, i, start_s=-5.0, after_s=1.0)


def test_weppner_huggins_formula_and_measured_gitt():
    d = analysis_pulse.weppner_huggins_diffusivity(-0.01, -0.02, 300.0, 3e-6)
    assert d == pytest.approx(4 / (math.pi * 300) * 1e-12 * 0.25)
    table = analysis_pulse.gitt_diffusivities(analysis_pulse.measured_gitt("s1"), 5.22e-6)
    middle = table[(table["soc_start"] > 0.2) & (table["soc_start"] < 0.8)]
    # the same order of magnitude as the positive electrode's parameter (4e-15 m²/s)
    assert 5e-16 < middle["diffusivity_m2_s"].median() < 4e-14


def test_measured_hppc_resistance_is_near_the_preset_value():
    table = analysis_pulse.measured_hppc("s1").resistance_table()
    at_half = float(table.loc[np.isclose(table["soc"], 0.5), "discharge_resistance_ohm"].iloc[0])
    assert 0.025 < at_half < 0.04
