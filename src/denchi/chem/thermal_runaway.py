"""The heat balance of a cell as one lumped body, and Semenov's criterion for thermal runaway.

A body of heat capacity ``C = m c_p`` [J/K] at one temperature ``T``, cooled through its
surface by Newton's law with the conductance ``G = hA`` [W/K] to the ambient ``T_a``:

    C dT/dt = q(T) − G (T − T_a)

With a constant heat source ``q`` (Joule heat of a steady current) the temperature rises as

    T(t) = T_a + (q / G) (1 − exp(−t / τ)),   τ = C / G

(the lumped-capacitance solution: Incropera et al., *Fundamentals of Heat and Mass Transfer*,
6th ed., 2007, §5.3 with a heat source; the same balance is e05's ``e05-lumped``). The cell
stays below a limit ``T_lim`` for ever exactly when ``T_a + q/G < T_lim``.

A self-heating reaction adds ``q(T) = Q0 exp(−E / (R T))`` (Arrhenius). Semenov's theory of
thermal explosion (Semenov 1928; Williams, *Combustion Theory*, 2nd ed., 1985, Appendix B.2)
asks whether the straight cooling line still cuts the exponential heat curve: the critical
case is the tangency, where heat and slope are equal,

    q(T*) = G (T* − T_a)   and   q'(T*) = G   ⇒   T* − T_a = R T*² / E.

Solving the second equation for ``T*`` gives the exact tangency point
``T* = (E / 2R)(1 − sqrt(1 − 4 R T_a / E))``. For ``E >> R T_a`` (Frank-Kamenetskii's
approximation) the critical rise is ``R T_a² / E`` and the Semenov number

    ψ = Q0 E exp(−E / (R T_a)) / (G R T_a²)

has the critical value ``1/e`` (Williams, Appendix B.2, eq. B-56: criticality at θ = 1,
δ = 1/e). ``ψ`` below ``1/e``: a steady state exists; above: no steady state, runaway.

    from denchi import chem
    chem.lumped_temperature_c(600.0, 2.0, 0.1, 80.0, 25.0)   # after 10 min: ~ 35.6 ℃
    chem.required_conductance_w_k(2.0, 25.0, 60.0)          # ~ 0.057 W/K keeps it < 60 ℃
    chem.semenov_number(1e16, 1.3e5, 0.1, 25.0)             # < 1/e: a steady state exists
    chem.critical_ambient_c(1e16, 1.3e5, 0.1)               # the ambient that tips it over
"""

from __future__ import annotations

import math
from typing import overload

import numpy as np

from denchi.chem.constants import GAS_CONSTANT_J_PER_MOL_K, ZERO_CELSIUS_K
from denchi.errors import InputError
from denchi.validation import number_array, number_in_range

SEMENOV_CRITICAL_NUMBER = 1.0 / math.e  # Williams (1985), Appendix B.2: δ_c = 1/e
TEMPERATURE_RANGE_C = (-60.0, 1000.0)  # a cell from a cold store to a fire
HEAT_RANGE_W = (0.0, 1e7)
CONDUCTANCE_RANGE_W_K = (1e-6, 1e6)
HEAT_CAPACITY_RANGE_J_K = (1e-3, 1e9)
TIME_RANGE_S = (0.0, 1e9)
ACTIVATION_ENERGY_RANGE_J_MOL = (1e3, 1e6)
PRE_EXPONENTIAL_RANGE_W = (1e-6, 1e300)  # exp(E/(R T)) is huge for large E


def _temperature_c(name: str, value: object, label_ja: str) -> float:
    return number_in_range(name, value, *TEMPERATURE_RANGE_C, "℃", label_ja=label_ja)


def _conductance(value: object) -> float:
    return number_in_range(
        "conductance_w_k",
        value,
        *CONDUCTANCE_RANGE_W_K,
        "W/K",
        label_ja="冷却のコンダクタンス hA",
    )


