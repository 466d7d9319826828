"""Explorers build their sliders; progress bars stay off stderr, in a kernel and outside."""

from __future__ import annotations

import nbformat
import pytest

from denchi import labs

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)


@pytest.mark.parametrize(
    "name, sliders, title",
    [
        ("discharge_explorer", {"c_rate", "temperature_c"}, "2.5 V"),
        ("thermal_explorer", {"c_rate", "cooling_w_m2k", "temperature_c"}, "℃"),
        ("design_explorer", {"positive_thickness_um", "positive_porosity", "np_ratio"}, "Wh/kg"),
        (
            "practicum_explorer",
            {"coated_thickness_um", "pressed_porosity", "electrolyte_fill", "first_charge_c_rate"},
            "Wh/L",
        ),
        ("abuse_heating_explorer", {"c_rate", "cooling_w_m2k"}, "℃"),
        ("chemistry_explorer", {"c_rate"}, "25 ℃"),
    ],
)
def test_explorers_have_their_sliders_and_draw(monkeypatch, name, sliders, title):
    import matplotlib.pyplot as plt

    from denchi.labs.api import widgets

    shown: list[str] = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gca().get_title()))
    explorer = getattr(widgets, name)()  # draws once with the slider values
    assert set(explorer.kwargs) == sliders
    explorer.update()  # a slider moved
    plt.close("all")
    assert len(shown) == 2 and all(title in t for t in shown), shown


def test_long_runs_write_nothing_outside_a_terminal(capfd):
    cell = labs.Cell("nmc_graphite", model="spm")
    cell.aging(cycles=3)
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_progress_in_a_notebook_is_one_updated_text_output(tmp_path):
    """Executed like the book executes a page: the saved output is the finished bar."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from denchi import labs\n"
            "result = labs.Cell('nmc_graphite', model='spm').aging(cycles=4)\n"
            "print(len(result.cycle))"
        )
    ]
    NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    assert not [o for o in outputs if o.get("name") == "stderr"]
    bars = [o for o in outputs if o.output_type == "display_data"]
    assert len(bars) == 1
    text = bars[0].data["text/plain"]
    assert "4/4" in text and "application/vnd.jupyter.widget-view+json" not in bars[0].data
    assert outputs[-1].text.strip() == "4"
