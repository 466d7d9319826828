"""Explorers of the specialist labs built on the reference analyses and the stored data
(u02: the OCV window of an aged cell; u03: the Thevenin circuit against the DFN pulse).

They sit in the top layer of :mod:`denchi.labs` because they call :mod:`denchi.labs.analysis`
and the stored records; like those of :mod:`denchi.labs.api.widgets`, each is one call that
is an ``ipywidgets`` form in a notebook and a static Bokeh document in the built book
(:mod:`denchi.explorers`).
"""

from __future__ import annotations

from typing import Any

from denchi.explorers import Control, evenly, explorer
from denchi.i18n import text
from denchi.labs.api.widgets import ENGINE, PHYSICS
from denchi.labs.errors import keywords_checked


def ocv_window_title(aged_ah: float, fresh_ah: float) -> str:
    """The OCV-window explorer's figure title: the aged capacity and its share of the fresh
    one, in the page language.

    Args:
        aged_ah: Capacity of the aged cell between the voltage limits [Ah].
        fresh_ah: … of the fresh cell [Ah].
    """
    share = 100.0 * aged_ah / fresh_ah
    return text(
        f"容量 {aged_ah:.2f} Ah（新品の {share:.0f} %）",
        f"Capacity {aged_ah:.2f} Ah ({share:.0f} % of new)",
    )


@keywords_checked
def ocv_window_explorer(chemistry: str = "nmc_graphite") -> Any:
    """The u02 lab's idea, that a cell's OCV is the difference of its electrodes' OCPs over
    the stoichiometry windows the cell uses, with the windows moved by ageing: lithium lost
    (LLI) and positive active material lost (LAM) as controls; the figure shows the cell's
    OCV and both electrode potentials against the charge [Ah] from empty, with the new
    cell's OCV as a reference (:func:`denchi.labs.analysis.ocv.degraded_ocv`).

    The static book offers LLI 0–0.3 in steps of 0.1 and LAM of the positive 0 and 0.2
    (8 points; each evaluates the parameter set's OCP functions, no solve).

    Args:
        chemistry: A lithium-ion preset with single-material electrodes.

    Raises:
        LabInputError: if ``chemistry`` is not such a preset.
        LabSimulationError: if PyBaMM cannot compute the electrode potentials.
        ValueError: if a control's grid is malformed (a bug of this module, never a
            learner's input).
        ModuleNotFoundError: in the book build, if the engine's code is not importable.
    """
    from denchi.labs.analysis.ocv import degraded_ocv
    from denchi.labs.api import plots

    fresh = degraded_ocv(chemistry=chemistry)

    def draw(ax: Any, lli: float, lam_pe: float) -> str:
        aged = degraded_ocv(chemistry=chemistry, lli=lli, lam_pe=lam_pe)
        ax.plot(
            fresh.soc * fresh.capacity_ah,
            fresh.voltage_v,
            color="0.6",
            label=text("新品の電池の電圧", "New cell voltage"),
        )
        charge = aged.soc * aged.capacity_ah
        for values, colour, label in (
            (aged.voltage_v, "k", text("電池の電圧", "Cell voltage")),
            (aged.positive_potential_v, "tab:red", text("正極の電位", "Positive electrode")),
            (aged.negative_potential_v, "tab:blue", text("負極の電位", "Negative electrode")),
        ):
            ax.plot(charge, values, color=colour, label=label)
        plots.finish(ax, "charge_capacity", "potential")
        return ocv_window_title(aged.capacity_ah, fresh.capacity_ah)

    return explorer(
        "ocv_window",
        draw,
        [
            Control(
                "lli",
                text("失ったリチウム LLI", "Lithium lost"),
                evenly(0.0, 0.3, 0.1),
                (0.0, 0.0, 0.5, 0.01),
                0.0,
            ),
            Control(
                "lam_pe",
                text("失った正極 LAM", "Positive lost"),
                (0.0, 0.2),
                (0.0, 0.0, 0.5, 0.01),
                0.0,
            ),
        ],
        arguments={"chemistry": fresh.preset},
        packages=ENGINE,
        distributions=PHYSICS,
    )


def thevenin_title(rms_mv: float) -> str:
    """The circuit explorer's figure title: the circuit's RMS difference from the DFN [mV].

    Args:
        rms_mv: Root-mean-square of circuit − DFN over the record [mV].
    """
    return text(f"DFN との差（RMS）{rms_mv:.1f} mV", f"RMS difference from DFN {rms_mv:.1f} mV")


def thevenin_pulse_v(pulse: Any, fit: Any, r0_mohm: float, r1_mohm: float, tau_s: float) -> Any:
    """The first-order Thevenin circuit's voltage [V] over a pulse record, shape (n,), with
    ``fit``'s open-circuit voltage and the given R0, R1 and τ (C1 = τ / R1).

    Args:
        pulse: The pulse record (``u03_datasets.dfn_pulse``).
        fit: The circuit fitted to it (``analysis_ecm.fit_pulse``), for its OCV.
        r0_mohm: Series resistance R0 [mΩ].
        r1_mohm: Resistance of the RC pair R1 [mΩ], above 0.
        tau_s: Time constant τ = R1 C1 [s], above 0.

    Raises:
        LabInputError: if a value is out of the range of ``analysis_ecm.thevenin_voltage``.
    """
    from dataclasses import replace

    from denchi.labs.analysis.ecm import model_voltage_v

    r1_ohm = r1_mohm / 1000.0
    circuit = replace(fit, r0_ohm=r0_mohm / 1000.0, r1_ohm=r1_ohm, c1_f=tau_s / r1_ohm, tau_s=tau_s)
    return model_voltage_v(pulse, circuit)


