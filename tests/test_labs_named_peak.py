"""e02: loss of lithium inventory changes the heights of the NMC cell's two dQ/dV peaks and
moves them only by millivolts; a named peak is followed where "the tallest peak" jumps."""

from __future__ import annotations

import numpy as np
import pytest

from denchi import labs
from denchi.labs.analysis import ocv

pytestmark = pytest.mark.slow  # PyBaMM parameter sets

LLI = (0.0, 0.04, 0.08, 0.12)


@pytest.fixture(scope="module")
def peaks():
    out = {}
    for lli in LLI:
        r = ocv.degraded_ocv(lli=lli, points=4001)
        q = r.soc * r.capacity_ah
        out[lli] = {name: ocv.named_peak(q, r.voltage_v, name) for name in ocv.NAMED_PEAKS_V}
        out[lli]["tallest"] = _tallest_bin_v(q, r.voltage_v)
        out[lli]["ocv"] = r
    return out


def _tallest_bin_v(q, v):
    """What e02 used to grade: the centre of the tallest 10 mV bin between 3.5 and 4.0 V."""
    centres, values = ocv.incremental_capacity(q, v, 0.01)
    inside = (centres > 3.5) & (centres < 4.0)
    return float(centres[inside][np.argmax(values[inside])])


def test_loss_of_lithium_changes_peak_heights(peaks):
    low = [peaks[x]["low"].height_ah_per_v for x in LLI]
    high = [peaks[x]["high"].height_ah_per_v for x in LLI]
    assert np.all(np.diff(low) < 0), low
    assert np.all(np.diff(high) > 0), high


def test_named_peaks_move_by_millivolts_only(peaks):
    for name in ocv.NAMED_PEAKS_V:
        positions = [peaks[x][name].position_v for x in LLI]
        assert max(positions) - min(positions) < 0.03, (name, positions)


def test_the_tallest_peak_jumps_from_one_peak_to_the_other(peaks):
    """Why e02 must not track "the tallest peak": it switches at a few % LLI."""
    assert peaks[0.08]["tallest"] - peaks[0.0]["tallest"] > 0.1


def test_peak_change_of_the_e02_preset_is_a_falling_height_not_a_shift(peaks):
    """LLI of the e02 cell: the low peak loses height and moves by far less than 30 mV."""
    fresh = peaks[0.0]["ocv"]
    for lli in LLI[1:]:
        change = ocv.peak_change(fresh, peaks[lli]["ocv"], "low")
        assert abs(change.shift_v) < 0.03, (lli, change)
        assert change.height_change_ah_per_v < 0, (lli, change)
        assert change.height_change_ah_per_v == pytest.approx(
            peaks[lli]["low"].height_ah_per_v - peaks[0.0]["low"].height_ah_per_v
        )
    high = ocv.peak_change(fresh, peaks[0.12]["ocv"], "high")
    assert abs(high.shift_v) < 0.03 and high.height_change_ah_per_v > 0


@pytest.mark.parametrize("student", ["s0001", "s0002", "s2024001"])
def test_the_assignments_aged_cells_show_lli_as_a_lower_low_peak(student):
    """The seeded aged cell of each student (LLI 8–16 %, 1 mV noise): the graded low peak
    falls by more than 1 Ah/V and moves by millivolts."""
    change = ocv.peak_change(*ocv.measured_aged_ocv(student), "low")
    assert abs(change.shift_v) < 0.03, change
    assert change.height_change_ah_per_v < -1.0, change


def test_peak_change_needs_ocv_results():
    with pytest.raises(labs.LabInputError) as info:
        ocv.peak_change("fresh", "aged")
    assert info.value.parameter == "fresh"


def test_an_unknown_peak_name_is_a_lab_input_error():
    with pytest.raises(labs.LabInputError) as info:
        ocv.named_peak(np.linspace(0, 5, 50), np.linspace(3, 4.2, 50), name="main")
    assert info.value.parameter == "name"
