"""Explorers: a live ipywidgets form in a notebook, a static Bokeh document in the book.

An explorer is a drawing function ``draw(ax, **controls) -> title`` (matplotlib, the same
function in both forms) and its controls. In a notebook (JupyterLab, JupyterHub, Colab),
:func:`explorer` returns ``ipywidgets.interactive`` sliders that call ``draw`` again at every
release. When the book is built (``$DENCHI_STATIC_EXPLORERS`` is ``1``, set by
``python -m denchi.book build``), it instead calls ``draw`` once for every point of the
controls' grid (the product of each control's ``grid`` values), on a matplotlib figure that
is never shown, and reads back what was drawn: the lines (data, legend label, colour), the
axis labels, the title and the printed lines. The page then shows a standalone Bokeh
document (the widgets and the figure; the title, which sits under the figure as a caption,
the legend and the printed lines are the page's own elements) whose widgets (a slider for
evenly spaced grid values, buttons otherwise; for a :class:`Choice` of named values,
buttons, a drop-down list or a check box) swap in the drawing of the chosen grid point with
a ``CustomJS`` callback: no kernel, no Python, no request to any other host (BokehJS comes
from the book's ``_static``, see ``book/_ext/offline_assets.py``). So the physics has one
source, the engine that ``draw`` calls, and the labels, units and colours one source, the
matplotlib figure.

Grids are cached on disk (``$DENCHI_EXPLORER_CACHE``, by default
``$DENCHI_ROOT/_build/explorer_cache``) under a key of everything that changes them: the
explorer's name and arguments, the grid, the page language, and a fingerprint of the code
and library versions that compute them (:func:`fingerprint`).

Bokeh's documents, widgets and ``CustomJS``: https://docs.bokeh.org/en/latest/docs/user_guide/
interaction/js_callbacks.html; embedding with ``bokeh.embed.components``:
https://docs.bokeh.org/en/latest/docs/user_guide/output/embed.html.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import itertools
import json
import math
import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from importlib import metadata
from pathlib import Path
from typing import Any

from denchi.i18n import get_language, text

STATIC_ENV = "DENCHI_STATIC_EXPLORERS"  # "1": explorers render as static documents (the book)
CACHE_ENV = "DENCHI_EXPLORER_CACHE"  # folder of the cached grids (optional)
ROOT_ENV = "DENCHI_ROOT"  # the repository, set by the book build (cache under its _build/)
CACHE_FOLDER = Path("_build", "explorer_cache")
MARKER = "denchi-explorer"  # class of the element that holds a static explorer
MAX_POINTS = 120  # samples kept per line (the first, the last and evenly spaced between)
BOKEH_FILES = ("bokeh", "bokeh-widgets")  # the BokehJS bundles a static explorer loads
FIGURE_SIZE_PX = (640, 400)  # as the live figure (6 × 4 inch at about 100 dpi)
# matplotlib mathtext the labs write in labels ("$\\mu$m", "Li/Li$^+$"), as plain text for
# the browser (Bokeh's own TeX needs MathJax, 1.8 MB more)
MATHTEXT = {r"$\mu$": "μ", "$^+$": "⁺", "$^2$": "²", "$^{2}$": "²", "$^-$": "⁻"}
CALLBACK = """
const index = controls.map((widget, k) => {
  switch (kinds[k]) {
    case "slider":
      return Math.round((widget.value - widget.start) / widget.step);
    case "buttons":
      return widget.active;
    case "select":
      return parseInt(widget.value, 10);
    case "checkbox":
      return widget.active.length;
    default:
      return 0;
  }
});
let flat = 0;
for (let k = 0; k < index.length; k++) {
  flat = flat * sizes[k] + Math.min(Math.max(index[k], 0), sizes[k] - 1);
}
const frame = frames[flat];
for (let j = 0; j < sources.length; j++) {
  sources[j].data = {x: frame.lines[j].x, y: frame.lines[j].y};
}
// the title, the legend and the printed lines are the page's own elements, outside the
// Bokeh document: changing them re-lays out nothing of Bokeh's (issue 15's 100 ms budget)
const show = (id, value) => {
  const element = id === null ? null : document.getElementById(id);
  if (element !== null && element.textContent !== value) {
    element.textContent = value;
  }
};
requestAnimationFrame(() => {
  show(ids.title, frame.title);
  show(ids.notes, frame.notes);
  for (let j = 0; j < ids.labels.length; j++) {
    show(ids.labels[j], frame.lines[j].label);
  }
});
"""


@dataclass(frozen=True)
class Control:
    """One control of an explorer.

    Attributes:
        name: The keyword argument of ``draw`` it sets.
        label: What the widget says, in the page language, with its unit (「温度 [℃]」).
        grid: The values the static book offers (ascending; the live slider's value is
            snapped to the nearest of them by :meth:`snap`).
        live: ``(value, low, high, step)`` of the live slider; ``None`` keeps the control at
            ``grid[0]`` in the live form (``ipywidgets.fixed``).
        default: The value shown first (must be in ``grid``); ``None`` for ``grid[0]``.
    """

    name: str
    label: str
    grid: tuple[float, ...]
    live: tuple[float, float, float, float] | None = None
    default: float | None = None

    def __post_init__(self) -> None:
        if not self.grid or list(self.grid) != sorted(set(self.grid)):
            raise ValueError(f"control {self.name}: grid must be ascending, got {self.grid}")
        if self.default is not None and self.default not in self.grid:
            raise ValueError(f"control {self.name}: default {self.default} is not in the grid")

    @property
    def first(self) -> float:
        """The value shown first."""
        return self.grid[0] if self.default is None else self.default

    @property
    def step(self) -> float | None:
        """The spacing of an evenly spaced grid of three or more values, else ``None``."""
        if len(self.grid) < 3:
            return None
        steps = [b - a for a, b in itertools.pairwise(self.grid)]
        return steps[0] if all(math.isclose(s, steps[0], rel_tol=1e-9) for s in steps) else None

    def snap(self, value: float) -> int:
        """Index of the grid value nearest ``value`` (the first of two equally near)."""
        return min(range(len(self.grid)), key=lambda i: abs(self.grid[i] - value))


YES_NO = (("いいえ", False), ("はい", True))  # the options of a check box
MAX_BUTTONS = 4  # a Choice of more options is a drop-down list


@dataclass(frozen=True)
class Choice:
    """A control that picks one of a few named values: a metal, a process step, yes or no.

    ``draw`` gets the chosen value itself (``"Zn"``, ``"wet"``, ``True``). The static book
    and the notebook offer the same options: buttons for up to :data:`MAX_BUTTONS`, a
    drop-down list for more, and a check box for :data:`YES_NO`.

    Attributes:
        name: The keyword argument of ``draw`` it sets.
        label: What the widget says, in the page language (「金属 A」).
        options: ``(shown, value)`` pairs, in the order the widget lists them; the values are
            strings or booleans (they are part of the grid's cache key).
        default: The value shown first (one of the options' values); ``None`` for the first.
        live: The options of the notebook's widget when it offers more than the book (every
            metal, where the book leaves out those whose results are graded answers);
            ``None`` for the same options.
    """

    name: str
    label: str
    options: tuple[tuple[str, str | bool], ...]
    default: str | bool | None = None
    live: tuple[tuple[str, str | bool], ...] | None = None

    def __post_init__(self) -> None:
        for options in (self.options, self.live or self.options):
            values = [value for _, value in options]
            if not values or len(set(values)) != len(values):
                raise ValueError(f"choice {self.name}: options must be distinct, got {options}")
            if self.default is not None and self.default not in values:
                raise ValueError(
                    f"choice {self.name}: default {self.default!r} is not an option of {values}"
                )

    @property
    def grid(self) -> tuple[str | bool, ...]:
        """The options' values, in order."""
        return tuple(value for _, value in self.options)

    @property
    def first(self) -> str | bool:
        """The value shown first."""
        return self.grid[0] if self.default is None else self.default

    @property
    def kind(self) -> str:
        """``"checkbox"`` for :data:`YES_NO`, ``"buttons"`` for up to :data:`MAX_BUTTONS`
        options, else ``"select"`` (a drop-down list)."""
        if self.options == YES_NO:
            return "checkbox"
        return "buttons" if len(self.options) <= MAX_BUTTONS else "select"

    def snap(self, value: object) -> int:
        """Index of the option whose value is ``value``.

        Raises:
            ValueError: if ``value`` is not an option's value.
        """
        for i, option in enumerate(self.grid):
            if type(option) is type(value) and option == value:
                return i
        raise ValueError(f"choice {self.name}: {value!r} is not one of {list(self.grid)}")


AnyControl = Control | Choice


@dataclass(frozen=True)
class Line:
    """One drawn line: legend label, colour (``#rrggbb``), x and y data."""

    label: str
    colour: str
    x: tuple[float, ...]
    y: tuple[float, ...]


@dataclass(frozen=True)
class Frame:
    """What ``draw`` drew for one grid point: title, axis labels, lines and printed text."""

    title: str
    x_label: str
    y_label: str
    lines: tuple[Line, ...]
    notes: str = ""


@dataclass(frozen=True)
class Grid:
    """The frames of every grid point, in row-major order of the controls' grids.

    Attributes:
        controls: The controls, in the order of ``draw``'s keywords on the page.
        frames: One :class:`Frame` per grid point (``len == prod(len(c.grid))``).
    """

    controls: tuple[AnyControl, ...]
    frames: tuple[Frame, ...] = field(repr=False)

    def index(self, **values: Any) -> int:
        """Flat index of the frame for ``values`` (each snapped to its control's grid).

        Raises:
            KeyError: if a control has no value in ``values``.
            ValueError: if a :class:`Choice` gets a value that is not one of its options.
        """
        flat = 0
        for control in self.controls:
            flat = flat * len(control.grid) + control.snap(values[control.name])
        return flat

    def frame(self, **values: Any) -> Frame:
        """The frame nearest ``values`` (see :meth:`index`)."""
        return self.frames[self.index(**values)]


def evenly(low: float, high: float, step: float) -> tuple[float, ...]:
    """``low, low + step, …, high``, rounded so that no floating-point drift (0.30000000000000004)
    reaches a label: the grid of an evenly spaced control."""
    count = round((high - low) / step) + 1
    return tuple(round(low + i * step, 10) for i in range(count))


def static_wanted() -> bool:
    """Whether explorers render as static documents (``$DENCHI_STATIC_EXPLORERS`` is ``1``)."""
    return os.environ.get(STATIC_ENV, "") == "1"


def cache_folder() -> Path | None:
    """Where grids are cached: ``$DENCHI_EXPLORER_CACHE``, else ``$DENCHI_ROOT/_build/
    explorer_cache``, else nowhere (``None``: every grid is computed)."""
    if folder := os.environ.get(CACHE_ENV):
        return Path(folder)
    if root := os.environ.get(ROOT_ENV):
        return Path(root) / CACHE_FOLDER
    return None


def fingerprint(packages: Sequence[str], distributions: Sequence[str]) -> str:
    """A digest of the source of ``packages`` (every file of ``denchi.labs`` …, this module
    and the base modules included by the caller) and the installed versions of
    ``distributions`` (``pybamm``, ``matplotlib`` …): what computes a grid.

    Raises:
        ModuleNotFoundError: if a package is not importable.
        importlib.metadata.PackageNotFoundError: if a distribution is not installed.
    """
    digest = hashlib.sha256()
    for module in sorted({*packages, __name__}):
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError(f"no module named {module!r}", name=module)
        if spec.submodule_search_locations:  # a package: every file in its folder
            folder = Path(spec.origin).parent
            files = sorted(
                p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            )
        else:
            files = [Path(spec.origin)]
        for path in files:
            digest.update(f"{module}:{path.name}".encode())
            digest.update(path.read_bytes())
    for name in sorted(distributions):
        digest.update(f"{name}=={metadata.version(name)}".encode())
    return digest.hexdigest()


def thin(count: int, limit: int = MAX_POINTS) -> list[int]:
    """Indices of at most ``limit`` samples of ``count``: the first, the last and evenly
    spaced ones between (all of them when ``count <= limit``)."""
    if count <= limit:
        return list(range(count))
    return sorted({round(i * (count - 1) / (limit - 1)) for i in range(limit)})


def capture(draw: Callable[..., str], values: Mapping[str, Any], figure: bool = True) -> Frame:
    """Call ``draw(ax, **values)`` on a figure that is never shown and read back the frame.

    Lines whose label starts with ``_`` (matplotlib's unnamed lines) keep an empty label.
    Guide lines drawn in axes coordinates (``axhline``, ``axvline``: their ends are 0 and 1
    of the axes, not data) are left out. With ``figure=False`` (an explorer that only
    prints) ``draw`` gets ``None`` for ``ax``, as in the live form, and only the printed
    lines are kept (no figure is made: about 25 ms less a point).
    """
    import matplotlib.colors
    import numpy as np
    from matplotlib.figure import Figure

    from denchi.plotting import use_japanese_fonts

    printed = io.StringIO()
    if not figure:
        with contextlib.redirect_stdout(printed):
            draw(None, **values)
        return Frame(title="", x_label="", y_label="", lines=(), notes=printed.getvalue().strip())
    use_japanese_fonts()
    ax = Figure(figsize=(6, 4)).add_subplot()
    with contextlib.redirect_stdout(printed):
        title = draw(ax, **values)
    lines = []
    for line in ax.get_lines():
        if line.get_transform() != ax.transData:
            continue
        x = np.asarray(line.get_xdata(), dtype=float)
        y = np.asarray(line.get_ydata(), dtype=float)
        keep = thin(len(x))
        name = str(line.get_label())
        lines.append(
            Line(
                label="" if name.startswith("_") else plain(name),
                colour=matplotlib.colors.to_hex(line.get_color()),
                x=tuple(float(x[i]) for i in keep),
                y=tuple(float(y[i]) for i in keep),
            )
        )
    return Frame(
        title=plain(title),
        x_label=plain(ax.get_xlabel()),
        y_label=plain(ax.get_ylabel()),
        lines=tuple(lines),
        notes=printed.getvalue().strip(),
    )


def plain(label: str) -> str:
    """``label`` with the mathtext of :data:`MATHTEXT` written as Unicode (「10 μm」).

    Raises:
        ValueError: if other mathtext is left (add it to :data:`MATHTEXT`).
    """
    for tex, character in MATHTEXT.items():
        label = label.replace(tex, character)
    if label.count("$") >= 2:
        raise ValueError(f"mathtext without a plain form in {label!r}: add it to MATHTEXT")
    return label


def _frame_from_json(data: dict[str, Any]) -> Frame:
    lines = tuple(
        Line(line["label"], line["colour"], tuple(line["x"]), tuple(line["y"]))
        for line in data["lines"]
    )
    return Frame(data["title"], data["x_label"], data["y_label"], lines, data["notes"])


def _frame_to_json(frame: Frame) -> dict[str, Any]:
    return {
        "title": frame.title,
        "x_label": frame.x_label,
        "y_label": frame.y_label,
        "notes": frame.notes,
        "lines": [line.__dict__ for line in frame.lines],
    }


def build_grid(
    name: str,
    draw: Callable[..., str],
    controls: Sequence[AnyControl],
    *,
    arguments: Mapping[str, object],
    engine: str,
    cache: Path | None = None,
    figure: bool = True,
) -> Grid:
    """Draw every grid point of ``controls`` with ``draw``, or read them from the cache.

    Args:
        name: The explorer's name (part of the cache key).
        draw: ``draw(ax, **values) -> title`` (matplotlib axes; values by control name).
        controls: The controls; the grid is the product of their ``grid`` values.
        arguments: The explorer's own arguments (the preset …; part of the cache key).
        engine: What computes the frames (:func:`fingerprint`; part of the cache key).
        cache: Folder of the cached grids; ``None`` computes without caching.
        figure: ``False`` for an explorer that only prints (see :func:`capture`).

    Raises:
        whatever ``draw`` raises for a grid point (a grid must hold only valid inputs).
    """
    controls = tuple(controls)
    key = json.dumps(
        {
            "name": name,
            "arguments": {k: repr(v) for k, v in sorted(arguments.items())},
            "grid": [[c.name, list(c.grid)] for c in controls],
            "language": get_language(),
            "engine": engine,
            "points": MAX_POINTS,
            "figure": figure,
        },
        sort_keys=True,
    )
    if cache is None:
        return Grid(controls, _frames(draw, controls, figure))
    path = cache / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"
    if (grid := _cached(path, key, controls)) is not None:
        return grid
    from filelock import FileLock

    path.parent.mkdir(parents=True, exist_ok=True)
    # one process computes a grid; another that wants it at the same time (two pages being
    # executed, a page and a test) waits and reads it
    with FileLock(path.with_suffix(".lock")):
        if (grid := _cached(path, key, controls)) is not None:
            return grid
        frames = _frames(draw, controls, figure)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        stored = {"key": key, "frames": [_frame_to_json(f) for f in frames]}
        partial.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
        partial.replace(path)  # atomic: a page running at the same time reads all or nothing
    return Grid(controls, frames)


def _frames(
    draw: Callable[..., str], controls: Sequence[AnyControl], figure: bool
) -> tuple[Frame, ...]:
    return tuple(
        capture(draw, {c.name: v for c, v in zip(controls, point, strict=True)}, figure)
        for point in itertools.product(*(c.grid for c in controls))
    )


def _cached(path: Path, key: str, controls: tuple[AnyControl, ...]) -> Grid | None:
    """The grid stored at ``path`` under ``key``, or ``None`` (missing, another key, unreadable)."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored["key"] == key:
            return Grid(controls, tuple(_frame_from_json(f) for f in stored["frames"]))
    return None


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class StaticDocument:
    """The parts of a static explorer's page: two Bokeh roots and the page's own text.

    Attributes:
        controls: The Bokeh column of widgets.
        plot: The Bokeh figure (no title, no legend), ``None`` for an explorer that only prints.
        title: The first frame's title, for the page's caption under the figure (element id
            ``ids["title"]``).
        legend: ``(label, colour, element id)`` of each legend entry (two or more labelled
            lines, as ``plots.legend_if_several``); the id is ``None`` for a line that does
            not change.
        notes: The first frame's printed lines (element id ``ids["notes"]``).
        ids: The element ids the callback writes to: ``"title"``, ``"notes"``.
    """

    controls: Any
    plot: Any
    title: str
    legend: tuple[tuple[str, str, str | None], ...]
    notes: str
    ids: Mapping[str, str]


def bokeh_layout(grid: Grid) -> StaticDocument:
    """The Bokeh document of a grid, widgets and figure, wired by one ``CustomJS`` callback
    (:data:`CALLBACK`) to the precomputed frames; the title, the legend and the printed lines
    are left to the page (:meth:`StaticExplorer.embed`), which the callback updates by
    element id. A change of Bokeh's own title, legend or text re-lays out the whole document
    (BokehJS 3): twice the time of the redraw itself with the CPU throttled 4×, over the
    100 ms budget (``benchmarks/explorer_budget.py``).

    Raises:
        ValueError: if frames of the grid draw different numbers of lines (they share one
            figure).
    """
    import numpy as np
    from bokeh.layouts import column
    from bokeh.models import ColumnDataSource, CustomJS
    from bokeh.models.widgets.groups import CheckboxGroup, RadioButtonGroup
    from bokeh.models.widgets.inputs import Select
    from bokeh.models.widgets.markups import Div
    from bokeh.models.widgets.sliders import Slider
    from bokeh.plotting import figure

    first = grid.frame(**{c.name: c.first for c in grid.controls})
    counts = {len(f.lines) for f in grid.frames}
    if len(counts) != 1:
        raise ValueError(f"every frame must draw the same number of lines, got {counts}")
    moving = [
        j for j in range(len(first.lines)) if any(f.lines[j] != first.lines[j] for f in grid.frames)
    ]
    drawn = any(f.lines for f in grid.frames)  # an explorer that only prints shows no figure
    width, height = FIGURE_SIZE_PX
    plot = figure(
        x_axis_label=first.x_label,
        y_axis_label=first.y_label,
        width=width,
        height=height,
        tools="pan,box_zoom,reset",
        toolbar_location="above",
        sizing_mode="scale_width",  # a phone narrower than the figure shrinks it whole
        max_width=width,
    )
    plot.grid.grid_line_alpha = 0.3  # as plots.finish
    plot.toolbar.logo = None
    for axis in (*plot.xaxis, *plot.yaxis):
        axis.axis_label_text_font_style = "normal"  # matplotlib's labels are upright
    sources = []
    for j, line in enumerate(first.lines):
        source = ColumnDataSource({"x": np.array(line.x), "y": np.array(line.y)})
        plot.line("x", "y", source=source, line_color=line.colour, line_width=2, name=f"line-{j}")
        sources.append(source)
    prefix = f"denchi-{plot.id}"
    shows_legend = sum(bool(line.label) for line in first.lines) >= 2  # as legend_if_several
    # the legend entries the callback rewrites: the moving lines that have one
    label_ids = {j: f"{prefix}-label-{j}" for j in moving if shows_legend and first.lines[j].label}
    legend = tuple(
        (line.label, line.colour, label_ids.get(j))
        for j, line in enumerate(first.lines)
        if shows_legend and line.label
    )
    shown: list[Any] = []  # the widgets and their labels
    inputs: list[Any] = []  # per control: its widget, None for a fixed one
    kinds: list[str] = []
    for control in grid.controls:
        widget: Any = None
        if isinstance(control, Choice):
            labels = [shown for shown, _ in control.options]
            active = control.grid.index(control.first)
            kinds.append(control.kind)
            if control.kind == "checkbox":
                widget = CheckboxGroup(labels=[control.label], active=[0] if active else [])
                shown.append(widget)
            else:
                if control.kind == "buttons":
                    widget = RadioButtonGroup(labels=labels, active=active)
                else:  # the value of a Select is a string: the option's index
                    options: list[str | tuple[Any, str]] = [
                        (str(i), label) for i, label in enumerate(labels)
                    ]
                    widget = Select(options=options, value=str(active))
                shown.append(column(Div(text=control.label), widget))
        elif len(control.grid) == 1:
            kinds.append("fixed")
        elif (step := control.step) is not None:
            widget = Slider(
                title=control.label,
                start=control.grid[0],
                end=control.grid[-1],
                step=step,
                value=control.first,
                format="0[.]0[0]",
            )
            kinds.append("slider")
            shown.append(widget)
        else:
            widget = RadioButtonGroup(
                labels=[_number(v) for v in control.grid], active=control.grid.index(control.first)
            )
            kinds.append("buttons")
            shown.append(column(Div(text=control.label), widget))
        inputs.append(widget)
    ids = {"title": f"{prefix}-title", "notes": f"{prefix}-notes"}
    frames = [
        {
            "title": f.title,
            "notes": f.notes,
            "lines": [  # the lines that change (a reference line is sent once)
                {
                    "label": f.lines[j].label,
                    "x": np.array(f.lines[j].x, dtype=np.float32),
                    "y": np.array(f.lines[j].y, dtype=np.float32),
                }
                for j in moving
            ],
        }
        for f in grid.frames
    ]
    callback = CustomJS(
        args={
            "controls": inputs,
            "kinds": kinds,
            "sizes": [len(c.grid) for c in grid.controls],
            "frames": frames,
            "sources": [sources[j] for j in moving],
            "ids": {**ids, "labels": [label_ids.get(j) for j in moving]},
        },
        code=CALLBACK,
    )
    for widget, kind in zip(inputs, kinds, strict=True):
        if widget is not None:
            widget.js_on_change("value" if kind in ("slider", "select") else "active", callback)
    return StaticDocument(
        controls=column(*shown),
        plot=plot if drawn else None,
        title=first.title,
        legend=legend,
        notes=first.notes,
        ids=ids,
    )


def _legend_entry(label: str, colour: str, element: str | None) -> str:
    """One ``<li>`` of the page's legend: a swatch of the line's colour and its label (with
    ``id="element"`` when the callback changes it)."""
    swatch = (
        "display:inline-block;width:1.6em;vertical-align:middle;"
        f"border-top:3px solid {escape(colour, quote=True)}"
    )
    named = f' id="{element}"' if element else ""
    return (
        f'<li style="margin:0"><span aria-hidden="true" style="{swatch}"></span> '
        f"<span{named}>{escape(label)}</span></li>"
    )


def bokeh_files() -> list[Path]:
    """The BokehJS bundles a static explorer needs, from the installed ``bokeh`` wheel."""
    from bokeh.util.paths import bokehjs_path

    return [Path(bokehjs_path()) / "js" / f"{name}.min.js" for name in BOKEH_FILES]


def bokeh_file_names() -> list[str]:
    """The names the bundles are served under (with Bokeh's version, as its CDN names them:
    ``bokeh-3.9.2.min.js``), so a browser never keeps an old one after an upgrade."""
    import bokeh

    return [f"{name}-{bokeh.__version__}.min.js" for name in BOKEH_FILES]


class StaticExplorer:
    """A grid shown as a standalone Bokeh document: in a notebook output (``text/html``, the
    script tags of BokehJS left to the page: ``book/_ext/offline_assets.py`` adds them to the
    pages holding :data:`MARKER`), or as an HTML file of its own (:meth:`write_html`)."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid

    def embed(self) -> str:
        """The document's ``<div>`` and ``<script>`` (``bokeh.embed.components``) with the
        page's title, legend and printed lines (:class:`StaticDocument`), in an element of
        class :data:`MARKER`."""
        from bokeh.embed import components

        doc = bokeh_layout(self.grid)
        notes = (
            f'<div id="{doc.ids["notes"]}" class="{MARKER}-notes" aria-live="polite" '
            f'style="white-space:pre-wrap;margin:0.4em 0">{escape(doc.notes)}</div>'
        )
        if doc.plot is None:  # text only: the text is read out
            script, (controls,) = components((doc.controls,))
            return f'<div class="{MARKER}">{controls}{notes}{script}</div>'
        script, (controls, plot) = components((doc.controls, doc.plot))
        title = (
            f'<p id="{doc.ids["title"]}" class="{MARKER}-title" aria-live="polite" '
            f'style="font-weight:bold;margin:0.6em 0 0.2em">{escape(doc.title)}</p>'
        )
        entries = "".join(_legend_entry(*entry) for entry in doc.legend)
        legend = (
            f'<ul class="{MARKER}-legend" style="list-style:none;display:flex;flex-wrap:wrap;'
            f'gap:0.2em 1.2em;padding:0;margin:0 0 0.3em">{entries}</ul>'
            if entries
            else ""
        )
        first = self.grid.frames[0]
        chosen = [c.label for c in self.grid.controls if len(c.grid) > 1]
        label = escape(
            text(
                f"グラフ（横軸 {first.x_label}、縦軸 {first.y_label}）。"
                f"{'、'.join(chosen)}を選ぶと、線と見出しが変わります。",
                f"Figure ({first.x_label} against {first.y_label}); choose "
                f"{', '.join(chosen)} to change the lines and the title.",
            ),
            quote=True,
        )
        return (
            f'<div class="{MARKER}" role="figure" aria-label="{label}">'
            f"{controls}{plot}{title}{legend}{notes}{script}</div>"
        )

    def _repr_html_(self) -> str:
        return self.embed()

    def write_html(self, path: Path, title: str = "explorer") -> Path:
        """Write a standalone page at ``path`` and BokehJS beside it (``bokeh/…``); returns
        ``path``. The page loads nothing but those files."""
        folder = path.parent / "bokeh"
        folder.mkdir(parents=True, exist_ok=True)
        tags = []
        for source, name in zip(bokeh_files(), bokeh_file_names(), strict=True):
            shutil.copyfile(source, folder / name)
            tags.append(f'<script src="bokeh/{name}"></script>')
        path.write_text(
            "<!DOCTYPE html>\n"
            f'<html lang="ja"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"{''.join(tags)}</head><body>{self.embed()}</body></html>\n",
            encoding="utf-8",
        )
        return path


def explorer(
    name: str,
    draw: Callable[..., str],
    controls: Iterable[AnyControl],
    *,
    arguments: Mapping[str, object],
    packages: Sequence[str],
    distributions: Sequence[str] = (),
    figure: bool = True,
    figsize: tuple[float, float] = (6.0, 4.0),
) -> Any:
    """The explorer in the form the environment wants: ``ipywidgets.interactive`` in a
    notebook, a :class:`StaticExplorer` when the book is built (:func:`static_wanted`).

    Args:
        name: The explorer's name (the cache key of its grid).
        draw: ``draw(ax, **values) -> title``: draws into a matplotlib Axes, returns the title.
        controls: Its controls, in the order of ``draw``'s keywords.
        arguments: The explorer's own arguments (part of the cache key).
        packages: The packages whose code computes the drawing (``"denchi.labs"``).
        distributions: The installed distributions that do too (``"pybamm"``).
        figure: ``False`` for an explorer that only prints (its ``draw`` gets ``None`` for
            ``ax``, returns ``""``, and the forms show the printed lines alone).
        figsize: Width and height [inch] of the live figure (a diagram such as the h05
            process map needs more than the default). The static form reads only the lines
            drawn (:func:`capture`), so a drawing without lines shows its printed text alone.

    Raises:
        whatever ``draw`` raises for a grid point (static form only).
    """
    controls = tuple(controls)
    if static_wanted():
        engine = fingerprint(
            (*packages, "denchi.i18n", "denchi.plotting"), ("matplotlib", *distributions)
        )
        grid = build_grid(
            name,
            draw,
            controls,
            arguments=arguments,
            engine=engine,
            cache=cache_folder(),
            figure=figure,
        )
        return StaticExplorer(grid)
    return _live(draw, controls, figure, figsize)


def _live(
    draw: Callable[..., str],
    controls: tuple[AnyControl, ...],
    figure: bool,
    figsize: tuple[float, float],
) -> Any:
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from denchi.plotting import figure_axes

    def show(**values: float) -> None:
        if not figure:
            draw(None, **values)
            return
        ax = figure_axes(figsize=figsize)
        ax.set_title(draw(ax, **values))
        plt.show()

    sliders: dict[str, Any] = {}
    for c in controls:
        if isinstance(c, Choice):
            sliders[c.name] = _live_choice(c)
            continue
        if c.live is None:
            sliders[c.name] = widgets.fixed(c.grid[0])
            continue
        value, low, high, step = c.live
        sliders[c.name] = widgets.FloatSlider(
            value=value,
            min=low,
            max=high,
            step=step,
            description=c.label,
            continuous_update=False,
            style={"description_width": "initial"},
        )
    return widgets.interactive(show, **sliders)


def _live_choice(choice: Choice) -> Any:
    """The ipywidgets form of a :class:`Choice`: as its static form (:attr:`Choice.kind`)."""
    import ipywidgets as widgets

    if choice.kind == "checkbox":
        return widgets.Checkbox(value=bool(choice.first), description=choice.label, indent=False)
    options = choice.live or choice.options
    kind = widgets.ToggleButtons if len(options) <= MAX_BUTTONS else widgets.Dropdown
    return kind(
        options=list(options),
        value=choice.first,
        description=choice.label,
        style={"description_width": "initial"},
    )
