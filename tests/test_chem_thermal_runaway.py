"""denchi.chem's lumped heat balance and Semenov's runaway criterion (u07).

Textbook values: Williams, *Combustion Theory*, 2nd ed. (1985), Appendix B.2: in the
Frank-Kamenetskii approximation the critical Semenov number is δ = 1/e and the critical
dimensionless rise θ = E (T − T_a) / (R T_a²) is 1. The lumped solution
T = T_a + (q/G)(1 − e^{−t/τ}) with τ = C/G is Incropera et al. (2007), §5.3.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from denchi import chem
from denchi.chem.constants import GAS_CONSTANT_J_PER_MOL_K as R
from denchi.errors import InputError

T_A_C = 25.0
T_A_K = T_A_C + 273.15


def test_the_lumped_body_reaches_63_percent_of_its_rise_in_one_time_constant() -> None:
    heat, conductance, capacity = 2.0, 0.1, 80.0
    tau = capacity / conductance  # 800 s
    rise = heat / conductance  # 20 K
    assert chem.lumped_temperature_c(tau, heat, conductance, capacity, T_A_C) == pytest.approx(
        T_A_C + rise * (1 - math.exp(-1)), rel=1e-12
    )
    t = np.array([0.0, 1e6])
    assert chem.lumped_temperature_c(t, heat, conductance, capacity, T_A_C) == pytest.approx(
        [T_A_C, T_A_C + rise]
    )
    # the initial slope is q / C: the heat goes into the heat capacity before any leaves
    slope = (chem.lumped_temperature_c(1e-3, heat, conductance, capacity, T_A_C) - T_A_C) / 1e-3
    assert slope == pytest.approx(heat / capacity, rel=1e-5)


def test_the_steady_state_and_the_required_cooling_are_one_balance() -> None:
    assert chem.steady_temperature_c(3.0, 0.15, 25.0) == pytest.approx(45.0)
    g = chem.required_conductance_w_k(3.0, 25.0, 45.0)
    assert g == pytest.approx(0.15)
    assert chem.steady_temperature_c(3.0, g, 25.0) == pytest.approx(45.0)


def test_a_limit_at_or_below_the_ambient_is_refused_by_name() -> None:
    with pytest.raises(InputError) as error:
        chem.required_conductance_w_k(3.0, 40.0, 40.0)
    assert error.value.parameter == "limit_c"
    with pytest.raises(InputError) as error:
        chem.lumped_temperature_c(-1.0, 1.0, 0.1, 10.0, 25.0)
    assert error.value.parameter == "time_s"


def test_the_tangency_point_satisfies_both_semenov_conditions_exactly() -> None:
    e = 1.3e5
    t_star_k = chem.tangency_temperature_c(e, T_A_C) + 273.15
    assert t_star_k - T_A_K == pytest.approx(R * t_star_k**2 / e, rel=1e-12)
    # with Q0 chosen so that the slope matches G at T*, the heat equals the loss there too
    g = 0.1
    q0 = g * R * t_star_k**2 / e / math.exp(-e / (R * t_star_k))
    heat = chem.arrhenius_heat_w(t_star_k - 273.15, q0, e)
    assert heat == pytest.approx(g * (t_star_k - T_A_K), rel=1e-9)
    # and the exact critical ambient of that reaction and cooling is the ambient we started from
    assert chem.critical_ambient_c(q0, e, g) == pytest.approx(T_A_C, abs=1e-6)


def test_frank_kamenetskii_limit_gives_williams_critical_values() -> None:
    """For E >> R T_a the critical rise tends to R T_a²/E (θ = 1) and the Semenov number at
    the exact critical ambient tends to 1/e (Williams 1985, Appendix B.2)."""
    g = 1.0
    for e in (1.0e5, 2.0e5):
        tol = 3 * R * T_A_K / e  # the first correction is of order 2 R T_a / E
        rise = chem.tangency_temperature_c(e, T_A_C) - T_A_C
        assert rise == pytest.approx(R * T_A_K**2 / e, rel=tol)
        assert rise > R * T_A_K**2 / e  # the exact rise is larger: R T*² / E with T* > T_a
        q0 = g * R * T_A_K**2 / e * math.exp(e / (R * T_A_K))  # ψ = 1 at 25 ℃
        ambient = chem.critical_ambient_c(q0, e, g)
        psi = chem.semenov_number(q0, e, g, ambient)
        assert psi == pytest.approx(chem.SEMENOV_CRITICAL_NUMBER, rel=tol)
    assert abs(chem.SEMENOV_CRITICAL_NUMBER - 0.3679) < 1e-4  # 1/e


def test_stronger_cooling_raises_the_critical_ambient() -> None:
    weak = chem.critical_ambient_c(1e16, 1.3e5, 0.05)
    strong = chem.critical_ambient_c(1e16, 1.3e5, 0.5)
    assert strong > weak
    # below the critical ambient ψ is under 1/e, above it over
    assert chem.semenov_number(1e16, 1.3e5, 0.05, weak - 5) < chem.SEMENOV_CRITICAL_NUMBER
    assert chem.semenov_number(1e16, 1.3e5, 0.05, weak + 5) > chem.SEMENOV_CRITICAL_NUMBER


def test_no_threshold_below_four_rt_and_out_of_range_cooling_are_refused() -> None:
    with pytest.raises(InputError) as error:
        chem.tangency_temperature_c(4 * R * T_A_K * 0.99, T_A_C)
    assert error.value.parameter == "activation_energy_j_mol"
    with pytest.raises(InputError) as error:
        chem.critical_ambient_c(1.0, 1.3e5, 1e6)  # no ambient up to 1000 ℃ tips this over
    assert error.value.parameter == "conductance_w_k"


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda: chem.lumped_temperature_c([0, float("nan")], 1.0, 0.1, 10.0, 25.0), "time_s[1]"),
        (lambda: chem.lumped_temperature_c(10.0, -1.0, 0.1, 10.0, 25.0), "heat_w"),
        (lambda: chem.lumped_temperature_c(10.0, 1.0, 0.0, 10.0, 25.0), "conductance_w_k"),
        (lambda: chem.lumped_temperature_c(10.0, 1.0, 0.1, "80", 25.0), "heat_capacity_j_k"),
        (lambda: chem.steady_temperature_c(1.0, 0.1, 298.15 + 1000), "ambient_c"),
        (lambda: chem.arrhenius_heat_w(25.0, 0.0, 1e5), "pre_exponential_w"),
        (lambda: chem.semenov_number(1e16, True, 0.1, 25.0), "activation_energy_j_mol"),
    ],
)
def test_bad_input_names_the_argument(call, parameter):
    with pytest.raises(InputError) as error:
        call()
    assert error.value.parameter == parameter


_SOMETHING = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=1e-3, max_value=200.0),  # valid for every argument below
    st.integers(min_value=-10, max_value=10**6),
    st.none(),
    st.text(max_size=3),
    st.booleans(),
)


# each function with valid arguments; the hostile test swaps one of them for anything
_VALID_CALLS = (
    (chem.critical_ambient_c, (1e17, 1.2e5, 0.05)),
    (chem.semenov_number, (1e17, 1.2e5, 0.05, 25.0)),
    (chem.tangency_temperature_c, (1.2e5, 25.0)),
    (chem.required_conductance_w_k, (2.0, 25.0, 60.0)),
    (chem.steady_temperature_c, (2.0, 0.05, 25.0)),
    (chem.lumped_temperature_c, (600.0, 2.0, 0.05, 80.0, 25.0)),
    (chem.arrhenius_heat_w, (80.0, 1e17, 1.2e5)),
)


@settings(max_examples=300, deadline=None)
@given(value=_SOMETHING, position=st.integers(min_value=0, max_value=4))
def test_hostile_inputs_raise_only_input_error(value, position):
    """One argument replaced by anything may raise only InputError (never a ZeroDivision,
    overflow or TypeError), and a result is a finite number; the strategy includes valid
    values, so a function that refuses everything fails the test below."""
    for function, arguments in _VALID_CALLS:
        changed = list(arguments)
        changed[position % len(changed)] = value
        try:
            result = function(*changed)
        except InputError:
            continue
        assert math.isfinite(result)


def test_the_hostile_input_test_meets_valid_inputs_too():
    for function, arguments in _VALID_CALLS:
        assert math.isfinite(function(*arguments))
