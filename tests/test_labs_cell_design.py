"""The u04 assignment's seeded electrode sheet (fast) and its design rule (PyBaMM, slow)."""

from __future__ import annotations

import math

import pytest

from denchi import chem
from denchi.labs.datasets import cell_design
from denchi.labs.datasets.cell_design import electrode_sheet, evaluate_design


def test_sheet_is_seeded_and_in_its_ranges():
    one, again, other = electrode_sheet("s001"), electrode_sheet("s001"), electrode_sheet("s002")
    assert one == again and one != other
    for seed in range(200):
        s = electrode_sheet(seed)
        positive = chem.areal_capacity_mah_cm2(
            chem.coating_loading_mg_cm2(s.thickness_um, s.porosity, s.solid_density_g_cm3),
            s.specific_mah_g,
            s.active_fraction,
        )
        assert 2.1 < positive < 7.6  # the bounds of the ranges: 2.17 and 7.56
        assert 1.04 < s.negative_mah_cm2 / positive < 1.26
        assert s.pressed_porosity < s.porosity
        assert len(s.rows()) == 7


def test_credit_bands():
    def verdict(wh_kg, meets=True):
        return cell_design.DesignEvaluation(100, 0.3, 1.1, wh_kg, 0.95, meets)

    ref = cell_design.REFERENCE_WH_KG
    assert verdict(ref * 1.02).credit() == 1.0
    assert verdict(ref * 0.95).credit() == 0.75
    assert verdict(ref * 0.90).credit() == 0.5
    assert verdict(ref * 0.50).credit() == 0.25
    assert verdict(ref * 1.10, meets=False).credit() == 0.0


@pytest.mark.slow
def test_reference_design_meets_the_rule_and_gives_its_wh_kg():
    reference = evaluate_design(*cell_design.REFERENCE_DESIGN)
    assert reference.meets, reference.summary()
    assert reference.wh_kg == pytest.approx(cell_design.REFERENCE_WH_KG, abs=0.1)
    assert reference.credit() == 1.0


@pytest.mark.slow
def test_thick_dense_electrode_fails_at_2c_and_thin_one_stores_less():
    thick = evaluate_design(140, 0.25, 1.05)
    assert not thick.meets and thick.capacity_ratio < cell_design.RATE_REQUIREMENT
    assert "2C" in thick.note_ja
    thin = evaluate_design(60, 0.35, 1.05)
    assert thin.meets and thin.wh_kg < cell_design.REFERENCE_WH_KG
    assert thin.capacity_ratio > thick.capacity_ratio


@pytest.mark.slow
def test_rule_violations_do_not_raise():
    outside = evaluate_design(80, 0.35, 1.5)  # N/P outside the rule
    assert not outside.meets and "N/P" in outside.note_ja
    wrong = evaluate_design(5, 0.35, 1.05)  # outside design_cell's range: a verdict, no error
    assert not wrong.meets and math.isnan(wrong.np_ratio) and wrong.note_ja


def test_sheet_answers_follow_the_sheet():
    s, a = electrode_sheet("s0001"), cell_design.sheet_answers("s0001")
    loading = (1 - s.porosity) * s.thickness_um * 1e-4 * s.solid_density_g_cm3 * 1000  # mg/cm2
    assert a.areal_mah_cm2 == pytest.approx(loading * 1e-3 * s.active_fraction * s.specific_mah_g)
    assert a.np_ratio == pytest.approx(s.negative_mah_cm2 / a.areal_mah_cm2)
    assert a.pressed_thickness_um < s.thickness_um
    assert a.efficiency_ratio == pytest.approx((s.pressed_porosity / s.porosity) ** 1.5)


@pytest.mark.slow
def test_ragone_points_trade_energy_for_power():
    from denchi import labs

    design = labs.design_cell(positive_thickness_um=60, np_ratio=1.1, c_rate=0.2, model="spme")
    table = design.ragone(c_rates=(0.2, 1, 2))
    assert list(table["c_rate"]) == [0.2, 1, 2]
    assert table["power_w_kg"].is_monotonic_increasing
    assert table["energy_wh_kg"].is_monotonic_decreasing
    # C/5 from full is the design's own discharge: the same energy per mass
    assert table["energy_wh_kg"][0] == pytest.approx(design.gravimetric_wh_kg, rel=1e-3)
    # mean power of a C-rate discharge is about C-rate x energy per mass
    assert table["power_w_kg"][2] == pytest.approx(2 * table["energy_wh_kg"][2], rel=0.1)
