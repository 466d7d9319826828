"""The virtual small-cell practicum (h06): what each of the four choices does to the cell.

The physics comes from PyBaMM through ``design_cell``; the practicum adds mass-conserving
pressing, partial wetting and the lithium used by the SEI at the first charge. References:
Joho et al., J. Power Sources 97-98 (2001) 78 (first-cycle loss proportional to graphite
surface); Novák et al., J. Power Sources 97-98 (2001) 39 (below 7 % without water).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest

from denchi import labs
from denchi.errors import InputError
from denchi.labs.api import practicum

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)


@pytest.fixture(scope="module")
def standard():
    return labs.practicum_cell()


def test_pressing_keeps_the_coated_material():
    assert practicum.pressed_thickness_um(140, 0.3) == pytest.approx(100.0)
    assert practicum.pressed_thickness_um(140, practicum.COATED_POROSITY) == pytest.approx(140)


def test_the_standard_cell_loses_lithium_to_the_sei_at_its_first_charge(standard):
    assert 1.0 < standard.np_ratio < 1.5
    simulated = standard.design.discharge.capacity_ah  # fully wetted: no scaling
    loss = practicum.SEI_LOSS_SHARE * simulated * standard.np_ratio
    assert standard.formation_loss_ah == pytest.approx(loss, rel=1e-9)
    assert standard.capacity_ah == pytest.approx(simulated - loss, rel=1e-9)
    # the curve is cut where the graphite runs out of lithium and falls to the cut-off
    assert standard.voltage_v[-1] == pytest.approx(standard.design.cell.preset.voltage_min_v)
    assert 3.5 < standard.average_voltage_v < 3.9
    assert standard.energy_wh == pytest.approx(standard.average_voltage_v * standard.capacity_ah)
    # a first charge at 0.2C takes about five hours (CC, then a short CV phase)
    assert 4.5 < standard.first_charge_hours < 6.0
    assert 0.8 < standard.first_charge_cc_share < 1.0
    assert standard.notes_ja() == []


def test_pressing_makes_the_cell_thinner_not_bigger_in_capacity(standard):
    unpressed = labs.practicum_cell(pressed_porosity=practicum.COATED_POROSITY)
    assert unpressed.pressed_thickness_um > standard.pressed_thickness_um
    assert unpressed.capacity_ah == pytest.approx(standard.capacity_ah, rel=0.01)
    assert unpressed.volumetric_wh_l < 0.95 * standard.volumetric_wh_l
    assert any("プレス" in note for note in unpressed.notes_ja())


def test_too_little_electrolyte_leaves_part_of_the_cell_unused(standard):
    dry = labs.practicum_cell(electrolyte_fill=0.6)
    assert dry.wetted_fraction == pytest.approx(0.6)
    # the wetted 60 % works a little harder (0.33C instead of 0.2C): slightly under 60 %
    assert 0.55 * standard.capacity_ah < dry.capacity_ah < 0.6 * standard.capacity_ah
    assert any("60%" in note for note in dry.notes_ja())
    flooded = labs.practicum_cell(electrolyte_fill=1.6)
    assert flooded.capacity_ah == pytest.approx(standard.capacity_ah)
    assert any("多すぎ" in note for note in flooded.notes_ja())


def test_a_thin_negative_coating_risks_lithium_plating(standard):
    thin = labs.practicum_cell(coated_thickness_um=60)
    assert thin.np_ratio < 1.0 and thin.plating_risk
    assert thin.capacity_ah < 0.7 * standard.capacity_ah
    assert any("N/P" in note for note in thin.notes_ja())


def test_a_faster_first_charge_is_shorter_but_fills_less_before_the_cv_phase(standard):
    fast = labs.practicum_cell(first_charge_c_rate=1.0)
    assert fast.first_charge_hours < 0.35 * standard.first_charge_hours
    assert fast.first_charge_cc_share < standard.first_charge_cc_share
    # the model does not tie the SEI loss to the current (see the module docstring)
    assert fast.capacity_ah == pytest.approx(standard.capacity_ah)


def test_practicum_cells_compare_in_one_figure(standard):
    ax = labs.compare([standard, standard], labels=["A", "B"])
    assert len(ax.get_lines()) == 2
    assert ax.get_xlabel() == "放電容量 [Ah]"
    assert set(standard.summary()) >= {"capacity_ah", "np_ratio", "volumetric_wh_l"}


@pytest.mark.parametrize(
    "argument, value",
    [
        ("pressed_porosity", 0.6),  # pressing cannot open the pores
        ("electrolyte_fill", 0.0),
        ("coated_thickness_um", "thick"),
        ("first_charge_c_rate", 5.0),
    ],
)
def test_bad_choices_get_a_clear_error(argument, value):
    with pytest.raises(InputError) as info:
        labs.practicum_cell(**{argument: value})
    assert info.value.parameter == argument
