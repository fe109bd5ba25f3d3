"""The judge's side of the zygote (runtime/zygote.py): starting it for a batch, and asking it
for a worker inside a bubblewrap sandbox the judge has just started.

A batch's fork server starts one zygote (`start`) before it forks judges; each judge inherits
the socket and `current_zygote()` finds it. A sandbox whose worker the zygote can give (bubblewrap,
not CuPy) starts bwrap with `placeholder_command` in place of `python worker.py`, waits for the
placeholder to be running in its namespaces (`wait_ready`), and sends them with the worker's
pipes (`Zygote.spawn`). Without a zygote, or when the zygote is gone, a worker starts cold.
"""
import array
import base64
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .containment import register_child

RUNTIME_DIR = Path(__file__).resolve().parents[1] / "runtime"
RUNTIME_FILES = ("worker.py", "protocol.py", "fakecupy.py", "zygote.py")
# What the course's notebooks import (their first cell): loaded once in the zygote rather
# than by every worker. A worker that does not import them only holds them (copy-on-write).
PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot", "sklearn.datasets")
# What a worker without a zygote imports before its first cell, while the judge still reads the
# notebook: pyplot, which every course notebook imports (a third of a second). scikit-learn's
# data sets take 0.8 s and only some notebooks need them, so they are left to the notebook.
COLD_PRELOAD = ("matplotlib.pyplot",)
# BACKPROP_LAB_ZYGOTE=0: a batch starts no zygote (every worker cold); =always: `grade` starts
# one too (the tests run the hostile submissions through it so).
ZYGOTE_ENV = "BACKPROP_LAB_ZYGOTE"
NAMESPACES = ("cgroup", "ipc", "uts", "net", "pid", "mnt", "user")
READY_TIMEOUT_S = 30.0

_current = None


def current_zygote():
    """The zygote this process may ask for workers, or None."""
    return _current if _current is not None and not _current.lost else None


class ZygoteLost(OSError):
    """The zygote is gone or refused the request: start the worker cold."""


class Zygote:
    def __init__(self, sock, proc, folder):
        self._sock, self._proc, self._folder = sock, proc, folder
        self.lost = False

    def spawn(self, request, fds):
        """Ask for a worker: `request` (see runtime/zygote.py) and its descriptors, sent in one
        message (atomic: judges running side by side share the socket)."""
        payload = json.dumps(request).encode()
        try:
            self._sock.sendmsg([payload], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
        except OSError as exc:
            self.lost = True
            raise ZygoteLost(f"the zygote is gone ({exc})") from None

    def close(self):
        self.lost = True
        try:
            self._sock.close()
        except OSError:
            pass
        if self._proc is not None:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


def start(library_paths, font_cache=None, timeout=60.0):
    """Start this process's zygote (it dies with this process) and make it `current_zygote()`; None
    when it cannot start. Its environment is a worker's (isolation.Confinement.environment),
    with its own folder for home."""
    global _current
    if current_zygote() is not None:
        return _current
    folder = Path(tempfile.mkdtemp(prefix="backprop-lab-zygote-"))
    for name in RUNTIME_FILES:
        shutil.copy2(RUNTIME_DIR / name, folder / name)
    (folder / ".matplotlib").mkdir()
    if font_cache is not None:
        try:
            shutil.copyfile(font_cache, folder / ".matplotlib" / font_cache.name)
        except OSError:
            pass
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "MPLBACKEND": "Agg",
                   "MPLCONFIGDIR": str(folder / ".matplotlib"), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                   "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
                   "LANG": "C.UTF-8", "TMPDIR": str(folder)}
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    ready_r, ready_w = os.pipe()
    config = {"sys_path": list(library_paths), "preload": list(PRELOAD), "socket_fd": theirs.fileno(),
              "ready_fd": ready_w}
    try:
        proc = subprocess.Popen([sys.executable, "-I", "-S", str(folder / "zygote.py"), json.dumps(config)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                pass_fds=(theirs.fileno(), ready_w), env=environment, cwd=str(folder),
                                start_new_session=True)
    except OSError:
        for closing in (ours, theirs):
            closing.close()
        os.close(ready_r)
        os.close(ready_w)
        shutil.rmtree(folder, ignore_errors=True)
        return None
    theirs.close()
    os.close(ready_w)
    try:
        ready = select.select([ready_r], [], [], timeout)[0] and os.read(ready_r, 16) == b"ready\n"
    finally:
        os.close(ready_r)
    if not ready:
        proc.kill()
        proc.wait()
        ours.close()
        shutil.rmtree(folder, ignore_errors=True)
        return None
    register_child(proc.pid)  # the judge's own child, but no orphan of a worker (kill_orphans)
    # Once it is ready it has read everything there (its modules, the font list); workers load
    # the rest from their sandbox's /runtime. Nothing is left behind however the batch ends.
    shutil.rmtree(folder, ignore_errors=True)
    _current = Zygote(ours, proc, None)
    return _current


def placeholder_command():
    """What bwrap runs in place of the worker: says on its stdout that it is up (and closes
    it), then waits for the worker's exit status (from the zygote's child, on its stdin) and
    exits with it, as bwrap's child would have."""
    return ["/bin/sh", "-c", 'echo up; exec >&-; read -r code; exit "${code:-111}"']


def wait_ready(bwrap_pid, ready_fd, deadline):
    """The host pid of the placeholder once it runs inside its sandbox (bwrap -> its init ->
    the placeholder), or None when it does not come up before `deadline`."""
    left = deadline - time.monotonic()
    if left <= 0 or not select.select([ready_fd], [], [], left)[0] or os.read(ready_fd, 16) != b"up\n":
        return None
    parents = _parents()
    level = [bwrap_pid]
    for _ in range(2):
        level = [pid for pid, parent in parents.items() if parent in level]
    shells = [pid for pid in level if _comm(pid) == "sh"]
    return shells[0] if len(shells) == 1 else None


def _parents():
    """{pid: parent pid} of every process, in one pass over /proc."""
    found = {}
    with os.scandir("/proc") as entries:
        for entry in entries:
            if not entry.name.isdigit():
                continue
            try:
                fd = os.open(f"/proc/{entry.name}/stat", os.O_RDONLY)
                try:
                    stat = os.read(fd, 1024)
                finally:
                    os.close(fd)
            except OSError:
                continue
            fields = stat[stat.rfind(b")") + 2:].split(maxsplit=2)
            if len(fields) > 1:
                found[int(entry.name)] = int(fields[1])
    return found


def _comm(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


def open_namespaces(pid):
    """Descriptors of the namespaces of `pid`, as NAMESPACES orders them (those this kernel has)."""
    names, fds = [], []
    try:
        for name in NAMESPACES:
            try:
                fds.append(os.open(f"/proc/{pid}/ns/{name}", os.O_RDONLY | os.O_CLOEXEC))
            except FileNotFoundError:
                continue
            names.append(name)
    except OSError:
        for fd in fds:
            os.close(fd)
        raise
    return names, fds


def seccomp_text(program):
    return base64.b64encode(program).decode("ascii") if program is not None else None
