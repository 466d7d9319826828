"""The fork server of grading kernels (denchi.grading.forkserver), as plain parts: what a forked
kernel holds, how it is protected, how it ends.

Each test forks small "kernels" that run a probe module written into their scratch folder (the
server runs ``python -m <module>`` in the forked copy, as it runs ``ipykernel_launcher``). The
grading path through real kernels is tested by tests/test_grading_hostile.py, which grades every
hostile submission in forked kernels.
"""

from __future__ import annotations

import json
import signal
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from denchi.grading import forkserver, sandbox
from denchi.grading.forkserver import ForkServer, ForkServerError

pytestmark = pytest.mark.slow  # starts processes (not in --fast)

LIGHT = ("json",)  # a small preload: these tests are about the server, not PyBaMM

# Reads this process's whole readable memory and lists every student id and scratch folder
# name in it. It is told no needle: a needle it was given would be in its memory.
MEMORY_PROBE = textwrap.dedent("""
    import json, re

    def readable_memory():
        with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", 0) as mem:
            for line in maps:
                span, perms = line.split()[:2]
                if not perms.startswith("r"):
                    continue
                start, end = (int(x, 16) for x in span.split("-"))
                try:
                    mem.seek(start)
                    yield mem.read(end - start)
                except (OSError, ValueError, OverflowError):
                    continue

    pattern = re.compile(rb"(?:student|scratch)-[0-9a-f]{32}")
    found = set()
    for chunk in readable_memory():
        found.update(m.decode() for m in pattern.findall(chunk))
    with open("probe.json", "w") as out:
        json.dump(sorted(found), out)
""")


@pytest.fixture
def server():
    running = ForkServer(LIGHT)
    yield running
    running.close()


def _spawn(server: ForkServer, folder: Path, probe: str, env: dict[str, str], argv=()):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "denchi_probe.py").write_text(probe)
    command = [sys.executable, "-m", "denchi_probe"]
    limits = ["--memory-mb", "500", "--cpu-s", "30", *argv, "--"]
    return server.spawn([*limits, *command], env={"PATH": "/usr/bin", **env}, cwd=str(folder))


def test_a_kernel_holds_nothing_of_an_earlier_kernels_request(server, tmp_path):
    """The server forks before it reads a request, so a later kernel (another student's)
    cannot find an earlier one's student id or scratch folder anywhere in its memory."""
    earlier = {"id": f"student-{uuid.uuid4().hex}", "folder": f"scratch-{uuid.uuid4().hex}"}
    own = {"id": f"student-{uuid.uuid4().hex}", "folder": f"scratch-{uuid.uuid4().hex}"}
    # the earlier request holds its id in strings of several lengths, which a server that
    # read requests itself would keep in freed memory the later request does not overwrite
    env = {"ID": earlier["id"], **{f"NOTE{n}": f"{earlier['id']} " * n for n in (2, 5, 13)}}
    first = _spawn(server, tmp_path / earlier["folder"], "pass\n", env)
    assert first.wait(timeout=60) == 0
    second = _spawn(server, tmp_path / own["folder"], MEMORY_PROBE, {"ID": own["id"]})
    assert second.wait(timeout=120) == 0
    found = json.loads((tmp_path / own["folder"] / "probe.json").read_text())
    assert {own["id"], own["folder"]} <= set(found), "the probe must find its own request"
    assert earlier["id"] not in found
    assert earlier["folder"] not in found


def test_exit_codes_are_reported_as_popen_reports_them(server, tmp_path):
    exits = _spawn(server, tmp_path / "exit", "raise SystemExit(3)\n", {})
    assert exits.wait(timeout=60) == 3
    sleeps = _spawn(server, tmp_path / "sleep", "import time\ntime.sleep(60)\n", {})
    assert sleeps.poll() is None
    sleeps.kill()
    assert sleeps.wait(timeout=30) == -signal.SIGKILL
    sleeps.kill()  # an ended kernel is not signalled again (its pid may be reused)


def test_a_forked_kernel_gets_the_limits_and_environment_it_was_given(server, tmp_path):
    probe = textwrap.dedent("""
        import json, os, resource
        json.dump({
            "cpu": resource.getrlimit(resource.RLIMIT_CPU)[0],
            "env": sorted(os.environ),
            "cwd": os.getcwd(),
            "sid": os.getsid(0) == os.getpid(),
        }, open("probe.json", "w"))
    """)
    kernel = _spawn(server, tmp_path / "k", probe, {"ONLY_THIS": "1"})
    assert kernel.wait(timeout=60) == 0
    seen = json.loads((tmp_path / "k" / "probe.json").read_text())
    assert seen["cpu"] == 30
    assert seen["env"] == ["ONLY_THIS", "PATH"]  # nothing of the server's environment
    assert seen["cwd"] == str(tmp_path / "k")
    assert seen["sid"]  # its own session: signals to the grader's group do not reach it


