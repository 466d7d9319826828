"""Cell presets: which PyBaMM parameter set stands for which real cell, and where it comes from.

Every preset names its source cell and its references (keys of ``book/references.bib``).
``nominal_capacity_ah`` is the capacity a battery cycler is programmed with: a C-rate of 1
means ``nominal_capacity_ah`` amperes. Where a PyBaMM parameter set states a capacity that its
own model does not deliver (the composite, sodium-ion and lead-acid sets), the preset rates
the virtual cell by what it delivers at C/10 and 25 ℃, keeps the stated value in
``stated_capacity_ah`` and says why in ``note_en``.
"""

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
    """A virtual cell: a PyBaMM parameter set, the real cell behind it and what it supports."""

    key: str
    parameter_set: str  # a PyBaMM parameter-set name
    family: str  # the PyBaMM model family: "lithium_ion", "sodium_ion" or "lead_acid"
    nominal_capacity_ah: float
    voltage_min_v: float  # lower cut-off of the parameter set (per cell)
    voltage_max_v: float  # upper cut-off of the parameter set (per cell)
    name_ja: str
    name_en: str
    short_ja: str  # for figure legends
    short_en: str
    source_cell: str
    reference: str  # bibliography keys in book/references.bib, comma-separated
    fidelities: tuple[str, ...] = ("spm", "spme", "dfn")
    default_fidelity: str = "dfn"
    options: tuple[tuple[str, Any], ...] = ()  # extra PyBaMM model options
    adjust: Callable[[Any, Any], None] | None = None  # (parameter values, pybamm) -> None
    stated_capacity_ah: float | None = None  # the parameter set's own capacity, if different
    note_ja: str = ""
    note_en: str = ""
    thermal_models: tuple[str, ...] = ("isothermal", "lumped")
    protocols: bool = True  # charge, cycle, pulse test, GITT (PyBaMM experiments)
    impedance: bool = True  # EIS (PyBaMM's frequency-domain simulation)
    aging_parameter_set: str | None = None  # where SEI and lithium-plating parameters come from
    cell_variation: bool = True  # production spread by seed (loading and contact resistance)
    design: bool = False  # a base for ``design_cell`` (the set has layer densities)
    # where the cell's temperature dependence comes from (Arrhenius transport and kinetics,
    # bibliography keys); empty: the set has at most Arrhenius kinetics, too little to
    # make a cold cell deliver less, so the preset runs at 25 ℃ only
    temperature_source: str = ""

    @property
    def temperature_dependent(self) -> bool:
        """True if the preset may run at chamber temperatures other than 25 ℃."""
        return bool(self.temperature_source)

    def parameter_values(self, pybamm: Any) -> Any:
        """Fresh PyBaMM parameter values for this preset.

        Args:
            pybamm: The imported ``pybamm`` module (``denchi.telemetry.import_pybamm()``).
        """
        params = pybamm.ParameterValues(self.parameter_set)
        if self.adjust is not None:
            self.adjust(params, pybamm)
        return params

    @property
    def current_scale_a(self) -> float:
        """The current of 1C [A]."""
        return self.nominal_capacity_ah


_COMPOSITE_OPTIONS = (
    ("particle phases", ("2", "1")),
    ("open-circuit potential", (("single", "current sigmoid"), "single")),
)

PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            key="nmc_graphite",
            parameter_set="Chen2020",
            family="lithium_ion",
            nominal_capacity_ah=5.0,
            voltage_min_v=2.5,
            voltage_max_v=4.2,
            name_ja="NMC811／黒鉛（LG M50 円筒形 21700）",
            name_en="NMC811/graphite (LG M50 cylindrical 21700)",
            short_ja="NMC／黒鉛",
            short_en="NMC/graphite",
            source_cell="LG M50 (LGM50T) 21700, 5 Ah",
            reference="chen2020,oregan2022,okane2022",
            adjust=_chen2020_with_oregan2022_temperature,
            aging_parameter_set="OKane2022",
            design=True,
            # Arrhenius diffusivities and electrolyte measured on the LG M50 (see adjust)
            temperature_source="oregan2022",
        ),
        Preset(
            key="lfp_graphite",
            parameter_set="Prada2013",
            family="lithium_ion",
            nominal_capacity_ah=2.3,
            voltage_min_v=2.0,
            voltage_max_v=3.6,
            name_ja="LFP／黒鉛（円筒形 26650、2.3 Ah）",
            name_en="LFP/graphite (cylindrical 26650, 2.3 Ah)",
            short_ja="LFP／黒鉛",
            short_en="LFP/graphite",
            source_cell="commercial 2.3 Ah LFP/graphite 26650 cell studied by Prada et al. (2013)",
            reference="prada2013",
            thermal_models=("isothermal",),  # the set has no thermal parameters
        ),
        Preset(
            key="lco_graphite",
            parameter_set="Marquis2019",
            family="lithium_ion",
            nominal_capacity_ah=0.680616,
            voltage_min_v=3.105,
            voltage_max_v=4.1,
            name_ja="LCO／黒鉛（Kokam ラミネート SLPB78205130H）",
            name_en="LCO/graphite (Kokam pouch SLPB78205130H)",
            short_ja="LCO／黒鉛",
            short_en="LCO/graphite",
            source_cell="Kokam SLPB78205130H pouch cell",
            reference="marquis2019",
            design=True,
            # the set's Arrhenius solid diffusivities and exchange-current densities
            temperature_source="marquis2019",
        ),
        Preset(
            key="nca_graphite",
            parameter_set="NCA_Kim2011",
            family="lithium_ion",
            nominal_capacity_ah=0.43,
            voltage_min_v=2.7,
            voltage_max_v=4.2,
            name_ja="NCA／黒鉛（Kim らのラミネートセル設計）",
            name_en="NCA/graphite (pouch cell design of Kim et al.)",
            short_ja="NCA／黒鉛",
            short_en="NCA/graphite",
            source_cell='"Nominal Design" graphite/NCA pouch cell of Kim et al. (2011)',
            reference="kim2011",
            design=True,
            # Arrhenius solid diffusivities and kinetics, temperature-dependent electrolyte
            temperature_source="kim2011",
        ),
        Preset(
            key="graphite_siox",
            parameter_set="Chen2020_composite",
            family="lithium_ion",
            nominal_capacity_ah=5.7,
            voltage_min_v=2.5,
            voltage_max_v=4.2,
            name_ja="NMC811／黒鉛＋SiOx 複合負極（LG M50 をもとにしたモデル）",
            name_en="NMC811/graphite-SiOx composite negative (model based on the LG M50)",
            short_ja="NMC／黒鉛＋SiOx",
            short_en="NMC/graphite-SiOx",
            source_cell="LG M50 21700 with a graphite + SiOx composite negative electrode",
            reference="ai2022,chen2020",
            options=_COMPOSITE_OPTIONS,
            stated_capacity_ah=5.0,
            note_ja=(
                "パラメータセットは LG M50 の定格 5 Ah を記載していますが、ケイ素の相に入っている"
                "リチウムの分だけ、このモデルは C/10・25 ℃ で 5.7 Ah を出します。"
                "この教材では、実際に出せる 5.7 Ah を公称容量（1C の基準）とします。"
            ),
            note_en=(
                "The parameter set states the LG M50's 5 Ah, but the lithium held by its silicon "
                "phase lets the model deliver 5.7 Ah at C/10 and 25 °C; the courseware rates "
                "the virtual cell (and its 1C) by the 5.7 Ah it delivers."
            ),
            # the composite set has no density or heat capacity of its two negative phases,
            # so a lumped thermal model cannot be built
            thermal_models=("isothermal",),
            impedance=False,  # the composite negative has no frequency-domain formulation here
            cell_variation=False,
        ),
        Preset(
            key="sodium_ion",
            parameter_set="Chayambuka2022",
            family="sodium_ion",
            nominal_capacity_ah=0.0027,
            voltage_min_v=2.0,
            voltage_max_v=4.2,
            name_ja="ナトリウムイオン電池（NVPF／ハードカーボン）",
            name_en="Sodium-ion cell (NVPF/hard carbon)",
            short_ja="ナトリウムイオン",
            short_en="Sodium-ion",
            source_cell="Na3V2(PO4)2F3 / hard-carbon cell of Chayambuka et al. (2022)",
            reference="chayambuka2022",
            fidelities=("dfn",),
            stated_capacity_ah=0.003,
            note_ja=(
                "パラメータセットは 3 mAh と記載していますが、このモデルが C/10・25 ℃ で出す容量は "
                "2.7 mAh なので、2.7 mAh を公称容量とします。"
            ),
            note_en=(
                "The parameter set states 3 mAh; the model delivers 2.7 mAh at C/10 and 25 °C, "
                "which the courseware takes as the nominal capacity."
            ),
            thermal_models=("isothermal",),
            protocols=False,  # PyBaMM's sodium-ion model is a basic DFN without experiments
            impedance=False,
            cell_variation=False,
        ),
        Preset(
            key="lead_acid",
            parameter_set="Sulzer2019",
            family="lead_acid",
            nominal_capacity_ah=21.0,
            voltage_min_v=1.75,
            voltage_max_v=2.42,
            name_ja="鉛蓄電池（BBOXX 製 12 V 電池の 1 セル、2 V）",
            name_en="Lead-acid (one 2 V cell of a BBOXX 12 V battery)",
            short_ja="鉛蓄電池",
            short_en="Lead-acid",
            source_cell="BBOXX lead-acid battery (6 cells in series); values are per cell",
            reference="sulzer2019a,sulzer2019b",
            fidelities=("loqs", "full"),
            default_fidelity="full",
            stated_capacity_ah=17.0,
            note_ja=(
                "パラメータセットは 17 Ah と記載していますが、このモデルが C/10・25 ℃ で出す容量は "
                "約 21 Ah です（鉛蓄電池は、ゆっくり放電するほど容量が大きく出ます）。"
                "21 Ah を公称容量とします。電圧は 1 セル（約 2 V）あたりの値です。"
            ),
            note_en=(
                "The parameter set states 17 Ah; the model delivers about 21 Ah at C/10 and "
                "25 °C (lead-acid capacity depends strongly on the rate), which the courseware "
                "takes as the nominal capacity. Voltages are per cell (about 2 V)."
            ),
            thermal_models=("isothermal",),
            protocols=False,
            impedance=False,
            cell_variation=False,
        ),
    )
}


def get_preset(key: object) -> Preset:
    """The preset named ``key``; a clear error lists the presets that exist.

    Args:
        key: A key of ``PRESETS`` (e.g. ``"nmc_graphite"``).

    Raises:
        LabInputError: if ``key`` is not a string naming a preset (the message lists them).
    """
    if not isinstance(key, str) or key not in PRESETS:
        names = ", ".join(PRESETS)
        raise LabInputError(
            "chemistry",
            f"電池の種類 chemistry={key!r:.60} はありません。次から選んでください: {names}",
            f"Unknown cell preset chemistry={key!r:.60}. Choose one of: {names}",
        )
    return PRESETS[key]
