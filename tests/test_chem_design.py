"""Electrode design in closed form (denchi.chem.design) against hand-worked values.

Values: loading (1 − ε)·L·ρ and areal capacity from the definitions of porosity and specific
capacity; Bruggeman B = ε^b and τ = ε^(1 − b) as in PyBaMM's Bruggeman submodel
(``tor = eps ** b_e``) and its page "Transport efficiency and the models for tortuosity
factor"; ε = 0.3, b = 1.5: B = 0.3^1.5 = 0.16432, τ = 0.3^-0.5 = 1.8257.
"""

from __future__ import annotations

import math

import pytest

from denchi import chem
from denchi.errors import InputError


def test_loading_of_a_coating():
    # 70 µm, 30 % pores, solid 4.7 g/cm3: 70e-4 cm × 0.7 × 4.7 g/cm3 = 23.03 mg/cm2
    assert chem.coating_loading_mg_cm2(70, 0.3, 4.7) == pytest.approx(23.03)


def test_areal_capacity():
    # 20 mg/cm2 × 0.95 × 200 mAh/g = 3.8 mAh/cm2
    assert chem.areal_capacity_mah_cm2(20, 200, 0.95) == pytest.approx(3.8)


def test_calendering_keeps_the_solid_volume():
    pressed = chem.calendered_thickness_um(100, 0.45, 0.3)
    assert pressed == pytest.approx(100 * 0.55 / 0.7)
    assert chem.coating_loading_mg_cm2(pressed, 0.3, 4.0) == pytest.approx(
        chem.coating_loading_mg_cm2(100, 0.45, 4.0)
    )


def test_calendering_cannot_open_pores():
    with pytest.raises(InputError, match="new_porosity"):
        chem.calendered_thickness_um(100, 0.3, 0.4)


def test_bruggeman_values():
    assert chem.bruggeman_transport_efficiency(0.3) == pytest.approx(0.16432, rel=1e-4)
    assert chem.bruggeman_tortuosity_factor(0.3) == pytest.approx(1.8257, rel=1e-4)
    assert chem.bruggeman_tortuosity_factor(1.0) == pytest.approx(1.0)  # no solid, no detour
    assert chem.bruggeman_transport_efficiency(0.3, exponent=2.0) == pytest.approx(0.09)


def test_lower_porosity_is_more_tortuous():
    taus = [chem.bruggeman_tortuosity_factor(e) for e in (0.5, 0.4, 0.3, 0.2)]
    assert taus == sorted(taus)


def _chain():
    return chem.cell_energy_density(
        cathode_mah_g=200, anode_mah_g=350, voltage_v=3.7, np_ratio=1.1,
        cathode_active_fraction=0.95, anode_active_fraction=0.96, collectors_g_per_ah=1.0,
        separator_g_per_ah=0.3, electrolyte_g_per_ah=1.6, case_g_per_ah=0.8,
    )  # fmt: skip


def test_materials_cost_per_kwh():
    chain = _chain()
    # 5 g/Ah of positive active material at 3.7 V is 5/3.7 kg/kWh; at 20 /kg: 27.03 per kWh
    assert chem.materials_cost_per_kwh(chain, {"cathode_active": 20.0}) == pytest.approx(
        5.0 / 3.7 * 20.0
    )
    every = {part: 10.0 for part in chem.PARTS}
    assert chem.materials_cost_per_kwh(chain, every) == pytest.approx(
        chain.cell_g_per_ah / 3.7 * 10.0
    )
    assert math.isclose(chem.materials_cost_per_kwh(chain, {}), 0.0)


def test_cost_names_an_unknown_part_and_a_bad_price():
    with pytest.raises(InputError, match="cobalt"):
        chem.materials_cost_per_kwh(_chain(), {"cobalt": 1.0})
    with pytest.raises(InputError, match="case"):
        chem.materials_cost_per_kwh(_chain(), {"case": -1.0})


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: chem.coating_loading_mg_cm2(70, 1.2, 4.7), "porosity"),
        (lambda: chem.coating_loading_mg_cm2(float("nan"), 0.3, 4.7), "thickness_um"),
        (lambda: chem.areal_capacity_mah_cm2(20, 200, 0), "active_fraction"),
        (lambda: chem.bruggeman_transport_efficiency(0.0), "porosity"),
    ],
)
def test_bad_inputs_are_named(call, name):
    with pytest.raises(InputError, match=name):
        call()
