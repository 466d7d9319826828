"""Sustainability and energy sums for the intro track: materials, recycling, CFP, solar storage.

    from denchi import sustain
    sustain.material_demand_kt(150)["lithium"]                 # 100 kt (BASC, METI 2023)
    sustain.overall_fraction(sustain.SEED_AUTOMOTIVE_PATH)     # 0.14, "about 15 %"
    sustain.footprint_range_kg(50)                             # (2050, 4450) kg CO2e
    sustain.size_storage(panel_kw=10, evening_kw=2, evening_hours=3).cells
    sustain.cfp_by_stage({"production": 25}, {"materials": 40}, grid_kg_per_kwh=0.4).total_kg
    sustain.recycled_content_check({"cobalt": 0.9}, {"cobalt": 5.0})["cobalt"].complies

Each module names its sources; inputs are checked and a bad one raises ``InputError``
(Japanese and English). Importing this package never imports PyBaMM.
"""

from __future__ import annotations

from denchi.sustain.figures import (
    draw_cfp_by_stage,
    draw_recycling_flow,
    draw_secured_resources,
    draw_solar_day,
    material_demand_markdown,
)
from denchi.sustain.footprint import (
    CFP_STAGE_NAMES_JA,
    CFP_STAGES,
    LIFE_CYCLE_STAGES_EN,
    LIFE_CYCLE_STAGES_JA,
    METI_TRIAL_UPSTREAM_SHARE,
    XU2022_CATHODE_SHARE,
    XU2022_CELL_KG_PER_KWH,
    StageFootprint,
    cfp_by_stage,
    footprint_kg,
    footprint_range_kg,
    material_emissions_kg,
    share_kg,
)
from denchi.sustain.materials import (
    BASC_DEMAND_KT,
    MATERIALS,
    SECURED_KT,
    intensity_kt_per_gwh,
    material_demand_kt,
    secured_share,
)
from denchi.sustain.recycling import (
    EU_RECYCLED_CONTENT_MIN_2031,
    SEED_AUTOMOTIVE_PATH,
    RecycledContent,
    Stage,
    flow,
    overall_fraction,
    recycled_content_check,
)
from denchi.sustain.solar import (
    KWH_PER_KW_DAY,
    M50_CAPACITY_AH,
    M50_VOLTAGE_V,
    StorageSizing,
    battery_kwh,
    cells_needed,
    daily_pv_kwh,
    size_storage,
)

__all__ = [
    "BASC_DEMAND_KT",
    "KWH_PER_KW_DAY",
    "LIFE_CYCLE_STAGES_EN",
    "LIFE_CYCLE_STAGES_JA",
    "M50_CAPACITY_AH",
    "M50_VOLTAGE_V",
    "MATERIALS",
    "SECURED_KT",
    "SEED_AUTOMOTIVE_PATH",
    "XU2022_CATHODE_SHARE",
    "XU2022_CELL_KG_PER_KWH",
    "Stage",
    "StorageSizing",
    "battery_kwh",
    "cells_needed",
    "daily_pv_kwh",
    "draw_recycling_flow",
    "draw_secured_resources",
    "draw_solar_day",
    "flow",
    "footprint_kg",
    "footprint_range_kg",
    "intensity_kt_per_gwh",
    "material_demand_kt",
    "material_demand_markdown",
    "overall_fraction",
    "secured_share",
    "share_kg",
    "size_storage",
    "CFP_STAGES",
    "CFP_STAGE_NAMES_JA",
    "METI_TRIAL_UPSTREAM_SHARE",
    "StageFootprint",
    "cfp_by_stage",
    "material_emissions_kg",
    "EU_RECYCLED_CONTENT_MIN_2031",
    "RecycledContent",
    "recycled_content_check",
    "draw_cfp_by_stage",
]
