"""A class of 40 launching and submitting at once while the LMS's score endpoint is down:
every submission is stored and graded, scores wait in the outbox, and once the LMS is back
each learner's grade arrives exactly once."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from lms.harness import (
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

from denchi.lms import models
from denchi.lms.outbox import OutboxPolicy

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lms")]
CLASS = [Person(f"u-{n:03d}", f"生徒 {n:02d}") for n in range(40)]


def test_forty_learners_at_once_with_the_lms_down(tmp_path):
    platform = Platform()
    platform.start()
    # scores are retried (every second at most) while the class is still being graded, for as
    # long as grading takes on a loaded machine: they must not give up before the LMS is back
    tool = start_tool(
        tmp_path, make_courseware(tmp_path / "courseware"), outbox_max_attempts=100_000
    )
    try:
        register_manually(tool, platform)
        course = platform.course("class40", *CLASS)
        place_assignment(platform, tool, course, "rl-40", "99")
        release = tool.rt.grader.release_notebook("z01_dummy", "z01_dummy.ipynb")
        platform.score_down = True

        def learner(n: int) -> int:
            person = CLASS[n]
            browser = Browser()
            page = browser.launch(
                tool, platform, platform.launch_hint(person, course, "rl-40"), person.sub
            )
            url = page.text.split('/submit"')[0].rsplit('action="', 1)[1] + "/submit"
            answer = "42" if n % 2 == 0 else "0"  # half right, half wrong on question 1
            response = browser.http.post(
                url,
                data={"csrf": csrf_of(page.text)},
                files={"notebook": ("a.ipynb", answered(release, answer=answer), "text/plain")},
            )
            browser.close()
            return response.status_code

        with ThreadPoolExecutor(max_workers=40) as pool:
            statuses = list(pool.map(learner, range(40)))
        assert statuses == [303] * 40

        def graded() -> list[models.Submission]:
            with tool.rt.db.session() as s:
                return s.scalars(select(models.Submission)).all()

        wait_for(lambda: all(sub.status == "graded" for sub in graded()), 900, "grading")
        subs = graded()
        assert len(subs) == 40 and len({sub.user_id for sub in subs}) == 40
        scores = Counter(sub.score for sub in subs)
        assert scores == {3.0: 20, 1.0: 20}
        # the LMS was down: nothing arrived, every grade waits in the outbox and was retried
        assert platform.scores == []
        with tool.rt.db.session() as s:
            waiting = s.scalars(
                select(models.ScoreOutbox).where(models.ScoreOutbox.status == "pending")
            ).all()
            assert len(waiting) == 40
            assert all(row.payload["gradingProgress"] == "FullyGraded" for row in waiting)

        def most_attempts() -> int:
            # a fresh session each time: a long-lived one would keep reading its old snapshot
            with tool.rt.db.session() as s:
                return max(r.attempts for r in s.scalars(select(models.ScoreOutbox)))

        wait_for(lambda: most_attempts() >= 2, 60, "retries")
        platform.score_down = False
        wait_for(lambda: len(platform.scores) >= 40, 120, "delivery after recovery")
        time.sleep(2)  # nothing more may arrive: each learner's grade exactly once
        by_user = Counter(s["userId"] for s in platform.scores)
        assert set(by_user.values()) == {1} and len(by_user) == 40
        assert {s["gradingProgress"] for s in platform.scores} == {"FullyGraded"}
        expected = {p.sub: (3 if n % 2 == 0 else 1) for n, p in enumerate(CLASS)}
        assert {s["userId"]: s["scoreGiven"] for s in platform.scores} == expected
    finally:
        tool.stop()
        platform.stop()


def test_back_off_grows_exponentially_up_to_a_cap():
    policy = OutboxPolicy(max_attempts=10, base_delay_s=30, max_delay_s=600)
    delays = [policy.delay(n).total_seconds() for n in range(1, 8)]
    for got, expected in zip(delays, [30, 60, 120, 240, 480, 600, 600], strict=True):
        assert 0.8 * expected <= got <= 1.2 * expected
