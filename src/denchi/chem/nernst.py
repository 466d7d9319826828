"""Electrode potentials and cell voltages from standard potentials and concentrations.

The Nernst equation for ``M^n+ + n e- -> M`` (pure metal, activity of the ion taken equal to
its concentration in mol/L, which holds only for dilute solutions):

    E = E° + (R T / n F) ln [M^n+]

A galvanic cell of two such electrodes has the voltage E(positive) - E(negative); the
electrode with the higher potential is the positive one (cathode on discharge).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from denchi.chem.constants import (
    FARADAY_C_PER_MOL,
    GAS_CONSTANT_J_PER_MOL_K,
    STANDARD_TEMPERATURE_C,
    ZERO_CELSIUS_K,
)
from denchi.chem.potentials import Couple, couple
from denchi.validation import integer_in_range, number_in_range

CONCENTRATION_RANGE_MOL_L = (1e-6, 10.0)
TEMPERATURE_RANGE_C = (0.0, 100.0)  # liquid water


def _temperature_k(temperature_c: float) -> float:
    t = number_in_range("temperature_c", temperature_c, *TEMPERATURE_RANGE_C, "℃", label_ja="温度")
    return t + ZERO_CELSIUS_K


def _concentration(name: str, value: float) -> float:
    return number_in_range(name, value, *CONCENTRATION_RANGE_MOL_L, "mol/L", label_ja="濃度")


def nernst_slope_v(electrons: int, temperature_c: float = STANDARD_TEMPERATURE_C) -> float:
    """Change of potential per tenfold change of concentration: ln(10) R T / (n F).

    Args:
        electrons: Electrons n of the half reaction, a whole number from 1 to 6.
        temperature_c: Temperature [℃], 0 to 100 (default 25).

    Returns:
        Slope [V per decade of concentration], e.g. 0.0296 V for n = 2 at 25 ℃.

    Raises:
        denchi.errors.InputError: If ``electrons`` or ``temperature_c`` is out of range or
            not a number.

    References:
        Nernst equation as in Bard & Faulkner, Electrochemical Methods, 2nd ed. (2001)
        (``bard2001``); R and F from CODATA 2018 (Tiesinga et al. 2021).
    """
    n = integer_in_range("electrons", electrons, 1, 6, label_ja="電子の数")
    return (
        math.log(10)
        * GAS_CONSTANT_J_PER_MOL_K
        * _temperature_k(temperature_c)
        / (n * FARADAY_C_PER_MOL)
    )


def electrode_potential_v(
    metal: str,
    concentration_mol_l: float = 1.0,
    temperature_c: float = STANDARD_TEMPERATURE_C,
) -> float:
    """Potential of a metal in a solution of its ions: E = E° + (R T / n F) ln [M^n+].

    Args:
        metal: Element symbol of a couple in :data:`denchi.chem.COUPLES`, e.g. ``"Zn"``
            (case does not matter).
        concentration_mol_l: Concentration of the metal ion [mol/L], 1e-6 to 10 (default 1),
            taken equal to its activity (valid only for dilute solutions).
        temperature_c: Temperature [℃], 0 to 100 (default 25).

    Returns:
        Electrode potential [V vs the standard hydrogen electrode].

    Raises:
        denchi.errors.InputError: If ``metal`` is not in the table, or the concentration or
            temperature is out of range or not a number.

    References:
        Nernst equation as in Bard & Faulkner, Electrochemical Methods, 2nd ed. (2001)
        (``bard2001``); R and F from CODATA 2018 (Tiesinga et al. 2021); E° from Vanýsek,
        CRC Handbook of Chemistry and Physics, 97th ed. (2016) (``vanysek2016``).
    """
    c = couple(metal)
    conc = _concentration("concentration_mol_l", concentration_mol_l)
    slope = nernst_slope_v(c.electrons, temperature_c)
    return c.standard_potential_v + slope * math.log10(conc)


@dataclass(frozen=True)
class CellVoltage:
    """A galvanic cell of two metal electrodes: which is positive, and its voltage.

    Attributes:
        positive: Couple of the positive electrode (higher potential; cathode on discharge).
        negative: Couple of the negative electrode.
        positive_potential_v: Potential of the positive electrode [V vs SHE].
        negative_potential_v: Potential of the negative electrode [V vs SHE].
        temperature_c: Temperature of the cell [℃].
    """

    positive: Couple
    negative: Couple
    positive_potential_v: float
    negative_potential_v: float
    temperature_c: float

    @property
    def voltage_v(self) -> float:
        """Electromotive force (open-circuit voltage) of the cell [V], always >= 0."""
        return self.positive_potential_v - self.negative_potential_v

    def __str__(self) -> str:
        return (
            f"正極 {self.positive.key}（{self.positive_potential_v:+.3f} V）、"
            f"負極 {self.negative.key}（{self.negative_potential_v:+.3f} V）、"
            f"起電力 {self.voltage_v:.3f} V"
        )


def cell_voltage(
    metal_a: str,
    metal_b: str,
    concentration_a_mol_l: float = 1.0,
    concentration_b_mol_l: float = 1.0,
    temperature_c: float = STANDARD_TEMPERATURE_C,
) -> CellVoltage:
    """The cell made of ``metal_a`` in its ion solution and ``metal_b`` in its own.

    The order of the two metals does not matter: the result names the positive electrode
    (at equal potentials, ``metal_a``). The same metal twice makes a concentration cell.
    ``cell_voltage("Zn", "Cu")`` is the Daniell cell, 1.10 V at 1 mol/L and 25 ℃.

    Args:
        metal_a: Element symbol of the first electrode, e.g. ``"Zn"``.
        metal_b: Element symbol of the second electrode, e.g. ``"Cu"``.
        concentration_a_mol_l: Ion concentration at ``metal_a`` [mol/L], 1e-6 to 10.
        concentration_b_mol_l: Ion concentration at ``metal_b`` [mol/L], 1e-6 to 10.
        temperature_c: Temperature [℃], 0 to 100 (default 25).

    Returns:
        The cell; its ``voltage_v`` is the electromotive force [V], always >= 0.

    Raises:
        denchi.errors.InputError: If a metal is not in the table, or a concentration or the
            temperature is out of range or not a number.

    References:
        Electrode potentials as in :func:`electrode_potential_v` (``bard2001``,
        ``vanysek2016``).
    """
    a, b = couple(metal_a), couple(metal_b)  # the same metal twice is a concentration cell
    ea = electrode_potential_v(a.key, concentration_a_mol_l, temperature_c)
    eb = electrode_potential_v(b.key, concentration_b_mol_l, temperature_c)
    (pos, e_pos), (neg, e_neg) = sorted([(a, ea), (b, eb)], key=lambda p: -p[1])
    return CellVoltage(pos, neg, e_pos, e_neg, float(temperature_c))
