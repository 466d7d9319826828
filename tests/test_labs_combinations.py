"""Every advertised preset x model x thermal combination works, or the Cell refuses it when
it is made (never a raw PyBaMM error on the first experiment)."""

from __future__ import annotations

import numpy as np
import pytest

from denchi import labs
from denchi.labs.engine.presets import PRESETS

pytestmark = pytest.mark.slow  # PyBaMM solves

ADVERTISED = [
    (key, model, thermal)
    for key, preset in PRESETS.items()
    for model in preset.fidelities
    for thermal in preset.thermal_models
]


@pytest.mark.parametrize(("key", "model", "thermal"), ADVERTISED)
def test_advertised_combination_discharges(key, model, thermal):
    result = labs.Cell(key, model=model, thermal=thermal).discharge(c_rate=2)
    assert 0.3 * PRESETS[key].nominal_capacity_ah < result.capacity_ah
    assert result.energy_wh > 0


@pytest.mark.parametrize("model", PRESETS["lead_acid"].fidelities)
def test_every_lead_acid_model_runs_rate_test_and_ocv(model):
    cell = labs.Cell("lead_acid", model=model)
    rates = cell.rate_test([0.5, 1.0])
    assert rates.discharges[0].capacity_ah > rates.discharges[1].capacity_ah > 0
    ocv = cell.ocv(11)
    assert ocv.voltage_v[-1] > ocv.voltage_v[0]


@pytest.mark.parametrize(
    ("key", "model", "thermal"),
    [
        (key, model, thermal)
        for key, preset in PRESETS.items()
        for model in ("spm", "spme", "dfn", "loqs", "full")
        for thermal in ("isothermal", "lumped")
        if (key, model, thermal) not in ADVERTISED
    ],
)
def test_other_combinations_are_refused_when_the_cell_is_made(key, model, thermal):
    with pytest.raises(labs.LabInputError) as info:
        labs.Cell(key, model=model, thermal=thermal)
    assert info.value.parameter in ("model", "thermal")


@pytest.mark.parametrize("c_rate", [0.05, 0.2, 0.5])
def test_lead_acid_loqs_stops_at_the_cut_off_without_nan(c_rate):
    """LOQS runs on past its cut-off at low rates until it breaks down: the record must
    stop at the cut-off, with no NaN."""
    result = labs.Cell("lead_acid", model="loqs").discharge(c_rate=c_rate)
    assert np.all(np.isfinite(result.voltage_v))
    assert result.voltage_v[-1] == pytest.approx(1.75, abs=0.05)
    assert result.voltage_v[:-1].min() > 1.75


def test_pulse_test_with_no_measurable_pulse_says_why():
    """The issue's case: 10C pulses at -20 °C all hit the cut-off; an all-NaN table with an
    empty stop reason was returned."""
    with pytest.raises(labs.LabSimulationError) as info:
        labs.Cell(model="spme").pulse_test(
            pulse_c_rate=10, temperature_c=-20, soc_min=0.05, soc_step=0.05
        )
    assert info.value.parameter == "pulse_c_rate"
    assert "C レートを小さく" in info.value.message_ja


@pytest.mark.parametrize(
    ("steps", "soc", "words"),
    [
        (lambda p: [p.charge(0.5), p.hold(4.2, until_c_rate=0.05)], 1.0, "満充電"),
        (lambda p: [p.rest(60), p.charge(0.5)], 1.0, "満充電"),
        (lambda p: [p.discharge(0.5)], 0.0, "空"),
    ],
)
def test_cycle_that_cannot_start_says_so(steps, soc, words):
    with pytest.raises(labs.LabInputError) as info:
        labs.Cell(model="spme").cycle(steps(labs.protocols), initial_soc=soc)
    assert info.value.parameter == "initial_soc"
    assert words in info.value.message_ja
    assert "C レートを小さく" not in info.value.message_ja


def test_cycle_from_nearly_full_has_a_coulombic_efficiency():
    p = labs.protocols
    result = labs.Cell(model="spme").cycle(
        [p.charge(0.5), p.hold(4.2, until_c_rate=0.05), p.discharge(1.0)], initial_soc=0.9
    )
    efficiency = result.cycle_table()["coulombic_efficiency_pct"]
    assert np.all(np.isfinite(efficiency))
