"""Linux Landlock and capabilities through ``ctypes``: the kernel-enforced part of the sandbox.

Landlock (Linux 5.13+, unprivileged) lets a process give up access to everything except an
allow-list of paths, and (ABI 4+) TCP ports, and (ABI 6+) signals and abstract UNIX sockets
outside its own sandbox. It binds root as well, and every child process inherits it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446  # same numbers on every arch
_RULESET_VERSION = 1 << 0
_RULE_PATH_BENEATH, _RULE_NET_PORT = 1, 2
_PR_SET_NO_NEW_PRIVS, _PR_CAPBSET_DROP, _PR_CAP_AMBIENT = 38, 24, 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4

# filesystem access rights, by the ABI version that introduced them
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_ABI1_ALL = (1 << 13) - 1  # execute ... make_sym
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
READ = EXECUTE | READ_FILE | READ_DIR
BIND_TCP, CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _NetPort(ctypes.Structure):
    _fields_ = [("allowed_access", ctypes.c_uint64), ("port", ctypes.c_uint64)]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def abi_version() -> int:
    """The Landlock ABI of the running kernel, 0 if unavailable (not Linux, or disabled)."""
    if not sys.platform.startswith("linux"):
        return 0
    version = _libc().syscall(_CREATE_RULESET, None, 0, _RULESET_VERSION)
    return max(int(version), 0)


def _fs_rights(abi: int) -> int:
    rights = _ABI1_ALL
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    if abi >= 5:
        rights |= IOCTL_DEV
    return rights


@dataclass
class Policy:
    """What a sandboxed process may still do."""

    read: list[Path] = field(default_factory=list)  # read and execute beneath these paths
    write: list[Path] = field(default_factory=list)  # full access beneath these paths
    devices: list[Path] = field(default_factory=list)  # read and write these files
    bind_ports: list[int] = field(default_factory=list)  # the only TCP ports it may bind


def _check(result: int, what: str) -> int:
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"landlock {what}: {os.strerror(errno)}")
    return result


def restrict_self(policy: Policy) -> int:
    """Apply ``policy`` to this process and its future children; returns the ABI used.

    Paths that do not exist are skipped. Raises ``OSError`` if Landlock is unavailable.

    Args:
        policy: The paths to read and write, the devices and the TCP ports to bind.

    Raises:
        OSError: if Landlock is unavailable, or the kernel refuses the ruleset, a rule,
            ``no_new_privs`` or the restriction (with the kernel's errno).
    """
    abi = abi_version()
    if abi < 1:
        raise OSError("Landlock is not available on this system")
    libc = _libc()
    handled_fs = _fs_rights(abi)
    attr = _RulesetAttr(handled_fs, BIND_TCP | CONNECT_TCP if abi >= 4 else 0, 0)
    if abi >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _check(libc.syscall(_CREATE_RULESET, ctypes.byref(attr), size, 0), "ruleset")
    try:
        grants = [(p, READ) for p in policy.read]
        grants += [(p, handled_fs) for p in policy.write]
        grants += [(p, READ_FILE | WRITE_FILE | (IOCTL_DEV & handled_fs)) for p in policy.devices]
        for path, rights in grants:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not stat.S_ISDIR(os.fstat(fd).st_mode):
                    rights &= _FILE_RIGHTS
                rule = _PathBeneath(rights & handled_fs, fd)
                _check(
                    libc.syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0),
                    f"rule for {path}",
                )
            finally:
                os.close(fd)
        if abi >= 4:
            for port in policy.bind_ports:
                port_rule = _NetPort(BIND_TCP, port)
                _check(
                    libc.syscall(_ADD_RULE, ruleset, _RULE_NET_PORT, ctypes.byref(port_rule), 0),
                    f"port {port}",
                )
        _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
        _check(libc.syscall(_RESTRICT_SELF, ruleset, 0), "restrict_self")
    finally:
        os.close(ruleset)
    return abi


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def drop_capabilities() -> None:
    """Give up every capability for good (a root process keeps uid 0 but no privileges), so
    sandboxed code cannot raise its resource limits or act on other users' processes.

    Raises:
        OSError: if ``capset`` fails (with the kernel's errno).
    """
    libc = _libc()
    cap = 0
    while libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
        cap += 1
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    _check(libc.capset(ctypes.byref(header), data), "capset")
