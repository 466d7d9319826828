"""Numbers the intro pages state about the virtual cell are what the lab computes.

Each fact below is quoted on a page (modules/h04_lithium_ion); if the model or the pages change,
this test says which statement no longer holds (docs/review/fact_review.md)."""

from __future__ import annotations

import numpy as np
import pytest

from denchi import labs

pytestmark = pytest.mark.slow  # PyBaMM solves


@pytest.fixture(scope="module")
def ocv():
    return labs.Cell("nmc_graphite").ocv()


def test_graphite_stays_low_above_15_percent_and_rises_to_about_1_1_v_when_empty(ocv):
    # 02_voltage: 「SOC が 15 % くらいより上では 0.1〜0.3 V … SOC 0 % では約 1.1 V」
    negative = ocv.negative_potential_v
    above = negative[ocv.soc >= 0.15]
    assert above.min() > 0.05 and above.max() < 0.3
    assert negative[np.argmin(ocv.soc)] == pytest.approx(1.1, abs=0.1)


def test_1c_reaches_the_cut_off_a_little_before_one_hour():
    # 03_capacity and the glossary: 1C discharges the nominal capacity in one hour; the lab's
    # cell reaches its cut-off voltage after about 0.99 h at 1C
    result = labs.Cell("nmc_graphite").discharge(c_rate=1.0)
    hours = result.duration_s / 3600
    assert 0.97 < hours < 1.0
    assert f"{hours:.2f}" == "0.99"
