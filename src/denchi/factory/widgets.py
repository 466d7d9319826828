"""Explorers of the h05 factory tour and the u05 line-balancing explorer: live in a notebook,
static in the book (:mod:`denchi.explorers`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from denchi.errors import InputError
from denchi.factory.energy import production_energy
from denchi.factory.line import cells_to_start
from denchi.factory.line_model import Station, line_performance
from denchi.factory.process_map import DRY_ELECTRODE_NOTE_JA
from denchi.factory.steps import step, steps


def process_map_explorer() -> Any:
    """Pick a step: its texts are printed (what it does, what goes wrong, what inspection
    finds, dry room, dry electrodes).

    The same drop-down list of the 12 steps in a notebook and in the book (12 grid points of
    printed lines, :mod:`denchi.explorers`); the page shows the process map itself above it.

    Returns:
        An ``ipywidgets.interactive`` widget, or a static explorer in the book build.

    Raises:
        ValueError: if the control is malformed (a bug of this module).
        ModuleNotFoundError: in the book build, if this package's code is not importable.
    """
    from denchi.explorers import Choice, explorer

    def show(ax: object, step_key: str) -> str:
        s = step(step_key)
        print(f"【{s.label_ja}（{s.name_en}）】")
        print(f"何をする？　{s.what_ja}")
        print(f"うまくいかないと？　{s.defects_ja}")
        print(f"検査で見つけること　{s.inspection_ja}")
        if s.dry_room:
            print("この工程はドライルームの中で行います。")
        if DRY_ELECTRODE_NOTE_JA[s.dry_electrode]:
            print(DRY_ELECTRODE_NOTE_JA[s.dry_electrode])
        return ""

    options = tuple((s.label_ja, s.key) for s in steps())
    return explorer(
        "h05_process_map",
        show,
        [Choice("step_key", "工程", options, "mixing")],
        arguments={},
        packages=("denchi.factory",),
        figure=False,
    )


# The static book's grid of the factory calculator (6 × 2 × 5 × 7 = 420 points of printed
# lines). Every grid point is on the page, so none may print an intro assignment's answer:
# h05 asks a 40 kWh battery at 41.5 kWh per kWh (1660 kWh) and 1200 good cells at 25 % scrap
# (1600), and h03 a mass of 143 kg (10 kWh at 0.5 kg/kWh prints 144 kg of CO2), so 10 and
# 40 kWh and 25 % are not on the grid (tests/test_answer_leaks.py checks every line against
# every intro answer). The notebook's sliders take any value.
LINE_PACKS_KWH = (5.0, 20.0, 30.0, 60.0, 80.0, 100.0)
LINE_GRID_KG_PER_KWH = (0.0, 0.25, 0.5, 0.75, 1.0)
LINE_SCRAP_RATES = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)


def line_explorer() -> Any:
    """A battery of ``pack_kwh``: the factory energy (wet or dry electrodes), its CO2 for a
    chosen electricity emission factor, and the cells to start for 1000 good ones.

    In a notebook, live sliders; in the book, the same lines for every point of the grid
    :data:`LINE_PACKS_KWH` × both electrode processes × :data:`LINE_GRID_KG_PER_KWH` ×
    :data:`LINE_SCRAP_RATES`, chosen in the browser (:mod:`denchi.explorers`). The sums are
    :func:`denchi.factory.production_energy` and :func:`denchi.factory.cells_to_start`,
    with their sources.

    Returns:
        An ``ipywidgets.interactive`` widget, or a static explorer in the book build.

    Raises:
        ValueError: if a control's grid is malformed (a bug of this module).
        ModuleNotFoundError: in the book build, if this package's code is not importable.
    """
    from denchi.explorers import Choice, Control, explorer

    def show(
        ax: object, pack_kwh: float, process: str, grid_kg_per_kwh: float, scrap_rate: float
    ) -> str:
        use = production_energy(pack_kwh, process=process)
        print(f"工場で使うエネルギー: {use.total_kwh:,.0f} kWh")
        print(f"  電池 1 kWh あたり {use.kwh_per_kwh:.1f} kWh")
        print(f"  うち乾燥とドライルームのガス: {use.drying_and_dry_room_kwh:,.0f} kWh")
        print(f"  うちそのほか（電気とする）: {use.other_kwh:,.0f} kWh")
        print(f"CO2: {use.co2_kg(grid_kg_per_kwh):,.0f} kg")
        print(f"良品を 1000 本そろえるのに始める本数: {cells_to_start(1000, scrap_rate)} 本")
        return ""

    processes = (("ふつうの電極（溶媒を使う）", "wet"), ("ドライ電極", "dry"))
    return explorer(
        "h05_line",
        show,
        [
            Control("pack_kwh", "電池 [kWh]", LINE_PACKS_KWH, (60, 1, 100, 1), 60.0),
            Choice("process", "電極", processes, "wet"),
            Control(
                "grid_kg_per_kwh",
                "電気の CO2 [kg/kWh]",
                LINE_GRID_KG_PER_KWH,
                (0.5, 0.0, 1.0, 0.05),
                0.5,
            ),
            Control("scrap_rate", "不良率", LINE_SCRAP_RATES, (0.10, 0.0, 0.5, 0.01), 0.1),
        ],
        arguments={},
        packages=("denchi.factory",),
        figure=False,
    )


BALANCE_AVAILABILITIES = tuple(round(0.80 + 0.02 * k, 2) for k in range(10))  # 0.80 … 0.98


def balance_explorer(
    stations: Sequence[Station],
    hours_per_day: float,
    station: str,
    cell_wh: float = 180.0,
    grid_kg_per_kwh: float = 0.5,
) -> Any:
    """Balance a line at one station (u05 lab): machines added there, its availability and a
    shorter cycle time (vacuum-pressure filling, faster stacking), with the good cells at the
    line end each station allows, the line's output, bottleneck and OEE
    (:func:`denchi.factory.line_performance`), and the factory energy and CO2 of a day's cells
    (:func:`denchi.factory.production_energy`, wet electrodes).

    The static book offers 0-2 added machines, availability 0.80-0.98 in steps of 0.02 and a
    cycle time 0, 15 or 30 % shorter (90 points, about 50 ms each to draw and capture); a
    notebook's sliders also take 3 machines, availability in steps of 0.01 and up to 50 %.

    Args:
        stations: The line, in production order (:class:`Station`).
        hours_per_day: Planned production time per day [h], above 0 to 24.
        station: Name of the station the controls change.
        cell_wh: Energy of one cell [Wh] for the energy estimate (an assumption the page states).
        grid_kg_per_kwh: CO2 of the factory's electricity [kg/kWh] (an assumption, 0 to 2).

    Returns:
        An ``ipywidgets.interactive`` widget, or a static explorer in the book build.

    Raises:
        denchi.errors.InputError: if ``station`` is not a name in ``stations``, or the line or
            ``hours_per_day`` is refused by :func:`denchi.factory.line_performance`.
        ValueError: if a control's grid is malformed (a bug of this module).
        ModuleNotFoundError: in the book build, if this package's code is not importable.
    """
    from denchi.explorers import Control, explorer

    line = line_performance(stations, hours_per_day)
    names = [s.name for s in line.stations]
    if station not in names:
        raise InputError(
            "station",
            f"station には、ラインの工程の名前（{'、'.join(names)}）のどれかを指定してください"
            f"（指定値: {station!r:.40}）。",
            f"station must name a station of the line ({', '.join(names)}); got {station!r:.40}.",
        )
    index = names.index(station)
    chosen = line.stations[index]

    def draw(ax: Any, added_machines: float, availability: float, faster_pct: float) -> str:
        changed = list(line.stations)
        changed[index] = chosen.with_changes(
            machines=chosen.machines + int(added_machines),
            availability=availability,
            cycle_time_s=chosen.cycle_time_s * (1 - faster_pct / 100),
        )
        result = line_performance(changed, line.hours_per_day)
        numbers = [float(i + 1) for i in range(len(changed))]
        ax.plot(numbers, result.good_at_end_per_hour, "o-", label="各工程が許す良品")
        ax.plot(
            [numbers[0], numbers[-1]],
            [result.good_cells_per_hour] * 2,
            "--",
            label="ラインの生産量",
        )
        ax.set_xlabel("工程の番号（上流から）")
        ax.set_ylabel("ラインの最後の良品 [個/h]")
        ax.legend()
        print("　".join(f"{n:g} {s.name}" for n, s in zip(numbers, changed, strict=True)))
        use = production_energy(result.good_cells_per_day * cell_wh / 1000)
        print(
            f"工場のエネルギー: {use.total_kwh / 1000:,.1f} MWh/日、"
            f"CO2: {use.co2_kg(grid_kg_per_kwh) / 1000:,.1f} t/日"
        )
        return (
            f"ボトルネック: {result.bottleneck.name}、1 日 {result.good_cells_per_day:,.0f} 個、"
            f"OEE {result.oee:.2f}"
        )

    first = min(BALANCE_AVAILABILITIES, key=lambda a: abs(a - chosen.availability))
    return explorer(
        "u05_balance",
        draw,
        [
            Control("added_machines", f"{station}に足す台数", (0.0, 1.0, 2.0), (0, 0, 3, 1), 0.0),
            Control(
                "availability",
                f"{station}の稼働率",
                BALANCE_AVAILABILITIES,
                (chosen.availability, 0.5, 1.0, 0.01),
                first,
            ),
            Control(
                "faster_pct",
                f"{station}のサイクルタイムの短縮 [%]",
                (0.0, 15.0, 30.0),
                (0, 0, 50, 5),
                0.0,
            ),
        ],
        arguments={
            "stations": [
                (s.name, s.cycle_time_s, s.availability, s.performance, s.quality, s.machines)
                for s in line.stations
            ],
            "hours_per_day": line.hours_per_day,
            "station": station,
            "cell_wh": cell_wh,
            "grid_kg_per_kwh": grid_kg_per_kwh,
        },
        packages=("denchi.factory",),
    )