@keywords_checked
def thevenin_explorer() -> Any:
    """The u03 lab's circuit against the DFN: R0, R1 and τ of the first-order Thevenin
    circuit as controls; the figure shows the circuit's voltage over the lab's pulse (1C
    for 120 s from SOC 50 %, 600 s rest) with the DFN's record as a reference, and the
    title their RMS difference. The circuit's OCV is that of the fit
    (``analysis_ecm.fit_pulse``).

    The static book offers R0 15–35 mΩ and R1 5–25 mΩ in steps of 5 and τ 40, 80 and
    160 s (75 points of the closed-form circuit, no solve).

    Raises:
        LabInputError: if the stored DFN pulse does not fit the circuit (a damaged record,
            never a learner's input).
        ValueError: if a control's grid is malformed (a bug of this module, never a
            learner's input).
        ModuleNotFoundError: in the book build, if the engine's code is not importable.
    """
    from denchi.labs.analysis.ecm import fit_pulse
    from denchi.labs.api import plots
    from denchi.labs.datasets.modeling import dfn_pulse

    pulse = dfn_pulse()
    fit = fit_pulse(pulse)
    seconds = pulse.time_s - pulse.time_s[0]

    def draw(ax: Any, r0_mohm: float, r1_mohm: float, tau_s: float) -> str:
        import numpy as np

        circuit = thevenin_pulse_v(pulse, fit, r0_mohm, r1_mohm, tau_s)
        ax.plot(seconds, pulse.voltage_v, color="0.4", label="DFN")
        ax.plot(seconds, circuit, "--", color="tab:orange", label=text("回路", "circuit"))
        plots.finish(ax, "time_s", "voltage")
        return thevenin_title(1000.0 * float(np.sqrt(np.mean((circuit - pulse.voltage_v) ** 2))))

    return explorer(
        "thevenin",
        draw,
        [
            Control("r0_mohm", "R0 [mΩ]", evenly(15.0, 35.0, 5.0), (25.0, 1.0, 60.0, 0.5), 25.0),
            Control("r1_mohm", "R1 [mΩ]", evenly(5.0, 25.0, 5.0), (15.0, 1.0, 40.0, 0.5), 15.0),
            Control("tau_s", "τ [s]", (40.0, 80.0, 160.0), (80.0, 5.0, 300.0, 5.0), 80.0),
        ],
        arguments={},
        packages=ENGINE,
        distributions=PHYSICS,
    )


def cfp_explorer(seed: int | str = "demo") -> Any:
    """The u08 lab's question, how the electricity's emission factor and recycled cathode
    metal move a cell's carbon footprint: the CFP per kWh of capacity of each life-cycle
    stage and their total against the grid emission factor (0–0.8 kg CO2/kWh, one factor
    for every stage), with the recycled share of the cobalt, lithium and nickel as the
    control (:func:`denchi.sustain.cfp_by_stage` on the seeded cell
    :func:`denchi.labs.datasets.sustainability.cell_inventory`).

    The static book offers recycled shares of 0–50 % in steps of 10 % (6 points, closed
    form, milliseconds each); a notebook's slider goes to 100 % in steps of 5 %.

    Args:
        seed: The cell's seed (a non-negative integer or a 1–200 character string).

    Raises:
        LabInputError: if ``seed`` is not a valid seed.
        ValueError: if a control's grid is malformed (a bug of this module).
        ModuleNotFoundError: in the book build, if this package's code is not importable.
    """
    import numpy as np

    from denchi import sustain
    from denchi.labs.datasets.sustainability import cell_inventory

    cell = cell_inventory(seed)
    factors = np.linspace(0.0, 0.8, 41)

    def draw(ax: Any, recycled_pct: float) -> str:
        changed = cell.with_recycled_share(recycled_pct / 100)
        results = [
            sustain.cfp_by_stage(changed.electricity_kwh, changed.other_kg, g) for g in factors
        ]
        for stage in sustain.CFP_STAGES:
            per_kwh = [r.stages_kg[stage] / changed.capacity_kwh for r in results]
            ax.plot(factors, per_kwh, label=sustain.CFP_STAGE_NAMES_JA[stage])
        totals = [r.per_kwh(changed.capacity_kwh) for r in results]
        ax.plot(factors, totals, "k--", label="合計")
        ax.set_xlabel("電力の排出係数 [kg-CO2/kWh]")
        ax.set_ylabel("カーボンフットプリント [kg-CO2e/kWh]")
        ax.legend(fontsize=8)
        print(
            f"排出係数 0 のとき {totals[0]:.1f}、0.8 のとき {totals[-1]:.1f} kg-CO2e/kWh"
            f"（原材料の調達 {results[0].stages_kg['materials'] / changed.capacity_kwh:.1f}）"
        )
        return f"コバルト・リチウム・ニッケルの再生材 {recycled_pct:g} %"

    return explorer(
        "u08_cfp",
        draw,
        [Control("recycled_pct", "再生材の割合 [%]", evenly(0, 50, 10), (0, 0, 100, 5), 0.0)],
        arguments={"seed": seed},
        packages=("denchi.sustain", "denchi.labs.datasets"),
    )
