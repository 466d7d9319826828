"""Electrode kinetics, cell thermodynamics and mass transport in closed form.

Sign convention (IUPAC, and PyBaMM's): the overpotential is ``η = E − E_eq`` and an anodic
(oxidation) current is positive. The Butler–Volmer equation is then

    j = j0 [exp(αa F η / (R T)) − exp(−αc F η / (R T))]

and, far enough from equilibrium that one branch dominates, the Tafel line
``η = b log10(|j| / j0)`` with the Tafel slope ``b = ln(10) R T / (α F)``. Bard & Faulkner
(2001, ``bard2001``) write the same equation with the cathodic current positive; the
signs of both terms swap, nothing else changes. With ``αa = αc = 0.5`` it is PyBaMM's
symmetric form ``j = 2 j0 sinh(F η / (2 R T))`` (``pybamm_butler_volmer``).

    from denchi import chem
    chem.butler_volmer_current_density(0.1, 2.0)       # 100 mV on j0 = 2 A/m2: 13.7 A/m2
    chem.tafel_slope_mv_per_decade(0.5)                 # ~ 118 mV per decade at 25 ℃
    chem.reaction_entropy_j_mol_k(-1e-4)                # dE/dT = -0.1 mV/K: ~ -9.6 J/(mol K)
    chem.diffusion_time_s(5e-6, 1e-14)                  # 5 µm, 1e-14 m2/s: 2500 s
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from denchi.chem.constants import (
    FARADAY_C_PER_MOL,
    GAS_CONSTANT_J_PER_MOL_K,
    STANDARD_TEMPERATURE_C,
    ZERO_CELSIUS_K,
)
from denchi.errors import InputError
from denchi.validation import integer_in_range, number_array, number_in_range, one_of, same_length

# Cells work from about -40 to 80 ℃; the range leaves room and catches kelvin typed as ℃.
TEMPERATURE_RANGE_C = (-60.0, 150.0)
OVERPOTENTIAL_RANGE_V = (-2.0, 2.0)
CURRENT_DENSITY_RANGE_A_M2 = (-1e9, 1e9)
EXCHANGE_CURRENT_RANGE_A_M2 = (1e-12, 1e6)
ALPHA_RANGE = (0.05, 0.95)


def _thermal_voltage_v(temperature_c: float) -> float:
    """R T / F [V] at ``temperature_c`` (checked)."""
    t = number_in_range("temperature_c", temperature_c, *TEMPERATURE_RANGE_C, "℃", label_ja="温度")
    return GAS_CONSTANT_J_PER_MOL_K * (t + ZERO_CELSIUS_K) / FARADAY_C_PER_MOL


def _exchange(value: float) -> float:
    return number_in_range(
        "exchange_current_density_a_m2",
        value,
        *EXCHANGE_CURRENT_RANGE_A_M2,
        "A/m²",
        label_ja="交換電流密度",
    )


def _alpha(name: str, value: float) -> float:
    return number_in_range(name, value, *ALPHA_RANGE, "", label_ja="移動係数")


def _electrons(value: int) -> int:
    return integer_in_range("electrons", value, 1, 12, label_ja="電子の数")


def _shaped(values: np.ndarray, given: float | np.ndarray) -> float | np.ndarray:
    """A plain float for a single number given, else the array."""
    return float(values) if np.ndim(given) == 0 else values


# ------------------------------------------------------------------ kinetics


def butler_volmer_current_density(
    overpotential_v: float | np.ndarray,
    exchange_current_density_a_m2: float,
    alpha_a: float = 0.5,
    alpha_c: float = 0.5,
    temperature_c: float = STANDARD_TEMPERATURE_C,
) -> float | np.ndarray:
    """Current density of an electrode reaction at an overpotential (Butler–Volmer).

    ``j = j0 [exp(αa F η / (R T)) − exp(−αc F η / (R T))]``, anodic current positive.

    Args:
        overpotential_v: Overpotential η = E − E_eq [V], a number or an array of any shape,
            each −2 to 2.
        exchange_current_density_a_m2: Exchange current density j0 [A/m²], 1e-12 to 1e6.
        alpha_a: Anodic transfer coefficient αa, 0.05 to 0.95 (default 0.5).
        alpha_c: Cathodic transfer coefficient αc, 0.05 to 0.95 (default 0.5).
        temperature_c: Temperature [℃], −60 to 150 (default 25).

    Returns:
        Current density j [A/m²] (positive: oxidation), a float for a number given, else an
        array of the same shape.

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range (the
            message names it, in Japanese and English).

    References:
        Bard & Faulkner, Electrochemical Methods, 2nd ed. (2001) (``bard2001``; there
        with the cathodic current positive); PyBaMM's ``SymmetricButlerVolmer``
        (``pybamm_butler_volmer``) is the case αa = αc = 0.5.
    """
    eta = number_array(
        "overpotential_v",
        overpotential_v,
        *OVERPOTENTIAL_RANGE_V,
        "V",
        label_ja="過電圧 overpotential_v",
        any_shape=True,
    )
    j0 = _exchange(exchange_current_density_a_m2)
    a_a, a_c = _alpha("alpha_a", alpha_a), _alpha("alpha_c", alpha_c)
    f = 1.0 / _thermal_voltage_v(temperature_c)
    j = j0 * (np.exp(a_a * f * eta) - np.exp(-a_c * f * eta))
    return _shaped(j, overpotential_v)


def overpotential_from_current_density(
    current_density_a_m2: float | np.ndarray,
    exchange_current_density_a_m2: float,
    alpha: float = 0.5,
    temperature_c: float = STANDARD_TEMPERATURE_C,
) -> float | np.ndarray:
    """Overpotential that drives a current density, for equal transfer coefficients.

    With ``αa = αc = α`` the Butler–Volmer equation is ``j = 2 j0 sinh(α F η / (R T))``,
    so ``η = R T / (α F) · asinh(j / (2 j0))`` exactly (no Tafel approximation).

    Args:
        current_density_a_m2: Current density j [A/m²] (positive: oxidation), a number or an
            array of any shape, each −1e9 to 1e9.
        exchange_current_density_a_m2: Exchange current density j0 [A/m²], 1e-12 to 1e6.
        alpha: Transfer coefficient α of both directions, 0.05 to 0.95 (default 0.5).
        temperature_c: Temperature [℃], −60 to 150 (default 25).

    Returns:
        Overpotential η [V], a float for a number given, else an array of the same shape.

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.

    References:
        The inverse of :func:`butler_volmer_current_density` with αa = αc; PyBaMM's
        ``InverseButlerVolmer`` uses the same form (``pybamm_butler_volmer``).
    """
    j = number_array(
        "current_density_a_m2",
        current_density_a_m2,
        *CURRENT_DENSITY_RANGE_A_M2,
        "A/m²",
        label_ja="電流密度 current_density_a_m2",
        any_shape=True,
    )
    j0 = _exchange(exchange_current_density_a_m2)
    a = _alpha("alpha", alpha)
    eta = _thermal_voltage_v(temperature_c) / a * np.arcsinh(j / (2.0 * j0))
    return _shaped(eta, current_density_a_m2)


def tafel_slope_mv_per_decade(alpha: float, temperature_c: float = STANDARD_TEMPERATURE_C) -> float:
    """Tafel slope: the overpotential per tenfold current, ``b = ln(10) R T / (α F)``.

    Args:
        alpha: Transfer coefficient α of the branch, 0.05 to 0.95.
        temperature_c: Temperature [℃], −60 to 150 (default 25).

    Returns:
        Tafel slope b [mV per decade], positive (e.g. 118.3 mV for α = 0.5 at 25 ℃).

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.

    References:
        Bard & Faulkner, Electrochemical Methods, 2nd ed. (2001), Tafel behaviour
        (``bard2001``).
    """
    return 1000.0 * math.log(10) * _thermal_voltage_v(temperature_c) / _alpha("alpha", alpha)


@dataclass(frozen=True)
class TafelFit:
    """A straight line ``η = b log10(|j| / j0)`` fitted to one branch of a polarisation curve.

    Attributes:
        branch: ``"anodic"`` (η > 0) or ``"cathodic"`` (η < 0).
        slope_mv_per_decade: Tafel slope b [mV/decade], dη / d log10|j|: positive on the
            anodic branch, negative on the cathodic one.
        exchange_current_density_a_m2: j0 [A/m²], where the line reaches η = 0.
        alpha: Transfer coefficient of the branch, ln(10) R T / (F |b|).
        points: How many points the fit used.
    """

    branch: str
    slope_mv_per_decade: float
    exchange_current_density_a_m2: float
    alpha: float
    points: int


def tafel_fit(
    overpotential_v: object,
    current_density_a_m2: object,
    branch: str = "anodic",
    min_overpotential_v: float = 0.1,
    max_overpotential_v: float = 2.0,
    temperature_c: float = STANDARD_TEMPERATURE_C,
) -> TafelFit:
    """Fit the Tafel line of one branch by least squares of η on log10|j|.

    Only the points with ``min_overpotential_v <= |η| <= max_overpotential_v`` on the
    chosen side count: close to equilibrium the other direction's reaction still runs and
    the line does not hold (at |η| = 0.1 V and α = 0.5 it adds 2 % at 25 ℃); at large |η|
    mass transport and resistance bend the curve. A pair with NaN (a step of
    ``Cell.polarisation`` that reached a voltage limit) is left out.

    Args:
        overpotential_v: Overpotentials η [V], shape (n,), each −2 to 2 or NaN.
        current_density_a_m2: Current densities j [A/m²] at those overpotentials, shape (n,)
            (positive: oxidation), or NaN.
        branch: ``"anodic"`` (η > 0, j > 0) or ``"cathodic"`` (η < 0, j < 0).
        min_overpotential_v: Smallest |η| used [V], 0 to 2 (default 0.1).
        max_overpotential_v: Largest |η| used [V], 0 to 2 (default 2).
        temperature_c: Temperature of the measurement [℃] for α, −60 to 150 (default 25).

    Returns:
        The fitted line.

    Raises:
        denchi.errors.InputError: If an argument is out of range or not numbers, the arrays
            differ in length, or fewer than 3 points of the branch lie in the window (or one of
            them has the wrong sign of current).

    References:
        Bard & Faulkner, Electrochemical Methods, 2nd ed. (2001), Tafel plots
        (``bard2001``).
    """
    eta = number_array(
        "overpotential_v",
        overpotential_v,
        *OVERPOTENTIAL_RANGE_V,
        "V",
        label_ja="過電圧",
        nan_allowed=True,
    )
    j = number_array(
        "current_density_a_m2",
        current_density_a_m2,
        *CURRENT_DENSITY_RANGE_A_M2,
        "A/m²",
        label_ja="電流密度",
        nan_allowed=True,
    )
    same_length(
        "current_density_a_m2", j, "overpotential_v", eta, label_ja="電流密度 current_density_a_m2"
    )
    side = one_of("branch", branch, ("anodic", "cathodic"), label_ja="分枝")
    low = number_in_range(
        "min_overpotential_v", min_overpotential_v, 0.0, 2.0, "V", label_ja="最小の過電圧"
    )
    high = number_in_range(
        "max_overpotential_v", max_overpotential_v, low, 2.0, "V", label_ja="最大の過電圧"
    )
    sign = 1.0 if side == "anodic" else -1.0
    window = (sign * eta >= low) & (sign * eta <= high) & np.isfinite(j)
    if np.count_nonzero(window) < 3 or np.any(sign * j[window] <= 0):
        raise InputError(
            "overpotential_v",
            f"{side} 側で |η| が {low:g}〜{high:g} V の点が 3 点以上必要で、その電流の符号は"
            "過電圧と同じでなければなりません。範囲（min_overpotential_v, max_overpotential_v）"
            "か分枝（branch）を見直してください。",
            f"The {side} branch needs at least 3 points with |η| from {low:g} to {high:g} V, "
            "and their current must have the sign of the overpotential. Check the window "
            "(min_overpotential_v, max_overpotential_v) or the branch.",
        )
    slope_v, intercept_v = np.polyfit(np.log10(np.abs(j[window])), eta[window], 1)
    thermal = _thermal_voltage_v(temperature_c)
    return TafelFit(
        branch=side,
        slope_mv_per_decade=float(slope_v * 1000.0),
        exchange_current_density_a_m2=float(10.0 ** (-intercept_v / slope_v)),
        alpha=float(math.log(10) * thermal / abs(slope_v)),
        points=int(np.count_nonzero(window)),
    )


# ------------------------------------------------------------------ thermodynamics


def gibbs_energy_kj_mol(emf_v: float, electrons: int = 1) -> float:
    """Gibbs energy of the cell reaction from its electromotive force: ΔG = −n F E.

    Args:
        emf_v: Electromotive force (open-circuit voltage at equilibrium) E [V], −10 to 10.
        electrons: Electrons n per formula unit of the reaction, 1 to 12 (default 1).

    Returns:
        ΔG [kJ/mol] (negative for a cell that discharges by itself, E > 0).

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.

    References:
        Bard & Faulkner, Electrochemical Methods, 2nd ed. (2001) (``bard2001``).
    """
    emf = number_in_range("emf_v", emf_v, -10.0, 10.0, "V", label_ja="起電力")
    return -_electrons(electrons) * FARADAY_C_PER_MOL * emf / 1000.0


def reaction_entropy_j_mol_k(emf_temperature_coefficient_v_k: float, electrons: int = 1) -> float:
    """Entropy of the cell reaction from the temperature coefficient of the EMF: ΔS = n F dE/dT.

    Args:
        emf_temperature_coefficient_v_k: dE/dT [V/K], −0.01 to 0.01 (a lithium-ion cell:
            some 1e-4 V/K or less).
        electrons: Electrons n per formula unit of the reaction, 1 to 12 (default 1).

    Returns:
        ΔS [J/(mol·K)].

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.

    References:
        Bard & Faulkner, Electrochemical Methods, 2nd ed. (2001) (``bard2001``).
    """
    slope = number_in_range(
        "emf_temperature_coefficient_v_k",
        emf_temperature_coefficient_v_k,
        -0.01,
        0.01,
        "V/K",
        label_ja="起電力の温度係数",
    )
    return _electrons(electrons) * FARADAY_C_PER_MOL * slope


def reversible_heat_w(
    current_a: float,
    emf_temperature_coefficient_v_k: float,
    temperature_c: float = STANDARD_TEMPERATURE_C,
) -> float:
    """Reversible (entropic) heat of a cell at a current: Q = −I T dE/dT (discharge I > 0).

    Discharge with dE/dT < 0 releases heat; with dE/dT > 0 the cell takes heat in. This is
    the term T ΔS / (n F) per unit of charge of Bernardi et al. (1985, ``bernardi1985``).

    Args:
        current_a: Current [A], −1e4 to 1e4 (positive: discharge).
        emf_temperature_coefficient_v_k: dE/dT [V/K], −0.01 to 0.01.
        temperature_c: Temperature [℃], −60 to 150 (default 25).

    Returns:
        Heat released by the cell [W] (negative: heat taken in).

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.
    """
    current = number_in_range("current_a", current_a, -1e4, 1e4, "A", label_ja="電流")
    slope = reaction_entropy_j_mol_k(emf_temperature_coefficient_v_k) / FARADAY_C_PER_MOL
    kelvin = _thermal_voltage_v(temperature_c) * FARADAY_C_PER_MOL / GAS_CONSTANT_J_PER_MOL_K
    return -current * kelvin * slope


# ------------------------------------------------------------------ mass transport


def diffusion_time_s(length_m: float, diffusivity_m2_s: float) -> float:
    """Time for diffusion to cross a length: t ≈ L² / D (order of magnitude).

    Args:
        length_m: Length L [m] (a particle radius, a layer thickness), 1e-10 to 1.
        diffusivity_m2_s: Diffusion coefficient D [m²/s], 1e-20 to 1e-3.

    Returns:
        t [s]. Numerical factors (1/2 in one dimension, 1/15 for the mean of a sphere) vary
        with the geometry; L²/D is the scale.

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.

    References:
        Fick's second law, Bard & Faulkner, Electrochemical Methods, 2nd ed. (2001)
        (``bard2001``).
    """
    length = number_in_range("length_m", length_m, 1e-10, 1.0, "m", label_ja="長さ")
    d = number_in_range(
        "diffusivity_m2_s", diffusivity_m2_s, 1e-20, 1e-3, "m²/s", label_ja="拡散係数"
    )
    return length**2 / d


def limiting_current_density_a_m2(
    concentration_mol_m3: float,
    diffusivity_m2_s: float,
    layer_thickness_m: float,
    electrons: int = 1,
) -> float:
    """Largest current density diffusion can feed through a layer: j_lim = n F D c / δ.

    Fick's first law across a diffusion layer of thickness δ whose far side keeps the bulk
    concentration c and whose electrode side is emptied to zero.

    Args:
        concentration_mol_m3: Bulk concentration c [mol/m³] (1 mol/L = 1000 mol/m³), 1e-6 to
            1e5.
        diffusivity_m2_s: Diffusion coefficient D [m²/s], 1e-20 to 1e-3.
        layer_thickness_m: Diffusion-layer thickness δ [m], 1e-10 to 1.
        electrons: Electrons n per reacting species, 1 to 12 (default 1).

    Returns:
        j_lim [A/m²].

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.

    References:
        Bard & Faulkner, Electrochemical Methods, 2nd ed. (2001), mass-transfer-limited
        current (``bard2001``).
    """
    c = number_in_range(
        "concentration_mol_m3", concentration_mol_m3, 1e-6, 1e5, "mol/m³", label_ja="濃度"
    )
    d = number_in_range(
        "diffusivity_m2_s", diffusivity_m2_s, 1e-20, 1e-3, "m²/s", label_ja="拡散係数"
    )
    delta = number_in_range(
        "layer_thickness_m", layer_thickness_m, 1e-10, 1.0, "m", label_ja="拡散層の厚さ"
    )
    return _electrons(electrons) * FARADAY_C_PER_MOL * d * c / delta
