"""The static explorers' grid and document builder (denchi.explorers), without PyBaMM.

The physics is a closed-form stand-in here (``_draw``); tests/test_explorers_static.py checks
the lab explorers against the engine and moves their controls in a real browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from test_book import EXPLORER_PAGES

from denchi import explorers, page_cache
from denchi.explorers import Control

RATE = Control("rate", "速さ", (0.5, 1.0, 1.5, 2.0), (1.0, 0.1, 2.0, 0.1), 1.0)
ROOM = Control("room_c", "温度 [℃]", (0.0, 10.0, 25.0), (25.0, 0.0, 40.0, 5.0), 25.0)


def _draw(ax, rate: float, room_c: float) -> str:
    """A reference line that never moves and a line that depends on both controls."""
    x = np.linspace(0.0, 5.0, 400)
    ax.plot(x, 4.0 - 0.1 * x, label="基準")
    ax.plot(x, 4.0 - rate * 0.2 * x + room_c / 100, label=f"{rate:g}C, {room_c:g} ℃")
    ax.set_xlabel("放電容量 [Ah]")
    ax.set_ylabel("電圧 [V]")
    ax.legend()
    print(f"速さ {rate:g}")
    return f"{rate:g}C と {room_c:g} ℃"


def _grid(tmp_path: Path | None = None, draw=_draw, engine: str = "e1"):
    return explorers.build_grid(
        "test", draw, [RATE, ROOM], arguments={"chemistry": "x"}, engine=engine, cache=tmp_path
    )


def test_the_grid_has_one_frame_per_point_in_row_major_order():
    grid = _grid()
    assert len(grid.frames) == len(RATE.grid) * len(ROOM.grid)
    for i, rate in enumerate(RATE.grid):
        for j, room in enumerate(ROOM.grid):
            frame = grid.frames[i * len(ROOM.grid) + j]
            assert frame.title == f"{rate:g}C と {room:g} ℃"
            assert frame.lines[1].label == f"{rate:g}C, {room:g} ℃"


def test_a_frame_holds_what_was_drawn_thinned_to_the_first_last_and_evenly_spaced():
    frame = _grid().frame(rate=1.5, room_c=10.0)
    assert (frame.x_label, frame.y_label) == ("放電容量 [Ah]", "電圧 [V]")
    assert [line.colour for line in frame.lines] == ["#1f77b4", "#ff7f0e"]  # C0, C1
    assert frame.notes == "速さ 1.5"
    line = frame.lines[1]
    assert len(line.x) == explorers.MAX_POINTS
    x = np.linspace(0.0, 5.0, 400)
    assert line.x[0] == 0.0 and line.x[-1] == 5.0
    keep = explorers.thin(400)
    np.testing.assert_allclose(line.y, (4.0 - 1.5 * 0.2 * x + 0.1)[keep])


def test_controls_snap_to_the_nearest_grid_value():
    grid = _grid()
    assert grid.frame(rate=1.12, room_c=19.0) == grid.frame(rate=1.0, room_c=25.0)
    assert grid.frame(rate=-3.0, room_c=99.0) == grid.frame(rate=0.5, room_c=25.0)
    assert RATE.snap(1.3) == 2 and ROOM.snap(4.9) == 0


def test_controls_know_an_even_grid_and_refuse_a_bad_one():
    assert RATE.step == pytest.approx(0.5) and ROOM.step is None
    with pytest.raises(ValueError, match="ascending"):
        Control("x", "x", (2.0, 1.0))
    with pytest.raises(ValueError, match="not in the grid"):
        Control("x", "x", (1.0, 2.0), default=1.5)


def test_the_grid_is_read_back_from_the_cache_until_something_that_changes_it_changes(tmp_path):
    calls: list[tuple] = []

    def counted(ax, rate, room_c=25.0):
        calls.append((rate, room_c))
        return _draw(ax, rate=rate, room_c=room_c)

    first = _grid(tmp_path, counted)
    points = len(first.frames)
    assert len(calls) == points and len(list(tmp_path.glob("*.json"))) == 1
    assert _grid(tmp_path, counted) == first  # cached: nothing drawn again
    assert len(calls) == points
    _grid(tmp_path, counted, engine="e2")  # the engine changed
    assert len(calls) == 2 * points
    explorers.build_grid(
        "test", counted, [RATE], arguments={"chemistry": "x"}, engine="e2", cache=tmp_path
    )  # another grid
    assert len(calls) == 2 * points + len(RATE.grid)


def test_a_damaged_cache_file_is_computed_again(tmp_path):
    _grid(tmp_path)
    (cached,) = tmp_path.glob("*.json")
    cached.write_text("{not json", encoding="utf-8")
    assert len(_grid(tmp_path).frames) == 12
    assert cached.read_text(encoding="utf-8").startswith("{")


def test_the_engine_fingerprint_follows_the_code_and_the_versions(tmp_path, monkeypatch):
    package = tmp_path / "fakeengine"
    package.mkdir()
    (package / "__init__.py").write_text("RATE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = explorers.fingerprint(["fakeengine"], ["numpy"])
    assert explorers.fingerprint(["fakeengine"], ["numpy"]) == before
    (package / "solver.py").write_text("STEP = 2\n", encoding="utf-8")
    changed = explorers.fingerprint(["fakeengine"], ["numpy"])
    assert changed != before
    assert explorers.fingerprint(["fakeengine"], ["numpy", "matplotlib"]) != changed


def test_the_cache_folder_is_under_the_builds_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(explorers.CACHE_ENV, raising=False)
    monkeypatch.setenv(explorers.ROOT_ENV, str(tmp_path))
    assert explorers.cache_folder() == tmp_path / "_build" / "explorer_cache"
    monkeypatch.delenv(explorers.ROOT_ENV)
    assert explorers.cache_folder() is None


def test_the_same_call_is_live_in_a_notebook_and_static_in_the_book(monkeypatch, tmp_path):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda: None)
    monkeypatch.setenv(explorers.CACHE_ENV, str(tmp_path))

    def make():
        return explorers.explorer(
            "test", _draw, [RATE, ROOM], arguments={}, packages=("denchi.labs",)
        )

    monkeypatch.delenv(explorers.STATIC_ENV, raising=False)
    live = make()
    plt.close("all")
    assert set(live.kwargs) == {"rate", "room_c"}
    assert not hasattr(live, "_repr_html_")
    monkeypatch.setenv(explorers.STATIC_ENV, "1")
    static = make()
    assert isinstance(static, explorers.StaticExplorer)
    assert f'class="{explorers.MARKER}"' in static._repr_html_()


def _loaded(html: str) -> list[str]:
    return re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="([^"]*)"', html, re.I)


def test_the_document_loads_only_files_written_beside_it(tmp_path):
    page = explorers.StaticExplorer(_grid()).write_html(tmp_path / "explorer.html")
    html = page.read_text(encoding="utf-8")
    loaded = _loaded(html)
    assert loaded == [f"bokeh/{name}" for name in explorers.bokeh_file_names()]
    assert all((tmp_path / name).is_file() for name in loaded)
    assert "//" not in "".join(loaded) and "cdn.bokeh.org" not in html


def test_the_embedded_document_loads_nothing_and_sends_a_reference_line_once():
    """In the book, the page's <head> loads BokehJS (book/_ext/offline_assets.py)."""
    grid = _grid()
    html = explorers.StaticExplorer(grid).embed()
    assert _loaded(html) == [] and "https://" not in html and "http://" not in html

    # strings as Bokeh's JSON writes them: "\\u57fa\\u6e96" for 基準
    def written(label: str) -> str:
        return json.dumps(json.dumps(label, ensure_ascii=True)[1:-1])[1:-1]

    assert written("基準") not in html  # the reference line: not in the frames, ...
    assert html.count("基準") == 1  # ... in the page's legend, once
    assert html.count(written("0.5C, 0 ℃")) == 1  # a moving line: in its own frame only
    assert html.count(written("2C, 25 ℃")) == 1
    assert 'role="figure" aria-label="グラフ（横軸 放電容量 [Ah]、縦軸 電圧 [V]）' in html


