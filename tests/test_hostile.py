"""Hostile and broken submissions (issue 5): each is a realistic notebook (the solution,
a buggy variant or the exercise, plus hostile cells from tests/hostile/ or hostile code
inside a method), graded with the real CLI in a subprocess, with bubblewrap and with
the fallback isolation. For every one:

- the CLI exits 0, prints exactly one line of its own, and writes a report.json that parses;
- the score is never higher than the honest score of the code underneath (graded too);
- the wall time stays under a bound for the case;
- nothing the submission started is still running afterwards;
- the judge never executed submission code (a trap that fires only outside the worker);
- nothing the sandbox should forbid succeeded (the hostile code reports "LEAKED: ...").

Set HOSTILE_RESULTS=path.jsonl to record score, honest score, wall time and peak memory
of every case (docs/security.md has the table).
"""
import contextlib
import ctypes
import fcntl
import functools
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from gradelib import ROOT, mutate, solution

HOSTILE = Path(__file__).resolve().parent / "hostile"
# Small limits keep the suite quick; each case may override them.
FAST = ["--call-timeout-s", "2", "--cell-timeout-s", "5", "--submission-timeout-s", "60",
        "--memory-mb", "1024", "--train-timeout-s", "20"]
STDOUT_LINE = re.compile(r"^(\w+): (error: .*|\d+(\.\d+)? / \d+(\.\d+)?) -> \S*report\.json$")


def _bubblewrap_works():
    sys.path.insert(0, str(ROOT))
    from grader.sandbox import bubblewrap_available
    return bubblewrap_available()


BWRAP = _bubblewrap_works()
ISOLATIONS = [pytest.param("bubblewrap", marks=pytest.mark.skipif(not BWRAP, reason="bubblewrap cannot run here")),
              "fallback"]

# ---------------------------------------------------------------- submissions

BUGGY = [  # realistic mistakes (tests/mutants.py) plus one stub: the honest code under some attacks
    ("self.grads[1][...] = dout.sum(axis=0)", "self.grads[1][...] = dout.mean(axis=0)"),
    ("dx *= dout / n", "dx *= dout"),
    ("return dout * (1.0 - self.out ** 2)", "raise NotImplementedError()"),
]
RELU_BACKWARD = "        dx = dout.copy()\n        dx[self.mask] = 0\n        return dx"
TANH_FORWARD = "        self.out = np.tanh(x)\n        return self.out"
SIGMOID_FORWARD = "        self.out = 1 / (1 + np.exp(-x))\n        return self.out"
SUM_FORWARD = "        self.N = x.shape[0]\n        return x.sum(axis=0, keepdims=True)"
SUM_BACKWARD = "return np.repeat(dout, self.N, axis=0)"
RELU_FORWARD = "        out[self.mask] = 0\n        return out"
SOFTMAX_FORWARD = "self.out = e / e.sum(axis=-1, keepdims=True)"


def base_notebook(base):
    if base == "solution":
        return solution("layers")
    if base == "spiral":
        return solution("spiral")
    if base == "buggy":
        return mutate("layers", BUGGY)
    if base == "exercise":
        return nbformat.read(ROOT / "exercises" / "layers.ipynb", as_version=4)
    raise ValueError(base)


def assignment_of(base):
    return "spiral" if base == "spiral" else "layers"


@dataclass
class Attack:
    name: str
    base: str                       # the honest code underneath: solution, buggy, exercise, spiral
    cells: tuple = ()               # files in tests/hostile/, appended (after the prelude)
    edits: tuple = ()               # (old, new) in the base's code: hostile code inside methods
    mid: tuple = ()                 # files inserted right after the MatMul cell, mid-notebook
    args: tuple = ()                # extra CLI options
    bound_s: float = 45.0           # wall-time bound of the whole grade
    lose: tuple = ()                # targets that must lose points (all others keep theirs)
    may_lose: tuple = ()            # targets that may lose points (all others keep theirs)
    same_score: bool = False        # the attack must not cost any point either
    check: object = None            # extra assertions: check(report, run)
    wait_after_s: float = 0.0       # watch for late writes to the reports this long
    landlock: int = 0               # the fallback holds only with this Landlock ABI (docs/security.md)
    outside: object = None          # what the attack reaches for outside the sandbox: a context manager
                                    # outside(run) that sets it up and asserts, after grading, it was not reached


def _fill(text, run):
    for key, value in run.placeholders.items():
        text = text.replace(f"@{key}@", str(value))
    return text


def build(attack, run):
    nb = base_notebook(attack.base)
    for old, new in attack.edits:
        hits = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
        assert len(hits) == 1 and hits[0].source.count(old) == 1, f"edit not unique: {old!r}"
        hits[0].source = hits[0].source.replace(old, _fill(new, run))
    prelude = _fill((HOSTILE / "prelude.py").read_text(), run)
    if attack.mid:
        at = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "class MatMul" in c.source)
        for offset, name in enumerate(("prelude.py",) + tuple(attack.mid)):
            source = prelude if name == "prelude.py" else _fill((HOSTILE / name).read_text(), run)
            nb.cells.insert(at + 1 + offset, nbformat.v4.new_code_cell(source))
    if not attack.mid:
        nb.cells.append(nbformat.v4.new_code_cell(prelude))
    for name in attack.cells:
        nb.cells.append(nbformat.v4.new_code_cell(_fill((HOSTILE / name).read_text(), run)))
    return nb


