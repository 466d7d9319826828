"""Cycler protocols: CC-CV charge, cycling, pulse tests (HPPC, DC resistance) and GITT."""

from __future__ import annotations

import numpy as np
import pytest

from denchi import labs
from denchi.labs import engine
from denchi.labs.api import protocols as p

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)


@pytest.fixture(scope="module")
def cell():
    return labs.Cell("nmc_graphite")


@pytest.fixture(scope="module")
def pulses(cell):
    return {t: cell.pulse_test(soc_step=0.2, temperature_c=t) for t in (25, 0)}


def test_cc_cv_charge_fills_the_cell_and_tapers_the_current(cell):
    r = cell.charge(c_rate=0.5)
    assert r.capacity_ah == pytest.approx(cell.nominal_capacity_ah, rel=0.05)
    assert r.voltage_v.max() == pytest.approx(4.2, abs=1e-3)
    cv = r.step == 1
    assert cv.any() and (r.step == 0).any()
    # constant voltage: the current falls to C/20 while the voltage stays at 4.2 V
    assert np.allclose(r.voltage_v[cv], 4.2, atol=1e-3)
    assert -r.current_a[cv][-1] == pytest.approx(0.05 * cell.nominal_capacity_ah, rel=0.05)
    assert np.all(np.diff(-r.current_a[cv]) <= 1e-6)
    without_cv = cell.charge(c_rate=0.5, constant_voltage=False)
    assert without_cv.capacity_ah < r.capacity_ah
    assert r.stop_reason == ""


def test_faster_charging_puts_less_in_before_the_cv_phase(cell):
    slow, fast = cell.charge(c_rate=0.2), cell.charge(c_rate=2.0)
    cc_slow = slow.discharge_capacity_ah[slow.step == 0]
    cc_fast = fast.discharge_capacity_ah[fast.step == 0]
    assert -(cc_fast[-1] - cc_fast[0]) < -(cc_slow[-1] - cc_slow[0])


def test_a_cycle_returns_what_was_charged(cell):
    steps = [p.charge(1.0), p.hold(4.2, until_c_rate=0.05), p.rest(600), p.discharge(1.0)]
    r = cell.cycle(steps, cycles=3, initial_soc=0.0)
    table = r.cycle_table()
    assert list(table["cycle"]) == [1, 2, 3]
    # after the first charge from the balanced empty state, charge in = charge out
    assert table["coulombic_efficiency_pct"].iloc[1:].to_numpy() == pytest.approx(100, abs=0.5)
    # energy efficiency is below 100 %: the overpotential costs energy both ways
    assert np.all(table["discharge_energy_wh"] < table["charge_energy_wh"])
    assert set(np.unique(r.step)) == {0, 1, 2, 3}
    assert r.steps[0].startswith(("1C", "Charge"))


def test_new_step_currents_reuse_the_built_protocol(cell):
    steps = [p.discharge(1.0, duration_s=600), p.rest(300)]
    cell.cycle(steps)
    before = engine.experiment_simulation.cache_info()
    r = cell.cycle([p.discharge(2.0, duration_s=600), p.rest(300)], temperature_c=10)
    after = engine.experiment_simulation.cache_info()
    assert after.misses == before.misses
    assert r.capacity_ah == pytest.approx(2.0 * 5.0 * 600 / 3600, rel=1e-3)


def test_dc_resistance_rises_at_low_temperature(pulses):
    warm = pulses[25].resistance_table()
    cold = pulses[0].resistance_table()
    assert list(warm["soc"]) == pytest.approx([0.8, 0.6, 0.4, 0.2])
    assert np.all(cold["discharge_resistance_ohm"] > 1.2 * warm["discharge_resistance_ohm"])
    # a real cell of this size has some tens of milliohms
    assert np.all(
        (warm["discharge_resistance_ohm"] > 0.01) & (warm["discharge_resistance_ohm"] < 0.1)
    )
    # the relaxed voltage falls as the cell empties
    assert np.all(np.diff(warm["ocv_v"]) < 0)


def test_pulse_test_records_pulses_of_the_asked_length(pulses):
    r = pulses[25]
    for _cycle, step, sl in r.segments():
        if step in (2, 4):
            assert r.time_s[sl][-1] - r.time_s[sl][0] == pytest.approx(10.0, abs=1e-6)
            sign = 1 if step == 2 else -1
            assert np.all(sign * r.current_a[sl] > 0)
    ax = r.plot_resistance()
    assert "mΩ" in ax.get_ylabel()


def test_gitt_walks_down_the_ocv(cell):
    r = cell.gitt(pulse_c_rate=0.5, pulse_s=1200, rest_s=1800)
    table = r.pulse_table()
    assert 5 <= len(table) <= 13
    relaxed = table["relaxed_v"].to_numpy()
    assert np.all(np.diff(relaxed) < 0)
    # a discharge pulse lowers the voltage during the pulse and in the relaxed state
    assert np.all(table["delta_et_v"] < 0) and np.all(table["delta_es_v"] < 0)
    assert np.all(table["pulse_start_v"] < table["voltage_before_v"])  # the ohmic drop
    assert table["soc_start"].iloc[0] == pytest.approx(1.0)
    # relaxed voltages lie on the cell's OCV curve (within the relaxation left after 30 min)
    ocv = cell.ocv(201)
    soc_after = table["soc_start"] - 0.5 * 1200 / 3600
    expected = np.interp(soc_after, ocv.soc, ocv.voltage_v)
    inside = (soc_after > 0.1).to_numpy()
    assert np.allclose(relaxed[inside], expected[inside], atol=0.03)


def test_protocols_check_their_steps(cell):
    with pytest.raises(labs.LabInputError, match="until_c_rate"):
        p.hold(4.2)
    with pytest.raises(labs.LabInputError) as info:
        cell.cycle([p.charge(0.5, until_v=4.5)])
    assert info.value.parameter == "steps[0].until_v"
    assert "4.2" in info.value.message_ja
    with pytest.raises(labs.LabInputError, match="steps"):
        cell.cycle(["discharge at 1C"])
    with pytest.raises(labs.LabInputError, match="steps"):
        cell.cycle([])
    with pytest.raises(labs.LabInputError, match="duration_s"):
        p.rest(-5)
    fake = p.Step("discharge", c_rate=-3.0)  # built by hand, bypassing the constructor
    with pytest.raises(labs.LabInputError, match="c_rate"):
        cell.cycle([fake])


def test_a_step_that_cannot_start_is_explained(cell):
    # charging a full cell to 4.1 V: the end condition already holds
    with pytest.raises(labs.LabInputError) as info:
        cell.cycle([p.charge(0.5, until_v=4.1)], initial_soc=1.0)
    assert "SOC" in info.value.message_ja


@pytest.mark.parametrize("key", ["sodium_ion", "lead_acid"])
@pytest.mark.parametrize("method", ["charge", "pulse_test", "gitt"])
def test_cells_without_protocols_say_what_they_can_do(key, method):
    with pytest.raises(labs.LabInputError) as info:
        getattr(labs.Cell(key), method)()
    assert info.value.parameter == method
    assert "discharge" in info.value.message_en


def test_other_lithium_ion_presets_run_protocols():
    for key in ("lfp_graphite", "graphite_siox"):
        cell = labs.Cell(key, model="spm")
        charged = cell.charge(c_rate=1.0)
        assert charged.capacity_ah == pytest.approx(cell.nominal_capacity_ah, rel=0.08)
        table = cell.pulse_test(soc_step=0.4, relax_s=600).resistance_table()
        assert np.all(table["discharge_resistance_ohm"] > 0)
