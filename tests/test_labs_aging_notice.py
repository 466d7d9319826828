"""A long aging test says up front how long it will take, shows a progress bar and names
the faster model. No PyBaMM: the cycler is replaced by a stub that records the call."""

from __future__ import annotations

import pytest

from denchi import labs
from denchi.labs import engine
from denchi.labs.api import cell as cell_module


class Recorder:
    made: list[tuple[int, str]] = []

    def __init__(self, total, description, unit="cycle", note=""):
        Recorder.made.append((total, note))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def update(self, n):
        pass

    def close(self, n):
        pass


@pytest.fixture
def recorded(monkeypatch):
    Recorder.made = []
    monkeypatch.setattr(cell_module, "Progress", Recorder)
    monkeypatch.setattr(engine, "run_protocol", lambda *a, **k: engine.ProtocolRun())
    return Recorder.made


def _age(model, cycles):
    with pytest.raises(labs.LabInputError):  # the stub ran no cycle
        labs.Cell("nmc_graphite", model=model).aging(cycles=cycles)


@pytest.mark.parametrize("model", ["dfn", "spme"])
def test_a_long_aging_test_tells_its_duration_and_the_faster_model(recorded, model):
    _age(model, 3000)
    ((total, note),) = recorded
    assert total == 3000
    assert "分かかる見込み" in note or "min" in note
    assert 'model="spm"' in note


def test_the_fast_model_gets_the_duration_without_a_suggestion(recorded):
    _age("spm", 3000)
    ((_, note),) = recorded
    assert note and 'model="spm"' not in note


def test_a_short_test_needs_no_notice(recorded):
    _age("dfn", 10)
    ((_, note),) = recorded
    assert note == ""