# ---------------------------------------------------------------- running the CLI

@dataclass
class Run:
    tmp: Path
    isolation: str
    marker: str = field(default_factory=lambda: "hx" + uuid.uuid4().hex[:10])
    sleep: str = field(default_factory=lambda: f"3600.{uuid.uuid4().int % 10 ** 9:09d}")
    placeholders: dict = field(default_factory=dict)
    port: int = 0
    udp_port: int = 0

    def __post_init__(self):
        self.out = self.tmp / "out"
        self.trap = self.tmp / f"{self.marker}-judge"
        self.placeholders.update(MARKER=self.marker, SLEEP=self.sleep, OUT=self.out, ROOT=ROOT,
                                 TRAP=self.trap, ISOLATION=self.isolation, MAX_PROCESSES=32,
                                 FILE_SIZE_MB=16, SCRATCH_MB=64, MEMORY_CGROUP=_cgroup_limits()[1])


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    maxrss_mb: float
    cpu_s: float
    report: dict


def grade_cli(submission, out, assignment, isolation, args=(), timeout=300):
    """The real CLI in a subprocess; wall time, and the peak RSS of the judge and every
    process it reaped (its workers and whatever was re-parented to it)."""
    cmd = [sys.executable, "-m", "grader", "grade", str(submission), "--out", str(out), *FAST, *args]
    if assignment:
        cmd += ["--assignment", assignment]
    if isolation:
        cmd += ["--isolation", isolation]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    logs = Path(out).parent
    started = time.monotonic()
    with open(logs / "stdout.txt", "wb") as so, open(logs / "stderr.txt", "wb") as se:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=so, stderr=se)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    report_path = Path(out) / "report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    return Result(proc.returncode, (logs / "stdout.txt").read_text(errors="replace"),
                  (logs / "stderr.txt").read_text(errors="replace"), wall, usage.ru_maxrss / 1024,
                  usage.ru_utime + usage.ru_stime, report)


