"""Cell.polarisation: short steps from rest, the overpotential and its parts, and the knob
on the exchange-current density (PyBaMM's "… electrode exchange-current density")."""

from __future__ import annotations

import numpy as np
import pytest

from denchi import chem, labs

pytestmark = pytest.mark.slow  # PyBaMM solves

ACCEPTED = ["nmc_graphite", "lfp_graphite", "lco_graphite", "nca_graphite"]


@pytest.mark.parametrize("chemistry", ACCEPTED)
def test_slower_kinetics_mean_more_reaction_overpotential_and_the_parts_add_up(chemistry):
    cell = labs.Cell(chemistry, model="spme")
    slow = cell.polarisation(c_rates=[0.5, 1.0], exchange_current_factor=0.2)
    fast = cell.polarisation(c_rates=[0.5, 1.0], exchange_current_factor=5.0)
    for r in (slow, fast):
        assert np.all(np.isfinite(r.overpotential_v))
        assert np.allclose(
            r.reaction_v + r.concentration_v + r.ohmic_v, r.overpotential_v, atol=1e-5
        )
        # OCV − V is positive on discharge and negative on charge
        assert np.all(np.sign(r.overpotential_v) == np.sign(r.current_a))
        assert np.all(np.sign(r.reaction_v) == np.sign(r.current_a))
    assert np.all(np.abs(slow.reaction_v) > 3 * np.abs(fast.reaction_v))
    # the knob acts on the kinetics only: the ohmic part stays (the electrolyte and solid)
    assert slow.ohmic_v == pytest.approx(fast.ohmic_v, rel=0.05)


@pytest.mark.parametrize(
    "chemistry", [k for k in ACCEPTED if labs.PRESETS[k].temperature_dependent]
)
def test_a_cold_cell_polarises_more(chemistry):
    cell = labs.Cell(chemistry, model="spme")
    warm = cell.polarisation(c_rates=[0.5], temperature_c=25)
    cold = cell.polarisation(c_rates=[0.5], temperature_c=0)
    assert np.all(np.abs(cold.reaction_v) > np.abs(warm.reaction_v))
    assert np.all(np.abs(cold.overpotential_v) > np.abs(warm.overpotential_v))


def test_the_negative_electrode_has_pybamms_tafel_slope_for_alpha_one_half():
    """PyBaMM's symmetric Butler–Volmer has α = 0.5: 118 mV per decade at 25 ℃ (Bard &
    Faulkner) once the reaction is far from equilibrium, which slow kinetics reach."""
    r = labs.Cell("nmc_graphite").polarisation(
        c_rates=[0.2, 0.5, 1.0, 2.0], exchange_current_factor=0.1
    )
    fit = chem.tafel_fit(
        r.negative_reaction_v, r.current_density_a_m2, branch="anodic", min_overpotential_v=0.1
    )
    assert fit.slope_mv_per_decade == pytest.approx(chem.tafel_slope_mv_per_decade(0.5), rel=0.1)


def test_a_step_that_reaches_a_voltage_limit_is_nan_not_a_wrong_number():
    r = labs.Cell("nmc_graphite", model="spme").polarisation(
        c_rates=[0.5, 5.0], soc=0.9, exchange_current_factor=0.1, temperature_c=0
    )
    assert np.isnan(r.overpotential_v[0])  # 5C charge from 90 %: over 4.2 V at once
    assert np.isfinite(r.overpotential_v[-1])


@pytest.mark.parametrize("chemistry", ["graphite_siox", "sodium_ion", "lead_acid"])
def test_presets_without_a_single_reaction_per_electrode_are_refused(chemistry):
    with pytest.raises(labs.LabInputError) as err:
        labs.Cell(chemistry).polarisation()
    assert err.value.parameter == "polarisation"


def test_the_result_draws_the_total_and_its_parts_and_makes_a_table():
    r = labs.Cell("lfp_graphite", model="spm").polarisation(c_rates=[0.5, 1.0])
    table = r.to_dataframe()
    assert list(table["c_rate"]) == [-1.0, -0.5, 0.5, 1.0]
    assert table["overpotential_v"].to_numpy() == pytest.approx(r.overpotential_v)
    ax = r.plot(parts=True)
    names = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert len(names) == 4 and names[0] == r.label
    assert ax.get_xlabel() and ax.get_ylabel()
