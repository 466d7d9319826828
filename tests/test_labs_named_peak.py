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
        out[lli]["tallest"] = ocv.main_peak_v(q, r.voltage_v)
    return out


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


def test_an_unknown_peak_name_is_a_lab_input_error():
    with pytest.raises(labs.LabInputError) as info:
        ocv.named_peak(np.linspace(0, 5, 50), np.linspace(3, 4.2, 50), name="main")
    assert info.value.parameter == "name"
