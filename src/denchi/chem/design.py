"""Electrode design in closed form: areal loading and capacity, calendering, Bruggeman, cost.

    from denchi import chem
    chem.coating_loading_mg_cm2(thickness_um=70, porosity=0.3, solid_density_g_cm3=4.7)  # 23.03
    chem.areal_capacity_mah_cm2(loading_mg_cm2=23.03, specific_mah_g=190, active_fraction=0.95)
    chem.calendered_thickness_um(thickness_um=90, porosity=0.45, new_porosity=0.3)       # 70.7
    chem.bruggeman_transport_efficiency(0.3)                                           # 0.164
    chem.bruggeman_tortuosity_factor(0.3)                                              # 1.83
    chem.materials_cost_per_kwh(chain, prices_per_kg={"cathode_active": ..., ...})

A coating of thickness L and porosity ε has the solid volume (1 − ε)·L per unit area; with the
density of its solid part ρ (active material, binder and conductive additive together) its
areal mass, the *loading*, is (1 − ε)·L·ρ, and its areal capacity is that mass times the active
material's mass fraction and specific capacity. Pressing (calendering) keeps the mass and makes
the layer thinner: (1 − ε)·L stays constant. These follow from the definitions of porosity and
specific capacity; no value is assumed.

The Bruggeman relation is the porous-electrode models' rule for how the pores slow transport in
the electrolyte: the effective diffusivity (or conductivity) is the bulk value times the
*transport efficiency* B = ε/τ = ε^b, so the tortuosity factor is τ = ε^(1 − b); b = 1.5 is
Bruggeman's value for spheres and PyBaMM's default. Source: the PyBaMM documentation,
"Transport efficiency and the models for tortuosity factor" (docs.pybamm.org, examples,
models/tortuosity_models) and its Bruggeman submodel
(``pybamm.models.submodels.transport_efficiency.bruggeman``: ``tor = eps ** b_e``).
"""

from __future__ import annotations

from collections.abc import Mapping

from denchi.chem.materials import PARTS, EnergyDensity
from denchi.errors import InputError
from denchi.validation import number_in_range

BRUGGEMAN_EXPONENT = 1.5  # Bruggeman's value for spheres, PyBaMM's default b


def coating_loading_mg_cm2(
    thickness_um: float, porosity: float, solid_density_g_cm3: float
) -> float:
    """Areal mass (loading) of a dry electrode coating: (1 − ε)·L·ρ [mg/cm²].

    Args:
        thickness_um: Coating thickness L on one side of the foil [µm], 1 to 1000.
        porosity: Pore volume fraction ε of the coating, 0 to 0.95.
        solid_density_g_cm3: Density ρ of the coating's solid part (active material, binder
            and conductive additive, without pores) [g/cm³], 0.1 to 20.

    Returns:
        Loading [mg/cm²] (1 µm × 1 g/cm³ = 0.1 mg/cm²).

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.
    """
    thickness = number_in_range("thickness_um", thickness_um, 1, 1000, "µm", label_ja="厚さ")
    eps = number_in_range("porosity", porosity, 0, 0.95, "", label_ja="空隙率")
    rho = number_in_range(
        "solid_density_g_cm3", solid_density_g_cm3, 0.1, 20, "g/cm³", label_ja="固体部分の密度"
    )
    return 0.1 * thickness * (1.0 - eps) * rho


def areal_capacity_mah_cm2(
    loading_mg_cm2: float, specific_mah_g: float, active_fraction: float
) -> float:
    """Areal capacity of a coating: loading × active mass fraction × specific capacity.

    Args:
        loading_mg_cm2: Loading of the dry coating [mg/cm²], 0.01 to 500.
        specific_mah_g: Practical specific capacity of the active material [mAh/g], 1 to 5000.
        active_fraction: Mass fraction of active material in the dry coating, 0.05 to 1.

    Returns:
        Areal capacity [mAh/cm²].

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.
    """
    loading = number_in_range(
        "loading_mg_cm2", loading_mg_cm2, 0.01, 500, "mg/cm²", label_ja="目付量"
    )
    q = number_in_range("specific_mah_g", specific_mah_g, 1, 5000, "mAh/g", label_ja="比容量")
    f = number_in_range(
        "active_fraction", active_fraction, 0.05, 1, "", label_ja="活物質の質量分率"
    )
    return loading * 1e-3 * f * q