def test_the_title_legend_and_printed_lines_are_page_elements_the_callback_finds():
    """Bokeh's own title, legend and text re-lay out its whole document at every change (the
    100 ms budget, benchmarks/explorer_budget.py): they are the page's elements, escaped, with
    the ids the callback writes to; the figure has no Bokeh title and no Bokeh legend."""
    from bokeh.models import CustomJS, Legend

    grid = _grid()
    doc = explorers.bokeh_layout(grid)
    first = grid.frame(rate=1.0, room_c=25.0)
    assert doc.title == first.title and doc.notes == first.notes == "速さ 1"
    assert doc.plot.title.text in ("", None) and not list(doc.plot.select({"type": Legend}))
    (reference, moving) = doc.legend
    assert reference == ("基準", "#1f77b4", None)  # drawn once, never rewritten
    assert moving[:2] == ("1C, 25 ℃", "#ff7f0e") and moving[2]
    (callback,) = doc.controls.select({"type": CustomJS})
    assert callback.args["ids"] == {**doc.ids, "labels": [moving[2]]}
    html = explorers.StaticExplorer(grid).embed()
    elements = re.findall(r'id="(denchi-[^"]+)"', html)
    assert [e.rsplit("-", 1)[-1] for e in elements] == ["title", "1", "notes"]
    for element in elements:  # once as the element, once in the callback's arguments
        assert html.count(element) == 2
    assert f'class="{explorers.MARKER}-title" aria-live="polite"' in html
    assert "<span>基準</span>" in html  # the reference line's label has no id

    def hostile(ax, rate: float) -> str:
        ax.plot([0, 1], [0, 1], label="<b>a</b>")
        ax.plot([0, 1], [1, rate], label="<script>b</script>")
        return "<img src=x>"

    control = Control("rate", "速さ", (1.0, 2.0))
    odd = explorers.build_grid("odd", hostile, [control], arguments={}, engine="e")
    page = explorers.StaticExplorer(odd).embed()
    assert "<img" not in page and "<b>" not in page and "<script>b" not in page
    assert "&lt;img src=x&gt;" in page and "&lt;b&gt;a&lt;/b&gt;" in page