def _heat(value: object) -> float:
    return number_in_range("heat_w", value, *HEAT_RANGE_W, "W", label_ja="発熱量")


def _activation(value: object) -> float:
    return number_in_range(
        "activation_energy_j_mol",
        value,
        *ACTIVATION_ENERGY_RANGE_J_MOL,
        "J/mol",
        label_ja="活性化エネルギー",
    )


def _pre_exponential(value: object) -> float:
    return number_in_range(
        "pre_exponential_w",
        value,
        *PRE_EXPONENTIAL_RANGE_W,
        "W",
        label_ja="発熱の頻度因子 Q0",
        above_low=True,
    )


# ------------------------------------------------------------------ constant heat source


@overload
def lumped_temperature_c(
    time_s: float,
    heat_w: float,
    conductance_w_k: float,
    heat_capacity_j_k: float,
    ambient_c: float,
) -> float: ...
@overload
def lumped_temperature_c(
    time_s: np.ndarray,
    heat_w: float,
    conductance_w_k: float,
    heat_capacity_j_k: float,
    ambient_c: float,
) -> np.ndarray: ...
def lumped_temperature_c(
    time_s: float | np.ndarray,
    heat_w: float,
    conductance_w_k: float,
    heat_capacity_j_k: float,
    ambient_c: float,
) -> float | np.ndarray:
    """Temperature of a lumped body heated by a constant ``heat_w`` from the ambient at t = 0.

    ``T(t) = T_a + (q / G)(1 − exp(−t G / C))`` (Incropera et al. 2007, §5.3).

    Args:
        time_s: Time since the heating began [s], 0 to 1e9; a number or an array of any shape.
        heat_w: Heat generated inside the body [W], 0 to 1e7.
        conductance_w_k: Cooling conductance G = hA [W/K] (heat transfer coefficient times
            the cooled area), 1e-6 to 1e6.
        heat_capacity_j_k: Heat capacity C = m c_p [J/K], 1e-3 to 1e9.
        ambient_c: Ambient (and starting) temperature [℃], −60 to 1000.

    Returns:
        Temperature [℃]: a float for a number given, else an array of the shape of ``time_s``.

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range (the
            message names it).
    """
    t = number_array("time_s", time_s, *TIME_RANGE_S, "s", label_ja="時間 time_s", any_shape=True)
    q, g = _heat(heat_w), _conductance(conductance_w_k)
    c = number_in_range(
        "heat_capacity_j_k", heat_capacity_j_k, *HEAT_CAPACITY_RANGE_J_K, "J/K", label_ja="熱容量"
    )
    ambient = _temperature_c("ambient_c", ambient_c, "まわりの温度")
    temperature = ambient - q / g * np.expm1(-t * g / c)
    return float(temperature) if np.ndim(time_s) == 0 else temperature


def steady_temperature_c(heat_w: float, conductance_w_k: float, ambient_c: float) -> float:
    """The temperature a constant heat source settles at: ``T_a + q / G`` [℃].

    Args:
        heat_w: Heat generated [W], 0 to 1e7.
        conductance_w_k: Cooling conductance G = hA [W/K], 1e-6 to 1e6.
        ambient_c: Ambient temperature [℃], −60 to 1000.

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.
    """
    return _temperature_c("ambient_c", ambient_c, "まわりの温度") + _heat(heat_w) / _conductance(
        conductance_w_k
    )


