"""Teacher guides' answer keys come from the solution cells, and only from them."""

from __future__ import annotations

import re

import nbformat
from grading_support import key_targets

from denchi.grading.answer_key import answer_key_markdown


def test_answer_key_shows_every_solution_and_no_hidden_test(root):
    key = answer_key_markdown("h04_lithium_ion", root)
    nb = nbformat.read(
        root / "assessments/source/h04_lithium_ion/h04_lithium_ion.ipynb", as_version=4
    )
    solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert solutions
    for cell in solutions:
        body = re.sub(r"### (BEGIN|END) SOLUTION\n?", "", cell.source).strip()
        assert body in key
    assert "HIDDEN" not in key and "SOLUTION" not in key
    assert "配点の合計: 10 点" in key


def test_each_question_of_the_key_is_a_target_named_by_its_assignment_and_number(root):
    """A guide refers to 「課題の問 3」 with ``{ref}`` to the key's target, so renumbering the
    assignment cannot leave a typed number behind (tests/test_page_figures.py)."""
    key = answer_key_markdown("h04_lithium_ion", root)
    targets = key_targets("h04_lithium_ion", root)
    assert targets == {f"h04_lithium_ion-q{n}": n for n in range(1, 6)}
    for label, number in targets.items():
        # once, on the line before the question's heading (問3 has two graded parts)
        assert key.count(f"({label})=") == 1
        assert re.search(rf"^\({label}\)=\n\*\*問{number}　", key, re.M), label


def test_answer_values_run_only_the_set_up_cells_the_solutions_read(tmp_path):
    """A set-up cell that only shows something (h04 plots a PyBaMM discharge to be read) is not
    run for the key; one whose names a solution reads is, through other set-up cells too."""
    from denchi.grading.answer_key import answer_values

    def cell(source, **nbgrader):
        made = nbformat.v4.new_code_cell(source)
        made.metadata["nbgrader"] = {"solution": False, "grade": False, **nbgrader}
        return made

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        cell("volts = 1.5"),
        cell("cells = 4\ntotal = volts * cells"),
        cell("raise RuntimeError('a slow simulation the key must not run')\nax = None"),
        cell("### BEGIN SOLUTION\nq1_total_v = total\n### END SOLUTION", solution=True),
        cell("assert q1_total_v == 6", grade=True, points=1),
    ]
    folder = tmp_path / "assessments" / "source" / "hx_demo"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / "hx_demo.ipynb")
    assert answer_values("hx_demo", tmp_path) == {"q1_total_v": "6 V"}


# The unit of every numeric answer of every assignment, read from its question (a new
# assignment adds its answers here). The guides print answers with the unit of their name.
UNITS = {
    "q1_areal_mah_cm2": "mAh/cm²", "q2_np_ratio": "倍", "q3_thickness_um": "µm",
    "q3_efficiency_ratio": "倍", "q4_positive_thickness_um": "µm", "q4_positive_porosity": "",
    "q4_np_ratio": "倍",
    "q1_overall_yield": "", "q4_good_cells_per_day": "個/日", "q5_line_oee": "",
    "q1_capacity_ah": "Ah", "q1_heat_w": "W", "q1_kwh": "kWh", "q1_li_t_per_gwh": "t/GWh",
    "q1_r0_mohm": "mΩ", "q1_retention_pct": "%", "q1_tafel_slope_mv_per_decade": "mV/decade",
    "q1_theoretical_mah_g": "mAh/g", "q1_thickness_um": "µm", "q1_watt": "W",
    "q2_active_wh_kg": "Wh/kg", "q2_capacity_ah": "Ah", "q2_cells": "個", "q2_daily_kwh": "kWh",
    "q2_emf_v": "V", "q2_energy_wh": "Wh", "q2_fade_per_100": "%/100 サイクル",
    "q2_j0_a_per_m2": "A/m²", "q2_li_man_t": "万 t", "q2_low_height_ah_per_v": "Ah/V",
    "q2_peak_hz": "Hz", "q2_power_w": "W", "q2_ratio": "倍", "q2_rise_k": "K",
    "q3_alpha": "", "q3_battery_kwh": "kWh", "q3_c_f": "F", "q3_c_rate": "C",
    "q3_cathodic_slope_mv_per_decade": "mV/decade", "q3_cell_wh_kg": "Wh/kg",
    "q3_diffusivity_m2_s": "m²/s", "q3_energy_wh": "Wh", "q3_eol_cycles": "サイクル",
    "q3_fade_pct": "%", "q3_hours": "h", "q3_kwh": "kWh", "q3_minutes": "分",
    "q3_percent": "%", "q3_r_ct_mohm": "mΩ", "q3_retention_pct": "%", "q4_capacity_ah": "Ah",
    "q4_cells": "個", "q4_ea_kj_mol": "kJ/mol", "q4_emf_v": "V",
    "q4_entropy_j_per_mol_k": "J/(mol·K)", "q4_height_change_ah_per_v": "Ah/V",
    "q4_hours": "h", "q4_kg": "kg", "q4_peukert_k": "", "q4_roles": "つ", "q4_shift_v": "V",
    "q4_steady_k": "K", "q5_copper_g": "g", "q5_diffusion_time_hours": "h", "q5_power_w": "W",
    "q1_r0_ohm": "Ω", "q2_amplitude_v": "V", "q2_tau_s": "s", "q2_v_inf_v": "V", "q3_c1_f": "F",
    "q3_r1_ohm": "Ω", "q4_rms_mv": "mV",
    # u06
    "q1_lcl_ah": "Ah", "q1_ucl_ah": "Ah", "q2_sigma_ah": "Ah", "q3_cpk": "", "q4_first_signal": "",
    # u08
    "q2_cfp_kg_per_kwh": "kg-CO2e/kWh", "q3_switched_kg_per_kwh": "kg-CO2e/kWh",
}  # fmt: skip


