"""Background work: grading uploaded notebooks and delivering scores.

The work itself (:func:`grade_pending`, :func:`deliver_scores`) is the same in both modes; only
who runs it differs:

- ``embedded``: threads of the web process, woken when a notebook arrives (one machine).
- ``procrastinate``: jobs in PostgreSQL run by ``denchi lms worker`` processes on any number
  of machines (procrastinate, an existing PostgreSQL job queue); a queueing lock keeps at
  most one waiting grading job, so uploads that arrive together are graded as one batch.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import defaultdict
from datetime import timedelta
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from denchi.i18n import bilingual
from denchi.lms import outbox
from denchi.lms.config import LmsConfig
from denchi.lms.grader import GradeOutcome, Grader
from denchi.lms.instance import DataDirLock
from denchi.lms.models import ScoreOutbox, Submission, utcnow
from denchi.lms.outbox import OutboxPolicy
from denchi.lms.services import ServiceClient
from denchi.lms.store import Database, rows_changed


class Tool(Protocol):
    """What the background work needs of a tool instance (``denchi.lms.runtime.Runtime``
    builds one and its queue; this module does not import the runtime)."""

    config: LmsConfig
    log: logging.Logger
    db: Database
    grader: Grader
    services: ServiceClient
    policy: OutboxPolicy


QUEUE = "denchi"
MAX_GRADING_ATTEMPTS = 3


def _claim_submissions(rt: Tool) -> list[str]:
    """Claim queued submissions (and ones whose worker died) for one grading round; ones that
    were claimed ``MAX_GRADING_ATTEMPTS`` times without an end are failed with the reason."""
    now = utcnow()
    claim_until = now + timedelta(seconds=rt.config.grading_timeout_s * 3 + 120)
    abandoned = (Submission.status == "grading") & (Submission.claimed_until < now)
    with rt.db.session() as s:
        for sub in s.scalars(
            select(Submission).where(abandoned, Submission.attempts >= MAX_GRADING_ATTEMPTS)
        ).all():
            _finish(s, sub, _failure(rt, sub, UNFINISHED))
        candidates = s.scalars(
            select(Submission.id)
            .where((Submission.status == "queued") | abandoned)
            .order_by(Submission.created_at)
            .limit(rt.config.grading_batch_size)
        ).all()
        claimed = []
        for sid in candidates:
            changed = rows_changed(
                s,
                update(Submission)
                .where(Submission.id == sid, (Submission.status == "queued") | abandoned)
                .values(
                    status="grading", claimed_until=claim_until, attempts=Submission.attempts + 1
                ),
            )
            if changed == 1:
                claimed.append(sid)
        return claimed


def _rounds(rows: list[Submission]) -> list[list[Submission]]:
    """Batches of one assignment in which each student appears once (nbgrader's layout)."""
    by_assignment: dict[str, list[Submission]] = defaultdict(list)
    for row in rows:
        by_assignment[row.assignment].append(row)
    batches = []
    for group in by_assignment.values():
        while group:
            seen: set[int] = set()
            batch: list[Submission] = []
            rest: list[Submission] = []
            for row in group:
                (rest if row.user_id in seen else batch).append(row)
                seen.add(row.user_id)
            batches.append(batch)
            group = rest
    return batches


# Reasons a submission ends "failed" without a grade (the learner and the teacher read them).
CRASHED = (
    "自動採点の途中でエラーになりました（{error}）。先生に相談してください。",
    "Autograding stopped with an error ({error}); please ask your teacher.",
)
UNFINISHED = (
    f"自動採点が {MAX_GRADING_ATTEMPTS} 回とも終わりませんでした。先生に相談してください。",
    f"Autograding did not finish in {MAX_GRADING_ATTEMPTS} tries; please ask your teacher.",
)


def _failure(rt: Tool, sub: Submission, reason: tuple[str, str], **values: object) -> GradeOutcome:
    """A failed outcome with its reason. Recording a failure must not fail in turn: when the
    assignment's maximum cannot be read (the source notebook is gone or unreadable, which is
    often why grading broke), the submission keeps the maximum it had, else 0."""
    try:
        maximum = rt.grader.max_score(sub.assignment)
    except Exception:
        rt.log.warning("no maximum for %s; recording the failure without it", sub.assignment)
        maximum = sub.max_score or 0.0
    ja, en = (text.format(**values) for text in reason)
    return GradeOutcome(None, maximum, None, bilingual(ja, en))


def _finish(s: Session, sub: Submission, result: GradeOutcome) -> None:
    """Record a submission's end, graded or failed, and queue what the LMS must receive: the
    score, or ``gradingProgress: Failed`` (only for the learner's latest submission)."""
    failed = result.score is None
    sub.status = "failed" if failed else "graded"
    sub.score, sub.max_score = result.score, result.max_score
    sub.feedback_html, sub.error = result.feedback_html, result.error
    sub.graded_at, sub.claimed_until = utcnow(), None
    newer = s.scalars(
        select(Submission.id).where(
            Submission.user_id == sub.user_id,
            Submission.resource_link_id == sub.resource_link_id,
            Submission.created_at > sub.created_at,
        )
    ).first()
    if newer is None:  # the latest submission's grade is the one the LMS shows
        payload = outbox.score_payload(
            sub.user,
            activity="Completed",
            grading="Failed"
            if failed
            else "PendingManual"
            if result.needs_review
            else "FullyGraded",
            score=sub.score,
            maximum=sub.max_score,
        )
        outbox.enqueue(s, sub.resource_link, sub.user, payload, sub.id)


def _grade_batch(rt: Tool, batch: list[Submission]) -> None:
    assignment = batch[0].assignment
    names = rt.grader.notebook_names(assignment)
    files = {row.user.student_key: {names[0]: row.notebook} for row in batch}
    outcomes = rt.grader.grade(assignment, files)
    with rt.db.session() as s:
        for row in batch:
            sub = s.get_one(Submission, row.id)
            _finish(s, sub, outcomes[sub.user.student_key])


def _grade_round(rt: Tool, batch: list[Submission]) -> None:
    """Grade a batch; if it breaks, grade its submissions one by one, so that the one that
    cannot be graded fails with its reason and its classmates are graded."""
    try:
        _grade_batch(rt, batch)
    except Exception as exc:  # whatever broke, no submission may stay "grading"
        rt.log.exception("grading %d submission(s) of %s failed", len(batch), batch[0].assignment)
        if len(batch) > 1:
            for row in batch:
                _grade_round(rt, [row])
            return
        with rt.db.session() as s:
            sub = s.get_one(Submission, batch[0].id)
            _finish(s, sub, _failure(rt, sub, CRASHED, error=type(exc).__name__))


def grade_pending(rt: Tool) -> int:
    """Grade every queued submission, batch by batch; returns how many were graded."""
    graded = 0
    while ids := _claim_submissions(rt):
        with rt.db.session() as s:
            rows = [s.get_one(Submission, sid) for sid in ids]
            for row in rows:  # load what the batch needs before the session closes
                _ = row.user.student_key, row.resource_link.id
        for batch in _rounds(rows):
            try:
                _grade_round(rt, batch)
            except Exception:  # e.g. the database could not record the end: the other
                # rounds still run; these rows stay claimed and are taken again later
                rt.log.exception("recording the end of %d submission(s) failed", len(batch))
                continue
            graded += len(batch)
    return graded


def release_claims(rt: Tool) -> tuple[int, int]:
    """Release every claim in the database: only for a tool that knows no other process is
    working on it (the embedded queue holding the data folder's lock). Submissions a dead
    process was grading go back to the queue, or end failed when they were already tried
    ``MAX_GRADING_ATTEMPTS`` times; scores it was sending become due. Returns (queued again,
    failed)."""
    requeued = failed = 0
    with rt.db.session() as s:
        for sub in s.scalars(select(Submission).where(Submission.status == "grading")).all():
            if sub.attempts >= MAX_GRADING_ATTEMPTS:
                _finish(s, sub, _failure(rt, sub, UNFINISHED))
                failed += 1
            else:
                sub.status, sub.claimed_until = "queued", None
                requeued += 1
        s.execute(
            update(ScoreOutbox)
            .where(ScoreOutbox.status == "pending", ScoreOutbox.claimed_until.is_not(None))
            .values(claimed_until=None)
        )
    if requeued or failed:
        rt.log.warning(
            "released the claims of a process that stopped: %d submission(s) queued again,"
            " %d failed after %d tries",
            requeued,
            failed,
            MAX_GRADING_ATTEMPTS,
        )
    return requeued, failed


def deliver_scores(rt: Tool) -> int:
    return outbox.deliver_due(rt.db, rt.services, rt.policy, rt.grader.max_score)


class EmbeddedQueue:
    """Worker threads inside the web process (SQLite, one machine)."""

    def __init__(self, rt: Tool, poll_s: float = 1.0) -> None:
        self.rt, self.poll_s = rt, poll_s
        self.lock = DataDirLock(rt.config.data_dir)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Take the data folder (refused while another process serves it), release what a
        killed predecessor left claimed, then start the worker threads.

        Raises:
            ToolStateError: another process serves this data folder.
        """
        self.lock.acquire()
        release_claims(self.rt)
        self._stop.clear()
        self._threads = []
        for n in range(self.rt.config.worker_threads):
            thread = threading.Thread(target=self._loop, name=f"denchi-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=30)
        self.lock.release()

    def submitted(self) -> None:
        self._wake.set()

    scores_enqueued = submitted

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:  # "submitted" reaches the LMS before grading starts, the grade right after
                deliver_scores(self.rt)
                grade_pending(self.rt)
                deliver_scores(self.rt)
            except Exception:  # keep the worker alive; the rows stay queued for the next round
                self.rt.log.exception("background work failed")
            self._wake.wait(self.poll_s)


class ProcrastinateQueue:
    """Jobs in PostgreSQL through procrastinate; ``denchi lms worker`` runs them."""

    def __init__(self, rt: Tool) -> None:
        import procrastinate

        self.rt = rt
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(conninfo=rt.config.database_url)
        )

        @self.app.task(name="denchi.grade", queue=QUEUE, queueing_lock="denchi.grade")
        def grade() -> int:
            deliver_scores(rt)
            graded = grade_pending(rt)
            deliver_scores(rt)
            return graded

        @self.app.task(name="denchi.deliver", queue=QUEUE, queueing_lock="denchi.deliver")
        def deliver() -> int:
            return deliver_scores(rt)

        @self.app.periodic(cron="* * * * *")
        @self.app.task(name="denchi.sweep", queue=QUEUE, queueing_lock="denchi.sweep")
        def sweep(timestamp: int) -> int:
            """Every minute: retries that came due, work a dead worker left claimed."""
            return grade_pending(rt) + deliver_scores(rt)

        self._grade, self._deliver = grade, deliver

    def _ensure_schema(self) -> None:
        with self.rt.db.engine.connect() as conn:
            from sqlalchemy import text

            exists = conn.execute(text("select to_regclass('procrastinate_jobs')")).scalar()
        if exists is None:
            self.app.schema_manager.apply_schema()

    def start(self) -> None:
        self.app.open()
        self._ensure_schema()

    def stop(self) -> None:
        self.app.close()

    def _defer(self, task) -> None:
        from procrastinate.exceptions import AlreadyEnqueued

        with contextlib.suppress(AlreadyEnqueued):  # a waiting job will take this one too
            task.defer()

    def submitted(self) -> None:
        self._defer(self._grade)

    def scores_enqueued(self) -> None:
        self._defer(self._deliver)

    def run_worker(self, concurrency: int = 1, wait: bool = True) -> None:
        """Run jobs until stopped (``wait=False``: until the queue is empty)."""
        self._ensure_schema()
        self.app.run_worker(queues=[QUEUE], concurrency=concurrency, wait=wait)
