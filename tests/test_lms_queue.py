"""The grading queue in one process, without a server, nbgrader or kernels: a fake grader and a
fake LMS (issue 11 item 4 and issue 21 "Throughput and fairness").

- one learner's many resubmissions or one big class cannot starve the others;
- two workers split a class burst by default;
- score delivery never holds up grading, and each score leaves as soon as it is graded.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from lms.example import config_in
from sqlalchemy import select

from denchi.lms import jobs, models, outbox
from denchi.lms.config import LmsConfig
from denchi.lms.grader import GradeOutcome
from denchi.lms.outbox import OutboxPolicy
from denchi.lms.schema import prepare_schema
from denchi.lms.store import Database

START = models.utcnow() - timedelta(hours=1)


@dataclass
class FakeGrader:
    """Grades every notebook 3/3 after ``seconds``; remembers who was in each batch, when the
    batch started and ended, and in which thread."""

    seconds: float = 0.0
    batches: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def notebook_names(self, assignment: str) -> list[str]:
        return [f"{assignment}.ipynb"]

    def max_score(self, assignment: str) -> float:
        return 3.0

    def grade(self, assignment, notebooks, on_result=None, labels=None):
        batch = {"students": sorted(notebooks), "start": time.monotonic()}
        batch["thread"] = threading.current_thread().name
        with self.lock:
            self.batches.append(batch)
        outcomes = {}
        for student in notebooks:  # the kernels run in parallel: all end together
            outcomes[student] = GradeOutcome(3.0, 3.0, "<p>ok</p>")
        time.sleep(self.seconds)
        for student, outcome in outcomes.items():
            if on_result:
                on_result(student, outcome)
        batch["end"] = time.monotonic()
        return outcomes


@dataclass
class FakeLms:
    """An AGS score endpoint that takes ``seconds`` per score."""

    seconds: float = 0.0
    scores: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def post_score(self, target, lineitem, payload, scopes) -> None:
        started = time.monotonic()
        time.sleep(self.seconds)
        with self.lock:
            self.scores.append(dict(payload, started=started, ended=time.monotonic()))


@dataclass
class FakeTool:
    config: LmsConfig
    db: Database
    grader: FakeGrader
    services: FakeLms
    policy: OutboxPolicy = field(default_factory=OutboxPolicy)
    log: logging.Logger = logging.getLogger("denchi.lms.test")


@pytest.fixture
def tool(tmp_path):
    def make(grade_s: float = 0.0, lms_s: float = 0.0, **settings) -> FakeTool:
        config = config_in(tmp_path, **settings)
        (tmp_path / "data").mkdir(exist_ok=True)
        db = Database(config.database_url)
        prepare_schema(db, config.data_dir, config.sqlite_path)
        return FakeTool(config, db, FakeGrader(grade_s), FakeLms(lms_s))

    yield make


def course(rt: FakeTool, links: dict[str, str]) -> dict[str, int]:
    """A platform and a course with the resource links ``{name: assignment}``; their ids."""
    with rt.db.session() as s:
        platform = models.Platform(
            issuer="https://lms.test",
            client_id="c",
            auth_login_url="https://lms.test/auth",
            auth_token_url="https://lms.test/token",
            jwks_url="https://lms.test/jwks",
        )
        s.add(platform)
        s.flush()
        context = models.Context(platform_id=platform.id, deployment_id="d", context_id="c1")
        s.add(context)
        s.flush()
        ids = {}
        for name, assignment in links.items():
            link = models.ResourceLink(
                context_id=context.id,
                resource_link_id=name,
                kind="assignment",
                target=assignment,
                lineitem_url=f"https://lms.test/lineitems/{name}",
            )
            s.add(link)
            s.flush()
            ids[name] = link.id
        return ids


def submit(rt: FakeTool, link_id: int, learner: str, minute: float, *, notice: bool = False):
    """A stored submission of ``learner`` made ``minute`` minutes after START (with the
    "Submitted" score an upload queues when ``notice``); returns its id."""
    with rt.db.session() as s:
        platform_id = s.scalars(select(models.Platform.id)).one()
        user = s.scalars(select(models.User).where(models.User.sub == learner)).first()
        if user is None:
            user = models.User(platform_id=platform_id, sub=learner, student_key=learner)
            s.add(user)
            s.flush()
        sub = models.Submission(
            id=str(uuid.uuid4()),
            user_id=user.id,
            resource_link_id=link_id,
            assignment=s.get_one(models.ResourceLink, link_id).target,
            notebook="{}",
            size=2,
            created_at=START + timedelta(minutes=minute),
        )
        s.add(sub)
        s.flush()
        if notice:
            payload = outbox.score_payload(user, activity="Submitted", grading="Pending")
            outbox.enqueue(s, sub.resource_link, user, payload, sub.id)
        return sub.id


def statuses(rt: FakeTool) -> dict[str, str]:
    with rt.db.session() as s:
        return {sub.id: sub.status for sub in s.scalars(select(models.Submission))}


# ---------------------------------------------------------------- a fair queue


def test_many_resubmissions_of_one_learner_do_not_hold_up_the_class(tool):
    rt = tool()
    link = course(rt, {"rl": "h04"})["rl"]
    resubmitted = [submit(rt, link, "eager", minute) for minute in range(20)]
    others = [submit(rt, link, f"u{n}", 30 + n) for n in range(5)]

    jobs.grade_pending(rt)

    first = rt.grader.batches[0]["students"]
    assert {"u0", "u1", "u2", "u3", "u4"} <= set(first)
    # only the learner's latest work is graded (the LMS shows only the latest's grade anyway);
    # the older ones end "superseded", never graded, and the class had one nbgrader run
    assert len(rt.grader.batches) == 1
    after = statuses(rt)
    assert after[resubmitted[-1]] == "graded" and all(after[sid] == "graded" for sid in others)
    assert {after[sid] for sid in resubmitted[:-1]} == {"superseded"}
    with rt.db.session() as s:  # the teacher's and the learner's pages name the status
        old = s.get_one(models.Submission, resubmitted[0])
        assert old.score is None and old.graded_at is None


def test_a_submission_being_graded_is_not_superseded(tool):
    """Work already claimed is graded to its end; only queued work is passed over."""
    rt = tool()
    link = course(rt, {"rl": "h04"})["rl"]
    first = submit(rt, link, "u1", 0)
    claimed = jobs._claim_submissions(rt)
    newer = submit(rt, link, "u1", 1)
    assert claimed == [first]
    assert statuses(rt) == {first: "grading", newer: "queued"}


def test_a_big_class_does_not_starve_another_assignment(tool):
    rt = tool(grading_batch_size=10)
    links = course(rt, {"big": "h04", "small": "h05"})
    for n in range(30):
        submit(rt, links["big"], f"big{n}", n * 0.01)
    late = submit(rt, links["small"], "small0", 1)

    claimed = jobs._claim_submissions(rt)

    assert late in claimed and len(claimed) == 10


# ---------------------------------------------------------------- shared among workers


def test_two_workers_split_a_class_burst_by_default(tool):
    rt = tool(grade_s=0.5, worker_threads=2)
    link = course(rt, {"rl": "h04"})["rl"]
    for n in range(40):
        submit(rt, link, f"u{n:02d}", n * 0.01)
    queue = jobs.EmbeddedQueue(rt, poll_s=0.05)
    queue.start()
    try:
        deadline = time.monotonic() + 20
        while set(statuses(rt).values()) != {"graded"}:
            assert time.monotonic() < deadline, statuses(rt)
            time.sleep(0.05)
    finally:
        queue.stop()
    per_thread: dict[str, int] = {}
    for batch in rt.grader.batches:
        per_thread[batch["thread"]] = per_thread.get(batch["thread"], 0) + len(batch["students"])
    assert sum(per_thread.values()) == 40
    assert len(per_thread) == 2 and min(per_thread.values()) >= 15, per_thread


def test_one_worker_grades_a_class_burst_in_one_batch(tool):
    """Sharing costs a lone worker nothing: one nbgrader run for the whole class."""
    rt = tool()
    link = course(rt, {"rl": "h04"})["rl"]
    for n in range(40):
        submit(rt, link, f"u{n:02d}", n * 0.01)
    jobs.grade_pending(rt)
    assert [len(batch["students"]) for batch in rt.grader.batches] == [40]


def test_a_stop_ends_the_round_in_progress_and_leaves_the_backlog_queued(tool):
    """Stopping the tool waited for the whole backlog to be graded (three rounds here, and a
    class's worth in a real queue); it now waits for the round in progress only."""
    rt = tool(grade_s=1.0, worker_threads=1, grading_batch_size=2)
    link = course(rt, {"rl": "h04"})["rl"]
    for n in range(6):
        submit(rt, link, f"u{n}", n)
    queue = jobs.EmbeddedQueue(rt, poll_s=0.05)
    queue.start()
    deadline = time.monotonic() + 20
    while not rt.grader.batches:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    queue.stop()
    assert len(rt.grader.batches) == 1
    assert sorted(statuses(rt).values()) == ["graded"] * 2 + ["queued"] * 4
    assert not queue.lock.held  # the folder is free for the next start, which grades the rest


# ---------------------------------------------------------------- delivery apart from grading


def run_embedded(rt: FakeTool, until, seconds: float = 20) -> None:
    queue = jobs.EmbeddedQueue(rt, poll_s=0.05)
    queue.start()
    try:
        deadline = time.monotonic() + seconds
        while not until():
            assert time.monotonic() < deadline, (rt.grader.batches, rt.services.scores)
            time.sleep(0.02)
    finally:
        queue.stop()


def graded_scores(rt: FakeTool) -> list[dict]:
    return [s for s in rt.services.scores if s["gradingProgress"] == "FullyGraded"]


def test_slow_score_delivery_does_not_delay_grading(tool):
    """Ten "Submitted" notices to a slow LMS used to be sent before grading began."""
    rt = tool(lms_s=0.4)
    link = course(rt, {"rl": "h04"})["rl"]
    for n in range(4):
        submit(rt, link, f"u{n}", n, notice=True)
    run_embedded(rt, lambda: len(graded_scores(rt)) == 4)
    first_delivery = min(score["ended"] for score in rt.services.scores)
    assert rt.grader.batches[0]["start"] < first_delivery


def test_each_score_leaves_as_soon_as_it_is_graded(tool):
    """A score of the first batch reaches the LMS while the second batch is being graded."""
    rt = tool(grade_s=0.8, lms_s=0.1, grading_batch_size=2)
    link = course(rt, {"rl": "h04"})["rl"]
    for n in range(4):
        submit(rt, link, f"u{n}", n)
    run_embedded(rt, lambda: len(graded_scores(rt)) == 4)
    first, second = rt.grader.batches
    assert second["start"] < first["end"] + 0.3  # grading went on without waiting
    delivered = {s["userId"]: s["ended"] for s in graded_scores(rt)}  # userId: the learner
    assert all(delivered[learner] < second["end"] for learner in first["students"]), delivered


def test_postgres_mode_grades_without_delivering_and_queues_delivery_apart(tool, monkeypatch):
    """With procrastinate, the grading job never talks to the LMS: it queues a delivery job
    on the delivery queue as each score is recorded (run by a worker of its own)."""
    rt = tool()
    link = course(rt, {"rl": "h04"})["rl"]
    for n in range(2):
        submit(rt, link, f"u{n}", n)
    queue = jobs.ProcrastinateQueue(rt)  # nothing connects until the app is opened
    deferred: list[str] = []
    monkeypatch.setattr(queue, "_defer", lambda task: deferred.append(task.name))
    monkeypatch.setattr(queue, "workers", lambda: 1)

    def no_delivery(*_args):
        raise AssertionError("the grading job delivered scores itself")

    monkeypatch.setattr(jobs, "deliver_scores", no_delivery)
    assert queue._grade(job_context(7)) == 2
    assert deferred == ["denchi.deliver", "denchi.deliver"]  # one per recorded score
    assert (queue._grade.queue, queue._deliver.queue) == (jobs.QUEUE, jobs.DELIVERY_QUEUE)
    assert jobs.QUEUE != jobs.DELIVERY_QUEUE


def job_context(job_id: int) -> SimpleNamespace:
    """What procrastinate passes a ``pass_context`` task: the running job (its id)."""
    return SimpleNamespace(job=SimpleNamespace(id=job_id))


def test_the_claims_of_dead_jobs_are_released_and_no_others(tool):
    """Issue 21: a dead worker's job (found by procrastinate's heartbeats) gives back only
    the submissions it claimed; a living worker's claim stays; one tried
    ``MAX_GRADING_ATTEMPTS`` times ends failed with the reason."""
    rt = tool()
    link = course(rt, {"rl": "h04"})["rl"]
    dead, tried, alive = (submit(rt, link, f"u{n}", n) for n in range(3))
    until = models.utcnow() + timedelta(minutes=17)
    with rt.db.session() as s:
        for sid, owner, attempts in [(dead, 1, 1), (tried, 1, 3), (alive, 2, 1)]:
            sub = s.get_one(models.Submission, sid)
            sub.status, sub.claimed_until, sub.attempts = "grading", until, attempts
            sub.claimed_by = jobs.job_owner(owner)

    assert jobs.release_claims(rt, {jobs.job_owner(1)}) == (1, 1)

    with rt.db.session() as s:
        rows = {sid: s.get_one(models.Submission, sid) for sid in (dead, tried, alive)}
        assert (rows[dead].status, rows[dead].claimed_by) == ("queued", None)
        assert rows[tried].status == "failed" and "3" in (rows[tried].error or "")
        assert (rows[alive].status, rows[alive].claimed_by) == ("grading", jobs.job_owner(2))


def test_a_grading_job_records_itself_as_the_owner_of_its_claims(tool, monkeypatch):
    rt = tool()
    link = course(rt, {"rl": "h04"})["rl"]
    sid = submit(rt, link, "u0", 0)
    queue = jobs.ProcrastinateQueue(rt)
    monkeypatch.setattr(queue, "workers", lambda: 1)
    monkeypatch.setattr(queue, "_defer", lambda task: None)
    owners: list[str | None] = []

    def grade(assignment, notebooks, on_result=None, labels=None):
        with rt.db.session() as s:
            owners.append(s.get_one(models.Submission, sid).claimed_by)
        return {student: GradeOutcome(3.0, 3.0, "<p>ok</p>") for student in notebooks}

    monkeypatch.setattr(rt.grader, "grade", grade)
    assert queue._grade(job_context(41)) == 1
    assert owners == ["job:41"]