def required_conductance_w_k(heat_w: float, ambient_c: float, limit_c: float) -> float:
    """The least cooling conductance G = hA [W/K] that keeps a constant ``heat_w`` below
    ``limit_c`` for ever: ``q / (T_lim − T_a)`` (the steady state of the lumped balance).

    Args:
        heat_w: Heat generated [W], 0 to 1e7.
        ambient_c: Ambient temperature [℃], −60 to 1000.
        limit_c: The temperature not to exceed [℃], above ``ambient_c``.

    Raises:
        denchi.errors.InputError: If an argument is out of range, or ``limit_c`` is not above
            ``ambient_c`` (then no cooling to the ambient can hold the cell below it).
    """
    q = _heat(heat_w)
    ambient = _temperature_c("ambient_c", ambient_c, "まわりの温度")
    limit = _temperature_c("limit_c", limit_c, "上限の温度")
    if limit <= ambient:
        raise InputError(
            "limit_c",
            f"上限の温度 limit_c（{limit:g} ℃）は、まわりの温度 ambient_c（{ambient:g} ℃）より"
            "高くしてください。まわりより低い温度には、まわりへの放熱だけでは冷やせません。",
            f"limit_c ({limit:g} °C) must be above ambient_c ({ambient:g} °C): cooling to the "
            "ambient cannot hold a body below the ambient.",
        )
    return q / (limit - ambient)


# ------------------------------------------------------------------ Semenov


def _no_critical_ambient() -> InputError:
    return InputError(
        "conductance_w_k",
        "この発熱と冷却では、暴走の境目となるまわりの温度が −60〜1000 ℃ の外になります。"
        "冷却のコンダクタンスか発熱の値を見直してください。",
        "For this heat source and cooling the critical ambient lies outside −60 to 1000 °C; "
        "check the conductance or the heat source.",
    )


def arrhenius_heat_w(
    temperature_c: float | np.ndarray, pre_exponential_w: float, activation_energy_j_mol: float
) -> float | np.ndarray:
    """Heat of a self-heating reaction ``Q0 exp(−E / (R T))`` [W] (zeroth order: the
    reactant is not used up, Semenov's assumption).

    Args:
        temperature_c: Temperature [℃], −60 to 1000; a number or an array.
        pre_exponential_w: Pre-exponential factor Q0 [W] (heat of reaction × amount ×
            frequency factor), above 1e-6 and up to 1e300.
        activation_energy_j_mol: Activation energy E [J/mol], 1e3 to 1e6.

    Returns:
        Heat [W]: a float for a number given, else an array of the same shape.

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.
    """
    q0, e = _pre_exponential(pre_exponential_w), _activation(activation_energy_j_mol)
    t = number_array(
        "temperature_c",
        temperature_c,
        *TEMPERATURE_RANGE_C,
        "℃",
        label_ja="温度 temperature_c",
        any_shape=True,
    )
    heat = q0 * np.exp(-e / (GAS_CONSTANT_J_PER_MOL_K * (t + ZERO_CELSIUS_K)))
    return float(heat) if np.ndim(temperature_c) == 0 else heat


def semenov_number(
    pre_exponential_w: float,
    activation_energy_j_mol: float,
    conductance_w_k: float,
    ambient_c: float,
) -> float:
    """Semenov's ``ψ = Q0 E exp(−E/(R T_a)) / (G R T_a²)``: heat generation against cooling.

    Below :data:`SEMENOV_CRITICAL_NUMBER` (``1/e``) the body has a steady state near the
    ambient; above it, none, and the temperature runs away (Williams 1985, Appendix B.2, in
    the approximation ``E >> R T_a``; :func:`critical_ambient_c` is exact).

    Args:
        pre_exponential_w: Q0 [W] of :func:`arrhenius_heat_w`.
        activation_energy_j_mol: E [J/mol], 1e3 to 1e6.
        conductance_w_k: Cooling conductance G = hA [W/K], 1e-6 to 1e6.
        ambient_c: Ambient temperature [℃], −60 to 1000.

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.
    """
    q0, e = _pre_exponential(pre_exponential_w), _activation(activation_energy_j_mol)
    g = _conductance(conductance_w_k)
    t_a = _temperature_c("ambient_c", ambient_c, "まわりの温度") + ZERO_CELSIUS_K
    r = GAS_CONSTANT_J_PER_MOL_K
    return q0 * e * math.exp(-e / (r * t_a)) / (g * r * t_a**2)


