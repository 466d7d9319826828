"""A small protocol language for the virtual battery cycler: CC, CV and rest steps::

    from denchi.labs.api import protocols as p
    steps = [p.charge(c_rate=0.5), p.hold(voltage_v=4.2, until_c_rate=0.05),
             p.rest(duration_s=1800), p.discharge(c_rate=1)]
    cell.cycle(steps, cycles=3)

A step is a plain, checked value; ``denchi.labs.engine`` turns it into a PyBaMM experiment
step whose current or voltage is an input parameter, so running the same protocol with other
currents re-solves without rebuilding.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from denchi.labs.engine.presets import Preset
from denchi.labs.errors import LabInputError, keywords_checked
from denchi.validation import number_in_range

C_RATE_RANGE = (0.01, 10.0)
DURATION_RANGE_S = (0.1, 400 * 86400.0)  # 0.1 s to 400 days (calendar aging)
VOLTAGE_RANGE_V = (0.5, 5.0)  # what any preset could mean; each preset narrows it
UNTIL_C_RATE_RANGE = (0.001, 10.0)
KINDS = ("discharge", "charge", "hold", "rest")


@dataclass(frozen=True)
class Step:
    """One step of a cycler protocol. Build steps with :func:`discharge`, :func:`charge`,
    :func:`hold` and :func:`rest` rather than directly.

    Attributes:
        kind: ``"discharge"``, ``"charge"``, ``"hold"`` (constant voltage) or ``"rest"``.
        c_rate: Current of a discharge or charge step, as a C-rate (positive).
        voltage_v: Voltage of a hold step [V].
        duration_s: Longest time the step may last [s]; ``None`` = until its end condition.
        until_v: A discharge or charge step ends at this voltage [V].
        until_c_rate: A hold step ends when the current falls below this C-rate.
    """

    kind: str
    c_rate: float | None = None
    voltage_v: float | None = None
    duration_s: float | None = None
    until_v: float | None = None
    until_c_rate: float | None = None

    def describe(self) -> str:
        """The step in words, in the page language (for tables and figure titles)."""
        from denchi.i18n import text

        until = ""
        if self.until_v is not None:
            until = text(f"、{self.until_v:g} V まで", f" until {self.until_v:g} V")
        if self.until_c_rate is not None:
            until = text(f"、{self.until_c_rate:g}C まで", f" until {self.until_c_rate:g}C")
        if self.duration_s is not None:
            limit = text(f"、最長 {self.duration_s:g} 秒", f", at most {self.duration_s:g} s")
            until += limit
        if self.kind == "discharge":
            return text(f"{self.c_rate:g}C で放電", f"Discharge at {self.c_rate:g}C") + until
        if self.kind == "charge":
            return text(f"{self.c_rate:g}C で充電", f"Charge at {self.c_rate:g}C") + until
        if self.kind == "hold":
            return text(f"{self.voltage_v:g} V に保持", f"Hold at {self.voltage_v:g} V") + until
        return text(f"休止 {self.duration_s:g} 秒", f"Rest for {self.duration_s:g} s")


def _duration(duration_s: object, *, required: bool) -> float | None:
    if duration_s is None and not required:
        return None
    return number_in_range(
        "duration_s", duration_s, *DURATION_RANGE_S, "s", label_ja="ステップの時間 duration_s"
    )


def _until_v(until_v: object) -> float | None:
    if until_v is None:
        return None
    return number_in_range("until_v", until_v, *VOLTAGE_RANGE_V, "V", label_ja="終わりの電圧")


def _constant_current(kind: str, c_rate: object, until_v: object, duration_s: object) -> Step:
    return Step(
        kind,
        c_rate=number_in_range("c_rate", c_rate, *C_RATE_RANGE, "C", label_ja="C レート"),
        until_v=_until_v(until_v),
        duration_s=_duration(duration_s, required=False),
    )


@keywords_checked
def discharge(
    c_rate: float = 1.0, until_v: float | None = None, duration_s: float | None = None
) -> Step:
    """Constant-current discharge at ``c_rate`` until ``until_v`` (default: the cell's lower
    cut-off voltage) or for at most ``duration_s`` seconds.

    Args:
        c_rate: Current as a C-rate (0.01–10).
        until_v: End voltage [V] (0.5–5, and within the cell's window when run); ``None``
            for the cell's lower cut-off.
        duration_s: Longest duration [s] (0.1 s to 400 days); ``None`` for no limit.

    Raises:
        LabInputError: if a value is outside its range above.
    """
    return _constant_current("discharge", c_rate, until_v, duration_s)


@keywords_checked
def charge(
    c_rate: float = 0.5, until_v: float | None = None, duration_s: float | None = None
) -> Step:
    """Constant-current charge at ``c_rate`` until ``until_v`` (default: the cell's upper
    cut-off voltage) or for at most ``duration_s`` seconds.

    Args:
        c_rate: Current as a C-rate (0.01–10).
        until_v: End voltage [V] (0.5–5, and within the cell's window when run); ``None``
            for the cell's upper cut-off.
        duration_s: Longest duration [s] (0.1 s to 400 days); ``None`` for no limit.

    Raises:
        LabInputError: if a value is outside its range above.
    """
    return _constant_current("charge", c_rate, until_v, duration_s)


@keywords_checked
def hold(
    voltage_v: float, until_c_rate: float | None = None, duration_s: float | None = None
) -> Step:
    """Constant-voltage hold at ``voltage_v`` until the current falls below ``until_c_rate``
    or for ``duration_s`` seconds (give at least one of the two).

    Args:
        voltage_v: Hold voltage [V] (0.5–5, and within the cell's window when run).
        until_c_rate: End current as a C-rate (0.001–10); ``None`` for none.
        duration_s: Longest duration [s] (0.1 s to 400 days); ``None`` for no limit.

    Raises:
        LabInputError: if a value is outside its range above, or neither end is given.
    """
    voltage = number_in_range("voltage_v", voltage_v, *VOLTAGE_RANGE_V, "V", label_ja="保持電圧")
    until = None
    if until_c_rate is not None:
        until = number_in_range(
            "until_c_rate", until_c_rate, *UNTIL_C_RATE_RANGE, "C", label_ja="終わりの電流"
        )
    duration = _duration(duration_s, required=False)
    if until is None and duration is None:
        raise LabInputError(
            "until_c_rate",
            "定電圧の保持には、終わりの条件 until_c_rate（例: 0.05）か時間 duration_s を"
            "指定してください。",
            "A voltage hold needs an end: until_c_rate (e.g. 0.05) or duration_s.",
        )
    return Step("hold", voltage_v=voltage, until_c_rate=until, duration_s=duration)


@keywords_checked
def rest(duration_s: float) -> Step:
    """No current for ``duration_s`` seconds (the voltage relaxes).

    Args:
        duration_s: Rest time [s] (0.1 s to 400 days).

    Raises:
        LabInputError: if ``duration_s`` is outside that range.
    """
    return Step("rest", duration_s=_duration(duration_s, required=True))


def resolve(step: object, preset: Preset, position: int = 0) -> Step:
    """Check a step against a cell (voltage window) and fill in its default end voltage.

    Args:
        step: A step from :func:`discharge`, :func:`charge`, :func:`hold` or :func:`rest`.
        preset: The cell's preset (its voltage window).
        position: The step's index in the protocol, for the error message.

    Raises:
        LabInputError: if ``step`` is not a step, a value is outside its range, or a voltage
            is outside the preset's window.
    """
    name = f"steps[{position}]"
    if not isinstance(step, Step) or step.kind not in KINDS:
        raise LabInputError(
            name,
            f"{name} はステップではありません。protocols.discharge()・charge()・hold()・rest() で"
            "作ってください。",
            f"{name} is not a step: build steps with protocols.discharge(), charge(), hold() "
            "or rest().",
        )
    low, high = preset.voltage_min_v, preset.voltage_max_v
    # re-run the checks of the constructors: a Step may have been built by hand
    rebuilt = {
        "discharge": lambda s: discharge(s.c_rate, s.until_v, s.duration_s),
        "charge": lambda s: charge(s.c_rate, s.until_v, s.duration_s),
        "hold": lambda s: hold(s.voltage_v, s.until_c_rate, s.duration_s),
        "rest": lambda s: rest(s.duration_s),
    }[step.kind](step)
    if rebuilt.kind == "discharge" and rebuilt.until_v is None:
        rebuilt = replace(rebuilt, until_v=low)
    if rebuilt.kind == "charge" and rebuilt.until_v is None:
        rebuilt = replace(rebuilt, until_v=high)
    for field, value in (("until_v", rebuilt.until_v), ("voltage_v", rebuilt.voltage_v)):
        if value is not None:
            number_in_range(
                f"{name}.{field}", value, low, high, "V", label_ja="この電池で使える電圧"
            )
    return rebuilt


def resolve_all(steps: object, preset: Preset, max_steps: int = 50) -> tuple[Step, ...]:
    """Check a whole protocol (a list of steps) against a cell.

    Args:
        steps: A step, or a list or tuple of 1 to ``max_steps`` steps.
        preset: The cell's preset (its voltage window).
        max_steps: Most steps allowed.

    Raises:
        LabInputError: if ``steps`` is not such a list, or a step fails :func:`resolve`.
    """
    if isinstance(steps, Step):
        steps = [steps]
    if not isinstance(steps, (list, tuple)) or not 1 <= len(steps) <= max_steps:
        raise LabInputError(
            "steps",
            f"steps には 1〜{max_steps} 個のステップのリストを指定してください"
            "（例: [protocols.charge(0.5), protocols.discharge(1)]）。",
            f"steps must be a list of 1 to {max_steps} steps "
            "(e.g. [protocols.charge(0.5), protocols.discharge(1)]).",
        )
    return tuple(resolve(s, preset, i) for i, s in enumerate(steps))
