"""Keeping every process a submission starts on a leash, and killing them all.

Layers, each used when the machine allows it:
- the judge is a child subreaper (prctl), so an orphaned or double-forked
  process is re-parented to the judge instead of init and can be found;
- the judge is not dumpable, so a worker running as the same user can neither
  ptrace it nor read /proc/<judge>/mem, environ, cwd or root;
- a cgroup of our own (pids and memory; v1 or v2, when writable) caps the number
  of processes and the memory of the whole tree, and lets us kill every member
  even after it left the process group (setsid, double fork);
- RLIMIT_NPROC caps processes when we are not root (root ignores it);
- in the fallback isolation, Landlock (Linux >= 5.13) limits the worker to
  reading the Python environment and writing its scratch directory, and, where
  the kernel has them, forbids TCP and signals to processes outside the sandbox;
  as root the worker also loses every capability;
- every worker gets a fresh, empty session keyring of its own instead of the
  judge's, and a seccomp filter (seccomp.py) keeps keyrings, and in the fallback
  unix sockets and SysV IPC, out of its reach.
Workers also die with the judge (PR_SET_PDEATHSIG), and under bubblewrap the
PID namespace dies with its init.
"""
import ctypes
from contextlib import suppress
import os
import re
import signal
import struct
import sys
import time
import uuid
from pathlib import Path

from backprop_lab_check.i18n import N_

from .seccomp import number as syscall_number

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_SECUREBITS = 28
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
KEYCTL_JOIN_SESSION_KEYRING = 1
# SECBIT_NOROOT(+LOCKED): uid 0 gets no capabilities from execve; KEEP_CAPS_LOCKED;
# NO_CAP_AMBIENT_RAISE(+LOCKED).
SECUREBITS_NO_ROOT = (1 << 0) | (1 << 1) | (1 << 5) | (1 << 6) | (1 << 7)
CGROUP_PREFIX = "backprop-lab-"
_libc = None


