"""Flow calculators for recycling: what share of batteries reaches each stage of a path.

The seed deck (METI 2023, "国内環境整備：リサイクル①") estimates that of the automotive
batteries made in Japan, about 15 % reach intermediate processing in Japan:
about 50 % are sold in Japan × about 70 % of those are scrapped in Japan × about 40 % of those
go to intermediate processing (0.5 × 0.7 × 0.4 = 0.14; the deck rounds to 約 15 %).

The recycled-content check (:func:`recycled_content_check`) compares a battery's recycled
metal with the minimums of Regulation (EU) 2023/1542 that apply from 18 August 2031, as the
EUR-Lex summary of the regulation gives them (``eurlex2023batterysummary``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import prod

from denchi.errors import InputError
from denchi.validation import number_in_range

# Minimum recycled share of each metal from 18 August 2031, Regulation (EU) 2023/1542
# (EUR-Lex summary, read 2026-12-01)
EU_RECYCLED_CONTENT_MIN_2031: dict[str, float] = {
    "cobalt": 0.16,
    "lead": 0.85,
    "lithium": 0.06,
    "nickel": 0.06,
}


@dataclass(frozen=True)
class Stage:
    """One step of a flow: the fraction (0–1) of what arrives that goes on to the next step.

    Attributes:
        name_ja: Japanese name of the step.
        name_en: English name of the step.
        fraction: Share of what arrives that goes on, 0 to 1.

    Raises:
        denchi.errors.InputError: If ``fraction`` is not a number from 0 to 1 (checked when
            the stage is made).
    """

    name_ja: str
    name_en: str
    fraction: float

    def __post_init__(self) -> None:
        number_in_range("fraction", self.fraction, 0.0, 1.0, "", label_ja=f"{self.name_ja}の割合")


SEED_AUTOMOTIVE_PATH: tuple[Stage, ...] = (
    Stage("国内で販売", "sold in Japan", 0.5),
    Stage("国内で廃車", "scrapped in Japan", 0.7),
    Stage("国内で中間処理", "intermediate processing in Japan", 0.4),
)


def flow(stages: tuple[Stage, ...] | list[Stage], start: float = 100.0) -> list[float]:
    """Amount left after each stage of a path.

    Args:
        stages: The stages in order (each fraction already checked by :class:`Stage`).
        start: What enters the first stage, 0 to 1e12, in any unit (e.g. 100 batteries,
            or 100 %); the results are in the same unit.

    Returns:
        One amount per stage (same length as ``stages``), in the unit of ``start``.

    Raises:
        denchi.errors.InputError: If ``start`` is out of range or not a number.
    """
    amount = number_in_range("start", start, 0.0, 1e12, "", label_ja="最初の量")
    amounts = []
    for stage in stages:
        amount *= stage.fraction
        amounts.append(amount)
    return amounts


def overall_fraction(stages: tuple[Stage, ...] | list[Stage]) -> float:
    """Fraction of the start that reaches the end of the path: the product of the fractions.

    Args:
        stages: The stages in order; :data:`SEED_AUTOMOTIVE_PATH` gives 0.5 × 0.7 × 0.4 = 0.14,
            the seed deck's "about 15 %" (METI 2023, ``meti2023strategy``).

    Returns:
        Fraction, 0 to 1 (1 for no stages).
    """
    return prod(stage.fraction for stage in stages)


@dataclass(frozen=True)
class RecycledContent:
    """One metal's recycled share against its minimum (:func:`recycled_content_check`).

    Attributes:
        metal: Key of :data:`EU_RECYCLED_CONTENT_MIN_2031` (``"cobalt"`` …).
        share: Recycled share of the metal, 0 to 1.
        minimum: The minimum share from 18 August 2031, 0 to 1.
    """

    metal: str
    share: float
    minimum: float

    @property
    def complies(self) -> bool:
        """Whether the share reaches the minimum (exactly the minimum complies)."""
        return self.share >= self.minimum


def recycled_content_check(
    recycled_kg: Mapping[str, float], total_kg: Mapping[str, float]
) -> dict[str, RecycledContent]:
    """Recycled share of each metal against the EU minimums that apply from 18 August 2031.

    For each metal in ``total_kg``: ``share = recycled_kg[metal] / total_kg[metal]`` (0 if
    the metal is missing from ``recycled_kg``), compared with
    :data:`EU_RECYCLED_CONTENT_MIN_2031`. Article 8 counts cobalt, lithium and nickel in the
    active materials and lead in the whole battery (read in a secondary source that quotes
    Art. 8(2), the documentation of the dpp-rules crate on docs.rs); give the masses on that
    basis.

    Args:
        recycled_kg: Metal -> mass recovered from waste [kg], 0 to the metal's total.
        total_kg: Metal -> the metal's whole mass [kg], above 0 to 1e9; its keys are the
            metals checked, each a key of :data:`EU_RECYCLED_CONTENT_MIN_2031`.

    Returns:
        Metal -> :class:`RecycledContent`, in the order of ``total_kg``.

    Raises:
        denchi.errors.InputError: If a metal has no minimum (copper, manganese …), a total is
            not above 0, a recycled mass is negative or above its total, or ``recycled_kg``
            names a metal that ``total_kg`` lacks.

    References:
        Regulation (EU) 2023/1542, Article 8, as summarised on EUR-Lex
        (``eurlex2023batterysummary``).
    """
    metals = ", ".join(EU_RECYCLED_CONTENT_MIN_2031)
    for name, given in (("total_kg", total_kg), ("recycled_kg", recycled_kg)):
        if not isinstance(given, Mapping):
            raise InputError(
                name,
                f"{name} は、金属の名前から質量 [kg] への辞書で指定してください"
                f"（例: {{'cobalt': 1.2}}）。",
                f"{name} must be a dict from metal names to masses [kg], e.g. {{'cobalt': 1.2}}.",
            )
    for metal in total_kg:
        if metal not in EU_RECYCLED_CONTENT_MIN_2031:
            raise InputError(
                "total_kg",
                f"{metal!r:.40} には欧州バッテリー規則の再生材の最低割合がありません。"
                f"{metals} から選んでください。",
                f"{metal!r:.40} has no recycled-content minimum in the EU regulation; "
                f"use {metals}.",
            )
    for metal in recycled_kg:
        if metal not in total_kg:
            raise InputError(
                "recycled_kg",
                f"recycled_kg の {metal!r:.40} が total_kg にありません。"
                "同じ金属の全体の質量も入れてください。",
                f"recycled_kg names {metal!r:.40}, which total_kg lacks; "
                "give that metal's whole mass too.",
            )
    result = {}
    for metal, total_value in total_kg.items():
        total = number_in_range(
            "total_kg",
            total_value,
            0.0,
            1e9,
            "kg",
            label_ja=f"{metal} の全体の質量",
            above_low=True,
        )
        recycled = number_in_range(
            "recycled_kg",
            recycled_kg.get(metal, 0.0),
            0.0,
            1e9,
            "kg",
            label_ja=f"{metal} の再生材の質量",
        )
        if recycled > total:
            raise InputError(
                "recycled_kg",
                f"{metal} の再生材の質量 ({recycled:g} kg) が"
                f"全体の質量 ({total:g} kg) を超えています。",
                f"The recycled {metal} ({recycled:g} kg) exceeds the whole {metal} ({total:g} kg).",
            )
        result[metal] = RecycledContent(
            metal, recycled / total, EU_RECYCLED_CONTENT_MIN_2031[metal]
        )
    return result
