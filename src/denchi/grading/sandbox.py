"""The sandbox a student's kernel runs in while it is autograded.

The autograder starts the kernel as ``python -m denchi.grading.sandbox [limits] -- <kernel>``:
this launcher limits its own memory, CPU time and file sizes, gives up every capability (when
run as root), may open no socket but TCP ones (:mod:`denchi.grading.seccomp`: no UNIX sockets,
so no local daemon to talk to, and no UDP), and, where Linux Landlock is available, cuts itself
off from every file except the Python installation (read-only) and its scratch folder
(read-write), from all TCP connections except binding its own kernel ports, and from signalling
any process outside the sandbox. Then it becomes the kernel (``exec``), which inherits all of
it, as do the kernel's children.

Without Landlock (not Linux, or Linux older than 5.13) the kernel still runs in a scratch folder
outside the course with a clean environment and the resource limits, but it could read or write
the grader's files; the autograder flags every submission graded that way.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from denchi.grading import landlock, seccomp
from denchi.labs.seeds import STUDENT_ID_ENV

SYSTEM_READ = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/opt")
SYSTEM_FILES = (
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/host.conf",
    "/etc/hosts",
    "/etc/mime.types",
    "/etc/fonts",
    # ipykernel and psutil walk /proc; other processes' environ, memory and file descriptors
    # stay closed (Landlock only lets a sandbox ptrace-access its own processes)
    "/proc",
    "/sys/devices/system/cpu",
    "/sys/fs/cgroup",
)
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
FILE_SIZE_MB = 100  # the largest file a kernel may write
LAUNCHER = (sys.executable, "-m", "denchi.grading.sandbox")  # what :func:`main` runs as


def available() -> bool:
    """Whether kernels can be cut off from the grader's files (Linux Landlock)."""
    return landlock.abi_version() >= 1


def protection() -> tuple[str, str]:
    """What the sandbox protects against on this system, in plain words (Japanese, English).

    Linux with Landlock: files, connections and signals are cut off, besides the limits.
    Linux without Landlock: sockets are restricted (seccomp) and the limits hold, but files
    are not. macOS and other POSIX systems: only the limits. Windows: only the wall-time limit
    that the autograder's watchdog enforces. Sources: :mod:`denchi.grading.landlock`,
    :mod:`denchi.grading.seccomp` and :func:`main`.
    """
    limits_ja = "メモリ・CPU 時間・ファイルの大きさの上限"
    limits_en = "memory, CPU time and file size limits"
    if available():
        return (
            f"Linux Landlock（ABI {landlock.abi_version()}）で採点者のファイルと通信から切り離し、"
            f"seccomp でソケットを制限し、{limits_ja}をかけます。",
            f"Linux Landlock (ABI {landlock.abi_version()}) cuts the kernel off from the "
            f"grader's files and connections, seccomp restricts sockets, with {limits_en}.",
        )
    if sys.platform.startswith("linux"):
        return (
            f"この Linux には Landlock がないため、ソケットの制限（seccomp）と{limits_ja}だけです。"
            "生徒のコードは採点者のファイルを読み書きできます。",
            f"No Landlock on this Linux: only socket restrictions (seccomp) and {limits_en}; "
            "student code can read and write the grader's files.",
        )
    if sys.platform != "win32":
        return (
            f"{limits_ja}だけです（macOS などには Landlock がありません）。"
            "生徒のコードは採点者のファイルを読み書きできます。",
            f"Only {limits_en} (no Landlock on macOS and similar systems); student code can "
            "read and write the grader's files.",
        )
    return (
        "Windows では時間の上限だけです。生徒のコードは採点者のファイルを読み書きできます。",
        "On Windows only the time limit applies; student code can read and write the "
        "grader's files.",
    )


def python_paths() -> list[Path]:
    """Where this Python finds its code: the installation, site-packages, editable sources."""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    entries = [p for p in sys.path[1:] if p and Path(p).is_dir()]  # [0] is the caller's folder
    return sorted({Path(p).resolve() for p in (*prefixes, *entries)})


