"""Faraday's law: electric charge <-> amount of substance <-> mass, and theoretical capacity.

    Q = I t,    n(e-) = Q / F,    n(substance) = n(e-) / z,    m = n(substance) M

where z is the number of electrons per formula unit and M the molar mass [g/mol].
"""

from __future__ import annotations

from denchi.chem.constants import COULOMB_PER_AH, FARADAY_C_PER_MOL
from denchi.validation import number_in_range

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
    return int(number_in_range("electrons", value, 1, 12, "", label_ja="電子の数"))


def charge_c(current_a: float, time_s: float) -> float:
    """Charge [C] carried by a constant current [A] in ``time_s`` seconds."""
    return _checked("current_a", current_a) * _checked("time_s", time_s)


def ah_to_c(capacity_ah: float) -> float:
    """Ampere-hours to coulombs (1 Ah = 3600 C)."""
    return _checked("capacity_ah", capacity_ah) * COULOMB_PER_AH


def c_to_ah(charge: float) -> float:
    """Coulombs to ampere-hours."""
    return _checked("charge_c", charge) / COULOMB_PER_AH


def moles_of_electrons(charge: float) -> float:
    """Amount of electrons [mol] in a charge [C]."""
    return _checked("charge_c", charge) / FARADAY_C_PER_MOL


def moles_from_charge(charge: float, electrons: int) -> float:
    """Amount of substance [mol] that ``charge`` [C] converts, ``electrons`` per formula unit."""
    return moles_of_electrons(charge) / _electrons(electrons)


def mass_from_charge(charge: float, electrons: int, molar_mass_g_mol: float) -> float:
    """Mass [g] deposited or dissolved by ``charge`` [C] (Faraday's law of electrolysis)."""
    molar_mass = _checked("molar_mass_g_mol", molar_mass_g_mol)
    return moles_from_charge(charge, electrons) * molar_mass


def charge_from_mass(mass_g: float, electrons: int, molar_mass_g_mol: float) -> float:
    """Charge [C] needed to convert ``mass_g`` grams, ``electrons`` per formula unit."""
    mass = _checked("mass_g", mass_g)
    molar_mass = _checked("molar_mass_g_mol", molar_mass_g_mol)
    return mass / molar_mass * _electrons(electrons) * FARADAY_C_PER_MOL


def theoretical_capacity_mah_g(molar_mass_g_mol: float, electrons: int = 1) -> float:
    """Theoretical specific capacity [mAh/g] of a material: z F / (3.6 M).

    ``molar_mass_g_mol`` is the molar mass of the host per exchanged formula unit, e.g.
    72.06 g/mol for C6 in LiC6 (372 mAh/g) or 97.87 g/mol for LiCoO2 (274 mAh/g).
    """
    return charge_from_mass(1.0, electrons, molar_mass_g_mol) / COULOMB_PER_AH * 1000.0
