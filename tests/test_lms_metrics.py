"""Operating the tool (issue 21 "Logs"): ``/metrics`` in the Prometheus text format (parsed
with prometheus_client's own parser), closed unless the operator sets ``metrics_token`` and
then only with that token; JSON-lines logs; grading logs kept per submission."""

from __future__ import annotations

import io
import json
import logging
import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from lms.example import config_in, register_platform, runtime_in
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from denchi.lms import logs, metrics, models
from denchi.lms.models import utcnow
from denchi.lms.runtime import Runtime
from denchi.lms.web import create_app

TOKEN = "s3cret-metrics-token-0123456789"


@pytest.fixture
def rt(tmp_path):
    with runtime_in(tmp_path, base_url="https://tool.example", metrics_token=TOKEN) as runtime:
        yield runtime


SCHOOL = (("client_id", "c"), ("issuer", "https://moodle.example"))


def _class(rt, issuer: str = "https://moodle.example") -> None:
    """A class at the school ``issuer``: five submissions (2 queued, 1 grading, 2 graded
    after 20 s and 200 s) and three scores (one sent 4 s after it was recorded, one pending
    for 90 s, one failed)."""
    now = utcnow()
    platform_id = register_platform(rt.db, issuer=issuer)
    with rt.db.session() as s:
        context = models.Context(platform_id=platform_id, deployment_id="d", context_id="c1")
        s.add(context)
        s.flush()
        link = models.ResourceLink(
            context_id=context.id, resource_link_id="r", kind="assignment", target="h02"
        )
        s.add(link)
        user = models.User(platform_id=platform_id, sub="u", student_key=f"s{platform_id}")
        s.add(user)
        s.flush()
        for status, graded_after in [
            ("queued", None),
            ("queued", None),
            ("grading", None),
            ("graded", 20),
            ("graded", 200),
        ]:
            created = now - timedelta(seconds=300)
            s.add(
                models.Submission(
                    id=str(uuid.uuid4()), user_id=user.id, resource_link_id=link.id,
                    assignment="h02", notebook="{}", size=2, status=status, created_at=created,
                    graded_at=None if graded_after is None else created + timedelta(
                        seconds=graded_after),
                )
            )  # fmt: skip
        for status, age, sent_after in [
            ("sent", 60, 4),
            ("pending", 90, None),
            ("failed", 9, None),
        ]:
            created = now - timedelta(seconds=age)
            s.add(
                models.ScoreOutbox(
                    platform_id=platform_id, resource_link_id=link.id, user_id=user.id,
                    payload={}, status=status, created_at=created,
                    sent_at=None if sent_after is None else created + timedelta(
                        seconds=sent_after),
                )
            )  # fmt: skip


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_report_the_queue_grading_time_and_delivery(rt):
    _class(rt)
    samples = _samples(metrics.exposition(rt.db))
    queue = {status: samples[("denchi_lms_submissions", (*SCHOOL, ("status", status)))]
             for status in ("queued", "grading", "graded", "failed")}  # fmt: skip
    assert queue == {"queued": 2, "grading": 1, "graded": 2, "failed": 0}
    turnaround = "denchi_lms_grading_turnaround_seconds"
    assert samples[(turnaround + "_count", ())] == 2
    assert samples[(turnaround + "_sum", ())] == pytest.approx(220)
    assert samples[(turnaround + "_bucket", (("le", "30.0"),))] == 1
    assert samples[(turnaround + "_bucket", (("le", "300.0"),))] == 2
    lag = "denchi_lms_score_delivery_lag_seconds"
    assert samples[(lag + "_count", ())] == 1
    assert samples[(lag + "_sum", ())] == pytest.approx(4)
    assert samples[("denchi_lms_scores", (*SCHOOL, ("status", "failed")))] == 1
    assert samples[("denchi_lms_scores", (*SCHOOL, ("status", "pending")))] == 1
    oldest = ("denchi_lms_oldest_pending_score_age_seconds", SCHOOL)
    assert samples[oldest] == pytest.approx(90, abs=5)


