"""Untrusted work is not graded unprotected unless the teacher or operator asks: ``denchi
grade autograde`` and the LMS tool refuse where the sandbox has no Linux Landlock, say what
protection this system has, and grade once ``--allow-unsandboxed`` (or the LMS setting
``allow_unsandboxed_grading``) is given. No kernel starts in these tests: the refusal comes
before anything is read or written."""

from __future__ import annotations

import pytest

from denchi.cli import main
from denchi.grading import pipeline, sandbox
from denchi.grading.errors import GradingError


@pytest.fixture
def no_landlock(monkeypatch):
    monkeypatch.setattr(sandbox.landlock, "abi_version", lambda: 0)


def test_grading_without_landlock_is_refused_and_nothing_is_written(tmp_path, no_landlock):
    course = tmp_path / "course"
    course.mkdir()
    with pytest.raises(GradingError) as caught:
        pipeline.grade(course, "h02_redox_cells", {"s1": tmp_path / "s1.ipynb"})
    message = str(caught.value)
    assert "--allow-unsandboxed" in message and "Landlock" in message
    assert "隔離" in caught.value.message_ja and "sandbox" in caught.value.message_en
    assert list(course.iterdir()) == []


def test_asking_for_it_lets_grading_go_on(tmp_path, no_landlock):
    """With the option the sandbox check passes; the next check (no course here) answers."""
    with pytest.raises(GradingError) as caught:
        pipeline.grade(tmp_path / "missing", "h02_redox_cells", allow_unsandboxed=True)
    assert "--allow-unsandboxed" not in str(caught.value)


def test_with_landlock_nothing_is_asked(tmp_path):
    if sandbox.landlock.abi_version() < 1:
        pytest.skip("Linux Landlock unavailable")
    with pytest.raises(GradingError) as caught:
        pipeline.grade(tmp_path / "missing", "h02_redox_cells")
    assert "--allow-unsandboxed" not in str(caught.value)


def test_the_command_says_why_and_exits_plainly(tmp_path, no_landlock, capsys):
    code = main(
        ["grade", "autograde", "h02_redox_cells", "--course", str(tmp_path), "--student", "s1"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "--allow-unsandboxed" in err and "Traceback" not in err
    assert "採点を始めませんでした" in err and "Grading did not start" in err


@pytest.mark.parametrize(
    "platform, landlock_abi, ja, en",
    [
        ("linux", 4, "Landlock（ABI 4）で採点者のファイルと通信から切り離し", "ABI 4"),
        ("linux", 0, "ソケットの制限（seccomp）", "No Landlock on this Linux"),
        ("darwin", 0, "macOS", "no Landlock on macOS"),
        ("win32", 0, "時間の上限だけ", "only the time limit"),
    ],
)
def test_each_system_is_told_its_protection(monkeypatch, platform, landlock_abi, ja, en):
    monkeypatch.setattr(sandbox.sys, "platform", platform)
    monkeypatch.setattr(sandbox.landlock, "abi_version", lambda: landlock_abi)
    got_ja, got_en = sandbox.protection()
    assert ja in got_ja and en in got_en
    if landlock_abi == 0:
        assert "読み書きできます" in got_ja and "can read and write" in got_en


@pytest.fixture
def served(tmp_path, monkeypatch):
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    config = tmp_path / "tool.toml"
    config.write_text('base_url = "http://localhost:8765"\n', encoding="utf-8")
    return calls, config


def test_the_lms_tool_does_not_start_unprotected_unless_configured(served, no_landlock, capsys):
    calls, config = served
    assert main(["lms", "serve", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "allow_unsandboxed_grading = true" in err and "Traceback" not in err
    assert calls == []
    config.write_text(
        'base_url = "http://localhost:8765"\nallow_unsandboxed_grading = true\n', encoding="utf-8"
    )
    assert main(["lms", "serve", "--config", str(config)]) == 0
    assert len(calls) == 1
