"""Critical materials for cell production: the BASC estimate quoted by METI (2023), scaled.

The seed deck (METI 2023, p.14, "蓄電池産業戦略で示した資源の必要量", estimated by the Battery
Association for Supply Chains, BASC) gives the yearly amount of each material that a
production capacity of 150 GWh/year and 600 GWh/year needs, and how much lithium and nickel
was secured at the time. This module holds those numbers once and scales them.
"""

from __future__ import annotations

from dataclasses import dataclass

from denchi.errors import InputError
from denchi.validation import number_in_range


@dataclass(frozen=True)
class Material:
    """A critical material of cell production, as named in the seed deck (METI 2023, p.14).

    Attributes:
        key: Key of the material in :data:`BASC_DEMAND_KT`, e.g. ``"lithium"``.
        name_ja: Japanese name.
        name_en: English name.
    """

    key: str
    name_ja: str
    name_en: str


MATERIALS: tuple[Material, ...] = (
    Material("lithium", "リチウム", "lithium"),
    Material("nickel", "ニッケル", "nickel"),
    Material("cobalt", "コバルト", "cobalt"),
    Material("graphite", "黒鉛", "graphite"),
    Material("manganese", "マンガン", "manganese"),
)

# kt per year for a production capacity of <key> GWh per year (seed p.14; 1 万 t = 10 kt)
BASC_DEMAND_KT: dict[int, dict[str, float]] = {
    150: {"lithium": 100, "nickel": 90, "cobalt": 20, "graphite": 150, "manganese": 20},
    600: {"lithium": 380, "nickel": 310, "cobalt": 60, "graphite": 600, "manganese": 50},
}
# secured at the time of the deck (seed p.14: リチウム 3.5 万 t、ニッケル 2.5 万 t)
SECURED_KT: dict[str, float] = {"lithium": 35, "nickel": 25}
CAPACITY_RANGE_GWH = (0.0, 10_000.0)


def _basis(basis_gwh: int) -> dict[str, float]:
    if basis_gwh not in BASC_DEMAND_KT:
        raise InputError(
            "basis_gwh",
            f"元にする試算は {' か '.join(map(str, BASC_DEMAND_KT))} GWh から選んでください"
            f"（指定値: {basis_gwh!r}）。",
            f"basis_gwh must be one of {sorted(BASC_DEMAND_KT)} (got {basis_gwh!r}).",
        )
    return BASC_DEMAND_KT[basis_gwh]


def intensity_kt_per_gwh(basis_gwh: int = 150) -> dict[str, float]:
    """Amount of each material per GWh of yearly production, from one BASC scenario.

    Args:
        basis_gwh: The scenario to scale from [GWh/year]: 150 or 600.

    Returns:
        Material key -> intensity [kt per GWh of yearly production capacity].

    Raises:
        denchi.errors.InputError: If ``basis_gwh`` is not 150 or 600.

    References:
        BASC estimate in the seed deck, METI 2023, p.14 (``meti2023strategy``).
    """
    return {key: kt / basis_gwh for key, kt in _basis(basis_gwh).items()}


def material_demand_kt(capacity_gwh: float, basis_gwh: int = 150) -> dict[str, float]:
    """Yearly amount of each material for a production capacity.

    Scales the intensity of the ``basis_gwh`` scenario linearly; the two BASC scenarios differ
    a little per GWh (cell chemistries and recycling change), so the result is an estimate.

    Args:
        capacity_gwh: Yearly production capacity [GWh/year], 0 to 10,000.
        basis_gwh: The scenario to scale from [GWh/year]: 150 (default) or 600.

    Returns:
        Material key -> demand [kt/year].

    Raises:
        denchi.errors.InputError: If ``capacity_gwh`` is out of range or not a number,
            or ``basis_gwh`` is not 150 or 600.

    References:
        BASC estimate in the seed deck, METI 2023, p.14 (``meti2023strategy``).
    """
    capacity = number_in_range(
        "capacity_gwh", capacity_gwh, *CAPACITY_RANGE_GWH, "GWh", label_ja="生産能力"
    )
    return {key: capacity * kt for key, kt in intensity_kt_per_gwh(basis_gwh).items()}


def secured_share() -> dict[str, float]:
    """Share of the 150 GWh/year need that was secured at the time, for lithium and nickel.

    Returns:
        Material key (``"lithium"``, ``"nickel"``) -> share, 0 to 1 (lithium 0.35,
        nickel about 0.28).

    References:
        Seed deck, METI 2023, p.14 (``meti2023strategy``).
    """
    need = BASC_DEMAND_KT[150]
    return {key: kt / need[key] for key, kt in SECURED_KT.items()}
