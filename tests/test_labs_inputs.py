"""Random and hostile arguments: the only exceptions a learner can see are ``LabInputError``
(with its subclass ``LabSimulationError``), with a message in both languages."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from denchi import labs
from denchi.labs.api import protocols as p

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)

# deferred: one_of(HOSTILE, valid) then picks each side half the time instead of flattening
HOSTILE = st.deferred(lambda: _HOSTILE)
_HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=12),
    st.binary(max_size=6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.complex_numbers(),
    st.lists(st.floats(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.fractions(),
    st.decimals(),
    st.sampled_from(
        [object(), np.float64("nan"), np.array([1.0, 2.0]), Fraction(10**400, 3), float("-inf")]
    ),
)


def mostly(valid: st.SearchStrategy) -> st.SearchStrategy:
    """Valid values two times in three, so that whole valid calls (extremes included) run."""
    return st.one_of(valid, valid, HOSTILE)


TEMPERATURE = mostly(st.floats(-20, 60))
C_RATE = mostly(st.floats(0.01, 10))
SOC = mostly(st.floats(0, 1))
FEW = st.one_of(HOSTILE, st.integers(1, 2))
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples in every run: CI stays reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module")
def cell():
    return labs.Cell("nmc_graphite", model="spm")


def _only_lab_errors(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except labs.LabInputError as error:
        assert error.message_ja and error.message_en and error.parameter
        assert "Traceback" not in str(error) and "IDA" not in str(error)
        return None


@SETTINGS
@given(
    chemistry=st.one_of(HOSTILE, st.sampled_from(sorted(labs.PRESETS))),
    model=st.one_of(HOSTILE, st.sampled_from(["spm", "spme", "dfn", "loqs", "full"])),
    thermal=st.one_of(HOSTILE, st.sampled_from(["isothermal", "lumped"])),
    seed=st.one_of(HOSTILE, st.integers(0, 10**6)),
)
def test_cell_construction(chemistry, model, thermal, seed):
    _only_lab_errors(labs.Cell, chemistry, model=model, thermal=thermal, seed=seed)


@SETTINGS
@given(c_rate=C_RATE, temperature_c=TEMPERATURE, cooling=st.one_of(st.none(), HOSTILE))
def test_discharge(cell, c_rate, temperature_c, cooling):
    _only_lab_errors(cell.discharge, c_rate, temperature_c, cooling)


@SETTINGS
@given(
    c_rates=st.one_of(HOSTILE, st.lists(st.floats(0.01, 10), max_size=4)),
    temperature_c=TEMPERATURE,
)
def test_rate_test(cell, c_rates, temperature_c):
    _only_lab_errors(cell.rate_test, c_rates, temperature_c)


@SETTINGS
@given(c_rate=C_RATE, temperature_c=TEMPERATURE, cv=HOSTILE, until=C_RATE)
def test_charge(cell, c_rate, temperature_c, cv, until):
    _only_lab_errors(cell.charge, c_rate, temperature_c, cv, until)


STEPS = st.one_of(
    HOSTILE,
    st.lists(
        st.one_of(
            st.builds(p.Step, kind=st.sampled_from(p.KINDS), c_rate=HOSTILE, voltage_v=HOSTILE),
            st.builds(p.discharge, c_rate=st.floats(0.1, 3), duration_s=st.floats(1, 600)),
            st.builds(p.rest, duration_s=st.floats(1, 600)),
            HOSTILE,
        ),
        max_size=3,
    ),
)


@SETTINGS
@given(steps=STEPS, cycles=FEW, temperature_c=TEMPERATURE, soc=SOC)
def test_cycle(cell, steps, cycles, temperature_c, soc):
    _only_lab_errors(cell.cycle, steps, cycles, temperature_c, soc)


@SETTINGS
@given(
    kind=st.sampled_from(["discharge", "charge", "hold", "rest"]), a=HOSTILE, b=HOSTILE, c=HOSTILE
)
def test_protocol_steps(kind, a, b, c):
    constructor = getattr(p, kind)
    args = (a,) if kind == "rest" else (a, b, c)
    _only_lab_errors(constructor, *args)


@SETTINGS
@given(points=st.one_of(HOSTILE, st.integers(3, 500)))
def test_ocv(cell, points):
    _only_lab_errors(cell.ocv, points)


@SETTINGS
@given(
    soc_step=st.one_of(HOSTILE, st.floats(0.2, 0.5)),
    soc_min=st.one_of(HOSTILE, st.floats(0.3, 0.9)),
    pulse_c_rate=C_RATE,
    pulse_s=st.one_of(HOSTILE, st.floats(1, 60)),
    relax_s=st.one_of(HOSTILE, st.floats(1, 600)),
    temperature_c=TEMPERATURE,
)
def test_pulse_test(cell, soc_step, soc_min, pulse_c_rate, pulse_s, relax_s, temperature_c):
    _only_lab_errors(
        cell.pulse_test, soc_step, soc_min, pulse_c_rate, pulse_s, relax_s, temperature_c
    )


@SETTINGS
@given(
    pulse_c_rate=C_RATE,
    pulse_s=st.one_of(HOSTILE, st.floats(10, 1200)),
    rest_s=st.one_of(HOSTILE, st.floats(10, 1200)),
    temperature_c=TEMPERATURE,
    max_pulses=FEW,
)
def test_gitt(cell, pulse_c_rate, pulse_s, rest_s, temperature_c, max_pulses):
    _only_lab_errors(cell.gitt, pulse_c_rate, pulse_s, rest_s, temperature_c, max_pulses)


@SETTINGS
@given(
    frequencies=st.one_of(HOSTILE, st.lists(st.floats(1e-3, 1e4), max_size=5)),
    soc=SOC,
    temperature_c=TEMPERATURE,
)
def test_eis(cell, frequencies, soc, temperature_c):
    _only_lab_errors(cell.eis, frequencies, soc, temperature_c)


@SETTINGS
@given(cycles=FEW, charge=C_RATE, discharge=C_RATE, temperature_c=TEMPERATURE)
def test_aging(cell, cycles, charge, discharge, temperature_c):
    _only_lab_errors(cell.aging, cycles, charge, discharge, temperature_c)


@SETTINGS
@given(days=st.one_of(HOSTILE, st.floats(1, 30)), soc=SOC, temperature_c=TEMPERATURE, checkups=FEW)
def test_calendar_aging(cell, days, soc, temperature_c, checkups):
    _only_lab_errors(cell.calendar_aging, days, soc, temperature_c, checkups)


@SETTINGS
@given(
    base=st.one_of(HOSTILE, st.sampled_from(["nmc_graphite", "nca_graphite"])),
    thickness=st.one_of(st.none(), HOSTILE, st.floats(10, 300)),
    np_ratio=st.one_of(st.none(), HOSTILE, st.floats(0.5, 3)),
    porosity=st.one_of(st.none(), HOSTILE, st.floats(0.1, 0.7)),
    radius=st.one_of(st.none(), HOSTILE, st.floats(0.1, 30)),
    c_rate=C_RATE,
)
def test_design_cell(base, thickness, np_ratio, porosity, radius, c_rate):
    _only_lab_errors(
        labs.design_cell,
        base,
        positive_thickness_um=thickness,
        np_ratio=np_ratio,
        negative_porosity=porosity,
        positive_particle_radius_um=radius,
        c_rate=c_rate,
        model="spm",
    )


@SETTINGS
@given(
    noise_v=HOSTILE, sample_s=st.one_of(HOSTILE, st.floats(0.01, 100)), seed=HOSTILE, what=HOSTILE
)
def test_instrument(cell, noise_v, sample_s, seed, what):
    meter = _only_lab_errors(labs.Instrument, noise_v=noise_v, sample_s=sample_s, seed=seed)
    if meter is not None:
        _only_lab_errors(meter.measure, what)


@SETTINGS
@given(results=HOSTILE, labels=HOSTILE, x=HOSTILE, y=HOSTILE)
def test_compare_and_plot_options(cell, results, labels, x, y):
    import matplotlib.pyplot as plt

    _only_lab_errors(labs.compare, results)
    record = _discharge(cell)
    _only_lab_errors(labs.compare, [record, record], labels=labels)
    _only_lab_errors(record.plot, x=x, y=y)
    plt.close("all")


def _discharge(cell, cache={}):  # noqa: B006  (one shared result for the plot options)
    if "record" not in cache:
        cache["record"] = cell.discharge(c_rate=1.0)
    return cache["record"]


@pytest.mark.parametrize(
    "call",
    [
        lambda: labs.Cell("nmc_graphite").discharge(c_rate=10, temperature_c=-20),
        lambda: labs.Cell("lco_graphite").discharge(c_rate=10, temperature_c=-20),
    ],
)
def test_an_infeasible_experiment_is_explained_in_plain_words(call):
    with pytest.raises(labs.LabSimulationError) as info:
        call()
    error = info.value
    assert error.parameter == "c_rate"
    assert "C レート" in error.message_ja and "C-rate" in error.message_en
    for jargon in ("IDA", "CasADi", "casadi", "SolverError", "Traceback"):
        assert jargon not in str(error)


EXTREMES = {
    "pulse test, 10C at -20 C": lambda c: c.pulse_test(0.5, 0.05, 10, 60, 1, -20),
    "GITT, long 2C pulses at 60 C": lambda c: c.gitt(2, 7200, 10, 60, 3),
    "charge at 10C, -20 C": lambda c: c.charge(10, -20, True, 0.001),
    "discharge from empty": lambda c: c.cycle([p.discharge(1)], initial_soc=0.0),
    "hold below the cell voltage": lambda c: c.cycle([p.hold(2.5, duration_s=60)], 1, 25, 1.0),
    "aging at 5C, -20 C": lambda c: c.aging(1, 5, 5, -20),
    "storage at empty": lambda c: c.calendar_aging(1, 0.0, 60, 1),
    "impedance of a cold, nearly empty cell": lambda c: c.eis([1e-4, 1e6], 0.05, -20),
    "a thick, dense design at 10C": lambda c: labs.design_cell(
        positive_thickness_um=300,
        positive_porosity=0.1,
        positive_particle_radius_um=30,
        np_ratio=0.5,
        c_rate=10,
        model="spm",
    ),
}


@pytest.mark.parametrize("name", sorted(EXTREMES))
def test_valid_extremes_give_a_result_or_an_explanation(cell, name):
    _only_lab_errors(EXTREMES[name], cell)
