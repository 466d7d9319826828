"""The seeded "measured" data of the module u01_electrochemistry, one function per data set.

Each student's electrode has its own exchange current density and transfer coefficients, and
each student's cell its own temperature coefficient of the EMF; the curves come from the
closed forms of :mod:`denchi.chem` (Butler–Volmer, a straight E(T)) with instrument noise. The
lab page, the assignment's set-up cell, its hidden tests and the teacher guide call these
functions with the same seed (the student id while grading).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from denchi.chem import butler_volmer_current_density, tafel_fit
from denchi.chem.kinetics import TafelFit
from denchi.labs.api.instrument import kept
from denchi.labs.seeds import seed_number

# the electrodes of the class: log-uniform j0, uniform αa, αc = 1 − αa (one-step reaction)
EXCHANGE_CURRENT_RANGE_A_M2 = (2.0, 40.0)
ALPHA_A_RANGE = (0.35, 0.65)
POLARISATION_TEMPERATURE_C = 25.0
OVERPOTENTIALS_V = tuple(np.round(np.arange(-0.30, 0.3001, 0.01), 3).tolist())
CURRENT_NOISE = 0.02  # relative noise of the current reading (2 %)
CURRENT_FLOOR_NOISE = 0.002  # absolute noise, relative to j0 (the meter's offset)
# the reference analysis: the Tafel window of the teacher guide and the hidden tests
TAFEL_WINDOW_V = (0.1, 0.3)
# the EMF at five temperatures of a thermostatic chamber
EMF_TEMPERATURES_C = (10.0, 20.0, 30.0, 40.0, 50.0)
EMF_25C_RANGE_V = (3.70, 3.95)
EMF_COEFFICIENT_SIZE_V_K = (5e-5, 3e-4)  # |dE/dT|: far enough from 0 that the sign shows
EMF_COEFFICIENT_POSITIVE = 0.3  # the share of cells whose EMF rises with temperature
EMF_NOISE_V = 5e-5  # a 0.05 mV voltmeter after full relaxation
_ELECTRODE_STREAM = 11  # random streams of their own (the instrument uses 2, the cell 1)
_POLARISATION_NOISE_STREAM = 12
_EMF_STREAM = 13


@dataclass(frozen=True)
class PolarisationData:
    """A steady-state polarisation curve of one electrode.

    Attributes:
        overpotential_v: Overpotential η = E − E_eq [V], shape (n,), from −0.30 to 0.30 V.
        current_density_a_m2: Measured current density j [A/m²], shape (n,) (positive:
            oxidation).
        temperature_c: Temperature of the measurement [℃].
    """

    overpotential_v: np.ndarray
    current_density_a_m2: np.ndarray
    temperature_c: float


@dataclass(frozen=True)
class EmfData:
    """The open-circuit voltage (EMF) of a cell at several temperatures.

    Attributes:
        temperature_c: Temperatures [℃], shape (n,).
        emf_v: EMF [V] at each temperature, shape (n,).
    """

    temperature_c: np.ndarray
    emf_v: np.ndarray


def _electrode(seed: int | str) -> tuple[float, float]:
    """(j0 [A/m²], αa) of this student's electrode."""
    rng = np.random.default_rng([seed_number(seed), _ELECTRODE_STREAM])
    low, high = np.log10(EXCHANGE_CURRENT_RANGE_A_M2)
    return float(10 ** rng.uniform(low, high)), float(rng.uniform(*ALPHA_A_RANGE))


@kept
def polarisation_curve(seed: int | str) -> PolarisationData:
    """u01: this student's polarisation curve at 25 ℃, η from −0.30 to 0.30 V every 10 mV.

    The current is the Butler–Volmer current of the student's electrode
    (:func:`denchi.chem.butler_volmer_current_density`, j0 from 2 to 40 A/m², αa from 0.35
    to 0.65, αc = 1 − αa) with 2 % noise and a small offset noise; there is no mass
    transport or resistance in it, so the Tafel lines stay straight to ±0.30 V.

    Args:
        seed: The student id or a number that picks this student's electrode and noise.

    Raises:
        LabInputError: if ``seed`` is not a valid seed (checked before anything runs).
    """
    j0, alpha_a = _electrode(seed)
    eta = np.array(OVERPOTENTIALS_V)
    j = np.asarray(
        butler_volmer_current_density(
            eta, j0, alpha_a, 1.0 - alpha_a, temperature_c=POLARISATION_TEMPERATURE_C
        )
    )
    rng = np.random.default_rng([seed_number(seed), _POLARISATION_NOISE_STREAM])
    noise = CURRENT_NOISE * rng.standard_normal(eta.size)
    offset = CURRENT_FLOOR_NOISE * j0 * rng.standard_normal(eta.size)
    return PolarisationData(eta, j * (1.0 + noise) + offset, POLARISATION_TEMPERATURE_C)


@kept
def tafel_reference(seed: int | str, branch: str = "anodic") -> TafelFit:
    """The reference Tafel analysis of :func:`polarisation_curve`: a least-squares line of η
    on log10|j| over 0.1 V <= |η| <= 0.3 V of ``branch`` (:func:`denchi.chem.tafel_fit`).

    Args:
        seed: The student id or a number (as for :func:`polarisation_curve`).
        branch: ``"anodic"`` or ``"cathodic"``.

    Raises:
        LabInputError: if ``seed`` is not a valid seed.
        denchi.errors.InputError: if ``branch`` is neither.
    """
    data = polarisation_curve(seed)
    return tafel_fit(
        data.overpotential_v,
        data.current_density_a_m2,
        branch,
        *TAFEL_WINDOW_V,
        temperature_c=data.temperature_c,
    )


@kept
def emf_temperatures(seed: int | str) -> EmfData:
    """u01: the EMF of this student's cell at 10, 20, 30, 40 and 50 ℃ (fully relaxed).

    ``E(T) = E25 + (dE/dT)(T − 25 ℃)`` with E25 from 3.70 to 3.95 V and |dE/dT| from 0.05 to
    0.3 mV/K (positive for about a third of the students, else negative), plus 0.05 mV of
    meter noise.

    Args:
        seed: The student id or a number that picks this student's cell and noise.

    Raises:
        LabInputError: if ``seed`` is not a valid seed (checked before anything runs).
    """
    rng = np.random.default_rng([seed_number(seed), _EMF_STREAM])
    emf_25 = rng.uniform(*EMF_25C_RANGE_V)
    sign = 1.0 if rng.uniform() < EMF_COEFFICIENT_POSITIVE else -1.0
    slope = sign * rng.uniform(*EMF_COEFFICIENT_SIZE_V_K)
    t = np.array(EMF_TEMPERATURES_C)
    emf = emf_25 + slope * (t - 25.0) + EMF_NOISE_V * rng.standard_normal(t.size)
    return EmfData(t, emf)
