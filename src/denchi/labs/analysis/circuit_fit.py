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

from denchi.labs.errors import LabInputError, keywords_checked, methods_checked
from denchi.validation import complex_array, number_array, number_in_range, same_length

#: Each circuit parameter in the order of :func:`randles_impedance`: its argument name, the
#: allowed range (``low`` excluded for R_ct, which divides), unit and Japanese name.
PARAMETERS = (
    ("r0_ohm", 0.0, 1e9, "Ω", "オーム抵抗 R0"),
    ("r_ct_ohm", 0.0, 1e9, "Ω", "電荷移動抵抗 R_ct"),
    ("q", 0.0, 1e9, "F s^(α−1)", "CPE の係数 Q"),
    ("alpha", 0.0, 1.0, "", "CPE の指数 α"),
    ("sigma_ohm_s05", 0.0, 1e9, "Ω s^-0.5", "ワールブルグ係数 σ"),
)
FREQUENCY_RANGE_HZ = (0.0, 1e9)  # a frequency must be above 0 (ω^-0.5 of the Warburg term)


def _circuit(values: list[object], names: list[str]) -> list[float]:
    """The five circuit parameters checked against :data:`PARAMETERS`, each named as given."""
    return [
        number_in_range(
            name, value, low, high, unit, label_ja=f"{label} {name}", above_low=key == "r_ct_ohm"
        )
        for (key, low, high, unit, label), value, name in zip(
            PARAMETERS, values, names, strict=True
        )
    ]


def _frequencies(frequency_hz: object, *, any_shape: bool = False) -> np.ndarray:
    return number_array(
        "frequency_hz",
        frequency_hz,
        *FREQUENCY_RANGE_HZ,
        "Hz",
        label_ja="周波数 frequency_hz",
        above_low=True,
        any_shape=any_shape,
    )


def _spectrum(frequency_hz: object, impedance_ohm: object) -> tuple[np.ndarray, np.ndarray]:
    """A measured spectrum checked: positive frequencies and finite, non-zero impedances of
    the same length."""
    f = _frequencies(frequency_hz)
    z = complex_array("impedance_ohm", impedance_ohm, label_ja="インピーダンス impedance_ohm")
    same_length("impedance_ohm", z, "frequency_hz", f, label_ja="インピーダンス impedance_ohm")
    if np.any(z == 0):  # |Z| divides every residual of the weighted fit
        item = f"impedance_ohm[{int(np.argmin(np.abs(z)))}]"
        raise LabInputError(
            "impedance_ohm",
            f"インピーダンス impedance_ohm に 0 Ω の値があります（{item}）。"
            "測定した電池のスペクトルを渡してください。",
            f"impedance_ohm holds a value of 0 Ω ({item}); pass the measured cell's spectrum.",
        )
    return f, z


@keywords_checked
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
        frequency_hz: Frequencies [Hz], any shape, each above 0 and at most 1e9; the result
            is complex with the same shape.
        r0_ohm: Ohmic resistance R0 [Ω], 0 to 1e9.
        r_ct_ohm: Charge-transfer resistance R_ct [Ω], above 0 and at most 1e9.
        q: CPE coefficient Q [F s^(α−1)], 0 to 1e9.
        alpha: CPE exponent α, 0 to 1 (1 for an ideal capacitor).
        sigma_ohm_s05: Warburg coefficient σ [Ω s^−0.5], 0 to 1e9.

    Raises:
        LabInputError: if a frequency or a parameter is not a number in its range above
            (:data:`PARAMETERS`); the message names the argument.
    """
    f = _frequencies(frequency_hz, any_shape=True)
    names = [name for name, *_ in PARAMETERS]
    params = _circuit([r0_ohm, r_ct_ohm, q, alpha, sigma_ohm_s05], names)
    return _impedance(f, *params)


def _impedance(
    f: np.ndarray, r0_ohm: float, r_ct_ohm: float, q: float, alpha: float, sigma_ohm_s05: float
) -> np.ndarray:
    """:func:`randles_impedance` without the checks (the fit calls it thousands of times
    within its bounds)."""
    omega = 2.0 * np.pi * f
    arc = 1.0 / (1.0 / r_ct_ohm + q * (1j * omega) ** alpha)
    return r0_ohm + arc + sigma_ohm_s05 * (1.0 - 1j) / np.sqrt(omega)


@methods_checked
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

        Raises:
            LabInputError: if a frequency is not a number above 0 and at most 1e9 Hz.
        """
        return randles_impedance(
            frequency_hz, self.r0_ohm, self.r_ct_ohm, self.q, self.alpha, self.sigma_ohm_s05
        )


def _residuals(f: np.ndarray, z: np.ndarray, params: np.ndarray, weighted: bool) -> np.ndarray:
    """Real then imaginary residuals of the circuit ``params`` against ``z``: divided by the
    measured ``|Z|`` when ``weighted`` (dimensionless), else in Ω."""
    diff = _impedance(f, *(float(v) for v in params)) - z
    if weighted:
        diff = diff / np.abs(z)
    return np.concatenate([diff.real, diff.imag])


