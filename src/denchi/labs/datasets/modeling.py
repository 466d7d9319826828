"""The seeded "measured" pulse of module u03 (battery modelling): a DFN cell's answer to one
discharge pulse, to which the students fit an equivalent circuit.

The data come from PyBaMM's Doyle–Fuller–Newman model of the ``nmc_graphite`` preset (LG M50),
solved once by the engine for each of :data:`STORED_SOCS` and stored in ``u03_dfn_pulses.npz``
beside this module (``python -m denchi.labs.datasets.modeling`` writes it again;
``tests/test_labs_ecm.py`` solves one again and compares). The lab page fits the circuit to
the noiseless record from :data:`LAB_SOC` (:func:`dfn_pulse`); a student's record is one of
the others (:data:`SOCS`), picked by the seed, so that no page shows a student's answer. To
it come the seeded cell's extra contact resistance
(:func:`denchi.labs.api.instrument.production_spread`; a series resistance, so exactly
``V − I R_contact``) and the instrument's voltage noise. The seeded cell's 0.3 % spread of
active-material loading is left out (it would need a solve per student). Making a record
takes milliseconds, so grading never waits for a DFN solve.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from denchi.labs.api.instrument import Instrument, kept, production_spread
from denchi.labs.api.results import ProtocolResult
from denchi.labs.engine.presets import get_preset
from denchi.labs.errors import LabInputError, keywords_checked
from denchi.labs.seeds import seed_number
from denchi.validation import number_in_range

PRESET = "nmc_graphite"
MODEL = "dfn"
LAB_SOC = 0.5  # the lab page's record
SOCS = (0.3, 0.6, 0.7)  # the students' records: the state of charge at the pulse's start
STORED_SOCS = (*SOCS, LAB_SOC)
REST_S = 60.0  # rest before the pulse
PULSE_C_RATE = 1.0
PULSE_S = 120.0
RELAX_S = 600.0  # rest after the pulse
SAMPLE_S = 1.0
NOISE_V = 0.0005  # 0.5 mV, a good cycler channel
REFERENCE_FILE = Path(__file__).with_name("u03_dfn_pulses.npz")
_ARRAYS = ("time_s", "voltage_v", "current_a", "discharge_capacity_ah", "cycle", "step")
_PICK_STREAM = 4  # a random stream of its own (the cell uses 1, the instrument 2, e06 3)


def _solve(soc: float) -> ProtocolResult:
    """The DFN's pulse from ``soc``, sampled every ``SAMPLE_S`` without noise (a solve)."""
    from denchi.labs.api import protocols
    from denchi.labs.api.cell import Cell

    cell = Cell(PRESET, model=MODEL)
    steps = [
        protocols.rest(REST_S),
        protocols.discharge(PULSE_C_RATE, duration_s=PULSE_S),
        protocols.rest(RELAX_S),
    ]
    record = cell.cycle(steps, initial_soc=soc)
    return Instrument(noise_v=0.0, noise_c=0.0, sample_s=SAMPLE_S).measure(record)


def _write(path: Path = REFERENCE_FILE) -> None:
    """Solve every record of :data:`STORED_SOCS` and store them in ``path`` (a ``.npz``)."""
    arrays: dict[str, np.ndarray] = {}
    for soc in STORED_SOCS:
        record = _solve(soc)
        arrays.update({f"{soc:g}/{name}": getattr(record, name) for name in _ARRAYS})
        arrays["steps"] = np.array(record.steps)
    np.savez_compressed(path, allow_pickle=False, **arrays)


@keywords_checked
def dfn_pulse(soc: float = LAB_SOC) -> ProtocolResult:
    """The DFN's own record of the pulse of :func:`measured_pulse` from ``soc``, without
    contact resistance or noise (read from the stored records).

    Args:
        soc: State of charge at the start of the pulse, one of :data:`STORED_SOCS`.

    Raises:
        LabInputError: if ``soc`` is not one of :data:`STORED_SOCS`.
    """
    number_in_range("soc", soc, 0.0, 1.0, "", label_ja="開始の SOC soc")
    if soc not in STORED_SOCS:
        listed = ", ".join(f"{s:g}" for s in STORED_SOCS)
        raise LabInputError(
            "soc",
            f"開始の SOC soc は {listed} のどれかにしてください（指定値: {soc:g}）。",
            f"soc must be one of {listed} (got {soc:g}).",
        )
    with np.load(REFERENCE_FILE) as data:
        arrays = {name: data[f"{soc:g}/{name}"] for name in _ARRAYS}
        steps = tuple(str(s) for s in data["steps"])
    preset = get_preset(PRESET)
    return ProtocolResult(
        preset=PRESET,
        nominal_capacity_ah=preset.nominal_capacity_ah,
        ambient_temperature_c=25.0,
        temperature_c=np.full(len(arrays["time_s"]), 25.0),
        steps=steps,
        **arrays,
    )


def pulse_soc(seed: int | str) -> float:
    """The state of charge at which this student's pulse starts (one of :data:`SOCS`).

    Args:
        seed: The student id or a non-negative integer.

    Raises:
        LabInputError: if ``seed`` is not a valid seed.
    """
    rng = np.random.default_rng([seed_number(seed), _PICK_STREAM])
    return SOCS[int(rng.integers(len(SOCS)))]


@kept
def measured_pulse(seed: int | str) -> ProtocolResult:
    """u03: this student's cell (DFN, 25 ℃) rests 60 s, is discharged at 1C for 120 s and
    rests 600 s, recorded every second with 0.5 mV voltage noise. Cycle 1, steps 0 (rest),
    1 (pulse) and 2 (relaxation); the current is positive while discharging.

    Args:
        seed: The student id or a number that picks this student's state of charge, contact
            resistance and noise.

    Raises:
        LabInputError: if ``seed`` is not a valid seed (checked before anything runs).
    """
    record = dfn_pulse(pulse_soc(seed))
    _, contact_ohm = production_spread(get_preset(PRESET), seed)
    cell = replace(record, voltage_v=record.voltage_v - record.current_a * contact_ohm)
    return Instrument(noise_v=NOISE_V, noise_c=0.0, sample_s=None, seed=seed).measure(cell)


if __name__ == "__main__":  # python -m denchi.labs.datasets.modeling: store the DFN records
    _write()
    print(f"wrote {REFERENCE_FILE}")
