"""The explorers of the intro-track activities build and update without a live front end."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize(
    "factory, expected",
    [
        ("denchi.chem.widgets:cell_explorer", "起電力 1.104 V"),
        ("denchi.sustain.widgets:storage_explorer", "必要なセル: 417 本"),
        ("denchi.sustain.widgets:materials_explorer", "リチウム"),
        ("denchi.careers.widgets:self_check_explorer", "チェックを入れて"),
        ("denchi.factory.widgets:process_map_explorer", "何をする？　電極の材料"),
        ("denchi.factory.widgets:line_explorer", "工場で使うエネルギー: 2,489 kWh"),
    ],
)
def test_explorer_prints_its_result(factory, expected, capsys):
    module, name = factory.split(":")
    widget = getattr(importlib.import_module(module), name)()
    capsys.readouterr()
    widget.update()  # outside a kernel, the Output widget passes prints to stdout
    assert expected in capsys.readouterr().out


def test_ticking_boxes_in_the_self_check_suggests_roles(capsys):
    from denchi.careers.widgets import self_check_explorer

    widget = self_check_explorer()
    boxes = {box.description: box for box in widget.children[:-1]}
    next(b for d, b in boxes.items() if "化学の実験" in d).value = True
    capsys.readouterr()
    widget.update()
    assert "材料開発" in capsys.readouterr().out
