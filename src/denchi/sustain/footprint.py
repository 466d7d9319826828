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
