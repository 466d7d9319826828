"""Active materials and the energy-density chain: material, active pair, electrodes, stack, cell.

    from denchi import chem
    chem.molar_mass_g_mol("LiNi0.8Mn0.1Co0.1O2")          # 97.28 g/mol
    chem.material_capacity_mah_g("LFP")                   # 169.9 mAh/g
    d = chem.cell_energy_density(cathode_mah_g=200, anode_mah_g=350, voltage_v=3.7,
                                 np_ratio=1.1, cathode_active_fraction=0.95,
                                 anode_active_fraction=0.96, collectors_g_per_ah=1.0,
                                 separator_g_per_ah=0.3, electrolyte_g_per_ah=1.6,
                                 case_g_per_ah=0.8)
    d.active_wh_kg, d.stack_wh_kg, d.cell_wh_kg

Every mass is per ampere-hour of cell capacity [g/Ah], so the chain does not depend on the
size of the cell: the energy of one ampere-hour at the mean voltage V is V watt-hours, and a
level's specific energy is 1000 V / (its mass in g/Ah) [Wh/kg]. The cell's capacity is the
positive electrode's (a cell is built with N/P ≥ 1, more negative than positive capacity, so
that lithium is not plated on the negative; the N/P ratio is the negative electrode's capacity
over the positive's). These relations follow from the definitions of specific capacity
(Faraday's law, :func:`denchi.chem.theoretical_capacity_mah_g`) and of energy as charge times
mean voltage; they are the bookkeeping of a cell's mass, not a model of its performance.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from denchi.chem.faraday import theoretical_capacity_mah_g
from denchi.errors import InputError
from denchi.validation import number_in_range, one_of

# Standard atomic weights of the elements in lithium-ion active materials, from the IUPAC
# Commission on Isotopic Abundances and Atomic Weights: Meija et al., "Atomic weights of the
# elements 2013 (IUPAC Technical Report)", Pure Appl. Chem. 88 (2016) 265–291,
# doi:10.1515/pac-2015-0305 (Co, Mn, P and Al as revised there; for Li, C, O and Si, whose
# standard atomic weights are intervals, the report's conventional values).
ATOMIC_WEIGHTS = {
    "Li": 6.94,
    "C": 12.011,
    "O": 15.999,
    "Al": 26.9815385,
    "Si": 28.085,
    "P": 30.973761998,
    "Ti": 47.867,
    "Mn": 54.938044,
    "Fe": 55.845,
    "Co": 58.933194,
    "Ni": 58.6934,
}


@dataclass(frozen=True)
class ActiveMaterial:
    """An electrode active material and its reaction per formula unit.

    Attributes:
        name: Short name used in the book (``"NMC811"``).
        formula: The host per formula unit in its lithiated state as a string
            (``"LiNi0.8Mn0.1Co0.1O2"``; ``"C6"`` for graphite, whose lithiated form is LiC6).
        electrons: Lithium ions (electrons) exchanged per formula unit in the theoretical
            reaction: 1 for the layered oxides, LiFePO4, LiMn2O4 and LiC6; 3 for Li4Ti5O12
            (to Li7Ti5O12); 3.75 for Si (to Li15Si4); 1 for Li metal.
        electrode: ``"positive"`` or ``"negative"``.
    """

    name: str
    formula: str
    electrons: float
    electrode: str


# The materials of module u02 with their textbook reactions. The theoretical capacities they
# give match the worked table of uenergyhub.com, "How to calculate the theoretical capacity of
# battery electrode materials" (LiCoO2 274, LiNi1/3Co1/3Mn1/3O2 278, LiFePO4 170, graphite
# 372, Li4Ti5O12 175 with 3 electrons, Si 3579 mAh/g with 3.75 electrons), checked in
# tests/test_chem_materials.py.
ACTIVE_MATERIALS = {
    m.name: m
    for m in (
        ActiveMaterial("LCO", "LiCoO2", 1, "positive"),
        ActiveMaterial("NMC111", "LiNi0.3333Mn0.3333Co0.3333O2", 1, "positive"),
        ActiveMaterial("NMC622", "LiNi0.6Mn0.2Co0.2O2", 1, "positive"),
        ActiveMaterial("NMC811", "LiNi0.8Mn0.1Co0.1O2", 1, "positive"),
        ActiveMaterial("NCA", "LiNi0.8Co0.15Al0.05O2", 1, "positive"),
        ActiveMaterial("LFP", "LiFePO4", 1, "positive"),
        ActiveMaterial("LMO", "LiMn2O4", 1, "positive"),
        ActiveMaterial("graphite", "C6", 1, "negative"),
        ActiveMaterial("silicon", "Si", 3.75, "negative"),
        ActiveMaterial("LTO", "Li4Ti5O12", 3, "negative"),
        ActiveMaterial("lithium", "Li", 1, "negative"),
    )
}

_TOKEN = re.compile(r"([A-Z][a-z]?)(\d+(?:\.\d+)?)?")


def molar_mass_g_mol(formula: str) -> float:
    """Molar mass of a formula written with element symbols and amounts: M = Σ n_i A_r,i.

    Args:
        formula: Element symbols each followed by an optional amount (default 1), without
            brackets or charges: ``"LiCoO2"``, ``"LiNi0.8Mn0.1Co0.1O2"``, ``"C6"``. The
            elements of :data:`ATOMIC_WEIGHTS` only.

    Returns:
        Molar mass [g/mol] (atomic weights of :data:`ATOMIC_WEIGHTS`).

    Raises:
        denchi.errors.InputError: If ``formula`` is not a string, is empty, contains
            something other than symbols and amounts, or names an element that is not in
            :data:`ATOMIC_WEIGHTS`.
    """
    known = ", ".join(ATOMIC_WEIGHTS)
    if not isinstance(formula, str) or not formula or _TOKEN.sub("", formula):
        raise InputError(
            "formula",
            "formula には元素記号と数を続けた組成式を文字列で指定してください"
            f'（括弧や電荷は使えません）。指定値: {formula!r:.60}。例: formula="LiCoO2"',
            "formula must be a string of element symbols, each followed by an optional "
            f'amount, without brackets or charges; got {formula!r:.60}. Example: formula="LiCoO2"',
        )
    mass = 0.0
    for symbol, amount in _TOKEN.findall(formula):
        if symbol not in ATOMIC_WEIGHTS:
            raise InputError(
                "formula",
                f"formula の元素 {symbol} の原子量はこの教材にありません"
                f"（指定値: {formula!r:.60}）。使える元素: {known}",
                f"formula names {symbol}, whose atomic weight is not in this toolkit "
                f"(got {formula!r:.60}); known elements: {known}.",
            )
        mass += ATOMIC_WEIGHTS[symbol] * (float(amount) if amount else 1.0)
    return mass


def _active_material(name: str) -> ActiveMaterial:
    """The active material called ``name`` in :data:`ACTIVE_MATERIALS`.

    Raises:
        denchi.errors.InputError: If ``name`` is not one of its keys.
    """
    return ACTIVE_MATERIALS[one_of("name", name, ACTIVE_MATERIALS, label_ja="活物質の名前")]


def material_capacity_mah_g(name: str) -> float:
    """Theoretical specific capacity of an active material of :data:`ACTIVE_MATERIALS`.

    q = z F / (3.6 M) with M the molar mass of its formula and z its electrons per formula
    unit (:func:`denchi.chem.theoretical_capacity_mah_g`, applied to the mass per exchanged
    electron M / z, since z is not a whole number for silicon).

    Args:
        name: A key of :data:`ACTIVE_MATERIALS` (``"LCO"``, ``"NMC811"``, ``"graphite"`` …).

    Returns:
        Theoretical specific capacity [mAh/g] per mass of the formula of the material
        (the lithiated host for the positive electrode materials, the host without lithium
        for graphite and silicon).

    Raises:
        denchi.errors.InputError: If ``name`` is not a key of :data:`ACTIVE_MATERIALS`.
    """
    material = _active_material(name)
    return theoretical_capacity_mah_g(molar_mass_g_mol(material.formula) / material.electrons)


_RANGES = {
    "cathode_mah_g": (1.0, 5000.0, "mAh/g", "正極活物質の比容量"),
    "anode_mah_g": (1.0, 5000.0, "mAh/g", "負極活物質の比容量"),
    "voltage_v": (0.1, 6.0, "V", "平均電圧"),
    "np_ratio": (1.0, 3.0, "", "N/P 比"),
    "cathode_active_fraction": (0.05, 1.0, "", "正極合材中の活物質の質量分率"),
    "anode_active_fraction": (0.05, 1.0, "", "負極合材中の活物質の質量分率"),
    "collectors_g_per_ah": (0.0, 100.0, "g/Ah", "集電体の質量"),
    "separator_g_per_ah": (0.0, 100.0, "g/Ah", "セパレータの質量"),
    "electrolyte_g_per_ah": (0.0, 100.0, "g/Ah", "電解液の質量"),
    "case_g_per_ah": (0.0, 100.0, "g/Ah", "外装（ケース・タブ）の質量"),
}


def _checked(name: str, value: float) -> float:
    low, high, unit, label_ja = _RANGES[name]
    return number_in_range(name, value, low, high, unit, label_ja=label_ja)


def pair_specific_energy_wh_kg(
    cathode_mah_g: float, anode_mah_g: float, voltage_v: float, np_ratio: float = 1.0
) -> float:
    """Specific energy per mass of the two active materials: V / (1/q_p + (N/P)/q_n).

    One ampere-hour needs 1000/q_p grams of positive and (N/P)·1000/q_n grams of negative
    active material, and gives V watt-hours.

    Args:
        cathode_mah_g: Specific capacity q_p of the positive active material [mAh/g], 1 to 5000.
        anode_mah_g: Specific capacity q_n of the negative active material [mAh/g], 1 to 5000.
        voltage_v: Mean cell voltage [V], 0.1 to 6.
        np_ratio: Negative over positive capacity, 1 to 3; 1 (the default) gives the
            theoretical pairing in which neither electrode has capacity to spare.

    Returns:
        Specific energy [Wh/kg] of the active materials.

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.
    """
    grams = 1000.0 / _checked("cathode_mah_g", cathode_mah_g) + _checked(
        "np_ratio", np_ratio
    ) * 1000.0 / _checked("anode_mah_g", anode_mah_g)
    return 1000.0 * _checked("voltage_v", voltage_v) / grams


# The parts of a cell in the order of the chain, with the level each belongs to first.
PARTS = {
    "cathode_active": "正極活物質",
    "anode_active": "負極活物質",
    "cathode_additives": "正極のバインダー・導電助剤",
    "anode_additives": "負極のバインダー・導電助剤",
    "collectors": "集電体（Al 箔・Cu 箔）",
    "separator": "セパレータ",
    "electrolyte": "電解液",
    "case": "外装（ケース・タブ）",
}
_LEVELS = {
    "active": ("cathode_active", "anode_active"),
    "electrodes": ("cathode_additives", "anode_additives"),
    "stack": ("collectors", "separator", "electrolyte"),
    "cell": ("case",),
}


@dataclass(frozen=True)
class EnergyDensity:
    """The energy-density chain of a cell, per ampere-hour of its capacity.

    Attributes:
        voltage_v: Mean cell voltage [V] (the energy of one ampere-hour in Wh).
        masses_g_per_ah: Mass of each part [g/Ah], keys as in :data:`PARTS`.
        active_wh_kg: Energy per mass of the two active materials [Wh/kg].
        electrodes_wh_kg: … of the two electrode coatings (active material, binder and
            conductive additive) [Wh/kg].
        stack_wh_kg: … of the electrode stack (coatings, collectors, separator,
            electrolyte) [Wh/kg].
        cell_wh_kg: … of the whole cell (the stack and its case) [Wh/kg].
    """

    voltage_v: float
    masses_g_per_ah: Mapping[str, float]
    active_wh_kg: float
    electrodes_wh_kg: float
    stack_wh_kg: float
    cell_wh_kg: float

    @property
    def cell_g_per_ah(self) -> float:
        """Mass of the whole cell per ampere-hour [g/Ah]."""
        return sum(self.masses_g_per_ah.values())

    def mass_shares(self) -> dict[str, float]:
        """Share of each part in the mass of the cell (fractions that sum to 1), keys as in
        :data:`PARTS`."""
        total = self.cell_g_per_ah
        return {part: mass / total for part, mass in self.masses_g_per_ah.items()}

    def largest_part(self) -> str:
        """The key of :data:`PARTS` with the largest mass."""
        return max(self.masses_g_per_ah, key=lambda part: self.masses_g_per_ah[part])


def cell_energy_density(
    *,
    cathode_mah_g: float,
    anode_mah_g: float,
    voltage_v: float,
    np_ratio: float,
    cathode_active_fraction: float,
    anode_active_fraction: float,
    collectors_g_per_ah: float,
    separator_g_per_ah: float,
    electrolyte_g_per_ah: float,
    case_g_per_ah: float,
) -> EnergyDensity:
    """Specific energy of a cell's active materials, electrodes, stack and whole cell.

    Per ampere-hour of cell capacity (the positive electrode's):

    - positive active material 1000/q_p and negative 1000·(N/P)/q_n [g/Ah];
    - each coating's binder and conductive additive: active mass × (1/f − 1), with f the
      active material's mass fraction of the dry coating;
    - collectors, separator, electrolyte and case as given [g/Ah];

    and each level's specific energy is 1000 V / (the sum of its parts and the levels
    before it) [Wh/kg]. Only the definitions of specific capacity, N/P ratio, mass
    fraction and energy (charge × mean voltage) are used; no value is assumed.

    Args:
        cathode_mah_g: Practical specific capacity q_p of the positive active material
            [mAh/g], 1 to 5000.
        anode_mah_g: Practical specific capacity q_n of the negative active material
            [mAh/g], 1 to 5000.
        voltage_v: Mean discharge voltage of the cell [V], 0.1 to 6.
        np_ratio: Negative over positive capacity (N/P), 1 to 3.
        cathode_active_fraction: Mass fraction of active material in the dry positive
            coating, 0.05 to 1.
        anode_active_fraction: … in the dry negative coating, 0.05 to 1.
        collectors_g_per_ah: Aluminium and copper foils [g/Ah], 0 to 100.
        separator_g_per_ah: Separator [g/Ah], 0 to 100.
        electrolyte_g_per_ah: Electrolyte [g/Ah], 0 to 100.
        case_g_per_ah: Case, lid and tabs [g/Ah], 0 to 100.

    Returns:
        The chain as an :class:`EnergyDensity`.

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range (the
            message names it, in Japanese and English).
    """
    cathode = 1000.0 / _checked("cathode_mah_g", cathode_mah_g)
    anode = _checked("np_ratio", np_ratio) * 1000.0 / _checked("anode_mah_g", anode_mah_g)
    f_p = _checked("cathode_active_fraction", cathode_active_fraction)
    f_n = _checked("anode_active_fraction", anode_active_fraction)
    masses = {
        "cathode_active": cathode,
        "anode_active": anode,
        "cathode_additives": cathode * (1.0 / f_p - 1.0),
        "anode_additives": anode * (1.0 / f_n - 1.0),
        "collectors": _checked("collectors_g_per_ah", collectors_g_per_ah),
        "separator": _checked("separator_g_per_ah", separator_g_per_ah),
        "electrolyte": _checked("electrolyte_g_per_ah", electrolyte_g_per_ah),
        "case": _checked("case_g_per_ah", case_g_per_ah),
    }
    voltage = _checked("voltage_v", voltage_v)
    specific: dict[str, float] = {}
    grams = 0.0
    for level, parts in _LEVELS.items():
        grams += sum(masses[part] for part in parts)
        specific[level] = 1000.0 * voltage / grams
    return EnergyDensity(
        voltage_v=voltage,
        masses_g_per_ah=masses,
        active_wh_kg=specific["active"],
        electrodes_wh_kg=specific["electrodes"],
        stack_wh_kg=specific["stack"],
        cell_wh_kg=specific["cell"],
    )
