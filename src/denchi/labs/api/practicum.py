"""The virtual small-cell practicum (h06): build a pouch cell in four steps and test it.

The steps follow public reports of the AIST Kansai small-cell practicum: the negative electrode
is made (slurry, coating, drying, pressing), the cell is assembled, electrolyte is filled and
the cell sealed, and the cell is charged for the first time. At each step the learner chooses:

1. ``coated_thickness_um`` (the dried coating before pressing) and ``pressed_porosity``;
2. (assembly: the positive electrode and separator of the base cell are given);
3. ``electrolyte_fill``: electrolyte volume as a share of the pore volume it must fill;
4. ``first_charge_c_rate``: the current of the first charge.

What is simulated and what is simplified (the h06 pages say the same):

- The cell is ``design_cell`` on the base preset (a laminate pouch cell by default) with the
  chosen negative electrode; PyBaMM (DFN) simulates its first charge and a discharge.
- Pressing keeps the coated mass: the thickness shrinks to keep ``L (1 - porosity)``. The
  dried, unpressed coating is assumed to have a porosity of ``COATED_POROSITY``.
- Too little electrolyte leaves part of the electrodes dry, and a dry part takes no part in
  the reaction: the wetted part (share ``min(1, electrolyte_fill)``) carries the whole current.
  That part is simulated as the full cell at a C-rate divided by the wetted share, and its
  charge and capacity are scaled by the share. More electrolyte than the pores hold adds
  nothing.
- Formation: the first charge builds the SEI on the graphite and uses up lithium in
  proportion to the graphite's surface (Joho et al. 2001). The model takes
  ``SEI_LOSS_SHARE`` of the negative electrode's capacity (Novák et al. 2001 report below 7 %
  when water is kept out). The lithium left caps the capacity; the discharge curve is cut
  there, where the graphite runs out of lithium and the voltage falls to the cut-off.
- The first-charge current changes the simulated charging time and how much goes in before
  the constant-voltage phase. The model does NOT make the lithium lost to the SEI depend on
  the current: how formation protocols affect a cell is still being researched.
- N/P below 1 (less negative than positive capacity) would plate lithium metal on the
  negative during charge; PyBaMM's balanced cell does not show this, so ``plating_risk``
  flags it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from denchi.i18n import text
from denchi.labs.api import plots
from denchi.labs.api.design import CellDesign, design_cell
from denchi.labs.api.results import ProtocolResult, _trapezoid
from denchi.labs.errors import keywords_checked, methods_checked
from denchi.validation import number_in_range

COATED_POROSITY = 0.5  # assumed porosity of the dried coating before pressing
SEI_LOSS_SHARE = 0.07  # lithium used by the SEI, as a share of the negative's capacity
BASE = "lco_graphite"  # a laminate (pouch) cell, like the practicum's
COATED_THICKNESS_RANGE_UM = (20.0, 250.0)
PRESSED_POROSITY_RANGE = (0.2, COATED_POROSITY)
ELECTROLYTE_FILL_RANGE = (0.3, 2.0)
CHARGE_RATE_RANGE = (0.05, 1.0)


def pressed_thickness_um(coated_thickness_um: float, pressed_porosity: float) -> float:
    """Thickness after pressing [µm]: the solid stays, only the pores shrink.

    Args:
        coated_thickness_um: Dried coating before pressing [µm] (porosity ``COATED_POROSITY``).
        pressed_porosity: Porosity after pressing, below 1.
    """
    return coated_thickness_um * (1.0 - COATED_POROSITY) / (1.0 - pressed_porosity)


@methods_checked
@dataclass(frozen=True)
class PracticumCell:
    """A cell made in the virtual practicum, after its first charge and a test discharge.

    Attributes:
        preset: The base preset of the design.
        coated_thickness_um: Dried negative coating before pressing [µm].
        pressed_porosity: Negative electrode porosity after pressing.
        pressed_thickness_um: Negative electrode thickness after pressing [µm].
        electrolyte_fill: Electrolyte volume ÷ pore volume.
        wetted_fraction: Share of the electrodes the electrolyte reaches (0–1).
        first_charge_c_rate: First-charge current as a C-rate of the designed cell.
        test_c_rate: Test-discharge current as a C-rate of the designed cell.
        np_ratio: Negative-to-positive capacity ratio of the design.
        first_charge_hours: Time of the simulated first charge (CC-CV) [h].
        first_charge_cc_share: Share of the first charge put in before the CV phase.
        formation_loss_ah: Lithium used by the SEI at the first charge [Ah].
        discharge_capacity_ah: Test discharge, charge taken out [Ah] (after formation).
        voltage_v: Test discharge, cell voltage [V].
        design: The designed cell (fully wetted) with its own simulated discharge.
        first_charge: The simulated first charge of the wetted part.
    """

    preset: str
    coated_thickness_um: float
    pressed_porosity: float
    pressed_thickness_um: float
    electrolyte_fill: float
    wetted_fraction: float
    first_charge_c_rate: float
    test_c_rate: float
    np_ratio: float
    first_charge_hours: float
    first_charge_cc_share: float
    formation_loss_ah: float
    discharge_capacity_ah: np.ndarray
    voltage_v: np.ndarray
    design: CellDesign
    first_charge: ProtocolResult

    @property
    def capacity_ah(self) -> float:
        """Capacity delivered in the test discharge, after formation [Ah]."""
        return float(self.discharge_capacity_ah[-1])

    @property
    def energy_wh(self) -> float:
        """Energy delivered in the test discharge [Wh]."""
        return _trapezoid(self.voltage_v, self.discharge_capacity_ah)

    @property
    def average_voltage_v(self) -> float:
        """Energy ÷ capacity [V]."""
        return self.energy_wh / self.capacity_ah if self.capacity_ah > 0 else float("nan")

    @property
    def gravimetric_wh_kg(self) -> float:
        """Energy per mass of the electrode stack [Wh/kg] (as ``CellDesign`` counts it)."""
        return self.energy_wh / self.design.mass_kg

    @property
    def volumetric_wh_l(self) -> float:
        """Energy per volume of the electrode stack [Wh/L]: pressing makes it thinner."""
        return self.energy_wh / self.design.volume_l

    @property
    def plating_risk(self) -> bool:
        """True if the negative electrode holds less than the positive gives (N/P < 1)."""
        return self.np_ratio < 1.0

    @property
    def label(self) -> str:
        """Coating, porosity and electrolyte fill (the default legend entry)."""
        return text(
            f"塗工 {self.coated_thickness_um:.0f} $\\mu$m・空隙率 {self.pressed_porosity:.2f}・"
            f"電解液 {self.electrolyte_fill:.1f}",
            f"coat {self.coated_thickness_um:.0f} $\\mu$m, porosity {self.pressed_porosity:.2f}, "
            f"fill {self.electrolyte_fill:.1f}",
        )

    def notes_ja(self) -> list[str]:
        """Plain-language remarks on the choices, for the learner."""
        notes = []
        if self.plating_risk:
            notes.append(
                f"N/P 比が {self.np_ratio:.2f} で 1 より小さく、負極が正極より少なすぎます。"
                "充電のとき、負極に入りきらないリチウムが金属として出てくるおそれがあり、危険です。"
            )
        if self.wetted_fraction < 1.0:
            notes.append(
                f"電解液が足りず、電極の {self.wetted_fraction:.0%} にしかしみこんでいません。"
                "しみこまなかった部分は使えません。"
            )
        elif self.electrolyte_fill > 1.3:
            notes.append(
                "電解液が多すぎます。性能は上がらず、封をするときにもれるおそれがあります。"
            )
        if self.pressed_porosity >= COATED_POROSITY:
            notes.append("プレスしていないので、電極が厚く、同じ体積に入る材料が少なくなります。")
        return notes

    def summary(self) -> dict[str, float]:
        """The choices and results as one row (for ``pandas.DataFrame([...])``)."""
        return {
            "coated_thickness_um": self.coated_thickness_um,
            "pressed_porosity": self.pressed_porosity,
            "pressed_thickness_um": self.pressed_thickness_um,
            "electrolyte_fill": self.electrolyte_fill,
            "first_charge_c_rate": self.first_charge_c_rate,
            "np_ratio": self.np_ratio,
            "first_charge_hours": self.first_charge_hours,
            "formation_loss_ah": self.formation_loss_ah,
            "capacity_ah": self.capacity_ah,
            "energy_wh": self.energy_wh,
            "average_voltage_v": self.average_voltage_v,
            "gravimetric_wh_kg": self.gravimetric_wh_kg,
            "volumetric_wh_l": self.volumetric_wh_l,
        }

    def plot(self, ax: Any = None, label: str | None = None) -> Any:
        """The test discharge: voltage against capacity taken out.

        Args:
            ax: Matplotlib axes to draw on; ``None`` makes a new figure.
            label: Legend entry; ``None`` uses the result's :attr:`label`.
        """
        ax = plots.axes(ax)
        ax.plot(self.discharge_capacity_ah, self.voltage_v, label=label or self.label)
        return plots.finish(ax, "capacity", "voltage")


@keywords_checked
def practicum_cell(
    coated_thickness_um: float = 140.0,
    pressed_porosity: float = 0.3,
    electrolyte_fill: float = 1.0,
    first_charge_c_rate: float = 0.2,
    test_c_rate: float = 0.2,
    base: str = BASE,
) -> PracticumCell:
    """Make a cell from the four steps' choices, charge it for the first time and test it.

    Args:
        coated_thickness_um: Dried negative coating before pressing [µm] (20–250).
        pressed_porosity: Negative porosity after pressing (0.2–0.5; 0.5 = not pressed).
        electrolyte_fill: Electrolyte volume ÷ pore volume (0.3–2; 1 fills the pores).
        first_charge_c_rate: First-charge current, C-rate of the designed cell (0.05–1).
        test_c_rate: Test-discharge current, C-rate of the designed cell (0.05–1).
        base: The ``design_cell`` base preset (default: the laminate ``"lco_graphite"``).

    Raises:
        LabInputError: if a choice is outside its range above, ``base`` is not a design base,
            or the resulting design is refused by ``design_cell`` (e.g. N/P outside 0.5–3).
        LabSimulationError: if the first charge or the test discharge cannot finish.
    """
    coated = number_in_range(
        "coated_thickness_um",
        coated_thickness_um,
        *COATED_THICKNESS_RANGE_UM,
        "µm",
        label_ja="塗工の厚さ（プレス前）",
    )
    porosity = number_in_range(
        "pressed_porosity",
        pressed_porosity,
        *PRESSED_POROSITY_RANGE,
        "",
        label_ja="プレス後の空隙率",
    )
    fill = number_in_range(
        "electrolyte_fill",
        electrolyte_fill,
        *ELECTROLYTE_FILL_RANGE,
        "",
        label_ja="電解液の量（すき間の体積に対する割合）",
    )
    charge_rate = number_in_range(
        "first_charge_c_rate",
        first_charge_c_rate,
        *CHARGE_RATE_RANGE,
        "C",
        label_ja="初回充電の電流（C レート）",
    )
    test_rate = number_in_range(
        "test_c_rate", test_c_rate, *CHARGE_RATE_RANGE, "C", label_ja="放電試験の電流（C レート）"
    )
    wetted = min(1.0, fill)
    thickness = pressed_thickness_um(coated, porosity)
    # the wetted part carries the whole current: its C-rate is the cell's divided by its share
    design = design_cell(
        base,
        negative_thickness_um=thickness,
        negative_porosity=porosity,
        c_rate=test_rate / wetted,
    )
    charge = design.cell.charge(c_rate=charge_rate / wetted)
    cc = charge.step == 0
    charged_ah = charge.capacity_ah
    cc_ah = abs(charge.discharge_capacity_ah[cc][-1] - charge.discharge_capacity_ah[0])
    capacity = wetted * design.discharge.discharge_capacity_ah
    voltage = design.discharge.voltage_v
    simulated_ah = float(capacity[-1])
    np_ratio = design.np_ratio
    # lithium used by the SEI, in proportion to the (wetted) graphite
    loss = SEI_LOSS_SHARE * simulated_ah * max(np_ratio, 1.0)
    lithium_left = simulated_ah * max(1.0, 1.0 / np_ratio) - loss
    kept_ah = max(0.0, min(simulated_ah, lithium_left))
    if kept_ah < simulated_ah:  # the graphite runs out of lithium: cut the curve there
        keep = capacity < kept_ah
        v_end = float(np.interp(kept_ah, capacity, voltage))
        capacity = np.concatenate([capacity[keep], [kept_ah, kept_ah]])
        voltage = np.concatenate([voltage[keep], [v_end, design.cell.preset.voltage_min_v]])
    return PracticumCell(
        preset=base,
        coated_thickness_um=coated,
        pressed_porosity=porosity,
        pressed_thickness_um=thickness,
        electrolyte_fill=fill,
        wetted_fraction=wetted,
        first_charge_c_rate=charge_rate,
        test_c_rate=test_rate,
        np_ratio=np_ratio,
        first_charge_hours=charge.duration_s / 3600.0,
        first_charge_cc_share=cc_ah / charged_ah if charged_ah > 0 else float("nan"),
        formation_loss_ah=loss,
        discharge_capacity_ah=capacity,
        voltage_v=voltage,
        design=design,
        first_charge=charge,
    )