def calendered_thickness_um(thickness_um: float, porosity: float, new_porosity: float) -> float:
    """Thickness after pressing a coating to a lower porosity, at the same loading [µm].

    The solid volume per area, (1 − ε)·L, is kept: L' = L (1 − ε) / (1 − ε').

    Args:
        thickness_um: Coating thickness before pressing [µm], 1 to 1000.
        porosity: Porosity before pressing, 0 to 0.95.
        new_porosity: Porosity after pressing, 0 to 0.95 and not above ``porosity``.

    Returns:
        The pressed thickness [µm].

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range, or
            ``new_porosity`` is above ``porosity`` (pressing never opens pores).
    """
    thickness = number_in_range("thickness_um", thickness_um, 1, 1000, "µm", label_ja="厚さ")
    eps = number_in_range("porosity", porosity, 0, 0.95, "", label_ja="空隙率")
    new = number_in_range("new_porosity", new_porosity, 0, 0.95, "", label_ja="プレス後の空隙率")
    if new > eps:
        raise InputError(
            "new_porosity",
            f"プレス後の空隙率 new_porosity（{new:g}）がプレス前（{eps:g}）より大きくなっています。"
            "プレスでは空隙率は下がるので、プレス前以下の値にしてください。",
            f"new_porosity ({new:g}) is above the porosity before pressing ({eps:g}); pressing "
            "lowers the porosity, so give a value not above it.",
        )
    return thickness * (1.0 - eps) / (1.0 - new)


def bruggeman_transport_efficiency(porosity: float, exponent: float = BRUGGEMAN_EXPONENT) -> float:
    """Transport efficiency B = ε^b: effective over bulk diffusivity or conductivity.

    Source: the Bruggeman submodel of PyBaMM (``tor = eps ** b_e``) and PyBaMM's page
    "Transport efficiency and the models for tortuosity factor" (B = ε/τ).

    Args:
        porosity: Porosity ε (electrolyte volume fraction), 0.01 to 1.
        exponent: Bruggeman exponent b, 1 to 5 (1.5 for spheres, PyBaMM's default).

    Returns:
        B, between 0 and 1 (dimensionless).

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.
    """
    eps = number_in_range("porosity", porosity, 0.01, 1, "", label_ja="空隙率")
    b = number_in_range("exponent", exponent, 1, 5, "", label_ja="ブルッゲマン指数")
    return eps**b


def bruggeman_tortuosity_factor(porosity: float, exponent: float = BRUGGEMAN_EXPONENT) -> float:
    """Tortuosity factor τ = ε / B = ε^(1 − b) of the Bruggeman relation.

    Args:
        porosity: Porosity ε, 0.01 to 1.
        exponent: Bruggeman exponent b, 1 to 5.

    Returns:
        τ ≥ 1 (dimensionless).

    Raises:
        denchi.errors.InputError: If an argument is not a finite number in its range.
    """
    return number_in_range(
        "porosity", porosity, 0.01, 1, "", label_ja="空隙率"
    ) / bruggeman_transport_efficiency(porosity, exponent)


def materials_cost_per_kwh(chain: EnergyDensity, prices_per_kg: Mapping[str, float]) -> float:
    """First-order cost of a cell's materials per kWh: Σ (mass per kWh × price per kg).

    A part's mass per ampere-hour m [g/Ah] divided by the mean voltage V [Wh/Ah] is its mass
    per watt-hour [g/Wh], which is kilograms per kilowatt-hour; times its price [per kg] it
    is that part's cost per kWh. Only materials are counted (no labour, energy, equipment,
    scrap or margin); the prices are the user's own inputs, in any one currency.

    Args:
        chain: The cell's energy-density chain (:func:`denchi.chem.cell_energy_density`).
        prices_per_kg: Price per kilogram of each part [currency/kg], keys as in
            :data:`denchi.chem.PARTS`, each 0 to 1e7; a part left out costs nothing.

    Returns:
        Materials cost per kWh of the cell's energy [currency/kWh].

    Raises:
        denchi.errors.InputError: If a key is not a part of :data:`denchi.chem.PARTS` or a
            price is not a finite number in its range.
    """
    total = 0.0
    for part, price in prices_per_kg.items():
        if part not in PARTS:
            raise InputError(
                "prices_per_kg",
                f"部材「{part}」はありません。使えるのは {', '.join(PARTS)} です。",
                f"There is no part '{part}'; use one of {', '.join(PARTS)}.",
            )
        value = number_in_range(
            f"prices_per_kg[{part!r}]", price, 0, 1e7, "/kg", label_ja=f"{PARTS[part]}の価格"
        )
        total += chain.masses_g_per_ah[part] / chain.voltage_v * value
    return total