def survivors(run):
    """Processes the submission started that are still alive (zombies excepted)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            comm = (entry / "comm").read_text().strip()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state in "ZX":
            continue
        if run.marker in comm or run.marker in cmdline or run.sleep in cmdline:
            found.append(f"{entry.name} {comm} {cmdline[:120]}")
    return found


def _record(attack_name, isolation, result, honest):
    path = os.environ.get("HOSTILE_RESULTS")
    if path and result.report:
        with open(path, "a") as handle:
            handle.write(json.dumps({"attack": attack_name, "isolation": isolation,
                                     "score": result.report["score"], "honest": honest and honest["score"],
                                     "max_score": result.report["max_score"], "wall_s": round(result.wall_s, 2), "cpu_s": round(result.cpu_s, 2),
                                     "maxrss_mb": round(result.maxrss_mb), "restarts": result.report["warnings"]})
                         + "\n")


# ---------------------------------------------------------------- honest scores, once per session

@pytest.fixture(scope="session")
def honest(tmp_path_factory):
    """honest(base, isolation) -> the report of the base notebook without hostile code,
    graded once per test run (shared by xdist workers through a locked file cache)."""
    basetemp = tmp_path_factory.getbasetemp()
    cache = (basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp) / "honest-scores"
    cache.mkdir(exist_ok=True)

    def score(base, isolation):
        key = cache / f"{base}-{isolation}"
        with open(f"{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not Path(f"{key}.json").exists():
                folder = cache / f"{base}-{isolation}-run"
                folder.mkdir(exist_ok=True)
                path = folder / "submission.ipynb"
                nbformat.write(base_notebook(base), path)
                result = grade_cli(path, folder / "out", assignment_of(base), isolation)
                assert result.returncode == 0 and result.report and result.report["error"] is None, result.stderr
                Path(f"{key}.json").write_text(json.dumps(result.report))
        return json.loads(Path(f"{key}.json").read_text())

    return score


@pytest.fixture
def listener():
    """A TCP and a UDP server on the loopback interface; what reaches them is recorded."""
    received = []
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(8)
    tcp.settimeout(0.2)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = tcp.accept()
                received.append(("tcp", conn.recv(100)))
                conn.close()
            except OSError:
                pass
            try:
                received.append(("udp", udp.recv(100)))
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield tcp.getsockname()[1], udp.getsockname()[1], received
    stop.set()
    thread.join()
    tcp.close()
    udp.close()


# ---------------------------------------------------------------- extra assertions per attack

def cell_messages(report):
    return " ".join(c["message"] for c in report["cells"])


def target_points(report):
    return {t["target"]: (t["score"], t["max_score"]) for t in report["targets"]}


def check_exit(report, run):
    assert "SystemExit" in cell_messages(report) or "exited" in cell_messages(report)


def check_worker_died(report, run):
    assert "the worker" in cell_messages(report), report["cells"]


def check_flood(report, run):
    assert any("only the first" in w for w in report["warnings"]), report["warnings"]


def check_fork_bomb(report, run):
    assert report["limits"]["process_limit"] in ("pids cgroup", "RLIMIT_NPROC")


def check_reports_are_the_judges(report, run):
    assert report["grader_version"] and report["score"] < 999
    markdown = (run.out / "report.md").read_text()
    assert "Points 100/100" not in markdown.split("\n")[0]
    assert "<h1>100 / 100</h1>" not in (run.out / "report.html").read_text()


def check_channel(report, run):
    assert any("restarted" in w for w in report["warnings"]), report["warnings"]


def check_segfault(report, run):
    messages = [c["message"] for c in report["checks"] if c["target"] == "Sum" and c["status"] != "pass"]
    assert any("SIGSEGV" in m for m in messages), messages


def check_budget(report, run):
    assert any("time budget" in c["message"] for c in report["checks"]), [c["message"] for c in report["checks"]]


# ---------------------------------------------------------------- what lies outside the sandbox

_SYSCALLS = {"x86_64": (248, 250), "aarch64": (217, 219)}  # add_key, keyctl
KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_REVOKE, KEYCTL_UNLINK, KEYCTL_READ = 1, 3, 9, 11
KEY_SPEC_SESSION_KEYRING, KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING = -3, -4, -5


def _keys_syscall(which, *args):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    number = _SYSCALLS[os.uname().machine][which]
    result = libc.syscall(ctypes.c_long(number), *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
    if result < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return result


def _keyring_members(keyring):
    buf = ctypes.create_string_buffer(4096)
    size = _keys_syscall(1, KEYCTL_READ, keyring, buf, 4096)
    return list(struct.unpack(f"={size // 4}i", buf.raw[:size]))


@contextlib.contextmanager
def judge_keyring(run):
    """The judge's session keyring (this test process's, which the CLI inherits, as a batch's
    judges would share it) holds a secret key. Afterwards it holds that key alone, and no
    keyring the kernel shows this user (/proc/keys: session, user, user-session) holds a key
    the submission added."""
    if os.uname().machine not in _SYSCALLS or not Path("/proc/keys").exists():
        pytest.skip("no keyrings to test here")
    keyring = _keys_syscall(1, KEYCTL_JOIN_SESSION_KEYRING, None)  # fresh, anonymous, ours
    description = f"bpl-judge-secret-{uuid.uuid4().hex[:8]}"
    secret = _keys_syscall(0, b"user", description.encode(), b"s3cret", ctypes.c_size_t(6),
                           ctypes.c_long(KEY_SPEC_SESSION_KEYRING))
    run.placeholders.update(JUDGE_KEYRING=keyring, JUDGE_KEY=secret, JUDGE_KEY_DESC=description)
    planted = lambda: [line for line in Path("/proc/keys").read_text().splitlines() if run.marker in line]
    try:
        yield
        assert _keyring_members(keyring) == [secret]
        assert not planted(), planted()
    finally:  # also removes what a submission planted, should the test fail
        calls = [(KEYCTL_UNLINK, (secret, keyring)), (KEYCTL_REVOKE, (secret,))]
        calls += [(KEYCTL_UNLINK, (int(line.split()[0], 16), ring)) for line in planted()
                  for ring in (keyring, KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING)]
        for op, args in calls:
            with contextlib.suppress(OSError):
                _keys_syscall(1, op, *args)


@contextlib.contextmanager
def unix_servers(run):
    """A stream and a datagram unix socket in a folder on the host's filesystem (kept short:
    a socket's path has at most 107 bytes); nothing may reach either."""
    folder = Path(tempfile.mkdtemp(prefix="bpl-"))
    received = []
    stream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stream.bind(str(folder / "stream"))
    stream.listen(8)
    stream.settimeout(0.1)
    dgram = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dgram.bind(str(folder / "dgram"))
    dgram.settimeout(0.1)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            with contextlib.suppress(OSError):
                conn, _ = stream.accept()
                with conn:
                    conn.settimeout(1)
                    received.append(("stream", conn.recv(100)))
            with contextlib.suppress(OSError):
                received.append(("dgram", dgram.recv(100)))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    run.placeholders.update(UNIX_STREAM=folder / "stream", UNIX_DGRAM=folder / "dgram")
    try:
        yield
        time.sleep(0.3)
        assert not received, received
    finally:
        stop.set()
        thread.join()
        stream.close()
        dgram.close()
        for name in ("stream", "dgram"):
            (folder / name).unlink(missing_ok=True)
        folder.rmdir()


IPC_CREAT, IPC_RMID, O_RDONLY = 0o1000, 0, 0
HOST_QUEUE_KEYS = 0x43000000  # the keys of the queues the tests hold as the host's


