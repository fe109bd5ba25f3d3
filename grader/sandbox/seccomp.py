"""A seccomp filter for the worker: the system calls that reach past every namespace and
Landlock rule fail with EPERM; every other call is allowed.

- keyrings (`add_key`, `keyctl`, `request_key`): the session keyring is inherited through
  fork, exec and bubblewrap, and the user keyring is shared by every process of the user;
  a worker could read the judge's keys and leave its own for the next submission;
- in the fallback only (bubblewrap has its own network and IPC namespaces, and the host's
  sockets are not mounted): unix sockets (`socket(AF_UNIX, ...)`; a stream or seqpacket
  `socketpair` may stay, it cannot be aimed anywhere else), io_uring (which makes and
  connects sockets without those calls), SysV IPC and POSIX message queues (objects the
  kernel keeps after their last process is gone).

A classic BPF program built with `struct` (no libseccomp), for the architectures whose
system call numbers it knows; elsewhere `Filter.active` is false and the report says so.
A system call of another ABI (i386 through `int 0x80`, x32) fails whatever it is: no
worker makes one, and the numbers would not be those of the native ABI.
"""
import ctypes
import os
import platform
import struct
import sys

from backprop_lab_check.i18n import N_

ARCHITECTURES = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}  # AUDIT_ARCH_*, little-endian
NUMBERS = {  # name: (x86_64, aarch64); aarch64 uses the generic table (asm-generic/unistd.h)
    "add_key": (248, 217), "request_key": (249, 218), "keyctl": (250, 219),
    "socket": (41, 198), "socketpair": (53, 199),
    "io_uring_setup": (425, 425), "io_uring_enter": (426, 426), "io_uring_register": (427, 427),
    "shmget": (29, 194), "shmat": (30, 196), "shmctl": (31, 195), "shmdt": (67, 197),
    "msgget": (68, 186), "msgsnd": (69, 189), "msgrcv": (70, 188), "msgctl": (71, 187),
    "semget": (64, 190), "semop": (65, 193), "semctl": (66, 191), "semtimedop": (220, 192),
    "mq_open": (240, 180), "mq_unlink": (241, 181), "mq_timedsend": (242, 182),
    "mq_timedreceive": (243, 183), "mq_notify": (244, 184), "mq_getsetattr": (245, 185),
}
KEYRINGS = ("add_key", "request_key", "keyctl")
IO_URING = ("io_uring_setup", "io_uring_enter", "io_uring_register")
SYSV_IPC = ("shmget", "shmat", "shmctl", "shmdt", "msgget", "msgsnd", "msgrcv", "msgctl",
            "semget", "semop", "semctl", "semtimedop", "mq_open", "mq_unlink", "mq_timedsend",
            "mq_timedreceive", "mq_notify", "mq_getsetattr")

_LD_ABS, _JEQ, _JGE, _AND, _RET = 0x20, 0x15, 0x35, 0x54, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, ...
_NR, _ARCH, _ARG0, _ARG1 = 0, 4, 16, 24  # offsets in struct seccomp_data (low words: little-endian)
_ALLOW, _EPERM = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
_X32_BIT = 0x40000000
AF_UNIX, SOCK_STREAM, SOCK_SEQPACKET, SOCK_TYPE_MASK = 1, 1, 5, 0xF
PR_GET_SECCOMP, PR_SET_SECCOMP, PR_SET_NO_NEW_PRIVS, SECCOMP_MODE_FILTER = 21, 22, 38, 2


def architecture():
    """The name of this machine's architecture in ARCHITECTURES, or None."""
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    if sys.platform.startswith("linux") and sys.byteorder == "little" and machine in ARCHITECTURES:
        return machine
    return None


def number(name):
    """The system call number of `name` on this machine (None on an unknown architecture)."""
    arch = architecture()
    return None if arch is None else NUMBERS[name][list(ARCHITECTURES).index(arch)]


