"""Parallel autograding against plain sequential ``nbgrader autograde``, in the same run.

    .venv/bin/python benchmarks/grading_parallel.py [--students 40] [--workers 2] [--no-fork]

A class of synthetic submissions of the h04 assignment (a third each: the solution, the typical
wrong answer, the blank student version) is graded twice from the same generated course:

1. baseline: ``nbgrader autograde h04_lithium_ion`` with nbgrader's own autograde steps
   (one process, one notebook after another, no sandbox, hidden tests in the kernel);
2. ``denchi.grading.pipeline.grade`` with ``workers`` processes and the course's configuration
   (sandboxed kernels forked from a fork server with the course's imports loaded, limits, hidden
   tests in the clean room); no feedback, like the baseline. ``--no-fork`` launches every kernel
   as a new process instead (``c.SandboxedExecute.fork_kernels = False``), for comparison.

Target (issue 10): the class of 40 graded in at most 120 s on this 2-core machine, with the same
scores; ``parallel_s`` is that time, ``target_met`` says whether it was met.

It checks that both gradebooks hold the same scores, and prints the speed-up (baseline time /
pipeline time), the overhead per notebook (worker time per notebook minus the baseline's time
per notebook), and the peak memory (resident set of all processes: nbgrader, workers, kernels).

The machine may be shared: other users' work takes cores the parallel run needs, and the
wall-clock speed-up then says more about them than about the code. So it also measures the CPU
time each run spent (user + system of all its processes, which others' load does not inflate),
and reports ``speed_up_if_cores_idle`` = workers x baseline CPU / pipeline CPU: what the same
work gives when ``workers`` cores are free. Both are printed with the mean load average.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

# the test helpers that hand in work and read the gradebook (tests/grading_support.py), as
# benchmarks/lms_class.py takes the LMS harness: they are not part of the installed package
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from grading_support import (  # noqa: E402
    autograde,
    fill_answers,
    scores,
    submit,
    typical_wrong_answers,
)

from denchi.grading import course as nbg  # noqa: E402
from denchi.grading.pipeline import grade  # noqa: E402

ASSIGNMENT = "h04_lithium_ion"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
BASELINE_CONFIG = """
# benchmark baseline: nbgrader 0.9's own autograde steps, as if configure_course() had not run
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds, Execute, IgnorePattern,
    LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades,
)