def _sysv_objects():
    """{(kind, key, id)} of every SysV object in the host's IPC namespace."""
    found = set()
    for kind in ("shm", "msg", "sem"):
        for line in Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]:
            key, ident = line.split()[:2]
            found.add((kind, int(key), int(ident)))
    return found


@contextlib.contextmanager
def sysv_objects(run):
    """The host holds a message queue the submission must not reach; afterwards no SysV object
    exists that did not before, and no POSIX message queue of the submission's name."""
    if not Path("/proc/sysvipc/msg").exists():
        pytest.skip("no SysV IPC here")
    libc = ctypes.CDLL(None, use_errno=True)
    ipc_key = 0x42000000 | (uuid.uuid4().int & 0xFFFFFF)
    host_key = HOST_QUEUE_KEYS | (ipc_key & 0xFFFFFF)
    host_queue = libc.msgget(host_key, IPC_CREAT | 0o600)
    assert host_queue >= 0, os.strerror(ctypes.get_errno())
    before = _sysv_objects()
    name = f"/{run.marker}".encode()
    run.placeholders.update(IPC_KEY=ipc_key, HOST_IPC_KEY=host_key, HOST_MSQID=host_queue, MQ_NAME=name.decode())
    try:
        yield
        # the host queue of this test running beside itself (xdist) is new too, and not the worker's
        new = {(kind, key, ident) for kind, key, ident in _sysv_objects() - before if key >> 24 != HOST_QUEUE_KEYS >> 24}
        assert not new, new
        if hasattr(libc, "mq_open"):
            assert libc.mq_open(name, O_RDONLY) < 0, "a POSIX message queue outlived grading"
    finally:
        libc.msgctl(host_queue, IPC_RMID, None)
        for kind, key, ident in _sysv_objects() - before:  # cleans up after a failure
            if key == ipc_key:
                getattr(libc, f"{kind}ctl")(ident, *((0, IPC_RMID) if kind == "sem" else (IPC_RMID, None)))
        if hasattr(libc, "mq_unlink"):
            libc.mq_unlink(name)


# ---------------------------------------------------------------- the attacks

ATTACKS = [
    Attack("monkeypatch-numpy", "buggy", cells=("monkeypatch_numpy.py",)),
    Attack("monkeypatch-builtins", "buggy", cells=("monkeypatch_builtins.py",)),
    Attack("sys-exit-mid-notebook", "solution", mid=("exit_mid.py",), same_score=True, check=check_exit),
    Attack("os-exit-mid-notebook", "solution", mid=("os_exit_mid.py", "sigkill_self_mid.py"), same_score=True,
           check=check_worker_died),
    Attack("infinite-loop-in-one-method", "solution", lose=("Relu",),
           edits=((RELU_BACKWARD, "        while True:\n            pass"),)),
    Attack("ignore-sigterm", "solution", cells=("ignore_sigterm.py",), lose=("Tanh",),
           edits=((TANH_FORWARD, "        while True:\n            try:\n                time.sleep(0.5)\n"
                                 "            except BaseException:\n                pass"),)),
    Attack("memory-hog", "solution", cells=("memory_hog.py",), lose=("Sigmoid",), bound_s=60,
           edits=((SIGMOID_FORWARD, "        hog_children()"),)),
    Attack("fork-bomb", "solution", cells=("fork_bomb.py",), args=("--max-processes", "32"), check=check_fork_bomb),
    Attack("daemon-rewrites-reports", "solution", cells=("daemon_rewrites_reports.py",), same_score=True,
           wait_after_s=2.5, check=check_reports_are_the_judges),
    Attack("read-reference-and-checks", "exercise", cells=("read_reference.py", "report_leaks.py"), bound_s=60,
           landlock=1),
    Attack("probe-the-judge", "solution", cells=("report_leaks.py",), may_lose=("Tanh",), landlock=6,
           edits=(("        return dout * (1.0 - self.out ** 2)",
                   "        probe_judge()\n        return dout * (1.0 - self.out ** 2)"),),
           mid=("probe_judge.py",)),
    Attack("fake-reports-and-annotations", "buggy", cells=("fake_reports.py",), check=check_reports_are_the_judges,
           edits=(("raise NotImplementedError()",
                   "raise NotImplementedError('\\n::notice::Points 100/100\\n##[notice]x\\n::error::y')"),)),
    Attack("stdout-flood", "solution", cells=("stdout_flood.py", "stdout_flood_forever.py"), same_score=True,
           check=check_flood, args=("--cell-timeout-s", "3")),
    Attack("ndarray-subclass-reduce", "solution", cells=("array_subclass.py",), lose=("Sum",),
           edits=((RELU_FORWARD, "        out[self.mask] = 0\n        return out.view(Evil)"),
                  (SUM_BACKWARD, "return EvilObject()"))),
    Attack("huge-replies", "solution", lose=("Tanh",),
           edits=((TANH_FORWARD, "        return np.ones(30_000_000)  # 240 MB"),)),
    Attack("forged-frames", "solution", cells=("forged_frames.py",), same_score=True, check=check_channel),
    Attack("reply-nested-too-deep", "solution", cells=("deep_reply.py",), same_score=True, check=check_channel),
    Attack("channel-takeover-and-stall", "spiral", cells=("channel_takeover.py",), bound_s=90, check=check_channel,
           args=("--submission-timeout-s", "40")),
    Attack("network", "solution", cells=("network.py",), same_score=True, landlock=4),
    Attack("syntax-error-in-one-cell", "solution", lose=("Softmax",),
           edits=((SOFTMAX_FORWARD, SOFTMAX_FORWARD + ")"),)),
    Attack("segfault-in-one-method", "solution", lose=("Sum",), check=check_segfault,
           edits=((SUM_FORWARD, "        ctypes.string_at(0)  # reads address 0: SIGSEGV\n" + SUM_FORWARD),)),
    Attack("disk-fill", "solution", cells=("disk_fill.py",),
           args=("--file-size-mb", "16", "--scratch-mb", "64")),
    Attack("time-budget", "solution", bound_s=40, check=check_budget, args=("--submission-timeout-s", "10"),
           edits=((TANH_FORWARD, "        time.sleep(1.5)\n" + TANH_FORWARD),
                  (SIGMOID_FORWARD, "        time.sleep(1.5)\n" + SIGMOID_FORWARD),
                  (RELU_FORWARD, "        time.sleep(1.5)\n" + RELU_FORWARD))),
    Attack("keyrings", "solution", cells=("keyring.py",), same_score=True, outside=lambda run: judge_keyring(run)),
    Attack("host-unix-sockets", "solution", cells=("unix_sockets.py",), same_score=True,
           outside=lambda run: unix_servers(run)),
    Attack("sysv-ipc-left-behind", "solution", cells=("sysv_ipc.py",), same_score=True,
           outside=lambda run: sysv_objects(run)),
]