def _assemble(lines):
    """BPF from (code, jt, jf, k) tuples whose jump targets may be label names, and label
    names on their own: the bytes of a struct sock_filter array."""
    where, index = {}, 0
    for line in lines:
        if isinstance(line, str):
            where[line] = index
        else:
            index += 1
    program, index = [], 0
    for line in lines:
        if isinstance(line, str):
            continue
        code, jt, jf, k = line
        jt, jf = (where[j] - index - 1 if isinstance(j, str) else j for j in (jt, jf))
        program.append(struct.pack("=HBBI", code, jt, jf, k))
        index += 1
    return b"".join(program)


def build(arch, unix_sockets=False, sysv_ipc=False):
    """The filter for `arch` (a key of ARCHITECTURES), as bytes."""
    column = list(ARCHITECTURES).index(arch)
    denied = KEYRINGS + (IO_URING if unix_sockets else ()) + (SYSV_IPC if sysv_ipc else ())
    lines = [(_LD_ABS, 0, 0, _ARCH), (_JEQ, 0, "deny", ARCHITECTURES[arch]), (_LD_ABS, 0, 0, _NR)]
    if arch == "x86_64":
        lines.append((_JGE, "deny", 0, _X32_BIT))
    lines += [(_JEQ, "deny", 0, NUMBERS[name][column]) for name in dict.fromkeys(denied)]
    if unix_sockets:
        lines += [(_JEQ, "socket", 0, NUMBERS["socket"][column]),
                  (_JEQ, "socketpair", 0, NUMBERS["socketpair"][column])]
    lines += [(_RET, 0, 0, _ALLOW)]
    if unix_sockets:
        lines += ["socket", (_LD_ABS, 0, 0, _ARG0), (_JEQ, "deny", "allow", AF_UNIX),
                  "socketpair", (_LD_ABS, 0, 0, _ARG0), (_JEQ, 0, "allow", AF_UNIX),
                  (_LD_ABS, 0, 0, _ARG1), (_AND, 0, 0, SOCK_TYPE_MASK),
                  (_JEQ, "allow", 0, SOCK_STREAM), (_JEQ, "allow", "deny", SOCK_SEQPACKET)]
    lines += ["deny", (_RET, 0, 0, _EPERM), "allow", (_RET, 0, 0, _ALLOW)]
    return _assemble(lines)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _kernel_has_seccomp():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0
    except (OSError, AttributeError):
        return False


class Filter:
    """The worker's filter, built in the judge. `program` is None where this architecture or
    kernel has no seccomp filter we can build; `install` applies it between fork and exec
    (the fallback), bubblewrap applies `program` itself (`--seccomp FD`)."""

    def __init__(self, unix_sockets=False, sysv_ipc=False):
        arch = architecture()
        self.program, self.missing = None, None  # missing: why there is no program, in words
        if arch is None:
            self.missing = N_("none built for {machine}")  # the judge's words, translated where shown
        elif not _kernel_has_seccomp():
            self.missing = N_("the kernel has no seccomp")
        else:
            self.program = build(arch, unix_sockets, sysv_ipc)
        self.denies = [N_("keyrings")] + ([N_("unix sockets (stream socketpairs excepted)"), "io_uring"]
                                          if unix_sockets else []) \
            + ([N_("SysV IPC or POSIX message queues")] if sysv_ipc else [])
        if self.program is not None:
            self._buffer = ctypes.create_string_buffer(self.program, len(self.program))
            self._fprog = _SockFprog(len(self.program) // 8, ctypes.cast(self._buffer, ctypes.c_void_p))
            self._libc = ctypes.CDLL(None, use_errno=True)

    @property
    def active(self):
        return self.program is not None

    def install(self):
        """In the child between fork and exec. A failure ends the child: a worker that
        should be filtered never runs unfiltered."""
        if self.program is None:
            return
        prctl, ulong = self._libc.prctl, ctypes.c_ulong
        if prctl(PR_SET_NO_NEW_PRIVS, ulong(1), ulong(0), ulong(0), ulong(0)) != 0 or \
                prctl(PR_SET_SECCOMP, ulong(SECCOMP_MODE_FILTER), ctypes.byref(self._fprog), ulong(0), ulong(0)) != 0:
            os.write(2, b"backprop-lab: could not install the seccomp filter\n")
            os._exit(125)
