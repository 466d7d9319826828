"""The seeded cell of the u02 assignment (denchi.labs.datasets.materials).

Every student's cell must be valid input for the energy-density chain of denchi.chem (the
assignment's solution and hidden tests call it), the same seed must give the same cell, and
different students must get different cells.
"""

from __future__ import annotations

import re

import pytest

from denchi import chem
from denchi.labs.datasets.materials import cell_composition
from denchi.labs.errors import LabInputError

SEEDS = [f"s{i:04d}" for i in range(200)]


def _chain(seed: str) -> chem.EnergyDensity:
    cell = cell_composition(seed)
    q_th = chem.theoretical_capacity_mah_g(chem.molar_mass_g_mol(cell.cathode_formula))
    return chem.cell_energy_density(
        cathode_mah_g=q_th * cell.cathode_utilisation,
        anode_mah_g=cell.anode_mah_g,
        voltage_v=cell.voltage_v,
        np_ratio=cell.np_ratio,
        cathode_active_fraction=cell.cathode_active_fraction,
        anode_active_fraction=cell.anode_active_fraction,
        collectors_g_per_ah=cell.collectors_g / cell.capacity_ah,
        separator_g_per_ah=cell.separator_g / cell.capacity_ah,
        electrolyte_g_per_ah=cell.electrolyte_g / cell.capacity_ah,
        case_g_per_ah=cell.case_g / cell.capacity_ah,
    )


def test_the_same_seed_gives_the_same_cell():
    assert cell_composition("s0001") == cell_composition("s0001")
    assert cell_composition(7) == cell_composition(7)


def test_students_get_different_cells():
    cells = {cell_composition(seed) for seed in SEEDS}
    formulas = {cell.cathode_formula for cell in cells}
    assert len(cells) == len(SEEDS)
    assert len(formulas) > 50


@pytest.mark.parametrize("seed", SEEDS[:50])
def test_every_cell_is_a_layered_oxide_with_one_metal_per_formula_unit(seed):
    formula = cell_composition(seed).cathode_formula
    amounts = dict(re.findall(r"([A-Z][a-z]?)(\d+(?:\.\d+)?)?", formula))
    assert formula.startswith("LiNi") and formula.endswith("O2")
    metals = sum(float(amounts[m]) for m in ("Ni", "Mn", "Co"))
    assert metals == pytest.approx(1.0, abs=1e-9)
    assert 0.5 <= float(amounts["Ni"]) <= 0.9


def test_every_cell_gives_a_plausible_chain():
    cells = [_chain(seed) for seed in SEEDS]
    assert all(150 < c.cell_wh_kg < c.stack_wh_kg < c.active_wh_kg < 600 for c in cells)


def test_the_table_shows_every_field():
    cell = cell_composition("practice")
    rows = dict(cell.rows())
    assert rows["正極活物質"] == cell.cathode_formula
    assert rows["セルの容量"] == f"{cell.capacity_ah:g} Ah"
    assert len(rows) == 12


@pytest.mark.parametrize("bad", [-1, "", True, 1.5, None])
def test_a_bad_seed_is_refused(bad):
    with pytest.raises(LabInputError):
        cell_composition(bad)
