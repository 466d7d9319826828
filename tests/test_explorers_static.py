"""The lab explorers as the book shows them: grids computed by the engine, and a real
browser moving a control of the standalone document (no kernel).

The browser is Debian's chromium driven over DevTools by Playwright (never a browser
Playwright downloads itself); the tests skip when either is missing.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from denchi import explorers, labs
from denchi.labs.api import widgets
from denchi.labs.datasets import widgets as specialist

pytestmark = pytest.mark.slow  # PyBaMM solves and a browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="apt-get install chromium")


@pytest.fixture(scope="module")
def static_env():
    """The book's own grids: the cache the book build writes (``_build/explorer_cache``), so
    a grid the book computed is checked rather than computed again; one the book has not
    computed yet is computed here, or awaited while the build computes it (a lock per grid)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(explorers.STATIC_ENV, "1")
        patch.delenv(explorers.CACHE_ENV, raising=False)
        yield


@pytest.fixture(scope="module")
def discharge(static_env):
    return widgets.discharge_explorer()


def _thinned(values: np.ndarray) -> np.ndarray:
    return np.asarray(values)[explorers.thin(len(values))]


def test_the_discharge_grid_is_the_engines_own_result(discharge):
    grid = discharge.grid
    assert [c.name for c in grid.controls] == ["c_rate", "temperature_c"]
    assert len(grid.frames) == 15 * 7  # 0.2 … 3.0 C, −20 … 60 ℃
    frame = grid.frame(c_rate=1.0, temperature_c=25.0)
    result = labs.Cell("nmc_graphite").discharge(c_rate=1.0, temperature_c=25.0)
    reference, line = frame.lines
    assert (reference.label, line.label) == ("0.2C, 25 ℃", "1C, 25 ℃")
    moved = result.discharge_capacity_ah - result.discharge_capacity_ah[0]
    np.testing.assert_allclose(line.x, _thinned(moved), rtol=1e-9)
    np.testing.assert_allclose(line.y, _thinned(result.voltage_v), rtol=1e-9)
    assert frame.title == widgets.discharge_title(1.0, 25.0, 2.5)
    assert f"{result.capacity_ah:.2f}" not in frame.title  # the h04 answer is read, not told
    assert (frame.x_label, frame.y_label) == ("放電容量 [Ah]", "電圧 [V]")
    assert grid.frame(c_rate=1.07, temperature_c=21.0) == frame  # snapped


def test_the_thermal_grid_is_the_engines_own_result(static_env):
    grid = widgets.thermal_explorer().grid
    assert len(grid.frames) == 10 * 4 * 4
    frame = grid.frame(c_rate=3.0, cooling_w_m2k=50.0, temperature_c=40.0)
    cell = labs.Cell("nmc_graphite", thermal="lumped")
    result = cell.discharge(c_rate=3.0, temperature_c=40.0, cooling_w_m2k=50.0)
    (line,) = frame.lines
    hours = (result.time_s - result.time_s[0]) / 3600.0
    np.testing.assert_allclose(line.x, _thinned(hours), rtol=1e-9)
    np.testing.assert_allclose(line.y, _thinned(result.temperature_c), rtol=1e-9)
    assert f"最高温度 {result.max_temperature_c:.1f} ℃" in frame.title
    assert (frame.x_label, frame.y_label) == ("時間 [h]", "セル温度 [℃]")


def test_the_abuse_heating_grid_is_the_engines_own_spme_result(static_env):
    grid = widgets.abuse_heating_explorer().grid
    assert [c.grid for c in grid.controls] == [widgets.ABUSE_C_RATES, widgets.ABUSE_COOLING_W_M2K]
    assert len(grid.frames) == 12  # the u07 page's budget
    frame = grid.frame(c_rate=5.0, cooling_w_m2k=1.0)
    cell = labs.Cell("nmc_graphite", model="spme", thermal="lumped")
    result = cell.discharge(c_rate=5.0, temperature_c=25.0, cooling_w_m2k=1.0)
    (line,) = frame.lines
    np.testing.assert_allclose(line.y, _thinned(result.temperature_c), rtol=1e-9)
    assert f"最高温度 {result.max_temperature_c:.1f} ℃" in frame.title
    # every grid point ran the discharge, none stopped at the cut-off at once
    assert all(max(f.lines[0].x) > 0.1 for f in grid.frames)  # hours, not an instant