@pytest.mark.skipif(not sandbox.available(), reason="Linux Landlock unavailable")
def test_a_forked_kernel_cannot_read_outside_its_scratch_folder(server, tmp_path):
    private = tmp_path / "course"
    private.mkdir()
    (private / "gradebook.db").write_text("secret")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    probe = textwrap.dedent(f"""
        import json
        try:
            open({str(private / "gradebook.db")!r}).read()
            result = "read"
        except PermissionError:
            result = "refused"
        json.dump(result, open("probe.json", "w"))
    """)
    launcher = sandbox.launcher_args(scratch, [private], memory_mb=500, cpu_s=30, landlock_on=True)
    paths = launcher[len(sandbox.LAUNCHER) : -1]  # the --read/--write options, as execute passes
    paths = [a for a in paths if a not in ("--memory-mb", "500", "--cpu-s", "31")]
    kernel = _spawn(server, scratch, probe, {}, argv=paths)
    assert kernel.wait(timeout=60) == 0
    assert json.loads((scratch / "probe.json").read_text()) == "refused"


def test_a_server_that_cannot_import_its_preload_is_refused():
    with pytest.raises(ForkServerError):
        ForkServer(("denchi_no_such_module_anywhere",))


def test_the_shared_server_is_restarted_after_it_ended(monkeypatch):
    monkeypatch.setattr(forkserver, "_servers", {})
    monkeypatch.setattr(forkserver, "_failures", {})
    first = forkserver.shared(LIGHT)
    assert first is not None and first.alive
    assert forkserver.server_pids() == {first.pid}
    first.close()
    second = forkserver.shared(LIGHT)
    assert second is not None and second.alive and second.pid != first.pid
    second.close()


def test_kernels_of_one_server_draw_different_random_numbers(tmp_path):
    """Each copy seeds Python's and NumPy's global generators anew, as a new interpreter does
    (copies of a server that imported them would otherwise all draw the same numbers)."""
    probe = textwrap.dedent("""
        import json, random, numpy
        json.dump([random.random(), numpy.random.random()], open("probe.json", "w"))
    """)
    running = ForkServer(("random", "numpy.random"))
    try:
        drawn = []
        for name in ("a", "b"):
            kernel = _spawn(running, tmp_path / name, probe, {})
            assert kernel.wait(timeout=60) == 0
            drawn.append(json.loads((tmp_path / name / "probe.json").read_text()))
    finally:
        running.close()
    assert drawn[0][0] != drawn[1][0]  # Python's
    assert drawn[0][1] != drawn[1][1]  # NumPy's


PLAIN_PROBE = textwrap.dedent("""
    import json, os, resource, sys
    json.dump({
        "cpu": resource.getrlimit(resource.RLIMIT_CPU)[0],
        "env": sorted(os.environ),
        "path0": sys.path[0],
        "argv": sys.argv[1:],
    }, open("probe.json", "w"))
""")


def test_an_unsandboxed_server_runs_the_command_as_given(tmp_path):
    """The book's server (denchi.page_kernels): a request's argv is the kernel command, run
    in the given folder and environment with no limit of the sandbox."""
    plain = ForkServer(LIGHT, sandboxed=False)
    try:
        (tmp_path / "denchi_probe.py").write_text(PLAIN_PROBE)
        command = [sys.executable, "-m", "denchi_probe", "-f", "k.json"]
        kernel = plain.spawn(command, env={"PATH": "/usr/bin"}, cwd=str(tmp_path))
        assert kernel.wait(timeout=60) == 0
    finally:
        plain.close()
    seen = json.loads((tmp_path / "probe.json").read_text())
    import resource

    assert seen["cpu"] == resource.getrlimit(resource.RLIMIT_CPU)[0]  # as this process's
    assert seen["env"] == ["PATH"]
    assert seen["path0"] == str(tmp_path)
    assert seen["argv"] == ["-f", "k.json"]


def test_a_sandboxed_server_runs_no_bare_command(server, tmp_path):
    """A grading server's copy reads its request as the launcher's arguments: a bare kernel
    command (what an unsandboxed server runs) ends the copy before anything of it runs."""
    (tmp_path / "denchi_probe.py").write_text(PLAIN_PROBE)
    command = [sys.executable, "-m", "denchi_probe"]
    kernel = server.spawn(command, env={"PATH": "/usr/bin"}, cwd=str(tmp_path))
    assert kernel.wait(timeout=60) != 0
    assert not (tmp_path / "probe.json").exists()


def test_a_server_whose_client_ends_without_closing_it_removes_its_folder():
    """A process pool's worker (the book's page execution) ends without exit handlers: its
    server reads the end of its input, ends, and leaves no folder behind."""
    running = ForkServer(LIGHT)
    home = running._home
    assert home.is_dir()
    running._proc.stdin.close()  # what the end of the client process does, without close()
    assert running._proc.wait(timeout=30) == 0
    assert not home.exists()


def test_the_server_imports_pybamm_through_denchis_door(tmp_path):
    """As every import of PyBaMM in denchi (denchi.telemetry.import_pybamm): telemetry off, and
    pybtex's plugins registered, so PyBaMM's import reads its 80-odd citations without scanning
    every installed package once per citation (0.9 s of each server's start)."""
    probe = textwrap.dedent("""
        import json, pybamm, pybtex.plugin
        json.dump({
            "telemetry_off": pybamm.telemetry._posthog.disabled,
            "registered": sorted(pybtex.plugin._RUNTIME_PLUGINS),
        }, open("probe.json", "w"))
    """)
    running = ForkServer(("pybamm",))
    try:
        kernel = _spawn(running, tmp_path, probe, {})
        assert kernel.wait(timeout=60) == 0
    finally:
        running.close()
    seen = json.loads((tmp_path / "probe.json").read_text())
    assert seen["telemetry_off"]
    assert "pybtex.database.output" in seen["registered"]