def tangency_temperature_c(activation_energy_j_mol: float, ambient_c: float) -> float:
    """The temperature [℃] where the cooling line touches the heat curve at criticality:
    ``T* = (E / 2R)(1 − sqrt(1 − 4 R T_a / E))`` (the root of ``T* − T_a = R T*² / E``).

    Args:
        activation_energy_j_mol: E [J/mol], 1e3 to 1e6, and above ``4 R T_a``.
        ambient_c: Ambient temperature [℃], −60 to 1000.

    Raises:
        denchi.errors.InputError: If an argument is out of range, or ``E <= 4 R T_a`` (then
            the heat curve has no such tangent: no sharp runaway threshold exists).
    """
    e = _activation(activation_energy_j_mol)
    t_a = _temperature_c("ambient_c", ambient_c, "まわりの温度") + ZERO_CELSIUS_K
    r = GAS_CONSTANT_J_PER_MOL_K
    if e <= 4.0 * r * t_a:
        raise InputError(
            "activation_energy_j_mol",
            f"活性化エネルギーが小さすぎます（{e:g} J/mol は 4RT_a = {4 * r * t_a:.0f} J/mol "
            "以下）。このとき発熱の曲線に接する冷却の直線はなく、はっきりした暴走の境目はありません。",
            f"The activation energy {e:g} J/mol is not above 4RT_a = {4 * r * t_a:.0f} J/mol: "
            "no cooling line touches the heat curve, so there is no sharp runaway threshold.",
        )
    return e / (2.0 * r) * (1.0 - math.sqrt(1.0 - 4.0 * r * t_a / e)) - ZERO_CELSIUS_K


def critical_ambient_c(
    pre_exponential_w: float, activation_energy_j_mol: float, conductance_w_k: float
) -> float:
    """The highest ambient temperature [℃] at which the body still has a steady state (exact
    Semenov tangency, no ``E >> RT`` approximation): above it the temperature runs away.

    At tangency ``q'(T*) = G``, i.e. ``Q0 E exp(−E/(R T*)) / (R T*²) = G``, whose left side
    rises with ``T*`` below ``E/(2R)``; it is solved by bisection and the ambient follows from
    ``T_a = T* − R T*² / E``.

    Args:
        pre_exponential_w: Q0 [W] of :func:`arrhenius_heat_w`.
        activation_energy_j_mol: E [J/mol], 1e3 to 1e6.
        conductance_w_k: Cooling conductance G = hA [W/K], 1e-6 to 1e6.

    Raises:
        denchi.errors.InputError: If an argument is out of range, or the critical ambient
            falls outside −60 to 1000 ℃ (the cooling is far too weak or too strong for this
            reaction).
    """
    q0, e = _pre_exponential(pre_exponential_w), _activation(activation_energy_j_mol)
    g = _conductance(conductance_w_k)
    r = GAS_CONSTANT_J_PER_MOL_K

    def log_slope_ratio(t_k: float) -> float:  # log(q'(T)/G), rising in T below E/(2R)
        return math.log(q0 * e / (r * t_k**2 * g)) - e / (r * t_k)

    def ambient_k(t_k: float) -> float:
        return t_k - r * t_k**2 / e

    low_c, high_c = TEMPERATURE_RANGE_C
    low, high = low_c + ZERO_CELSIUS_K, min(high_c + ZERO_CELSIUS_K, e / (2.0 * r))
    if log_slope_ratio(low) > 0 or log_slope_ratio(high) < 0 or ambient_k(high) < low:
        raise _no_critical_ambient()
    for _ in range(200):
        mid = 0.5 * (low + high)
        if log_slope_ratio(mid) > 0:
            high = mid
        else:
            low = mid
    ambient = ambient_k(0.5 * (low + high)) - ZERO_CELSIUS_K
    if not low_c <= ambient <= high_c:
        raise _no_critical_ambient()
    return ambient
