"""A misspelled keyword of any public function or method of the labs is a bilingual
LabInputError that suggests the right name (never Python's TypeError). No PyBaMM solves:
the check comes before anything runs."""

from __future__ import annotations

import inspect

import pytest

from denchi import labs
from denchi.labs.analysis import circuit_fit, fade, heat, ocv, pulse, rate
from denchi.labs.api import protocols, widgets
from denchi.labs.datasets import evaluation

CLASSES = [
    labs.Cell,
    labs.Instrument,
    labs.DischargeResult,
    labs.ProtocolResult,
    labs.PulseTestResult,
    labs.GITTResult,
    labs.RateTestResult,
    labs.OCVResult,
    labs.EISResult,
    labs.AgingResult,
    labs.CellDesign,
    labs.PracticumCell,
    heat.HeatBalance,
    circuit_fit.CircuitFit,
]
# every public function of the analysis modules and the data sets (what a learner calls with
# measured data), found by inspection so that a new one is checked too; not the decorator
# ``kept`` (its argument ``func`` is a function, never a learner's)
ANALYSIS = [
    value
    for module in (rate, ocv, pulse, circuit_fit, heat, fade, evaluation)
    for name, value in vars(module).items()
    if inspect.isfunction(value)
    and not name.startswith("_")
    and inspect.unwrap(value).__module__ == module.__name__
    and "func" not in inspect.signature(value).parameters
]
FUNCTIONS = [
    labs.design_cell,
    labs.practicum_cell,
    protocols.discharge,
    protocols.charge,
    protocols.hold,
    protocols.rest,
    widgets.discharge_explorer,
    widgets.thermal_explorer,
    widgets.design_explorer,
    widgets.practicum_explorer,
    widgets.abuse_heating_explorer,
    widgets.chemistry_explorer,
    *ANALYSIS,
]
METHODS = [
    (cls, name)
    for cls in CLASSES
    for name, value in inspect.getmembers(cls, inspect.isfunction)
    if name == "__init__" or not name.startswith("_")
]


def named(func) -> list[str]:
    return [
        p.name
        for p in inspect.signature(inspect.unwrap(func)).parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in ("self", "cls")
    ]


def typo(name: str) -> str:
    """A learner's typo: two different neighbouring letters swapped (``temprature_c``-like)."""
    for i in range(1, len(name) - 1):
        if name[i] != name[i + 1]:
            return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name + "x"


def check(call, func) -> None:
    names = named(func)
    if not names:  # no arguments at all: any keyword is unknown
        with pytest.raises(labs.LabInputError) as info:
            call(colour="red")
        assert "colour" in str(info.value)
        return
    wrong = typo(names[-1])
    with pytest.raises(labs.LabInputError) as info:
        call(**{wrong: 1})
    message = str(info.value)
    assert f"引数 {wrong} はありません。{names[-1]} のことですか？" in message
    assert f"Did you mean {names[-1]}?" in message


@pytest.mark.parametrize(("cls", "name"), METHODS, ids=[f"{c.__name__}.{n}" for c, n in METHODS])
def test_misspelled_keyword_of_a_method(cls, name):
    method = getattr(cls, name)
    check(lambda **kw: method(object.__new__(cls), **kw), method)


@pytest.mark.parametrize("func", FUNCTIONS, ids=[f.__name__ for f in FUNCTIONS])
def test_misspelled_keyword_of_a_function(func):
    check(func, func)


def test_the_issue_example():
    with pytest.raises(labs.LabInputError) as info:
        labs.Cell().discharge(c_rate=1, temprature_c=25)
    assert info.value.parameter == "temprature_c"
    assert "temperature_c のことですか" in info.value.message_ja


def test_too_many_positional_arguments():
    with pytest.raises(labs.LabInputError):
        labs.Cell().discharge(1, 25, None, "extra")
