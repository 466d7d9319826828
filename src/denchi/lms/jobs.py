"""Background work: grading uploaded notebooks and delivering scores.

The work itself (:func:`grade_pending`, :func:`deliver_scores`) is the same in both modes; only
who runs it differs:

- ``embedded``: threads of the web process, woken when a notebook arrives (one machine).
- ``procrastinate``: jobs in PostgreSQL run by ``denchi lms worker`` processes on any number
  of machines (procrastinate, an existing PostgreSQL job queue); a queueing lock keeps at
  most one waiting grading job, so uploads that arrive together are graded as one batch.

Fairness and throughput (issue 21): a claim takes each learner's latest queued work only
(older queued work of the same learner and resource link is marked ``superseded``: the LMS
receives only the latest submission's grade, :func:`_finish`), takes resource links in turn
(one class's burst cannot starve another assignment), and takes only a fair share of the
outstanding work so that idle workers get the rest (:func:`fair_share`). Each submission's end
is recorded as soon as nbgrader finishes it, and score delivery runs apart from grading (its
own thread, or its own procrastinate queue), so a slow or down LMS never holds up grading.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session, aliased

from denchi.i18n import bilingual
from denchi.lms import housekeeping, outbox
from denchi.lms.config import LmsConfig
from denchi.lms.grader import GradeOutcome, Grader
from denchi.lms.instance import DataDirLock
from denchi.lms.models import ScoreOutbox, Submission, utcnow
from denchi.lms.outbox import OutboxPolicy
from denchi.lms.services import ServiceClient
from denchi.lms.store import Database, rows_changed

if TYPE_CHECKING:
    from procrastinate import JobContext


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
DELIVERY_QUEUE = "denchi-deliver"
MAX_GRADING_ATTEMPTS = 3


def _nothing() -> None:
    """The default ``scores_enqueued``: no one to wake (the caller delivers afterwards)."""


def fair_share(waiting: int, in_progress: int, workers: int, most: int) -> int:
    """How many of ``waiting`` submissions one claim takes: an equal part of all outstanding
    work (``waiting`` plus the ``in_progress`` other workers are grading) for each of
    ``workers``, at most ``most`` (``grading_batch_size``). A lone worker takes the whole burst
    in one nbgrader run; of two, the first takes half and the second the other half.

    Args:
        waiting: Submissions queued now.
        in_progress: Submissions other workers are grading now.
        workers: How many workers share the queue (fewer than 1 counts as 1).
        most: The most one claim may take.
    """
    share = math.ceil((waiting + in_progress) / max(workers, 1))
    return max(0, min(waiting, share, most))


def _in_turn(rows: Sequence[tuple[str, int, datetime]]) -> list[str]:
    """Submission ids ``(id, resource link id, created at)`` ordered so that resource links
    take turns: the oldest of each link, then the second oldest of each, and so on."""
    turn: dict[int, int] = defaultdict(int)
    keyed = []
    for sid, link_id, created in sorted(rows, key=lambda row: row[2]):
        keyed.append((turn[link_id], created, sid))
        turn[link_id] += 1
    return [sid for _, _, sid in sorted(keyed)]


def _claim_submissions(rt: Tool, workers: int = 1, owner: str | None = None) -> list[str]:
    """Claim a fair share of the queued submissions (and of ones whose worker died) for one
    grading round, ``workers`` being how many workers grade (:func:`fair_share`), recording
    ``owner`` (the procrastinate job, :func:`job_owner`) as who holds the claims.

    Ones claimed ``MAX_GRADING_ATTEMPTS`` times without an end are failed with the reason.
    Queued work of a learner who has since submitted again for the same resource link is
    marked ``superseded`` and never graded; the rest is taken with resource links in turn."""
    now = utcnow()
    claim_until = now + timedelta(seconds=rt.config.grading_timeout_s * 3 + 120)
    abandoned = (Submission.status == "grading") & (Submission.claimed_until < now)
    claimable = (Submission.status == "queued") | abandoned
    newer = aliased(Submission)
    with rt.db.session() as s:
        for sub in s.scalars(
            select(Submission).where(abandoned, Submission.attempts >= MAX_GRADING_ATTEMPTS)
        ).all():
            _finish(s, sub, _failure(rt, sub, UNFINISHED))
        s.execute(
            update(Submission)
            .where(
                claimable,
                exists().where(
                    newer.user_id == Submission.user_id,
                    newer.resource_link_id == Submission.resource_link_id,
                    newer.created_at > Submission.created_at,
                ),
            )
            .values(status="superseded", claimed_until=None),
        )
        waiting = s.execute(
            select(Submission.id, Submission.resource_link_id, Submission.created_at).where(
                claimable
            )
        ).all()
        in_progress = s.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.status == "grading", Submission.claimed_until >= now)
        )
        size = fair_share(len(waiting), in_progress or 0, workers, rt.config.grading_batch_size)
        claimed: list[str] = []
        for sid in _in_turn([(row.id, row.resource_link_id, row.created_at) for row in waiting]):
            if len(claimed) == size:
                break
            changed = rows_changed(
                s,
                update(Submission)
                .where(Submission.id == sid, claimable)
                .values(
                    status="grading",
                    claimed_until=claim_until,
                    claimed_by=owner,
                    attempts=Submission.attempts + 1,
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
    sub.graded_at, sub.claimed_until, sub.claimed_by = utcnow(), None, None
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


def _record(rt: Tool, submission_id: str, result: GradeOutcome) -> None:
    with rt.db.session() as s:
        _finish(s, s.get_one(Submission, submission_id), result)


def _grade_batch(
    rt: Tool, batch: list[Submission], ended: set[str], scores_enqueued: Callable[[], None]
) -> None:
    """Grade a batch of one assignment; each submission's end is recorded (and its score
    handed to delivery) as soon as nbgrader finishes it, not when the whole batch has.
    ``ended`` collects the ids recorded so far."""
    assignment = batch[0].assignment
    names = rt.grader.notebook_names(assignment)
    by_student = {row.user.student_key: row.id for row in batch}
    files = {row.user.student_key: {names[0]: row.notebook} for row in batch}

    def finished(student: str, result: GradeOutcome) -> None:
        if by_student[student] not in ended:
            _record(rt, by_student[student], result)
            ended.add(by_student[student])
            scores_enqueued()

    outcomes = rt.grader.grade(assignment, files, on_result=finished, labels=by_student)
    for student, result in outcomes.items():  # any the grader did not report one by one
        finished(student, result)


def _grade_round(
    rt: Tool, batch: list[Submission], scores_enqueued: Callable[[], None] = _nothing
) -> None:
    """Grade a batch; if it breaks, grade its submissions one by one, so that the one that
    cannot be graded fails with its reason and its classmates are graded (those whose end
    was recorded before the break are not graded again)."""
    ended: set[str] = set()
    try:
        _grade_batch(rt, batch, ended, scores_enqueued)
    except Exception as exc:  # whatever broke, no submission may stay "grading"
        rt.log.exception("grading %d submission(s) of %s failed", len(batch), batch[0].assignment)
        rest = [row for row in batch if row.id not in ended]
        if len(batch) > 1:
            for row in rest:
                _grade_round(rt, [row], scores_enqueued)
            return
        if rest:
            _record(rt, rest[0].id, _failure(rt, rest[0], CRASHED, error=type(exc).__name__))
            scores_enqueued()


def grade_pending(
    rt: Tool,
    *,
    workers: int = 1,
    scores_enqueued: Callable[[], None] = _nothing,
    owner: str | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> int:
    """Grade queued submissions, a fair share at a time (``workers``: how many workers share
    the queue, :func:`fair_share`), until none is left or ``stopping()``; returns how many
    were graded.

    A round whose end cannot be recorded is logged and left claimed (taken again when its
    claim runs out, ``grading_timeout_s`` × 3 + 120 s), not raised.

    Args:
        rt: The tool instance.
        workers: How many workers share the queue.
        scores_enqueued: Called whenever a score waits in the outbox (wakes delivery).
        owner: Recorded with each claim (:func:`job_owner`, :func:`release_claims`); None
            in the embedded queue.
        stopping: Asked before each claim: True ends grading there (the work claimed is
            graded to its end, the rest stays queued for whoever serves next).
    """
    graded = 0
    while not stopping() and (ids := _claim_submissions(rt, workers, owner)):
        with rt.db.session() as s:
            rows = [s.get_one(Submission, sid) for sid in ids]
            for row in rows:  # load what the batch needs before the session closes
                _ = row.user.student_key, row.resource_link.id
        for batch in _rounds(rows):
            try:
                _grade_round(rt, batch, scores_enqueued)
            except Exception:  # e.g. the database could not record the end: the other
                # rounds still run; these rows stay claimed and are taken again later
                rt.log.exception("recording the end of %d submission(s) failed", len(batch))
                continue
            graded += len(batch)
    return graded


def job_owner(job_id: int | None) -> str:
    """How a claim names the procrastinate job that holds it (``Submission.claimed_by``).

    Args:
        job_id: The procrastinate job's id (None outside a job).
    """
    return f"job:{job_id}"


def release_claims(rt: Tool, owners: set[str] | None = None) -> tuple[int, int]:
    """Release the claims of processes known to be dead: ``owners`` (the jobs of a dead
    procrastinate worker, :meth:`ProcrastinateQueue.recover_stalled`), or, when ``None``,
    every claim in the database, which only a tool that knows no other process is working on
    it may do (the embedded queue holding the data folder's lock; it also makes the scores
    it was sending due again). Submissions a dead process was grading go back to the queue,
    or end failed when they were already tried ``MAX_GRADING_ATTEMPTS`` times. Returns
    (queued again, failed).

    Args:
        rt: The tool instance.
        owners: The :func:`job_owner` names of dead jobs; None: every claim.
    """
    requeued = failed = 0
    held = Submission.status == "grading"
    if owners is not None:
        held &= Submission.claimed_by.in_(owners)
    with rt.db.session() as s:
        for sub in s.scalars(select(Submission).where(held).with_for_update()).all():
            if sub.attempts >= MAX_GRADING_ATTEMPTS:
                _finish(s, sub, _failure(rt, sub, UNFINISHED))
                failed += 1
            else:
                sub.status, sub.claimed_until, sub.claimed_by = "queued", None, None
                requeued += 1
        if owners is None:
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
    """Deliver every score that is due (:func:`denchi.lms.outbox.deliver_due`); returns how
    many reached the LMS. A failed delivery is recorded on its row and retried, not raised.

    Args:
        rt: The tool instance.
    """
    return outbox.deliver_due(rt.db, rt.services, rt.policy, rt.grader.max_score)


def sweep_expired(rt: Tool) -> housekeeping.Swept:
    """Delete expired login states, sessions, deep-linking requests and registration tokens
    (:func:`denchi.lms.housekeeping.sweep`), logging what went.

    Args:
        rt: The tool instance.
    """
    swept = housekeeping.sweep(rt.db)
    if swept != housekeeping.Swept():
        rt.log.info("housekeeping deleted %s", swept)
    return swept


class EmbeddedQueue:
    """Worker threads inside the web process (SQLite, one machine): ``worker_threads`` grading
    threads that share each burst, and one delivery thread, so that a slow or unreachable
    LMS never holds up grading and each score leaves as soon as it is recorded; a
    housekeeping thread deletes expired rows every ``sweep_s`` (:mod:`.housekeeping`)."""

    def __init__(
        self,
        rt: Tool,
        poll_s: float = 1.0,
        sweep_s: float = housekeeping.EMBEDDED_INTERVAL_S,
    ) -> None:
        self.rt, self.poll_s, self.sweep_s = rt, poll_s, sweep_s
        self.lock = DataDirLock(rt.config.data_dir)
        self._wake = threading.Event()
        self._deliver = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Take the data folder (refused while another process serves it), release what a
        killed predecessor left claimed, then start the grading and delivery threads.

        Raises:
            ToolStateError: another process serves this data folder.
        """
        self.lock.acquire()
        release_claims(self.rt)
        self._stop.clear()
        self._threads = []
        loops = [(f"denchi-worker-{n}", self._grade_loop) for n in range(self.workers)]
        loops += [("denchi-deliver", self._deliver_loop), ("denchi-sweep", self._sweep_loop)]
        for name, loop in loops:
            thread = threading.Thread(target=loop, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop the threads and release the data folder. A grading thread ends the round it
        is grading (up to 30 s is waited for) and claims no more: a backlog stays queued for
        the next start instead of holding up the stop."""
        self._stop.set()
        self._wake.set()
        self._deliver.set()
        for thread in self._threads:
            thread.join(timeout=30)
        self.lock.release()

    @property
    def workers(self) -> int:
        """The number of grading threads (``worker_threads``)."""
        return self.rt.config.worker_threads

    def submitted(self) -> None:
        """A notebook arrived: grade it, and tell the LMS it was submitted."""
        self._wake.set()
        self._deliver.set()

    def scores_enqueued(self) -> None:
        """A score waits in the outbox: wake the delivery thread."""
        self._deliver.set()

    def _grade_loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                grade_pending(
                    self.rt,
                    workers=self.workers,
                    scores_enqueued=self.scores_enqueued,
                    stopping=self._stop.is_set,
                )
            except Exception:  # keep the worker alive; the rows stay queued for the next round
                self.rt.log.exception("grading failed")
            self._wake.wait(self.poll_s)

    def _deliver_loop(self) -> None:
        while not self._stop.is_set():
            self._deliver.clear()
            try:  # also retries that came due: the loop runs at least every poll_s
                deliver_scores(self.rt)
            except Exception:  # keep the thread alive; the scores stay in the outbox
                self.rt.log.exception("score delivery failed")
            self._deliver.wait(self.poll_s)

    def _sweep_loop(self) -> None:
        while not self._stop.is_set():
            try:
                sweep_expired(self.rt)
            except Exception:  # keep the thread alive; the rows are deleted next time
                self.rt.log.exception("housekeeping failed")
            self._stop.wait(self.sweep_s)


# Each `denchi lms worker` process runs two procrastinate workers: grading and delivery.
PROCRASTINATE_WORKERS_PER_PROCESS = 2
# Procrastinate's worker heartbeats (procrastinate 3 ``Worker``: ``update_heartbeat_interval``,
# ``stalled_worker_timeout``; ``JobManager.get_stalled_jobs(seconds_since_heartbeat)``): each
# worker writes its heartbeat every HEARTBEAT_S; one silent for STALLED_AFTER_S is dead, and
# every worker process looks for the jobs of dead workers every RECOVER_EVERY_S.
HEARTBEAT_S = 2.0
STALLED_AFTER_S = 10.0
RECOVER_EVERY_S = 5.0


class ProcrastinateQueue:
    """Jobs in PostgreSQL through procrastinate; ``denchi lms worker`` runs them: grading jobs
    on the queue ``denchi``, score delivery on its own queue ``denchi-deliver`` (a worker of
    its own in each process), so that delivery never waits for grading or holds it up."""

    def __init__(self, rt: Tool) -> None:
        import procrastinate

        self.rt = rt
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(conninfo=rt.config.database_url)
        )

        @self.app.task(
            name="denchi.grade", queue=QUEUE, queueing_lock="denchi.grade", pass_context=True
        )
        def grade(context: JobContext) -> int:
            return self._grade_as(context)

        @self.app.task(name="denchi.deliver", queue=DELIVERY_QUEUE, queueing_lock="denchi.deliver")
        def deliver() -> int:
            return deliver_scores(rt)

        @self.app.periodic(cron="* * * * *")
        @self.app.task(
            name="denchi.sweep", queue=QUEUE, queueing_lock="denchi.sweep", pass_context=True
        )
        def sweep(context: JobContext, timestamp: int) -> int:
            """Every minute: expired rows (:mod:`.housekeeping`), work whose claim ran out,
            retries that came due."""
            sweep_expired(rt)
            self.scores_enqueued()
            return self._grade_as(context)

        self._grade, self._deliver = grade, deliver

    def _grade_as(self, context: JobContext) -> int:
        """Grade what is queued, the claims held by the running job (:func:`job_owner`)."""
        return grade_pending(
            self.rt,
            workers=self.workers(),
            scores_enqueued=self.scores_enqueued,
            owner=job_owner(context.job.id if context.job else None),
        )

    async def recover_stalled(self) -> int:
        """Find the jobs of dead workers and give their work to the living: procrastinate's
        own mechanism (procrastinate 3 docs, "Retry stalled jobs": ``JobManager.
        get_stalled_jobs`` lists the jobs still "doing" whose worker has sent no heartbeat for
        ``STALLED_AFTER_S``, ``retry_job`` puts each back in the queue). The submissions those
        jobs held are released first (:func:`release_claims`), so the retried job, or the
        grading job already waiting (a retry that would break the queueing lock ends the dead
        job as failed instead), grades them at once. Returns how many jobs were recovered.
        Several worker processes may run this at once: a job is retried once, the claims are
        released under row locks."""
        from procrastinate.exceptions import UniqueViolation
        from procrastinate.jobs import Status

        manager = self.app.job_manager
        stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_S))
        if not stalled:
            return 0
        owners = {job_owner(job.id) for job in stalled}
        requeued, failed = await asyncio.to_thread(release_claims, self.rt, owners)
        self.rt.log.warning(
            "jobs %s of a worker that stopped sending heartbeats: retried; %d submission(s)"
            " queued again, %d failed after %d tries",
            sorted(job.id for job in stalled if job.id is not None),
            requeued,
            failed,
            MAX_GRADING_ATTEMPTS,
        )
        for job in stalled:
            try:
                await manager.retry_job(job)
            except UniqueViolation:  # a job with the same queueing lock waits: it takes the work
                await manager.finish_job(job, status=Status.FAILED, delete_job=False)
            except Exception:  # another process recovered it first, or it ended meanwhile
                self.rt.log.info("stalled job %s was recovered elsewhere", job.id)
        return len(stalled)

    async def _recover_forever(self) -> None:
        """Every ``RECOVER_EVERY_S`` in each worker process: :meth:`recover_stalled`."""
        while True:
            try:
                await self.recover_stalled()
            except Exception:  # keep watching; the next round tries again
                self.rt.log.exception("looking for the jobs of dead workers failed")
            await asyncio.sleep(RECOVER_EVERY_S)

    def workers(self) -> int:
        """How many ``denchi lms worker`` processes are alive: procrastinate's registry of
        workers (``procrastinate_workers``, a heartbeat every ``HEARTBEAT_S``, dead after
        ``STALLED_AFTER_S``)."""
        from sqlalchemy import text

        with self.rt.db.engine.connect() as conn:
            alive = conn.execute(
                text(
                    "select count(*) from procrastinate_workers"
                    " where last_heartbeat > now() - make_interval(secs => :after)"
                ),
                {"after": STALLED_AFTER_S},
            ).scalar()
        return max(1, (alive or 0) // PROCRASTINATE_WORKERS_PER_PROCESS)

    def _ensure_schema(self) -> None:
        """Create procrastinate's tables on a new database, whoever starts first (a worker
        before any ``serve``, or several processes at once).

        The schema is procrastinate's own SQL (``SchemaManager.get_schema``, what
        ``procrastinate schema --apply`` runs), applied through the tool's engine so that it
        does not need the procrastinate app to be open (``apply_schema`` raised ``AppNotOpen``
        in a worker, which opens the app only to run jobs), under a transaction-level advisory
        lock (PostgreSQL docs, "Advisory Locks") so that two processes never both apply it."""
        from sqlalchemy import text

        with self.rt.db.engine.begin() as conn:
            conn.execute(text("select pg_advisory_xact_lock(hashtext('denchi.procrastinate'))"))
            if conn.execute(text("select to_regclass('procrastinate_jobs')")).scalar() is None:
                # '%' doubled as SchemaManager.apply_schema does: the driver reads placeholders
                conn.exec_driver_sql(self.app.schema_manager.get_schema().replace("%", "%%"))

    def start(self) -> None:
        """Open the procrastinate app (to defer jobs from ``serve``) and create its tables on
        a new database."""
        self.app.open()
        self._ensure_schema()

    def stop(self) -> None:
        """Close the procrastinate app."""
        self.app.close()

    def _defer(self, task) -> None:
        from procrastinate.exceptions import AlreadyEnqueued

        with contextlib.suppress(AlreadyEnqueued):  # a waiting job will take this one too
            task.defer()

    def submitted(self) -> None:
        """A notebook arrived: defer a grading job and a delivery job (none if one waits)."""
        self._defer(self._grade)
        self._defer(self._deliver)

    def scores_enqueued(self) -> None:
        """A score waits in the outbox: defer a delivery job (none if one waits)."""
        self._defer(self._deliver)

    def run_worker(self, concurrency: int = 1, wait: bool = True) -> None:
        """Run jobs until stopped (``wait=False``: until the queues are empty): a grading
        worker with ``concurrency`` and a delivery worker beside it.

        Procrastinate's documented way to run several workers in one process is several
        ``App.run_worker_async`` tasks, signal handlers installed by one of them only. Beside
        them, :meth:`recover_stalled` runs every ``RECOVER_EVERY_S``.

        Args:
            concurrency: How many grading jobs run at once in this process.
            wait: Wait for new jobs (False: return when the queues are empty).
        """
        self._ensure_schema()

        async def both() -> None:
            async with self.app.open_async():
                watch = asyncio.ensure_future(self._recover_forever())
                try:
                    await self._run_both(concurrency, wait)
                finally:
                    watch.cancel()
                    await asyncio.gather(watch, return_exceptions=True)

        asyncio.run(both())

    async def _run_both(self, concurrency: int, wait: bool) -> None:
        """The grading and the delivery worker of :meth:`run_worker`, each with a heartbeat
        every ``HEARTBEAT_S`` (and pruning workers silent for ``STALLED_AFTER_S``)."""
        grading = self.app.run_worker_async(
            queues=[QUEUE],
            concurrency=concurrency,
            wait=wait,
            name="denchi-grade",
            update_heartbeat_interval=HEARTBEAT_S,
            stalled_worker_timeout=STALLED_AFTER_S,
        )
        delivery = self.app.run_worker_async(
            queues=[DELIVERY_QUEUE],
            concurrency=1,
            wait=wait,
            name="denchi-deliver",
            install_signal_handlers=False,
            update_heartbeat_interval=HEARTBEAT_S,
            stalled_worker_timeout=STALLED_AFTER_S,
        )
        if not wait:  # grading first: it queues the deliveries of its scores
            await grading
            await delivery
            return
        tasks = [asyncio.ensure_future(grading), asyncio.ensure_future(delivery)]
        _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:  # the grading worker was stopped (a signal): stop both
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
