"""Flow calculators for recycling: what share of batteries reaches each stage of a path.

The seed deck (METI 2023, "国内環境整備：リサイクル①") estimates that of the automotive
batteries made in Japan, about 15 % reach intermediate processing in Japan:
about 50 % are sold in Japan × about 70 % of those are scrapped in Japan × about 40 % of those
go to intermediate processing (0.5 × 0.7 × 0.4 = 0.14; the deck rounds to 約 15 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from denchi.validation import number_in_range


@dataclass(frozen=True)
class Stage:
    """One step of a flow: the fraction (0–1) of what arrives that goes on to the next step."""

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
    """Amount left after each stage, starting from ``start`` (e.g. 100 batteries, or %)."""
    amount = number_in_range("start", start, 0.0, 1e12, "", label_ja="最初の量")
    amounts = []
    for stage in stages:
        amount *= stage.fraction
        amounts.append(amount)
    return amounts


def overall_fraction(stages: tuple[Stage, ...] | list[Stage]) -> float:
    """Fraction (0–1) of the start that reaches the end of the path."""
    return prod(stage.fraction for stage in stages)
