"""The submissions service as plain functions: a real Runtime on SQLite in a temporary folder,
people and the link made by launches.record_launch, no server and no grading (the pages and
the grading through HTTP are in test_lms_flow.py and test_lms_recovery.py)."""

from __future__ import annotations

import io
import time
import zipfile

import nbformat
import pytest
from lms.example import config_in, register_platform
from sqlalchemy import select

from denchi.lms import launches, lti, submissions
from denchi.lms.models import ResourceLink, ScoreOutbox, Submission
from denchi.lms.runtime import Runtime

ASSIGNMENT = "h02_redox_cells"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


@pytest.fixture
def course(tmp_path):
    """A tool with one assignment link in one course; returns (rt, link, {sub: user id})."""
    rt = Runtime(config_in(tmp_path))
    platform_id = register_platform(rt.db, issuer="https://lms.example")
    users, path = {}, ""
    for sub, family, role in [("t", "先生", "Instructor"), ("a", "青木", "Learner"),
                              ("b", "馬場", "Learner"), ("c", "千葉", "Learner")]:  # fmt: skip
        landing = launches.record_launch(
            rt,
            platform_id,
            {
                "sub": sub,
                "name": f"{family} {sub}",
                "family_name": family,
                lti.MESSAGE_TYPE: lti.RESOURCE_LINK_REQUEST,
                lti.DEPLOYMENT_ID: "d",
                lti.ROLES: [LIS + role],
                lti.CONTEXT: {"id": "course-1"},
                lti.RESOURCE_LINK: {"id": "rl-1"},
                lti.CUSTOM: {"denchi_kind": "assignment", "denchi_target": ASSIGNMENT},
            },
        )
        users[sub], path = landing.user_id, landing.path
    with rt.db.session() as s:
        link = s.get_one(ResourceLink, int(path.removeprefix("/r/")))
        _ = link.context.platform_id
    yield rt, link, users
    rt.close()


def hand_in(rt, link, user_id: int, answer: str) -> str:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(answer)])
    submissions.store(rt, user_id, link, notebook, "../../" + "x" * 300 + ".ipynb", 1234)
    time.sleep(0.01)  # distinct creation times, as between two real uploads
    with rt.db.session() as s:
        return s.scalars(
            select(Submission.id)
            .where(Submission.user_id == user_id)
            .order_by(Submission.created_at.desc())
        ).first()


def test_a_stored_upload_is_queued_and_announced_to_the_lms(course):
    rt, link, users = course
    first = hand_in(rt, link, users["a"], "answer = 1")
    second = hand_in(rt, link, users["a"], "answer = 42")
    with rt.db.session() as s:
        sub = s.get_one(Submission, second)
        assert (sub.status, sub.assignment, sub.size) == ("queued", ASSIGNMENT, 1234)
        assert len(sub.original_name) == 200
        assert "answer = 42" in sub.notebook
        outbox = s.scalars(select(ScoreOutbox).order_by(ScoreOutbox.id)).all()
        # one "Submitted/Pending" per upload; the older one is superseded by the newer
        assert [(o.submission_id, o.status) for o in outbox] == [
            (first, "superseded"),
            (second, "pending"),
        ]
        assert outbox[1].payload["activityProgress"] == "Submitted"
        assert outbox[1].payload["gradingProgress"] == "Pending"
    rows = submissions.learner_rows(rt, link.id, users["a"])
    assert [r["id"] for r in rows] == [second, first]  # newest first
    assert submissions.learner_rows(rt, link.id, users["b"]) == []


def test_feedback_belongs_to_its_owner(course):
    rt, link, users = course
    sub = hand_in(rt, link, users["a"], "answer = 1")
    assert submissions.feedback_of(rt, sub, users["a"]) == (True, link.id, "")
    assert submissions.feedback_of(rt, sub, users["b"]) == (False, link.id, "")
    assert submissions.feedback_of(rt, "no-such-id", users["a"]) == (False, None, "")


def test_the_class_list_has_every_learner_with_the_latest_work(course):
    rt, link, users = course
    hand_in(rt, link, users["b"], "answer = 1")
    latest_b = hand_in(rt, link, users["b"], "answer = 2")
    rows = submissions.class_list(rt, link)
    # learners only (not the teacher), sorted by family name: 千葉, 青木, 馬場
    assert [r["user"].sub for r in rows] == ["c", "a", "b"]
    by_sub = {r["user"].sub: r for r in rows}
    assert by_sub["b"]["submission"]["id"] == latest_b and by_sub["b"]["count"] == 2
    assert by_sub["b"]["delivery"]["status_ja"] == "送信待ち"
    assert by_sub["a"]["submission"] is None and by_sub["a"]["count"] == 0
    grades = submissions.grade_rows(rt, link)
    assert len(grades) == 3 and all(len(g) == len(submissions.GRADE_COLUMNS) for g in grades)
    assert {g[2]: g[-1] for g in grades}["a"] == "未提出"


def test_regrade_queues_the_latest_of_each_learner_or_only_the_one_asked(course):
    rt, link, users = course
    old_a = hand_in(rt, link, users["a"], "answer = 1")
    new_a = hand_in(rt, link, users["a"], "answer = 2")
    new_b = hand_in(rt, link, users["b"], "answer = 3")
    with rt.db.session() as s:
        for sub in s.scalars(select(Submission)):
            sub.status, sub.attempts = "graded", 2
    assert submissions.regrade(rt, link.id, new_b) == 1
    assert submissions.regrade(rt, link.id, old_a) == 0  # not a latest submission
    with rt.db.session() as s:
        status = {sub.id: (sub.status, sub.attempts) for sub in s.scalars(select(Submission))}
    assert status == {old_a: ("graded", 2), new_a: ("graded", 2), new_b: ("queued", 0)}
    assert submissions.regrade(rt, link.id) == 2
    with rt.db.session() as s:
        status = {sub.id: sub.status for sub in s.scalars(select(Submission))}
    assert status == {old_a: "graded", new_a: "queued", new_b: "queued"}


def test_the_zip_holds_each_learners_latest_notebook_under_their_student_key(course):
    rt, link, users = course
    hand_in(rt, link, users["a"], "answer = 1")
    hand_in(rt, link, users["a"], "answer = 2")
    hand_in(rt, link, users["c"], "answer = 3")
    archive = zipfile.ZipFile(io.BytesIO(submissions.latest_zip(rt, link)))
    rows = {r["user"].sub: r["user"].student_key for r in submissions.class_list(rt, link)}
    name = f"{ASSIGNMENT}.ipynb"
    assert sorted(archive.namelist()) == sorted([f"{rows['a']}/{name}", f"{rows['c']}/{name}"])
    assert "answer = 2" in archive.read(f"{rows['a']}/{name}").decode()


@pytest.mark.parametrize(
    "kind, target",
    [("page", "modules/h02_redox_cells/index"), ("assignment", "e99_gone_from_the_catalog")],
)
def test_a_link_without_an_assignment_notebook_has_no_zip_but_a_refusal(course, kind, target):
    from denchi.lms.sessions import PageError

    rt, link, users = course
    hand_in(rt, link, users["a"], "answer = 1")
    link.kind, link.target = kind, target  # not stored: the service reads the link it is given
    with pytest.raises(PageError) as refused:
        submissions.latest_zip(rt, link)
    assert refused.value.status == 404 and refused.value.code == "notebook"
    assert "提出するノートブックがありません" in refused.value.ja
    assert "no notebook to hand in" in refused.value.en
