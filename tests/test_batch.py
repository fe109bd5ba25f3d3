"""The batch runner, driven by a fake judge (fakejudge.py: no real grading needed)."""
import csv
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rich.console import Console

import grader.batch.store
from grader.batch import (BatchResult, BatchUsageError, find_submissions, print_gradebook,
                          run_batch, write_gradebook)
from grader.batch.store import LOCK_NAME, cache_key
from grader.limits import Limits
from grader.version import grader_version, version_at

from fakejudge import make_submissions

try:
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

REPO = Path(__file__).resolve().parents[1]
IDS = ["layers", "optimizers", "spiral"]


@pytest.fixture(autouse=True)
def fixed_version(monkeypatch):
    """Others may edit grader/ while these tests run; the cache must not see it."""
    monkeypatch.setattr("grader.batch.grader_version", lambda: "0.1.0+test")


def run(root, out, fake, **kw):
    kw.setdefault("jobs", 2)
    kw.setdefault("progress", False)
    kw.setdefault("known_ids", IDS)
    return run_batch(root, out, judge_command=fake.command, **kw)


def read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def assert_clean(out):
    """No temporary file left, every report.json complete."""
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    for report in out.rglob("report.json"):
        json.loads(report.read_text())


def process_gone(pid, within=3.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_parallel_batch_writes_reports_and_gradebook(tmp_path, fake, monkeypatch):
    root = make_submissions(tmp_path / "subs", {
        "alice/layers.ipynb": "# score 7\n# sleep 0.3\n",
        "alice/optimizers.py": "# score 9.5\n# sleep 0.3\n",
        "bob/layers.ipynb": "# score 3\n# sleep 0.3\n",
        "carol/spiral.ipynb": "# score 10\n# sleep 0.3\n",
    })
    out = tmp_path / "reports"
    spans = tmp_path / "spans"
    monkeypatch.setenv("FAKE_SPANS", str(spans))
    result = run(root, out, fake)
    intervals = sorted(tuple(map(float, line.split())) for line in spans.read_text().splitlines())
    assert any(b[0] < a[1] for a, b in zip(intervals, intervals[1:])), "judges never overlapped"
    assert isinstance(result, BatchResult) and result.exit_code == 0
    assert [o.status for o in result.results] == ["graded"] * 4
    assert [(o.student, o.assignment, o.score) for o in result.results] == [
        ("alice", "layers", 7.0), ("alice", "optimizers", 9.5), ("bob", "layers", 3.0),
        ("carol", "spiral", 10.0)]
    for o in result.results:
        assert json.loads(o.report_path.read_text())["score"] == o.score
        assert o.report_path == out / o.student / o.assignment / "report.json"
        assert (o.report_dir / ".cache-key").read_text().strip() == \
            cache_key(o.entry.path, o.assignment, result.grader_version,
                      {"limits": Limits().to_dict(), "isolation": "auto", "language": None, "default_language": "en"})
        assert not (o.report_dir / ".grade.log").exists()
    assert read_csv(out / "gradebook.csv") == [
        ["student", "layers", "optimizers", "spiral", "total"],
        ["alice", "7.0", "9.5", "", "16.5"],
        ["bob", "3.0", "", "", "3.0"],
        ["carol", "", "", "10.0", "10.0"],
    ]
    book = json.loads((out / "gradebook.json").read_text())
    assert book["students"]["alice"]["optimizers"] == {
        "score": 9.5, "max_score": 10.0, "error": None, "status": "graded",
        "report": "alice/optimizers/report.json"}
    assert book["summary"]["graded"] == 4 and book["grader_version"] == result.grader_version
    assert_clean(out)

    console = Console(record=True, width=120, file=open(os.devnull, "w"))
    print_gradebook(console, out)
    text = console.export_text()
    assert "alice" in text and "16.5" in text and "4 graded, 0 cached, 0 failed" in text


def test_second_run_is_cached_and_changed_submission_is_regraded(tmp_path, fake):
    root = make_submissions(tmp_path / "subs", {
        "alice/layers.ipynb": "# score 7\n", "bob/layers.ipynb": "# score 3\n"})
    out = tmp_path / "reports"
    run(root, out, fake)
    assert fake.calls() == ["alice/layers", "bob/layers"]

    fake.reset()
    again = run(root, out, fake)
    assert fake.calls() == [] and [o.status for o in again.results] == ["cached", "cached"]
    assert [o.score for o in again.results] == [7.0, 3.0]
    assert read_csv(out / "gradebook.csv")[1:] == [["alice", "7.0", "7.0"], ["bob", "3.0", "3.0"]]

    (root / "bob/layers.ipynb").write_text("# score 8\n")
    third = run(root, out, fake)
    assert fake.calls() == ["bob/layers"]
    assert [o.status for o in third.results] == ["cached", "graded"]
    assert read_csv(out / "gradebook.csv")[2] == ["bob", "8.0", "8.0"]

    fake.reset()
    forced = run(root, out, fake, force=True)
    assert fake.calls() == ["alice/layers", "bob/layers"]
    assert {o.status for o in forced.results} == {"graded"}


def test_broken_judges_get_fallback_reports_and_the_batch_continues(tmp_path, fake, capsys):
    root = make_submissions(tmp_path / "subs", {
        "ann/layers.py": "# crash\n",
        "ben/layers.py": "# hang\n",
        "cat/layers.py": "# exit 3\n",
        "dan/layers.py": "# noreport\n",
        "eve/layers.py": "# badresult\n",
        "fay/layers.py": "# score 6\n",
    })
    out = tmp_path / "reports"
    result = run(root, out, fake, jobs=3, timeout=1.5, progress=True)
    assert result.exit_code == 0
    status = {o.student: o.status for o in result.results}
    assert status == {"ann": "failed", "ben": "failed", "cat": "failed", "dan": "failed",
                      "eve": "failed", "fay": "graded"}
    reasons = {"ann": "killed by SIGKILL (exit status -9)",
               "ben": "stopped after 1.5 s", "cat": "exit status 3",
               "dan": "without writing report.json", "eve": "it gave no result"}
    for student, reason in reasons.items():
        report = json.loads((out / student / "layers" / "report.json").read_text())
        assert report["score"] == 0 and report["checks"] == []
        assert report["error"].startswith("the grader could not finish this submission: ")
        assert reason in report["error"]
        assert report["max_score"] == 10.0  # learned from fay's report
        assert not (out / student / "layers" / ".cache-key").exists()
        assert (out / student / "layers" / ".grade.log").exists()
        assert report["error"] in (out / student / "layers" / "report.md").read_text()
    # the hanging judge's whole process group was killed, grandchild included
    grandchild = int((root / "ben" / "grandchild.pid").read_text())
    assert process_gone(grandchild)
    assert read_csv(out / "gradebook.csv")[1:] == [
        [s, v, v] for s, v in [("ann", "0.0"), ("ben", "0.0"), ("cat", "0.0"),
                               ("dan", "0.0"), ("eve", "0.0"), ("fay", "6.0")]]
    err = capsys.readouterr().err
    assert "failed ben/layers" in err and "graded fay/layers: 6.0/10.0" in err
    assert_clean(out)

    # failures are not cached: the next run tries them again, the good one stays cached
    fake.reset()
    (root / "ben/layers.py").write_text("# score 4\n")
    again = run(root, out, fake, jobs=3, timeout=1.5)
    assert "ben/layers" in fake.calls() and "fay/layers" not in fake.calls()
    assert {o.student: o.status for o in again.results}["ben"] == "graded"


def test_fallback_uses_given_max_score_and_unknown_is_zero(tmp_path, fake):
    root = make_submissions(tmp_path / "subs", {"ann/layers.py": "# exit 1\n",
                                                "ann/spiral.py": "# exit 1\n"})
    out = tmp_path / "reports"
    result = run(root, out, fake, max_scores={"layers": 40.0})
    assert [(o.assignment, o.max_score) for o in result.results] == [("layers", 40.0),
                                                                     ("spiral", 0.0)]
    assert json.loads((out / "ann/layers/report.json").read_text())["max_score"] == 40.0


def test_classroom_layout_is_discovered(tmp_path):
    root = make_submissions(tmp_path / "subs", {
        "dl-assignment-alice/exercises/layers.ipynb": "{}",
        "dl-assignment-alice/exercises/.ipynb_checkpoints/layers-checkpoint.ipynb": "{}",
        "dl-assignment-alice/exercises/.ipynb_checkpoints/spiral.ipynb": "{}",
        "dl-assignment-alice/backup/old/layers.ipynb": "{}",
        "dl-assignment-alice/exercises/spiral.ipynb": "{}",
        "dl-assignment-alice/exercises/scratch.ipynb": "{}",
        "dl-assignment-alice/.github/optimizers.ipynb": "{}",
        "dl-assignment-alice/setup.py": "",
        "bob/optimizers.ipynb": "{}",
        "bob/optimizers.py": "",
        "bob/notes.py": "",
        ".hidden/layers.ipynb": "{}",
        "stray.ipynb": "{}",
    })
    found = find_submissions(root, known_ids=IDS)
    assert [(s.student, s.assignment, s.path, s.home) for s in found] == [
        ("bob", "optimizers", root / "bob/optimizers.ipynb", root / "bob"),
        ("dl-assignment-alice", "layers", root / "dl-assignment-alice/exercises/layers.ipynb",
         root / "dl-assignment-alice"),
        ("dl-assignment-alice", "spiral", root / "dl-assignment-alice/exercises/spiral.ipynb",
         root / "dl-assignment-alice"),
    ]
    # without known ids every <student>/<stem> counts, and nested notebooks do not
    assert [(s.student, s.assignment) for s in find_submissions(root, known_ids=[])] == [
        ("bob", "notes"), ("bob", "optimizers"), ("dl-assignment-alice", "setup")]


def test_usage_errors(tmp_path, fake):
    with pytest.raises(BatchUsageError, match="not found"):
        run(tmp_path / "missing", tmp_path / "out", fake)
    (tmp_path / "empty" / "alice").mkdir(parents=True)
    with pytest.raises(BatchUsageError, match="no submissions found"):
        run(tmp_path / "empty", tmp_path / "out", fake)
    with pytest.raises(BatchUsageError, match="jobs"):
        run(tmp_path / "empty", tmp_path / "out", fake, jobs=0)


HOLD_LOCK = textwrap.dedent('''\
    import fcntl, sys, time
    with open(sys.argv[1], "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
''')


def _hold_batch_lock(out, seconds):
    """Another process holding the output folder's batch lock for `seconds`."""
    out.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out / LOCK_NAME), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"
    return holder


