"""Starting, talking to, timing out and killing the worker that runs student code.

The judge (this process) never executes submission code: it sends requests over a
pipe and receives plain data back (see runtime/protocol.py). A worker that hangs,
dies or exits is killed with its whole process tree and started again on the
next request, replaying the cells that ran before, so one bad call costs only
the check that made it.
"""
import functools
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

from . import containment, seccomp
from .limits import Limits
from .runtime import protocol

MAX_MESSAGE_CHARS = 2000  # of an error message from the worker, as the report keeps it
MAX_CELL_CHARS = 300_000  # one cell, JSON-escaped (up to 12 bytes a character) into a frame header of 4 MiB
RUNTIME_DIR = Path(__file__).resolve().parent / "runtime"
RUNTIME_FILES = ("worker.py", "protocol.py", "fakecupy.py")


class StudentError(Exception):
    """Submission code raised: carries the exception's type, message and location."""

    def __init__(self, type_name, message, where="", context=""):
        super().__init__(message)
        self.type_name, self.message, self.where, self.context = type_name, message, where, context

    def sentence(self):
        where = f" ({self.where})" if self.where else ""
        context = f"{self.context} raised " if self.context else ""
        todo = ": it is not implemented yet" if self.type_name == "NotImplementedError" else ""
        return f"{context}{self.message}{todo}{where}"


class WorkerLost(Exception):
    """The worker timed out, died or broke the protocol during a request. `died`: it was gone
    (killed, exited) rather than slow or speaking nonsense: a check may run once more on a
    fresh worker, since its death may come from code an earlier check ran (a timer, a thread)."""

    def __init__(self, message, died=False):
        super().__init__(message)
        self.died = died


class StaleHandle(Exception):
    """A handle from a worker that has since been restarted."""


class RemoteObject:
    """The judge's view of an object living in the worker: every access is a request."""

    def __init__(self, sandbox, handle, generation):
        self._sandbox, self._handle, self._generation = sandbox, handle, generation

    @property
    def type_name(self):
        return self._handle.type_name

    def __repr__(self):
        return f"<remote {self._handle.type_name}>"

    def _request(self, what, op, timeout=None, **args):
        try:
            return self._sandbox.request(op, timeout=timeout, target=self, **args)
        except StudentError as exc:
            exc.context = what
            raise

    def call(self, method, *args, timeout=None, keep_args=False, **kwargs):
        """`obj.method(*args, **kwargs)`; with keep_args also the args as they were afterwards."""
        reply = self._request(f"{self.type_name}.{method}", "call", timeout=timeout, method=method,
                              args=list(args), kwargs=kwargs, return_args=keep_args)
        return (reply["result"], reply["args"]) if keep_args else reply["result"]

    def get(self, *path):
        """An attribute, or an item below it: get("grads", 0) is obj.grads[0]."""
        return self._request(f"{self.type_name}.{'.'.join(map(str, path))}", "get", path=list(path))

    def ref(self, *path):
        """The worker's own object at `path` (obj.params itself, not a copy), to pass as an argument."""
        return self._request(f"{self.type_name}.{'.'.join(map(str, path))}", "ref", path=list(path))

    def ids(self, *path):
        """id() of each element of a list attribute, to test identity across calls."""
        return self._request(f"{self.type_name}.{path[0]}", "ids", path=list(path))

    def set_item(self, *path, value):
        """obj.path[...] = value, in place."""
        return self._request(f"{self.type_name}.{path[0]}", "set_item", path=list(path), value=value)

    def scan(self, method, args, wrt, points, timeout=None, **kwargs):
        """method(*args) once per row of `points`, with the tensor `wrt` set to that row
        (["arg", k]: the k-th argument; ["param", path]: an array of the object, restored
        afterwards). Each evaluation is an ordinary request, the same as any check's call, so
        a forward cannot tell that it is being differentiated; all of them share one
        call's time limit."""
        deadline = time.monotonic() + (timeout or self._sandbox.limits.call_timeout_s)

        def call(*call_args):
            left = deadline - time.monotonic()
            if left <= 0:
                raise WorkerLost(f"timed out after {timeout or self._sandbox.limits.call_timeout_s:g} s")
            return self.call(method, *call_args, timeout=left, **kwargs)

        if wrt[0] == "arg":
            k = wrt[1]
            return [call(*args[:k], point, *args[k + 1:]) for point in points]
        original = self.get(*wrt[1])
        try:
            outputs = []
            for point in points:
                self.set_item(*wrt[1], value=point)
                outputs.append(call(*args))
            return outputs
        finally:
            self.set_item(*wrt[1], value=original)


