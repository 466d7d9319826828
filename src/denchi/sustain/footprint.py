"""Carbon footprint (CFP) basics: kg CO2e of a battery from its size and a per-kWh intensity.

Reference range: cells produced in 2020 emit about 41–89 kg CO2e per kWh of capacity, and the
cathode's share is 33–70 % across the 2020–2050 scenarios (Xu et al., Resources, Conservation &
Recycling 187 (2022) 106606). A CFP adds up the emissions of the stages of a product's life
cycle; which stages a method counts (METI's draft method for automotive batteries, ver. 1.0,
2023, or the EU Battery Regulation) is for the method to say, and the pages cite it where they
use it.
"""

from __future__ import annotations

from denchi.validation import number_in_range

XU2022_CELL_KG_PER_KWH = (41.0, 89.0)
XU2022_CATHODE_SHARE = (0.33, 0.70)
LIFE_CYCLE_STAGES_JA = ("原材料の調達", "製造", "流通", "使用", "廃棄・リサイクル")
LIFE_CYCLE_STAGES_EN = ("raw materials", "production", "distribution", "use", "end of life")


def footprint_kg(capacity_kwh: float, kg_per_kwh: float) -> float:
    """kg CO2e of a battery of ``capacity_kwh`` made at ``kg_per_kwh``."""
    capacity = number_in_range("capacity_kwh", capacity_kwh, 0.0, 1e6, "kWh", label_ja="容量")
    intensity = number_in_range(
        "kg_per_kwh", kg_per_kwh, 0.0, 1000.0, "kg-CO2e/kWh", label_ja="1 kWh あたりの排出量"
    )
    return capacity * intensity


def footprint_range_kg(capacity_kwh: float) -> tuple[float, float]:
    """Low and high kg CO2e for ``capacity_kwh`` over the Xu et al. (2022) range."""
    low, high = XU2022_CELL_KG_PER_KWH
    return footprint_kg(capacity_kwh, low), footprint_kg(capacity_kwh, high)


def share_kg(total_kg: float, share: float) -> float:
    """The part of ``total_kg`` that a component with ``share`` (0–1) accounts for."""
    return total_kg * number_in_range("share", share, 0.0, 1.0, "", label_ja="割合")
