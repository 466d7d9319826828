"""Physical constants of the 2019 SI (exact by definition), used by every chem helper.

Source: CODATA 2018 recommended values, Tiesinga et al., Rev. Mod. Phys. 93, 025010 (2021).
"""

from __future__ import annotations

AVOGADRO_PER_MOL = 6.02214076e23
ELEMENTARY_CHARGE_C = 1.602176634e-19
BOLTZMANN_J_PER_K = 1.380649e-23
FARADAY_C_PER_MOL = AVOGADRO_PER_MOL * ELEMENTARY_CHARGE_C  # 96485.33212... C/mol
GAS_CONSTANT_J_PER_MOL_K = AVOGADRO_PER_MOL * BOLTZMANN_J_PER_K  # 8.314462618... J/(mol K)
ZERO_CELSIUS_K = 273.15
STANDARD_TEMPERATURE_C = 25.0
COULOMB_PER_AH = 3600.0
