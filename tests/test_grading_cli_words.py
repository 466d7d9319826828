"""What `denchi grade autograde` and `denchi grade status` print names every status in Japanese
first, with the English term in brackets (issue 14: the teachers are Japanese chemistry
teachers), and takes the words from one mapping.

No kernel runs here: the pipeline's results are stand-ins, so these are fast unit tests."""

from __future__ import annotations

import re
import typing

import pytest

from denchi.cli import main
from denchi.grading import labels, pipeline
from denchi.grading.late import Lateness
from denchi.grading.outcome import Flag
from denchi.grading.pipeline import SubmissionResult

ASSIGNMENT = "tiny"
ENGLISH_TERMS = ("graded", "flagged", "failed", "skipped", "late", "penalty", "student", "score")
# an English term in brackets right after a Japanese word: 「採点済み (graded)」
GLOSSED = re.compile(r"[^\x00-\x7f]+ \([a-z0-9 .]+\)")
BARE_ENGLISH = re.compile(rf"\b({'|'.join(ENGLISH_TERMS)})\b", re.I)


def _results(*, skipped: bool = False) -> list[SubmissionResult]:
    last, late = ("skipped" if skipped else "graded"), 26 * 3600  # s4 came in 26 h late
    flag = Flag("time_limit", "tiny.ipynb", "q1_test", cells=("q1_test",), detail="60")
    return [
        SubmissionResult("s1", ASSIGNMENT, "graded", 3.0, 3.0, seconds=1.0),
        SubmissionResult("s2", ASSIGNMENT, "flagged", 0.0, 3.0, flags=(flag,), seconds=2.0),
        SubmissionResult("s3", ASSIGNMENT, "failed", 0.0, 3.0),
        SubmissionResult("s4", ASSIGNMENT, last, 2.5, 3.0, Lateness(3.0, 0.5, late)),
    ]


@pytest.fixture
def fake_pipeline(monkeypatch):
    """`grade` and `results` answer with the stand-ins (and report each, as grade does)."""

    def grade(course, assignment, *, students, on_result=None, **_):
        done = {r.student: r for r in _results(skipped=True)}
        for student in students:
            if on_result:
                on_result(done[student])
        return done

    monkeypatch.setattr(pipeline, "grade", grade)
    monkeypatch.setattr(pipeline, "results", lambda course, a: {r.student: r for r in _results()})


def _bare_english(output: str) -> list[str]:
    """Lines with an English status word or header that is not a gloss of a Japanese word."""
    return [line for line in output.splitlines() if BARE_ENGLISH.search(GLOSSED.sub("", line))]


def test_every_status_of_the_pipeline_has_japanese_words():
    for status in typing.get_args(pipeline.Status):
        ja, en = labels.STATUS_WORDS[status]
        assert en == status and re.search(r"[^\x00-\x7f]", ja), status
        assert labels.status_label(status) == f"{ja} ({status})"


def test_the_bare_english_check_catches_the_old_output():
    old = [
        "s1                         3.00 / 3  graded",
        "s4                         2.50 / 3  graded  遅れ 26:00 / late（減点 / penalty 0.5）",
        "1 graded, 1 flagged, 1 failed, 0 skipped as already graded (--force regrades).",
    ]
    assert _bare_english("\n".join(old)) == old
    assert not _bare_english("s1   3.00 / 3  採点済み (graded)  遅れ (late) 26:00")


def test_status_names_each_status_in_japanese_with_the_english_term(fake_pipeline, capsys):
    args = ["grade", "status", ASSIGNMENT, "--course", "."]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert not _bare_english(out), out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert lines["s1"].rstrip().endswith("採点済み (graded)")
    assert "要確認 (flagged)" in lines["s2"] and "採点できず (failed)" in lines["s3"]
    assert "提出遅れ 26 時間 (late by 26 h): −0.5 点" in lines["s4"]
    header = out.splitlines()[0]
    for word in ("学生 (student)", "点数 (score)", "状態 (status)"):
        assert word in header, header
    assert "採点済み (graded) 2 件" in out and "要確認 (flagged) 1 件" in out


def test_autograde_progress_and_summary_use_the_same_words(fake_pipeline, capsys):
    args = ["grade", "autograde", ASSIGNMENT, "--course", "."]
    args += [f"--student=s{n}" for n in range(1, 5)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert not _bare_english(out), out
    for status in ("graded", "flagged", "failed", "skipped"):
        assert labels.status_label(status) in out, status
    assert f"{labels.status_label('skipped')} 1 件" in out


def test_the_grading_page_names_the_statuses_as_the_cli_prints_them(root):
    """book/teaching/01_grading explains each status under the words the teacher sees."""
    page = (root / "book" / "teaching" / "01_grading.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([^|]+?) \|", page, re.M)
    for status in typing.get_args(pipeline.Status):
        assert labels.status_label(status) in rows, status
        assert f"`{status}`" not in page, status  # no bare English status word


def test_the_lms_pages_take_their_status_words_from_the_same_mapping():
    from denchi.lms import pages

    assert not hasattr(pages, "STATUS_JA")  # no second copy of the words
    for status in ("queued", "grading", "graded", "failed", "superseded"):  # denchi.lms.jobs
        assert labels.status_ja(status) == labels.STATUS_WORDS[status][0]
        assert re.search(r"[^\x00-\x7f]", labels.status_ja(status)), status


@pytest.mark.parametrize("args", [[], ["h04_lithium_ion", "--all"]], ids=["neither", "both"])
def test_generate_asks_for_an_assignment_or_all_in_both_languages(args, tmp_path, capsys):
    """`denchi grade generate` takes an assignment id or --all: neither or both is refused in
    Japanese and English, before nbgrader runs (exit 2, nothing generated)."""
    assert main(["grade", "generate", *args, "--course", str(tmp_path)]) == 2
    said = capsys.readouterr()
    out = said.out + said.err
    assert "--all" in out and "課題の名前" in out and "assignment id" in out, out
    assert not (tmp_path / "release").exists()