def _assert_common(attack, run, result, honest_report):
    report = result.report
    assert result.returncode == 0, result.stderr[-3000:]
    assert report is not None, "no report.json"
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    # the judge's own stdout: exactly one line, its own
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and STDOUT_LINE.match(lines[0]), result.stdout[:2000]
    for text in (result.stdout, result.stderr, (run.out / "report.md").read_text()):
        for line in text.splitlines():
            assert not line.lstrip().startswith("::") and "##[" not in line, line
    # never more than the honest code earns
    assert report["score"] <= honest_report["score"] + 1e-9, (report["score"], honest_report["score"])
    assert report["max_score"] == honest_report["max_score"]
    if attack.same_score:
        assert report["score"] == honest_report["score"], [c for c in report["checks"] if c["status"] != "pass"]
    if attack.lose or attack.may_lose:
        honest_points = target_points(honest_report)
        points = target_points(report)
        for target, (score, max_score) in points.items():
            if target in attack.lose:
                assert score < max_score, f"{target} kept its points"
            elif target not in attack.may_lose:
                assert score == honest_points[target][0], (target, score, [
                    (c["id"], c["message"]) for c in report["checks"] if c["target"] == target and c["status"] != "pass"])
    assert result.wall_s < attack.bound_s, f"took {result.wall_s:.1f} s"
    # the judge never ran submission code; nothing forbidden succeeded
    assert not list(run.tmp.glob(f"{run.marker}-judge*")), "submission code ran in the judge"
    assert "LEAKED" not in json.dumps(report), [m for m in (cell_messages(report), *[
        c["message"] for c in report["checks"]]) if "LEAKED" in m]


def _assert_nothing_left(run):
    left = survivors(run)
    deadline = time.monotonic() + 2
    while left and time.monotonic() < deadline:  # SIGKILL is delivered asynchronously
        time.sleep(0.1)
        left = survivors(run)
    assert not left, left


@pytest.mark.slow
@pytest.mark.parametrize("isolation", ISOLATIONS)
@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_hostile_submission(attack, isolation, tmp_path, honest, listener):
    if isolation == "fallback" and attack.landlock > _landlock_abi():
        pytest.skip(f"the fallback needs Landlock ABI {attack.landlock} against this attack; "
                    f"this kernel offers {_landlock_abi()} (see docs/security.md)")
    if attack.name == "fork-bomb" and not _process_limit_available():
        pytest.skip("no pids cgroup and root (RLIMIT_NPROC does not apply): a fork bomb would not be contained")
    run = Run(tmp_path, isolation)
    run.port, run.udp_port, received = listener
    run.placeholders.update(PORT=run.port, UDP_PORT=run.udp_port)
    submission = tmp_path / "submission.ipynb"
    honest_report = honest(attack.base, isolation)
    with attack.outside(run) if attack.outside else contextlib.nullcontext():
        nbformat.write(build(attack, run), submission)
        result = grade_cli(submission, run.out, assignment_of(attack.base), isolation, attack.args)
        _record(attack.name, isolation, result, honest_report)
        _assert_common(attack, run, result, honest_report)
        _assert_nothing_left(run)
    if attack.wait_after_s:
        before = {name: (run.out / name).read_bytes() for name in ("report.json", "report.md", "report.html")}
        time.sleep(attack.wait_after_s)
        assert before == {name: (run.out / name).read_bytes() for name in before}, "a report changed after grading"
        _assert_nothing_left(run)
    if attack.check:
        attack.check(result.report, run)
    # Only what carries this run's marker came from the submission: a Jupyter kernel started by
    # a test running beside this one may pick the listener's port and greet it (ZMTP).
    leaked = [r for r in received if run.marker.encode() in r[1]]
    assert not [r for r in leaked if r[0] == "tcp" or isolation == "bubblewrap"], leaked


