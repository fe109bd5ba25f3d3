"""Warm judges for a batch: one process imports the judge once, then forks a judge per job.

Half of a judge's CPU time goes to starting Python and importing pytest, matplotlib, Jinja2,
NumPy, the reference and the checks. A batch grades many submissions with the same judge, so
the batch starts one fork server that does all of that once (and runs every assignment's checks
once against no submission, which loads the check modules the way pytest does and warms its
caches), then forks a fresh judge for each job.

Each judge is still its own process: its own session (the batch kills its process group on a
timeout), its output in the job's log, its exit status reported back. The server never grades
anything and never runs a submission's code; it only forks, and reaps what it forked. It dies
with the batch (parent-death signal), and its judges die with it.

The channel is JSON lines. To the server (its stdin): `{"id": N, "job": {...}, "log": PATH}`.
From the server (its stdout): `{"ready": true}` once warm, `{"id": N, "pid": PID}` once the judge
is forked (or `{"id": N, "error": "..."}`), `{"pid": PID, "status": CODE}` when it exits (CODE as
subprocess gives it: negative, killed by that signal); and from the judge itself, on the same
channel, `{"id": N, "result": {...}}` (a JobResult, one line, atomic on a pipe) before it exits.
"""
import gc
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import traceback
from contextlib import suppress

from ..sandbox import containment
from .jobs import Job, JobResult, run_job


# ------------------------------------------------------------------ the server process

def _warm_up(assignments):
    """Everything a judge imports, and one run of the assignments' checks against no submission
    (they all error at once, without a worker)."""
    from .. import pipeline  # noqa: F401  (imported once, for every judge)
    from ..assignments import known_assignments
    from ..judge import NoSubmission, run_checks
    from ..limits import Limits
    from ..render import warm_up
    from ..sandbox import ZYGOTE_ENV, probe, runtime_folder, start_zygote

    probe()  # bwrap's answers, inherited by every judge
    runtime_folder()  # the workers' runtime, copied once for the batch
    if os.environ.get(ZYGOTE_ENV) != "0":
        start_zygote()  # workers forked warm into their sandboxes (sandbox/zygote.py)
    for assignment in set(assignments) & set(known_assignments()):
        run_checks(assignment, NoSubmission("warming up"), Limits())
    warm_up()
    # Everything loaded so far outlives every judge: out of the collector's sight, so that no
    # judge's full collection walks it again nor writes to its pages (copying them into the judge).
    gc.collect()
    gc.freeze()


def _run_judge(request_id, job, log_path, server_pid, channel):
    """In the forked child: grade one job, tell the batch how it went; never returns."""
    code = 1
    try:
        os.setsid()
        containment.die_with_parent()
        if os.getppid() != server_pid:
            os._exit(111)  # the server died before the parent-death signal was set
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(null)
        result = run_job(Job(**job))
        os.write(channel, (json.dumps({"id": request_id, "result": result.to_dict()}) + "\n").encode())
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        with suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def serve(batch_pid, assignments):
    containment.die_with_parent()
    if os.getppid() != batch_pid:
        return 111
    _warm_up(assignments)
    _send({"ready": True})
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so the wakeup fd hears of it
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    server_pid = os.getpid()
    pending = b""  # raw reads: a buffered reader could hold a request that select() then never reports
    while True:
        for key, _ in selector.select():
            if key.fileobj == 0:
                data = os.read(0, 1 << 16)
                if not data:
                    return 0  # the batch closed the channel: it has finished
                *lines, pending = (pending + data).split(b"\n")
                for line in lines:
                    request = json.loads(line)
                    channel = os.dup(1)  # the judge's way back, before its stdout becomes the log
                    try:
                        pid = os.fork()
                    except OSError as exc:
                        os.close(channel)
                        _send({"id": request["id"], "error": str(exc)})
                        continue
                    if pid == 0:
                        _run_judge(request["id"], request["job"], request["log"], server_pid, channel)
                    os.close(channel)
                    _send({"id": request["id"], "pid": pid})
            else:
                with suppress(BlockingIOError):
                    os.read(wake_read, 4096)
        while True:  # reap every judge that has exited
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            _send({"pid": pid, "status": os.waitstatus_to_exitcode(status)})


