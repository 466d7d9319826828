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

from denchi.labs.api.instrument import kept, seeded
from denchi.labs.api.ocv import OCVResult
from denchi.labs.api.results import DischargeResult, results_checked
from denchi.labs.errors import LabInputError, keywords_checked
from denchi.labs.seeds import seed_number
from denchi.validation import integer_in_range, number_array, number_in_range, same_length

_AGED_STREAM = 3  # random stream (with the seed) of an aged cell's lithium loss
VOLTAGE_RANGE_V = (0.0, 10.0)  # a cell's voltage; millivolts (3700) are refused
CAPACITY_RANGE_AH = (-1e5, 1e5)  # charge moved, negative while charging
MAX_BINS = 1_000_000  # bins of one dQ/dV or dV/dQ curve (8 MB of counts)
_POSITIVE_OCP = "Positive electrode OCP [V]"  # PyBaMM's names of single-material electrodes
_NEGATIVE_OCP = "Negative electrode OCP [V]"


def _curve(capacity_ah: object, voltage_v: object, min_count: int) -> tuple[np.ndarray, np.ndarray]:
    """A charge–voltage curve checked: two 1-D series of the same length, at least
    ``min_count`` points, charge in :data:`CAPACITY_RANGE_AH`, voltage in
    :data:`VOLTAGE_RANGE_V`."""
    q = number_array(
        "capacity_ah",
        capacity_ah,
        *CAPACITY_RANGE_AH,
        "Ah",
        label_ja="容量 capacity_ah",
        min_count=min_count,
    )
    v = number_array(
        "voltage_v",
        voltage_v,
        *VOLTAGE_RANGE_V,
        "V",
        label_ja="電圧 voltage_v",
        min_count=min_count,
    )
    same_length("voltage_v", v, "capacity_ah", q, label_ja="電圧 voltage_v")
    return q, v


def _bins(name: str, label_ja: str, span: float, width: float, unit: str) -> None:
    """Refuse a bin width that cuts ``span`` into more than :data:`MAX_BINS` bins."""
    if span / width > MAX_BINS:
        raise LabInputError(
            name,
            f"{label_ja} が細かすぎます。{span:g} {unit}を {width:g} {unit}ずつに分けると区間が "
            f"{MAX_BINS} 個を超えます。{name} を {span / MAX_BINS:.2g} {unit}以上にしてください。",
            f"{name} is too fine: {span:g} {unit} in steps of {width:g} {unit} makes more than "
            f"{MAX_BINS} bins. Use {name} of at least {span / MAX_BINS:.2g} {unit}.",
        )


@keywords_checked
def incremental_capacity(
    capacity_ah: np.ndarray, voltage_v: np.ndarray, bin_v: float = 0.01
) -> tuple[np.ndarray, np.ndarray]:
    """dQ/dV [Ah/V] by voltage binning: the charge that flowed while the voltage was in each
    bin of width ``bin_v``, divided by ``bin_v``. Returns (bin centres [V], dQ/dV).

    Binning needs no smoothing of noisy data and works for charge and discharge alike
    (the charge counts positive either way).

    Args:
        capacity_ah: Charge moved [Ah], 1-D, shape (n,), n ≥ 3, finite (±1e5 Ah).
        voltage_v: Cell voltage [V], shape (n,), 0 to 10 V.
        bin_v: Width of the voltage bins [V], 1e-4 to 0.5.

    Raises:
        LabInputError: if ``bin_v`` is outside 1e-4–0.5 V or the two arrays are not 1-D
            series of numbers of the same length with at least 3 points in the ranges above.
    """
    q, v = _curve(capacity_ah, voltage_v, 3)
    width = number_in_range("bin_v", bin_v, 1e-4, 0.5, "V", label_ja="電圧の区間幅 bin_v")
    dq = np.abs(np.diff(q))
    v_mid = 0.5 * (v[1:] + v[:-1])
    edges = np.arange(np.floor(v.min() / width) * width, v.max() + width, width)
    charge, edges = np.histogram(v_mid, bins=edges, weights=dq)
    return 0.5 * (edges[1:] + edges[:-1]), charge / width