def test_every_numeric_answer_gets_the_unit_of_its_question(root):
    from denchi.grading.answer_key import unit_of

    names = {
        name
        for path in (root / "assessments" / "source").glob("*/*.ipynb")
        for cell in nbformat.read(path, as_version=4).cells
        for name in re.findall(r'checks\.answered_number\("(\w+)"', cell.source)
    }
    assert names - set(UNITS) == set(), "add the new answers' units to UNITS"
    wrong = {name: unit_of(name) for name in names if unit_of(name) != UNITS[name]}
    assert wrong == {}


def test_answer_values_list_unpacked_answers_with_the_units_of_their_names(tmp_path):
    """``(q2_v_inf_v, q2_tau_s), _ = curve_fit(...)`` binds answers too (u03 was missing its
    τ), and the names' units reach the key: seconds, farads, millivolts, m²/s, mΩ, Hz, kJ/mol,
    cycles, mAh/g, Wh/kg (e03's diffusivity, e04's capacitance and resistances, e06's
    activation energy were shown without a unit, u02's Wh/kg as kg and mAh/g as g)."""
    from denchi.grading.answer_key import answer_values

    def cell(source, **nbgrader):
        made = nbformat.v4.new_code_cell(source)
        made.metadata["nbgrader"] = {"solution": False, "grade": False, **nbgrader}
        return made

    solution = (
        "### BEGIN SOLUTION\n"
        "(q1_v_inf_v, [q1_tau_s, q1_rest_mv]), _ = (3.7, [60.0, 4.5]), None\n"
        "q2_c1_f = 4600.0\n"
        "q3_diffusivity_m2_s = 4e-15\n"
        "q4_r_mohm, q4_peak_hz, q4_ea_kj_mol, q4_eol_cycles = 28.0, 0.5, 50.0, 900\n"
        "q5_capacity_mah_g, q5_cell_wh_kg = 274.0, 250.0\n"
        "### END SOLUTION"
    )
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [cell(solution, solution=True), cell("assert True", grade=True, points=1)]
    folder = tmp_path / "assessments" / "source" / "ux_demo"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / "ux_demo.ipynb")
    assert answer_values("ux_demo", tmp_path) == {
        "q1_v_inf_v": "3.7 V",
        "q1_tau_s": "60 s",
        "q1_rest_mv": "4.5 mV",
        "q2_c1_f": "4600 F",
        "q3_diffusivity_m2_s": "4e-15 m²/s",
        "q4_r_mohm": "28 mΩ",
        "q4_peak_hz": "0.5 Hz",
        "q4_ea_kj_mol": "50 kJ/mol",
        "q4_eol_cycles": "900 サイクル",
        "q5_capacity_mah_g": "274 mAh/g",
        "q5_cell_wh_kg": "250 Wh/kg",
    }


def test_answer_values_show_an_array_answer_element_by_element(tmp_path):
    """An array answer (u05's good cells per station, e01's capacities) is shown as its rounded
    values with the unit of its name, not refused as a number."""
    from denchi.grading.answer_key import answer_values

    notebook = nbformat.v4.new_notebook()
    solution = nbformat.v4.new_code_cell(
        "### BEGIN SOLUTION\nimport numpy as np\nq1_capacity_ah = np.array([4.98765, 4.5, 3.0])\n"
        "q2_good_cells_per_hour = [597.354, 659.485]\n### END SOLUTION"
    )
    solution.metadata["nbgrader"] = {"solution": True, "grade": False}
    notebook.cells = [solution]
    folder = tmp_path / "assessments" / "source" / "ex_demo"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / "ex_demo.ipynb")
    assert answer_values("ex_demo", tmp_path) == {
        "q1_capacity_ah": "[4.99, 4.5, 3] Ah",
        "q2_good_cells_per_hour": "[597, 659] 個/h",
    }
