"""``/metrics``: the tool's state in the Prometheus text format (prometheus_client).

Every figure is read from the database at each scrape, so that one ``serve`` process reports
the work of every worker process and machine (PostgreSQL mode) and nothing is lost when a
process restarts. Every gauge is given per registered LMS (labels ``issuer`` and
``client_id``, the schools of ``denchi lms schools``, :mod:`denchi.lms.schools`; Prometheus's
``sum without (issuer, client_id)`` gives the whole tool); the histograms are the whole tool's:

- ``denchi_lms_submissions{issuer,client_id,status}``: submissions by status (the grading
  queue: ``queued``, ``grading``; and ``graded``, ``failed``, ``superseded``);
- ``denchi_lms_grading_turnaround_seconds``: a histogram of the time from upload to grade
  (waiting in the queue plus grading: what a learner waits), over every graded submission;
- ``denchi_lms_scores{issuer,client_id,status}``: scores for the LMS by status (``failed``:
  deliveries that gave up after ``outbox_max_attempts``),
  ``denchi_lms_oldest_pending_score_age_seconds{issuer,client_id}``, and
  ``denchi_lms_score_delivery_lag_seconds``, a histogram of the time from a recorded score to
  the LMS accepting it.

The histograms are cumulative over rows that are never deleted, as Prometheus expects of a
histogram (prometheus_client docs, "Custom Collectors"; Prometheus docs, "Metric types").

Access (decision): ``/metrics`` exists only when the operator sets ``metrics_token``, and then
answers only a request with ``Authorization: Bearer <metrics_token>``, which Prometheus sends
with ``authorization: {credentials: ...}`` in its scrape configuration. The tool faces the
internet (browsers reach it from the LMS), and the figures describe schools' classes, so
neither an open endpoint nor one trusted by network position would do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import select

from denchi.lms.config import LmsConfig
from denchi.lms.models import ScoreOutbox, Submission
from denchi.lms.schools import PlatformActivity, activity
from denchi.lms.store import Database
from denchi.lms.untrusted import same_secret

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SUBMISSION_STATUSES = ("queued", "grading", "graded", "failed", "superseded")
SCORE_STATUSES = ("pending", "sent", "superseded", "failed")
# seconds: a learner waits seconds to minutes for a grade; an LMS answers in under a second
TURNAROUND_BUCKETS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
# each LMS (school) apart: its issuer and the tool's client id there (denchi.lms.schools)
PLATFORM_LABELS = ["issuer", "client_id"]
LAG_BUCKETS = (0.5, 1.0, 2.5, 5.0, 15.0, 60.0, 300.0, 3600.0)


def allowed(config: LmsConfig, authorization: str | None) -> bool:
    """Whether a request with this ``Authorization`` header may read ``/metrics``: only with
    ``Bearer <metrics_token>`` (compared in constant time), never when no token is set
    (RFC 6750, section 2.1 "Authorization Request Header Field").

    Args:
        config: The configuration (its ``metrics_token``).
        authorization: The request's ``Authorization`` header, if any.
    """
    if not config.metrics_token or not authorization:
        return False
    scheme, _, token = authorization.partition(" ")
    return scheme.lower() == "bearer" and same_secret(token.strip(), config.metrics_token)


def _histogram(
    name: str, documentation: str, seconds: Sequence[float], buckets: Sequence[float]
) -> HistogramMetricFamily:
    family = HistogramMetricFamily(name, documentation)
    counts = [(str(bound), float(sum(1 for value in seconds if value <= bound)))
              for bound in buckets]  # fmt: skip
    family.add_metric([], [*counts, ("+Inf", float(len(seconds)))], sum_value=sum(seconds))
    return family


def _labels(school: PlatformActivity) -> list[str]:
    return [school.issuer, school.client_id]


def _durations(rows: Iterable[Sequence[datetime | None]]) -> list[float]:
    return [max(0.0, (end - start).total_seconds()) for start, end in rows if start and end]


class ToolCollector(Collector):
    """The figures of one tool database, read at each scrape."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        """The tool's metrics now (prometheus_client's custom collector): submissions and
        scores by status, the age of the oldest pending score [s], and histograms of grading
        turnaround and delivery lag [s]."""
        schools = activity(self.db)
        with self.db.session() as s:
            turnaround = _durations(
                s.execute(
                    select(Submission.created_at, Submission.graded_at).where(
                        Submission.status == "graded"
                    )
                ).all()
            )
            lag = _durations(
                s.execute(
                    select(ScoreOutbox.created_at, ScoreOutbox.sent_at).where(
                        ScoreOutbox.status == "sent"
                    )
                ).all()
            )
        queue = GaugeMetricFamily(
            "denchi_lms_submissions", "Submissions by status", labels=[*PLATFORM_LABELS, "status"]
        )
        for school in schools:
            for status in sorted({*SUBMISSION_STATUSES, *school.submissions}):
                queue.add_metric([*_labels(school), status], school.submissions.get(status, 0))
        yield queue
        yield _histogram(
            "denchi_lms_grading_turnaround_seconds",
            "Time from upload to grade of graded submissions",
            turnaround,
            TURNAROUND_BUCKETS,
        )
        outbox = GaugeMetricFamily(
            "denchi_lms_scores",
            "Scores for the LMS by delivery status",
            labels=[*PLATFORM_LABELS, "status"],
        )
        oldest = GaugeMetricFamily(
            "denchi_lms_oldest_pending_score_age_seconds",
            "Age of the oldest score not yet accepted by the LMS (0: none pending)",
            labels=PLATFORM_LABELS,
        )
        for school in schools:
            for status in sorted({*SCORE_STATUSES, *school.scores}):
                outbox.add_metric([*_labels(school), status], school.scores.get(status, 0))
            oldest.add_metric(_labels(school), school.oldest_pending_score_s or 0.0)
        yield outbox
        yield oldest
        yield _histogram(
            "denchi_lms_score_delivery_lag_seconds",
            "Time from a recorded score to the LMS accepting it",
            lag,
            LAG_BUCKETS,
        )


def exposition(db: Database) -> str:
    """The metrics of ``db`` in the Prometheus text format (version 0.0.4).

    Args:
        db: The tool's database.
    """
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ToolCollector(db))
    return generate_latest(registry).decode()