def read_only_paths(private: list[Path]) -> list[Path]:
    """Paths a sandboxed kernel may read: Python and system files, nothing in or around a
    ``private`` folder (the course: gradebook, solutions, other students' work).

    Landlock grants whole subtrees, so a path that contains a private folder is left out
    rather than exposing it, and so is a path inside one (keep Python's environment outside
    the course folder, or the kernel cannot start).

    Args:
        private: Folders the kernel must not see (the course folder).
    """
    private = [p.resolve() for p in private]

    def touches(path: Path, secret: Path) -> bool:
        return path == secret or path in secret.parents or secret in path.parents

    candidates = [*python_paths(), *map(Path, SYSTEM_READ), *map(Path, SYSTEM_FILES)]
    return [path for path in candidates if not any(touches(path, s) for s in private)]


def kernel_env(scratch: Path, student: str | None = None) -> dict[str, str]:
    """A clean environment: nothing from the grader's, homes and caches in the scratch folder;
    ``student``'s id as the seed of seeded lab data (``denchi.labs.student_seed``).

    Args:
        scratch: The kernel's private scratch folder (its subfolders are created).
        student: The student id, or ``None`` for no seed.

    Raises:
        OSError: if a scratch subfolder cannot be created.
    """
    keep = ("LANG", "LC_ALL", "LC_CTYPE", "DENCHI_LANG", "TZ")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    bin_dir = str(Path(sys.executable).parent)
    env.update(
        PATH=os.pathsep.join((bin_dir, "/usr/local/bin", "/usr/bin", "/bin")),
        HOME=str(scratch),
        TMPDIR=str(scratch / "tmp"),
        IPYTHONDIR=str(scratch / ".ipython"),
        MPLCONFIGDIR=str(scratch / ".matplotlib"),
        JUPYTER_CONFIG_DIR=str(scratch / ".jupyter"),
        JUPYTER_DATA_DIR=str(scratch / ".local" / "share" / "jupyter"),
        JUPYTER_RUNTIME_DIR=str(scratch / ".runtime"),
        XDG_CACHE_HOME=str(scratch / ".cache"),
        XDG_CONFIG_HOME=str(scratch / ".config"),
        PYBAMM_DISABLE_TELEMETRY="true",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONNOUSERSITE="1",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    if student:
        env[STUDENT_ID_ENV] = student
    for folder in ("tmp", ".matplotlib", ".runtime"):
        (scratch / folder).mkdir(parents=True, exist_ok=True)
    return env


def launcher_args(
    scratch: Path, private: list[Path], *, memory_mb: int, cpu_s: float, landlock_on: bool
) -> list[str]:
    """The command-line prefix that starts a kernel inside the sandbox.

    Args:
        scratch: The only folder the kernel may write.
        private: Folders the kernel must not read (see :func:`read_only_paths`).
        memory_mb: Memory limit (``RLIMIT_DATA``) [MB].
        cpu_s: CPU time limit [s] (rounded up to whole seconds).
        landlock_on: Add the Landlock read and write rules.
    """
    args = [*LAUNCHER]
    args += ["--memory-mb", str(memory_mb), "--cpu-s", str(int(cpu_s) + 1)]
    if landlock_on:
        args += ["--write", str(scratch)]
        for path in read_only_paths(private):
            args += ["--read", str(path)]
    return [*args, "--"]


def _kernel_ports(kernel_cmd: list[str]) -> list[int]:
    """Ports the kernel may bind: those of its connection file (``-f <file>``), and 0 (any
    free port, which ipykernel uses to forward subprocess output). It may connect nowhere."""
    if "-f" not in kernel_cmd:
        return [0]
    info = json.loads(Path(kernel_cmd[kernel_cmd.index("-f") + 1]).read_text())
    return [0, *(int(v) for k, v in info.items() if k.endswith("_port"))]


def _limit(resource_id: int, soft: int, hard: int | None = None) -> None:
    import resource

    _, old_hard = resource.getrlimit(resource_id)
    hard = soft if hard is None else hard
    if old_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, old_hard), min(hard, old_hard)
    resource.setrlimit(resource_id, (soft, hard))


