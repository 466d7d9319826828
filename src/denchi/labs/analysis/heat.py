"""Heat generation of a discharge (the reference analysis of lab e05).

Bernardi et al.'s energy balance splits the heat a cell generates at current I (positive
while discharging) into an irreversible and a reversible part::

    q = I (U_ocv − V)  −  I T dU_ocv/dT
        irreversible      reversible (entropic)

The irreversible part (ohmic, kinetic and concentration overpotentials) is always positive;
the reversible part changes sign with the current and with the entropic coefficient
dU_ocv/dT. The entropic coefficient of the ``nmc_graphite`` cell comes from O'Regan et al.'s
measurements on the LG M50 (PyBaMM's ``ORegan2022`` parameter set); the simulated
temperature of a ``thermal="lumped"`` cell includes the irreversible heat only, because the
preset's own parameter set has no entropic coefficient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from denchi.labs.api.ocv import OCVResult
from denchi.labs.api.results import CyclerRecord, results_checked
from denchi.labs.errors import LabInputError, keywords_checked, methods_checked
from denchi.validation import number_array, number_in_range, one_of

ENTROPY_PARAMETER_SET = "ORegan2022"  # measured entropic coefficients of the LG M50


@keywords_checked
@results_checked
def state_of_charge(record: CyclerRecord) -> np.ndarray:
    """SOC along a record that starts full, from the charge taken out and the nominal capacity.

    Args:
        record: A discharge record (shape (n,) per sample) that starts from a full cell.

    Returns:
        SOC in 0–1, shape (n,).

    Raises:
        LabInputError: if ``record`` is not a ``CyclerRecord`` (checked by ``results_checked``).
    """
    moved = record.discharge_capacity_ah - record.discharge_capacity_ah[0]
    return np.clip(1.0 - moved / record.nominal_capacity_ah, 0.0, 1.0)


@keywords_checked
@results_checked
def irreversible_heat_w(record: CyclerRecord, ocv: OCVResult) -> np.ndarray:
    """I (U_ocv − V) [W] at every sample: the OCV looked up at the record's SOC.

    Args:
        record: A discharge record that starts from a full cell, n samples.
        ocv: The cell's open-circuit voltage curve (``Cell.ocv()``).

    Returns:
        Heat power [W], shape (n,).

    Raises:
        LabInputError: if ``record`` or ``ocv`` is not the kind of result named above.
    """
    u_ocv = np.interp(state_of_charge(record), ocv.soc, ocv.voltage_v)
    return record.current_a * (u_ocv - record.voltage_v)


@keywords_checked
def entropic_coefficient_v_per_k(soc: np.ndarray, preset: str = "nmc_graphite") -> np.ndarray:
    """dU_ocv/dT of the cell [V/K] at the given SOC: positive minus negative electrode, at
    the stoichiometries of the preset's voltage window (O'Regan et al., LG M50).

    Args:
        soc: State of charge in 0–1, any shape (a number too); the result has the same shape.
        preset: The cell preset; only ``"nmc_graphite"`` has measured coefficients.

    Raises:
        LabInputError: if ``soc`` is not numbers in 0–1 or ``preset`` is not
            ``"nmc_graphite"``.
        LabSimulationError: if PyBaMM cannot evaluate the stoichiometry window or the
            coefficients.
    """
    state = number_array("soc", soc, 0.0, 1.0, "", label_ja="充電率 soc", any_shape=True)
    if not isinstance(preset, str) or preset != "nmc_graphite":
        raise LabInputError(
            "preset",
            'エントロピー係数（dU/dT）の測定値があるのは preset="nmc_graphite"（LG M50）'
            f"だけです（指定値: {preset!r:.60}）。",
            'Measured entropic coefficients (dU/dT) exist for preset="nmc_graphite" '
            f"(LG M50) only (got {preset!r:.60}).",
        )
    from denchi.labs import engine
    from denchi.labs.engine.presets import get_preset
    from denchi.telemetry import import_pybamm

    spec = engine.ModelSpec(get_preset(preset), "spm")
    x_0, x_100, y_100, y_0 = engine.stoichiometry_window(spec)
    with engine.pybamm_call("soc", "", ""):
        params = import_pybamm().ParameterValues(ENTROPY_PARAMETER_SET)
        d_pos = params["Positive electrode OCP entropic change [V.K-1]"]
        d_neg = params["Negative electrode OCP entropic change [V.K-1]"]
        return np.asarray(
            d_pos(y_0 + state * (y_100 - y_0)) - d_neg(x_0 + state * (x_100 - x_0)), dtype=float
        )


@keywords_checked
@results_checked
def reversible_heat_w(record: CyclerRecord) -> np.ndarray:
    """−I T dU_ocv/dT [W] at every sample (T the cell temperature in kelvin).

    Args:
        record: A discharge record of an ``nmc_graphite`` cell that starts full, n samples.

    Returns:
        Heat power [W], shape (n,).

    Raises:
        LabInputError: if ``record`` is not a ``CyclerRecord`` or its preset is not
            ``nmc_graphite``.
        LabSimulationError: if PyBaMM cannot evaluate the entropic coefficient.
    """
    dudt = entropic_coefficient_v_per_k(state_of_charge(record), record.preset)
    return -record.current_a * (record.temperature_c + 273.15) * dudt


@methods_checked
@dataclass(frozen=True)
class HeatBalance:
    """Heat generated along a record.

    Attributes:
        time_s: Time [s].
        irreversible_w: I (U_ocv − V) [W].
        reversible_w: −I T dU_ocv/dT [W].
    """

    time_s: np.ndarray
    irreversible_w: np.ndarray
    reversible_w: np.ndarray

    @property
    def total_w(self) -> np.ndarray:
        """Irreversible plus reversible heat [W]."""
        return self.irreversible_w + self.reversible_w

    def energy_j(self, part: str = "total") -> float:
        """Time integral of ``"irreversible"``, ``"reversible"`` or ``"total"`` heat [J].

        Args:
            part: ``"irreversible"``, ``"reversible"`` or ``"total"``.

        Raises:
            LabInputError: if ``part`` is none of the three names.
        """
        powers = {
            "irreversible": self.irreversible_w,
            "reversible": self.reversible_w,
            "total": self.total_w,
        }
        power = powers[one_of("part", part, powers, label_ja="熱の種類 part")]
        return float(np.trapezoid(power, self.time_s))

    def mean_w(self, part: str = "total") -> float:
        """Average heat power over the record [W].

        Args:
            part: ``"irreversible"``, ``"reversible"`` or ``"total"``.

        Raises:
            LabInputError: if ``part`` is none of the three names.
        """
        return self.energy_j(part) / float(self.time_s[-1] - self.time_s[0])


@keywords_checked
@results_checked
def heat_generation(record: CyclerRecord, ocv: OCVResult) -> HeatBalance:
    """Irreversible and reversible heat of a record that starts from a full cell.

    Args:
        record: A discharge record of an ``nmc_graphite`` cell that starts full.
        ocv: The cell's open-circuit voltage curve (``Cell.ocv()``).

    Raises:
        LabInputError: if ``record`` or ``ocv`` is not the kind of result named above, or the
            record's preset is not ``nmc_graphite``.
        LabSimulationError: if PyBaMM cannot evaluate the entropic coefficient.
    """
    return HeatBalance(
        time_s=record.time_s - record.time_s[0],
        irreversible_w=irreversible_heat_w(record, ocv),
        reversible_w=reversible_heat_w(record),
    )


@keywords_checked
@results_checked
def time_to_temperature_s(record: CyclerRecord, limit_c: float) -> float:
    """First time [s] the cell temperature reaches ``limit_c`` (linear interpolation between
    samples); ``nan`` if it never does.

    Args:
        record: A record with the cell temperature (``thermal="lumped"``).
        limit_c: Temperature limit [℃], −100 to 1000.

    Raises:
        LabInputError: if ``record`` is not a ``CyclerRecord`` or ``limit_c`` is not a
            number in −100–1000 ℃.
    """
    limit_c = number_in_range("limit_c", limit_c, -100.0, 1000.0, "℃", label_ja="温度 limit_c")
    t = record.time_s - record.time_s[0]
    above = np.flatnonzero(record.temperature_c >= limit_c)
    if len(above) == 0:
        return float("nan")
    k = int(above[0])
    if k == 0:
        return 0.0
    t0, t1 = t[k - 1], t[k]
    y0, y1 = record.temperature_c[k - 1], record.temperature_c[k]
    return float(t0 + (limit_c - y0) * (t1 - t0) / (y1 - y0))
