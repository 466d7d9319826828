"""A fork server for kernels: Python and the course's imports loaded once, each kernel a fresh
copy of that process.

Starting a kernel the ordinary way costs a new interpreter that imports PyBaMM, NumPy, SciPy,
CasADi, IPython and Matplotlib again: about 3 s of CPU per notebook, half of the grading of a
short assignment. The fork server (``python -m denchi.grading.forkserver``) imports them once;
then, for each kernel, it forks, and the copy applies the sandbox of
:mod:`denchi.grading.sandbox` to itself (:func:`denchi.grading.sandbox.protect`: limits,
Landlock, seccomp, exactly as the launcher does) and runs the kernel module in place of a new
interpreter. It is the technique of :mod:`multiprocessing`'s ``forkserver`` start method.

The book's build forks the kernels of its pages the same way, from a server of its own that
protects nothing (:data:`UNSANDBOXED`; the pages are the project's own code, run as a fresh
kernel runs them): :mod:`denchi.page_kernels`. A server's mode is fixed when it starts, so a
grading server never runs a kernel unprotected.

Each grading kernel still serves one student only. It starts from the server's state, which holds
imports and nothing of any submission: the server forks *before* the request is read, so the
scratch folder and student id of a request exist only in the one kernel they belong to.

Used on Linux only, and only when the server is single-threaded after its imports (forking a
threaded process is unsafe); otherwise, or when the server fails, kernels start the ordinary
way (:class:`denchi.grading.execute.SandboxedKernelManager`).

Protocol, over the server's stdin and stdout:

- client to server: ``fork <n>`` and a newline, then ``n`` bytes of JSON
  ``{"argv": [...], "env": {...}, "cwd": "..."}`` (``argv``: the launcher's arguments of
  :func:`denchi.grading.sandbox.launcher_args` after its ``python -m`` prefix; for an
  unsandboxed server, the kernel command itself);
- server to client, one JSON object per line: ``{"ready": [modules]}`` once,
  ``{"pid": p}`` after each fork (once the child has read its request), ``{"exit": p,
  "code": c}`` when a child ends (:class:`subprocess.Popen`'s convention: ``-N`` for signal N).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import pkgutil
import queue
import re
import runpy
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

# What every kernel imports to start, loaded once per server. Not ``matplotlib.pyplot``: its
# inline backend attaches itself to the kernel's shell when imported, so it must be imported in
# the kernel, after the shell exists.
KERNEL_START = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "matplotlib.figure",
    "matplotlib.font_manager",
)
# What the course's notebooks import (``denchi.labs`` loads its parts and PyBaMM lazily, so
# they are named here; a trailing ``.*`` takes a package with all its modules), then what every
# kernel imports to start.
PRELOAD = ("pybamm", "denchi.labs.*", "denchi.grading.checks", *KERNEL_START)
# A notebook that imports nothing of denchi but its checks, and not PyBaMM (h01, h03, h05-h09:
# questions on what was read and on numbers), gets a server without PyBaMM and the labs: it
# starts in about a third of the time and holds about 100 MB less.
LIGHT_PRELOAD = ("denchi.grading.checks", *KERNEL_START)
_NEEDS_LABS = re.compile(r"^\s*(?:from|import)\s+(?!denchi\.grading\b)(?:denchi|pybamm)\b", re.M)
# the backend ipykernel sets for its kernels (ipykernel.kernelapp.IPKernelApp.init_kernel);
# Matplotlib reads it at import, so the server must import under it
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
UNSANDBOXED = "--unsandboxed"  # the server's option for kernels that protect nothing
# the server's own folder, which it removes when it ends (its client may end without
# closing it: a process pool's worker runs no exit handlers)
HOME_ENV = "DENCHI_FORKSERVER_HOME"
START_TIMEOUT_S = 120.0
FORK_TIMEOUT_S = 30.0


class ForkServerError(RuntimeError):
    """The fork server is not running or did not fork (callers start the kernel ordinarily)."""


# --- the server process -----------------------------------------------------------------------


def _say(answer: dict) -> None:
    # one write of a short line on a pipe is atomic; a signal handler runs between bytecodes,
    # never inside this call
    os.write(1, (json.dumps(answer) + "\n").encode())


def _read_line(fd: int) -> bytes:
    line = bytearray()
    while not line.endswith(b"\n"):
        byte = os.read(fd, 1)  # byte by byte: the request after it is the child's to read
        if not byte:
            raise EOFError
        line += byte
    return bytes(line)


def _read_exact(fd: int, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


def _reap(signum: int, frame: object) -> None:
    with contextlib.suppress(ChildProcessError):
        while True:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            _say({"exit": pid, "code": os.waitstatus_to_exitcode(status)})


def _run_kernel(command: Sequence[str]) -> None:
    """Become the kernel: run ``python -m <module> args`` in this process (already loaded),
    or exec any other command."""
    same_python = Path(command[0]).resolve() == Path(sys.executable).resolve()
    if len(command) >= 3 and command[1] == "-m" and same_python:
        sys.argv = [command[0], *command[3:]]
        runpy.run_module(command[2], run_name="__main__", alter_sys=True)
    else:
        os.execv(command[0], list(command))


def _data_segment_mb() -> int:
    """This process's data segment (``VmData`` of /proc/self/status, what ``RLIMIT_DATA``
    limits; proc(5)) [MB, rounded up]."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmData:"):
            return -(-int(line.split()[1]) // 1024)
    return 0


def _child(size: int, ready: int, sandboxed: bool) -> None:
    """In the forked copy: read the request, tell the server, protect (when ``sandboxed``),
    run the kernel."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        request = json.loads(_read_exact(0, size))
        os.write(ready, b".")
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(2, 1)  # the kernel's own prints go to the grader's log, as a launched one's do
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # nothing of the server's pipes stays open
        os.setsid()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.path[0] = request["cwd"]  # as for ``python -m`` started in the scratch folder
        # a fresh interpreter seeds NumPy's global generator anew (Python's own ``random``
        # reseeds itself in a forked child)
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        command = request["argv"]
        if sandboxed:
            from denchi.grading import sandbox

            protection = sandbox.parse(command)
            # the limit is for what the notebook adds: the server's imports are already mapped
            inherited_mb = _data_segment_mb()
            sandbox.protect(replace(protection, memory_mb=protection.memory_mb + inherited_mb))
            command = list(protection.command)
        _run_kernel(command)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def serve(preload: Sequence[str], sandboxed: bool = True) -> None:
    """The server's loop (``python -m denchi.grading.forkserver [--unsandboxed] [module ...]``):
    import ``preload``, answer ``ready``, then fork one kernel per request until stdin closes.

    Args:
        preload: Modules to import before the first fork (``pybamm`` through
            :func:`denchi.telemetry.import_pybamm`: telemetry off, citations read cheaply).
        sandboxed: Each kernel protects itself with its request's launcher arguments; if
            ``False``, a request's ``argv`` is the kernel command, run unprotected.

    Raises:
        ImportError: if a module of ``preload`` cannot be imported (the client falls back).
    """
    for name in preload:
        if name == "pybamm":  # through denchi's door, as denchi's own imports of it go
            from denchi.telemetry import import_pybamm

            import_pybamm()
        module = importlib.import_module(name.removesuffix(".*"))
        if name.endswith(".*"):
            for info in pkgutil.walk_packages(module.__path__, f"{module.__name__}."):
                importlib.import_module(info.name)
    if threading.active_count() != 1:  # a thread's locks would be held for ever in the copy
        _say({"error": f"not single-threaded after imports: {threading.enumerate()}"})
        return
    signal.signal(signal.SIGCHLD, _reap)
    _say({"ready": list(preload)})
    while True:
        try:
            header = _read_line(0).split()
        except EOFError:
            return
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            _child(int(header[1]), ready_w, sandboxed)
        os.close(ready_w)
        read = os.read(ready_r, 1)
        os.close(ready_r)
        if not read:  # the child died before it took its request: the stream is out of step
            _say({"error": f"kernel {pid} ended before it read its request"})
            return
        _say({"pid": pid})


# --- the client, in the grading process ---------------------------------------------------------


class ForkedKernel:
    """A kernel forked by the server, with the part of :class:`subprocess.Popen` that
    jupyter_client's ``LocalProvisioner`` uses (``pid``, ``poll``, ``wait``, signals).

    Args:
        server: The server that forked it (it reports the exit code).
        pid: The kernel's process id.
        inherited_bytes: The server's resident set when it forked the kernel [bytes]: pages
            the kernel shares with the server and counts in its own resident set from the
            start (the memory limit is for what the notebook adds beyond them).
    """

    stdin: IO[bytes] | None = None
    stdout: IO[bytes] | None = None
    stderr: IO[bytes] | None = None

    def __init__(self, server: ForkServer, pid: int, inherited_bytes: int = 0) -> None:
        self.server = server
        self.pid = pid
        self.inherited_bytes = inherited_bytes
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code (``-N`` for signal N) once the kernel ended, else ``None``."""
        if self.returncode is None:
            self.returncode = self.server.exit_code(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the kernel ended; its exit code.

        Args:
            timeout: Seconds to wait at most; ``None`` waits for ever.

        Raises:
            subprocess.TimeoutExpired: if it is still running after ``timeout``.
        """
        code = self.server.wait_exit(self.pid, timeout)
        if code is None:
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0.0)
        self.returncode = code
        return code

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the kernel, unless it has ended.

        Args:
            signum: The signal number.
        """
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        """Send SIGKILL."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """Send SIGTERM."""
        self.send_signal(signal.SIGTERM)


class ForkServer:
    """A running fork server (:func:`serve`) and the thread that reads its answers.

    Args:
        preload: Modules it imports before forking.
        sandboxed: Its kernels protect themselves (:func:`serve`); ``False`` for kernels
            of trusted code only (the book's pages), the server then taking this process's
            environment as it is now.

    Raises:
        ForkServerError: if it did not start, import ``preload`` or answer ``ready`` within
            ``START_TIMEOUT_S``.
    """

    def __init__(self, preload: Sequence[str] = PRELOAD, sandboxed: bool = True) -> None:
        from denchi.grading import sandbox

        self.preload = tuple(preload)
        self.sandboxed = sandboxed
        self._home = Path(tempfile.mkdtemp(prefix="denchi-forkserver-"))
        # a grading server starts as clean as its kernels; an unsandboxed one in this
        # process's environment, so that its copies see what a kernel launched from here sees
        # (``sys.path`` from ``PYTHONPATH`` and the user's site, Matplotlib's config folder)
        env = sandbox.kernel_env(self._home) if sandboxed else dict(os.environ)
        env.update(MPLBACKEND=INLINE_BACKEND, PYTHONUNBUFFERED="1", **{HOME_ENV: str(self._home)})
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "denchi.grading.forkserver",
                *([] if sandboxed else [UNSANDBOXED]),
                *self.preload,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=self._home,
            start_new_session=True,
        )
        self._lock = threading.Lock()
        self._exited = threading.Condition()
        self._codes: dict[int, int] = {}
        self._pids: queue.Queue[int | None] = queue.Queue()
        self._ready = threading.Event()
        self.error = ""
        self._reader = threading.Thread(target=self._read, name="denchi-forkserver", daemon=True)
        self._reader.start()
        if not self._ready.wait(START_TIMEOUT_S) or not self.alive:
            self.close()
            raise ForkServerError(self.error or "the fork server did not start")

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self._proc.pid

    @property
    def alive(self) -> bool:
        """Whether the server runs and answers."""
        return self._proc.poll() is None and not self.error

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            answer = json.loads(line)
            if "ready" in answer:
                self._ready.set()
            elif "pid" in answer:
                self._pids.put(answer["pid"])
            elif "exit" in answer:
                with self._exited:
                    self._codes[answer["exit"]] = answer["code"]
                    self._exited.notify_all()
            elif "error" in answer:
                self.error = answer["error"]
        self.error = self.error or "the fork server ended"
        self._ready.set()
        self._pids.put(None)
        with self._exited:
            self._exited.notify_all()

    def spawn(self, argv: Sequence[str], env: dict[str, str], cwd: str) -> ForkedKernel:
        """Fork a kernel that protects itself with the launcher's ``argv`` and runs its command
        (an unsandboxed server: that runs the command ``argv``).

        Args:
            argv: The sandbox launcher's arguments (limits, paths, ``--``, kernel command);
                for an unsandboxed server, the kernel command.
            env: The kernel's whole environment.
            cwd: The kernel's working folder (its scratch folder).

        Raises:
            ForkServerError: if the server has ended or does not answer within
                ``FORK_TIMEOUT_S``.
        """
        request = json.dumps({"argv": list(argv), "env": env, "cwd": cwd}).encode()
        with self._lock:
            if not self.alive:
                raise ForkServerError(self.error or "the fork server has ended")
            assert self._proc.stdin is not None
            try:
                self._proc.stdin.write(b"fork %d\n" % len(request) + request)
                self._proc.stdin.flush()
                pid = self._pids.get(timeout=FORK_TIMEOUT_S)
            except (OSError, queue.Empty) as exc:
                raise ForkServerError(f"the fork server did not fork: {exc!r}") from exc
            if pid is None:
                raise ForkServerError(self.error)
            return ForkedKernel(self, pid, _resident_bytes(self.pid))

    def exit_code(self, pid: int) -> int | None:
        """The exit code of a kernel the server forked, or ``None`` while it runs.

        A kernel whose server ended can no longer be reported on; it counts as ended
        (``-SIGKILL``) once its process is gone.

        Args:
            pid: The kernel's process id.
        """
        with self._exited:
            code = self._codes.get(pid)
        if code is None and not self._reader.is_alive() and not _running(pid):
            return -signal.SIGKILL
        return code

    def wait_exit(self, pid: int, timeout: float | None) -> int | None:
        """Wait for a kernel's exit code (``None`` if it still runs after ``timeout`` s).

        Args:
            pid: The kernel's process id.
            timeout: Seconds to wait at most; ``None`` waits for ever.
        """
        with self._exited:
            self._exited.wait_for(lambda: self.exit_code(pid) is not None, timeout)
        return self.exit_code(pid)

    def close(self) -> None:
        """End the server (it ends when its stdin closes; its running kernels stay)."""
        if self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        shutil.rmtree(self._home, ignore_errors=True)


def _resident_bytes(pid: int) -> int:
    import psutil

    try:
        return int(psutil.Process(pid).memory_info().rss)
    except psutil.Error:
        return 0


def _running(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


_Key = tuple[tuple[str, ...], bool]
_servers: dict[_Key, ForkServer] = {}
_shared_lock = threading.Lock()
_failures: dict[_Key, int] = {}
MAX_STARTS = 3  # a server that keeps failing is given up for this process


def preload_for(sources: Iterable[str]) -> tuple[str, ...]:
    """What a server for kernels running code of ``sources`` (a notebook's code cells) imports:
    :data:`PRELOAD` when a line imports PyBaMM or any part of denchi but
    ``denchi.grading``, :data:`LIGHT_PRELOAD` otherwise.

    Only the speed of a kernel's start depends on it: a kernel imports whatever its server
    has not. A forked kernel's memory limit counts what it adds beyond the server's imports,
    so code that imports the labs in a way not seen here (``__import__``) counts them too.

    Args:
        sources: The source of each code cell of the notebook.
    """
    return PRELOAD if any(_NEEDS_LABS.search(source) for source in sources) else LIGHT_PRELOAD


def shared(preload: Sequence[str] = PRELOAD, sandboxed: bool = True) -> ForkServer | None:
    """This process's fork server of ``preload`` in this mode (each list and mode has its
    own), started on first use (and again if it ended); ``None`` where kernels cannot be
    forked (not Linux) or the server failed ``MAX_STARTS`` times (the reason goes to stderr,
    the grader's log).

    Args:
        preload: Modules the server imports.
        sandboxed: Whether its kernels protect themselves (:class:`ForkServer`).
    """
    if not sys.platform.startswith("linux"):
        return None
    key = (tuple(preload), sandboxed)
    with _shared_lock:
        server = _servers.pop(key, None)
        if server is not None and server.alive:
            _servers[key] = server
            return server
        if server is not None:
            server.close()
        while _failures.get(key, 0) < MAX_STARTS:
            try:
                _servers[key] = ForkServer(preload, sandboxed)
                return _servers[key]
            except (ForkServerError, OSError) as exc:
                _failures[key] = _failures.get(key, 0) + 1
                print(f"denchi: kernels start without the fork server: {exc}", file=sys.stderr)
        return None


def server_pids() -> set[int]:
    """Process ids of this process's running fork servers (to spare them when ending
    leftovers)."""
    return {server.pid for server in _servers.values() if server.alive}


@atexit.register
def _close_shared() -> None:
    for server in list(_servers.values()):
        server.close()


class ForkingKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager, starting its kernel as a copy of ``fork_server``
    (set per manager) when there is one and :meth:`fork_argv` allows it; otherwise, or when
    the server fails, as a new process, as jupyter_client does."""

    fork_server: ForkServer | None = None

    def fork_argv(self, kernel_cmd: list[str]) -> list[str] | None:
        """The request's ``argv`` for ``kernel_cmd`` (:meth:`ForkServer.spawn`), or ``None``
        to start this kernel as a new process. Here: the command itself, for an unsandboxed
        server.

        Args:
            kernel_cmd: The command jupyter_client would run (:meth:`format_kernel_cmd`).
        """
        return list(kernel_cmd)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        """Start the kernel: a copy of the fork server, or (no server, :meth:`fork_argv`
        says no, or the server failed) a new process.

        Args:
            kernel_cmd: The kernel command (:meth:`format_kernel_cmd`).
            kw: jupyter_client's launch arguments (``env``, ``cwd``, …).
        """
        argv = self.fork_argv(kernel_cmd)
        provisioner = self.provisioner
        if self.fork_server is not None and argv and isinstance(provisioner, LocalProvisioner):
            cwd = str(Path(kw.get("cwd") or Path.cwd()).resolve())  # the server has its own
            try:
                process = self.fork_server.spawn(argv, env=kw["env"], cwd=cwd)
            except ForkServerError as exc:
                self.log.warning("Kernel started without the fork server: %s", exc)
            else:
                provisioner.process = process  # type: ignore[assignment]
                provisioner.pid, provisioner.pgid = process.pid, process.pid
                provisioner.cwd = cwd
                self._reconcile_connection_info(provisioner.connection_info)
                return
        await super()._async_launch_kernel(kernel_cmd, **kw)


if __name__ == "__main__":
    _unsandboxed = sys.argv[1:2] == [UNSANDBOXED]
    try:
        serve(sys.argv[1 + _unsandboxed :], sandboxed=not _unsandboxed)
    finally:  # the kernels, copies of this process, never come here (they end in _child)
        if os.environ.get(HOME_ENV):
            shutil.rmtree(os.environ[HOME_ENV], ignore_errors=True)