def test_each_school_is_reported_apart(rt, tmp_path, capsys):
    """Two schools' LMSs on one tool (issue 21, "per-school views for operators"): the
    metrics and ``denchi lms schools`` give each its own queue and deliveries; a school that
    registered but never launched is listed with nothing."""
    from denchi.lms import schools

    _class(rt)
    _class(rt, issuer="https://lms.school-b.example")
    with rt.db.session() as s:  # school B's grading moved on: one queued notebook is graded
        queued = s.scalars(
            select(models.Submission)
            .join(models.ResourceLink)
            .join(models.Context)
            .join(models.Platform)
            .where(models.Platform.issuer == "https://lms.school-b.example")
            .where(models.Submission.status == "queued")
        ).first()
        queued.status = "graded"
        queued.graded_at = utcnow()
    register_platform(rt.db, issuer="https://quiet.example")
    samples = _samples(metrics.exposition(rt.db))

    def queue(issuer: str, status: str) -> float:
        labels = (("client_id", "c"), ("issuer", issuer), ("status", status))
        return samples[("denchi_lms_submissions", labels)]

    assert queue("https://moodle.example", "queued") == 2
    assert queue("https://lms.school-b.example", "queued") == 1
    assert queue("https://lms.school-b.example", "graded") == 3
    assert queue("https://quiet.example", "queued") == 0
    rows = {row.issuer: row for row in schools.activity(rt.db)}
    assert list(rows) == [
        "https://moodle.example",
        "https://lms.school-b.example",
        "https://quiet.example",
    ]
    b = rows["https://lms.school-b.example"]
    assert (b.courses, b.people, b.submissions) == (1, 1, {"queued": 1, "grading": 1, "graded": 3})
    assert b.scores == {"sent": 1, "pending": 1, "failed": 1}
    assert b.oldest_pending_score_s == pytest.approx(90, abs=5)
    quiet = rows["https://quiet.example"]
    assert (quiet.courses, quiet.submissions, quiet.last_submission_at) == (0, {}, None)

    from denchi.cli import main

    config = tmp_path / "operator.toml"
    config.write_text(
        f'database_url = "{rt.config.database_url}"\n'
        f'data_dir = "{rt.config.data_dir}"\n'
        "allow_unsandboxed_grading = true\n",
        encoding="utf-8",
    )
    assert main(["lms", "--config", str(config), "schools"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("学校 (LMS) / school\t")
    school_b = next(line.split("\t") for line in lines if "school-b" in line)
    assert school_b[2:10] == ["1", "1", "1", "1", "3", "0", "1", "1"]


def test_metrics_need_the_operators_token(rt, tmp_path):
    _class(rt)
    client = TestClient(create_app(rt))
    ok = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("text/plain")
    assert "denchi_lms_submissions" in ok.text
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 401, headers
        assert "denchi_lms" not in refused.text
    # without a token in the settings there is no /metrics at all
    closed = config_in(tmp_path, "closed.toml")
    assert TestClient(create_app(Runtime(closed))).get("/metrics").status_code == 404


def test_logs_are_json_lines_with_the_fields_an_operator_filters_on():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # as logging_config() sets up stderr
    handler.setFormatter(logs.json_formatter())
    log = logging.getLogger("denchi.lms.test-json")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        log.warning("released %d claim(s)", 3)
        try:
            raise RuntimeError("broken")
        except RuntimeError:
            log.exception("grading failed")
    finally:
        log.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "released 3 claim(s)" and first["levelname"] == "WARNING"
    assert first["name"] == "denchi.lms.test-json" and "asctime" in first
    assert "RuntimeError: broken" in second["exc_info"]


def test_serve_hands_uvicorn_the_json_logging(tmp_path, monkeypatch):
    """uvicorn applies ``log_config`` itself: every record of ``serve``, uvicorn's access log
    included, goes through the JSON formatter."""
    import uvicorn
    from pythonjsonlogger.json import JsonFormatter

    from denchi.cli import main

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    config = tmp_path / "tool.toml"
    config.write_text("allow_unsandboxed_grading = true\n", encoding="utf-8")
    assert main(["lms", "serve", "--config", str(config)]) == 0
    log_config = calls[-1]["log_config"]
    assert isinstance(log_config["formatters"]["json"]["()"](), JsonFormatter)
    assert log_config["handlers"]["stderr"]["formatter"] == "json"
    assert log_config["root"]["handlers"] == ["stderr"]
    assert all(log_config["loggers"][name]["propagate"] for name in ("uvicorn.access",))


def test_grading_logs_are_kept_per_submission_after_the_batch(tmp_path, monkeypatch):
    """The batch folder is deleted after each round; its log (the grading processes' stderr)
    and one record per submission stay in ``<data_dir>/grading/logs``. The pipeline is
    replaced by one that logs and grades like it (no kernels here)."""
    from lms.harness import DUMMY, make_courseware

    from denchi.grading import pipeline
    from denchi.grading.outcome import Flag
    from denchi.lms.grader import Grader

    def fake_grade(course, assignment, handed_in, *, on_result=None, **_kwargs):
        (course / "logs").mkdir(exist_ok=True)
        (course / "logs" / "autograde-20261201.log").write_text("kernel died: exit 137\n")
        results = {}
        for n, student in enumerate(sorted(handed_in)):
            results[student] = pipeline.SubmissionResult(
                student, assignment, "flagged" if n else "graded", 3.0 - n, 3.0,
                flags=(Flag("time_limit", cell="t1", detail="300 s"),) if n else (),
                seconds=1.5,
            )  # fmt: skip
            if on_result:
                on_result(results[student])
        return results

    monkeypatch.setattr(pipeline, "grade", fake_grade)
    courseware = make_courseware(tmp_path / "courseware")
    grader = Grader(courseware, tmp_path / "grading", 60, [DUMMY], allow_unsandboxed=True)
    monkeypatch.setattr(grader, "prepare", lambda assignment: courseware / "assessments")
    notebooks = {"s1": {f"{DUMMY}.ipynb": "{}"}, "s2": {f"{DUMMY}.ipynb": "{}"}}
    grader.grade(DUMMY, notebooks, labels={"s1": "sub-a", "s2": "sub-b"})
    grader.grade(DUMMY, {"s2": notebooks["s2"]}, labels={"s2": "sub-b"})  # graded again

    assert not list((tmp_path / "grading").glob("batch-*"))  # the batches are gone...
    logs_dir = tmp_path / "grading" / "logs"
    first = [
        json.loads(line) for line in (logs_dir / DUMMY / "sub-a.jsonl").read_text().splitlines()
    ]
    again = [
        json.loads(line) for line in (logs_dir / DUMMY / "sub-b.jsonl").read_text().splitlines()
    ]
    assert len(first) == 1 and len(again) == 2  # ...one record per grading of a submission
    assert (first[0]["submission"], first[0]["student"], first[0]["score"]) == ("sub-a", "s1", 3.0)
    assert again[0]["status"] == "flagged"
    assert again[0]["flags"] == [{"code": "time_limit", "notebook": "", "cell": "t1",
                                   "cells": [], "detail": "300 s"}]  # fmt: skip
    batch_log = logs_dir / again[0]["batch_log"]
    assert batch_log.read_text() == "kernel died: exit 137\n"  # the batch's log is kept
    assert batch_log.parent == logs_dir / "batches"
    assert oct(batch_log.stat().st_mode & 0o777) == "0o600"
