"""Run a student's notebook in a sandboxed kernel, under a wall-time and a memory limit.

``SandboxedExecute`` replaces nbgrader's ``Execute`` in the autograde step (see
:mod:`denchi.grading.nbconfig`). Compared with it:

- the kernel starts through :mod:`denchi.grading.sandbox` in a scratch folder outside the
  course (Landlock where available, resource limits, no capabilities, a clean environment);
- a watchdog kills the kernel's whole process tree when the notebook's wall time or the tree's
  memory (resident set) exceeds its limit, or the kernel floods the grader with output; the
  cell where it happened and every later cell get an error, so they score zero, and the
  notebook is flagged; a crash or exit of the kernel is handled the same way;
- test cells run in the kernel **without their hidden part**; just before each one, the
  variables it reads are captured as plain data (:mod:`denchi.grading.capture`) for
  :class:`denchi.grading.cleanroom.VerifyAnswers`, which runs the full test outside the kernel;
- the kernel holds a small memory reserve from its start; when a cell ends in ``MemoryError``
  (a student's list that grows for ever), the reserve is given back, so that the later cells,
  which often answer other questions, still have the memory to run and be graded.
"""

from __future__ import annotations

import ast
import contextlib
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

import psutil
from jupyter_client.client import KernelClient
from jupyter_client.manager import KernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import Execute
from traitlets import Bool, Float, Integer

from denchi.grading import capture, forkserver, sandbox
from denchi.grading.forkserver import ForkedKernel, ForkingKernelManager
from denchi.grading.hidden import visible_part
from denchi.grading.outcome import Flag, error_output
from denchi.grading.student import graded_student
from denchi.i18n import bilingual

MAX_OUTPUT_BYTES = 20 * 1024 * 1024  # outputs kept per notebook; beyond this the kernel stops
STOPPED = "DenchiGradingStopped"
STDIN_ERROR = "StdinNotImplementedError"  # ipykernel's answer to input() without a frontend
KERNEL_START_ATTEMPTS = 3  # a kernel whose port was taken before it bound it gets new ports
# Address space set aside in the kernel (calloc'd, so not resident) and freed after a cell's
# MemoryError: the cell's own data still fills the limit, and without headroom the next cell
# dies formatting its first traceback.
MEMORY_RESERVE_MB = 64
MEMORY_RESERVE_NAME = "_denchi_memory_reserve"


class SandboxedKernelManager(ForkingKernelManager):
    """Starts the kernel command behind the sandbox launcher (``launcher`` is set per run),
    forked by ``fork_server`` when one is set (:mod:`denchi.grading.forkserver`): the copy
    protects itself with the launcher's arguments."""

    launcher: list[str] = []

    def fork_argv(self, kernel_cmd: list[str]) -> list[str] | None:
        """The launcher's arguments after its ``python -m`` prefix (what the fork server's
        copy protects itself with), or ``None`` for a command without the launcher.

        Args:
            kernel_cmd: The launcher and kernel command (:meth:`format_kernel_cmd`).
        """
        launcher = list(sandbox.LAUNCHER)
        return kernel_cmd[len(launcher) :] if kernel_cmd[: len(launcher)] == launcher else None

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """The kernel command (jupyter_client's) behind ``launcher``.

        Args:
            extra_arguments: More arguments for the kernel, as jupyter_client passes them.
        """
        return [*self.launcher, *super().format_kernel_cmd(extra_arguments)]


