"""Facts the pages state are what the lab computes, and corrected statements stay corrected.

Each number below is quoted on a page (modules/h04_lithium_ion, labs/e02_ocv_dqdv); if the
model or the pages change, these tests say which statement no longer holds
(docs/review/fact_review.md). The PyBaMM solves are marked slow; the text scans run in the
fast tier."""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest
from sources import sources

from denchi import labs

# 1C is the current that discharges the nominal capacity in one hour: a real (or simulated)
# cell reaches its cut-off a little earlier (the lab's cell after 0.99 h), so no text may say
# that 1C empties or fills the cell in exactly one hour (fact_review.md, issue 14).
WRONG_ONE_C = [
    # 「ちょうど 1 時間」 unless the same sentence denies it (「…とは限らない」)
    re.compile(r"ちょうど\s*(?:1|１|一)\s*時間(?![^。\n]*(?:限らない|ならない|ではない))"),
    # 「1C は … 1 時間で空になる／満充電にする電流」: the cell, not the nominal capacity
    re.compile(r"1\s*C[^。\n]*?1\s*時間で(?:空|満充電|充電しきる|使い切)"),
    re.compile(r"\bexactly (?:one|1|an) hours?\b", re.I),
    re.compile(r"\b1\s*C (?:empties|fills|charges|discharges|drains) the (?:cell|battery)", re.I),
]


def _texts_for_learners_and_teachers(root):
    """Every page source, assignment source (all cells, hints included) and docstring."""
    for page in sources(root, ("modules", "labs", "book", "teacher_guides"), "*.md"):
        yield page, page.read_text(encoding="utf-8")
    for notebook in sources(root, ("assessments/source",), "*.ipynb"):
        nb = nbformat.read(notebook, as_version=4)
        yield notebook, "\n".join(cell.source for cell in nb.cells)
    for path in (root / "assessments" / "wrong_answers").glob("*.yml"):
        yield path, path.read_text(encoding="utf-8")
    for path in (root / "src" / "denchi").rglob("*.py"):
        yield path, path.read_text(encoding="utf-8")


def test_no_page_or_assignment_says_1c_takes_exactly_one_hour(root):
    offenders = [
        f"{path.relative_to(root)}: {m.group(0)}"
        for path, text in _texts_for_learners_and_teachers(root)
        for pattern in WRONG_ONE_C
        for m in pattern.finditer(text)
    ]
    assert not offenders, offenders


def test_the_1c_scan_catches_the_old_wording_and_spares_the_definition():
    old = [
        "1C は、ちょうど 1 時間で空になる電流です。",
        "1C は、ちょうど 1 時間で満充電（空）にする電流です。",
        "1C empties the cell in one hour.",
        "1C charges the cell in one hour",
        "a 1C discharge takes exactly one hour",
    ]
    right = [
        "1C は公称容量を 1 時間で放電する電流。",
        "1C で放電しても放電時間がちょうど 1 時間になるとは限らない。",
        "1C is the current that discharges the nominal capacity in one hour.",
        "同じ電池を 1C（約 1 時間）で放電します。",
    ]
    assert all(any(p.search(t) for p in WRONG_ONE_C) for t in old)
    assert not any(p.search(t) for p in WRONG_ONE_C for t in right)


@pytest.fixture(scope="module")
def ocv():
    return labs.Cell("nmc_graphite").ocv()


@pytest.mark.slow  # PyBaMM solve
def test_graphite_stays_low_above_15_percent_and_rises_to_about_1_1_v_when_empty(ocv):
    # 02_voltage: 「SOC が 15 % くらいより上では 0.1〜0.3 V … SOC 0 % では約 1.1 V」
    negative = ocv.negative_potential_v
    above = negative[ocv.soc >= 0.15]
    assert above.min() > 0.05 and above.max() < 0.3
    assert negative[np.argmin(ocv.soc)] == pytest.approx(1.1, abs=0.1)


