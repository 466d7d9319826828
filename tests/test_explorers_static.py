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

pytestmark = pytest.mark.slow  # PyBaMM solves and a browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="apt-get install chromium")


@pytest.fixture(scope="module")
def static_env(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(explorers.STATIC_ENV, "1")
        patch.setenv(explorers.CACHE_ENV, str(tmp_path_factory.mktemp("explorer_cache")))
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
    assert frame.title == widgets.discharge_title(result.capacity_ah, result.energy_wh)
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


# what the browser reads from the Bokeh document: the title and each legend entry's line
STATE = """() => {
  const models = [...Bokeh.documents[0].all_models];
  const lines = models.filter((m) => m.type === "LegendItem").map((item) => ({
    label: item.label.value,
    y: Array.from(item.renderers[0].data_source.data.y),
  }));
  return {title: models.find((m) => m.type === "Title").text, lines: lines};
}"""


@needs_chromium
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
