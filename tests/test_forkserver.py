"""Batches with real judges forked from the warm server (grader/batch/forkserver.py): the same
reports as `python -m grader grade`, timeouts that kill the whole judge, nothing left
running when the batch dies, and the ordinary judges when the server is gone."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.batch import judges, run_batch
from grader.batch.forkserver import ForkServer, ForkServerLost

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "submissions"
HANG = "while True:\n    pass\n"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork server needs fork()")


@pytest.fixture
def forks(monkeypatch):
    """Every judge the batch's fork server starts: [Judge]."""
    started = []
    original = ForkServer.start

    def start(self, job, log_path):
        judge = original(self, job, log_path)
        started.append(judge)
        return judge

    monkeypatch.setattr(ForkServer, "start", start)
    return started


def copy_samples(root, pairs):
    for student, assignment in pairs:
        (root / student).mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / student / f"{assignment}.ipynb", root / student / f"{assignment}.ipynb")
    return root


def grade_alone(path, assignment, out):
    subprocess.run([sys.executable, "-m", "grader", "grade", str(path), "--assignment", assignment,
                    "--out", str(out)], check=True, cwd=REPO, capture_output=True)
    return json.loads((out / "report.json").read_text())


def server_processes(batch_pid):
    """Pids of the fork server started by batch_pid and of the judges it forked (they share its command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"grader.batch.forkserver" in argv and str(batch_pid).encode() in argv:
                found.append(int(entry.name))
    return found


def group_gone(pgid, within=5.0):
    """No live (non-zombie) process left in the process group."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                alive.append(stat.parent.name)
        if not alive:
            return True
        time.sleep(0.1)
    return False


def test_forked_judges_write_the_reports_a_single_grading_writes(tmp_path, forks):
    root = copy_samples(tmp_path / "subs", [("s-1a2b", "layers"), ("s-3c4d", "layers"), ("s-5e6f", "spiral")])
    (root / "s-9z9z").mkdir()
    (root / "s-9z9z" / "layers.ipynb").write_text("this is not a notebook")
    result = run_batch(root, tmp_path / "reports", jobs=2, progress=False)

    assert len(forks) == 4 and all(judge.returncode == 0 for judge in forks)
    assert {o.status for o in result.results} == {"graded"}
    for outcome in result.results:
        batch_report = json.loads(outcome.report_path.read_text())
        alone = grade_alone(outcome.entry.path, outcome.assignment, tmp_path / "alone" / outcome.student)
        for key in ("score", "max_score", "error", "checks", "targets", "artifacts", "cells", "warnings"):
            assert batch_report[key] == alone[key], (outcome.student, key)
        assert (outcome.report_dir / "report.html").stat().st_size > 10_000 or batch_report["error"]
    scores = {o.student: o.score for o in result.results}
    assert scores["s-1a2b"] == 51 and scores["s-9z9z"] == 0 and 0 < scores["s-3c4d"] < 51


def test_a_forked_judge_past_the_time_limit_is_killed(tmp_path, forks):
    root = tmp_path / "subs"
    for student in ("a", "b", "c"):
        (root / student).mkdir(parents=True)
        (root / student / "layers.py").write_text(HANG)
    started = time.monotonic()
    result = run_batch(root, tmp_path / "reports", jobs=3, progress=False, timeout=4)
    assert time.monotonic() - started < 30
    assert len(forks) == 3
    for outcome in result.results:
        assert outcome.status == "failed" and "stopped after 4 s" in outcome.error
        assert json.loads(outcome.report_path.read_text())["score"] == 0
    for judge in forks:
        assert judge.returncode == -signal.SIGKILL
        assert group_gone(judge.pid), f"judge {judge.pid}'s process group outlived the timeout"


def test_a_killed_batch_takes_its_fork_server_and_judges_along(tmp_path):
    root = tmp_path / "subs"
    for student in ("a", "b", "c", "d"):
        (root / student).mkdir(parents=True)
        (root / student / "layers.py").write_text(HANG)
    batch = subprocess.Popen([sys.executable, "-m", "grader", "batch", str(root), "--out", str(tmp_path / "out"),
                              "--jobs", "2"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(server_processes(batch.pid)) < 3:  # the server and two judges
            assert batch.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        batch.send_signal(signal.SIGKILL)
        batch.wait()
        deadline = time.monotonic() + 10
        while server_processes(batch.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server_processes(batch.pid) == []
    finally:
        batch.kill()
        batch.wait()


def test_without_the_fork_server_judges_start_the_ordinary_way(tmp_path, monkeypatch):
    def lost(self, job, log_path):
        raise ForkServerLost("gone")

    monkeypatch.setattr(ForkServer, "start", lost)
    popen = []
    original = judges.subprocess.Popen

    def spy(*args, **kwargs):
        popen.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(judges.subprocess, "Popen", spy)
    root = copy_samples(tmp_path / "subs", [("s-1a2b", "optimizers"), ("s-3c4d", "optimizers"),
                                            ("s-5e6f", "optimizers")])
    result = run_batch(root, tmp_path / "reports", jobs=2, progress=False)
    assert [o.status for o in result.results] == ["graded"] * 3
    assert [o.score for o in result.results][0] == 38
    assert len([argv for argv in popen if "grader.batch.jobs" in argv]) == 3