def _lib():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _prctl(option, value, arg3=0):
    try:
        return _lib().prctl(option, value, arg3, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def become_subreaper():
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def protect_judge():
    """No ptrace, no /proc/<judge>/mem, environ, cwd or root for same-user processes."""
    return _prctl(PR_SET_DUMPABLE, 0)


def die_with_parent():
    """In the child between fork and exec: SIGKILL when the judge goes away."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def lower_priority():
    """In the child between fork and exec: the lowest CPU priority (the worker also lowers
    its session's, see runtime/worker.py)."""
    with suppress(OSError):
        os.nice(19)


def drop_capabilities():
    """In the child between fork and exec, when we are root: keep uid 0 (the Python
    environment may only be readable by root) but hold no capability now or after
    execve, and gain none from setuid binaries."""
    if os.geteuid() != 0:
        return
    for cap in range(64):
        if not _prctl(PR_CAPBSET_DROP, cap) and ctypes.get_errno() == 22:  # EINVAL: past the last cap
            break
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    _prctl(PR_SET_SECUREBITS, SECUREBITS_NO_ROOT)
    _prctl(PR_SET_NO_NEW_PRIVS, 1)


def fresh_session_keyring():
    """In the child between fork and exec: a new, empty, anonymous session keyring in place
    of the judge's, which exec and bubblewrap would pass on; it goes when the worker does.
    Where keyctl is refused (a container's seccomp profile), so it is to the worker."""
    nr = syscall_number("keyctl")
    try:
        return nr is not None and _lib().syscall(ctypes.c_long(nr), ctypes.c_long(KEYCTL_JOIN_SESSION_KEYRING),
                                                 None) >= 0
    except (OSError, AttributeError):
        return False


def children_of(pid):
    """Processes whose parent is `pid` (read from /proc; empty where there is no /proc)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces: split after it.
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


_own_children = set()  # children this judge made and reaps itself: never orphans


def register_child(pid):
    """`pid`, a child of this process (a sandbox's worker, the zygote, a plot drawn in a fork), is
    reaped by whoever made it: kill_orphans leaves it alone."""
    _own_children.add(pid)


def unregister_child(pid):
    _own_children.discard(pid)


def kill_orphans():
    """SIGKILL every child of the judge that it did not register (whatever was
    re-parented to us as subreaper), and reap exactly those (for at most about a second)."""
    for _ in range(1000):
        pids = [pid for pid in children_of(os.getpid()) if pid not in _own_children]
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        alive = False
        for pid in pids:
            try:
                alive |= os.waitpid(pid, os.WNOHANG)[0] == 0
            except ChildProcessError:
                pass
        if alive:  # SIGKILLed, they die within a millisecond or two; most are zombies already
            time.sleep(0.001)


# ---------------------------------------------------------------- cgroups

def _own_cgroups():
    """{controller: path of our own cgroup}, with "" for the unified (v2) hierarchy."""
    own = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return own
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        for controller in parts[1].split(",") if parts[1] else [""]:
            own[controller] = parts[2]
    return own


def _alive(pid):
    return Path(f"/proc/{pid}").exists()


def _members(path):
    try:
        return [int(p) for p in (path / "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return []


def _kill_members(paths, rounds=1000):
    """SIGKILL what is in the cgroups `paths` until they are empty (`rounds` milliseconds at most)."""
    for path in paths:
        kill_file = path / "cgroup.kill"  # v2, Linux >= 5.14: atomic, no fork race
        if kill_file.exists():
            try:
                kill_file.write_text("1")
            except OSError:
                pass
    for _ in range(rounds):
        pids = {pid for path in paths for pid in _members(path)}
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.001)  # a killed process leaves its cgroup within a millisecond or two


def _rmdir(path, tries=100):
    for _ in range(tries):
        try:
            path.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError:
            time.sleep(0.01)
    return False


class Cgroup:
    """Cgroups of our own for one sandbox, one per hierarchy we can write to:
    v1 `pids` and `memory`, or a v2 cgroup (limits where its parent delegates
    the controllers; always usable to list and kill every member).

    Names carry the judge's pid, so a later judge removes the cgroups of one
    that was killed (kill -9) before it could clean up."""

    def __init__(self, max_processes, memory_bytes):
        self.paths = {}          # "pids" / "memory" / "unified" -> Path
        self.limits = set()      # which limits are enforced: "pids", "memory"
        name = f"{CGROUP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        root = Path("/sys/fs/cgroup")
        own = _own_cgroups()
        v1 = {"pids": ("pids.max", str(max_processes)),
              "memory": ("memory.limit_in_bytes", str(memory_bytes))}
        for controller, (limit_file, value) in v1.items():
            base = root / controller
            if controller in own and (base / "cgroup.procs").exists():
                path = self._make(base / own[controller].lstrip("/"), name, [(limit_file, value)])
                if path is not None:
                    self.paths[controller] = path
                    self.limits.add(controller)
                    if controller == "memory":  # no swapping around the limit, where swap is accounted
                        self._try_write(path / "memory.memsw.limit_in_bytes", value)
        if "" in own:
            unified = root if (root / "cgroup.controllers").exists() else root / "unified"
            if (unified / "cgroup.procs").exists():
                wanted = [(f, v) for f, v in (("pids.max", str(max_processes)), ("memory.max", str(memory_bytes)),
                                              ("memory.swap.max", "0"))
                          if (f.split(".")[0] not in self.limits)]
                path = self._make(unified / own[""].lstrip("/"), name, wanted, required=False)
                if path is not None:
                    self.paths["unified"] = path
                    for limit_file, _ in wanted:
                        if (path / limit_file).exists() and limit_file != "memory.swap.max":
                            self.limits.add(limit_file.split(".")[0])

    @staticmethod
    def _try_write(path, value):
        try:
            path.write_text(value)
            return True
        except OSError:
            return False

    def _make(self, parent, name, settings, required=True):
        if not parent.is_dir():
            return None
        self._remove_stale(parent)
        path = parent / name
        try:
            path.mkdir()
        except OSError:
            return None
        for limit_file, value in settings:
            if not self._try_write(path / limit_file, value) and required:
                _rmdir(path, tries=1)
                return None
        return path

    @staticmethod
    def _remove_stale(parent):
        """Cgroups left by a judge that died without cleaning up (its pid is gone)."""
        try:
            entries = list(parent.iterdir())
        except OSError:
            return
        for entry in entries:
            match = re.fullmatch(re.escape(CGROUP_PREFIX) + r"(\d+)-[0-9a-f]+", entry.name)
            if match and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1))):
                _kill_members([entry], rounds=100)
                _rmdir(entry, tries=3)

    @property
    def active(self):
        return bool(self.paths)

    def limits_processes(self):
        return "pids" in self.limits

    def limits_memory(self):
        return "memory" in self.limits

    def join(self):
        """In the child between fork and exec: move ourselves into every cgroup."""
        for path in self.paths.values():
            try:
                (path / "cgroup.procs").write_text("0")
            except OSError:
                pass

    def members(self):
        return sorted({pid for path in self.paths.values() for pid in _members(path)})

    def kill_all(self):
        if self.paths:
            _kill_members(list(self.paths.values()))

    def remove(self):
        self.kill_all()
        for path in self.paths.values():
            _rmdir(path)
        self.paths = {}


# ---------------------------------------------------------------- Landlock

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # the same on every architecture
_RULE_PATH_BENEATH = 1
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_MAKE_CHAR, FS_MAKE_BLOCK, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 6, 1 << 11, 1 << 14, 1 << 15
_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
_READ_RIGHTS = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
_NET_TCP = (1 << 0) | (1 << 1)            # bind, connect (ABI 4)
_SCOPES = (1 << 0) | (1 << 1)             # abstract unix sockets, signals (ABI 6)


def landlock_abi():
    """The Landlock ABI version the kernel offers, 0 when it has none."""
    if not sys.platform.startswith("linux"):  # the syscall numbers below are Linux's
        return 0
    try:
        libc = _lib()
        libc.syscall.restype = ctypes.c_long
        version = libc.syscall(ctypes.c_long(_SYS_CREATE_RULESET), None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    except (OSError, AttributeError):
        return 0
    return max(0, int(version))


def _handled_fs(abi):
    return (1 << {1: 13, 2: 14, 3: 15, 4: 15}.get(abi, 16)) - 1


def _expand(root, hidden):
    """`root` as a list of paths that together cover it except the hidden ones inside
    it (a root inside a hidden directory, such as a venv in the checkout, stays whole)."""
    root = Path(root)
    if root in hidden:
        return []
    if not any(root in h.parents for h in hidden):
        return [root]
    out = []
    try:
        children = sorted(root.iterdir())
    except OSError:
        return []
    for child in children:
        out += _expand(child, hidden)
    return out


class Landlock:
    """A Landlock ruleset, built in the judge, applied by the worker before exec:
    read (and execute) `read_paths` except `hidden`, read and write `write_paths`,
    and, as far as the kernel's ABI goes, no TCP and no signals or abstract unix
    sockets outside the sandbox. Everything else on the filesystem is out of reach,
    /proc and /sys included."""

    def __init__(self, read_paths, write_paths, hidden=()):
        self.abi = landlock_abi()
        self.fd = None
        self.features = []
        if self.abi < 1:
            return
        libc = _lib()
        handled_fs = _handled_fs(self.abi)
        attr = struct.pack("=QQQ", handled_fs, _NET_TCP if self.abi >= 4 else 0, _SCOPES if self.abi >= 6 else 0)
        size = 8 if self.abi < 4 else 16 if self.abi < 6 else 24
        fd = libc.syscall(ctypes.c_long(_SYS_CREATE_RULESET), attr, ctypes.c_size_t(size), ctypes.c_uint32(0))
        if fd < 0:
            return
        hidden = [Path(os.path.realpath(h)) for h in hidden]
        write = handled_fs & ~(FS_MAKE_CHAR | FS_MAKE_BLOCK)
        try:
            for path in dict.fromkeys(os.path.realpath(p) for p in read_paths if os.path.exists(p)):
                for part in _expand(path, hidden):
                    self._add(fd, part, _READ_RIGHTS)
            for path in write_paths:
                if os.path.exists(path):
                    self._add(fd, path, write)
        except OSError:
            os.close(fd)
            return
        self.fd = fd
        self.features = [N_("filesystem")] + ([N_("no TCP")] if self.abi >= 4 else []) + \
            ([N_("no signals outside")] if self.abi >= 6 else [])  # words for the report, translated there

    @staticmethod
    def _add(ruleset, path, rights):
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            return
        try:
            if not os.path.isdir(path):
                rights &= _FILE_RIGHTS
            rule = struct.pack("=Qi", rights, fd)
            if _lib().syscall(ctypes.c_long(_SYS_ADD_RULE), ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                              rule, ctypes.c_uint32(0)) != 0:
                raise OSError(ctypes.get_errno(), f"landlock_add_rule({path})")
        finally:
            os.close(fd)

    @property
    def active(self):
        return self.fd is not None

    def restrict_self(self):
        """In the child between fork and exec. A failure ends the child: a worker
        that should be confined never runs unconfined."""
        if self.fd is None:
            return
        ok = _prctl(PR_SET_NO_NEW_PRIVS, 1) and \
            _lib().syscall(ctypes.c_long(_SYS_RESTRICT_SELF), ctypes.c_int(self.fd), ctypes.c_uint32(0)) == 0
        if not ok:
            os.write(2, b"backprop-lab: could not apply the Landlock ruleset\n")
            os._exit(125)

    def close(self):
        if self.fd is not None:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = None
