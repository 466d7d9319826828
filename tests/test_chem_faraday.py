"""denchi.chem Faraday helpers against textbook values.

References for the expected values:
- F = 96485.33212 C/mol (CODATA 2018, exact in the 2019 SI: N_A e).
- Electrolysis of CuSO4 with 9650 C deposits 0.0500 mol of electrons / 2 = 0.0250 mol Cu,
  3.18 g with M(Cu) = 63.5 g/mol (the standard 化学 textbook exercise, ファラデーの法則).
- Theoretical capacities: graphite (LiC6) 372 mAh/g, LiCoO2 274 mAh/g (Nitta et al.,
  Materials Today 18 (2015) 252, doi:10.1016/j.mattod.2014.10.040).
"""

from __future__ import annotations

import pytest

from denchi import chem
from denchi.errors import InputError


def test_faraday_constant_is_the_codata_value():
    assert pytest.approx(96485.33212, abs=1e-5) == chem.FARADAY_C_PER_MOL


def test_one_ampere_hour_is_3600_coulomb():
    assert chem.ah_to_c(1) == 3600
    assert chem.c_to_ah(chem.charge_c(current_a=2.5, time_s=2 * 3600)) == pytest.approx(5.0)


def test_copper_electrolysis_textbook_exercise():
    charge = chem.charge_c(current_a=1.0, time_s=9650)
    assert chem.moles_of_electrons(charge) == pytest.approx(0.100, rel=1e-3)  # textbook F = 9.65e4
    assert chem.moles_from_charge(charge, electrons=2) == pytest.approx(0.0500, rel=1e-3)
    mass = chem.mass_from_charge(charge, electrons=2, molar_mass_g_mol=63.5)
    assert mass == pytest.approx(3.175, rel=1e-3)


def test_mass_and_charge_are_inverse():
    charge = chem.charge_from_mass(3.175, electrons=2, molar_mass_g_mol=63.5)
    assert chem.mass_from_charge(charge, 2, 63.5) == pytest.approx(3.175)


@pytest.mark.parametrize(
    "molar_mass, expected",
    [
        (6 * 12.011, 372),  # graphite, per C6 taking one Li
        (6.94 + 58.933 + 2 * 15.999, 274),  # LiCoO2, all lithium removed
    ],
)
def test_theoretical_capacity(molar_mass, expected):
    assert round(chem.theoretical_capacity_mah_g(molar_mass)) == expected


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda: chem.charge_c(-1, 10), "current_a"),
        (lambda: chem.mass_from_charge(100, 0, 63.5), "electrons"),
        (lambda: chem.mass_from_charge(100, 2, 0), "molar_mass_g_mol"),
        (lambda: chem.theoretical_capacity_mah_g("72"), "molar_mass_g_mol"),
    ],
)
def test_bad_inputs_name_the_parameter(call, parameter):
    with pytest.raises(InputError) as info:
        call()
    assert info.value.parameter == parameter


@pytest.mark.parametrize("electrons", [2.7, 1.5, True])
def test_a_number_of_electrons_that_is_not_whole_is_refused_not_truncated(electrons):
    from denchi.chem.nernst import nernst_slope_v

    with pytest.raises(InputError, match="electrons"):
        nernst_slope_v(electrons)
    with pytest.raises(InputError, match="electrons"):
        chem.moles_from_charge(96485.0, electrons)
