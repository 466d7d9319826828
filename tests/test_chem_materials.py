"""denchi.chem.materials: molar masses, theoretical capacities and the energy-density chain.

Expected values and where they come from:
- Theoretical capacities (mAh/g): LiCoO2 274 (M = 97.87 g/mol), LiNi1/3Co1/3Mn1/3O2 278,
  LiFePO4 170, graphite 372, Li4Ti5O12 175 (3 electrons), Si 3579 (3.75 electrons): the worked
  table of uenergyhub.com, "How to calculate the theoretical capacity of battery electrode
  materials" (read 2026-12-01).
- The pair's specific energy: the textbook exercise quoted on numerade.com ("The cell reactions
  in Li-ion battery …": anode 0.34 Ah/g, cathode 0.137 Ah/g, 3.8 V). Worked by hand:
  1/(1/0.34 + 1/0.137) = 0.09765 Ah/g of both active materials, × 3.8 V = 0.3711 Wh/g.
"""

from __future__ import annotations

import pytest

from denchi import chem
from denchi.errors import InputError

CELL = dict(
    cathode_mah_g=200.0,
    anode_mah_g=350.0,
    voltage_v=3.7,
    np_ratio=1.1,
    cathode_active_fraction=0.95,
    anode_active_fraction=0.96,
    collectors_g_per_ah=1.0,
    separator_g_per_ah=0.3,
    electrolyte_g_per_ah=1.6,
    case_g_per_ah=0.8,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("LCO", 274),
        ("NMC111", 278),
        ("LFP", 170),
        ("graphite", 372),
        ("LTO", 175),
        ("silicon", 3579),
    ],
)
def test_theoretical_capacities_match_the_worked_table(name, expected):
    assert chem.material_capacity_mah_g(name) == pytest.approx(expected, abs=0.6)


def test_molar_mass_of_lico2_is_the_worked_value():
    assert chem.molar_mass_g_mol("LiCoO2") == pytest.approx(97.87, abs=0.01)


def test_molar_mass_counts_fractional_amounts():
    nmc811 = chem.molar_mass_g_mol("LiNi0.8Mn0.1Co0.1O2")
    w = chem.ATOMIC_WEIGHTS
    expected = w["Li"] + 0.8 * w["Ni"] + 0.1 * w["Mn"] + 0.1 * w["Co"] + 2 * w["O"]
    assert nmc811 == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("bad", ["", "LiCoO₂", "Li(CoO2)", "LiXx2", "lico2", 42, None])
def test_a_bad_formula_is_refused_naming_it(bad):
    with pytest.raises(InputError) as info:
        chem.molar_mass_g_mol(bad)
    assert info.value.parameter == "formula"
    assert "formula" in info.value.message_en and info.value.message_ja


def test_an_unknown_material_lists_the_known_ones():
    with pytest.raises(InputError) as info:
        chem.material_capacity_mah_g("NMC9.5.5")
    assert "'LFP'" in str(info.value)


def test_pair_specific_energy_is_the_textbook_exercise():
    assert chem.pair_specific_energy_wh_kg(137, 340, 3.8) == pytest.approx(371.1, abs=0.1)


def test_spare_negative_capacity_weighs():
    assert chem.pair_specific_energy_wh_kg(137, 340, 3.8, np_ratio=1.2) < (
        chem.pair_specific_energy_wh_kg(137, 340, 3.8)
    )


def test_chain_without_inactive_parts_is_the_pair():
    bare = {**CELL, "cathode_active_fraction": 1.0, "anode_active_fraction": 1.0}
    bare |= {k: 0.0 for k in CELL if k.endswith("_g_per_ah")}
    d = chem.cell_energy_density(**bare)
    pair = chem.pair_specific_energy_wh_kg(200, 350, 3.7, np_ratio=1.1)
    assert d.active_wh_kg == d.electrodes_wh_kg == d.stack_wh_kg == d.cell_wh_kg
    assert d.cell_wh_kg == pytest.approx(pair, rel=1e-12)


def test_chain_by_hand():
    d = chem.cell_energy_density(**CELL)
    cathode, anode = 1000 / 200, 1.1 * 1000 / 350  # g/Ah of active material
    coatings = cathode / 0.95 + anode / 0.96
    stack = coatings + 1.0 + 0.3 + 1.6
    assert d.masses_g_per_ah["anode_active"] == pytest.approx(anode)
    assert d.active_wh_kg == pytest.approx(3700 / (cathode + anode))
    assert d.electrodes_wh_kg == pytest.approx(3700 / coatings)
    assert d.stack_wh_kg == pytest.approx(3700 / stack)
    assert d.cell_wh_kg == pytest.approx(3700 / (stack + 0.8))
    assert d.cell_g_per_ah == pytest.approx(stack + 0.8)
    assert sum(d.mass_shares().values()) == pytest.approx(1.0)
    assert d.largest_part() == "cathode_active"
    assert list(d.masses_g_per_ah) == list(chem.PARTS)


def test_each_level_weighs_more():
    d = chem.cell_energy_density(**CELL)
    assert d.active_wh_kg > d.electrodes_wh_kg > d.stack_wh_kg > d.cell_wh_kg > 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("np_ratio", 0.9),  # less negative than positive capacity: plating
        ("cathode_active_fraction", 0.0),
        ("anode_active_fraction", 1.2),
        ("voltage_v", float("nan")),
        ("case_g_per_ah", -1.0),
        ("cathode_mah_g", "200"),
    ],
)
def test_chain_refuses_a_bad_argument_naming_it(name, value):
    with pytest.raises(InputError) as info:
        chem.cell_energy_density(**{**CELL, name: value})
    assert info.value.parameter == name
