"""One rule for the N/P ratio, whether given as np_ratio or implied by the electrode
thicknesses (the check comes before any PyBaMM solve)."""

from __future__ import annotations

import pytest

from denchi import labs

pytestmark = pytest.mark.slow  # loads PyBaMM parameter sets (no solve)


@pytest.mark.parametrize(("positive", "negative"), [(300, 10), (10, 300), (200, 20)])
def test_thicknesses_that_imply_an_np_ratio_out_of_range_are_refused(positive, negative):
    with pytest.raises(labs.LabInputError) as info:
        labs.design_cell(
            positive_thickness_um=positive, negative_thickness_um=negative, model="spm"
        )
    assert info.value.parameter == "negative_thickness_um"
    assert "N/P" in info.value.message_ja and "N/P" in info.value.message_en


@pytest.mark.parametrize("ratio", [0.3, 3.5])
def test_np_ratio_out_of_range_is_refused(ratio):
    with pytest.raises(labs.LabInputError) as info:
        labs.design_cell(np_ratio=ratio, model="spm")
    assert info.value.parameter == "np_ratio"
