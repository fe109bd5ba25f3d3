"""The batch on a Dask cluster (--cluster) and in shards (--shard i/N, `python -m grader gradebook`).

Cluster tests run real Dask processes on this machine: a LocalCluster started by the batch, or
`dask scheduler` and `dask worker` started here on 127.0.0.1. Most use the fake judge
(fakejudge.py), so they test the distribution, not the grading; two grade real notebooks.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from fakejudge import make_submissions
from grader.batch import BatchUsageError, Shard, run_batch
from grader.batch.merge import MergeError, merge_gradebooks
from grader.batch.shard import shard_of
from grader.cli import main as cli_main

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
IDS = ["layers", "optimizers"]
QUIET = Console(file=open(os.devnull, "w"))
STUDENTS = {f"student-{i:02d}/{a}.ipynb": f"# score {i + len(a)}\n" for i in range(12) for a in IDS}


def batch(root, out, fake, **options):
    return run_batch(root, out, jobs=2, progress=False, console=QUIET, known_ids=IDS,
                     judge_command=fake.command, **options)


def python_cli(*args, cwd=ROOT, env=None, **kwargs):
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, **kwargs)


# ------------------------------------------------------------------ shards (no Dask)

def test_shard_parse_and_membership():
    assert Shard.parse("2/8") == Shard(2, 8) and str(Shard.parse(" 0 / 1 ")) == "0/1"
    for bad in ("8/8", "-1/4", "1/0", "a/b", "3", ""):
        with pytest.raises(ValueError, match="--shard"):
            Shard.parse(bad)
    folders = [f"student-{i}" for i in range(200)]
    parts = [[f for f in folders if Shard(i, 4).holds(f)] for i in range(4)]
    assert sorted(sum(parts, [])) == sorted(folders)            # each student in exactly one shard
    assert all(30 <= len(p) <= 70 for p in parts)                # and the shards about even
    assert [shard_of(f, 4) for f in folders] == [shard_of(f, 4) for f in folders + ["new"]][:-1]


def test_shards_merge_to_the_whole_class(tmp_path, fake):
    root = make_submissions(tmp_path / "subs", STUDENTS | {"stray.ipynb": "# score 1\n"})
    whole = batch(root, tmp_path / "whole", fake)
    shards = [batch(root, tmp_path / f"shard-{i}", fake, shard=Shard(i, 3)) for i in range(3)]
    assert sum(len(s.results) for s in shards) == len(whole.results) == 24
    assert [len(s.ignored) for s in shards] == [1, 0, 0]         # the stray notebook is listed once
    merged = merge_gradebooks([tmp_path / f"shard-{i}" for i in range(3)], tmp_path / "merged")
    assert (tmp_path / "merged" / "gradebook.csv").read_text() == (tmp_path / "whole" / "gradebook.csv").read_text()
    assert merged["summary"]["graded"] == 24 and len(merged["ignored"]) == 1
    report = tmp_path / "merged" / merged["students"]["student-03"]["layers"]["report"]
    assert json.loads(report.read_text())["score"] == 9.0         # the report paths lead to the shards' reports
    assert [p["shard"]["index"] for p in merged["parts"]] == [0, 1, 2]


def test_merge_refuses_parts_that_do_not_belong_together(tmp_path, fake):
    root = make_submissions(tmp_path / "subs", STUDENTS)
    for i in range(3):
        batch(root, tmp_path / f"shard-{i}", fake, shard=Shard(i, 3))
    batch(root, tmp_path / "whole", fake)
    shard = [tmp_path / f"shard-{i}" for i in range(3)]
    cases = [([shard[0], shard[2]], r"shard\(s\) 1/3 missing"),
             ([*shard, shard[1]], "given twice"),
             ([shard[0], tmp_path / "whole"], "some parts are shards"),
             ([tmp_path / "whole", tmp_path / "subs"], "has no gradebook.json"),
             ([tmp_path / "whole", tmp_path / "merged"], "is one of the parts"),
             ([tmp_path / "whole"], None)]
    for parts, message in cases:
        if message is None:
            merge_gradebooks(parts, tmp_path / "merged")
            continue
        with pytest.raises(MergeError, match=message):
            merge_gradebooks(parts, tmp_path / "merged")
    with pytest.raises(MergeError, match="is in two parts"):
        merge_gradebooks([tmp_path / "whole", tmp_path / "merged"], tmp_path / "again")
    book = json.loads((shard[1] / "gradebook.json").read_text())
    (shard[1] / "gradebook.json").write_text(json.dumps(book | {"grader_version": "0.0.9+other"}))
    with pytest.raises(MergeError, match="different grader versions"):
        merge_gradebooks(shard, tmp_path / "merged")


def test_cli_usage_errors_are_one_line(tmp_path, capsys, monkeypatch):
    root = make_submissions(tmp_path / "subs", {"alice/layers.ipynb": "x"})
    out = tmp_path / "out"
    cases = [(["--shard", "4/4"], "--shard 4/4"), (["--cluster", "local:0"], "local: takes a number"),
             (["--cluster", "http://x/y z"], "give a scheduler address")]
    for extra, message in cases:
        assert cli_main(["batch", str(root), "--out", str(out), *extra]) == 2
        error = capsys.readouterr().err
        assert error.startswith("error: ") and message in error and error.count("\n") == 1
    monkeypatch.setattr("grader.batch.cluster.dask_available", lambda: False)
    assert cli_main(["batch", str(root), "--out", str(out), "--cluster", "local:1"]) == 2
    assert "pip install 'backprop-lab[cluster]'" in capsys.readouterr().err
    assert cli_main(["gradebook", str(root), "--out", str(out)]) == 2
    assert "has no gradebook.json" in capsys.readouterr().err


# ------------------------------------------------------------------ a LocalCluster

def test_identical_submissions_are_graded_once(tmp_path, fake):
    same = "# score 7\n"
    root = make_submissions(tmp_path / "subs", {"alice/layers.ipynb": same, "bob/layers.ipynb": same,
                                                "carol/layers.ipynb": same, "dave/layers.ipynb": "# score 3\n"})
    result = batch(root, tmp_path / "out", fake, cluster="local:2")
    assert len(fake.calls()) == 2
    assert [(r.student, r.status, r.score) for r in result.results] == [
        ("alice", "graded", 7.0), ("bob", "graded", 7.0), ("carol", "graded", 7.0), ("dave", "graded", 3.0)]
    for student in ("alice", "bob", "carol"):  # each report names its own file, not the shared task's
        report = json.loads((tmp_path / "out" / student / "layers" / "report.json").read_text())
        assert report["submission"]["path"] == str((root / student / "layers.ipynb").resolve())
    fake.reset()
    again = batch(root, tmp_path / "out", fake, cluster="local:1")
    assert fake.calls() == [] and {r.status for r in again.results} == {"cached"}


def test_a_judge_that_fails_on_a_worker_costs_only_its_student(tmp_path, fake):
    root = make_submissions(tmp_path / "subs", {"alice/layers.ipynb": "# score 4\n", "bob/layers.ipynb": "# sleep 30\n",
                                                "carol/layers.ipynb": "# crash\n"})
    result = batch(root, tmp_path / "out", fake, cluster="local:2", timeout=2, max_scores={"layers": 10.0})
    by_student = {r.student: r for r in result.results}
    assert (by_student["alice"].status, by_student["alice"].score) == ("graded", 4.0)
    assert "stopped after 2 s" in by_student["bob"].error
    assert "killed by SIGKILL" in by_student["carol"].error
    for student in ("bob", "carol"):  # a fallback report with the assignment's max score, graded again next time
        report = json.loads((tmp_path / "out" / student / "layers" / "report.json").read_text())
        assert (report["score"], report["max_score"], report["fallback"]) == (0, 10.0, True)
        assert not (tmp_path / "out" / student / "layers" / ".cache-key").exists()
    assert (tmp_path / "out" / "carol" / "layers" / ".grade.log").exists()


def test_a_worker_killed_mid_task_costs_nothing(tmp_path, fake, monkeypatch):
    """The worker running a task is SIGKILLed; Dask runs the task again on the other worker."""
    pids = tmp_path / "pids"
    monkeypatch.setenv("FAKE_PIDS", str(pids))
    root = make_submissions(tmp_path / "subs", {f"s{i}/layers.ipynb": f"# score {i}\n# sleep 2\n" for i in range(4)})
    killed = []

    def kill_first_worker():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            if pids.exists() and pids.read_text().split():
                judge = int(pids.read_text().split()[0])
                worker = _parent(judge)
                if worker:
                    os.kill(worker, signal.SIGKILL)
                    killed.append(worker)
            time.sleep(0.05)

    killer = threading.Thread(target=kill_first_worker)
    killer.start()
    result = batch(root, tmp_path / "out", fake, cluster="local:2")
    killer.join()
    assert killed, "no worker was killed"
    assert [(r.student, r.status, r.score) for r in result.results] == [(f"s{i}", "graded", float(i)) for i in range(4)]
    assert sorted(p.parent.parent.name for p in (tmp_path / "out").glob("*/layers/report.json")) == [f"s{i}" for i in range(4)]


def _parent(pid):
    """The Dask worker process above a judge (the judge's parent, or its grandparent through
    the with_parent.py wrapper)."""
    try:
        for _ in range(3):
            stat = Path(f"/proc/{pid}/stat").read_text()
            pid = int(stat.rsplit(")", 1)[1].split()[1])
            if "distributed" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace") or \
                    "spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                return pid
    except (OSError, ValueError, IndexError):
        return None
    return None


def test_a_killed_client_reruns_only_what_is_missing(tmp_path, fake):
    root = make_submissions(tmp_path / "subs", {f"s{i}/layers.ipynb": f"# score {i}\n# sleep 1\n" for i in range(6)})
    out = tmp_path / "out"
    code = ("import sys; from grader.batch import run_batch; "
            f"run_batch({str(root)!r}, {str(out)!r}, 1, progress=False, known_ids=['layers'], "
            f"judge_command={fake.command!r}, cluster='local:1')")
    client = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list(out.glob("*/layers/.cache-key"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(client.pid, signal.SIGKILL)  # the client and its LocalCluster, mid-batch
    client.wait()
    finished = {p.parent.parent.name for p in out.glob("*/layers/.cache-key")}
    assert 2 <= len(finished) < 6
    fake.reset()
    result = batch(root, out, fake, cluster="local:1")
    assert len(fake.calls()) == 6 - len(finished)
    assert {r.student for r in result.results if r.status == "cached"} == finished
    assert [r.score for r in result.results] == [float(i) for i in range(6)]


def test_local_cluster_grades_like_the_local_batch(tmp_path):
    """The sample batch (make grade's): a LocalCluster of two workers gives the gradebook of --jobs 2."""
    samples = ROOT / "submissions"
    local = python_cli("batch", samples, "--out", tmp_path / "jobs", "--jobs", "2")
    cluster = python_cli("batch", samples, "--out", tmp_path / "cluster", "--cluster", "local:2")
    assert local.returncode == cluster.returncode == 0, cluster.stderr[-2000:]
    gradebook = (tmp_path / "jobs" / "gradebook.csv").read_text()
    assert (tmp_path / "cluster" / "gradebook.csv").read_text() == gradebook
    assert gradebook.count("\n") == 1 + len(list(samples.iterdir())) and ",," not in gradebook
    assert "cluster: 24 task(s) for 24 submission(s) on 2 worker(s), 2 thread(s)" in cluster.stdout + cluster.stderr


# ------------------------------------------------------------------ real dask scheduler and workers

class Scheduler:
    """`dask scheduler` on 127.0.0.1 and the `dask worker`s started for it; all killed at the end."""

    def __init__(self, folder):
        self.folder = folder
        self.file = folder / "scheduler.json"
        self.procs = [self._start("dask_scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", self.file)]
        self._wait(lambda: self.file.exists(), "the scheduler did not start")
        self.address = json.loads(self.file.read_text())["address"]

    def _start(self, program, *args, env=None, cwd=None):
        log = open(self.folder / f"{program}-{len(getattr(self, 'procs', []))}.log", "wb")
        return subprocess.Popen([sys.executable, "-m", f"distributed.cli.{program}", *map(str, args)], cwd=cwd,
                                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def worker(self, env=None, cwd=None, preload=True):
        proc = self._start("dask_worker", "--scheduler-file", self.file, "--nthreads", "1", "--no-dashboard",
                           *(["--preload", "grader.batch.cluster_preload"] if preload else []), env=env, cwd=cwd)
        self.procs.append(proc)
        return proc

    def wait_for_workers(self, count):
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(count, timeout=60)

    @staticmethod
    def _wait(condition, message, timeout=60):
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, message
            time.sleep(0.1)

    def close(self):
        for proc in reversed(self.procs):
            with_group = proc.poll() is None
            if with_group:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture
def scheduler(tmp_path):
    running = Scheduler(tmp_path)
    yield running
    running.close()


def test_real_scheduler_and_worker_grade_notebooks(tmp_path, scheduler):
    scheduler.worker()
    scheduler.wait_for_workers(1)
    root = tmp_path / "subs"
    for student in ("s-3c4d", "twin"):
        (root / student).mkdir(parents=True)
        shutil.copy(ROOT / "submissions" / "s-3c4d" / "layers.ipynb", root / student / "layers.ipynb")
    proc = python_cli("batch", root, "--out", tmp_path / "out", "--cluster", scheduler.address)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "out" / "gradebook.csv").read_text().splitlines()[1:] == ["s-3c4d,47.0,47.0", "twin,47.0,47.0"]


def test_a_worker_with_another_grader_stops_the_batch(tmp_path, scheduler):
    other = tmp_path / "other-grader"
    for name in ("grader", "reference", "backprop_lab_check"):
        shutil.copytree(ROOT / name, other / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", other)
    with open(other / "grader" / "scoring.py", "a") as handle:
        handle.write("# a grader edited on one worker\n")
    scheduler.worker(env={**os.environ, "PYTHONPATH": str(other)}, cwd=other)
    scheduler.wait_for_workers(1)
    root = make_submissions(tmp_path / "subs", {"alice/layers.ipynb": "# score 1\n"})
    with pytest.raises(BatchUsageError, match="runs grader .* this client .*no student is graded by another"):
        run_batch(root, tmp_path / "out", 1, progress=False, console=QUIET, known_ids=IDS, cluster=scheduler.address)
    assert not (tmp_path / "out" / "alice" / "layers" / "report.json").exists()


def test_a_worker_without_bubblewrap_refuses_to_start(tmp_path, scheduler):
    bare = tmp_path / "bin"  # a PATH with Python and without bwrap
    bare.mkdir()
    (bare / "python").symlink_to(sys.executable)
    env = {**os.environ, "PATH": str(bare)}
    refused = scheduler.worker(env=env)
    assert refused.wait(timeout=60) == 1
    log = (tmp_path / "dask_worker-1.log").read_text()
    assert "this worker will not grade: bubblewrap (bwrap) is missing" in log
    allowed = scheduler.worker(env={**env, "BACKPROP_LAB_ALLOW_NO_BUBBLEWRAP": "1"})
    scheduler.wait_for_workers(1)
    assert allowed.poll() is None


def test_a_lost_scheduler_stops_the_batch_and_keeps_what_finished(tmp_path, scheduler, fake):
    scheduler.worker()
    scheduler.wait_for_workers(1)
    root = make_submissions(tmp_path / "subs", {f"s{i}/layers.ipynb": f"# score {i}\n# sleep 1\n" for i in range(8)})
    out = tmp_path / "out"

    def kill_scheduler_after_two_reports():
        deadline = time.monotonic() + 60
        while len(list(out.glob("*/layers/.cache-key"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(scheduler.procs[0].pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_scheduler_after_two_reports)
    killer.start()
    with pytest.raises(BatchUsageError, match=r"lost the connection to the Dask scheduler .* rerun the batch"):
        batch(root, out, fake, cluster=scheduler.address)
    killer.join()
    finished = list(out.glob("*/layers/.cache-key"))
    assert 2 <= len(finished) < 8
    assert len(list(out.glob("*/layers/report.json"))) == len(finished)  # no fallback written for the rest
