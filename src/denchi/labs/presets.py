"""Cell presets: which PyBaMM parameter set stands for which real cell, and where it comes from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from denchi.labs.errors import LabInputError


def _chen2020_with_oregan2022_temperature(params: Any, pybamm: Any) -> None:
    """Give Chen2020's LG M50 the temperature dependence O'Regan et al. measured on that cell.

    Chen2020 has Arrhenius kinetics but temperature-independent transport, so a cold cell
    would behave like a warm one. ORegan2022 measured the same LG M50 cell at several
    temperatures; its stoichiometry-resolved solid diffusivities produce unphysical voltage
    wiggles at high C-rates, so we keep Chen2020's constant diffusivities and only add the
    Arrhenius factors (activation temperatures 2092 K and 1449 K) and ORegan2022's
    temperature-dependent electrolyte (Landesfeind 2019, EC:EMC 3:7).
    """
    oregan = pybamm.ParameterValues("ORegan2022")
    d_neg = params["Negative particle diffusivity [m2.s-1]"]
    d_pos = params["Positive particle diffusivity [m2.s-1]"]

    def arrhenius(activation_temperature_k: float, t: Any) -> Any:
        return pybamm.exp(activation_temperature_k * (1 / 298.15 - 1 / t))

    params.update(
        {
            "Negative particle diffusivity [m2.s-1]": lambda sto, t: d_neg * arrhenius(2092, t),
            "Positive particle diffusivity [m2.s-1]": lambda sto, t: d_pos * arrhenius(1449, t),
            "Electrolyte conductivity [S.m-1]": oregan["Electrolyte conductivity [S.m-1]"],
            "Electrolyte diffusivity [m2.s-1]": oregan["Electrolyte diffusivity [m2.s-1]"],
        }
    )


@dataclass(frozen=True)
class Preset:
    key: str
    parameter_set: str  # a PyBaMM parameter-set name
    chemistry: str  # "lithium_ion" or "lead_acid" (the PyBaMM model family)
    nominal_capacity_ah: float
    name_ja: str
    name_en: str
    source_cell: str
    reference: str  # bibliography keys in book/references.bib, comma-separated
    adjust: Callable[[Any, Any], None] | None = None  # (parameter values, pybamm) -> None

    def parameter_values(self, pybamm: Any) -> Any:
        """Fresh PyBaMM parameter values for this preset."""
        params = pybamm.ParameterValues(self.parameter_set)
        if self.adjust is not None:
            self.adjust(params, pybamm)
        return params


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            key="nmc_graphite",
            parameter_set="Chen2020",
            chemistry="lithium_ion",
            nominal_capacity_ah=5.0,
            name_ja="NMC811／黒鉛（LG M50 円筒形 21700）",
            name_en="NMC811/graphite (LG M50 cylindrical 21700)",
            source_cell="LG M50 (LGM50T) 21700, 5 Ah",
            reference="chen2020,oregan2022",
            adjust=_chen2020_with_oregan2022_temperature,
        ),
    )
}


def get_preset(key: object) -> Preset:
    if not isinstance(key, str) or key not in PRESETS:
        names = ", ".join(PRESETS)
        raise LabInputError(
            "chemistry",
            f"電池の種類 {key!r} はありません。次から選んでください: {names}",
            f"Unknown cell preset {key!r}. Choose one of: {names}",
        )
    return PRESETS[key]
