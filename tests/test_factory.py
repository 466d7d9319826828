"""denchi.factory: the process steps, the line arithmetic and the energy/CO2 model.

Reference values:
- Degen & Schütte, J. Clean. Prod. (2022) 129798: 41.48 kWh per kWh of cells, of which
  21.38 kWh/kWh (52 %) natural gas for drying and the dry rooms.
- Degen et al., Nature Energy 8 (2023) 1284-1295: 20.3-37.5 kWh per kWh for current cells.
- Bryntesen et al., Energies 14 (2021) 1406: about 39 % of production energy goes to drying,
  electrode drying about half of it.
- IPCC 2006 Guidelines Vol. 2 Table 1.4: natural gas 56,100 kg CO2/TJ.
- Fraunhofer FFB (2024, secondary source): scrap 15-30 % early, about 10 % after five years.
- World Electric Vehicle Journal 14(4):96: formation and aging 20-30 % of cost, aging up to
  about three weeks.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import pytest

from denchi import factory
from denchi.errors import InputError
from denchi.factory.steps import DRY_ELECTRODE_CHANGES

# ------------------------------------------------------------------ steps


def test_twelve_steps_from_mixing_to_inspection_in_three_areas():
    keys = [s.key for s in factory.steps()]
    assert keys[0] == "mixing" and keys[-1] == "inspection" and len(keys) == 12
    assert [s.number for s in factory.steps()] == list(range(1, 13))
    assert [a.key for a in factory.areas()] == ["electrode", "assembly", "finishing"]
    assert sum(len(factory.steps(a.key)) for a in factory.areas()) == 12
    # the areas follow one another: no step of an earlier area comes after a later one
    order = [a.key for a in factory.areas()]
    assert [order.index(s.area) for s in factory.steps()] == sorted(
        order.index(s.area) for s in factory.steps()
    )


def test_every_step_says_what_happens_what_goes_wrong_and_what_inspection_catches():
    for s in factory.steps():
        assert len(s.what_ja) > 20 and len(s.defects_ja) > 20 and len(s.inspection_ja) > 20
        assert s.dry_electrode in DRY_ELECTRODE_CHANGES
        for text in (s.what_ja, s.defects_ja, s.inspection_ja):
            # YAML line folding must not leave spaces between Japanese characters
            assert not re.search(r"[^\x00-\x7f] [^\x00-\x7f]", text), (s.key, text)


def test_assembly_runs_in_the_dry_room_and_a_dry_electrode_removes_drying():
    assert {s.key for s in factory.steps() if s.dry_room} == {
        "stacking",
        "welding",
        "packaging",
        "filling",
    }
    assert factory.step("drying").dry_electrode == "removed"
    assert factory.step("mixing").dry_electrode == "changed"
    assert [s.key for s in factory.steps() if s.energy_heavy] == ["drying"]


def test_an_unknown_step_gets_a_clear_error():
    with pytest.raises(InputError) as info:
        factory.step("painting")
    assert info.value.parameter == "step"
    assert "drying" in str(info.value)
    with pytest.raises(InputError):
        factory.steps("kitchen")


# ------------------------------------------------------------------ energy and CO2


def test_degen_schuette_factory_energy_and_its_gas_share():
    use = factory.production_energy(1.0)
    assert use.total_kwh == pytest.approx(41.48)
    assert use.drying_and_dry_room_kwh == pytest.approx(21.38)
    assert round(factory.gas_share() * 100) == 52
    assert factory.production_energy(60).total_kwh == pytest.approx(60 * 41.48)


def test_degen_2023_range_lies_below_the_2022_factory():
    low, high = factory.DEGEN_2023_KWH_PER_KWH
    assert (low, high) == (20.3, 37.5)
    assert high < factory.DEGEN_SCHUTTE_2022_KWH_PER_KWH
    assert factory.production_energy(10, kwh_per_kwh=low).total_kwh == pytest.approx(203.0)


def test_dry_electrode_removes_electrode_drying_only():
    # Bryntesen et al.: 39 % to drying, about half of it electrode drying
    assert factory.dry_electrode_saving_share() == pytest.approx(0.195)
    wet = factory.production_energy(100)
    dry = factory.production_energy(100, process="dry")
    assert wet.total_kwh - dry.total_kwh == pytest.approx(0.195 * 4148)
    assert dry.other_kwh == pytest.approx(wet.other_kwh)
    assert dry.drying_and_dry_room_kwh > 0


def test_co2_from_gas_at_the_ipcc_factor_and_electricity_at_the_grid_factor():
    per_kwh = factory.NATURAL_GAS_KG_CO2_PER_KWH
    assert per_kwh == pytest.approx(56_100 / 277_777.78, rel=1e-6)  # 1 TJ = 277,778 kWh
    assert per_kwh == pytest.approx(0.202, abs=0.001)
    use = factory.production_energy(1.0)
    assert use.co2_kg(0.0) == pytest.approx(21.38 * 0.20196, rel=1e-4)
    assert use.co2_kg(0.5) == pytest.approx(21.38 * 0.20196 + 20.10 * 0.5, rel=1e-4)


def test_energy_inputs_are_checked():
    with pytest.raises(InputError) as info:
        factory.production_energy(-5)
    assert info.value.parameter == "cell_kwh"
    with pytest.raises(InputError) as info:
        factory.production_energy(5, process="solvent-free")
    assert info.value.parameter == "process"
    with pytest.raises(InputError) as info:
        factory.production_energy(5).co2_kg(3.0)
    assert info.value.parameter == "grid_kg_per_kwh"


# ------------------------------------------------------------------ the line


def test_takt_time_and_cells_for_a_gigawatt_hour():
    assert factory.takt_time_s(24, 100_000) == pytest.approx(0.864)
    # 1 GWh of 18 Wh cells (3.6 V × 5 Ah) is about 55.6 million cells
    assert factory.cells_for_energy(1, 18) == pytest.approx(5.5556e7, rel=1e-4)


def test_yield_multiplies_and_scrap_raises_the_cells_to_start():
    assert factory.overall_yield([0.9, 0.9]) == pytest.approx(0.81)
    assert factory.cells_to_start(1000, 0.1) == 1112
    assert factory.cells_to_start(800, 0.2) == 1000  # exact: no rounding up past 1000
    early_low, early_high = factory.FFB_SCRAP_EARLY
    assert (early_low, early_high, factory.FFB_SCRAP_AFTER_FIVE_YEARS) == (0.15, 0.30, 0.10)
    assert factory.cells_to_start(1000, early_high) > factory.cells_to_start(
        1000, factory.FFB_SCRAP_AFTER_FIVE_YEARS
    )


def test_cells_waiting_in_three_weeks_of_aging():
    assert factory.AGING_DAYS_UP_TO == 21
    assert factory.cells_in_aging(150_000, 21) == pytest.approx(3.15e6)
    assert factory.FORMATION_AGING_COST_SHARE == (0.20, 0.30)


def test_line_inputs_are_checked():
    with pytest.raises(InputError) as info:
        factory.overall_yield([0.9, 1.2])
    assert info.value.parameter == "step_yields[1]"
    with pytest.raises(InputError):
        factory.overall_yield([])
    with pytest.raises(InputError) as info:
        factory.cells_to_start(1000, 1.0)
    assert info.value.parameter == "scrap_rate"
    with pytest.raises(InputError):
        factory.takt_time_s(24, 0)


# ------------------------------------------------------------------ process map


def test_the_process_map_markdown_has_a_tab_for_every_step():
    text = factory.process_map_markdown()
    assert text.count("::::{tab-set}") == 3
    assert text.count(":::{tab-item}") == 12
    for s in factory.steps():
        assert f":::{{tab-item}} {s.label_ja}" in text
        assert s.inspection_ja in text
    only = factory.process_map_markdown("finishing")
    assert only.count(":::{tab-item}") == 3 and "化成" in only and "混練" not in only


def test_the_step_table_lists_every_step():
    table = factory.step_table_markdown()
    assert len(table.splitlines()) == 2 + 12


def test_the_flow_figure_marks_the_chosen_step():
    from matplotlib.colors import to_rgba

    ax = factory.draw_process_map(highlight="slitting")
    red = [p for p in ax.patches if p.get_edgecolor() == to_rgba("tab:red")]
    assert len(red) == 1
    texts = {t.get_text() for t in ax.texts}
    assert "5. スリット" in texts and any("ドライルーム" in t for t in texts)
    with pytest.raises(InputError):
        factory.draw_process_map(highlight="nothing")
