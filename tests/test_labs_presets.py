"""Every preset: its source is cited, its numbers match its parameter set, and its discharge
and open-circuit voltage obey the physics the labs teach."""

from __future__ import annotations

import re

import numpy as np
import pytest

from denchi import labs
from denchi.labs.engine.presets import PRESETS
from denchi.telemetry import import_pybamm

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)

KEYS = sorted(PRESETS)


@pytest.fixture(scope="module", params=KEYS)
def cell(request):
    return labs.Cell(request.param)


def test_every_preset_names_its_source_and_cited_references(root):
    bib = (root / "book" / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"@\w+\{(\w+),", bib))
    for preset in PRESETS.values():
        assert preset.source_cell and preset.name_ja and preset.name_en
        cited = preset.reference.split(",")
        assert cited and set(cited) <= keys, f"{preset.key}: {cited} not in references.bib"
        if preset.stated_capacity_ah is not None:
            # a preset that re-rates its cell must say why, in both languages
            assert "Ah" in preset.note_ja and "Ah" in preset.note_en


@pytest.mark.parametrize("key", KEYS)
def test_preset_numbers_match_the_parameter_set(key):
    preset = PRESETS[key]
    params = import_pybamm().ParameterValues(preset.parameter_set)
    assert preset.voltage_min_v == pytest.approx(params["Lower voltage cut-off [V]"])
    assert preset.voltage_max_v == pytest.approx(params["Upper voltage cut-off [V]"])
    stated = params["Nominal cell capacity [A.h]"]
    expected = preset.stated_capacity_ah or preset.nominal_capacity_ah
    assert stated == pytest.approx(expected)


def test_c10_delivers_the_nominal_capacity_and_faster_delivers_less(cell):
    slow = cell.discharge(c_rate=0.1).capacity_ah
    assert slow == pytest.approx(cell.nominal_capacity_ah, rel=0.05)
    faster = [cell.discharge(c_rate=c).capacity_ah for c in (0.5, 1.0)]
    assert slow > faster[0] > faster[1]


def test_energy_is_the_integral_of_voltage_times_current(cell):
    r = cell.discharge(c_rate=1.0)
    manual = np.sum(
        0.5
        * (r.voltage_v[1:] * r.current_a[1:] + r.voltage_v[:-1] * r.current_a[:-1])
        * np.diff(r.time_s)
    )
    assert r.energy_wh == pytest.approx(manual / 3600, rel=1e-9)
    assert r.average_voltage_v == pytest.approx(r.energy_wh / r.capacity_ah)
    assert cell.preset.voltage_min_v - 1e-6 <= r.voltage_v.min()
    assert r.voltage_v.min() == pytest.approx(cell.preset.voltage_min_v, abs=1e-3)
    assert r.voltage_v.max() <= cell.preset.voltage_max_v + 1e-6
    table = r.to_dataframe()
    assert list(table.columns[:5]) == list(r.ARRAYS) and len(table) == len(r.time_s)


def test_ocv_is_monotonic_and_spans_the_voltage_window(cell):
    ocv = cell.ocv(101)
    assert np.all(np.diff(ocv.voltage_v) > 0)
    low, high = cell.preset.voltage_min_v, cell.preset.voltage_max_v
    assert low - 0.15 <= ocv.voltage_v[0] and ocv.voltage_v[-1] <= high + 1e-6
    assert ocv.voltage_v[-1] > ocv.voltage_v[0] + 0.1


def test_lead_acid_open_circuit_voltage_is_about_two_volts_per_cell():
    ocv = labs.Cell("lead_acid").ocv(101)
    middle = ocv.voltage_v[25:76]  # SOC 25-75 %
    assert np.all((middle > 1.95) & (middle < 2.15))
    assert ocv.voltage_v[50] == pytest.approx(2.05, abs=0.05)
    assert 2.1 <= ocv.voltage_v[-1] <= 2.2  # full charge


def test_dqdv_peaks_sit_where_the_ocv_is_flattest():
    ocv = labs.Cell("nmc_graphite").ocv(401)
    table = ocv.dqdv()
    slope = np.gradient(ocv.voltage_v, ocv.soc)
    inner = slice(5, -5)  # away from the steep ends
    peak = np.nanargmax(table["dqdv_ah_per_v"].to_numpy()[inner])
    assert peak == np.argmin(slope[inner])
    # graphite staging gives the LG M50 more than one peak
    dq = table["dqdv_ah_per_v"].to_numpy()[inner]
    peaks = np.flatnonzero((dq[1:-1] > dq[:-2]) & (dq[1:-1] > dq[2:]))
    assert len(peaks) >= 2
    # the integral of dQ/dV over voltage gives back the capacity
    v = ocv.voltage_v[inner]
    assert np.trapezoid(dq, v) == pytest.approx(
        ocv.capacity_ah * (ocv.soc[-6] - ocv.soc[5]), rel=0.02
    )


def test_electrode_potentials_make_the_cell_voltage():
    ocv = labs.Cell("nmc_graphite").ocv(21)
    assert np.allclose(ocv.positive_potential_v - ocv.negative_potential_v, ocv.voltage_v)
    assert labs.Cell("lead_acid").ocv(5).positive_potential_v is None


def test_lithium_ion_is_higher_than_lead_acid_and_sodium_between():
    mid = {k: labs.Cell(k).ocv(11).voltage_v[5] for k in ("lead_acid", "nmc_graphite")}
    assert 1.7 * mid["lead_acid"] < mid["nmc_graphite"]


def test_model_fidelities_agree_at_low_rate_and_differ_at_high_rate():
    results = {m: labs.Cell("nmc_graphite", model=m) for m in ("spm", "spme", "dfn")}
    slow = [c.discharge(c_rate=0.2).capacity_ah for c in results.values()]
    assert max(slow) - min(slow) < 0.03 * 5.0
    fast = {m: c.discharge(c_rate=3.0).capacity_ah for m, c in results.items()}
    # the single particle model ignores the electrolyte, so it is the most optimistic
    assert fast["spm"] > fast["dfn"]


def test_a_cell_that_heats_up_gets_hotter_with_less_cooling():
    cell = labs.Cell("nmc_graphite", thermal="lumped")
    weak = cell.discharge(c_rate=2, temperature_c=25, cooling_w_m2k=5)
    strong = cell.discharge(c_rate=2, temperature_c=25, cooling_w_m2k=100)
    assert weak.max_temperature_c > strong.max_temperature_c > 25.5
    assert weak.temperature_c[0] == pytest.approx(25)
    isothermal = labs.Cell("nmc_graphite").discharge(c_rate=2, temperature_c=25)
    assert np.allclose(isothermal.temperature_c, 25)


def test_a_slider_change_resolves_without_rebuilding():
    from denchi.labs import engine

    cell = labs.Cell("nmc_graphite")
    cell.discharge(c_rate=1.0, temperature_c=25)
    before = engine.discharge_simulation.cache_info()
    cell.discharge(c_rate=1.7, temperature_c=5)
    after = engine.discharge_simulation.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 1
