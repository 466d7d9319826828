"""Sizing a battery for a school's solar panels: a back-of-the-envelope calculator for h01.

Every input is a number the teacher can change. Defaults are labelled assumptions:
- ``kwh_per_kw_day`` 2.7: 1 kW of panels yields about 1,000 kWh a year in Japan (a rule of
  thumb of the Japan Photovoltaic Energy Association, JPEA, quoted by secondary sources),
  i.e. about 2.7 kWh a day on average; it depends strongly on place, season and weather.
- The cell: the LG M50 (21700), about 5 Ah (Chen et al., J. Electrochem. Soc. 167 (2020)
  080534) at an average voltage of about 3.6 V.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from denchi.validation import number_in_range

KWH_PER_KW_DAY = 1000.0 / 365.0  # JPEA rule of thumb, about 2.7 kWh per kW per day
M50_CAPACITY_AH = 5.0
M50_VOLTAGE_V = 3.6  # an assumed average voltage; source: not recorded


@dataclass(frozen=True)
class StorageSizing:
    """Each step of the calculation, so a page can show how the answer comes about.

    Attributes:
        daily_pv_kwh: Average daily yield of the panels [kWh/day].
        evening_load_kwh: Energy used in the evening [kWh].
        battery_kwh: Battery capacity that covers the evening [kWh].
        cell_wh: Energy of one cell [Wh].
        cells: Whole number of cells needed.
    """

    daily_pv_kwh: float
    evening_load_kwh: float
    battery_kwh: float
    cell_wh: float
    cells: int

    @property
    def pv_covers_evening(self) -> bool:
        """Whether a sunny day's yield is at least the evening load."""
        return self.daily_pv_kwh >= self.evening_load_kwh


def daily_pv_kwh(panel_kw: float, kwh_per_kw_day: float = KWH_PER_KW_DAY) -> float:
    """Average daily yield of solar panels: rated power × yield per kW and day.

    Args:
        panel_kw: Rated power of the panels [kW], 0 to 10,000.
        kwh_per_kw_day: Yield per kW of panels and day [kWh/(kW day)], 0 to 8; default about
            2.7, the JPEA rule of thumb of 1,000 kWh per kW and year, divided by 365.

    Returns:
        Daily yield [kWh/day].

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.

    References:
        JPEA rule of thumb as quoted by a secondary source (TEPCO EP, EV DAYS, 2022,
        ``tepco2022pv``).
    """
    kw = number_in_range("panel_kw", panel_kw, 0.0, 10_000.0, "kW", label_ja="パネルの出力")
    yield_ = number_in_range(
        "kwh_per_kw_day", kwh_per_kw_day, 0.0, 8.0, "kWh/kW", label_ja="1 kW あたりの 1 日の発電量"
    )
    return kw * yield_


def battery_kwh(evening_load_kwh: float, usable_fraction: float = 1.0) -> float:
    """Battery capacity that covers a load when only part of it may be used: load / fraction.

    Args:
        evening_load_kwh: Energy the battery must deliver [kWh], 0 to 1e6.
        usable_fraction: Share of the capacity that may be used, 0.1 to 1 (default 1).

    Returns:
        Battery capacity [kWh].

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.
    """
    load = number_in_range(
        "evening_load_kwh", evening_load_kwh, 0.0, 1e6, "kWh", label_ja="夜に使う電力量"
    )
    usable = number_in_range(
        "usable_fraction", usable_fraction, 0.1, 1.0, "", label_ja="使ってよい容量の割合"
    )
    return load / usable


def cells_needed(
    battery_kwh: float, cell_ah: float = M50_CAPACITY_AH, cell_v: float = M50_VOLTAGE_V
) -> int:
    """Whole number of cells whose energy (Ah × V) adds up to at least ``battery_kwh``.

    Args:
        battery_kwh: Battery capacity [kWh], 0 to 1e6.
        cell_ah: Capacity of one cell [Ah], 0.01 to 1000; default 5 Ah, the LG M50
            (Chen et al., J. Electrochem. Soc. 167 (2020) 080534, ``chen2020``).
        cell_v: Average voltage of one cell [V], 0.5 to 5; default 3.6 V (an assumption for
            a lithium-ion cell; source: not recorded).

    Returns:
        Number of cells (rounded up).

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.
    """
    kwh = number_in_range("battery_kwh", battery_kwh, 0.0, 1e6, "kWh", label_ja="電池の容量")
    ah = number_in_range("cell_ah", cell_ah, 0.01, 1000.0, "Ah", label_ja="セルの容量")
    volts = number_in_range("cell_v", cell_v, 0.5, 5.0, "V", label_ja="セルの電圧")
    return math.ceil(round(kwh * 1000.0 / (ah * volts), 9))


def size_storage(
    panel_kw: float,
    evening_kw: float,
    evening_hours: float,
    *,
    kwh_per_kw_day: float = KWH_PER_KW_DAY,
    usable_fraction: float = 1.0,
    cell_ah: float = M50_CAPACITY_AH,
    cell_v: float = M50_VOLTAGE_V,
) -> StorageSizing:
    """Daily PV yield, evening energy, battery size and number of cells, step by step.

    Args:
        panel_kw: Rated power of the panels [kW], 0 to 10,000.
        evening_kw: Power used in the evening [kW], 0 to 10,000.
        evening_hours: Hours of evening use [h], 0 to 24.
        kwh_per_kw_day: Yield per kW of panels and day [kWh/(kW day)], 0 to 8 (default: the
            JPEA rule of thumb, see :func:`daily_pv_kwh`).
        usable_fraction: Share of the battery that may be used, 0.1 to 1 (default 1).
        cell_ah: Capacity of one cell [Ah], 0.01 to 1000 (default 5 Ah, LG M50).
        cell_v: Average voltage of one cell [V], 0.5 to 5 (default 3.6 V).

    Returns:
        Every step of the calculation (:class:`StorageSizing`).

    Raises:
        denchi.errors.InputError: If an argument is out of range or not a number.

    References:
        ``tepco2022pv`` (panel yield), ``chen2020`` (cell capacity); see :func:`daily_pv_kwh`
        and :func:`cells_needed`.
    """
    power = number_in_range("evening_kw", evening_kw, 0.0, 10_000.0, "kW", label_ja="夜の消費電力")
    hours = number_in_range("evening_hours", evening_hours, 0.0, 24.0, "h", label_ja="使う時間")
    load = power * hours
    capacity = battery_kwh(load, usable_fraction)
    return StorageSizing(
        daily_pv_kwh=daily_pv_kwh(panel_kw, kwh_per_kw_day),
        evening_load_kwh=load,
        battery_kwh=capacity,
        cell_wh=cell_ah * cell_v,
        cells=cells_needed(capacity, cell_ah, cell_v),
    )
