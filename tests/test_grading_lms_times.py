"""Times an LMS download gives without a zone: Moodle's worksheet dates, the course's zone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from denchi.grading.errors import GradingError
from denchi.grading.lms_layouts import moodle_time
from denchi.grading.nbconfig import CONFIG_FILE, course_timezone

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年 04月 10日(金曜日) 16:00", datetime(2026, 4, 10, 16, 0)),  # Japanese pack
        ("2022年 08月 10日(水) 11:33", datetime(2022, 8, 10, 11, 33)),  # short weekday
        ("Friday, 10 April 2026, 4:00 PM", datetime(2026, 4, 10, 16, 0)),  # English pack
        ("Friday, 10 April 2026, 12:05 AM", datetime(2026, 4, 10, 0, 5)),
        ("Saturday, 1 November 2025, 12:30 PM", datetime(2025, 11, 1, 12, 30)),
    ],
)
def test_moodle_worksheet_times_are_read_in_the_given_zone(text, expected):
    got = moodle_time(text, TOKYO)
    assert got == expected.replace(tzinfo=TOKYO)
    assert got is not None and got.astimezone(timezone.utc) == (
        expected - timedelta(hours=9)
    ).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text", ["-", "", "提出なし", "2026年 13月 10日 16:00", "10 Foo 2026, 4:00"]
)
def test_what_is_not_a_moodle_time_is_no_time(text):
    assert moodle_time(text, TOKYO) is None


def test_the_course_time_zone_is_japan_unless_the_course_says_otherwise(tmp_path):
    assert course_timezone(tmp_path) == TOKYO  # no nbgrader_config.py: the default
    (tmp_path / CONFIG_FILE).write_text('c = get_config()\nc.DenchiCourse.timezone = "UTC"\n')
    assert course_timezone(tmp_path) == ZoneInfo("UTC")
    (tmp_path / CONFIG_FILE).write_text('c = get_config()\nc.DenchiCourse.timezone = "Tokyo"\n')
    with pytest.raises(GradingError) as refused:
        course_timezone(tmp_path)
    message = str(refused.value)
    assert "'Tokyo'" in message and "Asia/Tokyo" in message
    assert message.index("時間帯") < message.index("time zone")  # Japanese first
