"""The seeded data of u07_safety_standards: one cell heating under abuse per student, the
lumped heat balance inside it, and a reference analysis that recovers it."""

from __future__ import annotations

import time

import numpy as np
import pytest

from denchi import chem, labs
from denchi.labs import LabInputError


def test_the_same_seed_gives_the_same_record_and_another_seed_another():
    u07 = labs.u07_datasets
    a, b = u07.heating_record("s001"), u07.heating_record("s001")
    assert np.array_equal(a.temperature_c, b.temperature_c)
    other = u07.heating_record("s002")
    assert a.ambient_c != other.ambient_c
    assert a.limit_c == other.limit_c == u07.LIMIT_C


@pytest.mark.parametrize("seed", [0, 1, "practice", "学籍番号 20261234", 17, 99])
def test_the_fit_recovers_the_cell_the_record_was_made_from(seed):
    u07 = labs.u07_datasets
    capacity, conductance, heat, ambient = u07._cell(seed)
    record, ref = u07.heating_record(seed), u07.heating_reference(seed)
    assert record.time_s.shape == record.temperature_c.shape == (u07.RECORD_POINTS,)
    assert record.time_s[0] == 0.0
    # the record stops before the steady state: its last reading is well below it
    assert record.temperature_c[-1] < ambient + 0.8 * heat / conductance
    assert ref.heat_w == pytest.approx(heat, rel=0.05)
    assert ref.conductance_w_k == pytest.approx(conductance, rel=0.05)
    assert ref.steady_c == pytest.approx(
        chem.steady_temperature_c(heat, conductance, ambient), abs=1.0
    )
    assert ref.stays_below == (ambient + heat / conductance < u07.LIMIT_C)
    assert ref.required_conductance_w_k == pytest.approx(heat / (u07.LIMIT_C - ambient), rel=0.05)
    # noise of a thermocouple, not more
    clean = chem.lumped_temperature_c(record.time_s, heat, conductance, capacity, ambient)
    assert np.std(record.temperature_c - clean) < 2 * u07.NOISE_K


def test_the_class_gets_both_answers_and_each_is_clear_of_the_limit():
    u07 = labs.u07_datasets
    analyses = [u07.heating_reference(s) for s in range(40)]
    assert {a.stays_below for a in analyses} == {True, False}
    assert all(abs(a.steady_c - u07.LIMIT_C) > u07.MARGIN_K - 1.0 for a in analyses)


def test_a_record_takes_milliseconds():
    u07 = labs.u07_datasets
    start = time.perf_counter()
    for seed in range(1000, 1020):
        u07.heating_reference(seed)
    assert (time.perf_counter() - start) / 20 < 0.05


@pytest.mark.parametrize("seed", [None, -1, [1], "", 1.5])
def test_a_wrong_seed_is_refused_by_name(seed):
    with pytest.raises(LabInputError) as error:
        labs.u07_datasets.heating_record(seed)
    assert error.value.parameter == "seed"
