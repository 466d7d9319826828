"""A pool of worker processes (:mod:`denchi.grading.worker`) that grade submissions in parallel.

Each worker takes one submission at a time. A worker that dies, or takes longer than its task's
deadline (the notebook time limits plus a margin), is killed with all its processes; its task is
reported as failed and a fresh worker takes the next task. Nothing one submission does can stop
the batch.

Each worker's answers are read by a thread of its own into one queue (not with ``selectors``,
which cannot wait on pipes on Windows), so the pool works the same on every system.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import psutil


@dataclass
class _Worker:
    proc: subprocess.Popen[str]
    task: dict | None = None
    deadline: float = 0.0

    @property
    def stdout(self) -> IO[str]:
        """The worker's answers, one JSON line each (a pipe: ``WorkerPool._start`` opens it)."""
        assert self.proc.stdout is not None
        return self.proc.stdout

    def send(self, task: dict, seconds: float) -> None:
        self.task, self.deadline = task, time.monotonic() + seconds
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(task) + "\n")
        self.proc.stdin.flush()

    def read_into(self, answers: queue.Queue[tuple[_Worker, str]]) -> None:
        """Put each answer line of this worker into ``answers`` until its pipe closes (a
        reader thread's loop)."""
        for line in self.stdout:
            answers.put((self, line))

    def kill(self) -> None:
        try:
            tree = [psutil.Process(self.proc.pid)]
            tree += tree[0].children(recursive=True)
        except psutil.Error:
            tree = []
        for proc in tree:
            try:
                proc.kill()
            except psutil.Error:
                continue
        self.proc.wait()


@dataclass
class WorkerPool:
    """``size`` workers, started on demand and kept for the next :meth:`run` until
    :meth:`close` (use it as a context manager); their stderr goes to ``log``."""

    size: int
    log: IO[str] | None = None
    workers: list[_Worker] = field(default_factory=list)
    answers: queue.Queue[tuple[_Worker, str]] = field(default_factory=queue.Queue)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _start(self) -> _Worker:
        env = dict(
            os.environ,
            PYBAMM_DISABLE_TELEMETRY="true",
            MPLBACKEND="Agg",
            OPENBLAS_NUM_THREADS="1",
            OMP_NUM_THREADS="1",
            PYTHONUNBUFFERED="1",
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "denchi.grading.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log or subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=Path.home() if Path.home().is_dir() else None,
            start_new_session=True,
        )
        worker = _Worker(proc)
        self.workers.append(worker)
        reader = threading.Thread(
            target=worker.read_into, args=(self.answers,), name="denchi-pool-reader", daemon=True
        )
        reader.start()
        return worker

    def _remove(self, worker: _Worker) -> None:
        worker.kill()
        self.workers.remove(worker)

    def run(
        self,
        tasks: Iterable[dict],
        seconds_per_task: float,
        on_done: Callable[[dict, dict], None],
    ) -> None:
        """Run every task; call ``on_done(task, answer)`` as each finishes (in this thread).

        Args:
            tasks: One dict per submission (course, assignment, student, limits, feedback).
            seconds_per_task: How long a task may take before its worker is killed [s].
            on_done: Called with the task and the worker's answer (``{"ok": …}``); a task
                whose worker died or timed out gets an answer with ``ok`` false; what it
                raises propagates (it runs in this thread).
        """
        pending = deque(tasks)
        while pending or any(w.task for w in self.workers):
            for worker in [w for w in self.workers if w.task is None]:
                if pending and not self._give(worker, pending, seconds_per_task):
                    self._remove(worker)  # it died while idle (between batches, say)
            while pending and len(self.workers) < self.size:
                self._give(self._start(), pending, seconds_per_task)
            for answering, line in self._answered(timeout=0.5):
                if answering in self.workers and answering.task is not None:
                    task, answering.task = answering.task, None
                    on_done(task, json.loads(line))
            for worker, task in [(w, w.task) for w in self.workers if w.task is not None]:
                died = worker.proc.poll() is not None
                if died or time.monotonic() > worker.deadline:
                    reason = "the worker process died" if died else "the worker stopped answering"
                    worker.task = None
                    self._remove(worker)
                    on_done(task, {"student": task["student"], "ok": False, "error": reason})

    @staticmethod
    def _give(worker: _Worker, pending: deque[dict], seconds: float) -> bool:
        """Send ``worker`` the next pending task; False (the task stays pending) when the
        worker has ended and its pipe is closed."""
        if worker.proc.poll() is not None:
            return False
        task = pending.popleft()
        try:
            worker.send(task, seconds)
        except OSError:  # BrokenPipeError: it ended just now
            worker.task = None
            pending.appendleft(task)
            return False
        return True

    def _answered(self, timeout: float) -> list[tuple[_Worker, str]]:
        """Every answer that has come in, waiting up to ``timeout`` [s] for the first (all of
        them are taken before any worker is judged dead: an answer precedes an exit)."""
        try:
            got = [self.answers.get(timeout=timeout)]
        except queue.Empty:
            return []
        while True:
            try:
                got.append(self.answers.get_nowait())
            except queue.Empty:
                return got

    def close(self) -> None:
        """End the workers (they finish when their input closes)."""
        for worker in self.workers:
            if worker.proc.stdin:
                worker.proc.stdin.close()
        for worker in list(self.workers):
            try:
                worker.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
        self.workers.clear()