# ------------------------------------------------------------------ the batch's side

class ForkServerLost(OSError):
    """The fork server is gone (or never started): start judges cold."""


class ForkedJudge:
    """A judge the server forked: its pid, its exit status and its JobResult once it has them."""

    def __init__(self, pid):
        self.pid = pid
        self.returncode = None
        self.result = None
        self._exited = threading.Event()

    def _exit(self, status):
        self.returncode = status
        self._exited.set()

    def wait(self, timeout=None):
        if not self._exited.wait(timeout):
            raise subprocess.TimeoutExpired(f"judge {self.pid}", timeout)
        return self.returncode

    def kill(self):
        if not self._exited.is_set():
            with suppress(ProcessLookupError, PermissionError):
                os.kill(self.pid, signal.SIGKILL)


class ForkServer:
    """The batch's handle on its fork server. Start it from the thread that lives as long as
    the batch (the server's parent-death signal follows that thread)."""

    def __init__(self, assignments, env=None, start_timeout=120.0):
        self._proc = subprocess.Popen([sys.executable, "-m", "grader.batch.forkserver", str(os.getpid()),
                                       *assignments], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, env=env)
        self._lock = threading.Lock()
        self._next_id = 0
        self._forked = {}   # request id -> [threading.Event, ForkedJudge or error]
        self._judges = {}   # pid -> ForkedJudge
        self._results = {}  # request id -> JobResult, until its judge is known
        self._by_id = {}    # request id -> ForkedJudge
        self._lost = False
        self._ready = threading.Event()
        self._start_timeout = start_timeout
        threading.Thread(target=self._read, name="forkserver", daemon=True).start()

    def _read(self):
        for line in self._proc.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                if "ready" in message:
                    self._ready.set()
                elif "result" in message:
                    result = JobResult.from_dict(message["result"])
                    judge = self._by_id.get(message.get("id"))
                    if judge is not None:
                        judge.result = result
                    else:
                        self._results[message.get("id")] = result
                elif "id" in message:
                    slot = self._forked.pop(message["id"], None)
                    if slot is not None:
                        if "pid" in message:
                            judge = self._judges[message["pid"]] = self._by_id[message["id"]] = \
                                ForkedJudge(message["pid"])
                            judge.result = self._results.pop(message["id"], None)
                            slot[1] = judge
                        else:
                            slot[1] = ForkServerLost(f"the fork server could not fork: {message.get('error')}")
                        slot[0].set()
                elif "pid" in message:
                    judge = self._judges.pop(message["pid"], None)
                    if judge is not None:
                        judge._exit(message["status"])
        self._lose()

    def _lose(self):
        with self._lock:
            self._lost = True
            self._ready.set()
            for event, _ in self._forked.values():
                event.set()
            self._forked.clear()
            # A judge's parent-death signal kills it along with the server.
            for judge in self._judges.values():
                judge._exit(-signal.SIGKILL)
            self._judges.clear()

    def start(self, job, log_path):
        """Fork a judge for `job` (a Job) with its output in log_path."""
        if not self._ready.wait(self._start_timeout) or self._lost:
            raise ForkServerLost("the fork server did not start")
        event = threading.Event()
        with self._lock:
            if self._lost:
                raise ForkServerLost("the fork server is gone")
            self._next_id += 1
            request_id = self._next_id
            slot = self._forked[request_id] = [event, None]
            try:
                self._proc.stdin.write((json.dumps({"id": request_id, "job": job.to_dict(),
                                                    "log": str(log_path)}) + "\n").encode())
                self._proc.stdin.flush()
            except (OSError, ValueError):
                self._forked.pop(request_id, None)
                raise ForkServerLost("the fork server is gone") from None
        event.wait()
        if isinstance(slot[1], ForkedJudge):
            return slot[1]
        raise slot[1] or ForkServerLost("the fork server is gone")

    def close(self):
        with suppress(OSError, ValueError):
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


if __name__ == "__main__":
    sys.exit(serve(int(sys.argv[1]), sys.argv[2:]))
