"""Launch latency and submissions per minute for a class of 40, against the platform emulator.

    .venv/bin/python benchmarks/lms_class.py [--learners 40] [--workers 1] [--lms-delay 0]
                                             [--launches-only] [--web-form [h01_society]]

Prints the median and p95 of a full LTI launch with 40 learners launching at once: the login
initiation as Moodle sends it (a form POST to ``/lti/login``), the login's test request, the
platform's authorization (the emulator signs the id_token with its key parsed once, about
2 ms), the launch (id_token checks, the learner recorded), the cookie test request and the
learner's page. Then the time until all 40 uploaded notebooks are graded (submissions per
minute). The baseline in the same run is the tool's /health endpoint under the same
concurrency before the burst (the cost of HTTP itself on this machine), so the launch figure is
also given as a ratio to it.

Responsiveness (issue 21): a monitor asks /health one request at a time, every 50 ms,
throughout; its median and p95 are printed for the quiet start, the launch burst and the
grading of the uploads (target: p95 at most 100 ms in both, with the launch p95 at most
300 ms). The tool runs as ``denchi lms serve`` in a process of its own, as an operator runs
it; the emulator and the 40 browsers share this process, so they do not take the tool's
interpreter (its GIL). The CPU time of the tool's process per launch is printed beside that of
this process: on a shared machine the latencies vary from run to run, the CPU time much less.

Throughput and fairness (issue 21): when grading of the first upload began, and how long each
grade waited between being recorded and reaching the LMS (median and max of the outbox's
``sent_at - graded_at``); ``--lms-delay`` makes the emulator's score endpoint that slow (a slow
LMS must not delay grading), ``--workers`` sets ``worker_threads`` (two workers must split the
burst: compare the graded time of ``--workers 1`` and ``--workers 2`` in one session).

The web form (issue 15, :mod:`denchi.lms.webform`): ``--web-form`` links an intro assignment
(h01_society unless named) instead of the dummy, and each learner, instead of uploading, opens
the form and hands in the solution's values (typed as an IME would: full-width digits, a decimal
comma), all at once. Budget: every score at the LMS within 2 minutes of the first hand-in.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from lms.harness import (  # noqa: E402
    Browser,
    answered,
    csrf_of,
    form_fields,
    make_courseware,
    register_manually,
    solution_values,
    tool_settings,
)
from lms.platform import Person, Platform, bound_socket  # noqa: E402
from sqlalchemy import select  # noqa: E402

from denchi.lms import models  # noqa: E402
from denchi.lms.config import make_config  # noqa: E402
from denchi.lms.runtime import Runtime  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class HealthMonitor:
    """Asks ``url`` one request at a time, every ``period_s``, in a thread of its own, and
    keeps each answer's latency (s) under the phase set at the time it was asked."""

    def __init__(self, url: str, period_s: float = 0.05) -> None:
        self.url, self.period_s = url, period_s
        self.phase = "quiet"
        self.latencies: dict[str, list[float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with Browser().http as http:
            while not self._stop.is_set():
                phase, start = self.phase, time.perf_counter()
                http.get(self.url).raise_for_status()
                self.latencies.setdefault(phase, []).append(time.perf_counter() - start)
                self._stop.wait(self.period_s)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def report(self, phase: str) -> str:
        values = self.latencies.get(phase, [])
        if not values:
            return f"/health during {phase}: no answer in this phase"
        med, p95 = statistics.median(values), percentile(values, 0.95)
        return (
            f"/health during {phase} ({len(values)} asked):"
            f" median {med * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
        )


class ServedTool:
    """The tool in a process of its own, started by ``denchi lms serve`` as an operator does,
    so that the browsers and the emulator of this process do not share its interpreter (its
    GIL). ``rt`` is a runtime on the same database, for reading it (no queue runs in it)."""

    def __init__(self, folder: Path, courseware: Path, **settings: object) -> None:
        sock = bound_socket()
        port = sock.getsockname()[1]
        sock.close()
        self.url = f"http://127.0.0.1:{port}"
        values = tool_settings(folder, courseware, self.url) | settings | {"port": port}
        config_file = folder / "denchi-lms.toml"
        config_file.write_text(
            "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items()),
            encoding="utf-8",
        )
        self.rt = Runtime(make_config(config_file, **values))
        denchi = Path(sys.executable).parent / "denchi"
        self.log = (folder / "serve.log").open("wb")
        self.process = subprocess.Popen(
            [str(denchi), "lms", "serve", "--config", str(config_file)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while True:
            assert self.process.poll() is None, (folder / "serve.log").read_text()
            assert time.monotonic() < deadline, "denchi lms serve did not answer"
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)

    def cpu_s(self) -> float:
        """CPU seconds the tool's process has used (user + system; Linux /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still grading: the benchmark was cut short
            self.process.kill()
            self.process.wait()
        self.log.close()
        self.rt.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--workers", type=int, default=1, help="worker_threads")
    parser.add_argument(
        "--web-threads", type=int, default=None, help="web_threads (default: the tool's)"
    )
    parser.add_argument("--lms-delay", type=float, default=0.0, help="seconds per score post")
    parser.add_argument(
        "--unsandboxed", action="store_true", help="allow_unsandboxed_grading (no Landlock here)"
    )
    parser.add_argument(
        "--launches-only", action="store_true", help="stop after the launch burst (no uploads)"
    )
    parser.add_argument(
        "--web-form",
        nargs="?",
        const="h01_society",
        default=None,
        metavar="ASSIGNMENT",
        help="hand in an intro assignment through the web form (default h01_society)",
    )
    args = parser.parse_args()
    target = args.web_form or "z01_dummy"
    n = args.learners
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    platform = Platform()
    platform.start()
    platform.score_delay_s = args.lms_delay
    tool = ServedTool(
        folder,
        make_courseware(folder / "courseware"),
        worker_threads=args.workers,
        **({} if args.web_threads is None else {"web_threads": args.web_threads}),
        allow_unsandboxed_grading=args.unsandboxed,
    )
    try:
        register_manually(tool, platform)
        people = [Person(f"b-{i:03d}", f"生徒 {i}") for i in range(n)]
        course = platform.course("bench", *people)
        course.links["rl"] = {
            "title": "練習課題",
            "url": f"{tool.url}/lti/launch",
            "custom": {"denchi_kind": "assignment", "denchi_target": target},
        }
        release = tool.rt.grader.release_notebook(target, f"{target}.ipynb")  # warm-up
        questions = tool.rt.grader.questions(target) if args.web_form else []
        fields = form_fields(questions, solution_values(questions))
        browsers = [Browser() for _ in people]

        def health(i: int) -> float:
            start = time.perf_counter()
            browsers[i].http.get(f"{tool.url}/health").raise_for_status()
            return time.perf_counter() - start

        def launch(i: int) -> tuple[float, str]:
            start = time.perf_counter()
            hint = platform.launch_hint(people[i], course, "rl")
            page = browsers[i].launch(tool, platform, hint, people[i].sub, post=True)
            assert page.status_code == 200
            return time.perf_counter() - start, page.text

        with ThreadPoolExecutor(max_workers=n) as pool:
            baseline = list(pool.map(health, range(n)))
            monitor = HealthMonitor(f"{tool.url}/health")
            monitor.start()
            time.sleep(1.0)
            monitor.phase = "launch burst"
            tool_cpu, own_cpu = tool.cpu_s(), time.process_time()
            launched = list(pool.map(launch, range(n)))
            tool_cpu, own_cpu = tool.cpu_s() - tool_cpu, time.process_time() - own_cpu
            monitor.phase = "between"
        latencies = [t for t, _ in launched]
        med, p95 = statistics.median(latencies), percentile(latencies, 0.95)
        base = statistics.median(baseline)
        print(f"learners: {n}, web_threads: {tool.rt.config.web_threads}")
        print(f"launch latency: median {med * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
        print(f"baseline (/health, same concurrency): median {base * 1000:.1f} ms")
        print(f"launch / baseline (median): {med / base:.1f}x")
        print(
            f"CPU per launch: the tool's process {tool_cpu / n * 1000:.0f} ms,"
            f" this one (browsers, emulator, monitor) {own_cpu / n * 1000:.0f} ms"
        )
        for phase in ("quiet", "launch burst"):
            print(monitor.report(phase))
        if args.launches_only:
            monitor.stop()
            return

        def submit(i: int) -> None:
            text = launched[i][1]
            link = text.split('/submit"')[0].rsplit('action="', 1)[1]
            if args.web_form:  # open the form, then hand it in
                form = browsers[i].http.get(f"{link}/form")
                assert form.status_code == 200, form.text
                data = fields | {"csrf": csrf_of(form.text)}
                response = browsers[i].http.post(f"{link}/form", data=data)
            else:
                files = {"notebook": ("a.ipynb", answered(release), "text/plain")}
                data = {"csrf": csrf_of(text)}
                response = browsers[i].http.post(f"{link}/submit", data=data, files=files)
            assert response.status_code == 303, response.text

        start = time.perf_counter()
        monitor.phase = "uploads and grading"
        with ThreadPoolExecutor(max_workers=n) as pool:
            list(pool.map(submit, range(n)))
        stored = time.perf_counter() - start
        while True:
            with tool.rt.db.session() as s:
                statuses = [sub.status for sub in s.scalars(select(models.Submission))]
            if len(statuses) == n and all(st in ("graded", "failed") for st in statuses):
                break
            time.sleep(0.5)
        graded = time.perf_counter() - start
        monitor.phase = "after grading"
        monitor.stop()
        while len([s for s in platform.scores if "scoreGiven" in s]) < n:
            time.sleep(0.5)
        delivered = time.perf_counter() - start
        with tool.rt.db.session() as s:
            subs = s.scalars(select(models.Submission)).all()
            first_graded = min(sub.graded_at for sub in subs if sub.graded_at) - min(
                sub.created_at for sub in subs
            )
            sent = s.scalars(
                select(models.ScoreOutbox).where(models.ScoreOutbox.status == "sent")
            ).all()
            graded_at = {sub.id: sub.graded_at for sub in subs}
            waits = [
                (row.sent_at - graded_at[row.submission_id]).total_seconds()
                for row in sent
                if row.payload.get("gradingProgress") != "Pending" and row.sent_at
            ]
        print(monitor.report("uploads and grading"))
        given = [s["scoreGiven"] for s in platform.scores if "scoreGiven" in s]
        print(f"hand-in: {'web form of ' + target if args.web_form else 'notebook upload'};"
              f" scores at the LMS from {min(given):g} to {max(given):g}")  # fmt: skip
        print(f"all {n} uploads stored in {stored:.1f} s ({n / stored * 60:.0f} per minute)")
        print(f"all {n} graded in {graded:.1f} s ({n / graded * 60:.1f} submissions per minute)")
        print(f"workers: {args.workers}, LMS delay per score: {args.lms_delay:g} s")
        print(f"first grade recorded {first_graded.total_seconds():.1f} s after the first upload")
        print(
            f"grade -> LMS: median {statistics.median(waits):.1f} s, max {max(waits):.1f} s;"
            f" all {n} scores at the LMS {delivered:.1f} s after the uploads began"
        )
    finally:
        tool.stop()
        platform.stop()


if __name__ == "__main__":
    main()