@pytest.mark.skipif(fcntl is None, reason="POSIX only")
def test_a_second_batch_on_the_same_folder_is_refused(tmp_path, fake, monkeypatch):
    monkeypatch.setattr(grader.batch.store, "LOCK_WAIT_S", 0.3)
    root = make_submissions(tmp_path / "subs", {"ann/layers.py": "# score 3\n"})
    out = tmp_path / "reports"
    holder = _hold_batch_lock(out, 30)
    try:
        with pytest.raises(BatchUsageError, match="another batch is already writing to"):
            run(root, out, fake)
        assert fake.calls() == []
    finally:
        holder.kill()
        holder.wait()
    assert run(root, out, fake).results[0].score == 3.0


@pytest.mark.skipif(fcntl is None, reason="POSIX only")
def test_a_lock_let_go_within_the_wait_is_taken(tmp_path, fake):
    # as when a killed batch's child still holds the lock's file until its exec
    root = make_submissions(tmp_path / "subs", {"ann/layers.py": "# score 3\n"})
    out = tmp_path / "reports"
    holder = _hold_batch_lock(out, 0.5)
    try:
        assert run(root, out, fake).results[0].score == 3.0
    finally:
        holder.wait()


def test_grader_version_is_stable_and_stamped():
    version = grader_version()
    assert version == grader_version()
    assert version.startswith("0.1.0+") and len(version.split("+")[1]) == 12


