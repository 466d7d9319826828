"""The u04 design contest for a class of 40: parallel workers against one process, same run.

    .venv/bin/python benchmarks/contest.py [--students 40] [--workers 2]

A class of synthetic autograded u04 notebooks is written to a temporary course (designs drawn
from a grid of positive thickness 70-110 µm, porosity 0.30-0.40 and N/P 1.05 or 1.1, so that
designs repeat as they do in a class; one student writes a computed value the contest cannot
read). ``denchi.grading.contest.contest_rows`` ranks the class twice: with one process
(baseline) and with ``workers`` processes. Both tables must agree.

Target (issue 17): the class of 40 within the grading benchmark's budget, 120 s on this 2-core
machine (``benchmarks/grading_parallel.py``); ``parallel_s`` is that time and ``target_met``
says whether it was met. CPU time (user + system of all processes) is printed too, since the
machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

import nbformat

from denchi.grading.contest import contest_rows

TARGET_S = 120.0


def write_class(course: Path, students: int) -> int:
    """Write the autograded notebooks; return the number of distinct readable designs."""
    rng = random.Random(17)
    grid = [
        (t, e, n) for t in (70, 80, 90, 100, 110) for e in (0.3, 0.35, 0.4) for n in (1.05, 1.1)
    ]
    chosen = set()
    for i in range(students):
        folder = course / "autograded" / f"s{i:04d}" / "u04_cell_design"
        folder.mkdir(parents=True)
        if i == 7:
            source = "q4_positive_thickness_um = float(input())\n"
        else:
            t, e, n = rng.choice(grid)
            chosen.add((t, e, n))
            source = (
                f"q4_positive_thickness_um = {t}\nq4_positive_porosity = {e}\nq4_np_ratio = {n}\n"
            )
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade_id": "q4_answer", "solution": True}
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), folder / "u04_cell_design.ipynb")
    return len(chosen)


def timed(course: Path, workers: int):
    start, cpu = time.perf_counter(), os.times()
    rows = contest_rows(course, "u04_cell_design", workers=workers)
    end = os.times()
    used = sum(end[:4]) - sum(cpu[:4])  # user + system, this process and its children
    return rows, time.perf_counter() - start, used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder)
        distinct = write_class(course, args.students)
        serial, serial_s, serial_cpu = timed(course, 1)
        parallel, parallel_s, parallel_cpu = timed(course, args.workers)
    assert [r.cells() for r in serial] == [r.cells() for r in parallel], "tables differ"
    print(
        json.dumps(
            {
                "students": args.students,
                "distinct_designs": distinct,
                "workers": args.workers,
                "baseline_one_process_s": round(serial_s, 1),
                "parallel_s": round(parallel_s, 1),
                "speed_up": round(serial_s / parallel_s, 2),
                "baseline_cpu_s": round(serial_cpu, 1),
                "parallel_cpu_s": round(parallel_cpu, 1),
                "load_average_1min": os.getloadavg()[0],
                "target_s": TARGET_S,
                "target_met": parallel_s <= TARGET_S,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
