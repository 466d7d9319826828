"""The book's page execution: kernels forked from a server of the pages' imports
(``denchi.page_kernels``) against a new kernel per page, in the same run.

Each page is executed as the book's build executes it (``denchi.page_cache.execute_page``, in
the page's folder, with the build's environment), in one process, one page at a time,
alternating the two ways page by page so that the machine's load falls on both alike. The
server's start is counted once, in the forked total, as a build pays it once per
page-executing process.

    .venv/bin/python benchmarks/page_kernels.py [--pages N] [--repeats R]

Prints, per way: the wall time of all pages, the median per page, and the ratio
new kernel / forked kernel (above 1: forking is faster).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pages(count: int) -> list[Path]:
    """The first ``count`` lesson and lab pages of the book that use the virtual labs or chem."""
    from denchi import page_cache
    from denchi.book import toc, toc_pages
    from denchi.catalog import load_catalog

    chosen = []
    for page in toc_pages(toc(load_catalog(), ROOT), ROOT):
        code = "\n".join(
            c.source for c in page_cache.read_page(page).cells if c.cell_type == "code"
        )
        if page_cache.denchi_imports(code) & {"labs", "chem"}:
            chosen.append(page)
        if len(chosen) == count:
            break
    return chosen


def _run(page: Path, forked: bool) -> float:
    from denchi.page_cache import execute_page

    start = time.perf_counter()
    _, _, _, error = execute_page(str(page), forked)
    if error:
        raise SystemExit(f"{page.relative_to(ROOT)} failed: {error}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=8, help="pages to execute (default 8)")
    parser.add_argument("--repeats", type=int, default=1, help="passes over the pages")
    args = parser.parse_args()
    os.environ.update(
        PYBAMM_DISABLE_TELEMETRY="true", DENCHI_ROOT=str(ROOT), DENCHI_STATIC_EXPLORERS="1"
    )
    os.environ.pop("MPLBACKEND", None)  # as the build: pages use the inline backend

    from denchi.grading import forkserver
    from denchi.page_kernels import PRELOAD

    pages = _pages(args.pages)
    start = time.perf_counter()
    forkserver.shared(PRELOAD, sandboxed=False)
    server_s = time.perf_counter() - start
    times: dict[bool, list[float]] = {False: [], True: []}
    for round_ in range(args.repeats):
        for n, page in enumerate(pages):
            for forked in (n + round_) % 2 == 0, (n + round_) % 2 == 1:
                times[forked].append(_run(page, forked))
    new, forked = sum(times[False]), sum(times[True]) + server_s
    print(f"{len(pages)} pages × {args.repeats}, one at a time (Python {sys.version.split()[0]})")
    print(f"  new kernel per page : {new:6.1f} s, median {statistics.median(times[False]):.2f} s")
    print(
        f"  forked kernels      : {forked:6.1f} s (server start {server_s:.1f} s once), "
        f"median {statistics.median(times[True]):.2f} s"
    )
    print(f"  ratio new / forked  : {new / forked:.2f}")


if __name__ == "__main__":
    main()
