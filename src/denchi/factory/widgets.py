"""Explorers (ipywidgets) for the h05 factory tour, for pages opened as notebooks.

In the static book the same content is shown as tabs and pre-computed tables; these need a
live kernel, so their cells carry ``:tags: [remove-output]`` in the book.
"""

from __future__ import annotations

from typing import Any

from denchi.factory.energy import production_energy
from denchi.factory.line import cells_to_start
from denchi.factory.process_map import DRY_ELECTRODE_NOTE_JA, draw_process_map
from denchi.factory.steps import step, steps


def process_map_explorer() -> Any:
    """Pick a step: the flow figure marks it, and its texts are printed below.

    Needs ipywidgets, matplotlib and a live kernel.

    Returns:
        An ``ipywidgets.interactive`` widget.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def show(step_key: str) -> None:
        s = step(step_key)
        draw_process_map(highlight=s.key)
        plt.show()
        print(f"【{s.label_ja}（{s.name_en}）】")
        print(f"何をする？　{s.what_ja}")
        print(f"うまくいかないと？　{s.defects_ja}")
        print(f"検査で見つけること　{s.inspection_ja}")
        if s.dry_room:
            print("この工程はドライルームの中で行います。")
        if DRY_ELECTRODE_NOTE_JA[s.dry_electrode]:
            print(DRY_ELECTRODE_NOTE_JA[s.dry_electrode])

    options = [(s.label_ja, s.key) for s in steps()]
    return widgets.interactive(
        show, step_key=widgets.Dropdown(options=options, value="mixing", description="工程")
    )


def line_explorer() -> Any:
    """A battery of ``pack_kwh``: the factory energy (wet or dry electrodes), its CO2 for a
    chosen electricity emission factor, and the cells to start for 1000 good ones.

    Needs ipywidgets and a live kernel; the sums are :func:`denchi.factory.production_energy`
    and :func:`denchi.factory.cells_to_start`, with their sources.

    Returns:
        An ``ipywidgets.interactive`` widget.
    """
    import ipywidgets as widgets

    def show(pack_kwh: float, process: str, grid_kg_per_kwh: float, scrap_rate: float) -> None:
        use = production_energy(pack_kwh, process=process)
        print(f"工場で使うエネルギー: {use.total_kwh:,.0f} kWh")
        print(f"  電池 1 kWh あたり {use.kwh_per_kwh:.1f} kWh")
        print(f"  うち乾燥とドライルームのガス: {use.drying_and_dry_room_kwh:,.0f} kWh")
        print(f"  うちそのほか（電気とする）: {use.other_kwh:,.0f} kWh")
        print(f"CO2: {use.co2_kg(grid_kg_per_kwh):,.0f} kg")
        print(f"良品を 1000 本そろえるのに始める本数: {cells_to_start(1000, scrap_rate)} 本")

    style = {"description_width": "initial"}
    return widgets.interactive(
        show,
        pack_kwh=widgets.FloatSlider(
            value=60, min=1, max=100, step=1, description="電池 [kWh]", style=style
        ),
        process=widgets.ToggleButtons(
            options=[("ふつうの電極（溶媒を使う）", "wet"), ("ドライ電極", "dry")],
            value="wet",
            description="電極",
        ),
        grid_kg_per_kwh=widgets.FloatSlider(
            value=0.5, min=0.0, max=1.0, step=0.05, description="電気の CO2 [kg/kWh]", style=style
        ),
        scrap_rate=widgets.FloatSlider(
            value=0.10, min=0.0, max=0.5, step=0.01, description="不良率", style=style
        ),
    )
