"""Figures of the virtual labs: axis labels in the page language and one shared figure set-up.

Every result's ``plot(ax=None, label=None)`` draws itself into ``ax`` (a new figure if none)
and returns that Axes, so :func:`compare`, or a page's own loop of ``r.plot(ax=ax)``, can put
any number of results of one kind into a single figure. :func:`finish` keeps a legend as soon
as an axes holds more than one named curve, so a page never has to add it.

The helpers return the Axes, not the Figure: a Figure that is the last value of a notebook
cell is shown twice (as the cell's value and again when the inline backend shows the open
figures). A page that calls a helper last writes ``ax = r.plot()`` (or ends with ``;``), so
no ``<Axes: …>`` text is printed under the figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from denchi.i18n import text
from denchi.labs.errors import LabInputError, keywords_checked

_LABELS = {
    "time": ("時間 [h]", "Time [h]"),
    "time_s": ("時間 [s]", "Time [s]"),
    "capacity": ("放電容量 [Ah]", "Discharge capacity [Ah]"),
    "charge_capacity": ("充電容量 [Ah]", "Charge capacity [Ah]"),
    "dod": ("放電深度 [%]", "Depth of discharge [%]"),
    "voltage": ("電圧 [V]", "Voltage [V]"),
    "ocv": ("開回路電圧 [V]", "Open-circuit voltage [V]"),
    "current": ("電流 [A]", "Current [A]"),
    "temperature": ("セル温度 [℃]", "Cell temperature [°C]"),
    "soc": ("充電状態 SOC [%]", "State of charge [%]"),
    "potential": ("電位 [V vs Li/Li$^+$]", "Potential [V vs Li/Li$^+$]"),
    "c_rate": ("C レート", "C-rate"),
    "delivered": ("取り出せた容量 [Ah]", "Delivered capacity [Ah]"),
    "resistance": ("直流内部抵抗 [mΩ]", "DC resistance [mΩ]"),
    "overpotential": ("過電圧 [mV]", "Overpotential [mV]"),
    "z_real": ("Z' [mΩ]", "Z' [mΩ]"),
    "z_imag": ("-Z'' [mΩ]", "-Z'' [mΩ]"),
    "frequency": ("周波数 [Hz]", "Frequency [Hz]"),
    "magnitude": ("|Z| [mΩ]", "|Z| [mΩ]"),
    "phase": ("位相 [°]", "Phase [°]"),
    "dqdv": ("dQ/dV [Ah/V]", "dQ/dV [Ah/V]"),
    "cycle": ("サイクル数", "Cycle number"),
    "days": ("経過日数 [日]", "Elapsed time [days]"),
    "retention": ("容量維持率 [%]", "Capacity retention [%]"),
}


def label(key: str) -> str:
    """An axis label in the page language, e.g. ``label("voltage")`` → 「電圧 [V]」.

    Args:
        key: A key of the module's label table (``"voltage"``, ``"capacity"``, …).

    Raises:
        KeyError: if ``key`` has no label (a bug of the calling plot method).
    """
    ja, en = _LABELS[key]
    return text(ja, en)


def axes(ax: Any = None, *, size: tuple[float, float] = (6, 4)) -> Any:
    """``ax`` itself, or the axes of a new figure with the bundled Japanese font.

    Args:
        ax: Matplotlib axes, or ``None`` for a new figure.
        size: Size of a new figure [inch] (width, height).
    """
    from denchi.plotting import use_japanese_fonts

    use_japanese_fonts()
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size)
    return new


def finish(ax: Any, x: str, y: str) -> Any:
    """Label both axes, draw a light grid and, once the axes holds more than one named curve,
    a legend of all of them (redrawn at every call, so it lists every curve drawn so far).

    Args:
        ax: Matplotlib axes.
        x: Label key of the x axis (see :func:`label`).
        y: Label key of the y axis.

    Raises:
        KeyError: if ``x`` or ``y`` has no label.
    """
    ax.set_xlabel(label(x))
    ax.set_ylabel(label(y))
    ax.grid(alpha=0.3)
    legend_if_several(ax)
    return ax


def legend_if_several(ax: Any, *more: Any) -> Any:
    """A legend of the named curves of ``ax`` (and of the twin axes ``more``, drawn on the
    last of them so no curve hides it) if there are at least two; returns it, or None.
    Curves without a label (matplotlib's ``_child…`` names) are not counted.

    Args:
        ax: Matplotlib axes.
        *more: Twin axes sharing the figure (e.g. from ``ax.twinx()``).
    """
    handles: list[Any] = []
    names: list[str] = []
    for a in (ax, *more):
        h, n = a.get_legend_handles_labels()
        handles += h
        names += n
    if len(handles) < 2:
        return None
    return (more[-1] if more else ax).legend(handles, names)


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """A plot option (``x=``, ``y=``) must be one of the listed names.

    Args:
        name: The option's name, for the error message.
        value: What the caller gave.
        choices: The allowed names.

    Raises:
        LabInputError: if ``value`` is not one of ``choices``.
    """
    from denchi.validation import one_of

    return one_of(name, value, tuple(choices), label_ja=f"グラフの {name}")


@keywords_checked
def compare(
    results: Iterable[Any], ax: Any = None, labels: Iterable[str] | None = None, **options: Any
) -> Any:
    """Draw several results of one kind in one figure; returns the matplotlib Axes.

    ``labels`` name the legend entries (default: each result's own label; results of
    different cells get the cell's short name in front). ``options`` go to each result's
    ``plot`` (for example ``x="time"``).

    Args:
        results: Results of one kind (``DischargeResult``, ``AgingResult`` …); cycler records
            of different kinds may share a figure.
        ax: Matplotlib axes to draw on; ``None`` makes a new figure.
        labels: One legend entry per result; ``None`` for each result's label.
        **options: Passed to each result's ``plot``.

    Raises:
        LabInputError: if ``results`` is not a non-empty list of results, mixes kinds, or
            ``labels`` is not one string per result; or what a result's ``plot`` raises for
            ``options``.
    """
    try:
        items = list(results)
    except TypeError:
        items = []
    if not items or not all(hasattr(r, "plot") and hasattr(r, "label") for r in items):
        raise LabInputError(
            "results",
            "compare には実験の結果のリストを渡してください（例: labs.compare([r1, r2])）。",
            "compare needs a list of experiment results, e.g. labs.compare([r1, r2]).",
        )
    kinds = {type(r).__name__ for r in items}
    if len(kinds) > 1 and not all(hasattr(r, "voltage_v") for r in items):
        raise LabInputError(
            "results",
            f"種類のちがう結果は 1 つの図で比べられません（{', '.join(sorted(kinds))}）。",
            f"Results of different kinds cannot share one figure ({', '.join(sorted(kinds))}).",
        )
    from denchi.labs.engine.presets import PRESETS

    names = [r.label for r in items]
    if len({r.preset for r in items}) > 1:
        names = [
            f"{text(PRESETS[r.preset].short_ja, PRESETS[r.preset].short_en)}: {n}"
            if r.preset in PRESETS
            else n
            for r, n in zip(items, names, strict=True)
        ]
    if labels is not None:
        try:
            given = [] if isinstance(labels, (str, bytes)) else list(labels)
        except TypeError:  # not a list at all
            given = []
        if len(given) != len(items) or not all(isinstance(n, str) for n in given):
            raise LabInputError(
                "labels",
                f"labels には結果と同じ数（{len(items)} 個）の文字列のリストを指定してください。",
                f"labels must be a list of {len(items)} strings, one per result.",
            )
        names = given
    ax = axes(ax)
    for r, name in zip(items, names, strict=True):
        r.plot(ax=ax, label=name, **options)
    return ax  # each plot keeps the legend (finish): every result is named in it
