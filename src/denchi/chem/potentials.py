"""Standard electrode potentials of metal/metal-ion couples, and the ionisation tendency.

Values at 25 ℃ against the standard hydrogen electrode, from the electrochemical series of the
CRC Handbook of Chemistry and Physics (P. Vanýsek, "Electrochemical Series", CRC Handbook of
Chemistry and Physics, 97th ed., 2016). Every couple here is M^n+ + n e- -> M, except the
hydrogen electrode 2 H+ + 2 e- -> H2.
"""

from __future__ import annotations

from dataclasses import dataclass

from denchi.errors import InputError


@dataclass(frozen=True)
class Couple:
    """One half reaction ``ion + n e- -> element`` and its standard potential.

    Attributes:
        key: Element symbol, e.g. ``"Zn"``.
        name_ja: Japanese name of the element.
        ion: The ion, e.g. ``"Zn2+"``.
        electrons: Electrons n in the half reaction.
        standard_potential_v: Standard electrode potential E° at 25 ℃ [V vs SHE], from
            Vanýsek, CRC Handbook of Chemistry and Physics, 97th ed. (2016) (``vanysek2016``).
    """

    key: str  # the element symbol, e.g. "Zn"
    name_ja: str
    ion: str  # e.g. "Zn2+"
    electrons: int
    standard_potential_v: float

    @property
    def half_reaction(self) -> str:
        """The half reaction as text, e.g. ``"Zn2+ + 2 e- -> Zn"``."""
        product = "H2" if self.key == "H" else self.key
        ions = "2 H+" if self.key == "H" else self.ion
        return f"{ions} + {self.electrons} e- -> {product}"


# Ordered as in the CRC table; ionisation_series() sorts them.
COUPLES: tuple[Couple, ...] = (
    Couple("Li", "リチウム", "Li+", 1, -3.0401),
    Couple("K", "カリウム", "K+", 1, -2.931),
    Couple("Ca", "カルシウム", "Ca2+", 2, -2.868),
    Couple("Na", "ナトリウム", "Na+", 1, -2.71),
    Couple("Mg", "マグネシウム", "Mg2+", 2, -2.372),
    Couple("Al", "アルミニウム", "Al3+", 3, -1.662),
    Couple("Zn", "亜鉛", "Zn2+", 2, -0.7618),
    Couple("Fe", "鉄", "Fe2+", 2, -0.447),
    Couple("Ni", "ニッケル", "Ni2+", 2, -0.257),
    Couple("Sn", "スズ", "Sn2+", 2, -0.1375),
    Couple("Pb", "鉛", "Pb2+", 2, -0.1262),
    Couple("H", "水素", "H+", 2, 0.0),
    Couple("Cu", "銅", "Cu2+", 2, 0.3419),
    Couple("Ag", "銀", "Ag+", 1, 0.7996),
    Couple("Pt", "白金", "Pt2+", 2, 1.18),
    Couple("Au", "金", "Au3+", 3, 1.498),
)
_BY_KEY = {c.key.lower(): c for c in COUPLES}


def couple(key: str) -> Couple:
    """The couple of an element symbol such as ``"Zn"`` (case does not matter).

    Args:
        key: Element symbol of a couple in :data:`COUPLES`; spaces around it are ignored.

    Returns:
        The couple, with its standard potential (source: ``vanysek2016``).

    Raises:
        denchi.errors.InputError: If no couple has that symbol (parameter ``"metal"``; the
            message lists the symbols that exist).
    """
    found = _BY_KEY.get(str(key).strip().lower())
    if found is None:
        known = "、".join(c.key for c in COUPLES)
        raise InputError(
            "metal",
            f"{key!r} の標準電極電位は表にありません。次の元素記号から選んでください: {known}",
            f"No standard potential for {key!r}. Choose one of these symbols: "
            f"{', '.join(c.key for c in COUPLES)}",
        )
    return found


def ionisation_series() -> list[Couple]:
    """Couples from the largest ionisation tendency (most negative potential) to the smallest.

    Returns:
        Every couple of :data:`COUPLES`, sorted by standard potential [V vs SHE], lowest
        first (source: ``vanysek2016``).
    """
    return sorted(COUPLES, key=lambda c: c.standard_potential_v)
