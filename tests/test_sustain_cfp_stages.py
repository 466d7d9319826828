"""denchi.sustain's stage-by-stage carbon footprint and the EU recycled-content check (u08).

References:
- METI's draft CFP method for automotive batteries, ver. 1.0 (April 2023), as reported by
  日刊自動車新聞 (mobi-navi.com): four stages (原材料の調達, 製造, 流通, 使用後), the use
  stage left out; in METI's trial, acquisition and production were 75 % of the total.
- A stage's CFP adds its electricity (kWh used × the grid's kg CO2/kWh, as
  ``denchi.factory.EnergyUse.co2_kg``) and its other emissions [kg CO2e].
- EUR-Lex summary of Regulation (EU) 2023/1542: minimum recycled content from 18 August 2031
  of 16 % cobalt, 85 % lead, 6 % lithium and 6 % nickel.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from denchi import sustain
from denchi.errors import InputError

ELECTRICITY = {"materials": 30.0, "production": 25.0, "distribution": 0.0, "end_of_life": 2.0}
OTHER = {"materials": 40.0, "production": 5.0, "distribution": 1.5, "end_of_life": 3.0}


def test_each_stage_is_electricity_times_the_grid_factor_plus_its_other_emissions():
    result = sustain.cfp_by_stage(ELECTRICITY, OTHER, grid_kg_per_kwh=0.5)
    assert result.stages_kg == pytest.approx(
        {"materials": 55.0, "production": 17.5, "distribution": 1.5, "end_of_life": 4.0}
    )
    assert result.total_kg == pytest.approx(78.0)
    assert result.electricity_kg == pytest.approx(57 * 0.5)
    assert list(result.stages_kg) == list(sustain.CFP_STAGES)  # always in stage order


def test_a_clean_grid_leaves_only_the_other_emissions():
    result = sustain.cfp_by_stage(ELECTRICITY, OTHER, grid_kg_per_kwh=0.0)
    assert result.total_kg == pytest.approx(sum(OTHER.values()))
    assert result.electricity_kg == 0.0


def test_a_missing_stage_counts_as_zero_and_shares_add_up_to_one():
    result = sustain.cfp_by_stage({"production": 10.0}, {"materials": 20.0}, 0.4)
    assert result.stages_kg == pytest.approx(
        {"materials": 20.0, "production": 4.0, "distribution": 0.0, "end_of_life": 0.0}
    )
    assert sum(result.shares().values()) == pytest.approx(1.0)
    assert result.shares()["materials"] == pytest.approx(20 / 24)
    assert result.upstream_share == pytest.approx(1.0)  # materials + production


def test_per_kwh_divides_by_the_capacity_in_kwh():
    result = sustain.cfp_by_stage(ELECTRICITY, OTHER, 0.5)
    assert result.per_kwh(0.25) == pytest.approx(78.0 / 0.25)
    with pytest.raises(InputError) as info:
        result.per_kwh(0.0)
    assert info.value.parameter == "capacity_kwh"


def test_the_use_stage_is_refused_with_the_reason():
    with pytest.raises(InputError) as info:
        sustain.cfp_by_stage({"use": 5.0}, {}, 0.5)
    assert info.value.parameter == "electricity_kwh"
    assert "使用" in info.value.message_ja and "use" in info.value.message_en


def test_an_unknown_stage_is_refused_naming_it():
    with pytest.raises(InputError) as info:
        sustain.cfp_by_stage({}, {"transport": 1.0}, 0.5)
    assert info.value.parameter == "other_kg"
    assert "transport" in info.value.message_en and "materials" in info.value.message_en


@pytest.mark.parametrize(
    ("electricity", "other", "grid", "parameter"),
    [
        ({"materials": -1.0}, {}, 0.5, "electricity_kwh"),
        ({}, {"production": float("nan")}, 0.5, "other_kg"),
        ({}, {}, -0.1, "grid_kg_per_kwh"),
        ({}, {}, 5.0, "grid_kg_per_kwh"),
        ({}, {"materials": "12"}, 0.5, "other_kg"),
    ],
)
def test_bad_numbers_are_refused_naming_the_argument(electricity, other, grid, parameter):
    with pytest.raises(InputError) as info:
        sustain.cfp_by_stage(electricity, other, grid)
    assert info.value.parameter == parameter


def test_recycled_metal_lowers_the_materials_emission_in_proportion():
    virgin = sustain.material_emissions_kg(2.0, virgin_kg_per_kg=20.0, recycled_kg_per_kg=5.0)
    half = sustain.material_emissions_kg(2.0, 20.0, 5.0, recycled_share=0.5)
    assert virgin == pytest.approx(40.0)
    assert half == pytest.approx(2.0 * (0.5 * 20.0 + 0.5 * 5.0))
    with pytest.raises(InputError) as info:
        sustain.material_emissions_kg(2.0, 20.0, 5.0, recycled_share=1.2)
    assert info.value.parameter == "recycled_share"


def test_the_meti_trial_share_is_the_reported_three_quarters():
    assert sustain.METI_TRIAL_UPSTREAM_SHARE == 0.75
    assert sustain.CFP_STAGES == ("materials", "production", "distribution", "end_of_life")
    assert "use" not in sustain.CFP_STAGES and set(sustain.CFP_STAGE_NAMES_JA) == set(
        sustain.CFP_STAGES
    )


def test_recycled_content_against_the_2031_minimums():
    checks = sustain.recycled_content_check(
        recycled_kg={"cobalt": 0.9, "lithium": 0.05, "nickel": 0.4},
        total_kg={"cobalt": 5.0, "lithium": 1.0, "nickel": 5.0},
    )
    assert list(checks) == ["cobalt", "lithium", "nickel"]
    assert checks["cobalt"].share == pytest.approx(0.18) and checks["cobalt"].complies
    assert checks["lithium"].share == pytest.approx(0.05) and not checks["lithium"].complies
    assert checks["nickel"].share == pytest.approx(0.08) and checks["nickel"].complies
    assert checks["lithium"].minimum == 0.06
    assert sustain.EU_RECYCLED_CONTENT_MIN_2031 == {
        "cobalt": 0.16,
        "lead": 0.85,
        "lithium": 0.06,
        "nickel": 0.06,
    }


def test_exactly_the_minimum_complies():
    checks = sustain.recycled_content_check({"nickel": 0.6}, {"nickel": 10.0})
    assert checks["nickel"].complies


def test_recycled_content_refuses_what_cannot_be():
    with pytest.raises(InputError) as info:
        sustain.recycled_content_check({"cobalt": 2.0}, {"cobalt": 1.0})
    assert info.value.parameter == "recycled_kg" and "cobalt" in info.value.message_en
    with pytest.raises(InputError) as info:
        sustain.recycled_content_check({"copper": 1.0}, {"copper": 2.0})
    assert info.value.parameter == "total_kg" and "copper" in info.value.message_en
    with pytest.raises(InputError) as info:
        sustain.recycled_content_check({"nickel": 1.0}, {"nickel": 0.0})
    assert info.value.parameter == "total_kg"
    with pytest.raises(InputError) as info:
        sustain.recycled_content_check({"lithium": 0.1}, {"cobalt": 1.0})
    assert info.value.parameter == "recycled_kg" and "lithium" in info.value.message_en


_HOSTILE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=5),
    st.none(),
    st.booleans(),
    st.lists(st.floats(), max_size=2),
)
_KEYS = st.sampled_from([*sustain.CFP_STAGES, "use", "transport", "", "Materials"])


@settings(max_examples=150, deadline=None)
@given(
    electricity=st.one_of(st.dictionaries(_KEYS, _HOSTILE, max_size=5), _HOSTILE),
    other=st.one_of(st.dictionaries(_KEYS, _HOSTILE, max_size=5), _HOSTILE),
    grid=_HOSTILE,
)
def test_hostile_inputs_raise_only_input_error(electricity, other, grid):
    try:
        result = sustain.cfp_by_stage(electricity, other, grid)
    except InputError:
        return
    assert result.total_kg >= 0 and list(result.stages_kg) == list(sustain.CFP_STAGES)


@settings(max_examples=100, deadline=None)
@given(
    electricity=st.dictionaries(st.sampled_from(sustain.CFP_STAGES), st.floats(0, 1e6), max_size=4),
    other=st.dictionaries(st.sampled_from(sustain.CFP_STAGES), st.floats(0, 1e6), max_size=4),
    grid=st.floats(0, 2),
)
def test_valid_inputs_are_accepted_and_add_up(electricity, other, grid):
    result = sustain.cfp_by_stage(electricity, other, grid)
    expected = sum(electricity.values()) * grid + sum(other.values())
    assert result.total_kg == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(
    recycled=st.one_of(
        st.dictionaries(st.sampled_from(["cobalt", "lead", "copper", "x"]), _HOSTILE), _HOSTILE
    ),
    total=st.one_of(
        st.dictionaries(st.sampled_from(["cobalt", "lead", "copper", "x"]), _HOSTILE), _HOSTILE
    ),
)
def test_hostile_recycled_content_raises_only_input_error(recycled, total):
    try:
        checks = sustain.recycled_content_check(recycled, total)
    except InputError:
        return
    assert all(0 <= c.share <= 1 for c in checks.values())
