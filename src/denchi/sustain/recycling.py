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
