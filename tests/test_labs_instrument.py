"""Seeded measurements: instrument noise and sampling, and cell-to-cell production spread."""

from __future__ import annotations

import numpy as np
import pytest

from denchi import labs
from denchi.labs.api.instrument import CAPACITY_SPREAD, DC_RESISTANCE_OHM
from denchi.labs.seeds import seed_number

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)


@pytest.fixture(scope="module")
def discharge():
    return labs.Cell("nmc_graphite").discharge(c_rate=1.0)


def test_same_seed_same_data_other_seed_other_data(discharge):
    a = labs.Instrument(noise_v=0.002, sample_s=10, seed="s1234").measure(discharge)
    b = labs.Instrument(noise_v=0.002, sample_s=10, seed="s1234").measure(discharge)
    c = labs.Instrument(noise_v=0.002, sample_s=10, seed="s9999").measure(discharge)
    assert np.array_equal(a.voltage_v, b.voltage_v)
    assert not np.array_equal(a.voltage_v, c.voltage_v)
    assert type(a) is type(discharge) and a.c_rate == discharge.c_rate
    # string seeds hash the same way in every process (no Python hash randomisation)
    assert seed_number("s1234") == seed_number("s1234") != seed_number("s1235")
    assert seed_number(7) == 7


def test_sampling_and_noise_have_the_asked_size(discharge):
    clean = labs.Instrument(noise_v=0, noise_c=0, sample_s=5).measure(discharge)
    steps = np.diff(clean.time_s)
    assert np.allclose(steps[:-1], 5.0) and 0 < steps[-1] <= 5.0
    assert clean.time_s[-1] == discharge.time_s[-1]  # the step's end is recorded
    assert np.allclose(
        clean.voltage_v, np.interp(clean.time_s, discharge.time_s, discharge.voltage_v)
    )
    noisy = labs.Instrument(noise_v=0.005, noise_c=0, sample_s=5, seed=1).measure(discharge)
    assert np.std(noisy.voltage_v - clean.voltage_v) == pytest.approx(0.005, rel=0.15)
    # capacity is counted again from the (measured) current
    assert noisy.capacity_ah == pytest.approx(discharge.capacity_ah, rel=1e-3)
    shaky = labs.Instrument(noise_a=0.5, sample_s=5, seed=1).measure(discharge)
    assert shaky.capacity_ah != pytest.approx(discharge.capacity_ah, rel=1e-6)


def test_measured_protocol_tables_stay_defined():
    pulses = labs.Cell("nmc_graphite").pulse_test(soc_step=0.3, relax_s=600)
    measured = labs.Instrument(noise_v=0.0005, sample_s=2, seed=3).measure(pulses)
    table, clean = measured.resistance_table(), pulses.resistance_table()
    assert list(np.unique(measured.step)) == list(np.unique(pulses.step))
    # two voltages of 0.5 mV noise over a 5 A pulse: sigma = 0.14 mOhm; allow four sigma
    assert np.allclose(
        table["discharge_resistance_ohm"], clean["discharge_resistance_ohm"], atol=6e-4
    )
    assert not np.allclose(table["discharge_resistance_ohm"], clean["discharge_resistance_ohm"])


def test_other_results_can_be_measured():
    cell = labs.Cell("nmc_graphite")
    meter = labs.Instrument(noise_v=0.001, noise_ohm=1e-4, seed=5)
    z = cell.eis(frequencies_hz=[0.1, 10, 1000])
    assert not np.allclose(meter.measure(z).impedance_ohm, z.impedance_ohm)
    ocv = cell.ocv(11)
    assert meter.measure(ocv).voltage_v.shape == ocv.voltage_v.shape
    rates = cell.rate_test([0.5, 1.0])
    assert len(meter.measure(rates).discharges) == 2
    with pytest.raises(labs.LabInputError, match="measure"):
        meter.measure("a table")


def test_a_seeded_cell_is_one_cell_of_a_batch():
    nominal = labs.Cell("nmc_graphite").discharge(c_rate=0.5).capacity_ah
    capacities = [
        labs.Cell("nmc_graphite", seed=s).discharge(c_rate=0.5).capacity_ah for s in range(6)
    ]
    again = labs.Cell("nmc_graphite", seed=0).discharge(c_rate=0.5).capacity_ah
    assert again == capacities[0]
    ax = labs.compare(
        [labs.Cell("nmc_graphite", seed=s).discharge(c_rate=0.5) for s in (0, 1)],
        labels=["seed 0", "seed 1"],
    )
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["seed 0", "seed 1"]
    spread = np.array(capacities) / nominal - 1
    assert len(set(np.round(capacities, 6))) == 6
    assert np.all(np.abs(spread) < 4 * CAPACITY_SPREAD)


@pytest.mark.parametrize("key", sorted(DC_RESISTANCE_OHM))
def test_reference_resistances_match_the_model(key):
    table = labs.Cell(key, model="dfn").pulse_test(soc_step=0.5, soc_min=0.5, relax_s=1800)
    resistance = table.resistance_table()["discharge_resistance_ohm"].iloc[0]
    assert resistance == pytest.approx(DC_RESISTANCE_OHM[key], rel=0.1)


def test_seed_and_instrument_settings_are_checked():
    with pytest.raises(labs.LabInputError, match="seed"):
        labs.Cell("lead_acid", seed=3)
    with pytest.raises(labs.LabInputError, match="seed"):
        labs.Cell("nmc_graphite", seed=-1)
    with pytest.raises(labs.LabInputError, match="noise_v"):
        labs.Instrument(noise_v=-0.1)
    with pytest.raises(labs.LabInputError, match="sample_s"):
        labs.Instrument(sample_s=0)
