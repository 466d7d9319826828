"""The manufacturing line of lithium-ion cells: steps, takt, yield, energy and CO2.

    from denchi import factory
    factory.steps()                                  # the twelve steps, mixing to inspection
    factory.step("drying").defects_ja                # what can go wrong in drying
    factory.production_energy(60).total_kwh          # factory energy for 60 kWh of cells
    factory.production_energy(60, process="dry")     # with solvent-free electrodes
    factory.cells_to_start(1000, scrap_rate=0.1)     # 1112 cells for 1000 good ones
    line = factory.line_performance([factory.Station("積層", cycle_time_s=2, availability=0.9),
                                     factory.Station("化成", cycle_time_s=72_000, machines=40_000)])
    line.bottleneck.name, line.good_cells_per_day, line.oee   # u05's line model
    factory.xbar_r_chart(samples).xbar.upper         # X̄–R control limits (u06)
    factory.process_capability(5.0, 0.01, 4.95, 5.1).cpk   # Cp and Cpk (u06)

Every number comes from a cited source (see the docstrings of ``energy`` and ``line``);
inputs are checked and a bad one raises ``InputError`` in Japanese and English. Importing
this package does not import PyBaMM.
"""

from __future__ import annotations

from denchi.factory.energy import (
    BRYNTESEN_2021_DRYING_SHARE,
    BRYNTESEN_2021_ELECTRODE_PART_OF_DRYING,
    DEGEN_2023_KWH_PER_KWH,
    DEGEN_SCHUTTE_2022_GAS_KWH_PER_KWH,
    DEGEN_SCHUTTE_2022_KWH_PER_KWH,
    NATURAL_GAS_KG_CO2_PER_KWH,
    EnergyUse,
    dry_electrode_saving_share,
    gas_share,
    production_energy,
)
from denchi.factory.figures import (
    draw_overall_yield,
    draw_practicum_steps,
    draw_pressing,
    draw_production_energy,
)
from denchi.factory.line import (
    AGING_DAYS_UP_TO,
    FFB_SCRAP_AFTER_FIVE_YEARS,
    FFB_SCRAP_EARLY,
    FORMATION_AGING_COST_SHARE,
    cells_for_energy,
    cells_in_aging,
    cells_to_start,
    overall_yield,
    takt_time_s,
)

# u05: the line model (stations, bottleneck, OEE)
from denchi.factory.line_model import LinePerformance, Station, line_performance, oee
from denchi.factory.process_map import (
    draw_process_map,
    process_map_markdown,
    step_table_markdown,
)

# u06: statistical process control
from denchi.factory.quality import (
    Capability,
    ControlLimits,
    RunRuleViolation,
    XbarRChart,
    capability_from_chart,
    process_capability,
    run_rule_violations,
    scaled_spread,
    xbar_r_chart,
    xbar_r_limits,
)
from denchi.factory.quality_figures import draw_capability, draw_xbar_r_chart
from denchi.factory.steps import Area, Step, area, areas, step, steps

__all__ = [
    "AGING_DAYS_UP_TO",
    "BRYNTESEN_2021_DRYING_SHARE",
    "BRYNTESEN_2021_ELECTRODE_PART_OF_DRYING",
    "DEGEN_2023_KWH_PER_KWH",
    "DEGEN_SCHUTTE_2022_GAS_KWH_PER_KWH",
    "DEGEN_SCHUTTE_2022_KWH_PER_KWH",
    "FFB_SCRAP_AFTER_FIVE_YEARS",
    "FFB_SCRAP_EARLY",
    "FORMATION_AGING_COST_SHARE",
    "NATURAL_GAS_KG_CO2_PER_KWH",
    "Area",
    "EnergyUse",
    "Step",
    "area",
    "areas",
    "cells_for_energy",
    "cells_in_aging",
    "cells_to_start",
    "draw_overall_yield",
    "draw_practicum_steps",
    "draw_pressing",
    "draw_process_map",
    "draw_production_energy",
    "dry_electrode_saving_share",
    "gas_share",
    "overall_yield",
    "process_map_markdown",
    "production_energy",
    "step",
    "step_table_markdown",
    "steps",
    "takt_time_s",
    # u06: statistical process control
    "Capability",
    "ControlLimits",
    "RunRuleViolation",
    "XbarRChart",
    "capability_from_chart",
    "process_capability",
    "run_rule_violations",
    "scaled_spread",
    "xbar_r_chart",
    "xbar_r_limits",
    "draw_capability",
    "draw_xbar_r_chart",
    # u05: the line model
    "LinePerformance",
    "Station",
    "line_performance",
    "oee",
]
