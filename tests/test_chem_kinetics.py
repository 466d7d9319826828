"""denchi.chem kinetics, thermodynamics and transport against textbook values.

References for the expected values:
- Butler–Volmer, its linear region (charge-transfer resistance R T / (F j0)) and the Tafel
  slope ln(10) R T / (α F) = 118 mV per decade for α = 0.5 at 25 ℃: Bard & Faulkner,
  Electrochemical Methods, 2nd ed. (2001).
- The symmetric form j = 2 j0 sinh(F η / (2 R T)): PyBaMM's ``SymmetricButlerVolmer``
  (docs.pybamm.org, pybamm.kinetics).
- ΔG = −n F E: the Daniell cell, n = 2, E° = 1.10 V gives −212 kJ/mol (the standard 化学
  exercise; Bard & Faulkner).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from denchi import chem
from denchi.errors import InputError


def test_tafel_slope_is_118_mv_per_decade_for_alpha_one_half_at_25_c():
    assert chem.tafel_slope_mv_per_decade(0.5) == pytest.approx(118.3, abs=0.05)
    # 59.16 mV per decade for α = 1 is ln(10) R T / F at 25 ℃
    assert chem.tafel_slope_mv_per_decade(0.95) * 0.95 == pytest.approx(59.16, abs=0.01)
    assert chem.tafel_slope_mv_per_decade(0.5, temperature_c=60) > 118.4  # ∝ T


def test_butler_volmer_is_zero_at_equilibrium_and_anodic_positive():
    assert chem.butler_volmer_current_density(0.0, 5.0) == 0.0
    assert chem.butler_volmer_current_density(0.05, 5.0) > 0
    assert chem.butler_volmer_current_density(-0.05, 5.0) < 0


def test_symmetric_butler_volmer_is_pybamms_sinh_form():
    eta = np.linspace(-0.3, 0.3, 13)
    f = chem.FARADAY_C_PER_MOL / (chem.GAS_CONSTANT_J_PER_MOL_K * 298.15)
    expected = 2 * 2.0 * np.sinh(f * eta / 2)
    assert chem.butler_volmer_current_density(eta, 2.0) == pytest.approx(expected, rel=1e-12)


def test_small_overpotentials_follow_the_charge_transfer_resistance():
    j0 = 3.0
    r_ct = chem.GAS_CONSTANT_J_PER_MOL_K * 298.15 / (chem.FARADAY_C_PER_MOL * j0)  # Ω m²
    j = chem.butler_volmer_current_density(1e-4, j0, alpha_a=0.3, alpha_c=0.7)
    assert j == pytest.approx(1e-4 / r_ct, rel=1e-3)


def test_large_overpotentials_follow_the_tafel_line():
    j0, alpha_a = 0.5, 0.4
    j = chem.butler_volmer_current_density(0.3, j0, alpha_a=alpha_a, alpha_c=0.6)
    b = chem.tafel_slope_mv_per_decade(alpha_a) / 1000
    assert pytest.approx(b * math.log10(j / j0), rel=1e-3) == 0.3


def test_overpotential_from_current_inverts_symmetric_butler_volmer():
    eta = np.array([-0.4, -0.02, 0.0, 0.001, 0.25])
    for alpha in (0.5, 0.3):
        j = chem.butler_volmer_current_density(eta, 1.5, alpha, alpha, temperature_c=-10)
        back = chem.overpotential_from_current_density(j, 1.5, alpha, temperature_c=-10)
        assert back == pytest.approx(eta, abs=1e-12)
    assert isinstance(chem.overpotential_from_current_density(1.0, 1.0), float)


@pytest.mark.parametrize("alpha_a, j0", [(0.5, 2.0), (0.35, 0.2), (0.65, 40.0)])
def test_tafel_fit_recovers_slope_and_exchange_current(alpha_a, j0):
    eta = np.linspace(-0.35, 0.35, 71)
    j = chem.butler_volmer_current_density(eta, j0, alpha_a, 1 - alpha_a)
    anodic = chem.tafel_fit(eta, j, "anodic", min_overpotential_v=0.15)
    cathodic = chem.tafel_fit(eta, j, "cathodic", min_overpotential_v=0.15)
    assert anodic.slope_mv_per_decade == pytest.approx(
        chem.tafel_slope_mv_per_decade(alpha_a), rel=0.01
    )
    assert cathodic.slope_mv_per_decade == pytest.approx(
        -chem.tafel_slope_mv_per_decade(1 - alpha_a), rel=0.01
    )
    assert anodic.alpha == pytest.approx(alpha_a, rel=0.01)
    assert anodic.exchange_current_density_a_m2 == pytest.approx(j0, rel=0.03)
    assert cathodic.exchange_current_density_a_m2 == pytest.approx(j0, rel=0.03)


def test_tafel_fit_refuses_a_window_without_points():
    eta = np.linspace(0.0, 0.05, 6)
    j = chem.butler_volmer_current_density(eta, 1.0)
    with pytest.raises(InputError) as err:
        chem.tafel_fit(eta, j)
    assert err.value.parameter == "overpotential_v"
    with pytest.raises(InputError) as err:
        chem.tafel_fit(eta, j[:3])
    assert err.value.parameter == "current_density_a_m2"


def test_daniell_cell_gibbs_energy_and_entropy():
    assert chem.gibbs_energy_kj_mol(1.10, electrons=2) == pytest.approx(-212.3, abs=0.1)
    assert chem.reaction_entropy_j_mol_k(-1e-4) == pytest.approx(-9.6485, rel=1e-4)
    assert chem.reaction_entropy_j_mol_k(2e-4, electrons=2) == pytest.approx(38.59, rel=1e-3)


def test_reversible_heat_has_the_sign_of_minus_current_times_dE_dT():
    # 5 A discharge, dE/dT = -0.1 mV/K, 298.15 K: the cell releases 0.149 W
    assert chem.reversible_heat_w(5.0, -1e-4) == pytest.approx(0.1491, rel=1e-3)
    assert chem.reversible_heat_w(-5.0, -1e-4) < 0


def test_diffusion_time_and_limiting_current():
    assert chem.diffusion_time_s(5e-6, 1e-14) == pytest.approx(2500.0)
    # 1 mol/L, D = 1e-9 m²/s through 100 µm: n F D c / δ
    assert chem.limiting_current_density_a_m2(1000.0, 1e-9, 1e-4) == pytest.approx(964.85, rel=1e-4)


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda: chem.butler_volmer_current_density(0.1, 0.0), "exchange_current_density_a_m2"),
        (lambda: chem.butler_volmer_current_density("0.1", 1.0), "overpotential_v"),
        (lambda: chem.butler_volmer_current_density(0.1, 1.0, alpha_a=1.5), "alpha_a"),
        (lambda: chem.tafel_slope_mv_per_decade(0.5, temperature_c=298.15), "temperature_c"),
        (lambda: chem.tafel_fit([0.1, 0.2, 0.3], [1, 2, 3], branch="up"), "branch"),
        (lambda: chem.diffusion_time_s(5e-6, -1e-14), "diffusivity_m2_s"),
        (lambda: chem.gibbs_energy_kj_mol(3.7, electrons=0), "electrons"),
    ],
)
def test_bad_input_names_the_argument(call, parameter):
    with pytest.raises(InputError) as err:
        call()
    assert err.value.parameter == parameter


def test_tafel_fit_leaves_out_pairs_with_nan():
    eta = np.linspace(0.1, 0.3, 9)
    j = chem.butler_volmer_current_density(eta, 2.0)
    eta_gap, j_gap = eta.copy(), j.copy()
    eta_gap[0], j_gap[-1] = np.nan, np.nan
    fit = chem.tafel_fit(eta_gap, j_gap)
    assert fit.points == 7
    assert fit.slope_mv_per_decade == pytest.approx(
        chem.tafel_fit(eta, j).slope_mv_per_decade, rel=0.01
    )