@keywords_checked
def modulus_weighted_residuals(
    frequency_hz: np.ndarray, impedance_ohm: np.ndarray, params: np.ndarray
) -> np.ndarray:
    """Residuals of the circuit ``params`` (the order of :func:`randles_impedance`) against a
    spectrum, each divided by the measured ``|Z|``: the real parts, then the imaginary parts
    (dimensionless, shape ``(2 n,)`` for ``n`` frequencies).

    Args:
        frequency_hz: Frequencies [Hz], shape (n,), each above 0.
        impedance_ohm: Measured complex impedance [Ω], shape (n,), finite and not 0.
        params: R0, R_ct, Q, α, σ (the order of :func:`randles_impedance`), shape (5,).

    Raises:
        LabInputError: if the spectrum is not two 1-D series of the same length (positive
            frequencies, finite non-zero impedances), or ``params`` is not five numbers in
            the ranges of :data:`PARAMETERS`.
    """
    f, z = _spectrum(frequency_hz, impedance_ohm)
    is_sequence = isinstance(params, list | tuple) or (
        isinstance(params, np.ndarray) and params.ndim == 1
    )
    if not is_sequence or len(params) != len(PARAMETERS):
        raise LabInputError(
            "params",
            "params は R0, R_ct, Q, α, σ の順の 5 つの数値のリストか配列にしてください"
            f"（渡されたのは {type(params).__name__} 型の {params!r:.60}）。",
            "params must be a list or array of five numbers: R0, R_ct, Q, alpha, sigma "
            f"(got {params!r:.60} of type {type(params).__name__}).",
        )
    values = _circuit(list(params), [f"params[{i}]" for i in range(len(PARAMETERS))])
    return _residuals(f, z, np.array(values), True)


@keywords_checked
def modulus_weighted_cost(
    frequency_hz: np.ndarray, impedance_ohm: np.ndarray, params: np.ndarray
) -> float:
    """The sum of squares of :func:`modulus_weighted_residuals` (dimensionless), the quantity
    :func:`fit_randles` minimises: no circuit fits the spectrum with a smaller value, and a
    fit made without the weighting has a larger one.

    Args:
        frequency_hz: Frequencies [Hz], shape (n,), each above 0.
        impedance_ohm: Measured complex impedance [Ω], shape (n,), finite and not 0.
        params: R0, R_ct, Q, α, σ (the order of :func:`randles_impedance`), shape (5,).

    Raises:
        LabInputError: as :func:`modulus_weighted_residuals`.
    """
    return float(np.sum(modulus_weighted_residuals(frequency_hz, impedance_ohm, params) ** 2))


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


@keywords_checked
def fit_randles(
    frequency_hz: np.ndarray,
    impedance_ohm: np.ndarray,
    f_min_hz: float = 0.0,
    f_max_hz: float = math.inf,
    weighted: bool = True,
) -> CircuitFit:
    """Fit R0 + (R_ct ∥ CPE) + Warburg to a spectrum between ``f_min_hz`` and ``f_max_hz``.

    Args:
        frequency_hz: Measurement frequencies [Hz], shape (n,), each above 0.
        impedance_ohm: Complex impedance [Ω] at those frequencies, shape (n,), finite, not 0.
        f_min_hz: The lowest frequency used in the fit [Hz], 0 to 1e9.
        f_max_hz: The highest frequency used in the fit [Hz], above 0 (``math.inf`` for no
            limit).
        weighted: Modulus weighting (each residual divided by the measured ``|Z|``, the
            default and the right fit); ``False`` fits the residuals in Ω, the unweighted fit
            that the e04 page compares with it.

    Raises:
        LabInputError: if the spectrum is not two 1-D series of the same length (positive
            frequencies, finite non-zero impedances), a frequency limit or ``weighted`` is
            not of the kind above, or fewer than 6 points lie between ``f_min_hz`` and
            ``f_max_hz``.
    """
    from scipy.optimize import least_squares

    f, z = _spectrum(frequency_hz, impedance_ohm)
    f_min = number_in_range("f_min_hz", f_min_hz, 0.0, 1e9, "Hz", label_ja="下限の周波数 f_min_hz")
    f_max = math.inf
    if not (isinstance(f_max_hz, float) and f_max_hz == math.inf):
        f_max = number_in_range(
            "f_max_hz", f_max_hz, 0.0, 1e9, "Hz", label_ja="上限の周波数 f_max_hz", above_low=True
        )
    if not isinstance(weighted, bool | np.bool_):
        raise LabInputError(
            "weighted",
            f"weighted には True か False を指定してください（指定値: {weighted!r:.60}）。",
            f"weighted must be True or False (got {weighted!r:.60}).",
        )
    keep = (f >= f_min) & (f <= f_max)
    if int(keep.sum()) < 6:
        raise LabInputError(
            "f_min_hz",
            f"f_min_hz〜f_max_hz（{f_min:g}〜{f_max:g} Hz）の範囲に 6 点以上の測定が必要です"
            f"（{int(keep.sum())} 点）。範囲を広げるか、frequency_hz と impedance_ohm に"
            "6 点以上渡してください。",
            f"At least 6 points of frequency_hz are needed between f_min_hz and f_max_hz "
            f"({f_min:g} to {f_max:g} Hz; got {int(keep.sum())}). Widen the range or pass more "
            "points.",
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
