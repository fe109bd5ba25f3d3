"""Starting, talking to, timing out and killing the worker that runs student code.

The judge (this process) never executes submission code: it sends requests over a
pipe and receives plain data back (see runtime/protocol.py). A worker that hangs,
dies or exits is killed with its whole process tree and started again on the
next request, replaying the cells that ran before, so one bad call costs only
the check that made it.
"""
import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import backprop_lab_check
from backprop_lab_check.i18n import _

from ..limits import Limits
from .containment import become_subreaper, kill_orphans, protect_judge, register_child, unregister_child
from .isolation import Confinement, bubblewrap_available
from .remote import RemoteObject, StaleHandle, StudentRaised, WorkerLost
from .zygote import READY_TIMEOUT_S, ZygoteLost, current_zygote, open_namespaces, placeholder_command, wait_ready

MAX_MESSAGE_CHARS = 2000  # of an error message from the worker, as the report keeps it
MAX_CELL_CHARS = 300_000  # one cell, JSON-escaped (up to 12 bytes a character) into a frame header of 4 MiB
RUNTIME_DIR = Path(__file__).resolve().parents[1] / "runtime"
RUNTIME_FILES = ("worker.py", "protocol.py", "fakecupy.py")
# The student-facing package the notebooks import (`check`, `datasets.load_digits`): a copy
# beside the runtime, since the worker sees nothing of the checkout. It holds no reference and
# no hidden check, only what every student's kernel has.
STUDENT_PACKAGE = Path(backprop_lab_check.__file__).resolve().parent


_runtime = None  # this process's copy of the worker's runtime: Path, and the pid that made it


def runtime_folder():
    """The worker's runtime and the student package, copied once per judge process (and in a
    batch once in the fork server, whose judges inherit it): every worker reads it, none can
    write it (bubblewrap binds it read-only, the fallback's Landlock allows only reading), so
    the sandboxes of one process, and of one batch, share it. The process that made it removes it
    when it exits."""
    global _runtime
    if _runtime is None or not _runtime[0].is_dir():
        folder = Path(tempfile.mkdtemp(prefix="backprop-lab-runtime-"))
        for name in RUNTIME_FILES:
            shutil.copy2(RUNTIME_DIR / name, folder / name)
        shutil.copytree(STUDENT_PACKAGE, folder / STUDENT_PACKAGE.name)
        _runtime = folder, os.getpid()
        atexit.register(_remove_runtime, *_runtime)
    return _runtime[0]


def _remove_runtime(folder, maker):
    if os.getpid() == maker:  # not in a forked judge: the fork server's other judges still use it
        shutil.rmtree(folder, ignore_errors=True)


def prepare_judge():
    """Once per judge process, before its first worker: the judge becomes the subreaper of
    what its workers leave orphaned, and not dumpable (no worker can ptrace it or read its
    memory)."""
    become_subreaper()
    protect_judge()


