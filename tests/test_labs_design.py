"""design_cell: what a cell designer weighs (capacity, N/P, energy density, power)."""

from __future__ import annotations

import pytest

from denchi import labs

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)


@pytest.fixture(scope="module")
def reference():
    return labs.design_cell()


def test_the_unchanged_design_is_the_preset_cell(reference):
    preset = labs.Cell("nmc_graphite").discharge(c_rate=1.0)
    assert reference.positive_thickness_um == pytest.approx(75.6)
    assert reference.capacity_ah == pytest.approx(preset.capacity_ah, rel=0.03)
    assert reference.design_capacity_ah == pytest.approx(5.0, rel=0.05)
    # an LG M50-like stack: a little above 1 for N/P, energy densities of a modern cell
    assert 1.0 < reference.np_ratio < 1.3
    assert 200 < reference.gravimetric_wh_kg < 350
    assert 600 < reference.volumetric_wh_l < 1000
    assert reference.areal_capacity_mah_cm2 == pytest.approx(
        reference.design_capacity_ah * 1000 / (0.065 * 1.58 * 1e4), rel=1e-6
    )


def test_thicker_electrodes_store_more_but_deliver_less_at_high_rate(reference):
    thick_slow = labs.design_cell(positive_thickness_um=120, np_ratio=1.1, c_rate=0.2)
    thick_fast = labs.design_cell(positive_thickness_um=120, np_ratio=1.1, c_rate=3.0)
    thin_fast = labs.design_cell(positive_thickness_um=40, np_ratio=1.1, c_rate=3.0)
    assert thick_slow.design_capacity_ah > 1.4 * reference.design_capacity_ah
    assert thick_slow.gravimetric_wh_kg > reference.gravimetric_wh_kg
    # energy vs power: at 3C the thick design delivers a small share of its capacity
    assert thick_fast.capacity_ah / thick_fast.design_capacity_ah < 0.5
    assert thin_fast.capacity_ah / thin_fast.design_capacity_ah > 0.8
    assert thick_fast.np_ratio == pytest.approx(1.1, rel=1e-6)


def test_np_ratio_sets_the_negative_thickness(reference):
    more = labs.design_cell(np_ratio=1.3)
    assert more.negative_thickness_um == pytest.approx(
        reference.negative_thickness_um * 1.3 / reference.np_ratio, rel=1e-6
    )
    assert more.mass_kg > reference.mass_kg


def test_pressing_raises_the_volumetric_energy(reference):
    pressed = labs.design_cell(positive_porosity=0.25, negative_porosity=0.2, c_rate=0.2)
    assert pressed.volumetric_wh_l > reference.volumetric_wh_l


def test_a_designed_cell_runs_other_experiments(reference):
    result = reference.cell.rate_test([0.5, 2.0])
    assert result.capacities_ah[0] > result.capacities_ah[1]
    table = reference.to_dataframe()
    assert table.loc[0, "gravimetric_wh_kg"] == pytest.approx(reference.gravimetric_wh_kg)
    ax = labs.compare([reference, labs.design_cell(positive_thickness_um=60)])
    assert len(ax.get_lines()) == 2
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] != legend[1] and all("N/P" in entry for entry in legend)


def test_design_choices_are_checked():
    with pytest.raises(labs.LabInputError, match="np_ratio"):
        labs.design_cell(negative_thickness_um=80, np_ratio=1.1)
    with pytest.raises(labs.LabInputError, match="positive_porosity"):
        labs.design_cell(positive_porosity=0.95)
    with pytest.raises(labs.LabInputError, match="base"):
        labs.design_cell(base="lead_acid")
    with pytest.raises(labs.LabInputError, match="np_ratio"):
        labs.design_cell(positive_thickness_um=250, np_ratio=3.0)  # would need > 300 µm


def test_the_base_presets_window_and_parameters_are_read_once_per_spec(monkeypatch):
    # design_cell reads its base preset's stoichiometry window (an electrode-SOH solve, 0.35 s)
    # and layer parameters at every design; the h06 and u04 explorers design dozens of cells
    from denchi.labs.engine import simulation
    from denchi.labs.engine.presets import get_preset

    simulation.stoichiometry_window.cache_clear()
    simulation._numeric_parameters.cache_clear()
    reads = []
    plain = simulation.plain_parameter_values
    monkeypatch.setattr(
        simulation, "plain_parameter_values", lambda *a: reads.append(a[0]) or plain(*a)
    )
    spec = simulation.ModelSpec(get_preset("lco_graphite"), "dfn")
    names = ["Negative electrode thickness [m]", "Negative electrode porosity"]
    first = simulation.numeric_parameters(spec, names)
    first[names[0]] = -1.0  # a caller changing its copy changes no one else's
    assert simulation.numeric_parameters(spec, names)[names[0]] > 0
    assert simulation.stoichiometry_window(spec) == simulation.stoichiometry_window(spec)
    assert len(reads) == 2  # one read for the parameters, one for the window
    thinner = labs.design_cell("lco_graphite", positive_thickness_um=50.0)
    thicker = labs.design_cell("lco_graphite", positive_thickness_um=100.0)
    assert thinner.capacity_ah < thicker.capacity_ah
