"""Equivalent-circuit analysis of impedance spectra (the reference analysis of lab e04).

The circuit is the Randles circuit with a constant-phase element (CPE) in place of the
double-layer capacitor, common in battery EIS practice (Lasia; Orazem and Tribollet)::

    Z(ω) = R0 + 1 / (1/R_ct + Q (jω)^α) + σ (1 − j) / √ω

R0 is the ohmic resistance (electrolyte, contacts, current collectors), R_ct the
charge-transfer resistance in parallel with the double layer (CPE: Q, α), and σ the Warburg
coefficient of solid-state diffusion. The fit minimises the residuals divided by ``|Z|``
(modulus weighting), so that every frequency counts alike: the random error of a measured
impedance grows roughly in proportion to ``|Z|`` (modulus weights, compared with a fitted
variance model by Dygas and Breiter, "Variance of errors and elimination of outliers in the
least squares analysis of impedance spectra", Electrochimica Acta, 1999), and without the
weighting the large-``|Z|`` low-frequency points decide the fit. :func:`modulus_weighted_cost`
is the sum that fit minimises, so a grader can tell a weighted fit from an unweighted one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from denchi.labs.errors import LabInputError


def randles_impedance(
    frequency_hz: np.ndarray,
    r0_ohm: float,
    r_ct_ohm: float,
    q: float,
    alpha: float,
    sigma_ohm_s05: float,
) -> np.ndarray:
    """Impedance [Ω] of R0 + (R_ct ∥ CPE) + Warburg at the given frequencies [Hz].

    Args:
        frequency_hz: Frequencies [Hz], any shape; the result is complex with the same shape.
        r0_ohm: Ohmic resistance R0 [Ω].
        r_ct_ohm: Charge-transfer resistance R_ct [Ω].
        q: CPE coefficient Q [F s^(α−1)].
        alpha: CPE exponent α (1 for an ideal capacitor).
        sigma_ohm_s05: Warburg coefficient σ [Ω s^−0.5].
    """
    omega = 2.0 * np.pi * np.asarray(frequency_hz, dtype=float)
    arc = 1.0 / (1.0 / r_ct_ohm + q * (1j * omega) ** alpha)
    return r0_ohm + arc + sigma_ohm_s05 * (1.0 - 1j) / np.sqrt(omega)


@dataclass(frozen=True)
class CircuitFit:
    """Fitted parameters of the Randles circuit with a CPE.

    Attributes:
        r0_ohm: Ohmic (high-frequency) resistance [Ω].
        r_ct_ohm: Charge-transfer resistance, the diameter of the arc [Ω].
        q: CPE coefficient [F·s^(α−1)].
        alpha: CPE exponent (1 = an ideal capacitor).
        sigma_ohm_s05: Warburg coefficient [Ω·s^−0.5].
    """

    r0_ohm: float
    r_ct_ohm: float
    q: float
    alpha: float
    sigma_ohm_s05: float

    @property
    def peak_frequency_hz(self) -> float:
        """Frequency at the top of the arc, 1 / (2π (R_ct Q)^(1/α)) [Hz]."""
        return 1.0 / (2.0 * math.pi * (self.r_ct_ohm * self.q) ** (1.0 / self.alpha))

    @property
    def capacitance_f(self) -> float:
        """Effective double-layer capacitance, 1 / (2π f_peak R_ct) [F]."""
        return 1.0 / (2.0 * math.pi * self.peak_frequency_hz * self.r_ct_ohm)

    @property
    def params(self) -> tuple[float, float, float, float, float]:
        """``(r0_ohm, r_ct_ohm, q, alpha, sigma_ohm_s05)``: the order of
        :func:`randles_impedance`."""
        return (self.r0_ohm, self.r_ct_ohm, self.q, self.alpha, self.sigma_ohm_s05)

    def impedance(self, frequency_hz: np.ndarray) -> np.ndarray:
        """The fitted circuit's impedance [Ω] at the given frequencies.

        Args:
            frequency_hz: Frequencies [Hz], any shape; the result has the same shape.
        """
        return randles_impedance(
            frequency_hz, self.r0_ohm, self.r_ct_ohm, self.q, self.alpha, self.sigma_ohm_s05
        )


def _residuals(f: np.ndarray, z: np.ndarray, params: np.ndarray, weighted: bool) -> np.ndarray:
    """Real then imaginary residuals of the circuit ``params`` against ``z``: divided by the
    measured ``|Z|`` when ``weighted`` (dimensionless), else in Ω."""
    diff = randles_impedance(f, *(float(v) for v in params)) - z
    if weighted:
        diff = diff / np.abs(z)
    return np.concatenate([diff.real, diff.imag])


def modulus_weighted_residuals(
    frequency_hz: np.ndarray, impedance_ohm: np.ndarray, params: np.ndarray
) -> np.ndarray:
    """Residuals of the circuit ``params`` (the order of :func:`randles_impedance`) against a
    spectrum, each divided by the measured ``|Z|``: the real parts, then the imaginary parts
    (dimensionless, shape ``(2 n,)`` for ``n`` frequencies).

    Args:
        frequency_hz: Frequencies [Hz], shape (n,).
        impedance_ohm: Measured complex impedance [Ω], shape (n,).
        params: R0, R_ct, Q, α, σ (the order of :func:`randles_impedance`).
    """
    return _residuals(frequency_hz, np.asarray(impedance_ohm, dtype=complex), params, True)


def modulus_weighted_cost(
    frequency_hz: np.ndarray, impedance_ohm: np.ndarray, params: np.ndarray
) -> float:
    """The sum of squares of :func:`modulus_weighted_residuals` (dimensionless), the quantity
    :func:`fit_randles` minimises: no circuit fits the spectrum with a smaller value, and a
    fit made without the weighting has a larger one.

    Args:
        frequency_hz: Frequencies [Hz], shape (n,).
        impedance_ohm: Measured complex impedance [Ω], shape (n,).
        params: R0, R_ct, Q, α, σ (the order of :func:`randles_impedance`).

    Raises:
        LabInputError: ``params`` is not five numbers.
    """
    values = np.asarray(params, dtype=float).ravel()
    if values.size != 5:
        raise LabInputError(
            "params",
            "パラメータは R0, R_ct, Q, α, σ の 5 つの数値です。",
            "params are five numbers: R0, R_ct, Q, alpha, sigma.",
        )
    return float(np.sum(modulus_weighted_residuals(frequency_hz, impedance_ohm, values) ** 2))


def _first_guess(f: np.ndarray, z: np.ndarray) -> list[float]:
    """Start values read off the spectrum: the high-frequency end, the arc's foot and top."""
    order = np.argsort(f)[::-1]  # high to low frequency
    f, z = f[order], z[order]
    r0 = float(z.real[0])
    minus_imag = -z.imag
    # the foot of the arc: the first local minimum of -Z'' after the arc's top
    top = int(np.argmax(minus_imag[: max(len(f) // 2, 3)]))
    rest = minus_imag[top:]
    foot = top + int(np.argmin(rest[: max(len(rest) // 2, 2)]))
    r_ct = max(float(z.real[foot]) - r0, 1e-6)
    f_top = float(f[top])
    q = 1.0 / (2.0 * math.pi * f_top * r_ct)
    low = -1
    sigma = max(float(-z.imag[low] * math.sqrt(2.0 * math.pi * f[low])), 1e-9)
    return [r0, r_ct, q, 0.9, sigma]


def fit_randles(
    frequency_hz: np.ndarray,
    impedance_ohm: np.ndarray,
    f_min_hz: float = 0.0,
    f_max_hz: float = math.inf,
    weighted: bool = True,
) -> CircuitFit:
    """Fit R0 + (R_ct ∥ CPE) + Warburg to a spectrum between ``f_min_hz`` and ``f_max_hz``.

    Args:
        frequency_hz: Measurement frequencies [Hz].
        impedance_ohm: Complex impedance [Ω] at those frequencies.
        f_min_hz: The lowest frequency used in the fit [Hz].
        f_max_hz: The highest frequency used in the fit [Hz].
        weighted: Modulus weighting (each residual divided by the measured ``|Z|``, the
            default and the right fit); ``False`` fits the residuals in Ω, the unweighted fit
            that the e04 page compares with it.

    Raises:
        LabInputError: if the two arrays differ in shape or fewer than 6 points lie between
            ``f_min_hz`` and ``f_max_hz``.
    """
    from scipy.optimize import least_squares

    f = np.asarray(frequency_hz, dtype=float)
    z = np.asarray(impedance_ohm, dtype=complex)
    keep = (f >= f_min_hz) & (f <= f_max_hz)
    if f.shape != z.shape or int(keep.sum()) < 6:
        raise LabInputError(
            "frequency_hz",
            "周波数とインピーダンスの配列は同じ長さで、フィットの範囲に 6 点以上必要です。",
            "frequency_hz and impedance_ohm need the same length and at least 6 points in "
            "the fitted range.",
        )
    f, z = f[keep], z[keep]
    guess = np.array(_first_guess(f, z))
    low = [0.0, 1e-9, 1e-12, 0.5, 0.0]
    high = [np.inf, np.inf, np.inf, 1.0, np.inf]
    start = np.clip(guess, np.array(low) + 1e-12, np.array(high) - 1e-9)
    fit = least_squares(
        lambda params: _residuals(f, z, params, weighted),
        start,
        bounds=(low, high),
        x_scale="jac",
        max_nfev=5000,
    )
    return CircuitFit(*(float(v) for v in fit.x))
