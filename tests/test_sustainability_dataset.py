"""The seeded cell of the u08 assignment (labs.datasets.sustainability)."""

from __future__ import annotations

import time

import pytest

from denchi import sustain
from denchi.labs.datasets.sustainability import (
    CHOICES,
    METALS,
    cell_inventory,
)
from denchi.labs.errors import LabInputError

SEEDS = [0, 1, 7, "s1001", "s1002", "practice", "demo", "学籍番号42"] + list(range(100, 160))


def test_the_reference_is_sustain_s_calculator_over_the_inventory():
    cell = cell_inventory("s1001")
    expected = sustain.cfp_by_stage(cell.electricity_kwh, cell.other_kg, cell.grid_kg_per_kwh)
    assert cell.footprint() == expected
    by_hand = {
        s: cell.electricity_kwh[s] * cell.grid_kg_per_kwh + cell.other_kg[s]
        for s in sustain.CFP_STAGES
    }
    assert cell.footprint().stages_kg == pytest.approx(by_hand)
    production = cell.electricity_kwh["production"]
    switched = (
        expected.total_kg - production * (cell.grid_kg_per_kwh - cell.factory_kg_per_kwh)
    ) / cell.capacity_kwh
    assert cell.switched_kg_per_kwh() == pytest.approx(switched)


def test_the_same_seed_gives_the_same_cell_and_two_students_differ():
    assert cell_inventory("s1001") == cell_inventory("s1001")
    assert cell_inventory("s1002") != cell_inventory("s1001")


@pytest.mark.parametrize("seed", SEEDS)
def test_every_cell_is_in_the_exercise_s_range_with_a_clear_answer(seed):
    cell = cell_inventory(seed)
    per_kwh = cell.footprint().per_kwh(cell.capacity_kwh)
    assert 30 < per_kwh < 130  # the order of Xu et al.'s 41-89 kg CO2e/kWh
    assert cell.switched_kg_per_kwh() < per_kwh  # a cleaner factory supply always helps
    assert cell.electricity_kwh["distribution"] == 0.0
    checks = cell.recycled_content()
    assert list(checks) == list(METALS)
    short = [m for m, c in checks.items() if not c.complies]
    assert len(short) <= 1
    for c in checks.values():  # never a share that rounding could move across the minimum
        assert abs(c.share - c.minimum) > 0.15 * c.minimum
    assert cell.choice() == (CHOICES[1 + METALS.index(short[0])] if short else "A")


def test_every_answer_letter_occurs_over_the_class():
    assert {cell_inventory(seed).choice() for seed in SEEDS} == set(CHOICES)


def test_a_recycled_share_lowers_the_materials_stage():
    """The materials stage holds the metals' emissions at their recycled shares
    (sustain.material_emissions_kg): with no recycled metal it would be larger."""
    from denchi.labs.datasets.sustainability import EXERCISE_METAL_FACTORS

    cell = cell_inventory("s1001")
    saved = sum(
        sustain.material_emissions_kg(cell.metals_kg[m], *EXERCISE_METAL_FACTORS[m])
        - sustain.material_emissions_kg(
            cell.metals_kg[m],
            *EXERCISE_METAL_FACTORS[m],
            recycled_share=cell.recycled_kg[m] / cell.metals_kg[m],
        )
        for m in METALS
    )
    assert saved > 0


def test_a_cell_takes_milliseconds():
    start = time.perf_counter()
    for seed in range(200):
        cell_inventory(seed).footprint()
    assert (time.perf_counter() - start) / 200 < 0.01


def test_a_bad_seed_is_refused():
    with pytest.raises(LabInputError):
        cell_inventory(-1)


def test_every_metal_at_one_recycled_share_changes_only_the_materials_stage():
    from denchi.labs.datasets.sustainability import EXERCISE_METAL_FACTORS

    cell = cell_inventory("demo")
    none, half = cell.with_recycled_share(0.0), cell.with_recycled_share(0.5)
    virgin = sum(
        sustain.material_emissions_kg(cell.metals_kg[m], *EXERCISE_METAL_FACTORS[m]) for m in METALS
    )
    mixed = sum(
        sustain.material_emissions_kg(cell.metals_kg[m], *EXERCISE_METAL_FACTORS[m], 0.5)
        for m in METALS
    )
    assert none.other_kg["materials"] - half.other_kg["materials"] == pytest.approx(
        virgin - mixed, abs=0.02
    )
    for stage in ("production", "distribution", "end_of_life"):
        assert half.other_kg[stage] == cell.other_kg[stage]
    assert half.electricity_kwh == cell.electricity_kwh
    assert all(c.share == pytest.approx(0.5) for c in half.recycled_content().values())