@keywords_checked
def differential_voltage(
    capacity_ah: np.ndarray, voltage_v: np.ndarray, bin_ah: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """dV/dQ [V/Ah]: the voltage change over each capacity bin of width ``bin_ah``, from the
    mean voltage in each bin. Returns (bin centres [Ah], the absolute value ``abs(dV/dQ)``).

    Args:
        capacity_ah: Charge moved [Ah], 1-D, shape (n,), n ≥ 2, finite (±1e5 Ah), counted
            from its first value.
        voltage_v: Cell voltage [V], shape (n,), 0 to 10 V.
        bin_ah: Width of the capacity bins [Ah], 1e-4 to 10, at most
            :data:`MAX_BINS` bins over the charge moved.

    Raises:
        LabInputError: if ``bin_ah`` is outside 1e-4–10 Ah or makes too many bins, or the
            two arrays are not 1-D series of numbers of the same length with at least 2
            points in the ranges above.
    """
    charge, v = _curve(capacity_ah, voltage_v, 2)
    q = np.abs(charge - charge[0])
    width = number_in_range("bin_ah", bin_ah, 1e-4, 10.0, "Ah", label_ja="容量の区間幅 bin_ah")
    _bins("bin_ah", "容量の区間幅 bin_ah", float(q.max()), width, "Ah")
    edges = np.arange(0.0, q.max() + width, width)
    index = np.digitize(q, edges) - 1
    counts = np.bincount(index, minlength=len(edges))[: len(edges) - 1]
    sums = np.bincount(index, weights=v, minlength=len(edges))[: len(edges) - 1]
    filled = counts > 0
    centres = 0.5 * (edges[1:] + edges[:-1])[filled]
    mean_v = sums[filled] / counts[filled]
    return 0.5 * (centres[1:] + centres[:-1]), np.abs(np.diff(mean_v) / np.diff(centres))


@keywords_checked
def peak_positions(
    x: np.ndarray, y: np.ndarray, prominence: float = 0.1, count: int | None = None
) -> np.ndarray:
    """x of the peaks of ``y`` that stand out by at least ``prominence`` times the highest
    value (scipy.signal.find_peaks), highest peak first; at most ``count`` of them.

    Args:
        x: Positions, shape (n,), n ≥ 1, finite (e.g. bin centres [V] from
            :func:`incremental_capacity`).
        y: Values at ``x``, shape (n,); NaN counts as 0 (a gap), infinity is refused.
        prominence: Least prominence as a fraction of ``max(y)``, 0 to 1.
        count: Most peaks returned (1 to 10000); ``None`` for all.

    Returns:
        The peaks' positions, in the unit of ``x``, shape (m,), m ≤ ``count``.

    Raises:
        LabInputError: if ``x`` and ``y`` are not 1-D series of numbers of the same length,
            ``prominence`` is outside 0–1 or ``count`` is not a whole number in 1–10000.
    """
    from scipy.signal import find_peaks

    positions = number_array("x", x, -np.inf, np.inf, "", label_ja="位置 x")
    raw = number_array("y", y, -np.inf, np.inf, "", label_ja="値 y", nan_allowed=True)
    same_length("y", raw, "x", positions, label_ja="値 y")
    share = number_in_range("prominence", prominence, 0.0, 1.0, "", label_ja="目立ち prominence")
    most = (
        None if count is None else integer_in_range("count", count, 1, 10_000, label_ja="数 count")
    )
    values = np.nan_to_num(raw)
    found, _ = find_peaks(values, prominence=share * float(values.max()))
    order = np.argsort(values[found])[::-1]
    return positions[found[order]][:most]


#: The two dQ/dV peaks of the NMC811/graphite cell (``nmc_graphite``) by name, each with the
#: voltage window [V] that holds it in the fresh cell and after up to about 16 % loss of
#: lithium inventory. The peaks are nearly equally tall, so "the tallest peak" switches from
#: one to the other at about 2 % LLI; a named peak is followed instead.
NAMED_PEAKS_V = {"low": (3.60, 3.76), "high": (3.76, 3.95)}


class Peak(NamedTuple):
    """A dQ/dV peak: where it is [V] and how tall it is [Ah/V]."""

    position_v: float
    height_ah_per_v: float


@keywords_checked
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
            range, or arrays that are not 1-D series of numbers of the same length (as
            :func:`incremental_capacity`).
    """
    if not isinstance(name, str) or name not in NAMED_PEAKS_V:
        names = ", ".join(NAMED_PEAKS_V)
        raise LabInputError(
            "name",
            f"ピークの名前 name={name!r:.60} はありません。次から選んでください: {names}",
            f"No peak called name={name!r:.60}. Choose one of: {names}",
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


@keywords_checked
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


@keywords_checked
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
        points: Points of the returned curve, 3 to 10000 (as ``Cell.ocv``).

    Capacities are counted in units of the fresh cell's capacity between the voltage limits
    (that of ``Cell(chemistry).ocv()``); ``capacity_ah`` of the result is the aged capacity.

    Raises:
        LabInputError: if a loss is outside 0–0.5, ``points`` is not a whole number in
            3–10000, or ``chemistry`` is not a preset or has an electrode of more than one
            material (``graphite_siox``) or none (``lead_acid``).
        LabSimulationError: if PyBaMM cannot compute the electrode potentials.
    """
    from denchi.labs import engine
    from denchi.labs.api.cell import Cell

    losses = {
        name: number_in_range(name, value, 0.0, 0.5, "", label_ja=f"劣化の割合 {name}")
        for name, value in (("lli", lli), ("lam_ne", lam_ne), ("lam_pe", lam_pe))
    }
    count = integer_in_range("points", points, 3, 10_000, label_ja="点の数 points")
    cell = Cell(chemistry)
    spec = cell._spec
    with engine.pybamm_call("chemistry", "", "") as pybamm:
        params = engine.plain_parameter_values(spec, pybamm)
        if not {_POSITIVE_OCP, _NEGATIVE_OCP} <= set(params.keys()):
            raise LabInputError(
                "chemistry",
                f"chemistry={chemistry!r} の電極は 1 種類の材料でできていないため、劣化を"
                "まねられません。nmc_graphite などのリチウムイオン電池を選んでください。",
                f"chemistry={chemistry!r} has no single-material electrodes, so its ageing "
                "cannot be emulated. Choose a lithium-ion preset such as nmc_graphite.",
            )
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

        positive = potential(_POSITIVE_OCP, y)
        negative = potential(_NEGATIVE_OCP, x)
    voltage = np.maximum.accumulate(positive - negative)  # rises with x (charging)
    low, high = cell.preset.voltage_min_v, cell.preset.voltage_max_v
    x_empty = float(np.interp(low, voltage, x)) if voltage[0] < low else x_low
    x_full = float(np.interp(high, voltage, x)) if voltage[-1] > high else x_high
    fresh_ah = cell.ocv(points=3).capacity_ah
    soc = np.linspace(0.0, 1.0, count)
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


@kept
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


@keywords_checked
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


@kept
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