def test_the_polarisation_grid_is_the_engines_own_result(static_env):
    grid = widgets.polarisation_explorer().grid
    assert [c.grid for c in grid.controls] == [(0.1, 1.0, 10.0), (0.0, 10.0, 25.0, 45.0)]
    frame = grid.frame(exchange_current_factor=0.1, temperature_c=0.0)
    result = labs.Cell("nmc_graphite").polarisation(
        c_rates=widgets.POLARISATION_C_RATES, temperature_c=0.0, exchange_current_factor=0.1
    )
    lines = {line.label: line for line in frame.lines}
    assert set(lines) == {
        "基準 j0 × 1、25 ℃",
        "j0 × 0.1、0 ℃",
        "j0 × 0.1、0 ℃：反応",
        "j0 × 0.1、0 ℃：濃度",
        "j0 × 0.1、0 ℃：オーム",
    }  # and no axhline/axvline guides
    for label, values in (
        ("j0 × 0.1、0 ℃", result.overpotential_v),
        ("j0 × 0.1、0 ℃：反応", result.reaction_v),
        ("j0 × 0.1、0 ℃：オーム", result.ohmic_v),
    ):
        np.testing.assert_allclose(lines[label].x, result.current_a, rtol=1e-9)
        np.testing.assert_allclose(lines[label].y, values * 1000, rtol=1e-9)
    assert frame.title == widgets.polarisation_title(result)
    assert (frame.x_label, frame.y_label) == ("電流 [A]", "過電圧 [mV]")


def test_the_ocv_window_grid_is_the_engines_own_result(static_env):
    grid = specialist.ocv_window_explorer().grid
    assert len(grid.frames) == 4 * 2
    frame = grid.frame(lli=0.2, lam_pe=0.2)
    fresh = labs.analysis_ocv.degraded_ocv("nmc_graphite")
    aged = labs.analysis_ocv.degraded_ocv("nmc_graphite", lli=0.2, lam_pe=0.2)
    new, cell, positive, negative = frame.lines
    np.testing.assert_allclose(new.y, _thinned(fresh.voltage_v), rtol=1e-9)
    np.testing.assert_allclose(cell.x, _thinned(aged.soc * aged.capacity_ah), rtol=1e-9)
    np.testing.assert_allclose(cell.y, _thinned(aged.voltage_v), rtol=1e-9)
    np.testing.assert_allclose(positive.y, _thinned(aged.positive_potential_v), rtol=1e-9)
    np.testing.assert_allclose(negative.y, _thinned(aged.negative_potential_v), rtol=1e-9)
    assert aged.capacity_ah < 0.95 * fresh.capacity_ah  # lithium and cathode lost
    assert frame.title == specialist.ocv_window_title(aged.capacity_ah, fresh.capacity_ah)


def test_the_thevenin_grid_is_the_engines_own_result_and_the_fit_is_near_its_best(static_env):
    grid = specialist.thevenin_explorer().grid
    assert len(grid.frames) == 5 * 5 * 3
    pulse = labs.u03_datasets.dfn_pulse(0.5)
    fit = labs.analysis_ecm.fit_pulse(pulse)
    frame = grid.frame(r0_mohm=25.0, r1_mohm=15.0, tau_s=80.0)
    dfn, circuit = frame.lines
    fitted = labs.analysis_ecm.model_voltage_v(
        pulse,
        labs.analysis_ecm.TheveninFit(
            0.025, 0.015, 80.0 / 0.015, 80.0, fit.v_before_v, fit.v_inf_v
        ),
    )
    np.testing.assert_allclose(dfn.y, _thinned(pulse.voltage_v), rtol=1e-9)
    np.testing.assert_allclose(circuit.y, _thinned(fitted), rtol=1e-9)
    rms = 1000 * float(np.sqrt(np.mean((fitted - pulse.voltage_v) ** 2)))
    assert frame.title == specialist.thevenin_title(rms)
    # the grid point nearest the fit (23 mΩ, 13 mΩ, 77 s) differs least from the DFN
    best = min(grid.frames, key=lambda f: float(f.title.split("）")[1].split()[0]))
    assert best == frame


