"""Closed-form electrochemistry: redox, Nernst, Faraday, kinetics, thermodynamics, transport.

    from denchi import chem
    chem.cell_voltage("Zn", "Cu").voltage_v                 # Daniell cell: 1.10 V
    chem.cell_voltage("Zn", "Cu", 0.01, 1.0).voltage_v      # dilute Zn2+: higher voltage
    chem.mass_from_charge(9650, electrons=2, molar_mass_g_mol=63.5)  # 3.175 g of copper
    chem.material_capacity_mah_g("LFP")                    # 169.9 mAh/g (see ``materials``)
    chem.cell_energy_density(...).cell_wh_kg               # active → stack → cell [Wh/kg]
    chem.butler_volmer_current_density(0.1, 2.0)           # kinetics: j [A/m2] at η = 0.1 V
    chem.tafel_slope_mv_per_decade(0.5)                    # 118 mV per decade at 25 ℃
    chem.areal_capacity_mah_cm2(23.0, 190, 0.95)           # electrode design [mAh/cm2]
    chem.bruggeman_tortuosity_factor(0.3)                  # tortuosity factor 1.83 (b = 1.5)
    chem.required_conductance_w_k(2.0, 25.0, 60.0)         # cooling hA [W/K] to stay < 60 ℃
    chem.critical_ambient_c(1e16, 1.3e5, 0.1)              # Semenov: runaway above this [℃]

Standard potentials come from the CRC Handbook's electrochemical series (see ``potentials``).
Inputs are checked; a bad one raises ``InputError`` naming it, in Japanese and English.
Importing this package never imports PyBaMM.
"""

from __future__ import annotations

from denchi.chem.constants import FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K
from denchi.chem.design import (
    BRUGGEMAN_EXPONENT,
    areal_capacity_mah_cm2,
    bruggeman_tortuosity_factor,
    bruggeman_transport_efficiency,
    calendered_thickness_um,
    coating_loading_mg_cm2,
    materials_cost_per_kwh,
)
from denchi.chem.faraday import (
    ah_to_c,
    c_to_ah,
    charge_c,
    charge_from_mass,
    mass_from_charge,
    moles_from_charge,
    moles_of_electrons,
    theoretical_capacity_mah_g,
)
from denchi.chem.figures import (
    TYPICAL_WH_PER_KG,
    draw_daniell_cell,
    draw_energy_conversion,
    draw_ionisation_series,
    draw_lithium_ion_cell,
    draw_mass_per_kwh,
    draw_thermal_runaway_loop,
)
from denchi.chem.kinetics import (
    TafelFit,
    butler_volmer_current_density,
    diffusion_time_s,
    gibbs_energy_kj_mol,
    limiting_current_density_a_m2,
    overpotential_from_current_density,
    reaction_entropy_j_mol_k,
    reversible_heat_w,
    tafel_fit,
    tafel_slope_mv_per_decade,
)
from denchi.chem.materials import (
    ACTIVE_MATERIALS,
    ATOMIC_WEIGHTS,
    PARTS,
    ActiveMaterial,
    EnergyDensity,
    cell_energy_density,
    material_capacity_mah_g,
    molar_mass_g_mol,
    pair_specific_energy_wh_kg,
)
from denchi.chem.nernst import CellVoltage, cell_voltage, electrode_potential_v, nernst_slope_v
from denchi.chem.potentials import COUPLES, Couple, couple, ionisation_series
from denchi.chem.thermal_runaway import (
    SEMENOV_CRITICAL_NUMBER,
    arrhenius_heat_w,
    critical_ambient_c,
    lumped_temperature_c,
    required_conductance_w_k,
    semenov_number,
    steady_temperature_c,
    tangency_temperature_c,
)

__all__ = [
    "COUPLES",
    "FARADAY_C_PER_MOL",
    "GAS_CONSTANT_J_PER_MOL_K",
    "TYPICAL_WH_PER_KG",
    "CellVoltage",
    "Couple",
    "TafelFit",
    "ah_to_c",
    "butler_volmer_current_density",
    "c_to_ah",
    "cell_voltage",
    "charge_c",
    "charge_from_mass",
    "couple",
    "diffusion_time_s",
    "draw_daniell_cell",
    "draw_energy_conversion",
    "draw_ionisation_series",
    "draw_lithium_ion_cell",
    "draw_mass_per_kwh",
    "draw_thermal_runaway_loop",
    "electrode_potential_v",
    "gibbs_energy_kj_mol",
    "ionisation_series",
    "limiting_current_density_a_m2",
    "mass_from_charge",
    "moles_from_charge",
    "moles_of_electrons",
    "nernst_slope_v",
    "overpotential_from_current_density",
    "reaction_entropy_j_mol_k",
    "reversible_heat_w",
    "tafel_fit",
    "tafel_slope_mv_per_decade",
    "theoretical_capacity_mah_g",
    # u02
    "ACTIVE_MATERIALS",
    "ATOMIC_WEIGHTS",
    "PARTS",
    "ActiveMaterial",
    "EnergyDensity",
    "cell_energy_density",
    "material_capacity_mah_g",
    "molar_mass_g_mol",
    "pair_specific_energy_wh_kg",
    # u04
    "BRUGGEMAN_EXPONENT",
    "areal_capacity_mah_cm2",
    "bruggeman_tortuosity_factor",
    "bruggeman_transport_efficiency",
    "calendered_thickness_um",
    "coating_loading_mg_cm2",
    "materials_cost_per_kwh",
    # u07
    "SEMENOV_CRITICAL_NUMBER",
    "arrhenius_heat_w",
    "critical_ambient_c",
    "lumped_temperature_c",
    "required_conductance_w_k",
    "semenov_number",
    "steady_temperature_c",
    "tangency_temperature_c",
]
