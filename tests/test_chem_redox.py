"""denchi.chem: standard potentials, Nernst equation and cell voltages against textbook values.

References for the expected values:
- Daniell cell Zn | Zn2+ (1 M) || Cu2+ (1 M) | Cu: 1.10 V at 25 ℃ (e.g. Atkins' Physical
  Chemistry, 11th ed., 2018, section 6C; the value every Japanese 化学 textbook gives).
- Nernst slope 2.303 RT/F = 59.16 mV per decade at 25 ℃ for one electron (Bard & Faulkner,
  Electrochemical Methods, 2nd ed., 2001, section 2.1), i.e. 59.2/n mV.
- Ionisation tendency series of Japanese 化学基礎 textbooks:
  Li > K > Ca > Na > Mg > Al > Zn > Fe > Ni > Sn > Pb > (H2) > Cu > Hg > Ag > Pt > Au
  (mercury is not in this table).
- Standard potentials: CRC Handbook of Chemistry and Physics, 97th ed., electrochemical series.
"""

from __future__ import annotations

import math

import pytest

from denchi import chem
from denchi.errors import InputError


def test_daniell_cell_is_1_10_volt_at_standard_conditions():
    cell = chem.cell_voltage("Zn", "Cu")
    assert cell.positive.key == "Cu" and cell.negative.key == "Zn"
    assert round(cell.voltage_v, 2) == 1.10
    assert cell.voltage_v == pytest.approx(0.3419 + 0.7618)


def test_the_order_of_the_metals_does_not_matter():
    assert chem.cell_voltage("Cu", "Zn") == chem.cell_voltage("Zn", "Cu", 1.0, 1.0)


@pytest.mark.parametrize("electrons, expected_mv", [(1, 59.16), (2, 29.58), (3, 19.72)])
def test_nernst_slope_per_decade_at_25_c(electrons, expected_mv):
    assert chem.nernst_slope_v(electrons) * 1000 == pytest.approx(expected_mv, abs=0.01)


def test_nernst_slope_grows_with_absolute_temperature():
    ratio = chem.nernst_slope_v(1, temperature_c=75) / chem.nernst_slope_v(1, temperature_c=25)
    assert ratio == pytest.approx((75 + 273.15) / (25 + 273.15))


def test_diluting_the_zinc_ions_raises_the_daniell_voltage_by_29_6_mv_per_decade():
    standard = chem.cell_voltage("Zn", "Cu").voltage_v
    dilute = chem.cell_voltage("Zn", "Cu", concentration_a_mol_l=0.01).voltage_v
    assert dilute - standard == pytest.approx(2 * 0.02958, abs=1e-4)  # two decades, n = 2
    # and diluting the copper ions lowers it by the same amount
    assert chem.cell_voltage("Zn", "Cu", 1.0, 0.01).voltage_v == pytest.approx(
        standard - 2 * 0.02958, abs=1e-4
    )


def test_a_concentration_cell_of_copper():
    cell = chem.cell_voltage("Cu", "Cu", 0.001, 1.0)
    assert cell.voltage_v == pytest.approx(3 * 0.02958, abs=1e-4)


def test_electrode_potential_at_standard_conditions_is_the_table_value():
    for c in chem.COUPLES:
        assert chem.electrode_potential_v(c.key) == pytest.approx(c.standard_potential_v)


def test_ionisation_series_matches_the_textbook_order():
    textbook = [
        "Li",
        "K",
        "Ca",
        "Na",
        "Mg",
        "Al",
        "Zn",
        "Fe",
        "Ni",
        "Sn",
        "Pb",
        "H",
        "Cu",
        "Ag",
        "Pt",
        "Au",
    ]
    assert [c.key for c in chem.ionisation_series()] == textbook


def test_hydrogen_is_the_zero_of_the_scale_and_half_reactions_read_right():
    assert chem.couple("H").standard_potential_v == 0
    assert chem.couple("h").half_reaction == "2 H+ + 2 e- -> H2"
    assert chem.couple("Zn").half_reaction == "Zn2+ + 2 e- -> Zn"


def test_lithium_against_copper_is_above_three_volts():
    # why lithium cells have high voltages: lithium has the most negative potential
    assert chem.cell_voltage("Li", "Cu").voltage_v > 3.3


def test_unknown_metal_names_the_known_ones():
    with pytest.raises(InputError) as info:
        chem.cell_voltage("Xx", "Cu")
    assert "Zn" in str(info.value) and "Xx" in str(info.value)
    assert info.value.parameter == "metal"


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        ({"concentration_a_mol_l": 0}, "concentration_mol_l"),
        ({"concentration_b_mol_l": -1}, "concentration_mol_l"),
        ({"concentration_a_mol_l": "1"}, "concentration_mol_l"),
        ({"temperature_c": 150}, "temperature_c"),
        ({"temperature_c": math.nan}, "temperature_c"),
    ],
)
def test_bad_inputs_get_a_bilingual_error_naming_the_parameter(kwargs, parameter):
    with pytest.raises(InputError) as info:
        chem.cell_voltage("Zn", "Cu", **kwargs)
    assert info.value.parameter == parameter
    assert info.value.message_ja and info.value.message_en


def test_cell_voltage_prints_in_japanese():
    assert "起電力 1.104 V" in str(chem.cell_voltage("Zn", "Cu"))
