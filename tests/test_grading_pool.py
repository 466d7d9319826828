"""The worker pool (denchi.grading.pool) as a part: answers, dead workers, and no reliance on
waiting for pipes with ``selectors`` (which Windows cannot do), so `denchi grade` runs on a
teacher's Windows laptop too."""

from __future__ import annotations

import selectors

import pytest

from denchi.grading.pool import WorkerPool

pytestmark = pytest.mark.slow  # starts worker processes (not in --fast)


def _pipes_unsupported(self, fileobj, events, data=None):
    """``register`` as on Windows, where only sockets can be waited on."""
    raise OSError(10038, "An operation was attempted on something that is not a socket")


def _tasks(tmp_path, n):
    return [
        {"course": str(tmp_path / "no-course"), "assignment": "a", "student": f"s{i}"}
        for i in range(n)
    ]


def test_every_task_is_answered_without_waiting_on_pipes(tmp_path, monkeypatch):
    monkeypatch.setattr(selectors.DefaultSelector, "register", _pipes_unsupported)
    answers = {}
    with WorkerPool(2) as pool:
        pool.run(
            _tasks(tmp_path, 3), 120, lambda task, answer: answers.update({task["student"]: answer})
        )
    assert sorted(answers) == ["s0", "s1", "s2"]
    # a course without nbgrader_config.py is a failed submission, reported by the worker itself
    assert all(not a["ok"] and "nbgrader_config" in a["error"] for a in answers.values())


def test_a_worker_that_died_between_batches_is_replaced(tmp_path):
    """A long-running service keeps its pool warm; a worker that ended while idle (the
    out-of-memory killer, say) must not break the next batch with a broken pipe."""
    answers: dict[str, dict] = {}

    def keep(task, answer):
        answers[task["student"]] = answer

    with WorkerPool(1) as pool:
        pool.run(_tasks(tmp_path, 1), 120, keep)
        pool.workers[0].proc.kill()
        pool.workers[0].proc.wait()
        answers.clear()
        pool.run(_tasks(tmp_path, 2), 120, keep)
    assert sorted(answers) == ["s0", "s1"]
    assert all("nbgrader_config" in a["error"] for a in answers.values())
