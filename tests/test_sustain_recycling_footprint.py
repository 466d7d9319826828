"""denchi.sustain recycling flows and carbon footprint against the seed and Xu et al. (2022).

References:
- Seed deck (METI 2023, 国内環境整備：リサイクル①): of automotive batteries made in Japan,
  約 15 % reach intermediate processing in Japan: 国内販売 約 50 % × 国内廃車 約 70 % ×
  中間処理 約 40 % (exactly 14 %; the deck rounds the approximate factors to about 15 %).
- Xu et al., Resour. Conserv. Recycl. 187 (2022) 106606: 41–89 kg CO2e per kWh of cell
  capacity for 2020 production; the cathode's share is 33–70 % across the 2020–2050 scenarios
  (not a share of the 2020 range alone).
"""

from __future__ import annotations

import pytest

from denchi import sustain
from denchi.errors import InputError


def test_the_seed_path_reaches_about_15_percent():
    share = sustain.overall_fraction(sustain.SEED_AUTOMOTIVE_PATH)
    assert share == pytest.approx(0.14)
    assert 0.13 < share < 0.16  # "約 15 %"


def test_flow_of_100_batteries_step_by_step():
    assert sustain.flow(sustain.SEED_AUTOMOTIVE_PATH, start=100) == pytest.approx([50, 35, 14])


def test_a_better_processing_rate_changes_only_the_last_step():
    path = [*sustain.SEED_AUTOMOTIVE_PATH[:2], sustain.Stage("中間処理", "processing", 0.8)]
    assert sustain.flow(path, start=100)[-1] == pytest.approx(28)


def test_a_stage_fraction_above_one_is_refused():
    with pytest.raises(InputError) as info:
        sustain.Stage("国内で販売", "sold", 1.5)
    assert info.value.parameter == "fraction"
    assert "国内で販売" in info.value.message_ja


def test_footprint_of_a_50_kwh_pack_over_the_xu_range():
    low, high = sustain.footprint_range_kg(50)
    assert (low, high) == pytest.approx((2050, 4450))


def test_cathode_share_of_a_footprint():
    total = sustain.footprint_kg(60, 60)
    lo, hi = sustain.XU2022_CATHODE_SHARE
    assert sustain.share_kg(total, lo) == pytest.approx(1188)
    assert sustain.share_kg(total, hi) == pytest.approx(2520)


def test_life_cycle_stages_are_named_in_both_languages():
    assert len(sustain.LIFE_CYCLE_STAGES_JA) == len(sustain.LIFE_CYCLE_STAGES_EN) == 5


def test_negative_capacity_is_refused():
    with pytest.raises(InputError) as info:
        sustain.footprint_kg(-1, 60)
    assert info.value.parameter == "capacity_kwh"