def test_write_gradebook_again_from_a_result(tmp_path, fake):
    root = make_submissions(tmp_path / "subs", {"zed/spiral.py": "# score 2.25\n"})
    result = run(root, tmp_path / "reports", fake)
    write_gradebook(tmp_path / "again", result)
    assert read_csv(tmp_path / "again" / "gradebook.csv") == [
        ["student", "spiral", "total"], ["zed", "2.25", "2.25"]]


DRIVER = textwrap.dedent('''\
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[4])
    import grader.batch
    from grader.batch import run_batch
    grader.batch.grader_version = lambda: "0.1.0+test"
    run_batch(Path(sys.argv[1]), Path(sys.argv[2]), jobs=2, progress=False,
              known_ids=["layers"], judge_command=[sys.executable, sys.argv[3]])
''')


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_kill_9_mid_run_resumes_without_regrading(tmp_path, fake, monkeypatch):
    students = [f"s{i:02d}" for i in range(10)]
    root = make_submissions(tmp_path / "subs", {
        f"{s}/layers.py": f"# score {i}\n# sleep 0.25\n" for i, s in enumerate(students)})
    out = tmp_path / "reports"
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    pids = tmp_path / "pids"
    monkeypatch.setenv("FAKE_PIDS", str(pids))
    batch = subprocess.Popen([sys.executable, str(driver), str(root), str(out),
                              str(fake.script), str(REPO)])
    try:
        deadline = time.monotonic() + 15
        while len(list(out.glob("*/layers/.cache-key"))) < 3:
            assert batch.poll() is None, "the batch finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        batch.send_signal(signal.SIGKILL)
    finally:
        batch.kill()
        batch.wait()
    # reports are whole files, never half-written ones
    for report in out.rglob("report.json"):
        json.loads(report.read_text())
    finished = {p.parent.parent.name for p in out.glob("*/layers/.cache-key")}
    assert 3 <= len(finished) < len(students)
    if sys.platform.startswith("linux"):  # the running judges died with the batch
        for pid in pids.read_text().split():
            assert process_gone(int(pid)), f"judge {pid} outlived the batch"

    fake.reset()
    monkeypatch.delenv("FAKE_PIDS")
    result = run(root, out, fake, known_ids=["layers"], jobs=4)
    regraded = {call.split("/")[0] for call in fake.calls()}
    assert regraded == set(students) - finished
    assert {o.student for o in result.with_status("cached")} == finished
    assert read_csv(out / "gradebook.csv")[1:] == [[s, f"{i}.0", f"{i}.0"]
                                                   for i, s in enumerate(students)]
    assert_clean(out)