def _landlock_abi():
    from grader.sandbox.containment import landlock_abi
    return landlock_abi()


def _process_limit_available():
    return os.geteuid() != 0 or _cgroup_limits()[0]


@functools.lru_cache(maxsize=None)
def _cgroup_limits():
    """(processes, memory): which limits the grader's cgroup enforces on this machine."""
    from grader.sandbox.containment import Cgroup
    cgroup = Cgroup(8, 256 << 20)
    try:
        return cgroup.limits_processes(), cgroup.limits_memory()
    finally:
        cgroup.remove()


# ---------------------------------------------------------------- notebooks that are broken as files

def _huge_outputs(limit_fraction):
    """The solution with outputs (text and images) that make the file `limit_fraction` of the size limit."""
    from grader.loading import MAX_SUBMISSION_BYTES

    nb = solution("layers")
    code = [c for c in nb.cells if c.cell_type == "code"]
    per_cell = int(MAX_SUBMISSION_BYTES * limit_fraction / len(code))
    text = ("loss 0.123456 " * (per_cell // 28))[: per_cell // 2]
    image = ("iVBORw0KGgo" * (per_cell // 22))[: per_cell // 2]
    for cell in code:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text),
                        nbformat.v4.new_output("display_data", data={"image/png": image, "text/plain": "<Figure>"})]
    return nbformat.writes(nb).encode()


def _magic_storm():
    nb = solution("layers")
    nb.cells.append(nbformat.v4.new_code_cell("\n".join(["%time x = 1", "!echo hi"] * 2000)))
    return nbformat.writes(nb).encode()


def _many_cells():
    nb = solution("layers")
    nb.cells += [nbformat.v4.new_code_cell(f"x{i} = {i}") for i in range(3000)]
    return nbformat.writes(nb).encode()


def _giant_cells():
    """A 200 000-character cell that must run as written, and one over the cell limit."""
    nb = solution("layers")
    nb.cells.append(nbformat.v4.new_code_cell('DATA = "' + "x" * 200_000 + '"\nassert len(DATA) == 200_000'))
    nb.cells.append(nbformat.v4.new_code_cell('BIG = "' + "\U0001F600" * 400_000 + '"'))
    return nbformat.writes(nb).encode()


def _weird_structure():
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": ["not", "a", "dict"],
                       "cells": [1, "x", None, {"cell_type": "code", "source": 12},
                                 {"cell_type": "code", "source": [{"a": 1}, None, "y = 2\n"]},
                                 {"cell_type": "code", "source": "z = '\0'"}]}).encode()


def _forged_assignment():
    nb = solution("layers")
    nb.metadata["backprop_lab"] = {"assignment": "layers\n::notice::Points 100/100\r::error::x"}
    return nbformat.writes(nb).encode()


FILES = [  # (name, bytes, expect "error" (score 0 and an error) or "graded", bound, pass --assignment)
    ("malformed-json", lambda: nbformat.writes(solution("layers")).encode()[:5000], "error", 20, True),
    ("binary-garbage", lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(1 << 16), "error", 20, True),
    ("empty-file", lambda: b"", "error", 20, True),
    ("empty-json-object", lambda: b"{}", "error", 20, True),
    ("notebook-without-cells", lambda: nbformat.writes(nbformat.v4.new_notebook()).encode(), "graded", 20, True),
    ("json-nested-too-deep", lambda: b"[" * 300_000 + b"]" * 300_000, "error", 20, True),
    ("weird-structure", _weird_structure, "graded", 30, True),
    ("huge-outputs", lambda: _huge_outputs(0.9), "graded", 40, True),
    ("over-the-size-limit", lambda: _huge_outputs(1.05), "error", 20, True),
    ("magic-storm", _magic_storm, "graded", 40, True),
    ("many-cells", _many_cells, "graded", 60, True),
    ("giant-cells", _giant_cells, "graded", 40, True),
    ("forged-assignment-metadata", _forged_assignment, "error", 20, False),
]