def test_a_slider_for_an_even_grid_and_buttons_otherwise():
    from bokeh.models.widgets.groups import RadioButtonGroup
    from bokeh.models.widgets.sliders import Slider

    layout = explorers.bokeh_layout(_grid()).controls
    sliders = list(layout.select({"type": Slider}))
    buttons = list(layout.select({"type": RadioButtonGroup}))
    assert [(s.start, s.end, s.step, s.value) for s in sliders] == [(0.5, 2.0, 0.5, 1.0)]
    assert [(b.labels, b.active) for b in buttons] == [(["0", "10", "25"], 2)]


def test_a_page_with_an_explorer_runs_again_when_the_explorer_code_or_the_engine_changes():
    root = Path(__file__).resolve().parents[1]
    inputs = page_cache.page_inputs(
        root, "from denchi.labs.api.widgets import discharge_explorer\ndischarge_explorer()"
    )
    src = root / "src" / "denchi"
    assert src / "explorers.py" in inputs
    assert src / "labs" / "engine" / "simulation.py" in inputs
    assert root / "uv.lock" in inputs  # bokeh's and PyBaMM's versions


def _offline_assets():
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[1] / "book" / "_ext" / "offline_assets.py"
    spec = importlib.util.spec_from_file_location("denchi_offline_assets_explorers", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class _App:
    """What the book's extension uses of Sphinx's application."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.builder = type("Builder", (), {"format": "html"})()
        self.scripts: list[str] = []

    def add_js_file(self, name: str) -> None:
        self.scripts.append(name)


def test_the_book_loads_bokehjs_from_its_static_files_on_explorer_pages_only(tmp_path):
    ext = _offline_assets()
    app = _App(tmp_path)
    embed = explorers.StaticExplorer(_grid()).embed()
    ext._bokeh_on_explorer_pages(app, "labs/h01_society/index", "page.html", {"body": "<p>"}, None)
    assert app.scripts == []
    ext._bokeh_on_explorer_pages(
        app, "labs/h04_lithium_ion/index", "page.html", {"body": embed}, None
    )
    assert app.scripts == [f"bokeh/{name}" for name in explorers.bokeh_file_names()]
    ext._copy_bokeh(app, None)
    copied = sorted(p.name for p in (tmp_path / "_static" / "bokeh").iterdir())
    assert copied == sorted(explorers.bokeh_file_names())


def test_mathtext_of_the_labels_becomes_plain_text_and_unknown_mathtext_is_refused():
    def draw(ax, rate: float) -> str:
        ax.plot([0, 1], [0, rate], label="塗工 140 $\\mu$m")
        ax.set_ylabel("電位 [V vs Li/Li$^+$]")
        return "10 $\\mu$m"

    frame = explorers.build_grid("math", draw, [RATE], arguments={}, engine="e").frames[0]
    assert (frame.lines[0].label, frame.y_label, frame.title) == (
        "塗工 140 μm",
        "電位 [V vs Li/Li⁺]",
        "10 μm",
    )
    with pytest.raises(ValueError, match="MATHTEXT"):
        explorers.plain("$\\alpha$")


def test_an_explorer_that_only_prints_shows_its_lines_without_a_figure(monkeypatch, tmp_path):
    """h08's materials explorer: the sums of denchi.sustain at every slider step."""
    from denchi.sustain import material_demand_kt
    from denchi.sustain.widgets import materials_explorer

    monkeypatch.setenv(explorers.STATIC_ENV, "1")
    monkeypatch.setenv(explorers.CACHE_ENV, str(tmp_path))
    static = materials_explorer()
    frame = static.grid.frame(capacity_gwh=300)
    assert frame.lines == () and frame.title == ""
    assert f"{material_demand_kt(300)['lithium']:7.0f} kt" in frame.notes
    assert len(static.grid.frames) == 60
    html = static.embed()
    assert "Figure" not in html and "aria-label" not in html


def test_guide_lines_in_axes_coordinates_are_left_out_of_a_frame():
    """``axhline``/``axvline`` span the axes, not data: their (0, 1) ends are not data to plot."""

    def draw(ax, rate: float) -> str:
        ax.plot([-2.0, 2.0], [-rate, rate], label="line")
        ax.axhline(0, color="0.6")
        ax.axvline(0, color="0.6")
        return "title"

    frame = explorers.capture(draw, {"rate": 1.0})
    assert [(line.label, line.x, line.y) for line in frame.lines] == [
        ("line", (-2.0, 2.0), (-1.0, 1.0))
    ]


@pytest.mark.parametrize("page", EXPLORER_PAGES)
def test_an_explorer_page_shows_its_explorers_output(page):
    """The book shows the static document only if the explorer's cell keeps its output."""
    import jupytext

    cells = [
        cell
        for cell in jupytext.read(Path(__file__).parents[1] / f"{page}.md").cells
        if cell.cell_type == "code" and re.search(r"\b\w+_explorer\(", cell.source)
    ]
    assert cells, f"{page} calls no explorer"
    hidden = [c.source for c in cells if "remove-output" in c.metadata.get("tags", [])]
    assert not hidden, f"{page}: remove-output hides the explorer of {hidden}"


# ---- Choice: a control of named values (a metal, a process step, yes/no) ------------------

METAL = explorers.Choice("metal", "金属", (("亜鉛", "Zn"), ("銅", "Cu"), ("銀", "Ag")), "Cu")
STEP = explorers.Choice("step", "工程", tuple((f"工程 {k}", f"s{k}") for k in range(1, 7)))
DRY = explorers.Choice("dry", "ドライルーム", explorers.YES_NO)


def _named(ax, metal: str, step: str, dry: bool) -> str:
    """Prints what it was given: the values themselves, not indices."""
    assert isinstance(metal, str) and isinstance(step, str) and isinstance(dry, bool)
    print(f"{metal} {step} {dry}")
    return ""


def test_a_choice_gives_draw_its_values_and_a_frame_is_found_by_value():
    grid = explorers.build_grid(
        "named", _named, [METAL, STEP, DRY], arguments={}, engine="e", figure=False
    )
    assert len(grid.frames) == 3 * 6 * 2
    assert grid.frames[0].notes == "Zn s1 False"
    assert grid.frames[1].notes == "Zn s1 True"  # row-major: the last control moves fastest
    assert grid.frame(metal="Ag", step="s4", dry=True).notes == "Ag s4 True"
    with pytest.raises(ValueError, match="Pb"):
        grid.frame(metal="Pb", step="s1", dry=False)
    with pytest.raises(ValueError, match="1"):  # True is not the option "1", nor 1 a yes
        grid.frame(metal="Zn", step="s1", dry=1)


def test_a_choice_refuses_repeated_options_and_a_default_that_is_not_one():
    assert METAL.first == "Cu" and STEP.first == "s1" and DRY.first is False
    with pytest.raises(ValueError, match="distinct"):
        explorers.Choice("m", "m", (("a", "x"), ("b", "x")))
    with pytest.raises(ValueError, match="not an option"):
        explorers.Choice("m", "m", (("a", "x"),), "y")
    with pytest.raises(ValueError, match="not an option"):  # the notebook offers it too
        explorers.Choice("m", "m", (("a", "x"), ("b", "y")), "y", live=(("a", "x"),))


def test_an_explorer_that_only_prints_makes_no_figure():
    seen = []

    def draw(ax, rate: float) -> str:
        seen.append(ax)
        print(rate)
        return ""

    frame = explorers.capture(draw, {"rate": 2.0}, figure=False)
    assert seen == [None] and frame.notes == "2.0" and frame.lines == ()


def test_a_choice_is_buttons_a_drop_down_list_or_a_check_box_in_the_book():
    from bokeh.models import CustomJS
    from bokeh.models.widgets.groups import CheckboxGroup, RadioButtonGroup
    from bokeh.models.widgets.inputs import Select

    grid = explorers.build_grid(
        "named", _named, [METAL, STEP, DRY], arguments={}, engine="e", figure=False
    )
    layout = explorers.bokeh_layout(grid).controls
    (buttons,) = layout.select({"type": RadioButtonGroup})
    assert (buttons.labels, buttons.active) == (["亜鉛", "銅", "銀"], 1)
    (select,) = layout.select({"type": Select})
    assert select.options[3] == ("3", "工程 4") and select.value == "0"
    (box,) = layout.select({"type": CheckboxGroup})
    assert (box.labels, box.active) == (["ドライルーム"], [])
    (callback,) = layout.select({"type": CustomJS})
    assert callback.args["kinds"] == ["buttons", "select", "checkbox"]
    assert callback.args["sizes"] == [3, 6, 2]
    assert set(select.js_property_callbacks) == {"change:value"}
    assert set(box.js_property_callbacks) == {"change:active"}


def test_a_choice_is_the_same_widget_kind_in_a_notebook(monkeypatch):
    import ipywidgets as widgets

    monkeypatch.delenv(explorers.STATIC_ENV, raising=False)
    live = explorers.explorer(
        "named", _named, [METAL, STEP, DRY], arguments={}, packages=(), figure=False
    )
    metal, step, dry = (live.kwargs_widgets[i] for i in range(3))
    assert isinstance(metal, widgets.ToggleButtons) and metal.value == "Cu"
    assert isinstance(step, widgets.Dropdown) and step.value == "s1"
    assert isinstance(dry, widgets.Checkbox) and dry.value is False
    assert dry.description == "ドライルーム"
    more = explorers.Choice("metal", "金属", METAL.options[:2], "Zn", live=METAL.options)
    live = explorers.explorer("more", _named, [more, STEP, DRY], arguments={}, packages=())
    assert live.kwargs_widgets[0].options == (("亜鉛", "Zn"), ("銅", "Cu"), ("銀", "Ag"))


def test_a_grid_wanted_by_two_processes_at_once_is_computed_once(tmp_path):
    """Two pages being executed, or a page and a test, want the same grid at the same time:
    one computes it, the other waits for the lock and reads it."""
    import threading
    import time

    calls: list[tuple] = []
    started = threading.Event()

    def slow(ax, rate, room_c=25.0):
        started.set()
        time.sleep(0.01)
        calls.append((rate, room_c))
        return _draw(ax, rate=rate, room_c=room_c)

    grids: list = []
    first = threading.Thread(target=lambda: grids.append(_grid(tmp_path, slow)))
    first.start()
    started.wait(5)
    second = _grid(tmp_path, slow)  # while the first is drawing
    first.join()
    assert grids == [second] and len(calls) == len(second.frames)
