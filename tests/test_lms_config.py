"""The operator's side: the configuration checked by pydantic with bilingual errors naming the
key and what it accepts, and ``denchi lms serve --host/--port/--config``."""

from __future__ import annotations

from pathlib import Path

import pytest

from denchi.cli import main
from denchi.lms.config import ConfigError, load_config, make_config


@pytest.mark.parametrize(
    "key, value, ja, en",
    [
        ("base_url", 5, "http:// か https:// で始まる URL", "an http:// or https:// URL"),
        ("base_url", "moodle.example", "http:// か https:// で始まる URL", "http:// or https://"),
        ("port", 70000, "整数（1 以上・65535 以下）", "an integer at least 1 and at most 65535"),
        ("port", "8765", "整数（1 以上・65535 以下）", "an integer at least 1"),
        ("worker_threads", 1.5, "整数（1 以上・64 以下）", "an integer at least 1 and at most 64"),
        ("outbox_base_delay_s", 0, "数（0 より大きい）", "a number above 0"),
        ("queue", "celery", '"embedded" か "procrastinate"', '"embedded" or "procrastinate"'),
        ("worker_thread", 2, "という項目はありません", "there is no setting worker_thread"),
    ],
)
def test_a_wrong_setting_is_named_with_what_it_accepts(tmp_path, key, value, ja, en):
    with pytest.raises(ConfigError) as caught:
        make_config(tmp_path / "denchi-lms.toml", **{key: value})
    message = str(caught.value)
    japanese, english = message.split("\n")
    assert key in japanese and ja in japanese
    assert key in english and en in english


def test_a_good_file_loads_with_paths_beside_it(tmp_path):
    (tmp_path / "denchi-lms.toml").write_text("port = 9000\noutbox_base_delay_s = 5\n")
    config = load_config(tmp_path / "denchi-lms.toml")
    assert config.port == 9000 and config.outbox_base_delay_s == 5.0
    assert config.data_dir == tmp_path / "lms-data"
    assert config.sqlite_path == tmp_path / "lms-data" / "lms.db"


@pytest.fixture
def served(tmp_path, monkeypatch):
    """`denchi lms ...` with uvicorn.run recorded instead of serving."""
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "site" / "tool.toml"
    config.parent.mkdir()
    config.write_text('base_url = "http://localhost:8765"\nport = 8765\n', encoding="utf-8")
    return calls, config


def test_serve_takes_host_port_and_config_after_the_command(served):
    calls, config = served
    argv = ["lms", "serve", "--config", str(config), "--host", "0.0.0.0", "--port", "9100"]
    assert main(argv) == 0
    assert (calls[-1]["host"], calls[-1]["port"]) == ("0.0.0.0", 9100)
    assert (config.parent / "lms-data").is_dir()  # the data beside the named file
    assert main(["lms", "--config", str(config), "serve"]) == 0  # before the command too
    assert (calls[-1]["host"], calls[-1]["port"]) == ("127.0.0.1", 8765)


def test_a_wrong_port_on_the_command_line_is_a_bilingual_error(served, capsys):
    calls, config = served
    assert main(["lms", "serve", "--config", str(config), "--port", "70000"]) == 2
    err = capsys.readouterr().err
    assert "port = 70000" in err and "65535" in err and "は使えません" in err
    assert calls == []


def test_a_wrong_value_in_the_file_stops_serve_with_the_message(served, capsys):
    calls, config = served
    config.write_text("worker_threads = 1.5\n", encoding="utf-8")
    assert main(["lms", "serve", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "worker_threads = 1.5" in err and "Traceback" not in err
    assert calls == []
    assert not Path(config.parent / "lms-data").exists()  # nothing made before the check


def test_the_teacher_edition_folder_is_read_beside_the_file_and_optional(tmp_path):
    """``teacher_book_dir`` is relative to the file; empty (as ``denchi lms init`` writes it)
    means the courseware checkout's ``_build/teacher/html``."""
    from denchi.lms.config import write_default_config

    written = write_default_config(tmp_path / "denchi-lms.toml")
    assert load_config(written).teacher_book_dir is None
    (tmp_path / "other.toml").write_text('teacher_book_dir = "books/teacher"\n', encoding="utf-8")
    assert load_config(tmp_path / "other.toml").teacher_book_dir == tmp_path / "books/teacher"


@pytest.mark.parametrize("command", ["info", "serve"])
@pytest.mark.parametrize(
    "courseware, named",
    [
        ("no-such-folder", "courseware_dir"),  # no catalog there
        ("broken", "courseware_dir"),  # a catalog that is not YAML
        ("invalid", "courseware_dir"),  # a catalog that does not check
    ],
)
def test_a_wrong_courseware_folder_stops_the_tool_with_the_setting_named(
    served, capsys, command, courseware, named
):
    calls, config = served
    (config.parent / "broken" / "book").mkdir(parents=True)
    (config.parent / "broken" / "book" / "curriculum.yml").write_text("tracks: [\n")
    (config.parent / "invalid" / "book").mkdir(parents=True)
    (config.parent / "invalid" / "book" / "curriculum.yml").write_text("tracks: []\n")
    config.write_text(f'courseware_dir = "{courseware}"\n', encoding="utf-8")
    assert main(["lms", command, "--config", str(config)]) == 2
    err = capsys.readouterr().err
    japanese, english = err.strip().split("\n")[-2:]
    assert named in japanese and named in english and "Traceback" not in err
    assert str(config.parent / courseware) in english
    assert calls == []
    config.write_text("", encoding="utf-8")  # the same tool with the checkout found starts
    assert main(["lms", command, "--config", str(config)]) == 0


def test_a_grading_folder_that_leads_out_of_the_data_folder_stops_the_tool(served, capsys):
    calls, config = served
    data = config.parent / "lms-data"
    data.mkdir(mode=0o700)
    (config.parent / "elsewhere").mkdir()
    (data / "grading").symlink_to(config.parent / "elsewhere")
    assert main(["lms", "serve", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "data_dir" in err and "grading" in err and "Traceback" not in err
    assert calls == []
    (data / "grading").unlink()
    assert main(["lms", "serve", "--config", str(config)]) == 0


def test_a_data_folder_that_is_a_file_stops_the_tool_with_the_setting_named(served, capsys):
    calls, config = served
    (config.parent / "lms-data").write_text("not a folder")
    assert main(["lms", "info", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "data_dir" in err and "Traceback" not in err
