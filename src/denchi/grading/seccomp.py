"""A seccomp filter that lets a sandboxed kernel open TCP sockets only.

Landlock has no right for connecting to a UNIX socket by path, so on its own a student's
kernel could talk to local services listening on one (a container daemon, say) when the grader
runs as root. This filter makes ``socket()`` fail with ``EACCES`` for every family and type but
TCP over IPv4 and IPv6 (which the kernel needs for its own ports; Landlock then limits it to
binding those) and netlink (``getifaddrs()``, which ZeroMQ calls, reads the network interfaces
through it; changing them needs a capability the sandbox has dropped). ``socketpair()``, which
asyncio and ZeroMQ use internally, stays allowed. UDP is refused too, so nothing leaves the
machine as datagrams either.

Linux on x86-64 and arm64 only; elsewhere :func:`restrict_sockets` does nothing and says so.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct
import sys

_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_AF_INET, _AF_INET6, _AF_NETLINK, _SOCK_STREAM = 2, 10, 16, 1
# machine -> (AUDIT_ARCH_*, __NR_socket)
_ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
_X32_BIT = 0x40000000  # x86-64's x32 syscalls carry this bit: refuse them outright

# classic BPF
_LD_W_ABS, _JEQ_K, _JGE_K, _AND_K, _RET_K = 0x20, 0x15, 0x35, 0x54, 0x06
_NR, _ARCH, _ARG0, _ARG1 = 0, 4, 16, 24  # offsets in struct seccomp_data (little-endian)


def _program(arch: int, nr_socket: int) -> list[tuple[int, int, int, int]]:
    """(code, jump if true, jump if false, constant); jumps count from the next instruction."""
    deny = _RET_ERRNO | errno.EACCES
    return [
        (_LD_W_ABS, 0, 0, _ARCH),  # 0
        (_JEQ_K, 1, 0, arch),  # 1: another architecture's syscall numbers: refuse
        (_RET_K, 0, 0, deny),  # 2
        (_LD_W_ABS, 0, 0, _NR),  # 3
        (_JGE_K, 0, 1, _X32_BIT),  # 4
        (_RET_K, 0, 0, deny),  # 5
        (_JEQ_K, 0, 8, nr_socket),  # 6: not socket(): allow (15)
        (_LD_W_ABS, 0, 0, _ARG0),  # 7: the address family
        (_JEQ_K, 6, 0, _AF_NETLINK),  # 8: allow (15)
        (_JEQ_K, 1, 0, _AF_INET),  # 9: check the type (11)
        (_JEQ_K, 0, 3, _AF_INET6),  # 10: else refuse (14)
        (_LD_W_ABS, 0, 0, _ARG1),  # 11: the type, without SOCK_NONBLOCK / SOCK_CLOEXEC
        (_AND_K, 0, 0, 0xF),  # 12
        (_JEQ_K, 1, 0, _SOCK_STREAM),  # 13: allow (15)
        (_RET_K, 0, 0, deny),  # 14
        (_RET_K, 0, 0, _RET_ALLOW),  # 15
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def supported() -> bool:
    """True on Linux on an architecture the filter knows (x86-64 or aarch64)."""
    return sys.platform.startswith("linux") and platform.machine() in _ARCHES


def restrict_sockets() -> bool:
    """Install the filter on this process and its future children; False if unsupported.

    Raises:
        OSError: if the kernel refuses ``no_new_privs`` or the seccomp filter.
    """
    if not supported():
        return False
    arch, nr_socket = _ARCHES[platform.machine()]
    program = _program(arch, nr_socket)
    code = b"".join(struct.pack("<HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(code, len(code))
    fprog = _SockFprog(len(program), ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "no_new_privs")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter")
    return True
