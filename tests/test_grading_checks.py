"""The answer checks: tolerance, units, choices, keywords, arrays, curves against a reference,
partial credit; hints never give the answer away; look-alike answers are rejected."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import __main__
from denchi.grading import checks
from denchi.grading.capture import Unsupported, names_read_by, restore, snapshot
from denchi.grading.checks import CheckFailed
from denchi.grading.cleanroom import NOT_CORRECT, CleanRoom
from denchi.grading.hidden import hidden_only_lines, split_hidden, visible_part

HINT = {"hint_ja": "ヒントです。", "hint_en": "A hint."}


@pytest.fixture
def answer(monkeypatch):
    """Set answer variables where checks read them (the notebook's ``__main__``)."""

    def set_answer(**values):
        for name, value in values.items():
            monkeypatch.setattr(__main__, name, value, raising=False)

    return set_answer


def test_a_failed_check_is_an_assertion_with_both_languages(answer):
    answer(q=4.0)
    with pytest.raises(AssertionError) as failure:
        checks.number("q", expected=5.0, **HINT)
    assert isinstance(failure.value, CheckFailed)
    assert str(failure.value) == "ヒントです。\nA hint."


def test_missing_answer_gets_a_hint_not_a_name_error():
    with pytest.raises(CheckFailed, match="q_never_assigned = 答え"):
        checks.number("q_never_assigned", expected=1.0, **HINT)


def test_number_tolerances(answer):
    answer(q=5.04)
    checks.number("q", expected=5.0, rel_tol=0.01, **HINT)
    with pytest.raises(CheckFailed):
        checks.number("q", expected=5.0, rel_tol=0.001, **HINT)
    checks.number("q", expected=5.0, rel_tol=0, abs_tol=0.05, **HINT)
    answer(q=np.float32(5.0))
    checks.number("q", expected=5.0, **HINT)
    answer(q=np.int64(5))
    checks.number("q", expected=5.0, **HINT)


class _AlwaysEqual(float):
    def __eq__(self, other):
        return True

    def __abs__(self):
        return 0.0


class _Anything:
    def __eq__(self, other):
        return True


@pytest.mark.parametrize(
    "fake", [True, _AlwaysEqual(1.0), _Anything(), Fraction(5), "5.0", [5.0], float("nan")]
)
def test_look_alike_answers_are_rejected(answer, fake):
    answer(q=fake)
    with pytest.raises(CheckFailed):
        checks.number("q", expected=5.0, **HINT)
    with pytest.raises(CheckFailed):
        checks.answered_number("q")


def test_patched_math_does_not_change_a_verdict(answer, monkeypatch):
    monkeypatch.setattr(math, "isclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "isclose", lambda *a, **k: True)
    answer(q=4.0)
    with pytest.raises(CheckFailed):
        checks.number("q", expected=5.0, **HINT)


@pytest.mark.parametrize("text", ["5000 mAh", "5 Ah", "5,000mAh", "５０００ ｍＡｈ", "5.0"])
def test_numbers_with_units(answer, text):
    answer(q=text)
    checks.number("q", expected=5.0, unit="Ah", **HINT)


def test_a_wrong_kind_of_unit_gets_a_unit_hint(answer):
    answer(q="5 V")
    with pytest.raises(CheckFailed, match="「V」"):
        checks.number("q", expected=5.0, unit="Ah", **HINT)


def test_a_factor_of_1000_gets_a_prefix_hint_without_the_answer(answer):
    answer(q=5000.0)
    with pytest.raises(CheckFailed) as failure:
        checks.number("q", expected=5.0, unit="Ah", **HINT)
    assert "1000" in str(failure.value) and "5.0" not in str(failure.value)


@settings(max_examples=60, deadline=None)
@given(
    expected=st.floats(0.001, 1e6).filter(lambda x: len(repr(x)) > 6),
    wrong=st.floats(-1e6, 1e6),
)
def test_hints_never_contain_the_expected_value(expected, wrong):
    __main__.q_hypothesis = wrong
    try:
        checks.number("q_hypothesis", expected=expected, rel_tol=1e-9, **HINT)
    except CheckFailed as failure:
        assert repr(expected) not in str(failure) and f"{expected:g}" not in str(failure)
    finally:
        del __main__.q_hypothesis


@pytest.mark.parametrize("given_letter", ["B", "b", " B ", "Ｂ"])
def test_choice_accepts_the_letter_however_typed(answer, given_letter):
    answer(c=given_letter)
    checks.choice("c", expected="B", choices="ABCD", **HINT)


@pytest.mark.parametrize("bad", ["E", "AB", 2, None])
def test_choice_rejects_what_is_not_a_choice(answer, bad):
    answer(c=bad)
    with pytest.raises(CheckFailed, match="A・B・C・D"):
        checks.answered_choice("c", "ABCD")


def test_keywords_with_synonyms_and_partial_credit(answer, capsys):
    answer(t="電流が大きいと 過電圧 が大きくなるから")
    required = [("過電圧", "overpotential"), ("内部抵抗", "resistance")]
    checks.keywords("t", required[:1], **HINT)
    assert checks.keywords("t", required, points=2, **HINT) == 1.0
    assert "ヒントです。" in capsys.readouterr().out  # the hint is shown with partial credit
    answer(t="Because of the OVERPOTENTIAL and internal resistance")
    assert checks.keywords("t", required, points=2, **HINT) == 2.0


def test_arrays_element_by_element(answer):
    answer(a=[1.0, 2.0, 3.0, 4.0])
    checks.array("a", [1, 2, 3, 4], **HINT)
    answer(a=np.array([1.0, 2.0, 3.0, 9.0]))
    assert checks.array("a", [1, 2, 3, 4], points=4, **HINT) == 3.0
    with pytest.raises(CheckFailed, match="4 個"):
        checks.array("a", [1, 2, 3], **HINT)
    answer(a=np.array([1.0, np.nan]))
    with pytest.raises(CheckFailed, match="nan"):
        checks.array("a", [1, 2], **HINT)


def _reference_curve():
    q = np.linspace(0.0, 5.0, 101)
    return q, 4.1 - 0.25 * q - 0.4 * np.exp(8 * (q - 5.0))


def test_curve_against_a_reference(answer):
    q, v = _reference_curve()
    coarse = np.linspace(0.0, 5.0, 40)  # the student's own sampling
    answer(x=coarse, y=np.interp(coarse, q, v) + 0.005)
    checks.curve("x", "y", q, v, abs_tol=0.02, **HINT)
    answer(y=np.interp(coarse, q, v) + 0.1)
    with pytest.raises(CheckFailed):
        checks.curve("x", "y", q, v, abs_tol=0.02, **HINT)


def test_curve_partial_credit_and_range(answer):
    q, v = _reference_curve()
    half = np.where(q < 2.5, v, v + 0.3)  # right for the first half only
    answer(x=q, y=half)
    assert checks.curve("x", "y", q, v, abs_tol=0.02, points=2, **HINT) == pytest.approx(1.0, 0.05)
    answer(x=q[:50], y=v[:50])
    with pytest.raises(CheckFailed, match="範囲"):
        checks.curve("x", "y", q, v, abs_tol=0.02, **HINT)


def _relative_cost(params) -> float:
    """A fit with relative weights: y = a·x + b through points whose values span 1 to 100."""
    x = np.linspace(0.0, 10.0, 21)
    y = np.exp(0.46 * x)  # not a line: the criterion decides which line is "best"
    a, b = params
    return float(np.sum(((a * x + b - y) / y) ** 2))


def _line_fit(weights: np.ndarray) -> np.ndarray:
    x = np.linspace(0.0, 10.0, 21)
    y = np.exp(0.46 * x)
    design = np.column_stack([x, np.ones_like(x)]) * weights[:, None]
    return np.linalg.lstsq(design, y * weights, rcond=None)[0]


def test_minimises_tells_the_asked_for_criterion_from_another(answer):
    """A fit by the criterion the question asks for passes; the fit of the same model by
    another criterion (no weights) fails, as do a wrong length and unusable numbers."""
    x = np.linspace(0.0, 10.0, 21)
    relative = _line_fit(1.0 / np.exp(0.46 * x))
    unweighted = _line_fit(np.ones_like(x))
    best = _relative_cost(relative)
    answer(p=relative)
    checks.minimises("p", _relative_cost, best, size=2, **HINT)
    answer(p=list(relative * (1 + 1e-6)))  # another optimiser's last digits
    assert checks.minimises("p", _relative_cost, best, size=2, points=2, **HINT) == 2.0
    answer(p=unweighted)
    with pytest.raises(CheckFailed, match="ヒントです"):
        checks.minimises("p", _relative_cost, best, size=2, **HINT)
    assert checks.minimises("p", _relative_cost, best, size=2, points=2, **HINT) == 0.0
    answer(p=relative[:1])
    with pytest.raises(CheckFailed, match="2 個"):
        checks.minimises("p", _relative_cost, best, size=2, **HINT)

    def refuses(params):
        raise ValueError("negative resistance")

    answer(p=relative)
    with pytest.raises(CheckFailed, match="ヒントです"):
        checks.minimises("p", refuses, best, size=2, **HINT)
    with pytest.raises(CheckFailed, match="ヒントです"):
        checks.minimises("p", lambda params: math.nan, best, size=2, **HINT)


@pytest.mark.slow
def test_curve_against_a_reference_simulation(answer):
    from denchi import labs

    reference = labs.Cell("nmc_graphite").discharge(c_rate=1.0, temperature_c=25)
    q, v = reference.discharge_capacity_ah, reference.voltage_v
    answer(x=q[::3], y=v[::3])  # a learner who saved every third point
    checks.curve("x", "y", q, v, abs_tol=0.02, **HINT)
    answer(x=q, y=v - 0.1)  # a curve from another temperature, say
    with pytest.raises(CheckFailed):
        checks.curve("x", "y", q, v, abs_tol=0.02, **HINT)


def test_total_of_partial_credit(answer):
    answer(a=2.0, b=0.4)
    earned = checks.total(
        checks.number("a", expected=2.0, points=1, **HINT),
        checks.number("b", expected=0.5, points=1, **HINT),
    )
    assert earned == 1.0


def test_unsupported_placeholders_are_rejected_with_their_type_name(answer):
    answer(q=Unsupported("Yes"))
    with pytest.raises(CheckFailed, match="Yes 型"):
        checks.number("q", expected=1.0, **HINT)


# ---------------------------------------------------------------- capture (plain data only)
def test_snapshot_round_trip(monkeypatch):
    values = {
        "f": 1.5,
        "i": 10**30,
        "s": "B",
        "b": True,
        "n": None,
        "l": [1, (2.0, "x")],
        "d": {"k": [1.0]},
        "arr": np.arange(6.0).reshape(2, 3),
        "npf": np.float32(2.5),
    }
    for name, value in values.items():
        monkeypatch.setattr(__main__, name, value, raising=False)
    back = restore(snapshot([*values, "absent"]))
    assert "absent" not in back
    assert back["arr"].shape == (2, 3) and back["arr"].dtype == np.float64
    assert type(back["npf"]) is np.float32 and back["i"] == 10**30
    assert {k: v for k, v in back.items() if k not in ("arr",)} == {
        k: v for k, v in values.items() if k != "arr"
    }


def test_snapshot_turns_look_alikes_into_placeholders(monkeypatch):
    monkeypatch.setattr(__main__, "fake", _AlwaysEqual(5.0), raising=False)
    monkeypatch.setattr(__main__, "obj", _Anything(), raising=False)
    back = restore(snapshot(["fake", "obj"]))
    assert isinstance(back["fake"], Unsupported) and back["fake"].type_name == "_AlwaysEqual"
    assert isinstance(back["obj"], Unsupported)


def test_a_malformed_snapshot_is_an_error():
    with pytest.raises(ValueError):
        restore('{"q": {"no": "tag"}}')
    with pytest.raises(ValueError):
        restore("[1, 2]")


def test_names_a_test_cell_reads():
    source = 'checks.number("q1", expected=_ref.x, abs_tol=tol)\n_ref = make()\nx = True'
    answers, free = names_read_by(source)
    assert answers == ["q1"]
    assert free == ["checks", "make", "tol"]


# -------------------------------------------------------------------- hidden test regions
HIDDEN_LINE = 'checks.number("q", expected=5.0, hint_ja="ヒ", hint_en="H")'
SOURCE = f'checks.answered_number("q")\n### BEGIN HIDDEN TESTS\n{HIDDEN_LINE}\n### END HIDDEN TESTS'


def test_hidden_regions():
    visible, hidden = split_hidden(SOURCE)
    assert visible == visible_part(SOURCE) == 'checks.answered_number("q")'
    assert hidden == [HIDDEN_LINE]
    assert hidden_only_lines(SOURCE) == {HIDDEN_LINE}


# ---------------------------------------------------------------------------- clean room
def test_clean_room_verdicts():
    room = CleanRoom()
    room.run("from denchi.grading import checks")
    room.put({"q": 4.0}, ["q"], [])
    verdict = room.run(SOURCE)
    assert not verdict.passed and verdict.ename == "CheckFailed" and "5.0" not in verdict.message
    room.put({"q": 5.0}, ["q"], [])
    assert room.run(SOURCE).passed
    room.put({}, ["q"], [])  # absent in the kernel: absent here too
    assert "q = 答え" in room.run(SOURCE).message


def test_clean_room_partial_credit_and_other_errors():
    room = CleanRoom()
    room.run("from denchi.grading import checks")
    room.put({"a": 2.0, "b": 1.0}, ["a", "b"], [])
    cell = (
        "checks.total(checks.number('a', expected=2.0, points=1, hint_ja='ア', hint_en='A'),"
        " checks.number('b', expected=3.0, points=1, hint_ja='イ', hint_en='B'))"
    )
    verdict = room.run(cell)
    assert verdict.passed and verdict.score == 1.0 and "イ" in verdict.printed
    broken = room.run("assert a == 99, 'expected 99'")
    assert not broken.passed and broken.message == NOT_CORRECT and "99" in broken.detail


def test_clean_room_never_sees_what_was_not_captured():
    room = CleanRoom()
    room.put({"q": Unsupported("Yes"), "helper": Unsupported("function")}, ["q"], ["helper"])
    assert isinstance(room.module.q, Unsupported)
    assert not hasattr(room.module, "helper")


@pytest.mark.parametrize(
    ("given_value", "expected", "words"),
    [
        (5000.0, 5.0, ("1000", "m")),  # mAh for Ah
        (0.012, 12.0, ("1000", "mΩ")),  # Ω for mΩ
        (5e-6, 5.0, ("100 万", "µ")),  # µ
        (300.0, 5.0, ("60", "分")),  # minutes for hours
        (18000.0, 5.0, ("3600", "秒")),  # seconds for hours
        (0.05, 5.0, ("100", "%")),  # fraction for percent
        (85.0, 0.85, ("100", "%")),  # percent for fraction
        (-5.0, 5.0, ("符号", "sign")),
    ],
)
def test_usual_slips_are_named_in_the_hint(answer, given_value, expected, words):
    answer(q=given_value)
    with pytest.raises(CheckFailed) as failure:
        checks.number("q", expected=expected, **HINT)
    message = str(failure.value)
    assert message.startswith("ヒントです。") and "A hint." in message
    for word in words:
        assert word in message, (word, message)
    assert repr(expected) not in message


def test_a_plain_wrong_number_gets_only_its_hint(answer):
    answer(q=7.3)
    with pytest.raises(CheckFailed) as failure:
        checks.number("q", expected=5.0, **HINT)
    assert str(failure.value) == "ヒントです。\nA hint."


def test_an_array_where_a_number_is_asked_is_named(answer):
    answer(q=np.array([4.9, 5.0, 5.1]))
    with pytest.raises(CheckFailed, match="配列") as failure:
        checks.number("q", expected=5.0, **HINT)
    assert "3" in str(failure.value) and "one number" in str(failure.value)


def test_a_number_where_an_array_is_asked_gets_a_hint(answer):
    answer(q=0.05)
    for check in (
        lambda: checks.answered_array("q", size=9),
        lambda: checks.array("q", expected=[0.05] * 9, **HINT),
    ):
        with pytest.raises(CheckFailed, match="1 つの数値") as failure:
            check()
        assert "9" in str(failure.value) or "array" in str(failure.value)
    answer(q=[0.05] * 8)
    with pytest.raises(CheckFailed, match="8 個"):
        checks.answered_array("q", size=9)
    answer(q=np.full(9, 0.05))
    checks.answered_array("q", size=9)


def test_error_carried_forward_grades_a_chained_answer_against_the_students_own_earlier_one(
    answer,
):
    """e03 問2 uses the student's 問1 resistance: one slip in 問1 costs 問1 only."""

    def power_check():
        return checks.number(
            "q2_power_w",
            expected=2.5 * (3.7 - 2.5) / 0.050,  # from the reference resistance
            carried_forward=lambda: 2.5 * (3.7 - 2.5) / checks.earlier("q1_dcir_ohm")[4],
            points=2,
            **HINT,
        )

    answer(q1_dcir_ohm=np.full(9, 0.040), q2_power_w=2.5 * (3.7 - 2.5) / 0.040)
    assert power_check() == 2.0  # consistent with the student's own (wrong) 問1
    answer(q2_power_w=2.5 * (3.7 - 2.5) / 0.050)
    assert power_check() == 2.0  # the reference value is right as well
    answer(q2_power_w=99.0)
    assert power_check() == 0.0
    answer(q1_dcir_ohm=[0.04], q2_power_w=2.5 * (3.7 - 2.5) / 0.040)
    assert power_check() == 0.0  # no usable earlier answer: only the reference counts
    assert "q1_dcir_ohm" in names_read_by('checks.earlier("q1_dcir_ohm")')[0]
