"""``design_cell``: build a cell from electrode choices and see what a designer weighs.

The design starts from a preset (the LG M50 by default) and changes electrode thickness,
porosity (calendering), particle size and the N/P ratio. It reports the areal capacity, the
N/P ratio, the mass and volume of the electrode stack, and -- from a simulated discharge of
the designed cell -- its energy per mass and per volume.

Definitions used here (stated on the reference page as well):

- *N/P ratio*: the negative electrode's capacity for lithium (its whole stoichiometry range,
  ε L c_max F) divided by the positive electrode's capacity in the window the preset cell
  uses between its cut-off voltages.
- *Porosity*: the solid part keeps the preset's composition, so the active-material fraction
  and the layer density scale with (1 − porosity).
- *Stack*: both electrodes with their current-collector foils, the separator and the
  electrolyte filling the pores, over the preset's electrode area; no can, tabs or
  headspace. PyBaMM's cell unit counts each foil whole, so double-coated real electrodes
  do somewhat better.
- A designed cell is assembled discharged (lithium in the positive electrode at the preset's
  empty-state stoichiometry) and charged to its upper cut-off before the discharge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from denchi.i18n import text
from denchi.labs import engine
from denchi.labs.api.cell import Cell, _c_rate, _temperature
from denchi.labs.api.results import DischargeResult
from denchi.labs.engine.presets import PRESETS, get_preset
from denchi.labs.engine.simulation import ModelSpec
from denchi.labs.errors import LabInputError, LabSimulationError, keywords_checked, methods_checked
from denchi.validation import number_in_range, one_of

FARADAY = 96485.33212  # C/mol
THICKNESS_RANGE_UM = (10.0, 300.0)
POROSITY_RANGE = (0.1, 0.7)
RADIUS_RANGE_UM = (0.1, 30.0)
NP_RANGE = (0.5, 3.0)
DESIGN_BASES = tuple(k for k, p in PRESETS.items() if p.design)
ELECTROLYTE_DENSITY_KG_M3 = 1200.0  # assumed; carbonate-based electrolytes are near this


@methods_checked
@dataclass(frozen=True)
class CellDesign:
    """A designed cell: the choices, what they give, and a simulated discharge.

    Attributes:
        base: The preset the design starts from.
        positive_thickness_um: Positive electrode thickness [µm].
        negative_thickness_um: Negative electrode thickness [µm].
        positive_porosity: Positive electrode porosity (0–1).
        negative_porosity: Negative electrode porosity (0–1).
        positive_particle_radius_um: Positive particle radius [µm].
        negative_particle_radius_um: Negative particle radius [µm].
        np_ratio: Negative-to-positive capacity ratio.
        areal_capacity_mah_cm2: Positive electrode capacity per area [mAh/cm²].
        design_capacity_ah: Capacity the electrode balance allows [Ah] (1C of this cell).
        mass_kg: Mass of the electrode stack [kg].
        volume_l: Volume of the electrode stack [L].
        discharge: The simulated constant-current discharge.
        cell: The designed cell, for further experiments (``design.cell.rate_test()``).
    """

    base: str
    positive_thickness_um: float
    negative_thickness_um: float
    positive_porosity: float
    negative_porosity: float
    positive_particle_radius_um: float
    negative_particle_radius_um: float
    np_ratio: float
    areal_capacity_mah_cm2: float
    design_capacity_ah: float
    mass_kg: float
    volume_l: float
    discharge: DischargeResult
    cell: Cell = field(repr=False, compare=False)

    @property
    def preset(self) -> str:
        """The key of the base preset (as for the other results)."""
        return self.base

    @property
    def capacity_ah(self) -> float:
        """Delivered capacity of the simulated discharge [Ah]."""
        return self.discharge.capacity_ah

    @property
    def energy_wh(self) -> float:
        """Delivered energy of the simulated discharge [Wh]."""
        return self.discharge.energy_wh

    @property
    def gravimetric_wh_kg(self) -> float:
        """Delivered energy per stack mass [Wh/kg]."""
        return self.energy_wh / self.mass_kg

    @property
    def volumetric_wh_l(self) -> float:
        """Delivered energy per stack volume [Wh/L]."""
        return self.energy_wh / self.volume_l

    @property
    def label(self) -> str:
        """Positive thickness and N/P ratio (the default legend entry)."""
        thickness = f"{self.positive_thickness_um:.0f} $\\mu$m"  # IPAex has no "µ" glyph
        return text(
            f"正極 {thickness}, N/P {self.np_ratio:.2f}",
            f"positive {thickness}, N/P {self.np_ratio:.2f}",
        )

    def to_dataframe(self):
        """The design and its results as a one-row pandas table."""
        import pandas as pd

        row = {
            name: getattr(self, name)
            for name in (
                "positive_thickness_um",
                "negative_thickness_um",
                "positive_porosity",
                "negative_porosity",
                "positive_particle_radius_um",
                "negative_particle_radius_um",
                "np_ratio",
                "areal_capacity_mah_cm2",
                "design_capacity_ah",
                "capacity_ah",
                "energy_wh",
                "mass_kg",
                "volume_l",
                "gravimetric_wh_kg",
                "volumetric_wh_l",
            )
        }
        row["c_rate"] = self.discharge.c_rate
        return pd.DataFrame([row])

    def ragone(self, c_rates: Sequence[float] = (0.2, 0.5, 1.0, 2.0, 3.0)):
        """Energy and mean power per stack mass at several C-rates: the points of a Ragone plot.

        Each rate is a discharge from full (``cell.rate_test``); its energy over the stack
        mass is the specific energy [Wh/kg], and that energy over the discharge's duration
        over the stack mass is the mean specific power [W/kg].

        Args:
            c_rates: The C-rates (as ``Cell.rate_test``: 1 to 20 values, each 0.01–10).

        Returns:
            A pandas table with columns ``c_rate``, ``capacity_ah``, ``energy_wh_kg`` and
            ``power_w_kg``, one row per rate.

        Raises:
            LabInputError: if ``c_rates`` is not as above.
            LabSimulationError: if a discharge cannot be computed.
        """
        import pandas as pd

        rows = []
        for d in self.cell.rate_test(c_rates=c_rates).discharges:
            hours = (d.time_s[-1] - d.time_s[0]) / 3600.0
            rows.append(
                {
                    "c_rate": d.c_rate,
                    "capacity_ah": d.capacity_ah,
                    "energy_wh_kg": d.energy_wh / self.mass_kg,
                    "power_w_kg": d.energy_wh / hours / self.mass_kg,
                }
            )
        return pd.DataFrame(rows)

    def plot(self, x: str = "capacity", ax: Any = None, label: str | None = None) -> Any:
        """The simulated discharge curve (``x`` as in ``DischargeResult.plot``).

        Args:
            x: The x axis, as in ``DischargeResult.plot`` (e.g. ``"capacity"``, ``"time"``).
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Legend entry; ``None`` uses the result's :attr:`label`.

        Raises:
            LabInputError: if ``x`` is not one of ``DischargeResult.plot``'s choices.
        """
        return self.discharge.plot(x=x, ax=ax, label=self.label if label is None else label)


def _choice(
    name: str, value: object, low: float, high: float, unit: str, label: str, default: float
) -> float:
    if value is None:
        return default
    return number_in_range(name, value, low, high, unit, label_ja=label)


@keywords_checked
def design_cell(
    base: str = "nmc_graphite",
    positive_thickness_um: float | None = None,
    negative_thickness_um: float | None = None,
    np_ratio: float | None = None,
    positive_porosity: float | None = None,
    negative_porosity: float | None = None,
    positive_particle_radius_um: float | None = None,
    negative_particle_radius_um: float | None = None,
    c_rate: float = 1.0,
    temperature_c: float = 25.0,
    model: str = "dfn",
) -> CellDesign:
    """Design a cell from electrode choices and simulate its discharge.

    Every choice left as ``None`` keeps the base preset's value. Give either
    ``negative_thickness_um`` or ``np_ratio`` (the negative thickness is then chosen to
    reach that N/P ratio), not both.

    Args:
        base: The preset to start from: ``"nmc_graphite"``, ``"lco_graphite"`` or
            ``"nca_graphite"`` (presets whose parameter sets give layer densities).
        positive_thickness_um: Positive electrode coating thickness [µm] (10–300).
        negative_thickness_um: Negative electrode coating thickness [µm] (10–300).
        np_ratio: Negative-to-positive capacity ratio (0.5–3).
        positive_porosity: Positive electrode porosity (0.1–0.7); pressing lowers it.
        negative_porosity: Negative electrode porosity (0.1–0.7).
        positive_particle_radius_um: Positive particle radius [µm] (0.1–30).
        negative_particle_radius_um: Negative particle radius [µm] (0.1–30).
        c_rate: C-rate of the simulated discharge, relative to the designed capacity.
        temperature_c: Chamber temperature of the discharge [℃].
        model: ``"spm"``, ``"spme"`` or ``"dfn"``.

    Raises:
        LabInputError: if ``base`` or ``model`` is not one listed above, a value is outside
            its range above, ``c_rate`` or ``temperature_c`` is out of range, both
            ``negative_thickness_um`` and ``np_ratio`` are given, or the implied N/P ratio is
            outside 0.5–3.
        LabSimulationError: if PyBaMM cannot read the parameters or the discharge cannot
            finish.
    """
    base = one_of("base", base, DESIGN_BASES, label_ja="設計のもとにする電池 base")
    preset = get_preset(base)
    fidelity = one_of("model", model, preset.fidelities, label_ja="モデル model")
    rate = _c_rate(c_rate)
    temperature = _temperature(temperature_c)
    if negative_thickness_um is not None and np_ratio is not None:
        raise LabInputError(
            "np_ratio",
            "negative_thickness_um と np_ratio は、どちらか一方だけを指定してください"
            "（N/P 比を決めると負極の厚さが決まります）。",
            "Give negative_thickness_um or np_ratio, not both (the N/P ratio fixes the "
            "negative electrode's thickness).",
        )
    reference = ModelSpec(preset, fidelity)
    ref = engine.numeric_parameters(reference, _PARAMETERS)
    x_0, _, y_100, y_0 = engine.stoichiometry_window(reference)
    um = 1e-6

    def thickness(value: object, name: str, key: str, label: str) -> float:
        return _choice(name, value, *THICKNESS_RANGE_UM, "µm", label, ref[key] / um) * um

    def porosity(value: object, name: str, key: str, label: str) -> float:
        return _choice(name, value, *POROSITY_RANGE, "", label, ref[key])

    l_p = thickness(
        positive_thickness_um,
        "positive_thickness_um",
        "Positive electrode thickness [m]",
        "正極の厚さ",
    )
    eps_p = porosity(
        positive_porosity, "positive_porosity", "Positive electrode porosity", "正極の空隙率"
    )
    eps_n = porosity(
        negative_porosity, "negative_porosity", "Negative electrode porosity", "負極の空隙率"
    )
    r_p = (
        _choice(
            "positive_particle_radius_um",
            positive_particle_radius_um,
            *RADIUS_RANGE_UM,
            "µm",
            "正極の粒子半径",
            ref["Positive particle radius [m]"] / um,
        )
        * um
    )
    r_n = (
        _choice(
            "negative_particle_radius_um",
            negative_particle_radius_um,
            *RADIUS_RANGE_UM,
            "µm",
            "負極の粒子半径",
            ref["Negative particle radius [m]"] / um,
        )
        * um
    )

    def solid(eps: float, side: str) -> tuple[float, float]:
        """(active-material fraction, layer density) at porosity ``eps``."""
        scale = (1.0 - eps) / (1.0 - ref[f"{side} electrode porosity"])
        return (
            ref[f"{side} electrode active material volume fraction"] * scale,
            ref[f"{side} electrode density [kg.m-3]"] * scale,
        )

    act_p, rho_p = solid(eps_p, "Positive")
    act_n, rho_n = solid(eps_n, "Negative")
    c_p, c_n = (
        ref["Maximum concentration in positive electrode [mol.m-3]"],
        ref["Maximum concentration in negative electrode [mol.m-3]"],
    )
    q_pos = act_p * l_p * c_p * FARADAY * (y_0 - y_100)  # C/m2 in the preset's window
    if np_ratio is not None:
        ratio = number_in_range("np_ratio", np_ratio, *NP_RANGE, "", label_ja="N/P 比")
        l_n = ratio * q_pos / (act_n * c_n * FARADAY)
        number_in_range(
            "np_ratio",
            l_n / um,
            *THICKNESS_RANGE_UM,
            "µm",
            label_ja="この N/P 比に必要な負極の厚さ",
        )
    else:
        l_n = thickness(
            negative_thickness_um,
            "negative_thickness_um",
            "Negative electrode thickness [m]",
            "負極の厚さ",
        )
    q_neg = act_n * l_n * c_n * FARADAY
    if np_ratio is None:  # one rule for the N/P ratio, given or implied by the thicknesses
        implied = q_neg / q_pos
        if not NP_RANGE[0] <= implied <= NP_RANGE[1]:
            raise LabInputError(
                "negative_thickness_um",
                f"この正極と負極の厚さでは、N/P 比が {implied:.3g} になります。N/P 比は "
                f"{NP_RANGE[0]:g}〜{NP_RANGE[1]:g} にしてください（負極の厚さを変えるか、"
                "np_ratio で指定してください）。",
                f"These electrode thicknesses make an N/P ratio of {implied:.3g}; it must be "
                f"{NP_RANGE[0]:g} to {NP_RANGE[1]:g}. Change the negative thickness or give "
                "np_ratio instead.",
            )
    area = ref["Electrode height [m]"] * ref["Electrode width [m]"]
    capacity_ah = min(q_pos, q_neg) * area / 3600.0
    overrides = {
        "Positive electrode thickness [m]": l_p,
        "Negative electrode thickness [m]": l_n,
        "Positive electrode porosity": eps_p,
        "Negative electrode porosity": eps_n,
        "Positive electrode active material volume fraction": act_p,
        "Negative electrode active material volume fraction": act_n,
        "Positive electrode density [kg.m-3]": rho_p,
        "Negative electrode density [kg.m-3]": rho_n,
        "Positive particle radius [m]": r_p,
        "Negative particle radius [m]": r_n,
        "Initial concentration in positive electrode [mol.m-3]": y_0 * c_p,
        "Initial concentration in negative electrode [mol.m-3]": x_0 * c_n,
        "Nominal cell capacity [A.h]": capacity_ah,
    }
    designed = replace(preset, nominal_capacity_ah=capacity_ah)
    cell = Cell._from_design(designed, fidelity, tuple(sorted(overrides.items())))
    try:
        discharge = cell.discharge(c_rate=rate, temperature_c=temperature)
    except LabSimulationError as exc:
        raise LabSimulationError(
            "np_ratio",
            "この設計の電池は満充電にできないか、放電の計算が最後まで進みませんでした。"
            "N/P 比を 1.0〜1.2 に近づけるか、電極の厚さや空隙率をもとの値に近づけてください。",
            "This design cannot be charged to full, or its discharge could not be computed. "
            "Bring the N/P ratio towards 1.0–1.2, or thickness and porosity towards the base.",
        ) from exc
    l_s, eps_s = ref["Separator thickness [m]"], ref["Separator porosity"]
    foils = [
        (
            ref["Negative current collector thickness [m]"],
            ref["Negative current collector density [kg.m-3]"],
        ),
        (
            ref["Positive current collector thickness [m]"],
            ref["Positive current collector density [kg.m-3]"],
        ),
    ]
    per_area = (
        rho_p * l_p
        + rho_n * l_n
        + ref["Separator density [kg.m-3]"] * l_s
        + sum(foil * rho for foil, rho in foils)
        + ELECTROLYTE_DENSITY_KG_M3 * (eps_p * l_p + eps_n * l_n + eps_s * l_s)
    )
    stack_m = l_p + l_n + l_s + sum(foil for foil, _ in foils)
    return CellDesign(
        base=base,
        positive_thickness_um=l_p / um,
        negative_thickness_um=l_n / um,
        positive_porosity=eps_p,
        negative_porosity=eps_n,
        positive_particle_radius_um=r_p / um,
        negative_particle_radius_um=r_n / um,
        np_ratio=q_neg / q_pos,
        areal_capacity_mah_cm2=q_pos / 36000.0,
        design_capacity_ah=capacity_ah,
        mass_kg=per_area * area,
        volume_l=stack_m * area * 1000.0,
        discharge=discharge,
        cell=cell,
    )


_PARAMETERS = (
    "Positive electrode thickness [m]",
    "Negative electrode thickness [m]",
    "Separator thickness [m]",
    "Positive current collector thickness [m]",
    "Negative current collector thickness [m]",
    "Positive electrode porosity",
    "Negative electrode porosity",
    "Separator porosity",
    "Positive electrode active material volume fraction",
    "Negative electrode active material volume fraction",
    "Positive electrode density [kg.m-3]",
    "Negative electrode density [kg.m-3]",
    "Separator density [kg.m-3]",
    "Positive current collector density [kg.m-3]",
    "Negative current collector density [kg.m-3]",
    "Positive particle radius [m]",
    "Negative particle radius [m]",
    "Maximum concentration in positive electrode [mol.m-3]",
    "Maximum concentration in negative electrode [mol.m-3]",
    "Electrode height [m]",
    "Electrode width [m]",
)