@pytest.mark.slow  # PyBaMM solve
def test_1c_reaches_the_cut_off_a_little_before_one_hour():
    # 03_capacity and the glossary: 1C discharges the nominal capacity in one hour; the lab's
    # cell reaches its cut-off voltage after about 0.99 h at 1C
    result = labs.Cell("nmc_graphite").discharge(c_rate=1.0)
    hours = result.duration_s / 3600
    assert 0.97 < hours < 1.0
    assert f"{hours:.2f}" == "0.99"


# labs/e02_ocv_dqdv, 4.3: the table of the named dQ/dV peaks of the emulated aged cells
E02_LLI = (0.04, 0.08, 0.10, 0.12)


@pytest.fixture(scope="module")
def e02_curves():
    from denchi.labs.analysis import ocv as analysis_ocv

    curves = {lli: analysis_ocv.degraded_ocv(lli=lli, points=4001) for lli in (0.0, *E02_LLI)}
    curves["lam_ne"] = analysis_ocv.degraded_ocv(lam_ne=0.1, points=4001)
    curves["lam_pe"] = analysis_ocv.degraded_ocv(lam_pe=0.1, points=4001)
    return curves


def _peaks(o):
    from denchi.labs.analysis import ocv as analysis_ocv

    q = o.soc * o.capacity_ah
    return {name: analysis_ocv.named_peak(q, o.voltage_v, name) for name in ("low", "high")}


@pytest.mark.slow  # PyBaMM solves (e02_curves)
def test_e02_the_two_peaks_are_nearly_equally_tall(e02_curves):
    # 4.1: 「3.5〜4.0 V には、高さのほぼ等しいピークが 2 つある」
    fresh = _peaks(e02_curves[0.0])
    heights = [p.height_ah_per_v for p in fresh.values()]
    assert min(heights) / max(heights) > 0.85, heights


@pytest.mark.slow  # PyBaMM solves (e02_curves)
def test_e02_lli_changes_the_heights_and_moves_the_peaks_by_under_10_mv(e02_curves):
    # 4.3: 「低電圧側のピークが LLI とともに低くなり、高電圧側のピークは新品より高くなる」
    #      「表の LLI の行の移動は、どれも 10 mV に満たない」; まとめ: 「位置の移動は数 mV」
    fresh = _peaks(e02_curves[0.0])
    low = [fresh["low"].height_ah_per_v]
    for lli in E02_LLI:
        aged = _peaks(e02_curves[lli])
        low.append(aged["low"].height_ah_per_v)
        assert aged["high"].height_ah_per_v > fresh["high"].height_ah_per_v, lli
        for name in ("low", "high"):
            assert abs(aged[name].position_v - fresh[name].position_v) < 0.010, (lli, name)
    assert np.all(np.diff(low) < 0), low


@pytest.mark.slow  # PyBaMM solves (e02_curves)
def test_e02_lam_raises_the_low_peak(e02_curves):
    # 4.3: 「表の LAM の 2 つのセルでは、低電圧側のピークが新品より高くなる」
    fresh = _peaks(e02_curves[0.0])["low"].height_ah_per_v
    for mode in ("lam_ne", "lam_pe"):
        assert _peaks(e02_curves[mode])["low"].height_ah_per_v > fresh, mode


@pytest.mark.slow  # PyBaMM solves (e02_curves)
def test_e02_the_tallest_bin_jumps_from_the_low_to_the_high_peak(e02_curves):
    # 4.3: 「「最も高い区間」の電圧は低電圧側から高電圧側のピークへ飛び移り」 (the table's last
    # column: the fresh cell's tallest bin in the low window, at 4 % LLI in the high window)
    from denchi.labs.analysis import ocv as analysis_ocv

    def tallest(o):
        centres, values = analysis_ocv.incremental_capacity(o.soc * o.capacity_ah, o.voltage_v)
        window = (centres > 3.5) & (centres < 4.0)
        return centres[window][np.argmax(values[window])]

    low, high = analysis_ocv.NAMED_PEAKS_V["low"], analysis_ocv.NAMED_PEAKS_V["high"]
    assert low[0] < tallest(e02_curves[0.0]) < low[1]
    assert high[0] < tallest(e02_curves[0.04]) < high[1]
