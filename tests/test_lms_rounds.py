"""One submission that cannot be graded never stalls its round: every submission ends graded
or failed with a reason, the LMS receives a score or ``gradingProgress: Failed``, and the
teacher's page shows the failed work with its reason and a re-grade button."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from lms.harness import (
    DUMMY,
    Browser,
    answered,
    csrf_of,
    make_courseware,
    place_assignment,
    register_manually,
    start_tool,
    wait_for,
)
from lms.platform import Person, Platform
from sqlalchemy import select

from denchi.lms import jobs, models

# a served tool and platform, and real grading in kernels
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lms")]
TEACHER = Person("t-501", "東 先生", "Instructor")
GOOD, POISON = Person("u-501", "良井 一"), Person("u-502", "毒島 二")
MARK = "BREAKS_THE_WHOLE_BATCH"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lms-rounds")
    platform = Platform()
    platform.start()
    tool = start_tool(folder, make_courseware(folder / "courseware"), max_output_bytes=50_000)
    tool.rt.queue.stop()  # the test runs the rounds itself, so both land in one batch
    register_manually(tool, platform)
    course = platform.course("r1", TEACHER, GOOD, POISON)
    place_assignment(platform, tool, course, "rl-r1", "7")
    real = tool.rt.grader.grade

    def grade(assignment, notebooks, on_result=None, labels=None):
        """The real grader, except that a batch holding the marked notebook breaks (as a
        notebook that crashes nbgrader itself would)."""
        if any(MARK in text for files in notebooks.values() for text in files.values()):
            raise RuntimeError(f"nbgrader crashed in {tool.rt.config.data_dir}")
        return real(assignment, notebooks, on_result, labels)

    tool.rt.grader.grade = grade
    yield platform, tool, course
    tool.stop()
    platform.stop()


def submit(platform, tool, course, person, data) -> Browser:
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(person, course, "rl-r1"), "x")
    link_path = re.search(r'action="[^"]*(/r/\d+)/submit"', page.text).group(1)
    response = browser.http.post(
        f"{tool.url}{link_path}/submit",
        data={"csrf": csrf_of(page.text)},
        files={"notebook": ("a.ipynb", data, "application/octet-stream")},
    )
    assert response.status_code == 303, response.text
    return browser


def by_person(tool) -> dict[str, models.Submission]:
    with tool.rt.db.session() as s:
        rows = s.scalars(select(models.Submission)).all()
        return {row.user.sub: row for row in rows}


def test_one_ungradable_submission_does_not_stall_its_classmates(world):
    platform, tool, course = world
    release = tool.rt.grader.release_notebook(DUMMY, f"{DUMMY}.ipynb")
    submit(platform, tool, course, GOOD, answered(release))
    poison = submit(platform, tool, course, POISON, answered(release, word=f'"{MARK}"'))
    assert jobs.grade_pending(tool.rt) == 2
    rows = by_person(tool)
    assert (rows[GOOD.sub].status, rows[GOOD.sub].score) == ("graded", 3)
    assert rows[POISON.sub].status == "failed"
    assert "RuntimeError" in rows[POISON.sub].error and "先生に相談" in rows[POISON.sub].error
    assert str(tool.rt.config.data_dir) not in rows[POISON.sub].error  # no server path
    jobs.deliver_scores(tool.rt)
    last = {s["userId"]: s for s in platform.scores_for("r1")}
    assert last[GOOD.sub]["gradingProgress"] == "FullyGraded" and last[GOOD.sub]["scoreGiven"] == 3
    assert last[POISON.sub]["gradingProgress"] == "Failed" and "scoreGiven" not in last[POISON.sub]
    # the learner reads the reason; the teacher sees it with a re-grade button for that work
    page = poison.http.get(f"{tool.url}/r/{rows[POISON.sub].resource_link_id}").text
    assert "採点できず" in page and "RuntimeError" in page
    teacher = Browser()
    view = teacher.launch(tool, platform, platform.launch_hint(TEACHER, course, "rl-r1"), "t")
    assert "採点できず" in view.text and "RuntimeError" in view.text
    assert f'name="submission" value="{rows[POISON.sub].id}"' in view.text


def test_a_submission_abandoned_too_often_fails_with_its_reason(world):
    platform, tool, course = world
    release = tool.rt.grader.release_notebook(DUMMY, f"{DUMMY}.ipynb")
    submit(platform, tool, course, GOOD, answered(release))
    with tool.rt.db.session() as s:  # as if three workers died while grading it
        sub = s.scalars(select(models.Submission).where(models.Submission.status == "queued")).one()
        sub.status, sub.attempts = "grading", jobs.MAX_GRADING_ATTEMPTS
        sub.claimed_until = models.utcnow() - timedelta(seconds=1)
        sub_id = sub.id
    jobs.grade_pending(tool.rt)
    with tool.rt.db.session() as s:
        sub = s.get(models.Submission, sub_id)
        assert sub.status == "failed" and "3 回とも終わりませんでした" in sub.error
    jobs.deliver_scores(tool.rt)
    wait_for(
        lambda: platform.scores_for("r1")[-1]["gradingProgress"] == "Failed",
        10,
        "the Failed score at the platform",
    )


def test_big_outputs_are_cleared_and_too_many_cells_refused_at_upload(world):
    """Issue 11 item 4: the learner keeps a submission with big outputs (cleared, and told
    so); a notebook of hundreds of empty cells is refused with the limit, nothing stored."""
    import nbformat

    platform, tool, course = world
    release = tool.rt.grader.release_notebook(DUMMY, f"{DUMMY}.ipynb")
    nb = nbformat.reads(answered(release).decode(), as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 80_000)]
    browser = Browser()
    page = browser.launch(tool, platform, platform.launch_hint(GOOD, course, "rl-r1"), "x")
    link_path = re.search(r'action="[^"]*(/r/\d+)/submit"', page.text).group(1)

    def send(notebook):
        return browser.http.post(
            f"{tool.url}{link_path}/submit",
            data={"csrf": csrf_of(page.text)},
            files={"notebook": ("a.ipynb", nbformat.writes(notebook), "text/plain")},
        )

    def stored_notebooks() -> list[str]:
        with tool.rt.db.session() as s:
            rows = s.scalars(select(models.Submission).order_by(models.Submission.created_at))
            return [row.notebook for row in rows]

    before = stored_notebooks()
    stored = browser.follow(send(nb))
    assert stored.status_code == 200 and "出力を消して保存しました" in stored.text
    assert "outputs were over 0.05 MB" in stored.text
    after = stored_notebooks()
    assert len(after) == len(before) + 1
    kept = nbformat.reads(after[-1], as_version=4).cells[1]
    assert kept.outputs == [] and kept.source == "answer = 42"

    nb.cells[1].outputs = []  # well within max_upload_bytes: the cells alone are refused
    nb.cells += [nbformat.v4.new_code_cell("") for _ in range(300)]
    refused = send(nb)
    assert refused.status_code == 413
    assert "セルの数が多すぎます" in refused.text and "too many cells" in refused.text
    assert stored_notebooks() == after
