"""Impedance spectra from PyBaMM's frequency-domain simulation have the expected shape."""

from __future__ import annotations

import numpy as np
import pytest

from denchi import labs

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)


@pytest.fixture(scope="module")
def spectra():
    cell = labs.Cell("nmc_graphite")
    frequencies = np.logspace(-3, 4, 71)
    return {t: cell.eis(frequencies_hz=frequencies, soc=0.5, temperature_c=t) for t in (25, 0)}


def test_spectrum_has_a_semicircle_and_a_diffusion_tail(spectra):
    z = spectra[25]
    f, re, im = z.frequency_hz, z.z_real_ohm, -z.z_imag_ohm
    assert np.all(np.diff(f) > 0)
    # the real part grows as the frequency falls (high-frequency intercept at the left)
    assert np.all(np.diff(re) <= 1e-9)
    # charge-transfer semicircle: -Z'' has a local maximum between 1 Hz and 1 kHz ...
    mid = (f > 1) & (f < 1000)
    arc_top = np.argmax(np.where(mid, im, -np.inf))
    assert mid[arc_top] and im[arc_top] > 0
    # ... falls to a minimum at lower frequency ...
    low = f < f[arc_top]
    valley = np.argmin(np.where(low & (f > 1e-2), im, np.inf))
    assert im[valley] < 0.5 * im[arc_top]
    # ... and rises again towards the lowest frequency: the diffusion tail
    assert im[0] > 2 * im[valley] and re[0] > re[valley]
    tail = slice(0, valley)
    assert np.all(np.diff(im[tail]) <= 1e-9)  # -Z'' keeps rising as f falls
    # capacitive everywhere: -Z'' >= 0
    assert np.all(im > -1e-6)


def test_cold_cell_has_a_larger_impedance(spectra):
    warm, cold = spectra[25], spectra[0]
    assert np.abs(cold.impedance_ohm[0]) > 1.5 * np.abs(warm.impedance_ohm[0])
    arc = (warm.frequency_hz > 1) & (warm.frequency_hz < 1000)
    assert cold.z_real_ohm[arc].max() > warm.z_real_ohm[arc].max()


def test_spectrum_table_and_plots(spectra):
    z = spectra[25]
    table = z.to_dataframe()
    assert list(table.columns) == [
        "frequency_hz",
        "z_real_ohm",
        "z_imag_ohm",
        "magnitude_ohm",
        "phase_deg",
    ]
    assert np.allclose(table["magnitude_ohm"], np.hypot(z.z_real_ohm, z.z_imag_ohm))
    ax = labs.compare([spectra[25], spectra[0]])
    assert "mΩ" in ax.get_xlabel() and len(ax.get_lines()) == 2
    assert z.plot_bode().get_xscale() == "log"


def test_soc_changes_the_spectrum_without_a_rebuild():
    from denchi.labs import engine

    cell = labs.Cell("nmc_graphite")
    cell.eis(frequencies_hz=[0.01, 1, 100], soc=0.5)
    before = engine.impedance_simulation.cache_info()
    low = cell.eis(frequencies_hz=[0.01, 1, 100], soc=0.2)
    high = cell.eis(frequencies_hz=[0.01, 1, 100], soc=0.8)
    assert engine.impedance_simulation.cache_info().misses == before.misses
    assert not np.allclose(low.impedance_ohm, high.impedance_ohm)


def test_other_presets_give_spectra_and_unsupported_ones_say_so():
    z = labs.Cell("lfp_graphite", model="spm").eis(frequencies_hz=[0.01, 10, 1000])
    assert np.all(z.z_real_ohm > 0)
    with pytest.raises(labs.LabInputError, match="eis"):
        labs.Cell("graphite_siox").eis()
    with pytest.raises(labs.LabInputError, match="frequencies_hz"):
        labs.Cell("nmc_graphite").eis(frequencies_hz=[-1, 10])