def test_the_design_grid_is_the_engines_own_result(static_env):
    grid = widgets.design_explorer().grid
    assert [c.name for c in grid.controls] == [
        "positive_thickness_um", "positive_porosity", "np_ratio",
    ]  # fmt: skip
    assert len(grid.frames) == 3 * 3  # every point computed, none failed
    frame = grid.frame(positive_thickness_um=100.0, positive_porosity=0.25, np_ratio=1.1)
    slow = labs.design_cell(
        positive_thickness_um=100, positive_porosity=0.25, np_ratio=1.1, c_rate=0.2,
        model="spme",
    )  # fmt: skip
    fast = slow.cell.discharge(c_rate=2.0)
    _, line = frame.lines
    np.testing.assert_allclose(line.y, _thinned(fast.voltage_v), rtol=1e-9)
    assert frame.title == widgets.design_title(
        slow.gravimetric_wh_kg, fast.energy_wh / slow.mass_kg, fast.capacity_ah / slow.capacity_ah
    )
    # the dense, thick electrode loses most of its capacity at 2C; the thin, open one does not
    share = fast.capacity_ah / slow.capacity_ah
    thin = grid.frame(positive_thickness_um=50.0, positive_porosity=0.4, np_ratio=1.1)
    assert share < 0.5 and "2C の容量は 0.2C の 9" in thin.title


def test_the_chemistry_grid_is_the_engines_own_result(static_env):
    grid = widgets.chemistry_explorer().grid
    assert [c.grid for c in grid.controls] == [(0.2, 0.5, 1.0, 2.0, 3.0)]
    assert len(grid.frames) == 5  # 15 discharges: three cells at each C-rate
    frame = grid.frame(c_rate=2.0)
    assert [line.label for line in frame.lines] == [
        "ナトリウムイオン: 2C, 25 ℃", "LFP／黒鉛: 2C, 25 ℃", "NMC／黒鉛: 2C, 25 ℃",
    ]  # fmt: skip
    for key, line in zip(widgets.CHEMISTRY_PRESETS, frame.lines, strict=True):
        result = labs.Cell(key).discharge(c_rate=2.0)
        moved = result.discharge_capacity_ah - result.discharge_capacity_ah[0]
        np.testing.assert_allclose(line.x, _thinned(100 * moved / result.nominal_capacity_ah))
        np.testing.assert_allclose(line.y, _thinned(result.voltage_v), rtol=1e-9)
        assert f"{result.capacity_ah / result.nominal_capacity_ah:.0%}" not in frame.title
    assert frame.title == widgets.chemistry_title(2.0)
    assert (frame.x_label, frame.y_label) == ("放電深度 [%]", "電圧 [V]")
    # the sodium-ion preset's lab cell loses the most at 2C, the NMC cell the least
    ends = [line.x[-1] for line in frame.lines]
    assert ends[0] < ends[1] < ends[2]


# what the browser shows: the page's title and legend, and each line's data in the Bokeh
# document (the lines are named line-0, line-1, …; here every line has a legend entry)
STATE = """() => {
  const box = document.querySelector(".denchi-explorer");
  const labels = [...box.querySelectorAll(".denchi-explorer-legend li")].map(
    (item) => item.textContent.trim());
  const renderers = [...Bokeh.documents[0].all_models].filter(
    (m) => m.type === "GlyphRenderer" && m.name !== null && m.name.startsWith("line-"));
  renderers.sort((a, b) => a.name.localeCompare(b.name));
  const lines = renderers.map((renderer, k) => ({
    label: labels[k],
    y: Array.from(renderer.data_source.data.y),
  }));
  return {title: box.querySelector(".denchi-explorer-title").textContent, lines: lines};
}"""