@dataclass(frozen=True)
class Protection:
    """What the launcher applies to itself before it becomes the kernel (its command line).

    Attributes:
        memory_mb: Memory limit (``RLIMIT_DATA``) [MB].
        cpu_s: CPU time limit (``RLIMIT_CPU``) [s].
        read: Paths the kernel may read (Landlock); empty with ``write`` for no Landlock.
        write: Paths the kernel may read and write (Landlock); empty for no Landlock.
        command: The kernel command (``[python, "-m", "ipykernel_launcher", "-f", file]``).
    """

    memory_mb: int
    cpu_s: int
    read: tuple[Path, ...]
    write: tuple[Path, ...]
    command: tuple[str, ...]


def parse(argv: list[str]) -> Protection:
    """Read the launcher's command line (see :func:`launcher_args`, without its
    ``python -m denchi.grading.sandbox`` prefix).

    Args:
        argv: ``--memory-mb``, ``--cpu-s``, ``--read``, ``--write``, then ``--`` and the kernel
            command.

    Raises:
        SystemExit: if the command line is wrong (argparse's error).
    """
    parser = argparse.ArgumentParser(prog="python -m denchi.grading.sandbox")
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--cpu-s", type=int, required=True)
    parser.add_argument("--read", type=Path, action="append", default=[])
    parser.add_argument("--write", type=Path, action="append", default=[])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no kernel command after --")
    return Protection(
        args.memory_mb, args.cpu_s, tuple(args.read), tuple(args.write), tuple(command)
    )


def protect(protection: Protection) -> None:
    """Apply ``protection`` to this process (and so to everything it becomes or starts):
    resource limits, no capabilities, Landlock (when ``write`` is given) and seccomp.

    Args:
        protection: The limits and paths (:func:`parse`).

    Raises:
        OSError: if a limit, Landlock or seccomp cannot be applied; the caller must then not
            run the kernel.
    """
    if sys.platform != "win32":
        import resource

        _limit(resource.RLIMIT_DATA, protection.memory_mb * 1024 * 1024)
        _limit(resource.RLIMIT_CPU, protection.cpu_s, protection.cpu_s + 5)
        _limit(resource.RLIMIT_FSIZE, FILE_SIZE_MB * 1024 * 1024)
        _limit(resource.RLIMIT_CORE, 0)
        os.umask(0o077)
    if sys.platform.startswith("linux") and os.geteuid() == 0:
        landlock.drop_capabilities()
    if protection.write:
        policy = landlock.Policy(
            read=list(protection.read),
            write=list(protection.write),
            devices=[Path(d) for d in DEVICES],
            bind_ports=_kernel_ports(list(protection.command)),
        )
        landlock.restrict_self(policy)
    seccomp.restrict_sockets()


def main(argv: list[str] | None = None) -> None:
    """The sandbox launcher (``python -m denchi.grading.sandbox``): set resource limits, drop
    capabilities, apply Landlock and seccomp (:func:`protect`), then replace itself with the
    kernel command.

    Args:
        argv: The command line (``--memory-mb``, ``--cpu-s``, ``--read``, ``--write``, then
            ``--`` and the kernel command); ``None`` reads ``sys.argv``.

    Raises:
        SystemExit: if the command line is wrong (argparse's error).
        OSError: if a limit, Landlock or seccomp cannot be applied, or the kernel cannot be
            started; the launcher never runs the kernel unprotected.
    """
    protection = parse(sys.argv[1:] if argv is None else argv)
    protect(protection)
    os.execv(protection.command[0], list(protection.command))


if __name__ == "__main__":
    main()