class Sandbox:
    """One worker at a time for one submission; restarted transparently when lost."""

    def __init__(self, cells=(), limits=None, isolation="auto", device=None, background=False, preload=(),
                 threads=1):
        """`preload`: modules the worker imports after NumPy, before its first request; `threads`:
        of its BLAS (NumPy's matrix products)."""
        self.cells = list(cells)
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
        self._output = None
        self._ready = False
        self._next_cell = 0
        self._cells_thread = None
        self._started = time.monotonic()
        self._tmp = Path(tempfile.mkdtemp(prefix="backprop-lab-"))
        self._output_lock = threading.Lock()
        self.confinement = Confinement(isolation, self.limits, runtime_folder(), device, background, preload, threads)

    # -- lifecycle -------------------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._kill()
        self.confinement.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    @property
    def protections(self):
        return self.confinement.protections

    def time_left(self):
        return self.limits.submission_timeout_s - (time.monotonic() - self._started)

    def _scratch(self):
        scratch = self._tmp / f"scratch{self.generation}"
        scratch.mkdir(exist_ok=True)
        return scratch

    def _start(self):
        if self._proc is None:
            self._spawn()
        self._request_raw("hello", {}, timeout=min(30, max(self.time_left(), 1)))
        self._ready = True
        self._replay_cells()

    def _spawn(self):
        self._ready = False
        self.generation += 1
        scratch = self._scratch()
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        os.set_blocking(to_worker_w, False)  # writes have a deadline too (protocol._write_all)
        extra_fds = self.confinement.prepare(scratch)
        confinement = self.confinement
        forked = current_zygote() if confinement.forkable else None
        if forked is not None:
            try:
                self._proc, output = self._spawn_forked(forked, to_worker_r, from_worker_w, scratch, extra_fds)
            except (OSError, subprocess.SubprocessError):
                forked = None  # cold, as without a zygote: bwrap has read the filter, so again
                confinement.started()
                extra_fds = confinement.prepare(scratch)
        try:
            if forked is None:
                self._proc = subprocess.Popen(
                    confinement.command(to_worker_r, from_worker_w, scratch),
                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                    pass_fds=(to_worker_r, from_worker_w, *extra_fds), env=confinement.environment(scratch),
                    cwd=str(scratch), start_new_session=True, preexec_fn=confinement.before_exec)
                output = self._proc.stdout
        except (OSError, subprocess.SubprocessError) as exc:
            for fd in (to_worker_w, from_worker_r):
                os.close(fd)
            raise WorkerLost(_("the worker could not be started: {error}").format(error=exc)) from None
        finally:
            for fd in (to_worker_r, from_worker_w):
                os.close(fd)
            confinement.started()
        self._to_worker, self._from_worker, self._output = to_worker_w, from_worker_r, output
        register_child(self._proc.pid)
        threading.Thread(target=self._drain, args=(output,), daemon=True).start()

    def _spawn_forked(self, forked, to_worker_r, from_worker_w, scratch, extra_fds):
        """bwrap with a placeholder, and the worker from the zygote inside its namespaces:
        (bwrap's Popen, the worker's output stream). Where the zygote fails, the worker
        starts cold (and so does every later one)."""
        confinement = self.confinement
        output_r, output_w = os.pipe()
        status_r, status_w = os.pipe()
        ready_r, ready_w = os.pipe()
        proc = None
        try:
            proc = subprocess.Popen(
                confinement.command(None, None, scratch, placeholder=placeholder_command()),
                stdin=status_r, stdout=ready_w, stderr=output_w, pass_fds=extra_fds,
                env=confinement.environment(scratch), cwd=str(scratch), start_new_session=True,
                preexec_fn=confinement.before_exec)
            os.close(status_r)
            os.close(ready_w)
            status_r = ready_w = None
            inside = wait_ready(proc.pid, ready_r, time.monotonic() + READY_TIMEOUT_S)
            if inside is None:
                raise ZygoteLost("the sandbox did not come up")
            names, namespaces = open_namespaces(inside)
            try:
                forked.spawn({**confinement.zygote_request(scratch), "namespaces": names},
                             [*namespaces, to_worker_r, from_worker_w, output_w, status_w])
            finally:
                for fd in namespaces:
                    os.close(fd)
        except (OSError, subprocess.SubprocessError):
            if proc is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            for fd in (output_r, output_w, status_r, status_w, ready_r, ready_w):
                if fd is not None:
                    os.close(fd)
            forked.lost = True
            raise
        for fd in (output_w, status_w, ready_r):
            os.close(fd)
        return proc, os.fdopen(output_r, "rb", buffering=0)

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
        unregister_child(proc.pid)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        # Whatever left the process group (setsid, double fork) is in our cgroup or
        # was re-parented to us as subreaper.
        self.confinement.cgroup.kill_all()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        kill_orphans()
        for fd in (self._to_worker, self._from_worker):
            try:
                os.close(fd)
            except OSError:
                pass
        if self._output:
            self._output.close()

    # -- cells ------------------------------------------------------------------
    def run_cells(self):
        """Run every cell once, in order; a failing or hanging cell does not stop the rest."""
        while self._next_cell < len(self.cells):
            self._run_cell(self._next_cell)
            self._next_cell += 1
        return self.cell_results

    def spawn(self):
        """Start the worker now, before its cells are known (`start_cells` gives them): it
        starts Python, NumPy and its preloads while the judge reads the notebook."""
        self._spawn()

    def start_cells(self, cells=None):
        """Run `cells` (default: those given at creation) from a background thread, spawning
        the worker from this thread unless `spawn` did, so the judge can load its checks
        meanwhile; `finish_cells` waits for them.

        The worker's parent-death signal follows the thread that forked it, so the
        background thread never spawns: when a cell costs the worker its life, it stops
        and `finish_cells` carries on from the calling thread."""
        if cells is not None:
            self.cells, self.cell_results = list(cells), [None] * len(cells)
        if self._proc is None:
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
        except (WorkerLost, StudentRaised):
            pass  # the worker is gone: finish_cells goes on from the calling thread

    def finish_cells(self):
        if self._cells_thread is not None:
            self._cells_thread.join()
            self._cells_thread = None
        return self.run_cells()

    def _run_cell(self, index):
        if self.time_left() <= 0:
            self.cell_results[index] = {"status": "timeout",
                                        "message": _("not run: the submission's time budget is spent")}
            return
        if len(self.cells[index]) > MAX_CELL_CHARS:
            self.cell_results[index] = {"status": "error", "message": _(
                "not run: the cell has {count} characters, over the limit of {limit}").format(
                    count=len(self.cells[index]), limit=MAX_CELL_CHARS)}
            return
        try:
            if self._proc is None or not self._ready:
                self._start()
            timeout = min(self.limits.cell_timeout_s, self.time_left())
            self.cell_results[index] = self._cell_result(self._request_raw(
                "run_cell", {"source": self.cells[index], "index": index + 1}, timeout=timeout))
        except WorkerLost as exc:
            self.cell_results[index] = {"status": "timeout" if exc.kind == "timeout" else "error", "message": str(exc)}
        except StudentRaised as exc:  # only a worker whose channel the cell took over replies so
            self._lose()
            self.cell_results[index] = {"status": "error", "message": _(
                "the worker broke the protocol ({error})").format(error=exc.sentence())}

    def _cell_result(self, value):
        """A cell's outcome as the worker reported it, checked: the cell may have taken
        over the worker's channel and sent anything."""
        if not isinstance(value, dict) or value.get("status") not in ("ok", "error", "timeout") \
                or not isinstance(value.get("message", ""), str):
            self._lose()
            return {"status": "error",
                    "message": _("the worker sent a malformed reply (the cell took over its channel?)")}
        return {"status": value["status"], "message": value.get("message", "")[:MAX_MESSAGE_CHARS]}

    def _replay_cells(self):
        """After a restart, re-run the cells that ran cleanly before (in order)."""
        for index, result in enumerate(self.cell_results):
            if result is not None and result["status"] == "ok":
                try:
                    self._request_raw("run_cell", {"source": self.cells[index], "index": index + 1},
                                      timeout=min(self.limits.cell_timeout_s, max(self.time_left(), 1)))
                except StudentRaised:
                    self._lose()
                    raise WorkerLost(_("the worker broke the protocol while its cells were replayed")) from None

    # -- requests ---------------------------------------------------------------
    def _request_raw(self, op, args, timeout):
        from ..runtime import protocol  # with NumPy, after a cold grading has spawned its worker

        deadline = time.monotonic() + max(0.0, timeout)
        if self._proc is None:
            raise WorkerLost(_("the worker is not running"))
        try:
            protocol.write_frame(self._to_worker, {"op": op, **args}, deadline=deadline)
            reply = protocol.read_frame(self._from_worker, deadline=deadline)
        except protocol.ChannelTimeout:
            self._lose()
            raise WorkerLost.timeout(timeout) from None
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
            raise WorkerLost(_("the worker broke the protocol: {error}").format(error=str(exc)[:200])) from None
        except Exception as exc:  # a frame that decodes into nonsense (nesting, shapes, types)
            self._lose()
            raise WorkerLost(_("the worker sent a malformed reply ({error})").format(
                error=type(exc).__name__)) from None
        if not isinstance(reply, dict) or reply.get("ok") not in (True, False):
            self._lose()
            raise WorkerLost(_("the worker sent a malformed reply"))
        if reply["ok"] is False:
            raise StudentRaised(str(reply.get("type", "Error"))[:100], str(reply.get("message", ""))[:MAX_MESSAGE_CHARS],
                               _where(reply.get("where")))
        return reply.get("value")

    def _lose(self):
        self._kill()
        self.restarts += 1

    def request(self, op, timeout=None, **args):
        """Send one request; RemoteObjects in args become handles, handles in the reply RemoteObjects."""
        if self._cells_thread is not None:
            self.finish_cells()  # the checks may start while the cells run; their requests wait for them
        if self.time_left() <= 0:
            raise WorkerLost.budget_spent()
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
        except StudentRaised as exc:
            if exc.type_name != "HelpersMissing":
                raise
        # their first use in this worker: the source comes along
        return self._incoming(self._request_raw(op, {**args, "helpers": self.helpers}, timeout))

    def _outgoing(self, value):
        if isinstance(value, RemoteObject):
            if value._generation != self.generation or value._sandbox is not self:
                raise StaleHandle()
            return value._handle
        if isinstance(value, dict):
            return {k: self._outgoing(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self._outgoing(v) for v in value)
        return value

    def _incoming(self, value):
        from ..runtime.protocol import Handle  # once per reply: an import costs 0.6 us, a reply may hold thousands

        def incoming(value):
            if isinstance(value, Handle):
                return RemoteObject(self, value, self.generation)
            if isinstance(value, dict):
                return {k: incoming(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(incoming(v) for v in value)
            return value
        return incoming(value)


def _death_reason(code):
    if code is None:
        return _("the worker closed its channel")
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        if name in ("SIGKILL", "SIGSEGV"):
            return _("the worker was killed by {signal} (memory limit?)").format(signal=name)
        if name == "SIGXCPU":
            return _("the worker was killed by {signal} (CPU time limit)").format(signal=name)
        return _("the worker was killed by {signal}").format(signal=name)
    return _("the worker exited with status {code}").format(code=code)


def _where(frame):
    """The worker's frame of submission code ({"cell", "line", "code"}) as the report says it,
    e.g. "code cell 4, line 12: x = 1 / 0"; "" for anything else (a cell may have sent it)."""
    if not isinstance(frame, dict) or not all(isinstance(frame.get(key), int) for key in ("cell", "line")):
        return ""
    code = frame.get("code")
    where = (_("code cell {cell}, line {line}: {code}") if isinstance(code, str) and code
             else _("code cell {cell}, line {line}"))
    return where.format(cell=frame["cell"], line=frame["line"], code=str(code)[:400])
