"""denchi.factory.quality: X̄–R limits, Western Electric rules, Cp and Cpk against worked
examples read in textbooks' solutions (sources in each test)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from denchi import factory
from denchi.errors import InputError
from denchi.factory.quality import XBAR_R_CONSTANTS, ControlLimits


def test_constants_follow_their_definition():
    # A2 = 3 / (d2 sqrt(n)) (SAS QC documentation, "Deriving Control Chart Constants"): a
    # mistyped A2 or d2 in the table breaks it beyond the rounding of three decimals
    for n, (a2, d3, d4, d2) in XBAR_R_CONSTANTS.items():
        assert a2 == pytest.approx(3.0 / (d2 * math.sqrt(n)), abs=1.5e-3), n
        # D3 + D4 = 2 wherever D3 > 0 (both are 1 ∓ 3 d3/d2)
        if d3 > 0:
            assert d3 + d4 == pytest.approx(2.0, abs=1.5e-3), n
    # the table of the SixSigma vignette for n = 5: A2 0.5768, D4 2.1145, d2 2.3259
    assert XBAR_R_CONSTANTS[5] == pytest.approx((0.577, 0.0, 2.114, 2.326), abs=6e-4)


def test_limits_of_the_piston_example():
    # Heizer & Render, Operations Management, solved problem S6.7 (read in a course
    # solution): n = 10, X̿ = 155.16 mm, R̄ = 4.48 mm -> X̄ chart 153.78 to 156.54 mm,
    # R chart 1.00 to 7.96 mm
    xbar, r = factory.xbar_r_limits(155.16, 4.48, 10)
    assert (xbar.lower, xbar.center, xbar.upper) == pytest.approx(
        (153.78, 155.16, 156.54), abs=0.005
    )
    assert (r.lower, r.center, r.upper) == pytest.approx((1.00, 4.48, 7.96), abs=0.005)


def test_limits_for_subgroups_of_five():
    # the same solutions, S6.10: n = 5, X̿ = 10, R̄ = 3.3 -> 8.10 to 11.90; R chart 0 to 6.98
    xbar, r = factory.xbar_r_limits(10.0, 3.3, 5)
    assert (xbar.lower, xbar.upper) == pytest.approx((8.10, 11.90), abs=0.005)
    assert (r.lower, r.upper) == pytest.approx((0.0, 6.98), abs=0.005)


def test_chart_from_raw_subgroups():
    samples = [[1.0, 2.0, 3.0], [2.0, 2.0, 5.0], [0.0, 1.0, 2.0]]
    chart = factory.xbar_r_chart(samples)
    assert chart.means == pytest.approx([2.0, 3.0, 1.0])
    assert chart.ranges == pytest.approx([2.0, 3.0, 2.0])
    assert chart.subgroup_size == 3
    rbar = 7.0 / 3.0
    assert chart.xbar.upper == pytest.approx(2.0 + 1.023 * rbar)
    assert chart.r.upper == pytest.approx(2.574 * rbar)
    assert chart.sigma == pytest.approx(rbar / 1.693)


def test_capability_of_the_cocoa_example():
    # "Computing the Cpk value at Cocoa Fizz" (a worked example read in course slides, secondary):
    # 16.0 ± 0.2 oz, μ = 15.9 oz, σ = 0.1 oz -> Cpk = 0.33 (and Cp = 0.4/0.6 = 0.67)
    c = factory.process_capability(15.9, 0.1, 15.8, 16.2)
    assert c.cpk == pytest.approx(1 / 3)
    assert c.cp == pytest.approx(2 / 3)


def test_capability_of_a_centred_process():
    # μ = 100, σ = 4, LSL 90, USL 110 -> Cpk = 0.8333 = Cp (a centred process)
    c = factory.process_capability(100.0, 4.0, 90.0, 110.0)
    assert c.cpk == pytest.approx(0.8333, abs=1e-4)
    assert c.cp == pytest.approx(c.cpk)
    # a mean outside the specification gives a negative Cpk
    assert factory.process_capability(111.0, 4.0, 90.0, 110.0).cpk < 0


def test_capability_from_a_chart_uses_rbar_over_d2():
    chart = factory.xbar_r_chart([[1.0, 2.0, 3.0], [2.0, 2.0, 5.0], [0.0, 1.0, 2.0]])
    c = factory.capability_from_chart(chart, -4.0, 10.0)
    assert c.cp == pytest.approx(14.0 / (6.0 * chart.sigma))
    assert c.cpk == pytest.approx(6.0 / (3.0 * chart.sigma))


LIMITS = ControlLimits(0.0, -3.0, 3.0)  # σ = 1 of the plotted statistic


def _rules(values):
    return [(v.index, v.rule, v.side) for v in factory.run_rule_violations(values, LIMITS)]


def test_no_rule_is_broken_by_a_calm_series():
    assert _rules([0.5, -0.5, 0.2, -0.9, 0.1, -0.3, 0.4, -0.2, 0.6, -0.1]) == []


def test_rule_1_one_point_beyond_the_limits():
    assert _rules([0.0, -3.2, 0.1]) == [(1, 1, -1)]


def test_rule_2_two_of_three_beyond_two_sigma_on_one_side():
    assert _rules([2.5, 0.0, 2.1]) == [(2, 2, 1)]
    # on opposite sides it is no signal
    assert _rules([2.5, 0.0, -2.1]) == []


def test_rule_3_four_of_five_beyond_one_sigma():
    assert _rules([1.5, 1.2, 0.0, 1.1, 1.3]) == [(4, 3, 1)]


def test_rule_4_eight_in_a_row_on_one_side():
    assert _rules([-0.2] * 7) == []
    assert _rules([-0.2] * 8) == [(7, 4, -1)]
    # the ninth point completes another run of eight
    assert _rules([-0.2] * 9) == [(7, 4, -1), (8, 4, -1)]


def test_a_pattern_is_reported_where_it_appears():
    # 2 of 3 beyond 2σ at index 1; index 2 is calm and repeats nothing
    assert _rules([2.5, 2.6, 0.0]) == [(1, 2, 1)]


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda: factory.xbar_r_limits(1.0, 0.1, 11), "subgroup_size"),
        (lambda: factory.xbar_r_limits(1.0, -0.1, 5), "mean_range"),
        (lambda: factory.xbar_r_chart([1.0, 2.0, 3.0]), "samples"),
        (lambda: factory.xbar_r_chart([[1.0] * 11, [2.0] * 11]), "subgroup_size"),
        (lambda: factory.xbar_r_chart([[1.0, float("nan")], [1.0, 2.0]]), "samples"),
        (lambda: factory.process_capability(1.0, 0.0, 0.0, 2.0), "sigma"),
        (lambda: factory.process_capability(1.0, 0.1, 2.0, 0.0), "usl"),
        (lambda: factory.run_rule_violations([0.0], ControlLimits(0.0, 0.0, 0.0)), "limits"),
        (lambda: factory.run_rule_violations("abc", LIMITS), "values"),
    ],
)
def test_bad_input_names_the_argument(call, parameter):
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.parameter.startswith(parameter)
    assert caught.value.message_ja and caught.value.message_en


# ------------------------------------------------------------------ figures (Agg backend)


@pytest.fixture
def agg():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    yield
    plt.close("all")


def test_xbar_r_figure_marks_the_signals_of_the_run_rules(agg):
    rows = [[5.0, 5.01, 4.99, 5.0, 5.0]] * 6 + [[5.02, 5.03, 5.01, 5.02, 5.02]] * 3
    rows = [
        [v + 0.004 * ((i * 7 + j) % 5 - 2) for j, v in enumerate(r)] for i, r in enumerate(rows)
    ]
    top, bottom = factory.draw_xbar_r_chart(rows, baseline=6)
    chart = factory.xbar_r_chart(rows[:6])
    signals = factory.run_rule_violations(factory.xbar_r_chart(rows).means, chart.xbar)
    assert signals  # the last three subgroups sit far above the baseline's limits
    red_points = [ln for ln in top.lines if ln.get_color() == "tab:red" and ln.get_marker() == "o"]
    assert len(red_points) == len({v.index for v in signals})
    labels = {t.get_text() for t in top.texts}
    for v in signals:
        assert any(str(v.rule) in label.split(",") for label in labels)
    # limits of the baseline, drawn as lines on both charts
    ys = {round(ln.get_ydata()[0], 6) for ln in top.lines if ln.get_linestyle() == "--"}
    assert ys == {round(chart.xbar.upper, 6), round(chart.xbar.lower, 6)}
    assert "[Ah]" in top.get_ylabel() and "[Ah]" in bottom.get_ylabel()
    assert bottom.get_xlabel() == "サブグループの番号"


def test_capability_figure_shows_the_limits_and_cpk(agg):
    ax = factory.draw_capability([4.98, 5.0, 5.01, 5.02, 4.99], 4.94, 5.06, sigma=0.01)
    c = factory.process_capability(5.0, 0.01, 4.94, 5.06)
    assert f"Cpk = {c.cpk:.2f}" in ax.get_title()
    xs = sorted(ln.get_xdata()[0] for ln in ax.lines if ln.get_linestyle() == "--")
    assert xs == pytest.approx([4.94, 5.06])
    with pytest.raises(InputError):
        factory.draw_capability([5.0, 5.0], 5.06, 4.94, sigma=0.01)


def test_scaled_spread_scales_deviations_and_moves_the_mean():
    values = np.array([[4.9, 5.0, 5.1], [5.0, 5.2, 4.8]])
    out = factory.scaled_spread(values, 2.0, shift=0.01)
    assert out.shape == values.shape
    assert out.mean() == pytest.approx(values.mean() + 0.01)
    assert (out - out.mean()) == pytest.approx(2.0 * (values - values.mean()))
    # twice the spread: half the capability
    c1 = factory.capability_from_chart(factory.xbar_r_chart(values), 4.0, 6.0)
    c2 = factory.capability_from_chart(
        factory.xbar_r_chart(factory.scaled_spread(values, 2.0)), 4.0, 6.0
    )
    assert c2.cp == pytest.approx(c1.cp / 2)
    with pytest.raises(InputError):
        factory.scaled_spread(values, -1.0)


ROWS = [[4.95, 4.96, 4.94, 4.95, 4.97], [4.96, 4.95, 4.93, 4.96, 4.95]] * 4


def test_capability_explorer_prints_the_share_outside(agg, capsys):
    from denchi.factory.quality_widgets import capability_explorer

    widget = capability_explorer(ROWS, 4.92, 5.00)
    capsys.readouterr()
    widget.update()  # outside a kernel, the Output widget passes prints to stdout
    out = capsys.readouterr().out
    assert "規格の外に出る割合" in out and "σ = R̄/d2" in out
    with pytest.raises(InputError):
        capability_explorer(ROWS, 5.00, 4.92)
    with pytest.raises(InputError):
        capability_explorer([4.9, 5.0, 5.1], 4.92, 5.00)  # not subgroups


def test_capability_explorer_in_the_book_is_the_closed_forms_grid(agg, tmp_path, monkeypatch):
    from denchi import explorers
    from denchi.factory.quality_widgets import SHIFTS_MAH, SPREADS, capability_explorer

    monkeypatch.setenv(explorers.STATIC_ENV, "1")
    monkeypatch.setenv(explorers.CACHE_ENV, str(tmp_path))
    grid = capability_explorer(ROWS, 4.92, 5.00).grid
    assert len(grid.frames) == len(SPREADS) * len(SHIFTS_MAH) == 56
    frame = grid.frame(spread=2.0, shift_mah=-10.0)
    values = factory.scaled_spread(ROWS, 2.0, -0.010)
    c = factory.process_capability(values.mean(), factory.xbar_r_chart(values).sigma, 4.92, 5.0)
    assert frame.title == f"Cp = {c.cp:.2f}、Cpk = {c.cpk:.2f}"
    labels = [line.label for line in frame.lines]
    assert labels[-2:] == ["LSL", "USL"]
    assert frame.lines[-2].x[0] == pytest.approx(4.92) and frame.lines[-1].x[0] == pytest.approx(
        5.0
    )
    assert (frame.x_label, frame.y_label) == ("容量 [Ah]", "確率密度 [1/Ah]")
    assert "規格の外に出る割合" in frame.notes
    # a wider spread: a lower Cpk in the title
    assert grid.frame(spread=0.5, shift_mah=-10.0).title != frame.title
