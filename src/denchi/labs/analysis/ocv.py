"""Reference analysis of OCV curves (lab e02): incremental capacity dQ/dV by voltage
binning, differential voltage dV/dQ, peak finding, the cell's two dQ/dV peaks by name (their
position and height, and how they change with ageing), and degradation modes (loss of lithium
inventory, loss of active material) emulated from the electrodes' open-circuit potentials.

The degradation-mode emulation follows the mechanistic approach of Dubarry et al. and Birkl
et al.: the cell's OCV is the difference of the two electrodes' potentials; losing cyclable
lithium slides the electrodes against each other, losing active material shrinks one
electrode's capacity. Loss of lithium inventory shows in the NMC811/graphite cell as a change
of the heights of its two nearly equal dQ/dV peaks, which move by millivolts only; "the tallest
peak" jumps from one to the other, so lab e02 follows a named peak (:func:`named_peak`,
:func:`peak_change`). The assignment of lab e02 grades each student's analysis against these
functions applied to the student's own data (:func:`measured_slow_discharge`,
:func:`measured_aged_ocv`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from denchi.labs.api.instrument import seeded
from denchi.labs.api.ocv import OCVResult
from denchi.labs.api.results import DischargeResult, results_checked
from denchi.labs.errors import LabInputError
from denchi.labs.seeds import seed_number
from denchi.validation import number_in_range

_AGED_STREAM = 3  # random stream (with the seed) of an aged cell's lithium loss


def incremental_capacity(
    capacity_ah: np.ndarray, voltage_v: np.ndarray, bin_v: float = 0.01
) -> tuple[np.ndarray, np.ndarray]:
    """dQ/dV [Ah/V] by voltage binning: the charge that flowed while the voltage was in each
    bin of width ``bin_v``, divided by ``bin_v``. Returns (bin centres [V], dQ/dV).

    Binning needs no smoothing of noisy data and works for charge and discharge alike
    (the charge counts positive either way).

    Args:
        capacity_ah: Charge moved [Ah], 1-D, shape (n,), n ≥ 3.
        voltage_v: Cell voltage [V], shape (n,).
        bin_v: Width of the voltage bins [V], 1e-4 to 0.5.

    Raises:
        LabInputError: if ``bin_v`` is outside 1e-4–0.5 V or the two arrays are not 1-D of
            the same length with at least 3 points.
    """
    q = np.asarray(capacity_ah, dtype=float)
    v = np.asarray(voltage_v, dtype=float)
    width = number_in_range("bin_v", bin_v, 1e-4, 0.5, "V", label_ja="電圧の区間幅")
    if q.shape != v.shape or q.ndim != 1 or len(q) < 3:
        raise LabInputError(
            "capacity_ah",
            "容量と電圧は、同じ長さ（3 点以上）の 1 次元の数列にしてください。",
            "capacity and voltage must be 1-D sequences of the same length (at least 3).",
        )
    dq = np.abs(np.diff(q))
    v_mid = 0.5 * (v[1:] + v[:-1])
    edges = np.arange(np.floor(v.min() / width) * width, v.max() + width, width)
    charge, edges = np.histogram(v_mid, bins=edges, weights=dq)
    return 0.5 * (edges[1:] + edges[:-1]), charge / width


def differential_voltage(
    capacity_ah: np.ndarray, voltage_v: np.ndarray, bin_ah: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """dV/dQ [V/Ah]: the voltage change over each capacity bin of width ``bin_ah``, from the
    mean voltage in each bin. Returns (bin centres [Ah], the absolute value ``abs(dV/dQ)``).

    Args:
        capacity_ah: Charge moved [Ah], 1-D, shape (n,) (counted from its first value).
        voltage_v: Cell voltage [V], shape (n,).
        bin_ah: Width of the capacity bins [Ah], 1e-4 to 10.

    Raises:
        LabInputError: if ``bin_ah`` is outside 1e-4–10 Ah.
    """
    q = np.abs(np.asarray(capacity_ah, dtype=float) - capacity_ah[0])
    v = np.asarray(voltage_v, dtype=float)
    width = number_in_range("bin_ah", bin_ah, 1e-4, 10.0, "Ah", label_ja="容量の区間幅")
    edges = np.arange(0.0, q.max() + width, width)
    index = np.digitize(q, edges) - 1
    counts = np.bincount(index, minlength=len(edges))[: len(edges) - 1]
    sums = np.bincount(index, weights=v, minlength=len(edges))[: len(edges) - 1]
    filled = counts > 0
    centres = 0.5 * (edges[1:] + edges[:-1])[filled]
    mean_v = sums[filled] / counts[filled]
    return 0.5 * (centres[1:] + centres[:-1]), np.abs(np.diff(mean_v) / np.diff(centres))


def peak_positions(
    x: np.ndarray, y: np.ndarray, prominence: float = 0.1, count: int | None = None
) -> np.ndarray:
    """x of the peaks of ``y`` that stand out by at least ``prominence`` times the highest
    value (scipy.signal.find_peaks), highest peak first; at most ``count`` of them.

    Args:
        x: Positions, shape (n,) (e.g. bin centres [V] from :func:`incremental_capacity`).
        y: Values at ``x``, shape (n,); NaN counts as 0.
        prominence: Least prominence as a fraction of ``max(y)``.
        count: Most peaks returned; ``None`` for all.
    """
    from scipy.signal import find_peaks

    values = np.nan_to_num(np.asarray(y, dtype=float))
    found, _ = find_peaks(values, prominence=prominence * float(values.max()))
    order = np.argsort(values[found])[::-1]
    return np.asarray(x, dtype=float)[found[order]][:count]


#: The two dQ/dV peaks of the NMC811/graphite cell (``nmc_graphite``) by name, each with the
#: voltage window [V] that holds it in the fresh cell and after up to about 16 % loss of
#: lithium inventory. The peaks are nearly equally tall, so "the tallest peak" switches from
#: one to the other at about 2 % LLI; a named peak is followed instead.
NAMED_PEAKS_V = {"low": (3.60, 3.76), "high": (3.76, 3.95)}


class Peak(NamedTuple):
    """A dQ/dV peak: where it is [V] and how tall it is [Ah/V]."""

    position_v: float
    height_ah_per_v: float


def named_peak(
    capacity_ah: np.ndarray, voltage_v: np.ndarray, name: str = "high", bin_v: float = 0.01
) -> Peak:
    """The dQ/dV peak called ``name`` (a key of :data:`NAMED_PEAKS_V`): its position, the
    dQ/dV-weighted mean voltage of the bins above half the peak's height (steadier than
    the tallest bin, which moves in steps of ``bin_v``), and its height, the tallest bin.

    Args:
        capacity_ah: Charge moved [Ah], 1-D, shape (n,), n ≥ 3.
        voltage_v: Cell voltage [V], shape (n,).
        name: A key of :data:`NAMED_PEAKS_V` (``"low"`` or ``"high"``).
        bin_v: Width of the voltage bins [V], 1e-4 to 0.5.

    Raises:
        LabInputError: for an unknown name, no data in the peak's window, ``bin_v`` out of
            range, or arrays of different lengths.
    """
    if name not in NAMED_PEAKS_V:
        names = ", ".join(NAMED_PEAKS_V)
        raise LabInputError(
            "name",
            f"ピークの名前 {name!r} はありません。次から選んでください: {names}",
            f"No peak called {name!r}. Choose one of: {names}",
        )
    low_v, high_v = NAMED_PEAKS_V[name]
    centres, values = incremental_capacity(capacity_ah, voltage_v, bin_v)
    inside = (centres > low_v) & (centres < high_v)
    if not inside.any() or not np.any(values[inside] > 0):
        raise LabInputError(
            "voltage_v",
            f"ピーク {name} の範囲（{low_v:g}〜{high_v:g} V）にデータがありません。",
            f"No data in the window of peak {name} ({low_v:g} to {high_v:g} V).",
        )
    x, y = centres[inside], values[inside]
    top = y >= 0.5 * y.max()
    return Peak(float(np.sum(x[top] * y[top]) / np.sum(y[top])), float(y.max()))


class PeakChange(NamedTuple):
    """How a named dQ/dV peak changed from a fresh to an aged cell (aged minus fresh)."""

    shift_v: float
    height_change_ah_per_v: float


@results_checked
def peak_change(
    fresh: OCVResult, aged: OCVResult, name: str = "low", bin_v: float = 0.01
) -> PeakChange:
    """How the dQ/dV peak called ``name`` changed from ``fresh`` to ``aged``: the shift of its
    position [V] and the change of its height [Ah/V], aged minus fresh, each from
    :func:`named_peak` of the OCV curve against the charge from empty (``soc * capacity_ah``).

    Lab e02 reads loss of lithium inventory from this change: in the NMC811/graphite cell the
    low peak loses height while both peaks move by millivolts only.

    Args:
        fresh: OCV curve of the fresh cell.
        aged: OCV curve of the aged cell.
        name: A key of :data:`NAMED_PEAKS_V` (``"low"`` or ``"high"``).
        bin_v: Width [V] of the voltage bins of dQ/dV.

    Raises:
        LabInputError: for a curve that is not an ``OCVResult``, an unknown name, no data
            in the peak's window, or ``bin_v`` outside 1e-4–0.5 V.
    """
    before, after = (
        named_peak(o.soc * o.capacity_ah, o.voltage_v, name, bin_v) for o in (fresh, aged)
    )
    return PeakChange(
        after.position_v - before.position_v, after.height_ah_per_v - before.height_ah_per_v
    )


def degraded_ocv(
    chemistry: str = "nmc_graphite",
    lli: float = 0.0,
    lam_ne: float = 0.0,
    lam_pe: float = 0.0,
    points: int = 401,
) -> OCVResult:
    """The open-circuit voltage of an aged cell between the preset's voltage limits.

    Args:
        chemistry: A lithium-ion preset with single-material electrodes.
        lli: Loss of lithium inventory, as a fraction of the fresh cell's capacity.
        lam_ne: Loss of (delithiated) active material of the negative electrode, a fraction.
        lam_pe: Loss of (delithiated) active material of the positive electrode, a fraction.
        points: Points of the returned curve.

    Capacities are counted in units of the fresh cell's capacity between the voltage limits
    (that of ``Cell(chemistry).ocv()``); ``capacity_ah`` of the result is the aged capacity.

    Raises:
        LabInputError: if a loss is outside 0–0.5 or ``chemistry`` is not a preset.
        LabSimulationError: if PyBaMM cannot compute the electrode potentials.
    """
    from denchi.labs import engine
    from denchi.labs.api.cell import Cell

    losses = {
        name: number_in_range(name, value, 0.0, 0.5, "", label_ja="劣化の割合")
        for name, value in (("lli", lli), ("lam_ne", lam_ne), ("lam_pe", lam_pe))
    }
    cell = Cell(chemistry)
    spec = cell._spec
    with engine.pybamm_call("chemistry", "", "") as pybamm:
        params = engine.plain_parameter_values(spec, pybamm)
        x_0, x_100, y_100, y_0 = pybamm.lithium_ion.get_min_max_stoichiometries(params)
        q_n = (1.0 - losses["lam_ne"]) / (x_100 - x_0)
        q_p = (1.0 - losses["lam_pe"]) / (y_0 - y_100)
        lithium = x_100 / (x_100 - x_0) + y_100 / (y_0 - y_100) - losses["lli"]
        # x (negative stoichiometry) from where the positive is empty to where either is full
        x_low = max((lithium - q_p) / q_n, 1e-6)
        x_high = min(lithium / q_n, 1.0 - 1e-6)
        x = np.linspace(x_low, x_high, 4000)
        y = (lithium - x * q_n) / q_p

        def potential(name: str, sto: np.ndarray) -> np.ndarray:
            return params[name](pybamm.Vector(sto)).evaluate().ravel()

        positive = potential("Positive electrode OCP [V]", y)
        negative = potential("Negative electrode OCP [V]", x)
    voltage = np.maximum.accumulate(positive - negative)  # rises with x (charging)
    low, high = cell.preset.voltage_min_v, cell.preset.voltage_max_v
    x_empty = float(np.interp(low, voltage, x)) if voltage[0] < low else x_low
    x_full = float(np.interp(high, voltage, x)) if voltage[-1] > high else x_high
    fresh_ah = cell.ocv(points=3).capacity_ah
    soc = np.linspace(0.0, 1.0, int(points))
    x_soc = x_empty + soc * (x_full - x_empty)
    y_soc = (lithium - x_soc * q_n) / q_p
    pos = np.interp(y_soc, y[::-1], positive[::-1])
    neg = np.interp(x_soc, x, negative)
    return OCVResult(
        cell.preset.key,
        soc,
        pos - neg,
        pos,
        neg,
        capacity_ah=fresh_ah * (x_full - x_empty) * q_n,
    )


@seeded
def measured_slow_discharge(seed: int | str) -> DischargeResult:
    """Lab e02's pseudo-OCV measurement: the seeded NMC cell (DFN, 25 ℃) discharged at C/20,
    recorded every 20 s with 1 mV voltage noise. DFN, not SPMe: with the Chen2020 parameters the
    single-particle models bend the slow discharge curve below 30 % SOC (about 0.4 V at 20 %
    SOC), which would put false features into dQ/dV.

    Args:
        seed: The student id or a number that picks this student's cell and noise.

    Raises:
        LabInputError: if ``seed`` is not a non-negative integer or a 1–200 character string
            (checked by ``seeded`` before anything runs).
        LabSimulationError: if the simulation cannot finish.
    """
    from denchi.labs.api.cell import Cell
    from denchi.labs.api.instrument import Instrument

    cell = Cell("nmc_graphite", seed=seed)
    meter = Instrument(noise_v=0.001, noise_c=0.0, sample_s=20.0, seed=seed)
    return meter.measure(cell.discharge(c_rate=0.05))


@seeded
def aged_lli(seed: int | str) -> float:
    """The loss of lithium inventory (a fraction, 0.08 to 0.16) of the aged cell of ``seed``.

    Args:
        seed: The student id or a number that picks this student's cell.

    Raises:
        LabInputError: if ``seed`` is not a non-negative integer or a 1–200 character string
            (checked by ``seeded`` before anything runs).
    """
    rng = np.random.default_rng([seed_number(seed), _AGED_STREAM])
    return round(float(rng.uniform(0.08, 0.16)), 3)


@seeded
def measured_aged_ocv(seed: int | str) -> tuple[OCVResult, OCVResult]:
    """(fresh, aged) OCV curves of lab e02's assignment, each with 1 mV noise: the fresh
    cell and the cell that lost :func:`aged_lli` of its lithium inventory.

    Args:
        seed: The student id or a number that picks this student's cell and noise.

    Raises:
        LabInputError: if ``seed`` is not a non-negative integer or a 1–200 character string
            (checked by ``seeded`` before anything runs).
        LabSimulationError: if PyBaMM cannot compute the electrode potentials.
    """
    from denchi.labs.api.instrument import Instrument

    fresh = Instrument(noise_v=0.001, seed=seed).measure(degraded_ocv(points=4001))
    aged = Instrument(noise_v=0.001, seed=f"{seed}/aged").measure(
        degraded_ocv(lli=aged_lli(seed), points=4001)
    )
    return fresh, aged
