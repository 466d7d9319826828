"""Reference analysis of a capacity and rate test (lab e01): discharge time, capacity,
energy, mean power and the Peukert exponent, from measured (sampled, noisy) cycler data.

The assignment of lab e01 grades each student's analysis against these functions applied to
the student's own data, :func:`measured_rate_test` with the student's seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from denchi.labs.api.instrument import kept
from denchi.labs.api.results import RateTestResult, results_checked
from denchi.labs.errors import LabInputError, keywords_checked
from denchi.validation import number_array, same_length

#: C-rates of the assignment's rate test (C/5 to 3C).
ASSIGNMENT_C_RATES = (0.2, 0.5, 1.0, 2.0, 3.0)


@kept
def measured_rate_test(seed: int | str, chemistry: str = "nmc_graphite") -> RateTestResult:
    """The rate test of lab e01's assignment: the seeded cell of ``chemistry`` (SPMe,
    25 ℃) discharged from full at :data:`ASSIGNMENT_C_RATES`, recorded every 10 s with
    1 mV voltage noise and 1 mA current noise by a seeded instrument.

    Args:
        seed: The student id or a number that picks this student's cell and noise.
        chemistry: The cell preset.

    Raises:
        LabInputError: if ``seed`` is not a non-negative integer or a 1–200 character string
            (checked by ``seeded`` before anything runs).
        LabInputError: if ``chemistry`` is not a preset.
        LabSimulationError: if the simulation cannot finish.
    """
    from denchi.labs.api.cell import Cell
    from denchi.labs.api.instrument import Instrument

    cell = Cell(chemistry, model="spme", seed=seed)
    meter = Instrument(noise_v=0.001, noise_a=0.001, noise_c=0.0, sample_s=10.0, seed=seed)
    return meter.measure(cell.rate_test(ASSIGNMENT_C_RATES))


@keywords_checked
@results_checked
def rate_table(result: RateTestResult):
    """Per discharge: C-rate, mean current [A], duration [h], capacity [Ah] (from the
    measured current), energy [Wh], mean voltage [V] and mean power [W], as a pandas table.

    Args:
        result: A rate test (``Cell.rate_test()``), one row per discharge.

    Raises:
        LabInputError: if ``result`` is not a ``RateTestResult``.
    """
    import pandas as pd

    rows = []
    for d in result.discharges:
        hours = d.duration_s / 3600.0
        rows.append(
            {
                "c_rate": d.c_rate,
                "current_a": float(np.mean(d.current_a)),
                "duration_h": hours,
                "capacity_ah": d.capacity_ah,
                "energy_wh": d.energy_wh,
                "mean_voltage_v": d.average_voltage_v,
                "mean_power_w": d.energy_wh / hours,
            }
        )
    return pd.DataFrame(rows)


@keywords_checked
def peukert_fit(currents_a: Sequence[float], durations_h: Sequence[float]) -> tuple[float, float]:
    """Peukert's law ``t = H (C / (I H))^k`` fitted as ``ln t = a - k ln I`` by least
    squares; returns ``(k, a)``. ``k = 1`` means the capacity does not depend on the current.

    Args:
        currents_a: Discharge currents [A], shape (n,), n ≥ 2, each above 0 and at most
            1e4, at least two different.
        durations_h: Discharge durations [h], shape (n,), each above 0 and at most 1e6.

    Raises:
        LabInputError: if the two are not 1-D series of numbers of the same length with at
            least 2 points in the ranges above (a value that is not positive cannot be
            log-transformed), or every current is the same.
    """
    current = number_array(
        "currents_a",
        currents_a,
        0.0,
        1e4,
        "A",
        label_ja="電流 currents_a",
        min_count=2,
        above_low=True,
    )
    hours = number_array(
        "durations_h",
        durations_h,
        0.0,
        1e6,
        "h",
        label_ja="放電時間 durations_h",
        min_count=2,
        above_low=True,
    )
    same_length("durations_h", hours, "currents_a", current, label_ja="放電時間 durations_h")
    if np.ptp(current) == 0:
        raise LabInputError(
            "currents_a",
            "電流 currents_a がすべて同じ値です。ちがう電流での放電が 2 つ以上必要です。",
            "Every value of currents_a is the same; discharges at two or more different "
            "currents are needed.",
        )
    slope, intercept = np.polyfit(np.log(current), np.log(hours), 1)
    return float(-slope), float(intercept)
