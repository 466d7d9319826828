"""The Thevenin circuit of module u03 (``denchi.labs.analysis.ecm``) and its seeded pulse data
(``denchi.labs.datasets.modeling``).

The circuit is checked against its closed-form step response (module docstring of ``ecm``:
a constant current from rest gives ``V = OCV − I R0 − I R1 (1 − e^(−t/τ))``); the fits against
data made from a circuit whose values are known. The seeded data are read from the stored DFN
records, so these tests need no solve; the slow test at the end solves one record again and
compares it with the stored one.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from denchi import labs
from denchi.labs.analysis import ecm
from denchi.labs.api.results import ProtocolResult
from denchi.labs.datasets import modeling

R0, R1, C1 = 0.025, 0.015, 4000.0  # Ω, Ω, F: τ = 60 s
TAU = R1 * C1
CURRENT = 5.0  # A
OCV = 3.7  # V


def _pulse_record(ocv_drop_v: float = 0.0) -> ProtocolResult:
    """A cycler record of 60 s rest, a 120-s 5-A pulse and 600 s of rest, sampled every second
    with both ends of each step at the same time, whose voltage is the circuit's own:
    written out from the closed form, not by the function under test."""
    t = np.concatenate([np.arange(0, 61.0), np.arange(60, 181.0), np.arange(180, 781.0)])
    step = np.concatenate([np.zeros(61), np.ones(121), np.full(601, 2)]).astype(int)
    current = np.where(step == 1, CURRENT, 0.0)
    charge = np.clip(t - 60.0, 0.0, 120.0) * CURRENT / 3600.0
    ocv = OCV - ocv_drop_v * charge / charge[-1]
    v1_end = CURRENT * R1 * (1 - math.exp(-120.0 / TAU))
    v1 = np.where(
        step == 0,
        0.0,
        np.where(
            step == 1,
            CURRENT * R1 * (1 - np.exp(-(t - 60.0) / TAU)),
            v1_end * np.exp(-(t - 180.0) / TAU),
        ),
    )
    return ProtocolResult(
        preset="nmc_graphite",
        nominal_capacity_ah=5.0,
        ambient_temperature_c=25.0,
        time_s=t,
        voltage_v=ocv - current * R0 - v1,
        current_a=current,
        discharge_capacity_ah=charge,
        temperature_c=np.full(len(t), 25.0),
        cycle=np.ones(len(t), dtype=int),
        step=step,
    )


def test_a_current_step_from_rest_follows_the_closed_form():
    t = np.arange(0.0, 301.0)
    current = np.full(len(t), CURRENT)
    current[0] = 0.0  # at rest at t = 0, switched on right after
    expected = OCV - CURRENT * R0 - CURRENT * R1 * (1 - np.exp(-t / TAU))
    expected[0] = OCV
    got = ecm.thevenin_voltage(t, current, OCV, R0, R1, C1)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_the_circuit_repeats_a_pulse_record_with_its_switching_instants():
    """Both ends of a step at the same time: the jump I R0 appears there, with no RC change."""
    record = _pulse_record(ocv_drop_v=0.03)
    charge = record.discharge_capacity_ah
    ocv = ecm.pulse_ocv_v(charge, OCV, OCV - 0.03)
    got = ecm.thevenin_voltage(record.time_s, record.current_a, ocv, R0, R1, C1)
    np.testing.assert_allclose(got, record.voltage_v, rtol=0, atol=1e-12)


def test_the_relaxation_fit_finds_the_exponential():
    t = np.arange(180.0, 781.0)
    rng = np.random.default_rng(0)
    v = 3.65 - 0.04 * np.exp(-(t - 180.0) / 55.0) + 0.0005 * rng.standard_normal(len(t))
    fit = ecm.fit_relaxation(t, v)
    assert fit.tau_s == pytest.approx(55.0, rel=0.02)
    assert fit.amplitude_v == pytest.approx(0.04, rel=0.02)
    assert fit.v_inf_v == pytest.approx(3.65, abs=1e-4)
    assert fit.t0_s == 180.0


def test_the_rc_pair_from_a_relaxation():
    amplitude = CURRENT * R1 * (1 - math.exp(-120.0 / TAU))
    r1, c1 = ecm.rc_from_relaxation(amplitude, TAU, CURRENT, 120.0)
    assert r1 == pytest.approx(R1, rel=1e-12)
    assert c1 == pytest.approx(C1, rel=1e-12)


def test_fit_pulse_recovers_the_circuit_that_made_the_record():
    record = _pulse_record(ocv_drop_v=0.03)
    fit = ecm.fit_pulse(record)
    assert fit.r0_ohm == pytest.approx(R0, rel=1e-9)
    assert fit.r1_ohm == pytest.approx(R1, rel=1e-3)
    assert fit.c1_f == pytest.approx(C1, rel=1e-3)
    assert fit.v_inf_v == pytest.approx(OCV - 0.03, abs=1e-6)
    error = ecm.model_voltage_v(record, fit) - record.voltage_v
    assert np.sqrt(np.mean(error**2)) < 1e-5


def test_a_record_without_its_three_steps_is_refused():
    record = _pulse_record()
    only_rest = ProtocolResult(
        **{
            **{name: getattr(record, name) for name in ("preset", "nominal_capacity_ah")},
            "ambient_temperature_c": 25.0,
            **{name: getattr(record, name)[:61] for name in ProtocolResult.ARRAYS},
        }
    )
    with pytest.raises(labs.LabInputError) as info:
        ecm.fit_pulse(only_rest)
    assert info.value.parameter == "result"


# --- the seeded data ---------------------------------------------------------------------


def test_a_student_gets_the_same_pulse_each_time_and_another_student_another():
    first = modeling.measured_pulse("s1")
    again = modeling.measured_pulse("s1")
    other = modeling.measured_pulse("s3")
    np.testing.assert_array_equal(first.voltage_v, again.voltage_v)
    assert not np.allclose(first.voltage_v, other.voltage_v, atol=1e-3)
    assert modeling.pulse_soc("s1") in modeling.SOCS


def test_the_seeds_spread_over_the_students_states_of_charge_and_never_the_labs():
    """The lab page fits the record from LAB_SOC: no student gets it."""
    assert {modeling.pulse_soc(n) for n in range(40)} == set(modeling.SOCS)
    assert modeling.LAB_SOC not in modeling.SOCS
    assert set(modeling.STORED_SOCS) == {*modeling.SOCS, modeling.LAB_SOC}


def test_a_state_of_charge_that_is_not_stored_is_refused():
    for soc in (0.45, -0.1, "0.5", None):
        with pytest.raises(labs.LabInputError) as info:
            modeling.dfn_pulse(soc)
        assert info.value.parameter == "soc"
    assert modeling.dfn_pulse(0.5).voltage_v.size > 700


def test_the_measured_pulse_is_the_dfn_record_with_the_cells_contact_resistance_and_noise():
    """Exactly ``V − I R_contact`` plus noise of about ``NOISE_V``: the jump grows by the
    seeded cell's contact resistance."""
    from denchi.labs.api.instrument import production_spread
    from denchi.labs.engine.presets import get_preset

    seed = "s1"
    stored = modeling.dfn_pulse(modeling.pulse_soc(seed))
    measured = modeling.measured_pulse(seed)
    _, contact = production_spread(get_preset(modeling.PRESET), seed)
    assert contact > 0
    noise = measured.voltage_v - (stored.voltage_v - stored.current_a * contact)
    assert np.std(noise) == pytest.approx(modeling.NOISE_V, rel=0.15)
    assert abs(np.mean(noise)) < 1e-4
    np.testing.assert_array_equal(measured.step, stored.step)
    pulse = measured.step == 1
    assert measured.current_a[pulse] == pytest.approx(5.0)