class Watchdog:
    """Kills a process tree when it passes its deadline or memory limit; remembers why."""

    def __init__(
        self,
        pid: int,
        deadline: float,
        memory_bytes: int,
        poll_s: float = 0.2,
        inherited_bytes: int = 0,
    ):
        self.root = psutil.Process(pid)
        self.deadline = deadline
        self.memory_bytes = memory_bytes
        self.inherited_bytes = inherited_bytes  # a forked kernel's pages shared with its server
        self.poll_s = poll_s
        self.reason: str | None = None
        self.peak_rss = 0
        self.seen: dict[int, psutil.Process] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="denchi-watchdog", daemon=True)

    def start(self) -> Watchdog:
        """Start watching in a daemon thread; returns the watchdog."""
        self._thread.start()
        return self

    def _tree(self) -> list[psutil.Process]:
        try:
            tree = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            tree = []
        self.seen.update((p.pid, p) for p in tree)
        return tree

    def _loop(self) -> None:
        while not self._stop.wait(self.poll_s):
            rss = 0
            for proc in self._tree():
                try:
                    rss += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak_rss = max(self.peak_rss, rss)
            if rss - self.inherited_bytes > self.memory_bytes:
                self.kill("memory_limit")
            elif time.monotonic() > self.deadline:
                self.kill("time_limit")

    def kill(self, reason: str) -> None:
        """Kill the whole tree, remembering the first reason.

        Args:
            reason: A flag code: ``"memory_limit"``, ``"time_limit"`` or ``"output_limit"``.
        """
        if self.reason is None:
            self.reason = reason
        self.kill_all()

    def kill_all(self) -> None:
        """Kill every process of the tree ever seen (including ones that left it)."""
        self._tree()
        for proc in self.seen.values():
            try:
                if proc.is_running():
                    proc.kill()
            except psutil.Error:
                continue

    def stop(self) -> None:
        """Stop watching (the processes are left as they are) and wait for the thread."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


class SandboxedExecute(Execute):
    """nbgrader's Execute, with a sandboxed kernel, limits, and hidden tests kept out of it."""

    time_limit_s = Float(300.0, help="Wall time allowed for one notebook, in seconds.").tag(
        config=True
    )
    memory_mb = Integer(
        1024,
        help="Memory (resident set) allowed for the kernel's processes, in MB; for a kernel "
        "forked by the fork server, beyond the pages it shares with the server (its imports).",
    ).tag(config=True)
    require_sandbox = Bool(
        False, help="Refuse to grade where Landlock is unavailable (instead of flagging)."
    ).tag(config=True)
    fork_kernels = Bool(
        True,
        help="Fork kernels from a server that has the course's imports loaded (Linux; "
        "denchi.grading.forkserver) instead of starting a new Python for each notebook.",
    ).tag(config=True)

    # attributes of nbclient's NotebookClient, with its types (nbgrader, the base class, has no
    # type information, so mypy would not see them)
    km: KernelManager | None
    kc: KernelClient | None

    def __init__(self, **kw: object) -> None:
        kw.setdefault("kernel_manager_class", SandboxedKernelManager)
        # outputs are in once the last cell replied; waiting for a polite exit only idles a
        # worker (1-3 s per notebook), and the watchdog ends the whole tree anyway
        kw.setdefault("shutdown_kernel", "immediate")
        super().__init__(**kw)

    # --- nbclient hooks -------------------------------------------------------------
    def create_kernel_manager(self) -> KernelManager:
        """nbclient's kernel manager, set to start the kernel behind the sandbox launcher with
        its connection file in the scratch folder."""
        km = super().create_kernel_manager()
        km.launcher = self._launcher
        km.fork_server = self._fork_server
        km.connection_file = str(self._scratch / ".runtime" / "kernel.json")
        return km

    def _get_timeout(self, cell: NotebookNode | None) -> int:
        # the watchdog enforces the notebook's deadline; nbclient only needs to wait past it
        return max(1, int(self._deadline - time.monotonic()) + 10)

    def output(self, outs, msg, display_id, cell_index):
        """nbclient's output hook, counting bytes: past ``MAX_OUTPUT_BYTES`` the kernel is
        killed (flag ``output_limit``) and nothing more is kept.

        Args:
            outs: The cell's outputs so far (nbclient's).
            msg: The kernel's IOPub message.
            display_id: The display id of an update, or ``None``.
            cell_index: The cell's index in the notebook.
        """
        self._output_bytes += len(str(msg.get("content", "")))
        if self._output_bytes > MAX_OUTPUT_BYTES:
            if self._watchdog is not None:
                self._watchdog.kill("output_limit")
            return None
        return super().output(outs, msg, display_id, cell_index)

    # --- the run ----------------------------------------------------------------------
    def preprocess(
        self, nb: NotebookNode, resources: dict | None = None, km: KernelManager | None = None
    ) -> tuple[NotebookNode, dict]:
        """Execute the notebook in a sandboxed kernel under the time, memory and output
        limits, with hidden tests kept out of the kernel (their answers are captured for
        :class:`denchi.grading.cleanroom.VerifyAnswers`); a limit hit becomes a flag.

        Args:
            nb: The student's notebook (changed in place and returned).
            resources: nbconvert's resources (``resources["nbgrader"]`` names the notebook;
                ``resources["denchi"]`` receives the flags and captured answers).
            km: A kernel manager to use; ``None`` creates a sandboxed one.

        Raises:
            RuntimeError: if Landlock is unavailable and ``require_sandbox`` is set.
        """
        from nbclient import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        report = self.resources.setdefault("denchi", {})
        report.update(flags=[], captures={}, started=time.time())
        notebook_id = self.resources.get("nbgrader", {}).get("notebook", "")
        self._notebook_id = notebook_id
        self._flags: list[Flag] = report["flags"]
        self._watchdog: Watchdog | None = None
        self._output_bytes = 0
        # the server starts (imports) on first use: before the notebook's clock starts
        if self.fork_kernels:
            code = (cell.source for cell in nb.cells if cell.cell_type == "code")
            self._fork_server = forkserver.shared(forkserver.preload_for(code))
        else:
            self._fork_server = None
        self._deadline = time.monotonic() + self.time_limit_s
        landlock_on = sandbox.available()
        if not landlock_on:
            if self.require_sandbox:
                raise RuntimeError("Landlock is unavailable and require_sandbox is set")
            self._flags.append(Flag("not_sandboxed", notebook_id))
        report["sandbox"] = "landlock" if landlock_on else "none"
        with tempfile.TemporaryDirectory(prefix="denchi-kernel-") as tmp:
            self._scratch = Path(tmp)
            notebook_dir = Path(self.resources.get("metadata", {}).get("path") or ".")
            _copy_supplementary_files(notebook_dir, self._scratch)
            self._launcher = sandbox.launcher_args(
                self._scratch,
                [notebook_dir, *self._private_paths()],
                memory_mb=self.memory_mb,
                cpu_s=self.time_limit_s,
                landlock_on=landlock_on,
            )
            try:
                self._run_notebook()
            finally:
                if self._watchdog is not None:
                    self._watchdog.stop()
                    self._watchdog.kill_all()
                    report["peak_rss_mb"] = round(self._watchdog.peak_rss / 2**20, 1)
        report["seconds"] = round(time.time() - report["started"], 2)
        return self.nb, self.resources

    def _private_paths(self) -> list[Path]:
        """The course folder (where the SQLite gradebook lives) and the gradebook itself."""
        db_url = self.resources.get("nbgrader", {}).get("db_url", "")
        if "///" not in db_url:
            return []
        gradebook = Path(db_url.split("///", 1)[1].split("?")[0])
        return [gradebook, gradebook.parent]

    def _run_notebook(self) -> None:
        cells = list(enumerate(self.nb.cells))
        env = sandbox.kernel_env(self._scratch, graded_student(self.resources))
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            started = False
            try:
                with self.setup_kernel(cwd=str(self._scratch), env=env):
                    started = True
                    pid, inherited = self._kernel_pid()
                    self._watchdog = Watchdog(
                        pid, self._deadline, self.memory_mb * 2**20, inherited_bytes=inherited
                    ).start()
                    assert self.kc is not None  # setup_kernel made the client
                    reply = self.wait_for_reply(self.kc.kernel_info())
                    if reply is not None:
                        self.nb.metadata["language_info"] = reply["content"]["language_info"]
                    self._silent(f"{MEMORY_RESERVE_NAME} = bytearray({MEMORY_RESERVE_MB} << 20)")
                    while cells:
                        index, cell = cells.pop(0)
                        try:
                            self._run_cell(cell, index)
                            if _ran_out_of_memory(cell):
                                self._silent(f"globals().pop({MEMORY_RESERVE_NAME!r}, None)")
                        except (DeadKernelError, CellTimeoutError) as exc:
                            self._stop(cell, [c for _, c in cells], exc)
                            return
                return
            except (RuntimeError, TimeoutError) as exc:  # the kernel did not start
                # Jupyter picks a kernel's TCP ports before the kernel binds them; on a busy
                # server another process can take one in between. Nothing of the student's
                # ran yet, so starting a new kernel is fair.
                if not started and attempt < KERNEL_START_ATTEMPTS:
                    self._forget_kernel()
                    continue
                self._flags.append(Flag("kernel_start_failed", self._notebook_id, detail=str(exc)))
                for _, cell in cells:
                    _mark_not_run(cell)
                return

    def _kernel_pid(self) -> tuple[int, int]:
        """The process id of the kernel (jupyter_client's local provisioner started it, or
        the fork server forked it) and the bytes of its resident set it shares with the fork
        server (0 for a launched kernel)."""
        provisioner = self.km.provisioner if self.km is not None else None
        assert isinstance(provisioner, LocalProvisioner) and provisioner.process is not None
        process = provisioner.process
        inherited = process.inherited_bytes if isinstance(process, ForkedKernel) else 0
        return process.pid, inherited

    def _forget_kernel(self) -> None:
        """End a kernel that failed to start; the next start gets a new manager and ports."""
        if self.km is not None:
            with contextlib.suppress(Exception):
                self._cleanup_kernel()
        self.km = self.kc = None

    def _run_cell(self, cell: NotebookNode, index: int) -> None:
        if cell.cell_type != "code":
            return
        if not (utils.is_grade(cell) and utils.is_locked(cell)):
            self.execute_cell(cell, index, store_history=True)
            self._note_input(cell)
            return
        answers, free = capture.names_read_by(cell.source)
        grade_id = cell.metadata.nbgrader["grade_id"]
        self.resources["denchi"]["captures"][grade_id] = self._capture(answers + free)
        full = cell.source
        cell.source = visible_part(full)  # hidden tests never enter the student's kernel
        try:
            if cell.source.strip():
                self.execute_cell(cell, index, store_history=True)
        finally:
            cell.source = full

    def _note_input(self, cell: NotebookNode) -> None:
        """The cell called ``input()``, which nobody answers while grading: replace
        ipykernel's English error with a bilingual note, and flag the graded cells after it
        (their answers may be missing) for the teacher's review."""
        asked = [o for o in cell.outputs if o.get("ename") == STDIN_ERROR]
        if not asked:
            return
        cells = self.nb.cells
        later = cells[cells.index(cell) + 1 :]
        zeroed = tuple(c.metadata.nbgrader["grade_id"] for c in later if utils.is_grade(c))
        name = cell.metadata.get("nbgrader", {}).get("grade_id", f"#{cells.index(cell)}")
        flag = Flag("input_called", self._notebook_id, name, zeroed)
        if not any(f.code == "input_called" for f in self._flags):
            self._flags.append(flag)
        for output in asked:
            output.update(error_output("InputNotAvailable", flag.message))

    def _silent(self, code: str, **expressions: str) -> dict | None:
        """Run ``code`` in the kernel without output or history, evaluate ``expressions``;
        the kernel's reply (None if none came)."""
        assert self.kc is not None  # the kernel is running: setup_kernel made the client
        msg_id = self.kc.execute(
            code, silent=True, store_history=False, user_expressions=expressions
        )
        return self.wait_for_reply(msg_id)

    def _capture(self, names: list[str]) -> dict:
        """Ask the kernel for a plain-data snapshot of ``names`` (nothing else runs)."""
        reply = self._silent("", answers=capture.snapshot_expression(names))
        if reply is None:
            return {"error": "no reply"}
        result = reply["content"].get("user_expressions", {}).get("answers", {})
        if result.get("status") != "ok":
            return {"error": f"{result.get('ename')}: {result.get('evalue')}"}
        try:
            text = ast.literal_eval(result["data"]["text/plain"])
        except (KeyError, ValueError, SyntaxError, TypeError):
            return {"error": "unreadable snapshot"}
        return {"snapshot": text} if type(text) is str else {"error": "not a snapshot"}

    def _stop(self, cell: NotebookNode, rest: list[NotebookNode], exc: Exception) -> None:
        """The kernel died or hung: fail this cell and every later one, and flag why."""
        watchdog = self._watchdog
        if watchdog is not None:
            watchdog.kill_all()
        status = _exit_status(self.km)
        reason = watchdog.reason if watchdog is not None and watchdog.reason else None
        if reason is None:  # RLIMIT_CPU ends the kernel with SIGXCPU
            reason = "time_limit" if status == f"signal {signal.SIGXCPU}" else "kernel_died"
        detail = {
            "time_limit": f"{self.time_limit_s:g}",
            "memory_limit": f"{self.memory_mb}",
            "output_limit": f"{MAX_OUTPUT_BYTES // 2**20}",
        }.get(reason, status)
        zeroed = tuple(c.metadata.nbgrader["grade_id"] for c in (cell, *rest) if utils.is_grade(c))
        name = cell.metadata.get("nbgrader", {}).get("grade_id", f"#{self.nb.cells.index(cell)}")
        flag = Flag(reason, self._notebook_id, name, zeroed, detail)
        self._flags.append(flag)
        cell.outputs.append(error_output(STOPPED, flag.message))
        for later in rest:
            _mark_not_run(later)
        self.log.warning("Stopped %s at %s: %s (%s)", self._notebook_id, name, reason, exc)


def _ran_out_of_memory(cell: NotebookNode) -> bool:
    return any(output.get("ename") == "MemoryError" for output in cell.get("outputs", []))


def _exit_status(km) -> str:
    try:
        code = km.provisioner.process.poll()
    except AttributeError:
        code = None
    if code is None:
        return "no reply"
    return f"signal {-code}" if code < 0 else f"exit code {code}"


def _mark_not_run(cell: NotebookNode) -> None:
    if cell.cell_type == "code":
        message = bilingual("採点が途中で止まったため、このセルは実行していません。", "Not run.")
        cell.outputs = [error_output(STOPPED, message)]
        cell.execution_count = None


def _copy_supplementary_files(source: Path, destination: Path) -> None:
    """Data files handed out with the assignment go beside the kernel (notebooks do not)."""
    if not source.is_dir():
        return
    for path in source.rglob("*"):
        if path.is_file() and path.suffix != ".ipynb" and ".ipynb_checkpoints" not in path.parts:
            target = destination / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
