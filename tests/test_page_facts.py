"""Facts the pages state are what the lab computes, and corrected statements stay corrected.

Each number below is quoted on a page (modules/h04_lithium_ion); if the model or the pages
change, these tests say which statement no longer holds (docs/review/fact_review.md). The
PyBaMM solves are marked slow; the text scans run in the fast tier."""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

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
    for folder in ("modules", "labs", "book", "teacher_guides"):
        for page in (root / folder).rglob("*.md"):
            if "_build" not in page.parts:
                yield page, page.read_text(encoding="utf-8")
    for notebook in (root / "assessments" / "source").rglob("*.ipynb"):
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
