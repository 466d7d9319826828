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
    """Valid values two times in three, hostile ones otherwise."""
    return st.one_of(valid, valid, HOSTILE)


def calls(**valid: st.SearchStrategy) -> st.SearchStrategy:
    """Keyword arguments of a call: half the time a whole valid call within the range where
    a result must come back (``(True, kwargs)``), else each argument hostile one time in
    three (``(False, kwargs)``). A stub that refuses everything fails on the valid calls."""
    return st.one_of(
        st.fixed_dictionaries(valid).map(lambda kwargs: (True, kwargs)),
        st.fixed_dictionaries({k: mostly(v) for k, v in valid.items()}).map(
            lambda kwargs: (False, kwargs)
        ),
    )


TEMPERATURE = st.floats(10, 45)  # valid and safely solvable at the rates below
C_RATE = st.floats(0.2, 2)
SOC = st.floats(0, 1)
FEW = st.integers(1, 2)
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


def _check(call, drawn):
    """A valid call must give a result; any other may raise only LabInputError."""
    valid, kwargs = drawn
    if valid:
        result = call(**kwargs)
        assert result is not None
        return result
    return _only_lab_errors(call, **kwargs)


ADVERTISED = [
    (key, model, thermal)
    for key, preset in labs.PRESETS.items()
    for model in preset.fidelities
    for thermal in preset.thermal_models
]


@SETTINGS
@given(
    valid=st.sampled_from(ADVERTISED),
    chemistry=st.one_of(HOSTILE, st.sampled_from(sorted(labs.PRESETS))),
    model=st.one_of(HOSTILE, st.sampled_from(["spm", "spme", "dfn", "loqs", "full"])),
    thermal=st.one_of(HOSTILE, st.sampled_from(["isothermal", "lumped"])),
    seed=st.one_of(HOSTILE, st.integers(0, 10**6)),
)
def test_cell_construction(valid, chemistry, model, thermal, seed):
    key, fidelity, heat = valid
    assert labs.Cell(key, model=fidelity, thermal=heat).model == fidelity
    _only_lab_errors(labs.Cell, chemistry, model=model, thermal=thermal, seed=seed)


@SETTINGS
@given(drawn=calls(c_rate=C_RATE, temperature_c=TEMPERATURE, cooling_w_m2k=st.none()))
def test_discharge(cell, drawn):
    _check(cell.discharge, drawn)


@SETTINGS
@given(
    drawn=calls(
        c_rates=st.lists(C_RATE, min_size=1, max_size=3),
        temperature_c=TEMPERATURE,
    )
)
def test_rate_test(cell, drawn):
    _check(cell.rate_test, drawn)


@SETTINGS
@given(
    drawn=calls(
        c_rate=C_RATE,
        temperature_c=TEMPERATURE,
        constant_voltage=st.booleans(),
        until_c_rate=st.floats(0.05, 0.5),
    )
)
def test_charge(cell, drawn):
    _check(cell.charge, drawn)


