"""Launch latency and submissions per minute for a class of 40, against the platform emulator.

    .venv/bin/python benchmarks/lms_class.py [--learners 40] [--workers 1] [--lms-delay 0]

Prints the median and p95 of a full LTI launch (login initiation -> platform authorization
-> id_token checks -> learner page) with 40 learners launching at once, and the time until all
40 uploaded notebooks are graded (submissions per minute). The baseline in the same run is the
tool's /health endpoint under the same concurrency (the cost of HTTP itself on this machine),
so the launch figure is also given as a ratio to it.

Throughput and fairness (issue 21): when grading of the first upload began, and how long each
grade waited between being recorded and reaching the LMS (median and max of the outbox's
``sent_at - graded_at``); ``--lms-delay`` makes the emulator's score endpoint that slow (a slow
LMS must not delay grading), ``--workers`` sets ``worker_threads`` (two workers must split the
burst: compare the graded time of ``--workers 1`` and ``--workers 2`` in one session).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from lms.harness import (  # noqa: E402
    Browser,
    answered,
    csrf_of,
    make_courseware,
    register_manually,
    start_tool,
)
from lms.platform import Person, Platform  # noqa: E402
from sqlalchemy import select  # noqa: E402

from denchi.lms import models  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--workers", type=int, default=1, help="worker_threads")
    parser.add_argument("--lms-delay", type=float, default=0.0, help="seconds per score post")
    args = parser.parse_args()
    n = args.learners
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    platform = Platform()
    platform.start()
    platform.score_delay_s = args.lms_delay
    tool = start_tool(folder, make_courseware(folder / "courseware"), worker_threads=args.workers)
    register_manually(tool, platform)
    people = [Person(f"b-{i:03d}", f"生徒 {i}") for i in range(n)]
    course = platform.course("bench", *people)
    course.links["rl"] = {
        "title": "練習課題",
        "url": f"{tool.url}/lti/launch",
        "custom": {"denchi_kind": "assignment", "denchi_target": "z01_dummy"},
    }
    release = tool.rt.grader.release_notebook("z01_dummy", "z01_dummy.ipynb")  # warm-up
    browsers = [Browser() for _ in people]

    def health(i: int) -> float:
        start = time.perf_counter()
        browsers[i].http.get(f"{tool.url}/health").raise_for_status()
        return time.perf_counter() - start

    def launch(i: int) -> tuple[float, str]:
        start = time.perf_counter()
        hint = platform.launch_hint(people[i], course, "rl")
        page = browsers[i].launch(tool, platform, hint, people[i].sub)
        assert page.status_code == 200
        return time.perf_counter() - start, page.text

    with ThreadPoolExecutor(max_workers=n) as pool:
        baseline = list(pool.map(health, range(n)))
        launched = list(pool.map(launch, range(n)))
    latencies = [t for t, _ in launched]

    def submit(i: int) -> None:
        text = launched[i][1]
        url = text.split('/submit"')[0].rsplit('action="', 1)[1] + "/submit"
        data = answered(release)
        files = {"notebook": ("a.ipynb", data, "text/plain")}
        response = browsers[i].http.post(url, data={"csrf": csrf_of(text)}, files=files)
        assert response.status_code == 303

    start = time.perf_counter()
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
    med, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    base = statistics.median(baseline)
    print(f"learners: {n}")
    print(f"launch latency: median {med * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    print(f"baseline (/health, same concurrency): median {base * 1000:.1f} ms")
    print(f"launch / baseline (median): {med / base:.1f}x")
    print(f"all {n} uploads stored in {stored:.1f} s ({n / stored * 60:.0f} per minute)")
    print(f"all {n} graded in {graded:.1f} s ({n / graded * 60:.1f} submissions per minute)")
    print(f"workers: {args.workers}, LMS delay per score: {args.lms_delay:g} s")
    print(f"first grade recorded {first_graded.total_seconds():.1f} s after the first upload")
    print(
        f"grade -> LMS: median {statistics.median(waits):.1f} s, max {max(waits):.1f} s;"
        f" all {n} scores at the LMS {delivered:.1f} s after the uploads began"
    )
    tool.stop()
    platform.stop()


if __name__ == "__main__":
    main()