def test_grader_version_follows_sources(tmp_path):
    make_submissions(tmp_path, {
        "pyproject.toml": '[project]\nname = "backprop-lab"\nversion = "2.3.4"\n',
        "grader/judge.py": "A = 1\n", "grader/templates/report.html.j2": "<p>{{ score }}</p>",
        "reference/layers.py": "B = 2\n", "grader/notes.txt": "x",
        "grader/__pycache__/judge.py": "cache"})
    assert version_at(tmp_path).startswith("2.3.4+")
    for rel, same in [("grader/notes.txt", True), ("grader/__pycache__/judge.py", True),
                      ("grader/judge.py", False), ("grader/templates/report.html.j2", False),
                      ("reference/layers.py", False)]:
        before = version_at(tmp_path)
        (tmp_path / rel).write_text((tmp_path / rel).read_text() + "# changed\n")
        assert (version_at(tmp_path) == before) == same, rel


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_sigterm_stops_the_batch_and_its_judges(tmp_path, fake, monkeypatch):
    root = make_submissions(tmp_path / "subs", {f"s{i}/layers.py": "# hang\n" for i in range(3)})
    out = tmp_path / "reports"
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    pids = tmp_path / "pids"
    monkeypatch.setenv("FAKE_PIDS", str(pids))
    batch = subprocess.Popen([sys.executable, str(driver), str(root), str(out),
                              str(fake.script), str(REPO)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while not pids.exists() or len(pids.read_text().split()) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        batch.send_signal(signal.SIGTERM)
        _, err = batch.communicate(timeout=10)
    finally:
        batch.kill()
        batch.wait()
    assert batch.returncode != 0 and b"KeyboardInterrupt" in err
    for pid in pids.read_text().split():
        assert process_gone(int(pid))
    assert not list(out.rglob("report.json")) and not list(out.rglob(".cache-key"))
