"""The pulse table says why a pulse has no resistance (no silent NaN). No PyBaMM: the
result is built from arrays."""

from __future__ import annotations

import math

import numpy as np

from denchi import labs


def _pulses(second_discharge_s: float) -> labs.PulseTestResult:
    """Two pulse pairs of 10 s (steps 0-5 per cycle); the second discharge pulse lasts
    ``second_discharge_s``."""
    t, v, i, cycle, step = [], [], [], [], []
    now = 0.0
    for n in (1, 2):
        for s, (length, current) in enumerate(
            [(360, 5.0), (60, 0.0), (10, 5.0), (40, 0.0), (10, -5.0), (40, 0.0)]
        ):
            if n == 2 and s == 2:
                length = second_discharge_s
            times = np.linspace(now, now + length, 5)
            t += list(times)
            v += [4.0 - 0.05 * (current > 0) + 0.05 * (current < 0)] * 5
            i += [current] * 5
            cycle += [n] * 5
            step += [s] * 5
            now += length
    arrays = {k: np.array(x, dtype=float) for k, x in dict(t=t, v=v, i=i).items()}
    return labs.PulseTestResult(
        preset="nmc_graphite",
        nominal_capacity_ah=5.0,
        ambient_temperature_c=25.0,
        time_s=arrays["t"],
        voltage_v=arrays["v"],
        current_a=arrays["i"],
        discharge_capacity_ah=np.cumsum(arrays["i"]) * 0.0,
        temperature_c=np.full(len(t), 25.0),
        cycle=np.array(cycle),
        step=np.array(step),
        soc_points=(0.9, 0.8),
        pulse_s=10.0,
    )


def test_a_pulse_that_ended_early_is_explained():
    table = _pulses(second_discharge_s=3.0).resistance_table()
    assert table["note"][0] == ""
    assert math.isfinite(table["discharge_resistance_ohm"][0])
    assert math.isnan(table["discharge_resistance_ohm"][1])
    assert "放電パルス" in table["note"][1] or "discharge pulse" in table["note"][1]
    assert math.isfinite(table["charge_resistance_ohm"][1])


def test_sample_times_are_dense_but_bounded():
    from denchi.labs.engine.simulation import MAX_SAMPLES, MIN_SAMPLES, sample_times

    assert len(sample_times(0.0, 10.0)) == MIN_SAMPLES + 1  # a 10-s pulse: 0.02 s apart
    assert abs(sample_times(0.0, 36000.0)[1] - 10.0) < 1e-9  # a 10-h step: every 10 s
    storage = sample_times(0.0, 60 * 86400.0)  # 60 days of storage
    assert len(storage) == MAX_SAMPLES + 1
    assert storage[0] == 0.0 and storage[-1] == 60 * 86400.0
