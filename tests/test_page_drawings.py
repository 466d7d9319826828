"""The drawing functions behind the lesson pages' figures (denchi.*.figures, plotting helpers).

Each page calls one of these in a line; the test checks what the figure is made of (bars and
their heights, boxes, arrows, labels), so a change that breaks the figure's meaning (and its
alt text in the page) fails here. No PyBaMM, no kernel: matplotlib's Agg backend.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle  # noqa: E402

from denchi import careers, chem, factory, sustain  # noqa: E402
from denchi.errors import InputError  # noqa: E402
from denchi.plotting import diagram_axes, draw_arrow  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(ax) -> str:
    return "\n".join(t.get_text() for t in ax.texts)


def _patches(ax, kind) -> list:
    return [p for p in ax.patches if isinstance(p, kind)]


def test_diagram_axes_and_arrows():
    ax = diagram_axes(figsize=(4, 2), xlim=(0, 12), ylim=(-1, 3))
    assert ax.get_xlim() == (0, 12) and ax.get_ylim() == (-1, 3) and not ax.axison
    assert tuple(ax.figure.get_size_inches()) == (4, 2)
    given = plt.subplots()[1]
    assert diagram_axes(given) is given  # draws where it is told
    arrow = draw_arrow(ax, (1, 1), (2, 1), "tab:red", lw=2)
    assert isinstance(arrow, FancyArrowPatch) and arrow in ax.patches


def test_ionisation_series_has_one_bar_per_couple_at_its_potential():
    ax = chem.draw_ionisation_series()
    series = chem.ionisation_series()
    heights = [bar.get_height() for bar in ax.containers[0]]
    assert heights == pytest.approx([c.standard_potential_v for c in series])
    assert [t.get_text() for t in ax.get_xticklabels()] == [c.key for c in series]
    assert "[V]" in ax.get_ylabel() and "+0.34" in _texts(ax)  # Cu


def test_the_daniell_cell_has_both_electrodes_reactions_and_the_electron_flow():
    ax = chem.draw_daniell_cell()
    text = _texts(ax)
    for part in (
        "亜鉛板\n（負極）",
        "銅板\n（正極）",
        "（酸化）",
        "（還元）",
        "電子 e$^-$",
        "素焼き板",
    ):
        assert part in text, part
    (electrons,) = _patches(ax, FancyArrowPatch)
    assert electrons._posA_posB[0][0] < electrons._posA_posB[1][0]  # zinc (left) to copper


def test_energy_conversion_has_three_panels_and_charge_only_for_the_secondary_cell():
    axes = chem.draw_energy_conversion()
    arrows = [len(_patches(ax, FancyArrowPatch)) for ax in axes]
    assert arrows == [1, 2, 1]
    assert [ax.get_title() for ax in axes] == [
        "一次電池（使い切り）",
        "二次電池（くり返し使える）",
        "燃料電池（燃料で発電）",
    ]
    assert "充電" in _texts(axes[1]) and "充電" not in _texts(axes[0])


def test_mass_per_kwh_is_1000_wh_over_the_specific_energy():
    ax = chem.draw_mass_per_kwh({"A": 100, "B": 250})
    assert [b.get_width() for b in ax.containers[0]] == pytest.approx([10.0, 4.0])
    assert "10.0 kg" in _texts(ax) and "[kg]" in ax.get_xlabel()
    page = chem.draw_mass_per_kwh()  # the page's values: the lead-acid bar, 28.6 kg, first
    assert page.containers[0][0].get_width() == pytest.approx(1000 / 35)
    with pytest.raises(InputError, match="Wh/kg"):
        chem.draw_mass_per_kwh({"A": 0})


def test_the_lithium_ion_cell_shows_its_five_layers_and_both_flows():
    ax = chem.draw_lithium_ion_cell()
    text = _texts(ax)
    for part in ("銅箔", "負極（黒鉛）", "セパレータ", "正極（金属酸化物）", "アルミ箔", "電解液"):
        assert part in text, part
    arrows = _patches(ax, FancyArrowPatch)
    assert len(arrows) == 4  # three Li+ inside, one electron arrow outside
    assert all(a._posA_posB[0][0] < a._posA_posB[1][0] for a in arrows)  # negative → positive


def test_thermal_runaway_is_a_loop_of_four_boxes():
    ax = chem.draw_thermal_runaway_loop()
    assert len(_patches(ax, FancyBboxPatch)) == 4 and len(_patches(ax, FancyArrowPatch)) == 4
    assert "悪循環" in _texts(ax)


def test_production_energy_bars_add_up_to_the_totals():
    ax = factory.draw_production_energy(1.0)
    wet, dry = factory.production_energy(1.0), factory.production_energy(1.0, process="dry")
    widths = [p.get_width() for p in _patches(ax, Rectangle)]
    assert widths == pytest.approx(
        [wet.drying_and_dry_room_kwh, wet.other_kwh, dry.drying_and_dry_room_kwh, dry.other_kwh]
    )
    assert f"{wet.total_kwh:.1f} kWh" in _texts(ax) and wet.total_kwh < ax.get_xlim()[1]
    with pytest.raises(InputError):
        factory.draw_production_energy(-1)


def test_overall_yield_lines_are_the_product_of_the_step_yields():
    ax = factory.draw_overall_yield([0.99, 0.9], max_steps=5)
    first, second = ax.get_lines()
    assert list(first.get_xdata()) == [1, 2, 3, 4, 5]
    assert first.get_ydata()[-1] == pytest.approx(100 * 0.99**5)
    assert second.get_ydata()[1] == pytest.approx(81.0)
    assert ax.get_ylim()[0] <= 100 * 0.9**5  # the lowest point is in view
    with pytest.raises(InputError, match="max_steps"):
        factory.draw_overall_yield(max_steps=0)
    with pytest.raises(InputError):
        factory.draw_overall_yield([1.5])


def test_the_practicum_has_four_steps_in_order():
    ax = factory.draw_practicum_steps()
    assert len(_patches(ax, FancyBboxPatch)) == 4 and len(_patches(ax, FancyArrowPatch)) == 3
    titles = [t.get_text() for t in ax.texts if t.get_text()[:1].isdigit()]
    assert [t[0] for t in titles] == ["1", "2", "3", "4"]


def test_pressing_keeps_the_particles_and_thins_the_electrode():
    before, after = factory.draw_pressing()
    assert len(_patches(before, Circle)) == len(_patches(after, Circle)) == 54
    assert "140" in _texts(before) and "100" in _texts(after)
    top = [max(c.center[1] for c in _patches(ax, Circle)) for ax in (before, after)]
    assert top[1] < top[0]


def test_the_solar_day_marks_surplus_and_shortfall():
    ax = sustain.draw_solar_day()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "太陽光の発電",
        "電気を使う量",
        "余った電気 → 蓄電池にためる",
        "足りない電気 → 蓄電池から使う",
    ]
    assert ax.get_xlim() == (0, 24) and "[時]" in ax.get_xlabel()


def test_material_demand_table_gives_man_tonnes_for_both_capacities():
    rows = sustain.material_demand_markdown().splitlines()
    assert len(rows) == 2 + len(sustain.MATERIALS)
    assert "| リチウム | 10 | 38 |" in rows  # 100 kt and 380 kt (BASC)


def test_secured_resources_bars_are_need_and_secured_in_man_tonnes():
    ax = sustain.draw_secured_resources()
    need, secured = ([b.get_height() for b in c] for c in ax.containers)
    assert need == pytest.approx([10, 9]) and secured == pytest.approx([3.5, 2.5])
    assert "[万 t/年]" in ax.get_ylabel()


def test_recycling_flow_bars_follow_the_path():
    ax = sustain.draw_recycling_flow(sustain.SEED_AUTOMOTIVE_PATH, start=100)
    heights = [b.get_height() for b in ax.containers[0]]
    assert heights == pytest.approx([100, 50, 35, 14])
    assert "14 個" in _texts(ax)
    with pytest.raises(InputError):
        sustain.draw_recycling_flow(start=-5)


def test_the_supply_chain_has_six_links_and_a_way_back():
    ax = careers.draw_supply_chain()
    assert len(_patches(ax, FancyBboxPatch)) == len(careers.SUPPLY_CHAIN_JA) == 6
    assert len(_patches(ax, FancyArrowPatch)) == 6  # five links and the recycling loop
    assert "リサイクル" in _texts(ax)


def test_subjects_table_lists_every_role_under_its_subjects_most_first():
    rows = careers.subjects_table_markdown().splitlines()[2:]
    counts = [len(row.split(" | ")[1].split("、")) for row in rows]
    assert counts == sorted(counts, reverse=True)
    for role in careers.roles():
        for subject in role.subjects_ja:
            row = next(r for r in rows if r.startswith(f"| {subject} |"))
            assert role.name_ja in row


def test_cfp_by_stage_stacks_each_stage_per_kwh_for_each_case():
    fp = {
        "0.0": sustain.cfp_by_stage({"production": 8.0}, {"materials": 10.0}, 0.0),
        "0.5": sustain.cfp_by_stage({"production": 8.0}, {"materials": 10.0}, 0.5),
    }
    ax = sustain.draw_cfp_by_stage(fp, capacity_kwh=0.2)
    assert [c.get_label() for c in ax.containers] == list(sustain.CFP_STAGE_NAMES_JA.values())
    first, second = ([c.patches[i].get_height() for c in ax.containers] for i in (0, 1))
    assert first == pytest.approx([10 / 0.2, 0, 0, 0])
    assert second == pytest.approx([10 / 0.2, 4 / 0.2, 0, 0])  # 8 kWh x 0.5 kg/kWh
    assert ax.get_ylabel() == "カーボンフットプリント [kg-CO2e/kWh]"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.0", "0.5"]
    with pytest.raises(InputError):
        sustain.draw_cfp_by_stage(fp, capacity_kwh=0)