c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
c.OverwriteCells.add_missing_cells = False
c.ExecutePreprocessor.timeout = 300
"""


class PeakMemory:
    """Peak resident memory of this process's children (all generations), sampled; and the
    machine's mean load average meanwhile (other users' work slows the parallel run most)."""

    def __init__(self, period_s: float = 0.2) -> None:
        self.peak_mb = 0.0
        self.loads: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(period_s,), daemon=True)

    def _sample(self, period_s: float) -> None:
        me = psutil.Process()
        while not self._stop.wait(period_s):
            total = 0
            for proc in me.children(recursive=True):
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak_mb = max(self.peak_mb, total / 2**20)
            self.loads.append(os.getloadavg()[0])

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mean_load(self) -> float:
        return round(sum(self.loads) / max(len(self.loads), 1), 2)


def _children_cpu_s() -> float:
    """CPU seconds of all finished (reaped) descendant processes, user plus system."""
    times = os.times()
    return times.children_user + times.children_system


def make_class(workdir: Path, students: int) -> Path:
    """A generated course with ``students`` submissions (solution, wrong, blank in turn)."""
    course = nbg.copy_course(workdir / "template")
    release = nbg.generate(course, ASSIGNMENT)
    blank = nbformat.read(release / NOTEBOOK, as_version=4)
    kinds = {
        "solution": nbformat.read(course / "source" / ASSIGNMENT / NOTEBOOK, as_version=4),
        "wrong": fill_answers(blank, typical_wrong_answers(ASSIGNMENT)[NOTEBOOK]),
        "blank": blank,
    }
    for i in range(students):
        kind = list(kinds)[i % 3]
        submit(course, ASSIGNMENT, f"{kind}{i:02d}", {NOTEBOOK: kinds[kind]})
    return course


TARGET_S = 120.0  # issue 10: a class of 40 on this 2-core machine


def run(students: int, workers: int, workdir: Path, fork: bool = True) -> dict:
    template = make_class(workdir, students)
    baseline = shutil.copytree(template, workdir / "baseline")
    with (baseline / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(BASELINE_CONFIG)
    parallel = shutil.copytree(template, workdir / "parallel")
    if not fork:
        with (parallel / "nbgrader_config.py").open("a", encoding="utf-8") as config:
            config.write("\nc.SandboxedExecute.fork_kernels = False\n")

    with PeakMemory() as baseline_memory:
        start, cpu = time.perf_counter(), _children_cpu_s()
        autograde(baseline, ASSIGNMENT)
        baseline_s, baseline_cpu = time.perf_counter() - start, _children_cpu_s() - cpu
    with PeakMemory() as parallel_memory:
        start, cpu = time.perf_counter(), _children_cpu_s()
        results = grade(parallel, ASSIGNMENT, workers=workers, feedback=False)
        parallel_s, parallel_cpu = time.perf_counter() - start, _children_cpu_s() - cpu

    same = scores(baseline, ASSIGNMENT) == scores(parallel, ASSIGNMENT)
    kernel = [
        nbformat.read(parallel / "autograded" / s / ASSIGNMENT / NOTEBOOK, as_version=4).metadata[
            "denchi"
        ]["grading"]
        for s in results
    ]
    per_notebook_baseline = baseline_s / students
    per_notebook_worker = parallel_s * workers / students
    return {
        "students": students,
        "workers": workers,
        "fork_server": fork,
        "same_scores": same,
        "scores": sorted({r.score for r in results.values()}),
        "statuses": sorted({r.status for r in results.values()}),
        "baseline_s": round(baseline_s, 1),
        "parallel_s": round(parallel_s, 1),
        "speed_up": round(baseline_s / parallel_s, 2),
        "target_s": TARGET_S * students / 40,
        "target_met": parallel_s <= TARGET_S * students / 40,
        "cpu_s_per_notebook_baseline": round(baseline_cpu / students, 2),
        "cpu_s_per_notebook_parallel": round(parallel_cpu / students, 2),
        "speed_up_if_cores_idle": round(
            min(workers, os.cpu_count() or 1) * baseline_cpu / parallel_cpu, 2
        ),
        "baseline_s_per_notebook": round(per_notebook_baseline, 2),
        "worker_s_per_notebook": round(per_notebook_worker, 2),
        "overhead_s_per_notebook": round(per_notebook_worker - per_notebook_baseline, 2),
        "kernel_s_per_notebook": round(sum(k["seconds"] for k in kernel) / students, 2),
        "peak_memory_mb_baseline": round(baseline_memory.peak_mb),
        "peak_memory_mb_parallel": round(parallel_memory.peak_mb),
        "peak_kernel_rss_mb": max(k["peak_rss_mb"] for k in kernel),
        "mean_load_baseline": baseline_memory.mean_load,
        "mean_load_parallel": parallel_memory.mean_load,
        "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="grade in this folder and keep it")
    parser.add_argument(
        "--no-fork", action="store_true", help="launch each kernel as a new process"
    )
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True)
        report = run(args.students, args.workers, args.keep, not args.no_fork)
    else:
        with tempfile.TemporaryDirectory(prefix="denchi-bench-") as tmp:
            report = run(args.students, args.workers, Path(tmp), not args.no_fork)
    print(json.dumps(report, indent=2))
    if not report["same_scores"]:
        raise SystemExit("the parallel pipeline's scores differ from nbgrader's")


if __name__ == "__main__":
    main()
