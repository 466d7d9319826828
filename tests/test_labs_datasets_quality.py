"""The seeded production record of u06_quality: one line per student, a baseline that breaks
no run rule, a shift that the run rules find before the 3σ limits do, and milliseconds."""

from __future__ import annotations

import time

import numpy as np
import pytest

from denchi import factory, labs
from denchi.labs.datasets import quality as u06

SEEDS = ["s0001", "s0002", "student-40", 7, 123456]


@pytest.mark.parametrize("seed", SEEDS)
def test_record_teaches_what_the_assignment_asks(seed):
    record = u06.production_record(seed)
    ref = u06.quality_reference(seed)
    assert record.capacity_ah.shape == (u06.SUBGROUPS, u06.SUBGROUP_SIZE)
    assert record.lsl_ah < record.capacity_ah.mean() < record.usl_ah
    baseline = factory.xbar_r_chart(record.capacity_ah[: record.baseline_subgroups])
    assert baseline.xbar == ref.chart.xbar
    means = record.capacity_ah.mean(axis=1)
    found = factory.run_rule_violations(means, baseline.xbar)
    # nothing in the baseline; the first signal after it, by a run rule (2-4)
    assert min(v.index for v in found) + 1 == ref.first_signal > record.baseline_subgroups
    assert ref.first_signal_rule in (2, 3, 4)
    assert ref.first_beyond_limits == 0 or ref.first_beyond_limits > ref.first_signal
    # Cpk clearly below Cp (the mean is off the middle), from σ = R̄/d2
    assert ref.capability.cpk < 0.9 * ref.capability.cp
    sigma = baseline.ranges.mean() / factory.quality.XBAR_R_CONSTANTS[5][3]
    assert ref.capability.cp == pytest.approx((record.usl_ah - record.lsl_ah) / (6 * sigma))


def test_students_differ_and_reruns_agree():
    a, b = u06.production_record("s0001"), u06.production_record("s0002")
    assert not np.allclose(a.capacity_ah, b.capacity_ah)
    assert np.array_equal(a.capacity_ah, u06.production_record("s0001").capacity_ah)
    assert labs.u06_datasets.production_record is u06.production_record


def test_the_class_gets_different_answers():
    firsts = {u06.quality_reference(f"s{i:04d}").first_signal for i in range(40)}
    rules = {u06.quality_reference(f"s{i:04d}").first_signal_rule for i in range(40)}
    assert len(firsts) >= 4 and len(rules) >= 2


def test_a_learner_cannot_change_the_kept_answer():
    ref = u06.quality_reference("s0003")
    ref.chart.means[:] = 0.0  # a learner's copy: writable, but not the kept one
    assert u06.quality_reference("s0003").chart.means.min() > 4.0


def test_data_take_milliseconds():
    start = time.perf_counter()
    for i in range(40):
        u06.quality_reference(f"timing-{i}")
    assert (time.perf_counter() - start) / 40 < 0.05
