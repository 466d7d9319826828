"""Energy and CO2 of cell production, and what a dry (solvent-free) electrode process saves.

Reference values (cited on the h05 pages; the tests check them):

- Degen & Schütte, J. Clean. Prod. (2022) 129798: a state-of-the-art automotive cell factory
  uses 41.48 kWh of energy per kWh of cell capacity produced; 21.38 kWh/kWh of it (52 %) is
  natural gas for drying and for the dry rooms.
- Degen et al., Nature Energy 8 (2023) 1284-1295: current lithium-ion cells need
  20.3-37.5 kWh per kWh of cell capacity, depending on the cell chemistry.
- Bryntesen et al., Energies 14 (2021) 1406: about 39 % of the energy of lithium-ion battery
  production goes into drying processes, and electrode drying is about half of that.
- IPCC 2006 Guidelines, Vol. 2, Ch. 1, Table 1.4: natural gas emits 56,100 kg CO2 per TJ by
  default, that is 0.202 kg CO2 per kWh of gas burned.

The dry-electrode saving combines two sources: Bryntesen's shares applied to a factory like
Degen & Schütte's. It is an estimate for teaching, and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from denchi.validation import number_in_range, one_of

DEGEN_SCHUTTE_2022_KWH_PER_KWH = 41.48
DEGEN_SCHUTTE_2022_GAS_KWH_PER_KWH = 21.38  # natural gas for drying and the dry rooms
DEGEN_2023_KWH_PER_KWH = (20.3, 37.5)
BRYNTESEN_2021_DRYING_SHARE = 0.39
BRYNTESEN_2021_ELECTRODE_PART_OF_DRYING = 0.5  # "about a half"
IPCC_NATURAL_GAS_KG_CO2_PER_TJ = 56_100.0
KWH_PER_TJ = 1e12 / 3.6e6
NATURAL_GAS_KG_CO2_PER_KWH = IPCC_NATURAL_GAS_KG_CO2_PER_TJ / KWH_PER_TJ
PROCESSES = ("wet", "dry")
MAX_CELL_KWH = 1e9  # 1 TWh: more than any factory makes in a year


def gas_share() -> float:
    """Share of a factory's energy that is natural gas for drying and dry rooms.

    Returns:
        21.38 / 41.48, about 0.52 (share, 0-1).

    References:
        Degen & Schütte, J. Clean. Prod. (2022) 129798 (``degen2022``).
    """
    return DEGEN_SCHUTTE_2022_GAS_KWH_PER_KWH / DEGEN_SCHUTTE_2022_KWH_PER_KWH


def dry_electrode_saving_share() -> float:
    """Estimated share of the factory's energy that electrode drying takes, which a
    solvent-free electrode process does not need (Bryntesen et al. 2021: 39 % × one half).

    Returns:
        0.39 × 0.5 = 0.195 (share, 0-1); an estimate for teaching.

    References:
        Bryntesen et al., Energies 14 (2021) 1406 (``bryntesen2021``).
    """
    return BRYNTESEN_2021_DRYING_SHARE * BRYNTESEN_2021_ELECTRODE_PART_OF_DRYING


@dataclass(frozen=True)
class EnergyUse:
    """Energy to produce cells of a given capacity, split as Degen & Schütte report it.

    Attributes:
        cell_kwh: Capacity of the cells produced [kWh].
        process: ``"wet"`` (slurry with solvent, then drying) or ``"dry"`` electrodes.
        drying_and_dry_room_kwh: Natural gas for drying and the dry rooms [kWh].
        other_kwh: Everything else (treated as electricity when computing CO2) [kWh].
    """

    cell_kwh: float
    process: str
    drying_and_dry_room_kwh: float
    other_kwh: float

    @property
    def total_kwh(self) -> float:
        """All energy used [kWh]."""
        return self.drying_and_dry_room_kwh + self.other_kwh

    @property
    def kwh_per_kwh(self) -> float:
        """Energy used per kWh of cell capacity [kWh/kWh]; NaN when ``cell_kwh`` is 0."""
        return self.total_kwh / self.cell_kwh if self.cell_kwh else float("nan")

    def co2_kg(self, grid_kg_per_kwh: float) -> float:
        """CO2 of the production: the gas burned (IPCC default factor) plus the rest as
        electricity.

        Args:
            grid_kg_per_kwh: Emission factor of the factory's electricity [kg CO2/kWh],
                0 to 2.

        Returns:
            CO2 [kg].

        Raises:
            denchi.errors.InputError: If ``grid_kg_per_kwh`` is out of range or not a number.

        References:
            IPCC 2006 Guidelines, Vol. 2, Ch. 1, Table 1.4: 56,100 kg CO2/TJ of natural gas,
            0.202 kg CO2/kWh (``ipcc2006energy``).
        """
        grid = number_in_range(
            "grid_kg_per_kwh",
            grid_kg_per_kwh,
            0.0,
            2.0,
            "kg-CO2/kWh",
            label_ja="電気 1 kWh あたりの CO2 排出量",
        )
        return self.drying_and_dry_room_kwh * NATURAL_GAS_KG_CO2_PER_KWH + self.other_kwh * grid


def production_energy(
    cell_kwh: float,
    process: str = "wet",
    kwh_per_kwh: float = DEGEN_SCHUTTE_2022_KWH_PER_KWH,
) -> EnergyUse:
    """Energy to produce ``cell_kwh`` of cells in a factory like Degen & Schütte's.

    ``process="dry"`` removes the estimated electrode-drying energy
    (:func:`dry_electrode_saving_share`) from the drying and dry-room part.

    Args:
        cell_kwh: Capacity of the cells produced [kWh] (0 to 1e9).
        process: ``"wet"`` or ``"dry"``.
        kwh_per_kwh: Factory energy per kWh of cells [kWh/kWh] (1 to 200; default 41.48).

    Returns:
        The energy split into natural gas for drying and dry rooms and the rest [kWh].

    Raises:
        denchi.errors.InputError: If ``cell_kwh`` or ``kwh_per_kwh`` is out of range or not a
            number, or ``process`` is not ``"wet"`` or ``"dry"``.

    References:
        Degen & Schütte, J. Clean. Prod. (2022) 129798 (``degen2022``): 41.48 kWh/kWh, 52 %
        of it gas; Bryntesen et al., Energies 14 (2021) 1406 (``bryntesen2021``): the
        dry-electrode saving.
    """
    capacity = number_in_range(
        "cell_kwh", cell_kwh, 0.0, MAX_CELL_KWH, "kWh", label_ja="つくる電池の電力量"
    )
    process = one_of("process", process, PROCESSES, label_ja="電極のつくり方 process")
    intensity = number_in_range(
        "kwh_per_kwh",
        kwh_per_kwh,
        1.0,
        200.0,
        "kWh/kWh",
        label_ja="電池 1 kWh あたりのエネルギー",
    )
    total = capacity * intensity
    gas = total * gas_share()
    if process == "dry":
        gas -= total * dry_electrode_saving_share()
    return EnergyUse(capacity, process, gas, total - total * gas_share())
