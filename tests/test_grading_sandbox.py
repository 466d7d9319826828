"""The kernel sandbox on its own: what a process started through the launcher can still do."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from denchi.grading import sandbox, seccomp

pytestmark = pytest.mark.slow  # PyBaMM solves, kernels or servers (not in --fast)

needs_landlock = pytest.mark.skipif(not sandbox.available(), reason="Linux Landlock unavailable")

PROBE = textwrap.dedent("""
    import json, os, resource, socket, sys
    secret, outside = sys.argv[1], sys.argv[2]
    def attempt(action):
        try:
            action()
            return "allowed"
        except (OSError, MemoryError, ValueError) as error:
            return type(error).__name__
    print(json.dumps({
        "read_secret": attempt(lambda: open(secret).read()),
        "list_course": attempt(lambda: os.listdir(os.path.dirname(secret))),
        "write_outside": attempt(lambda: open(outside, "w").write("x")),
        "write_scratch": attempt(lambda: open("mine.txt", "w").write("x")),
        "signal_parent": attempt(lambda: os.kill(os.getppid(), 0)),
        "connect": attempt(lambda: socket.create_connection(("127.0.0.1", 9), timeout=1)),
        "unix_socket": attempt(lambda: socket.socket(socket.AF_UNIX).connect(sys.argv[3])),
        "udp": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
        "socketpair": attempt(socket.socketpair),
        "allocate": attempt(lambda: bytearray(400 * 2**20)),
        "raise_limit": attempt(lambda: resource.setrlimit(
            resource.RLIMIT_DATA, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))),
        "import_denchi": attempt(lambda: __import__("denchi.grading.checks")),
        "environment": sorted(os.environ),
    }))
""")


@pytest.fixture
def probe(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    secret = course / "gradebook.db"
    secret.write_text("hidden tests and grades")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    on = sandbox.available()
    prefix = sandbox.launcher_args(scratch, [course], memory_mb=200, cpu_s=20, landlock_on=on)
    daemon = socket.socket(socket.AF_UNIX)  # a local service, like a container daemon's socket
    daemon.bind(str(tmp_path / "daemon.sock"))
    daemon.listen(1)
    outside = str(tmp_path / "outside.txt")
    cmd = [
        *prefix,
        sys.executable,
        "-c",
        PROBE,
        str(secret),
        outside,
        str(tmp_path / "daemon.sock"),
    ]
    env = sandbox.kernel_env(scratch)
    done = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, text=True, timeout=60)
    daemon.close()
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), tmp_path


@needs_landlock
def test_the_sandbox_keeps_the_course_and_the_grader_out_of_reach(probe):
    seen, tmp_path = probe
    assert seen["read_secret"] == seen["list_course"] == "PermissionError"
    assert seen["write_outside"] == "PermissionError" and not (tmp_path / "outside.txt").exists()
    assert seen["write_scratch"] == "allowed" and seen["import_denchi"] == "allowed"
    assert seen["signal_parent"] == "PermissionError"
    assert seen["connect"] == "PermissionError"


def test_the_sandbox_limits_memory_for_good(probe):
    seen, _ = probe
    assert seen["allocate"] == "MemoryError"
    assert seen["raise_limit"] in ("ValueError", "PermissionError")


def test_the_kernel_gets_a_clean_environment(probe):
    seen, _ = probe
    assert "HOME" in seen["environment"] and "PYBAMM_DISABLE_TELEMETRY" in seen["environment"]
    assert not {"DENCHI_ROOT", "PYTEST_CURRENT_TEST"} & set(seen["environment"])


def test_nothing_in_or_around_the_course_is_readable(tmp_path, monkeypatch):
    course = tmp_path / "school" / "course"
    inside = course / "source"
    inside.mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(inside), str(tmp_path / "school")])
    allowed = sandbox.read_only_paths([course])
    assert not [p for p in allowed if p in (inside, course, tmp_path / "school")]
    assert Path(sys.prefix).resolve() in allowed


@pytest.mark.skipif(not seccomp.supported(), reason="seccomp filter: Linux x86-64/arm64 only")
def test_only_tcp_sockets_can_be_opened(probe):
    seen, _ = probe
    assert seen["unix_socket"] == seen["udp"] == "PermissionError"
    assert seen["socketpair"] == "allowed"  # asyncio and ZeroMQ need it


@pytest.mark.skipif(os.geteuid() != 0, reason="capabilities matter only for root")
def test_root_keeps_no_capabilities(tmp_path):
    prefix = sandbox.launcher_args(tmp_path, [], memory_mb=200, cpu_s=10, landlock_on=False)
    code = "print(open('/proc/self/status').read().split('CapEff:')[1].split()[0])"
    done = subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True)
    assert int(done.stdout, 16) == 0
