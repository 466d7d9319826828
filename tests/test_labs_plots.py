"""The labs' plot helpers label their own figures: a legend whenever one axes holds more than one
named curve, so no page has to remember ``ax.legend()`` (no PyBaMM: results built by hand)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from denchi import labs  # noqa: E402
from denchi.labs.api.aging import AgingResult  # noqa: E402
from denchi.labs.api.impedance import EISResult  # noqa: E402
from denchi.labs.api.results import DischargeResult  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _discharge(c_rate: float, temperature_c: float = 25.0) -> DischargeResult:
    t = np.linspace(0, 3600 / c_rate, 50)
    current = np.full_like(t, 5.0 * c_rate)
    return DischargeResult(
        preset="nmc_graphite",
        nominal_capacity_ah=5.0,
        ambient_temperature_c=temperature_c,
        time_s=t,
        voltage_v=np.linspace(4.2, 2.5, 50) - 0.05 * c_rate,
        current_a=current,
        discharge_capacity_ah=current * t / 3600,
        temperature_c=np.full_like(t, temperature_c),
        c_rate=c_rate,
    )


def _spectrum(soc: float) -> EISResult:
    f = np.logspace(-2, 4, 25)
    w = 2 * np.pi * f
    z = 0.02 + 0.01 / (1 + 1j * w * 0.01 * 0.01) + 0.002 * (1 - 1j) / np.sqrt(w)
    return EISResult("nmc_graphite", soc, 25.0, f, z * (1 + soc))


def _aging(conditions: str) -> AgingResult:
    cycles = np.arange(1, 11)
    capacity = 5.0 - 0.01 * cycles
    zeros = np.zeros_like(capacity)
    return AgingResult(
        "nmc_graphite", 25.0, conditions, cycles, cycles / 2, capacity, zeros, zeros, zeros
    )


def _legend(ax) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


@pytest.mark.parametrize(
    "results, options",
    [
        ([_discharge(1), _discharge(3)], {}),
        ([_discharge(2, 10), _discharge(2, 40)], {"x": "time", "y": "temperature"}),
        ([_spectrum(0.2), _spectrum(0.5), _spectrum(0.8)], {}),
        ([_aging("25 ℃"), _aging("45 ℃")], {}),
    ],
    ids=["discharge", "temperature", "nyquist", "aging"],
)
def test_curves_drawn_into_one_axes_get_a_legend_naming_each(results, options):
    """The page draws results one by one into its own axes (``r.plot(ax=ax)``), as e04
    and e05 do; the helper keeps a legend of every named curve."""
    _, ax = plt.subplots()
    for r in results:
        returned = r.plot(ax=ax, **options)
        assert returned is ax  # the page keeps drawing into what it gets back
    assert _legend(ax) == [r.label for r in results]


def test_labels_given_by_the_page_are_the_legend():
    _, ax = plt.subplots()
    for name in ("SPME", "DFN"):
        _spectrum(0.5).plot(ax=ax, label=name)
    assert _legend(ax) == ["SPME", "DFN"]


def test_a_single_curve_has_no_legend_box():
    ax = _discharge(1).plot()
    assert ax.get_legend() is None
    ax = _spectrum(0.5).plot()
    assert ax.get_legend() is None


def test_compare_still_names_each_result():
    ax = labs.compare([_discharge(1), _discharge(3)], labels=["A", "B"])
    assert _legend(ax) == ["A", "B"]


def test_the_bode_plot_says_which_curve_is_magnitude_and_which_is_phase():
    ax = _spectrum(0.5).plot_bode()
    entries = [t for a in ax.figure.axes for t in _legend(a)]
    assert any("|Z|" in t for t in entries), entries
    assert any("位相" in t for t in entries), entries
    # the magnitude is on log axes and the phase has its own axis, as before
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert len(ax.figure.axes) == 2


def test_the_bode_legend_names_the_spectrum_when_the_page_names_it():
    ax = _spectrum(0.5).plot_bode(label="SOC 50 %")
    entries = [t for a in ax.figure.axes for t in _legend(a)]
    assert entries and all("SOC 50 %" in t for t in entries), entries


def test_helpers_return_the_axes_and_print_nothing_but_the_figure(capsys):
    """``ax = r.plot()`` is how pages call the helpers; the returned Axes lets them add to the
    figure. (Returning the Figure would show it twice in a notebook: once as the cell's value
    and once when the inline backend flushes the open figures.)"""
    ax = _discharge(1).plot()
    assert ax.figure is plt.gcf()
    assert capsys.readouterr().out == ""
