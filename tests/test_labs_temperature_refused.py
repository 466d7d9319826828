"""A preset whose parameter set has no temperature dependence runs at 25 ℃ only, and says
so (the check comes before any PyBaMM solve)."""

from __future__ import annotations

import pytest

from denchi import labs

FIXED = [k for k, p in labs.PRESETS.items() if not p.temperature_dependent]
CALLS = {
    "discharge": lambda cell, t: cell.discharge(c_rate=1, temperature_c=t),
    "rate_test": lambda cell, t: cell.rate_test([1.0], temperature_c=t),
    "charge": lambda cell, t: cell.charge(temperature_c=t),
    "pulse_test": lambda cell, t: cell.pulse_test(temperature_c=t),
    "gitt": lambda cell, t: cell.gitt(temperature_c=t),
    "eis": lambda cell, t: cell.eis(temperature_c=t),
}


def test_the_presets_without_temperature_data_are_the_ones_the_issue_found():
    assert set(FIXED) == {"lfp_graphite", "graphite_siox", "sodium_ion", "lead_acid"}
    for key, preset in labs.PRESETS.items():
        assert preset.temperature_dependent == (key not in FIXED)
        for source in filter(None, preset.temperature_source.split(",")):
            assert source in preset.reference.split(",")  # cited on the preset


@pytest.mark.parametrize("key", FIXED)
@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("temperature", [-20, 0, 24.5, 45])
def test_other_temperatures_are_refused(key, call, temperature):
    preset = labs.PRESETS[key]
    if (call in ("charge", "pulse_test", "gitt") and not preset.protocols) or (
        call == "eis" and not preset.impedance
    ):
        pytest.skip(f"{key} has no {call}")
    cell = labs.Cell(key)
    with pytest.raises(labs.LabInputError) as info:
        CALLS[call](cell, temperature)
    assert info.value.parameter == "temperature_c"
    assert "25 ℃" in info.value.message_ja and "25 °C" in info.value.message_en


@pytest.mark.parametrize("key", FIXED)
def test_the_cell_tells_its_temperature_range(key):
    assert labs.Cell(key).temperature_range_c == (25.0, 25.0)
    assert labs.Cell("nmc_graphite").temperature_range_c == (-20.0, 60.0)
