"""Budgets of the static explorers (issue 15) in headless Chromium.

For each lab explorer the book shows statically (``discharge_explorer``, ``thermal_explorer``),
write its standalone document (``StaticExplorer.write_html``: the same ``<div>`` and
``<script>`` the book page embeds, and BokehJS beside it), then measure:

- the download: the document plus BokehJS (counted once), raw and gzip-compressed (what a
  server that compresses sends: most static hosts, the classroom server ``dev.py serve``, and
  nginx or Apache set up as book/operators/02_publishing.md says). Budget: ≤ 1.5 MB.
- the answer to a control change with the CPU throttled 4× (DevTools
  ``Emulation.setCPUThrottlingRate``, a Chromebook-class device): from setting a widget's value
  until the next frame after the redraw, median, 90th percentile and worst of 40 changes,
  against the same wait with no change (the frame itself) in the same run. Budget: ≤ 100 ms
  (judged on the median and the 90th percentile: on a shared machine the worst sample is the
  machine's stall, which the frame alone shows too).

Grids are computed by the engine (or read from ``$DENCHI_EXPLORER_CACHE``, by default
``_build/explorer_cache``). Needs Debian's chromium (``apt-get install chromium``); Playwright
drives it and downloads no browser.

    .venv/bin/python benchmarks/explorer_budget.py
"""

from __future__ import annotations

import gzip
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_BYTES = 1_500_000
BUDGET_MS = 100.0
THROTTLE = 4
CHANGES = 40

# one control change (or none) and the wait for the frame after Bokeh's redraw, in the page
MEASURE = """async ([name, change]) => {
  const doc = Bokeh.documents[0];
  const widget = [...doc.all_models].find((m) => m.type === name);
  const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  await frame();
  const start = performance.now();
  if (change) {
    if (name === "Slider") {
      widget.value = widget.value + widget.step <= widget.end ? widget.value + widget.step
                                                             : widget.start;
    } else {
      widget.active = (widget.active + 1) % widget.labels.length;
    }
  }
  await frame();
  return performance.now() - start;
}"""


def _sizes(folder: Path) -> tuple[int, int, int]:
    """(raw bytes, gzip bytes, bytes of the document alone) of every file under ``folder``."""
    raw = packed = 0
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            raw += len(data)
            packed += len(gzip.compress(data, compresslevel=6))
    return raw, packed, (folder / "index.html").stat().st_size


def _timings(page_file: Path, chromium: str) -> dict[str, tuple[float, float, float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, tuple[float, float, float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
        devtools = page.context.new_cdp_session(page)
        devtools.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
        for name in ("Slider", "RadioButtonGroup"):
            for label, change in (("frame only", False), (name, True)):
                samples = [page.evaluate(MEASURE, [name, change]) for _ in range(CHANGES)]
                results[label if not change else f"{name} change"] = (
                    statistics.median(samples),
                    statistics.quantiles(samples, n=10)[-1],
                    max(samples),
                )
        browser.close()
    return results


def main() -> None:
    os.environ.setdefault("DENCHI_ROOT", str(ROOT))
    os.environ["DENCHI_STATIC_EXPLORERS"] = "1"
    from denchi.labs.api import widgets

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("discharge_explorer", "thermal_explorer"):
            start = time.perf_counter()
            explorer = getattr(widgets, name)()
            took = time.perf_counter() - start
            page_file = explorer.write_html(Path(tmp) / name / "index.html", title=name)
            raw, packed, document = _sizes(page_file.parent)
            print(
                f"{name}: {len(explorer.grid.frames)} grid points ({took:.1f} s to compute or read)"
            )
            print(
                f"  download: {raw / 1e6:.2f} MB raw, {packed / 1e6:.2f} MB gzip "
                f"(the document {document / 1e6:.2f} MB, BokehJS the rest); "
                f"budget {BUDGET_BYTES / 1e6:.1f} MB: "
                f"raw {'met' if raw <= BUDGET_BYTES else 'NOT met'}, "
                f"gzip {'met' if packed <= BUDGET_BYTES else 'NOT met'}"
            )
            if chromium is None:
                print("  no chromium: apt-get install chromium to measure the response")
                continue
            timings = _timings(page_file, chromium)
            for label, (median, p90, worst) in timings.items():
                print(
                    f"  CPU ÷{THROTTLE}, {label}: median {median:.1f} ms, "
                    f"90th percentile {p90:.1f} ms, worst {worst:.1f} ms"
                )
            frame = timings["frame only"][0]
            for label in ("Slider change", "RadioButtonGroup change"):
                median, p90, _ = timings[label]
                verdict = "met" if max(median, p90) <= BUDGET_MS else "NOT met"
                print(
                    f"  {label}: {median / frame:.2f}× the frame alone; budget "
                    f"{BUDGET_MS:.0f} ms {verdict} "
                    f"(median {median:.1f}, 90th percentile {p90:.1f} ms)"
                )


if __name__ == "__main__":
    main()
