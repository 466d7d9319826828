"""The seeded data of u01_electrochemistry: one electrode and one cell per student, the
Butler–Volmer and E(T) laws inside them, and the checks of the seed."""

from __future__ import annotations

import numpy as np
import pytest

from denchi import chem
from denchi.labs import LabInputError
from denchi.labs.datasets import electrochemistry as u01


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    a, b = u01.polarisation_curve("s001"), u01.polarisation_curve("s001")
    assert np.array_equal(a.current_density_a_m2, b.current_density_a_m2)
    other = u01.polarisation_curve("s002")
    assert not np.allclose(a.current_density_a_m2, other.current_density_a_m2, rtol=0.05)
    e1, e2 = u01.emf_temperatures("s001"), u01.emf_temperatures("s002")
    assert not np.allclose(e1.emf_v, e2.emf_v, atol=1e-3)


def test_a_learner_may_change_his_copy_without_changing_the_next_one():
    current = u01.polarisation_curve(7).current_density_a_m2
    current *= 1000  # in place: the learner's own copy
    assert np.max(np.abs(u01.polarisation_curve(7).current_density_a_m2)) < 1e4


@pytest.mark.parametrize("seed", [0, 1, "practice", "学籍番号 20261234"])
def test_the_curves_follow_butler_volmer_of_an_electrode_in_the_stated_ranges(seed):
    data = u01.polarisation_curve(seed)
    assert data.overpotential_v.shape == data.current_density_a_m2.shape == (61,)
    anodic, cathodic = u01.tafel_reference(seed), u01.tafel_reference(seed, branch="cathodic")
    low, high = u01.EXCHANGE_CURRENT_RANGE_A_M2
    assert low * 0.8 < anodic.exchange_current_density_a_m2 < high * 1.2
    # one-step reaction: the two transfer coefficients add up to one
    assert anodic.alpha + cathodic.alpha == pytest.approx(1.0, abs=0.05)
    assert anodic.slope_mv_per_decade > 0 > cathodic.slope_mv_per_decade
    # the noise is the instrument's: 2 % around the law, not more
    j = chem.butler_volmer_current_density(
        data.overpotential_v,
        anodic.exchange_current_density_a_m2,
        anodic.alpha,
        cathodic.alpha,
    )
    far = np.abs(data.overpotential_v) >= 0.1
    ratio = data.current_density_a_m2[far] / j[far]
    assert np.median(np.abs(ratio - 1)) < 0.05


@pytest.mark.parametrize("seed", range(20))
def test_the_emf_coefficient_is_far_enough_from_zero_that_its_sign_shows(seed):
    data = u01.emf_temperatures(seed)
    slope = np.polyfit(data.temperature_c, data.emf_v, 1)[0]
    assert 4e-5 < abs(slope) < 3.2e-4
    assert 3.6 < data.emf_v.mean() < 4.0


@pytest.mark.parametrize("seed", [None, -1, [1], "", 1.5])
def test_a_wrong_seed_is_refused_by_name(seed):
    for func in (u01.polarisation_curve, u01.emf_temperatures, u01.tafel_reference):
        with pytest.raises(LabInputError) as err:
            func(seed)
        assert err.value.parameter == "seed"


# the tolerances of the hidden tests of assessments/source/u01_electrochemistry (q1–q3)
SLOPE_REL_TOL, J0_REL_TOL = 0.05, 0.2
HONEST_WINDOWS_V = [(0.05, 0.3), (0.08, 0.3), (0.1, 0.2), (0.15, 0.3), (0.2, 0.3), (0.08, 0.25)]


@pytest.mark.parametrize("seed", [*range(40), "practice"])
def test_the_graded_tolerances_accept_honest_windows_and_reject_the_typical_slips(seed):
    data = u01.polarisation_curve(seed)
    eta, j = data.overpotential_v, data.current_density_a_m2
    for branch in ("anodic", "cathodic"):
        reference = u01.tafel_reference(seed, branch=branch)
        for window in HONEST_WINDOWS_V:
            fit = chem.tafel_fit(eta, j, branch, *window)
            assert fit.slope_mv_per_decade == pytest.approx(
                reference.slope_mv_per_decade, rel=SLOPE_REL_TOL
            )
            assert fit.exchange_current_density_a_m2 == pytest.approx(
                reference.exchange_current_density_a_m2, rel=J0_REL_TOL
            )
        # natural logarithm: the slope per e-fold, and j0 from it read as a power of ten
        side = (eta >= 0.1) if branch == "anodic" else (eta <= -0.1)
        slope, intercept = np.polyfit(np.log(np.abs(j[side])), eta[side], 1)
        assert slope * 1000 != pytest.approx(reference.slope_mv_per_decade, rel=SLOPE_REL_TOL)
        assert 10 ** (-intercept / slope) != pytest.approx(
            reference.exchange_current_density_a_m2, rel=J0_REL_TOL
        )
        # the sign dropped on the cathodic branch
        if branch == "cathodic":
            assert -reference.slope_mv_per_decade != pytest.approx(
                reference.slope_mv_per_decade, rel=SLOPE_REL_TOL
            )