@needs_chromium
def test_the_u08_cfp_grid_is_sustain_s_own_result(static_env):
    """u08: the demo cell's CFP per kWh against the grid factor, each stage a line, the
    recycled share of the cathode metals a control (closed form, no PyBaMM)."""
    from denchi import sustain
    from denchi.labs.datasets.sustainability import cell_inventory

    grid = specialist.cfp_explorer().grid
    assert [c.name for c in grid.controls] == ["recycled_pct"]
    assert len(grid.frames) == 6  # 0 … 50 %
    frame = grid.frame(recycled_pct=30.0)
    cell = cell_inventory("demo").with_recycled_share(0.3)
    labels = [line.label for line in frame.lines]
    assert labels == [*sustain.CFP_STAGE_NAMES_JA.values(), "合計"]
    factors = np.asarray(frame.lines[0].x)
    assert factors[0] == 0.0 and factors[-1] == pytest.approx(0.8)
    for line, stage in zip(frame.lines, sustain.CFP_STAGES, strict=False):
        expected = [
            sustain.cfp_by_stage(cell.electricity_kwh, cell.other_kg, g).stages_kg[stage]
            / cell.capacity_kwh
            for g in factors
        ]
        np.testing.assert_allclose(line.y, expected, rtol=1e-9)
    total = [
        sustain.cfp_by_stage(cell.electricity_kwh, cell.other_kg, g).per_kwh(cell.capacity_kwh)
        for g in factors
    ]
    np.testing.assert_allclose(frame.lines[-1].y, total, rtol=1e-9)
    assert (frame.x_label, frame.y_label) == (
        "電力の排出係数 [kg-CO2/kWh]",
        "カーボンフットプリント [kg-CO2e/kWh]",
    )
    assert grid.frame(recycled_pct=0.0).lines[0].y[0] > frame.lines[0].y[0]  # less virgin metal


def test_moving_a_control_in_the_browser_changes_the_plotted_data(discharge, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = discharge.write_html(tmp_path / "explorer.html")
    grid = discharge.grid
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(page_file.as_uri())
            page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
            figure = page.locator(".bk-Figure, .bk-Plot").first
            before_shot = figure.screenshot()
            assert page.evaluate(STATE)["title"] == grid.frame(c_rate=1.0, temperature_c=25).title

            page.locator(".noUi-handle").first.focus()  # the C-rate slider, by keyboard
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                f"() => ({STATE})().title === {grid.frame(c_rate=1.2, temperature_c=25).title!r}"
            )
            page.get_by_text("-10", exact=True).click()  # a temperature button
            expected = grid.frame(c_rate=1.2, temperature_c=-10)
            page.wait_for_function(f"() => ({STATE})().title === {expected.title!r}")
            state = page.evaluate(STATE)
            lines = {line["label"]: line["y"] for line in state["lines"]}
            assert set(lines) == {"0.2C, 25 ℃", "1.2C, -10 ℃"}
            np.testing.assert_allclose(lines["1.2C, -10 ℃"], expected.lines[1].y, rtol=1e-6)
            page.wait_for_timeout(200)  # the next animation frame redraws the canvas
            assert figure.screenshot() != before_shot, "the figure was not redrawn"
        finally:
            browser.close()
    assert not errors, errors
    outside = [url for url in requests if not url.startswith(tmp_path.as_uri())]
    assert not outside, f"requests outside the explorer's folder: {outside}"


@needs_chromium
def test_the_figure_fits_a_phone_screen_and_keeps_its_size_on_a_laptop(discharge, tmp_path):
    """A 390-px phone shows the whole figure, shrunk (it was cut at the right); a laptop shows
    it at the size of the notebook's figure."""
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = discharge.write_html(tmp_path / "explorer.html")
    widths = {}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for viewport in (390, 1280):
                page = browser.new_page(viewport={"width": viewport, "height": 800})
                page.goto(page_file.as_uri())
                page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
                figure = page.locator(".bk-Figure, .bk-Plot").first
                figure.wait_for()
                widths[viewport] = figure.bounding_box()["width"]
        finally:
            browser.close()
    assert 300 < widths[390] <= 390
    assert widths[1280] == explorers.FIGURE_SIZE_PX[0]


# the printed lines the document shows
NOTES = """() => document.querySelector(".denchi-explorer-notes").textContent"""


