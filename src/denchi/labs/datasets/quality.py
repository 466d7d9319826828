"""The seeded production record of the module u06_quality: capacities of cells in subgroups.

Each student's line makes cells of one nominal capacity; every hour five cells are taken
from it and their capacity measured (a subgroup). The first ``BASELINE_SUBGROUPS`` subgroups
come from the stable process and set the control limits; from a subgroup after them the
process mean shifts (a drifting coating weight, say), and the student finds where the X̄
chart first signals. The record is drawn in closed form (normal values) in milliseconds;
it is drawn again, with the next numbers of the same random stream, until it teaches what
the assignment asks:

- the baseline breaks none of the Western Electric rules against its own limits;
- the shifted part does, and the first signal comes from rules 2-4 before any point leaves
  the 3σ limits (so that watching rule 1 alone finds it later, or never);
- the process mean sits off the middle of the specification, so that Cpk is clearly below Cp.

The lab page, the assignment's set-up cell, its hidden tests and the teacher guide call these
functions with the same seed (the student id while grading).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from denchi.factory.quality import (
    Capability,
    XbarRChart,
    capability_from_chart,
    run_rule_violations,
    xbar_r_chart,
)
from denchi.labs.api.instrument import kept
from denchi.labs.seeds import seed_number

NOMINAL_CAPACITY_AH = 5.0  # the LG M50 of the labs (its nominal capacity)
SPEC_HALF_WIDTH_AH = 0.06  # the specification: nominal ± 0.06 Ah (an example, not a standard)
SUBGROUPS = 25
SUBGROUP_SIZE = 5
BASELINE_SUBGROUPS = 12
SIGMA_RANGE_AH = (0.012, 0.022)  # within-subgroup standard deviation of the class's lines
OFFSET_RANGE_SIGMA = (0.8, 1.8)  # |process mean − nominal|, in σ
SHIFT_START_RANGE = (14, 19)  # first shifted subgroup (1-based), inclusive
SHIFT_RANGE_SIGMA_XBAR = (1.2, 2.0)  # the shift, in σ of X̄ (σ/√n)
_RECORD_STREAM = 21  # a random stream of its own (u01 uses 11-13)


@dataclass(frozen=True)
class ProductionRecord:
    """Capacities of cells sampled from one line, five an hour.

    Attributes:
        capacity_ah: Measured capacity [Ah], shape (25, 5): one row per subgroup in time
            order, five cells in each.
        lsl_ah: Lower specification limit [Ah].
        usl_ah: Upper specification limit [Ah].
        baseline_subgroups: The first this many subgroups come from the stable process
            (the control limits are computed from them).
    """

    capacity_ah: np.ndarray
    lsl_ah: float
    usl_ah: float
    baseline_subgroups: int


@dataclass(frozen=True)
class QualityReference:
    """The reference analysis of a production record (the answers of the assignment).

    Attributes:
        chart: The X̄–R chart of the baseline subgroups.
        capability: Cp and Cpk of the baseline (μ = X̿, σ = R̄/d2).
        first_signal: 1-based number of the first subgroup whose X̄ breaks a Western
            Electric rule (1-4) against the baseline's limits.
        first_signal_rule: The rule that signals there first.
        first_beyond_limits: 1-based number of the first subgroup whose X̄ is beyond the 3σ
            limits (rule 1 alone), or 0 if none is.
    """

    chart: XbarRChart
    capability: Capability
    first_signal: int
    first_signal_rule: int
    first_beyond_limits: int


def _analyse(capacity_ah: np.ndarray, lsl: float, usl: float) -> QualityReference | None:
    """The reference analysis, or ``None`` if the record does not teach what it should."""
    chart = xbar_r_chart(capacity_ah[:BASELINE_SUBGROUPS])
    means = capacity_ah.mean(axis=1)
    found = run_rule_violations(means, chart.xbar)
    if not found or found[0].index < BASELINE_SUBGROUPS or found[0].rule == 1:
        return None
    beyond = [v.index for v in found if v.rule == 1]
    return QualityReference(
        chart=chart,
        capability=capability_from_chart(chart, lsl, usl),
        first_signal=found[0].index + 1,
        first_signal_rule=found[0].rule,
        first_beyond_limits=beyond[0] + 1 if beyond else 0,
    )


def _draw(seed: int | str) -> tuple[ProductionRecord, QualityReference]:
    rng = np.random.default_rng([seed_number(seed), _RECORD_STREAM])
    lsl = NOMINAL_CAPACITY_AH - SPEC_HALF_WIDTH_AH
    usl = NOMINAL_CAPACITY_AH + SPEC_HALF_WIDTH_AH
    while True:
        sigma = rng.uniform(*SIGMA_RANGE_AH)
        side = rng.choice([-1.0, 1.0])
        mean = NOMINAL_CAPACITY_AH + side * rng.uniform(*OFFSET_RANGE_SIGMA) * sigma
        start = int(rng.integers(SHIFT_START_RANGE[0], SHIFT_START_RANGE[1] + 1))
        shift = rng.choice([-1.0, 1.0]) * rng.uniform(*SHIFT_RANGE_SIGMA_XBAR)
        shift *= sigma / np.sqrt(SUBGROUP_SIZE)
        values = mean + sigma * rng.standard_normal((SUBGROUPS, SUBGROUP_SIZE))
        values[start - 1 :] += shift
        values = np.round(values, 4)  # a cycler reads 0.1 mAh
        reference = _analyse(values, lsl, usl)
        if reference is not None:
            return ProductionRecord(values, lsl, usl, BASELINE_SUBGROUPS), reference


@kept
def production_record(seed: int | str) -> ProductionRecord:
    """u06: this student's production record, 25 subgroups of 5 cells, capacity in Ah.

    The line's within-subgroup standard deviation is 12 to 22 mAh, its mean 0.8 to 1.8 σ
    off the nominal 5.0 Ah, and from a subgroup between the 14th and the 19th its mean
    shifts by 1.2 to 2.0 σ of X̄; the specification is 4.94 to 5.06 Ah (an example).

    Args:
        seed: The student id or a number that picks this student's line.

    Raises:
        LabInputError: if ``seed`` is not a valid seed (checked before anything runs).
    """
    return _draw(seed)[0]


@kept
def quality_reference(seed: int | str) -> QualityReference:
    """The reference analysis of :func:`production_record` (limits from the baseline).

    Args:
        seed: The student id or a number (as for :func:`production_record`).

    Raises:
        LabInputError: if ``seed`` is not a valid seed.
    """
    return _draw(seed)[1]