@pytest.mark.slow
@pytest.mark.parametrize("name, content, expect, bound, with_assignment", FILES, ids=[f[0] for f in FILES])
def test_broken_file(name, content, expect, bound, with_assignment, tmp_path, honest):
    run = Run(tmp_path, "auto")
    submission = tmp_path / "submission.ipynb"
    submission.write_bytes(content())
    result = grade_cli(submission, run.out, "layers" if with_assignment else None, None)
    _record(name, "auto", result, None)
    report = result.report
    assert result.returncode == 0 and report is not None, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and STDOUT_LINE.match(lines[0]), result.stdout[:2000]
    for line in (run.out / "report.md").read_text().splitlines():
        assert not line.lstrip().startswith("::"), line
    assert result.wall_s < bound, f"took {result.wall_s:.1f} s"
    if expect == "error":
        assert report["score"] == 0 and report["error"], report["error"]
    else:
        assert report["error"] is None
        assert report["score"] <= honest("solution", "bubblewrap" if BWRAP else "fallback")["score"]
    if name in ("huge-outputs", "magic-storm", "many-cells", "giant-cells"):
        assert report["score"] == report["max_score"], [c for c in report["checks"] if c["status"] != "pass"]
        assert result.maxrss_mb < 2048
    if name == "giant-cells":
        messages = [c["message"] for c in report["cells"]]
        assert len(messages) == 1 and "over the limit of 300000" in messages[0], messages
    if name == "forged-assignment-metadata":
        assert report["assignment"] == "unknown" and "\n" not in lines[0]


# ---------------------------------------------------------------- the channel, in process

WRITE_STALL = """
import json, os, sys, time
sys.path.insert(0, {root!r})
import numpy
from grader.limits import Limits
from grader.sandbox import Sandbox, WorkerLost
cell = '''
import sys, time
protocol = sys.modules["protocol"]
protocol.read_frame = lambda *args, **kwargs: time.sleep(3600)
'''
with Sandbox([cell], Limits(call_timeout_s=1.5, cell_timeout_s=5), {isolation!r}) as sandbox:
    sandbox.run_cells()
    started = time.monotonic()
    try:
        sandbox.request("call", target="print", method=None, args=[numpy.zeros(1 << 20)], kwargs={{}})
        outcome = "returned"
    except WorkerLost as exc:
        outcome = str(exc)
    print(json.dumps({{"outcome": outcome, "seconds": time.monotonic() - started}}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_worker_that_stops_reading_cannot_block_the_judge(isolation):
    """An 8 MiB request to a worker that no longer reads: the judge's write gives up at
    the call's deadline instead of blocking forever on a full pipe."""
    script = WRITE_STALL.format(root=str(ROOT), isolation=isolation)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    outcome = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "timed out" in outcome["outcome"] and outcome["seconds"] < 5, outcome


JUDGE_MEMORY = """
import json, resource, sys
sys.path[:0] = [{root!r}, {tests!r}]
import gradelib
from grader.pipeline import grade
from grader.limits import Limits
nb = gradelib.mutate("layers", [({old!r}, "        return np.ones(3_000_000 * {megabytes} // 24)")])
path = gradelib.write(nb, __import__("pathlib").Path({path!r}))
report = grade(path, "layers", Limits(call_timeout_s=5), {isolation!r})
print(json.dumps({{"score": report.score, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_huge_replies_do_not_bloat_the_judge(isolation, tmp_path):
    """A method that returns 30 MB (under the frame cap) or 240 MB (over it) of array data:
    the judge's own peak memory (measured in the grading process itself) stays small."""
    for megabytes in (30, 240):
        script = JUDGE_MEMORY.format(root=str(ROOT), tests=str(ROOT / "tests"), old=TANH_FORWARD,
                                     megabytes=megabytes, path=str(tmp_path / f"{megabytes}.ipynb"),
                                     isolation=isolation)
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr[-3000:]
        outcome = json.loads(proc.stdout.strip().splitlines()[-1])
        # A judge that accepted the 240 MB reply would hold it at least twice (bytes and
        # array) on top of its ~150 MB baseline; under a loaded CI the baseline has been
        # seen at 430 MB, so the bound sits between the two.
        assert outcome["maxrss_mb"] < 560, outcome


def test_limits_are_validated_and_recorded():
    from grader.limits import Limits

    for bad in ({"memory_mb": 0}, {"call_timeout_s": -1.0}, {"submission_timeout_s": float("nan")},
                {"max_processes": float("inf")}):
        with pytest.raises(ValueError):
            Limits(**bad)
    assert {"call_timeout_s", "submission_timeout_s", "cpu_time_s", "memory_mb", "max_processes",
            "output_bytes", "file_size_mb", "scratch_mb"} <= set(Limits().to_dict())


def test_bubblewrap_is_installed_by_make_install_or_explained():
    script = (ROOT / "tools" / "system_packages.sh").read_text()
    assert "bubblewrap" in script and "apt-get install" in script
    assert "not installed" in script and "docs/security.md" in script


def test_bubblewrap_on_demand_refuses_to_grade_without_it(tmp_path):
    """`--isolation bubblewrap` where bwrap cannot be found: a usage error, not a weaker sandbox."""
    cmd = [sys.executable, "-m", "grader", "grade", str(ROOT / "solutions" / "layers.ipynb"), "--out",
           str(tmp_path / "out"), "--assignment", "layers", "--isolation", "bubblewrap"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "PATH": str(tmp_path)})
    assert proc.returncode == 2 and "bubblewrap" in proc.stderr and not (tmp_path / "out").exists()