VALID_STEPS = st.lists(
    st.one_of(
        st.builds(p.discharge, c_rate=C_RATE, duration_s=st.floats(1, 600)),
        st.builds(p.rest, duration_s=st.floats(1, 600)),
    ),
    min_size=1,
    max_size=3,
)
STEPS = st.one_of(
    VALID_STEPS,
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
@given(
    drawn=calls(
        steps=VALID_STEPS, cycles=FEW, temperature_c=TEMPERATURE, initial_soc=st.floats(0.5, 1)
    ),
    steps=STEPS,
)
def test_cycle(cell, drawn, steps):
    _check(cell.cycle, drawn)
    _only_lab_errors(cell.cycle, steps)


@SETTINGS
@given(
    kind=st.sampled_from(["discharge", "charge", "hold", "rest"]),
    a=HOSTILE,
    b=HOSTILE,
    c=HOSTILE,
    c_rate=st.floats(0.01, 10),
    voltage=st.floats(2.0, 4.2),
)
def test_protocol_steps(kind, a, b, c, c_rate, voltage):
    constructor = getattr(p, kind)
    valid = {"rest": {"duration_s": 60.0}, "hold": {"voltage_v": voltage, "until_c_rate": 0.05}}
    assert constructor(**valid.get(kind, {"c_rate": c_rate})).kind == kind
    args = (a,) if kind == "rest" else (a, b, c)
    _only_lab_errors(constructor, *args)


@SETTINGS
@given(drawn=calls(points=st.integers(3, 500)))
def test_ocv(cell, drawn):
    _check(cell.ocv, drawn)


@SETTINGS
@given(
    drawn=calls(
        soc_step=st.floats(0.1, 0.2),
        soc_min=st.floats(0.6, 0.8),
        pulse_c_rate=st.floats(0.5, 2),
        pulse_s=st.floats(1, 30),
        relax_s=st.floats(1, 600),
        temperature_c=TEMPERATURE,
    )
)
def test_pulse_test(cell, drawn):
    _check(cell.pulse_test, drawn)


@SETTINGS
@given(
    drawn=calls(
        c_rates=st.lists(st.floats(0.05, 2), min_size=1, max_size=3),
        soc=st.floats(0.3, 0.7),
        pulse_s=st.floats(0.5, 30),
        temperature_c=TEMPERATURE,
        exchange_current_factor=st.floats(0.1, 10),
    )
)
def test_polarisation(cell, drawn):
    _check(cell.polarisation, drawn)


@SETTINGS
@given(
    drawn=calls(
        pulse_c_rate=st.floats(0.1, 1),
        pulse_s=st.floats(10, 1200),
        rest_s=st.floats(10, 1200),
        temperature_c=TEMPERATURE,
        max_pulses=FEW,
    )
)
def test_gitt(cell, drawn):
    _check(cell.gitt, drawn)


@SETTINGS
@given(
    drawn=calls(
        frequencies_hz=st.lists(st.floats(1e-3, 1e4), min_size=2, max_size=5),
        soc=st.floats(0.2, 0.8),
        temperature_c=TEMPERATURE,
    )
)
def test_eis(cell, drawn):
    _check(cell.eis, drawn)


@SETTINGS
@given(
    drawn=calls(
        cycles=FEW,
        charge_c_rate=st.floats(0.2, 1),
        discharge_c_rate=st.floats(0.2, 1),
        temperature_c=TEMPERATURE,
    )
)
def test_aging(cell, drawn):
    _check(cell.aging, drawn)


@SETTINGS
@given(drawn=calls(days=st.floats(1, 30), soc=SOC, temperature_c=TEMPERATURE, checkups=FEW))
def test_calendar_aging(cell, drawn):
    _check(cell.calendar_aging, drawn)


@SETTINGS
@given(
    drawn=calls(
        base=st.sampled_from(["nmc_graphite", "nca_graphite"]),
        positive_thickness_um=st.one_of(st.none(), st.floats(40, 150)),
        np_ratio=st.one_of(st.none(), st.floats(1.0, 1.5)),
        negative_porosity=st.one_of(st.none(), st.floats(0.25, 0.5)),
        positive_particle_radius_um=st.one_of(st.none(), st.floats(1, 15)),
        c_rate=st.floats(0.2, 1),
        model=st.just("spm"),
    )
)
def test_design_cell(drawn):
    _check(labs.design_cell, drawn)


@SETTINGS
@given(
    drawn=calls(
        noise_v=st.floats(0, 0.01), sample_s=st.floats(0.1, 100), seed=st.integers(0, 10**6)
    ),
    what=HOSTILE,
)
def test_instrument(cell, drawn, what):
    meter = _check(labs.Instrument, drawn)
    if meter is not None:
        measured = meter.measure(_discharge(cell))
        assert isinstance(measured, labs.DischargeResult)
        _only_lab_errors(meter.measure, what)


@SETTINGS
@given(
    drawn=calls(
        labels=st.one_of(
            st.none(), st.lists(st.text(min_size=1, max_size=5), min_size=2, max_size=2)
        ),
        x=st.sampled_from(["capacity", "time", "dod"]),
        y=st.sampled_from(["voltage", "current", "temperature"]),
    ),
    results=HOSTILE,
)
def test_compare_and_plot_options(cell, drawn, results):
    import matplotlib.pyplot as plt

    _only_lab_errors(labs.compare, results)
    record = _discharge(cell)
    valid, kwargs = drawn
    labels = kwargs.pop("labels")
    _check(lambda **kw: labs.compare([record, record], labels=labels, **kw), (valid, kwargs))
    _check(record.plot, (valid, kwargs))
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