def _library_paths():
    """Directories the worker needs: the standard library and the environment's
    site-packages (for NumPy and matplotlib), but not the project checkout."""
    paths = [p for p in sys.path
             if p and os.path.realpath(p).startswith(os.path.realpath(sys.base_prefix))
             and "site-packages" not in p and os.path.exists(p)]
    for key in ("purelib", "platlib"):
        path = sysconfig.get_paths()[key]
        if path not in paths:
            paths.append(path)
    return paths


def bubblewrap_available():
    """bwrap is installed and can create the namespaces we need on this kernel."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    try:
        probe = subprocess.run([bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent",
                                "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


@functools.lru_cache(maxsize=None)
def _bwrap_hardening():
    """The strongest of bwrap's hardening options this bwrap and kernel accept:
    no capabilities even as root (a root worker with capabilities in its user
    namespace could remount the read-only binds writable), and no nested user
    namespaces (bwrap >= 0.8)."""
    base = ["--unshare-user", "--disable-userns"]
    drop = ["--cap-drop", "ALL"] if os.geteuid() == 0 else []
    for options in (base + drop, drop):
        try:
            probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-all", *options, "true"],
                                   capture_output=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return tuple(options)
    return ()


@functools.lru_cache(maxsize=None)
def _bwrap_sizes_tmpfs():
    """bwrap >= 0.5 can cap the size of a tmpfs."""
    try:
        return subprocess.run(["bwrap", "--ro-bind", "/", "/", "--size", "1048576", "--tmpfs", "/tmp", "true"],
                              capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _hidden_paths():
    """The project's own files, which no worker may see even where they lie inside a
    directory it needs (a venv inside the checkout, a non-editable install of the
    grader into site-packages): the checkout, and the `grader` and `reference` packages."""
    import importlib.util

    hidden = {Path(__file__).resolve().parent}
    project = Path(__file__).resolve().parent.parent
    if (project / "reference").is_dir():
        hidden.add(project)
    try:
        spec = importlib.util.find_spec("reference")
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        hidden.add(Path(location).resolve())
    return sorted(hidden)


class Sandbox:
    """One worker at a time for one submission; restarted transparently when lost."""

    def __init__(self, cells, limits=None, isolation="auto", device=None, background=False):
        self.cells = list(cells)
        self.background = background  # the lowest CPU priority: runs on time nothing else wants
        self.limits = limits or Limits()
        if isolation == "auto":
            isolation = "bubblewrap" if bubblewrap_available() else "fallback"
        self.isolation = isolation
        self.device = device  # None, "emulated" or "cupy": what `import numpy as np` gives the cells
        # the trusted helpers of the current check (grader/trusted/: key, source, file name and
        # the names they stand in for during every request), or None
        self.helpers = None
        self.cell_results = [None] * len(self.cells)
        self.generation = 0
        self.restarts = 0
        self.output_bytes = 0
        self.output_dropped = 0
        self._proc = None
        self._ready = False
        self._next_cell = 0
        self._cells_thread = None
        self._started = time.monotonic()
        self._tmp = Path(tempfile.mkdtemp(prefix="backprop-lab-"))
        self._runtime = self._tmp / "runtime"
        self._runtime.mkdir()
        for name in RUNTIME_FILES:
            shutil.copy2(RUNTIME_DIR / name, self._runtime / name)
        self._output_lock = threading.Lock()
        self._landlock = None
        # bubblewrap's namespaces already keep the host's sockets and SysV IPC out of reach
        fallback = isolation != "bubblewrap"
        self._seccomp, self._seccomp_fd = seccomp.Filter(unix_sockets=fallback, sysv_ipc=fallback), None
        self._font_cache, self._font_fd = _matplotlib_font_cache(), None
        containment.become_subreaper()
        containment.protect_judge()
        self._cgroup = containment.Cgroup(self.limits.max_processes, self.limits.memory_mb << 20)

    # -- lifecycle -------------------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._kill()
        self._cgroup.remove()
        if self._landlock is not None:
            self._landlock.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    @property
    def process_limit(self):
        """How the number of processes is capped on this machine, for the report."""
        if self._cgroup.limits_processes():
            return "pids cgroup"
        if os.geteuid() != 0:
            return "RLIMIT_NPROC"
        return "none (root without a writable pids cgroup)"

    @property
    def memory_limit(self):
        """How memory is capped on this machine, for the report."""
        per_process = "RLIMIT_AS per process" if self.device != "cupy" else "none per process (CUDA)"
        if self._cgroup.limits_memory():
            return f"memory cgroup for all the worker's processes, {per_process}"
        return per_process

    @property
    def protections(self):
        """What confined the worker, in words, for the report."""
        found = []
        if self.isolation == "bubblewrap":
            found.append("bubblewrap: own PID, network, IPC, UTS and user namespaces, read-only Python "
                         "environment, private /tmp and scratch, no project files")
            if "--cap-drop" in _bwrap_hardening():
                found.append("no capabilities")
            found.append(self._seccomp_protection())
        else:
            if self._landlock is not None and self._landlock.active:
                found.append(f"Landlock ABI {self._landlock.abi}: " + ", ".join(self._landlock.features))
            elif self._landlock is not None:
                found.append("no Landlock (kernel without it): the worker can read and write "
                             "whatever this user can")
            if os.geteuid() == 0:
                found.append("no capabilities")
            found.append(self._seccomp_protection())
        found.append(f"processes: {self.process_limit}")
        found.append(f"memory: {self.memory_limit}")
        return found

    def _seccomp_protection(self):
        if self._seccomp.active:
            return f"seccomp: no {', no '.join(self._seccomp.denies)}; a fresh, empty session keyring"
        if self.isolation == "bubblewrap":
            return (f"no seccomp filter ({self._seccomp.missing}): keyrings are within reach "
                    "(the worker gets a fresh, empty session keyring and its user namespace's own user keyring)")
        return (f"no seccomp filter ({self._seccomp.missing}): the worker can add keys to this "
                "user's keyrings, connect to unix sockets on the host and leave SysV IPC objects behind "
                "(it gets a fresh, empty session keyring)")

    def time_left(self):
        return self.limits.submission_timeout_s - (time.monotonic() - self._started)

    def _scratch(self):
        scratch = self._tmp / f"scratch{self.generation}"
        scratch.mkdir(exist_ok=True)
        return scratch

    def _command(self, to_worker_r, from_worker_w, scratch):
        python = os.path.realpath(sys.executable)
        inside_scratch = "/scratch" if self.isolation == "bubblewrap" else str(scratch)
        inside_runtime = "/runtime" if self.isolation == "bubblewrap" else str(self._runtime)
        config = {"in_fd": to_worker_r, "out_fd": from_worker_w, "scratch": inside_scratch,
                  "sys_path": _library_paths(), "device": self.device, "background": self.background}
        worker = [sys.executable, "-I", "-S", f"{inside_runtime}/worker.py", json.dumps(config)]
        if self.isolation != "bubblewrap":
            return worker
        size = ["--size", str(self.limits.scratch_mb << 20)] if _bwrap_sizes_tmpfs() else []
        # /proc/sys is covered: files there are global and writable by uid 0 even
        # without capabilities (core_pattern would run a program as the host's root).
        cmd = ["bwrap", "--unshare-all", *_bwrap_hardening(), "--die-with-parent", "--new-session",
               *(["--seccomp", str(self._seccomp_fd)] if self._seccomp_fd is not None else []),
               "--proc", "/proc", "--tmpfs", "/proc/sys", "--remount-ro", "/proc/sys", "--dev", "/dev",
               *size, "--tmpfs", "/tmp", "--ro-bind", "/usr", "/usr"]
        for link in ("bin", "lib", "lib64", "sbin"):
            target = Path("/") / link
            if target.is_symlink():
                cmd += ["--symlink", os.readlink(target), f"/{link}"]
            elif target.is_dir():
                cmd += ["--ro-bind", str(target), f"/{link}"]
        if Path("/etc/ld.so.cache").exists():
            cmd += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
        # The Python installation and the environment's libraries, read-only; the
        # project checkout (reference/, grader/, submissions, reports) stays unseen.
        for path in {sys.base_prefix, sys.prefix, os.path.dirname(python), *_library_paths()}:
            if Path(path).exists() and not path.startswith("/usr/"):
                cmd += ["--ro-bind", path, path]
        bound = [Path(p) for p in ("/usr", sys.base_prefix, sys.prefix, os.path.dirname(python), *_library_paths())]
        for hidden in _hidden_paths():  # e.g. a venv inside the checkout: its project files stay unseen
            if any(hidden == b or b in hidden.parents for b in bound) and hidden.exists():
                cmd += ["--tmpfs", str(hidden)] if hidden.is_dir() else ["--ro-bind", "/dev/null", str(hidden)]
        # Scratch is a size-capped tmpfs: nothing the worker writes reaches the host's disk.
        cmd += ["--ro-bind", str(self._runtime), "/runtime", *size, "--tmpfs", "/scratch",
                "--chdir", "/scratch"]
        if self._font_fd is not None:  # a copy of the judge's matplotlib font list, in the tmpfs
            cmd += ["--dir", "/scratch/.matplotlib", "--file", str(self._font_fd),
                    f"/scratch/.matplotlib/{self._font_cache.name}"]
        if self.device == "cupy":  # the GPU's device files (nothing else of /dev) and a CUDA outside /usr
            cmd += [arg for node in sorted(Path("/dev").glob("nvidia*")) for arg in ("--dev-bind", str(node), str(node))]
            cuda = {os.environ.get(key, "") for key in ("CUDA_PATH", "CUDA_HOME")} - {""}
            cmd += [arg for path in sorted(cuda) if Path(path).is_dir() and not path.startswith("/usr/")
                    for arg in ("--ro-bind", path, path)]
        return cmd + worker

    def _environment(self, scratch):
        home = "/scratch" if self.isolation == "bubblewrap" else str(scratch)
        return {"PATH": "/usr/bin:/bin", "HOME": home, "MPLBACKEND": "Agg",
                "MPLCONFIGDIR": f"{home}/.matplotlib", "OMP_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
                "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8",
                "TMPDIR": "/tmp" if self.isolation == "bubblewrap" else home,
                **(_cuda_environment(home) if self.device == "cupy" else {})}

    def _apply_limits(self):
        """Runs in the child between fork and exec."""
        mb = 1 << 20
        if self.background:
            containment.lower_priority()
        if self.device != "cupy":  # CUDA reserves far more address space than it uses
            resource.setrlimit(resource.RLIMIT_AS, (self.limits.memory_mb * mb,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (self.limits.cpu_time_s, self.limits.cpu_time_s + 5))
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.limits.file_size_mb * mb,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if os.geteuid() != 0:  # root ignores RLIMIT_NPROC; the cgroup covers that case
            resource.setrlimit(resource.RLIMIT_NPROC, (self._user_processes + self.limits.max_processes,) * 2)
        self._cgroup.join()
        containment.fresh_session_keyring()  # bubblewrap inherits it
        if self.isolation != "bubblewrap":
            containment.drop_capabilities()
            if self._landlock is not None:
                self._landlock.restrict_self()
            self._seccomp.install()
        containment.die_with_parent()

    def _start(self):
        if self._proc is None:
            self._spawn()
        self._request_raw("hello", {}, timeout=min(30, max(self.time_left(), 1)))
        self._ready = True
        self._replay_cells()

    def _confine(self, scratch):
        """The fallback's Landlock ruleset for this generation's worker: read the Python
        environment and the runtime, write only the scratch directory."""
        if self._landlock is not None:
            self._landlock.close()
        python = os.path.realpath(sys.executable)
        reads = ["/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc/ld.so.cache", "/etc/localtime",
                 "/dev/urandom", "/dev/random", "/dev/zero", sys.base_prefix, sys.prefix,
                 os.path.dirname(python), os.path.dirname(sys.executable), *_library_paths(), str(self._runtime)]
        writes = [str(scratch), "/dev/null"]
        if self.device == "cupy":  # the driver also reads /proc/driver/nvidia and /sys
            writes += [str(node) for node in sorted(Path("/dev").glob("nvidia*"))]
            reads += [os.environ[key] for key in ("CUDA_PATH", "CUDA_HOME") if os.environ.get(key)]
            reads += ["/proc", "/sys"]
        self._landlock = containment.Landlock(reads, writes, hidden=_hidden_paths())

    def _open_font_cache(self, scratch):
        """Give each worker the judge's matplotlib font list, so that `import
        matplotlib.pyplot` in a fresh worker (every restart) does not rebuild it (about
        half a second). Bubblewrap copies it from a file descriptor into the tmpfs."""
        if self._font_cache is None:
            return None
        try:
            if self.isolation != "bubblewrap":
                (scratch / ".matplotlib").mkdir(exist_ok=True)
                shutil.copyfile(self._font_cache, scratch / ".matplotlib" / self._font_cache.name)
                return None
            return os.open(self._font_cache, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return None

    def _spawn(self):
        self._ready = False
        self.generation += 1
        self._user_processes = _count_own_processes() if os.geteuid() != 0 else 0
        scratch = self._scratch()
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        os.set_blocking(to_worker_w, False)  # writes have a deadline too (protocol._write_all)
        if self.isolation != "bubblewrap":
            self._confine(scratch)
        self._font_fd = self._open_font_cache(scratch)
        if self.isolation == "bubblewrap" and self._seccomp.active:  # bwrap reads the filter from a pipe
            self._seccomp_fd, seccomp_w = os.pipe()
            os.write(seccomp_w, self._seccomp.program)
            os.close(seccomp_w)
        extra_fds = tuple(fd for fd in (self._font_fd, self._seccomp_fd) if fd is not None)
        try:
            self._proc = subprocess.Popen(
                self._command(to_worker_r, from_worker_w, scratch),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                pass_fds=(to_worker_r, from_worker_w, *extra_fds), env=self._environment(scratch),
                cwd=str(scratch), start_new_session=True, preexec_fn=self._apply_limits)
        except (OSError, subprocess.SubprocessError) as exc:
            for fd in (to_worker_w, from_worker_r):
                os.close(fd)
            raise WorkerLost(f"the worker could not be started: {exc}") from None
        finally:
            for fd in (to_worker_r, from_worker_w, *extra_fds):
                os.close(fd)
            self._font_fd = self._seccomp_fd = None
        self._to_worker, self._from_worker = to_worker_w, from_worker_r
        containment.register_worker(self._proc.pid)
        threading.Thread(target=self._drain, args=(self._proc.stdout,), daemon=True).start()

    def _drain(self, stream):
        """Keep the first `output_bytes` of the worker's output, drop the rest."""
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not chunk:
                return
            with self._output_lock:
                keep = max(0, self.limits.output_bytes - self.output_bytes)
                self.output_bytes += min(keep, len(chunk))
                self.output_dropped += len(chunk) - min(keep, len(chunk))

    def _kill(self):
        proc, self._proc = self._proc, None
        if proc is None:
            return
        containment.unregister_worker(proc.pid)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        # Whatever left the process group (setsid, double fork) is in our cgroup or
        # was re-parented to us as subreaper.
        self._cgroup.kill_all()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        containment.kill_orphans()
        for fd in (self._to_worker, self._from_worker):
            try:
                os.close(fd)
            except OSError:
                pass
        if proc.stdout:
            proc.stdout.close()

    # -- cells ------------------------------------------------------------------
    def run_cells(self):
        """Run every cell once, in order; a failing or hanging cell does not stop the rest."""
        while self._next_cell < len(self.cells):
            self._run_cell(self._next_cell)
            self._next_cell += 1
        return self.cell_results

    def start_cells(self):
        """Spawn the worker from this thread and run the cells from a background thread,
        so the judge can load its checks meanwhile; `finish_cells` waits for them.

        The worker's parent-death signal follows the thread that forked it, so the
        background thread never spawns: when a cell costs the worker its life, it stops
        and `finish_cells` carries on from the calling thread."""
        self._spawn()
        self._cells_thread = threading.Thread(target=self._run_cells_until_lost, daemon=True)
        self._cells_thread.start()

    def _run_cells_until_lost(self):
        try:
            while self._next_cell < len(self.cells) and self._proc is not None:
                if not self._ready:
                    self._request_raw("hello", {}, timeout=min(30, max(self.time_left(), 1)))
                    self._ready = True
                self._run_cell(self._next_cell)
                self._next_cell += 1
        except (WorkerLost, StudentError):
            pass  # the worker is gone: finish_cells goes on from the calling thread

    def finish_cells(self):
        if self._cells_thread is not None:
            self._cells_thread.join()
            self._cells_thread = None
        return self.run_cells()

    def _run_cell(self, index):
        if self.time_left() <= 0:
            self.cell_results[index] = {"status": "timeout", "message": "not run: the submission's time budget is spent"}
            return
        if len(self.cells[index]) > MAX_CELL_CHARS:
            self.cell_results[index] = {"status": "error", "message": f"not run: the cell has {len(self.cells[index])} "
                                        f"characters, over the limit of {MAX_CELL_CHARS}"}
            return
        try:
            if self._proc is None or not self._ready:
                self._start()
            timeout = min(self.limits.cell_timeout_s, self.time_left())
            self.cell_results[index] = self._cell_result(self._request_raw(
                "run_cell", {"source": self.cells[index], "index": index + 1}, timeout=timeout))
        except WorkerLost as exc:
            self.cell_results[index] = {"status": "timeout" if "timed out" in str(exc) else "error",
                                        "message": str(exc)}
        except StudentError as exc:  # only a worker whose channel the cell took over replies so
            self._lose()
            self.cell_results[index] = {"status": "error", "message": f"the worker broke the protocol ({exc.sentence()})"}

    def _cell_result(self, value):
        """A cell's outcome as the worker reported it, checked: the cell may have taken
        over the worker's channel and sent anything."""
        if not isinstance(value, dict) or value.get("status") not in ("ok", "error", "timeout") \
                or not isinstance(value.get("message", ""), str):
            self._lose()
            return {"status": "error", "message": "the worker sent a malformed reply (the cell took over its channel?)"}
        return {"status": value["status"], "message": value.get("message", "")[:MAX_MESSAGE_CHARS]}

    def _replay_cells(self):
        """After a restart, re-run the cells that ran cleanly before (in order)."""
        for index, result in enumerate(self.cell_results):
            if result is not None and result["status"] == "ok":
                try:
                    self._request_raw("run_cell", {"source": self.cells[index], "index": index + 1},
                                      timeout=min(self.limits.cell_timeout_s, max(self.time_left(), 1)))
                except StudentError:
                    self._lose()
                    raise WorkerLost("the worker broke the protocol while its cells were replayed") from None

    # -- requests ---------------------------------------------------------------
    def _request_raw(self, op, args, timeout):
        deadline = time.monotonic() + max(0.0, timeout)
        if self._proc is None:
            raise WorkerLost("the worker is not running")
        try:
            protocol.write_frame(self._to_worker, {"op": op, **args}, deadline=deadline)
            reply = protocol.read_frame(self._from_worker, deadline=deadline)
        except protocol.ChannelTimeout:
            self._lose()
            raise WorkerLost(f"timed out after {timeout:g} s") from None
        except (protocol.ChannelClosed, BrokenPipeError):
            try:
                code = self._proc.wait(timeout=2) if self._proc else None
            except subprocess.TimeoutExpired:
                code = None
            self._lose()
            if code is not None and code > 128 and self.isolation == "bubblewrap":
                code = 128 - code  # bwrap exits with 128 + the signal that killed the worker
            raise WorkerLost(_death_reason(code), died=True) from None
        except (protocol.ProtocolError, OSError) as exc:
            self._lose()
            raise WorkerLost(f"the worker broke the protocol: {str(exc)[:200]}") from None
        except Exception as exc:  # a frame that decodes into nonsense (nesting, shapes, types)
            self._lose()
            raise WorkerLost(f"the worker sent a malformed reply ({type(exc).__name__})") from None
        if not isinstance(reply, dict) or reply.get("ok") not in (True, False):
            self._lose()
            raise WorkerLost("the worker sent a malformed reply")
        if reply["ok"] is False:
            raise StudentError(str(reply.get("type", "Error"))[:100], str(reply.get("message", ""))[:MAX_MESSAGE_CHARS],
                               str(reply.get("where", ""))[:500])
        return reply.get("value")

    def _lose(self):
        self._kill()
        self.restarts += 1

    def request(self, op, timeout=None, **args):
        """Send one request; RemoteObjects in args become handles, handles in the reply RemoteObjects."""
        if self.time_left() <= 0:
            raise WorkerLost("the submission's time budget is spent")
        if self._proc is not None and self._proc.poll() is not None:
            self._lose()  # it died between requests: not this request's doing, so a fresh worker takes it
        if self._proc is None or not self._ready:
            self._start()
        timeout = min(timeout or self.limits.call_timeout_s, self.time_left())
        args = self._outgoing(args)
        if self.helpers is None:
            return self._incoming(self._request_raw(op, args, timeout))
        short = {"key": self.helpers["key"], "twins": self.helpers["twins"]}
        try:
            return self._incoming(self._request_raw(op, {**args, "helpers": short}, timeout))
        except StudentError as exc:
            if exc.type_name != "HelpersMissing":
                raise
        # their first use in this worker: the source comes along
        return self._incoming(self._request_raw(op, {**args, "helpers": self.helpers}, timeout))

    def _outgoing(self, value):
        if isinstance(value, RemoteObject):
            if value._generation != self.generation or value._sandbox is not self:
                raise StaleHandle("this object belonged to a worker that was restarted")
            return value._handle
        if isinstance(value, dict):
            return {k: self._outgoing(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self._outgoing(v) for v in value)
        return value

    def _incoming(self, value):
        if isinstance(value, protocol.Handle):
            return RemoteObject(self, value, self.generation)
        if isinstance(value, dict):
            return {k: self._incoming(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self._incoming(v) for v in value)
        return value


def _matplotlib_font_cache():
    """The judge's own matplotlib font list (fontlist-v*.json), if it has one."""
    folder = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    try:
        found = sorted(Path(folder).glob("fontlist-v*.json"), key=lambda p: p.stat().st_mtime)
    except OSError:
        return None
    return found[-1] if found and found[-1].stat().st_size < (16 << 20) else None


def _cuda_environment(home):
    """What CuPy needs to find the CUDA libraries and cache its kernels."""
    env = {key: os.environ[key] for key in ("CUDA_PATH", "CUDA_HOME", "CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH")
           if key in os.environ}
    return {**env, "CUPY_CACHE_DIR": f"{home}/.cupy"}


def _count_own_processes():
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if entry.stat().st_uid == uid:
                count += 1
        except OSError:
            pass
    return count


def _death_reason(code):
    if code is None:
        return "the worker closed its channel"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        hint = " (memory limit?)" if name in ("SIGKILL", "SIGSEGV") else " (CPU time limit)" if name == "SIGXCPU" else ""
        return f"the worker was killed by {name}{hint}"
    return f"the worker exited with status {code}"
