"""Carbon footprint (CFP) of a battery: per-kWh basics (h08) and a stage-by-stage calculator (u08).

Reference range: cells produced in 2020 emit about 41–89 kg CO2e per kWh of capacity, and the
cathode's share is 33–70 % across the 2020–2050 scenarios (Xu et al., Resources, Conservation &
Recycling 187 (2022) 106606). A CFP adds up the emissions of the stages of a product's life
cycle; which stages a method counts (METI's draft method for automotive batteries, ver. 1.0,
2023, or the EU Battery Regulation) is for the method to say, and the pages cite it where they
use it.

The stage-by-stage calculator (:func:`cfp_by_stage`) follows the stages of METI's draft method
for automotive batteries, ver. 1.0 (April 2023), as 日刊自動車新聞 reported it
(``nikkanjidosha2023cfp``): raw-material acquisition, production, distribution and end of life;
the use stage is left out (METI could not yet establish how to count the charge-discharge
losses). In METI's trial, acquisition and production were 75 % of the total
(:data:`METI_TRIAL_UPSTREAM_SHARE`). Each stage adds its grid electricity (kWh × the grid's
emission factor, an input) and its other emissions (materials bought in, fuels, transport).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from denchi.errors import InputError
from denchi.validation import number_in_range

XU2022_CELL_KG_PER_KWH = (41.0, 89.0)
XU2022_CATHODE_SHARE = (0.33, 0.70)
# A general outline of a product's life cycle (source: not recorded); METI's draft method for
# automotive batteries counts all but the use stage (docs/CURRICULUM.md).
LIFE_CYCLE_STAGES_JA = ("原材料の調達", "製造", "流通", "使用", "廃棄・リサイクル")
LIFE_CYCLE_STAGES_EN = ("raw materials", "production", "distribution", "use", "end of life")


def footprint_kg(capacity_kwh: float, kg_per_kwh: float) -> float:
    """Carbon footprint of making a battery: capacity × emission intensity.

    Args:
        capacity_kwh: Battery capacity [kWh], 0 to 1e6.
        kg_per_kwh: Emissions per kWh of capacity [kg CO2e/kWh], 0 to 1000 (Xu et al. 2022
            give 41–89 for cells made in 2020: :data:`XU2022_CELL_KG_PER_KWH`).

    Returns:
        Footprint [kg CO2e].

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.
    """
    capacity = number_in_range("capacity_kwh", capacity_kwh, 0.0, 1e6, "kWh", label_ja="容量")
    intensity = number_in_range(
        "kg_per_kwh", kg_per_kwh, 0.0, 1000.0, "kg-CO2e/kWh", label_ja="1 kWh あたりの排出量"
    )
    return capacity * intensity


def footprint_range_kg(capacity_kwh: float) -> tuple[float, float]:
    """Low and high footprint of a battery over the Xu et al. (2022) range of 41–89 kg CO2e/kWh.

    Args:
        capacity_kwh: Battery capacity [kWh], 0 to 1e6.

    Returns:
        ``(low, high)`` footprint [kg CO2e].

    Raises:
        denchi.errors.InputError: If ``capacity_kwh`` is out of range or not a number.

    References:
        Xu et al., Resources, Conservation and Recycling 187 (2022) 106606 (``xu2022``).
    """
    low, high = XU2022_CELL_KG_PER_KWH
    return footprint_kg(capacity_kwh, low), footprint_kg(capacity_kwh, high)


def share_kg(total_kg: float, share: float) -> float:
    """The part of a footprint that one component accounts for: total × share.

    Args:
        total_kg: Whole footprint [kg CO2e] (not checked; any number is scaled).
        share: The component's share, 0 to 1 (e.g. the cathode's 0.33–0.70 in Xu et al.
            2022: :data:`XU2022_CATHODE_SHARE`).

    Returns:
        The component's part [kg CO2e], in the unit of ``total_kg``.

    Raises:
        denchi.errors.InputError: If ``share`` is not a number from 0 to 1.
    """
    return total_kg * number_in_range("share", share, 0.0, 1.0, "", label_ja="割合")


# The stages of METI's draft CFP method for automotive batteries, ver. 1.0 (use stage excluded)
CFP_STAGES: tuple[str, ...] = ("materials", "production", "distribution", "end_of_life")
CFP_STAGE_NAMES_JA: dict[str, str] = {
    "materials": "原材料の調達",
    "production": "製造",
    "distribution": "流通",
    "end_of_life": "使用後（廃棄・リサイクル）",
}
# acquisition + production in METI's trial (日刊自動車新聞, nikkanjidosha2023cfp)
METI_TRIAL_UPSTREAM_SHARE = 0.75
GRID_RANGE_KG_PER_KWH = (0.0, 2.0)  # as denchi.factory's EnergyUse.co2_kg accepts
_STAGE_AMOUNT_MAX = 1e9  # kWh or kg CO2e of one stage


def _grid_factor(grid_kg_per_kwh: float) -> float:
    return number_in_range(
        "grid_kg_per_kwh",
        grid_kg_per_kwh,
        *GRID_RANGE_KG_PER_KWH,
        "kg-CO2/kWh",
        label_ja="電気 1 kWh あたりの CO2 排出量（排出係数）",
    )


def _by_stage(name: str, values: Mapping[str, float], unit: str, label_ja: str) -> dict[str, float]:
    """``values`` checked and completed: every stage of :data:`CFP_STAGES` in order, 0 if absent."""
    if not isinstance(values, Mapping):
        raise InputError(
            name,
            f"{name} は、段階の名前から値への辞書で指定してください"
            f"（例: {{'production': 25.0}}）。",
            f"{name} must be a dict from stage names to values, e.g. {{'production': 25.0}}.",
        )
    for key in values:
        if key == "use":
            raise InputError(
                name,
                f"{name} に使用段階（'use'）は入れられません。"
                "経済産業省の算定方法（案）ver.1.0 は、充放電のロスを数える方法が"
                "定まっていないため、使用段階を算定の対象から外しています。",
                f"{name} cannot hold the use stage ('use'): METI's draft method, ver. 1.0, "
                "leaves it out because the charge-discharge losses cannot be counted yet.",
            )
        if key not in CFP_STAGES:
            raise InputError(
                name,
                f"{name} の段階の名前 {key!r:.40} は使えません。"
                f"{', '.join(CFP_STAGES)} のどれかを使ってください。",
                f"{name} has an unknown stage {key!r:.40}; use one of {', '.join(CFP_STAGES)}.",
            )
    return {
        stage: number_in_range(
            name,
            values.get(stage, 0.0),
            0.0,
            _STAGE_AMOUNT_MAX,
            unit,
            label_ja=f"{label_ja}（{stage}）",
        )
        for stage in CFP_STAGES
    }


@dataclass(frozen=True)
class StageFootprint:
    """A battery's carbon footprint stage by stage (:func:`cfp_by_stage`).

    Attributes:
        stages_kg: Stage key -> CFP of the stage [kg CO2e], in the order of :data:`CFP_STAGES`.
        electricity_kg: The part of the total that comes from grid electricity [kg CO2e].
    """

    stages_kg: dict[str, float]
    electricity_kg: float

    @property
    def total_kg(self) -> float:
        """CFP of all stages [kg CO2e]."""
        return sum(self.stages_kg.values())

    @property
    def upstream_share(self) -> float:
        """Share of raw-material acquisition and production in the total, 0 to 1 (0.75 in
        METI's trial, :data:`METI_TRIAL_UPSTREAM_SHARE`); NaN for a total of 0."""
        upstream = self.stages_kg["materials"] + self.stages_kg["production"]
        return upstream / self.total_kg if self.total_kg else float("nan")

    def shares(self) -> dict[str, float]:
        """Stage key -> the stage's share of the total, 0 to 1 (NaN for a total of 0)."""
        total = self.total_kg
        return {k: (v / total if total else float("nan")) for k, v in self.stages_kg.items()}

    def per_kwh(self, capacity_kwh: float) -> float:
        """CFP per kWh of the battery's capacity [kg CO2e/kWh].

        Args:
            capacity_kwh: The battery's capacity [kWh], above 0 to 1e6 (a cell of 50 Ah at
                3.7 V holds 0.185 kWh).

        Raises:
            denchi.errors.InputError: If ``capacity_kwh`` is not a number above 0 to 1e6.
        """
        capacity = number_in_range(
            "capacity_kwh", capacity_kwh, 0.0, 1e6, "kWh", label_ja="容量", above_low=True
        )
        return self.total_kg / capacity


def cfp_by_stage(
    electricity_kwh: Mapping[str, float],
    other_kg: Mapping[str, float],
    grid_kg_per_kwh: float,
) -> StageFootprint:
    """Carbon footprint of each life-cycle stage: electricity × grid factor + other emissions.

    For each stage *s* of :data:`CFP_STAGES`,
    ``CFP_s = electricity_kwh[s] × grid_kg_per_kwh + other_kg[s]``. One grid factor is used for
    every stage (a simplification: a real study uses the grid of each site).

    Args:
        electricity_kwh: Stage key -> grid electricity used in the stage [kWh], each 0 to 1e9;
            a stage left out counts as 0.
        other_kg: Stage key -> the stage's other emissions [kg CO2e] (materials bought in,
            fuels, transport), each 0 to 1e9; a stage left out counts as 0.
        grid_kg_per_kwh: Emission factor of the electricity [kg CO2/kWh], 0 to 2.

    Returns:
        The :class:`StageFootprint` (``stages_kg``, ``total_kg``, ``shares()``,
        ``per_kwh(capacity_kwh)``).

    Raises:
        denchi.errors.InputError: If a mapping is not a dict, names the use stage (left out by
            METI's method) or an unknown stage, or a value or ``grid_kg_per_kwh`` is out of
            range or not a number.

    References:
        METI's draft CFP method for automotive batteries, ver. 1.0 (2023), stages as reported by
        日刊自動車新聞 (``nikkanjidosha2023cfp``).
    """
    electricity = _by_stage("electricity_kwh", electricity_kwh, "kWh", "段階ごとの電力量")
    other = _by_stage("other_kg", other_kg, "kg-CO2e", "段階ごとのその他の排出量")
    grid = _grid_factor(grid_kg_per_kwh)
    stages = {s: electricity[s] * grid + other[s] for s in CFP_STAGES}
    return StageFootprint(stages_kg=stages, electricity_kg=sum(electricity.values()) * grid)


def material_emissions_kg(
    mass_kg: float,
    virgin_kg_per_kg: float,
    recycled_kg_per_kg: float,
    recycled_share: float = 0.0,
) -> float:
    """Emissions of a material bought in, part virgin and part recycled.

    ``mass × ((1 − r) × virgin + r × recycled)``: the recycled part carries the (usually
    smaller) emission factor of recycled material.

    Args:
        mass_kg: Mass of the material [kg], 0 to 1e9.
        virgin_kg_per_kg: Emission factor of virgin material [kg CO2e/kg], 0 to 1000.
        recycled_kg_per_kg: Emission factor of recycled material [kg CO2e/kg], 0 to 1000.
        recycled_share: Recycled share of the mass, 0 to 1.

    Returns:
        Emissions [kg CO2e].

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.
    """
    mass = number_in_range("mass_kg", mass_kg, 0.0, 1e9, "kg", label_ja="材料の質量")
    virgin = number_in_range(
        "virgin_kg_per_kg",
        virgin_kg_per_kg,
        0.0,
        1000.0,
        "kg-CO2e/kg",
        label_ja="新しい材料の排出係数",
    )
    recycled = number_in_range(
        "recycled_kg_per_kg",
        recycled_kg_per_kg,
        0.0,
        1000.0,
        "kg-CO2e/kg",
        label_ja="再生材の排出係数",
    )
    share = number_in_range("recycled_share", recycled_share, 0.0, 1.0, "", label_ja="再生材の割合")
    return mass * ((1 - share) * virgin + share * recycled)