@needs_chromium
def test_choosing_a_named_value_in_the_browser_changes_the_printed_lines(static_env, tmp_path):
    """The h02 calculator (a drop-down list of metals, buttons of concentrations) and the h09
    self-check (check boxes): Choice controls, answered by the precomputed frames."""
    from denchi.careers.widgets import self_check_explorer
    from denchi.chem.widgets import cell_explorer

    sync_api = pytest.importorskip("playwright.sync_api")
    cells = cell_explorer()
    checks = self_check_explorer()
    errors: list[str] = []

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(cells.write_html(tmp_path / "cells" / "explorer.html").as_uri())
            page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
            first = cells.grid.frame(metal_a="Zn", metal_b="Cu", log_a=0.0, log_b=0.0)
            assert page.evaluate(NOTES) == first.notes
            page.locator("select").first.select_option(label="マグネシウム Mg")  # metal A
            page.get_by_text("-4", exact=True).last.click()  # B's concentration
            expected = cells.grid.frame(metal_a="Mg", metal_b="Cu", log_a=0.0, log_b=-4.0)
            page.wait_for_function(f"() => ({NOTES})() === {expected.notes!r}")

            page.goto(checks.write_html(tmp_path / "checks" / "explorer.html").as_uri())
            page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
            none = {c.name: False for c in checks.grid.controls}
            assert page.evaluate(NOTES) == checks.grid.frame(**none).notes
            page.get_by_text("化学の実験", exact=False).click()
            expected = checks.grid.frame(**{**none, "chemistry": True})
            assert "材料開発" in expected.notes
            page.wait_for_function(f"() => ({NOTES})() === {expected.notes!r}")
        finally:
            browser.close()
    assert not errors, errors


def test_the_rate_grid_is_the_engines_own_result(static_env):
    """e01: a Choice of the cell and the lab's C-rates, each against the same cell's C/20."""
    grid = widgets.rate_explorer().grid
    assert [c.grid for c in grid.controls] == [
        ("nmc_graphite", "lfp_graphite"),
        widgets.RATE_C_RATES,
    ]
    frame = grid.frame(chemistry="lfp_graphite", c_rate=2.0)
    cell = labs.Cell("lfp_graphite", model="spme")
    slow, fast = cell.discharge(c_rate=0.05), cell.discharge(c_rate=2.0)
    reference, line = frame.lines
    assert (reference.label, line.label) == ("0.05C, 25 ℃", "2C, 25 ℃")
    np.testing.assert_allclose(line.y, _thinned(fast.voltage_v), rtol=1e-9)
    np.testing.assert_allclose(reference.y, _thinned(slow.voltage_v), rtol=1e-9)
    nominal = fast.nominal_capacity_ah
    assert frame.title == widgets.rate_title(
        "LFP／黒鉛",
        2.0,
        fast.capacity_ah / slow.capacity_ah,
        fast.energy_wh / nominal,
        fast.energy_wh / (fast.duration_s / 3600) / nominal,
    )
    # the lab's finding: at 3C the LFP preset keeps less of its C/20 capacity than NMC
    nmc = grid.frame(chemistry="nmc_graphite", c_rate=3.0).title
    lfp = grid.frame(chemistry="lfp_graphite", c_rate=3.0).title
    assert int(nmc.split("C/20 の ")[1].split("%")[0]) > int(lfp.split("C/20 の ")[1].split("%")[0])


def test_the_battery_types_grid_is_the_engines_own_result_and_shows_no_intro_answer(
    static_env, root
):
    """h03: both cells at each C-rate; an intro page's grid may print no intro answer (the
    fast tier checks the calculators so, tests/test_answer_leaks.py; this one solves PyBaMM)."""
    from edition_secrets import leaked_values
    from test_answer_leaks import _grid_text

    from denchi.catalog import load_catalog

    grid = widgets.types_explorer().grid
    assert len(grid.frames) == 15
    frame = grid.frame(c_rate=2.0)
    lead = labs.Cell("lead_acid").discharge(c_rate=2.0)
    lithium = labs.Cell("nmc_graphite").discharge(c_rate=2.0)
    assert [line.label for line in frame.lines] == ["鉛蓄電池", "リチウムイオン電池"]
    np.testing.assert_allclose(frame.lines[0].y, _thinned(lead.voltage_v), rtol=1e-9)
    np.testing.assert_allclose(frame.lines[1].y, _thinned(lithium.voltage_v), rtol=1e-9)
    assert frame.title == widgets.types_title(
        2.0,
        {
            "鉛蓄電池": lead.capacity_ah / lead.nominal_capacity_ah,
            "リチウムイオン電池": lithium.capacity_ah / lithium.nominal_capacity_ah,
        },
    )
    assert frame.x_label == "放電深度 [%]"
    texts = {"labs/h03_battery_types/index.md (types_explorer)": _grid_text(grid)}
    assert not leaked_values(root, load_catalog(), texts)
