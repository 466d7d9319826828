"""Faraday's law: electric charge <-> amount of substance <-> mass, and theoretical capacity.

    Q = I t,    n(e-) = Q / F,    n(substance) = n(e-) / z,    m = n(substance) M

where z is the number of electrons per formula unit and M the molar mass [g/mol].
"""

from __future__ import annotations

from denchi.chem.constants import COULOMB_PER_AH, FARADAY_C_PER_MOL
from denchi.validation import integer_in_range, number_in_range

# Allowed ranges, wide enough for any lab or factory example, narrow enough to catch slips.
_RANGES = {
    "current_a": (0.0, 1e6, "A", "電流"),
    "time_s": (0.0, 1e9, "s", "時間"),
    "capacity_ah": (0.0, 1e9, "Ah", "電気量"),
    "charge_c": (0.0, 1e13, "C", "電気量"),
    "mass_g": (0.0, 1e9, "g", "質量"),
    "molar_mass_g_mol": (1.0, 2000.0, "g/mol", "モル質量"),
}


def _checked(name: str, value: float) -> float:
    low, high, unit, label_ja = _RANGES[name]
    return number_in_range(name, value, low, high, unit, label_ja=label_ja)


def _electrons(value: int) -> int:
    return integer_in_range("electrons", value, 1, 12, label_ja="電子の数")


def charge_c(current_a: float, time_s: float) -> float:
    """Charge carried by a constant current: Q = I t.

    Args:
        current_a: Current [A], 0 to 1e6.
        time_s: Duration [s], 0 to 1e9.

    Returns:
        Charge [C].

    Raises:
        denchi.errors.InputError: If ``current_a`` or ``time_s`` is not a finite number
            in its range (the message names the argument, in Japanese and English).
    """
    return _checked("current_a", current_a) * _checked("time_s", time_s)


def ah_to_c(capacity_ah: float) -> float:
    """Ampere-hours to coulombs (1 Ah = 3600 C, by the definition of the hour).

    Args:
        capacity_ah: Charge [Ah], 0 to 1e9.

    Returns:
        Charge [C].

    Raises:
        denchi.errors.InputError: If ``capacity_ah`` is not a finite number in its range.
    """
    return _checked("capacity_ah", capacity_ah) * COULOMB_PER_AH


def c_to_ah(charge: float) -> float:
    """Coulombs to ampere-hours (1 Ah = 3600 C).

    Args:
        charge: Charge [C], 0 to 1e13.

    Returns:
        Charge [Ah].

    Raises:
        denchi.errors.InputError: If ``charge`` is not a finite number in its range.
    """
    return _checked("charge_c", charge) / COULOMB_PER_AH


def moles_of_electrons(charge: float) -> float:
    """Amount of electrons in a charge: n(e-) = Q / F.

    Args:
        charge: Charge [C], 0 to 1e13.

    Returns:
        Amount of electrons [mol].

    Raises:
        denchi.errors.InputError: If ``charge`` is not a finite number in its range.

    References:
        Faraday's law of electrolysis, as taught in 化学 of the 2018 course of study
        (MEXT 2018, ``mext2018``); F from CODATA 2018 (Tiesinga et al., Rev. Mod. Phys. 93,
        025010, 2021; see :mod:`denchi.chem.constants`).
    """
    return _checked("charge_c", charge) / FARADAY_C_PER_MOL


def moles_from_charge(charge: float, electrons: int) -> float:
    """Amount of substance that a charge converts: n = Q / (z F).

    Args:
        charge: Charge [C], 0 to 1e13.
        electrons: Electrons z per formula unit, a whole number from 1 to 12.

    Returns:
        Amount of substance [mol].

    Raises:
        denchi.errors.InputError: If ``charge`` or ``electrons`` is out of range or not
            a number, or ``electrons`` is not a whole number.

    References:
        Faraday's law of electrolysis, as taught in 化学 of the 2018 course of study
        (MEXT 2018, ``mext2018``); F from CODATA 2018 (Tiesinga et al., Rev. Mod. Phys. 93,
        025010, 2021; see :mod:`denchi.chem.constants`).
    """
    return moles_of_electrons(charge) / _electrons(electrons)


def mass_from_charge(charge: float, electrons: int, molar_mass_g_mol: float) -> float:
    """Mass deposited or dissolved by a charge (Faraday's law of electrolysis): m = Q M / (z F).

    Args:
        charge: Charge [C], 0 to 1e13.
        electrons: Electrons z per formula unit, a whole number from 1 to 12.
        molar_mass_g_mol: Molar mass M [g/mol], 1 to 2000.

    Returns:
        Mass [g].

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.

    References:
        Faraday's law of electrolysis, as taught in 化学 of the 2018 course of study
        (MEXT 2018, ``mext2018``); F from CODATA 2018 (Tiesinga et al., Rev. Mod. Phys. 93,
        025010, 2021; see :mod:`denchi.chem.constants`).
    """
    molar_mass = _checked("molar_mass_g_mol", molar_mass_g_mol)
    return moles_from_charge(charge, electrons) * molar_mass


def charge_from_mass(mass_g: float, electrons: int, molar_mass_g_mol: float) -> float:
    """Charge needed to convert a mass of substance: Q = m z F / M.

    Args:
        mass_g: Mass [g], 0 to 1e9.
        electrons: Electrons z per formula unit, a whole number from 1 to 12.
        molar_mass_g_mol: Molar mass M [g/mol], 1 to 2000.

    Returns:
        Charge [C].

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.

    References:
        Faraday's law of electrolysis, as taught in 化学 of the 2018 course of study
        (MEXT 2018, ``mext2018``); F from CODATA 2018 (Tiesinga et al., Rev. Mod. Phys. 93,
        025010, 2021; see :mod:`denchi.chem.constants`).
    """
    mass = _checked("mass_g", mass_g)
    molar_mass = _checked("molar_mass_g_mol", molar_mass_g_mol)
    return mass / molar_mass * _electrons(electrons) * FARADAY_C_PER_MOL


def theoretical_capacity_mah_g(molar_mass_g_mol: float, electrons: int = 1) -> float:
    """Theoretical specific capacity of a material: z F / (3.6 M) (1 mAh = 3.6 C).

    Args:
        molar_mass_g_mol: Molar mass M of the host per exchanged formula unit [g/mol], 1 to
            2000, e.g. 72.06 g/mol for C6 in LiC6 (372 mAh/g) or 97.87 g/mol for LiCoO2
            (274 mAh/g). (These molar masses come from atomic weights; source: not recorded.)
        electrons: Electrons z exchanged per formula unit, a whole number from 1 to 12.

    Returns:
        Specific capacity [mAh/g].

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.

    References:
        Faraday's law of electrolysis, as taught in 化学 of the 2018 course of study
        (MEXT 2018, ``mext2018``); F from CODATA 2018 (Tiesinga et al., Rev. Mod. Phys. 93,
        025010, 2021; see :mod:`denchi.chem.constants`).
    """
    return charge_from_mass(1.0, electrons, molar_mass_g_mol) / COULOMB_PER_AH * 1000.0
