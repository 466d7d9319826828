"""Figures render Japanese glyphs from the bundled font, with no missing-glyph warnings."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # a new Python process per figure (not in --fast)

FIGURE = """
import warnings
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
{setup}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [3.0, 4.2])
    ax.set_xlabel("放電容量 [Ah]")
    ax.set_ylabel("電圧 [V]")
    ax.set_title("リチウムイオン電池の放電曲線（25 ℃、−10 ℃）")
    fig.savefig("{out}")
missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
print(len(missing))
"""


def _missing_glyph_warnings(tmp_path, setup: str) -> int:
    # a fresh interpreter, so matplotlib's font cache state of other tests does not matter
    code = FIGURE.format(setup=setup, out=(tmp_path / "figure.png").as_posix())
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def test_japanese_labels_render_with_the_bundled_font(tmp_path):
    setup = "from denchi.plotting import use_japanese_fonts; use_japanese_fonts()"
    assert _missing_glyph_warnings(tmp_path, setup) == 0


def test_the_check_detects_missing_glyphs_without_the_font(tmp_path):
    # matplotlib's default DejaVu Sans has no kana or kanji: the same figure must warn
    setup = "matplotlib.rcParams['font.family'] = ['DejaVu Sans']"
    assert _missing_glyph_warnings(tmp_path, setup) > 0


def test_lab_plots_use_the_japanese_font(tmp_path):
    setup = (
        "from denchi.labs.api.results import OCVResult\n"
        "import numpy as np\n"
        "s = np.linspace(0, 1, 5)\n"
        "OCVResult('x', s, 3 + s, 4 + 0 * s, 0.1 + 0 * s).plot()"
    )
    assert _missing_glyph_warnings(tmp_path, setup) == 0