def test_the_circuit_fits_the_dfn_pulse_within_millivolts_and_not_exactly():
    """The lesson of the assignment: R0 near the preset's, τ about a minute, and an error of
    a few millivolts, most of it while the current flows (one time constant is too few)."""
    record = modeling.measured_pulse("practice")
    fit = ecm.fit_pulse(record)
    assert 0.015 < fit.r0_ohm < 0.035
    assert 30.0 < fit.tau_s < 150.0
    error = ecm.model_voltage_v(record, fit) - record.voltage_v
    rms = float(np.sqrt(np.mean(error**2)))
    assert 0.002 < rms < 0.02
    pulse, relax = record.step == 1, record.step == 2
    assert np.sqrt(np.mean(error[pulse] ** 2)) > 2 * np.sqrt(np.mean(error[relax] ** 2))


@pytest.mark.slow  # a DFN solve
def test_the_stored_records_are_what_the_engine_solves_now():
    soc = modeling.LAB_SOC
    fresh = modeling._solve(soc)
    stored = modeling.dfn_pulse(soc)
    np.testing.assert_allclose(fresh.time_s, stored.time_s, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(fresh.step, stored.step)
    np.testing.assert_allclose(fresh.voltage_v, stored.voltage_v, rtol=0, atol=2e-4)


def test_an_ocv_without_charge_taken_out_is_refused():
    """The OCV falls in proportion to the charge over the pulse's whole charge: 0 Ah would
    divide by zero."""
    with pytest.raises(labs.LabInputError) as info:
        ecm.pulse_ocv_v(np.zeros(5), 3.7, 3.68)
    assert info.value.parameter == "charge_ah"