def test_cgroups_left_by_a_killed_judge_are_removed():
    from grader.sandbox.containment import CGROUP_PREFIX, Cgroup

    probe = Cgroup(8, 256 << 20)
    try:
        if not probe.paths:
            pytest.skip("no writable cgroup here")
        dead = subprocess.Popen(["true"])
        dead.wait()
        stale = {kind: path.parent / f"{CGROUP_PREFIX}{dead.pid}-0123abcd" for kind, path in probe.paths.items()}
        for path in stale.values():
            path.mkdir()
    finally:
        probe.remove()
    fresh = Cgroup(8, 256 << 20)
    try:
        assert not [path for path in stale.values() if path.exists()]
    finally:
        fresh.remove()


SECCOMP_PROBE = """
import ctypes, json, os, socket, sys
sys.path.insert(0, {root!r})
from grader.sandbox import seccomp
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
seccomp.Filter(unix_sockets={fallback!r}, sysv_ipc={fallback!r}).install()
outcome = {{}}
def attempt(name, call):
    try:
        call()
        outcome[name] = "ok"
    except OSError as exc:
        outcome[name] = exc.strerror
def syscall(name, *args):
    if libc.syscall(ctypes.c_long(seccomp.number(name)), *[ctypes.c_long(a) for a in args]) < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
attempt("keyctl", lambda: syscall("keyctl", 0, -3, 0))
attempt("add_key", lambda: syscall("add_key", 0, 0, 0, 0, -3))
attempt("request_key", lambda: syscall("request_key", 0, 0, 0, -3))
attempt("unix socket", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC).close())
attempt("unix datagram socketpair", lambda: [s.close() for s in socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)])
attempt("stream socketpair", lambda: [s.close() for s in socket.socketpair()])
attempt("tcp socket", lambda: socket.socket().close())
attempt("shmget", lambda: syscall("shmget", 0, 4096, 0o1600))
attempt("io_uring_setup", lambda: syscall("io_uring_setup", 0, 0))
print(json.dumps(outcome))
"""


@pytest.mark.parametrize("isolation", ["bubblewrap", "fallback"])
def test_seccomp_filter_denies_what_it_says(isolation):
    """The filter itself, installed in a fresh interpreter: the denied calls fail with EPERM,
    everything else still works (a stream socketpair, a TCP socket). Under bubblewrap the
    filter only covers keyrings (its namespaces do the rest), so shmget there would create a
    real segment in the host's namespace: the probe gives it an invalid size instead."""
    from grader.sandbox import seccomp
    if not seccomp.Filter().active:
        pytest.skip(f"no seccomp filter here: {seccomp.Filter().missing}")
    fallback = isolation == "fallback"
    script = SECCOMP_PROBE.format(root=str(ROOT), fallback=fallback)
    if not fallback:
        script = script.replace('syscall("shmget", 0, 4096, 0o1600)', 'syscall("shmget", 0, 0, 0)')
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    outcome = json.loads(proc.stdout)
    denied = {"keyctl", "add_key", "request_key"} | ({"unix socket", "unix datagram socketpair", "shmget",
                                                       "io_uring_setup"} if fallback else set())
    assert {name for name, what in outcome.items() if what == "Operation not permitted"} == denied, outcome
    assert outcome["stream socketpair"] == outcome["tcp socket"] == "ok", outcome


def test_seccomp_filter_builds_for_each_architecture():
    """Every jump of the program lands inside it, on each architecture we know; a foreign
    ABI's system calls (i386 on x86_64, x32) are denied before any number is compared."""
    from grader.sandbox import seccomp
    for arch in seccomp.ARCHITECTURES:
        for options in ({}, {"unix_sockets": True, "sysv_ipc": True}):
            program = seccomp.build(arch, **options)
            lines = [struct.unpack("=HBBI", program[i:i + 8]) for i in range(0, len(program), 8)]
            assert lines[-1][0] == lines[-2][0] == 0x06  # ends in returns
            for index, (code, jt, jf, _) in enumerate(lines):
                if code & 0x07 == 0x05:  # a jump
                    assert index + 1 + max(jt, jf) < len(lines)
            assert lines[1] == (0x15, 0, lines[1][2], seccomp.ARCHITECTURES[arch])


@pytest.mark.parametrize("isolation", ["bubblewrap", "fallback"])
def test_protections_say_when_the_seccomp_filter_is_missing(isolation, monkeypatch):
    """report.json's `protections` names the filter when the worker has it, and says what is
    within reach when it has not (an architecture without a filter)."""
    from grader.sandbox import Sandbox, seccomp

    active = seccomp.Filter().active
    with Sandbox([], isolation=isolation) as sandbox:
        present = sandbox.protections
    monkeypatch.setattr(seccomp, "architecture", lambda: None)
    with Sandbox([], isolation=isolation) as sandbox:
        missing = sandbox.protections
    if active:
        assert any(p.startswith("seccomp: no keyrings") for p in present), present
    assert any(p.startswith("no seccomp filter") and "keyring" in p for p in missing), missing
    assert not any(p.startswith("seccomp:") for p in missing), missing
