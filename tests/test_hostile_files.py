"""Hostile submissions, round two (issue 14): attacks on everything around the code: the
files and their names, the batch that grades a class, the reports. Each is graded with the
real CLI, single and in a batch, under bubblewrap and the fallback; every one must leave
every student a report, the class a gradebook, no score above the honest one, nothing read
from outside, and nothing on a console or in a CSV that acts as a command or a formula.
"""
import csv
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from gradelib import ROOT, mutate
from test_hostile import ISOLATIONS, grade_cli

pytestmark = pytest.mark.slow

HONEST = ROOT / "submissions" / "s-5e6f" / "layers.ipynb"  # honest code that loses some points
SOLUTION = ROOT / "solutions" / "layers.ipynb"
ESC_OR_COMMAND = re.compile(r"\x1b|^\s*(::|##\[)", re.MULTILINE)


def batch_cli(root, out, *args, timeout=600):
    cmd = [sys.executable, "-m", "grader", "batch", str(root), "--out", str(out), "--jobs", "2", *args]
    return subprocess.run(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          timeout=timeout)


def judge_peak_mb(submission, out):
    """Peak RSS of the judge grading `submission`, measured from a small parent process (a child
    forked from the test's own large process would start with its size)."""
    wrapper = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    cmd = [sys.executable, "-c", wrapper, sys.executable, "-m", "grader", "grade", str(submission), "--assignment",
           "layers", "--out", str(out), "--isolation", "fallback"]
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=120)
    return float(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- one file, graded alone

def _link(target):
    def make(path):
        os.symlink(target, path)
    return make


FILES = {
    "link-to-solution": _link(SOLUTION),
    "link-to-classmate": _link(HONEST),
    "link-to-proc-mem": _link("/proc/self/mem"),
    "dangling-link": _link("/nonexistent/layers.ipynb"),
    "fifo": os.mkfifo,
    "folder": os.mkdir,
}


@pytest.mark.parametrize("kind", list(FILES))
def test_a_file_that_is_not_a_regular_file_gets_a_report_saying_why(kind, tmp_path):
    path = tmp_path / "layers.ipynb"
    FILES[kind](path)
    result = grade_cli(path, tmp_path / "out", "layers", "fallback", timeout=60)
    assert result.returncode == 0, result.stderr
    report = result.report
    assert report["score"] == 0 and report["max_score"] > 0
    assert re.search("symbolic link|not a regular file|is a folder", report["error"]), report["error"]
    assert result.wall_s < 30


def test_a_unix_socket_in_the_notebooks_place_is_refused(tmp_path):
    path = tmp_path / "layers.ipynb"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        result = grade_cli(path, tmp_path / "out", "layers", "fallback", timeout=60)
    finally:
        server.close()
    assert result.returncode == 0 and "not a regular file" in result.report["error"]


def test_a_1_gb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "layers.ipynb"
    with open(path, "wb") as sparse:
        sparse.truncate(1 << 30)
    result = grade_cli(path, tmp_path / "out", "layers", "fallback", timeout=60)
    assert result.returncode == 0 and "over the 50 MiB limit" in result.report["error"]
    assert judge_peak_mb(path, tmp_path / "measured") < 200


def test_an_old_format_notebook_padded_with_a_million_cells_is_refused_in_bounded_memory(tmp_path):
    path = tmp_path / "layers.ipynb"
    cell = "{}"
    path.write_text('{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": '
                    '[{"cells": [' + ",".join([cell] * 1_000_000) + "]}]}")
    result = grade_cli(path, tmp_path / "out", "layers", "fallback", timeout=120)
    assert result.returncode == 0 and result.report["score"] == 0, result.stderr
    assert "JSON objects" in result.report["error"] or "old-format" in result.report["error"]
    assert result.wall_s < 30 and judge_peak_mb(path, tmp_path / "measured") < 200


def test_an_old_format_notebook_of_many_small_cells_is_refused_before_conversion(tmp_path):
    path = tmp_path / "layers.ipynb"
    cell = '{"cell_type": "code", "input": "x = 1", "outputs": []}'
    path.write_text('{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": '
                    '[{"cells": [' + ",".join([cell] * 20_000) + "]}]}")
    result = grade_cli(path, tmp_path / "out", "layers", "fallback", timeout=120)
    assert "old-format" in result.report["error"] and "20000 cells" in result.report["error"]


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_lone_surrogate_in_an_exception_still_gives_a_report(isolation, tmp_path):
    nb = mutate("layers", [("        self.out = np.tanh(x)\n", "        raise ValueError('bad \\ud800 value')\n")])
    path = tmp_path / "layers.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text('{"earlier": true}')
    result = grade_cli(path, out, "layers", isolation)
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    tanh = [c for c in report["checks"] if c["target"] == "Tanh" and c["status"] != "pass"]
    assert tanh and "\\ud800" in tanh[0]["message"]
    (out / "report.md").read_text(encoding="utf-8")
    (out / "report.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- a class's batch

def _class_folder(root):
    """Two honest students and one of every hostile entry; returns the honest folders."""
    entries = {
        b"alice": HONEST, b"bob": SOLUTION,                     # honest
        b"eve\xff": HONEST,                                     # not UTF-8 (a zip from elsewhere)
        b"mal\n::error::forged": HONEST,                         # a workflow command in a name
        b"\x1b]0;pwned\x07\x1b[31mred": HONEST,                  # escape sequences
        b'=HYPERLINK("x","y")': HONEST,                          # a formula in the gradebook
        b"gradebook.csv": HONEST, b"GRADEBOOK.json": HONEST,     # the batch's own file names
    }
    for name, source in entries.items():
        folder = os.path.join(os.fsencode(root), name)
        os.mkdir(folder)
        with open(os.path.join(folder, b"layers.ipynb"), "wb") as copy:
            copy.write(source.read_bytes())
    links = {"copycat": SOLUTION, "classmate": root / "alice" / "layers.ipynb", "memory": "/proc/self/mem",
             "dangling": "/nonexistent/layers.ipynb"}
    for student, target in links.items():
        (root / student).mkdir()
        os.symlink(target, root / student / "layers.ipynb")
    (root / "piped").mkdir()
    os.mkfifo(root / "piped" / "layers.ipynb")
    (root / "foldered" / "layers.ipynb").mkdir(parents=True)
    os.symlink(root / "alice", root / "alias")                  # a student folder that is a link
    os.symlink("/nonexistent", root / "gone")
    clone = root / "cloned"                                     # a Classroom clone with a linked workflow
    (clone / ".github" / "workflows").mkdir(parents=True)
    (clone / ".git").mkdir()
    os.symlink("/proc/self/mem", clone / ".github" / "workflows" / "classroom.yml")
    (clone / "exercises").mkdir()
    (clone / "exercises" / "layers.ipynb").write_bytes(HONEST.read_bytes())
    return len(entries) + len(links) + 3


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_one_students_files_never_stop_the_class(isolation, tmp_path):
    root, out = tmp_path / "class", tmp_path / "reports"
    root.mkdir()
    students = _class_folder(root)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"version": 1, "files": {".github/workflows/classroom.yml": "0" * 64}}))
    proc = batch_cli(root, out, "--isolation", isolation, "--call-timeout-s", "5", "--template", str(manifest))
    console = proc.stdout.decode("utf-8") + proc.stderr.decode("utf-8")   # valid UTF-8 throughout
    assert proc.returncode == 3, console                     # finished, with refusals
    assert not ESC_OR_COMMAND.search(console), console
    book = json.loads((out / "gradebook.json").read_text())
    assert len(book["students"]) == students
    honest = book["students"]["alice"]["layers"]["score"]
    refused_students = ("copycat", "classmate", "memory", "dangling", "piped", "foldered")
    for folder, row in book["students"].items():
        report_path = out / row["layers"]["report"]
        assert report_path.resolve().is_relative_to(out.resolve()) and report_path.exists(), folder
        report = json.loads(report_path.read_text())
        if folder in refused_students:
            assert row["layers"]["status"] == "refused" and report["score"] == 0 and report["error"], folder
        elif folder != "bob":
            assert report["score"] == honest, (folder, report["score"], honest)
    refused = {Path(r["path"]).name: r["reason"] for r in book["refused"]}
    assert "symbolic link" in refused["alias"] and "symbolic link" in refused["gone"]
    assert "unreadable" in book["tamper"]["cloned"][0]
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == students + 1
    for row in rows[1:]:
        assert not row[0].startswith(("=", "+", "-", "@")), row
        assert "\n" not in row[0] and "\x1b" not in row[0]
    assert "eve\\xff" in [row[0] for row in rows]
    assert (out / "gradebook.csv").is_file() and (out / "gradebook.json").is_file()


def test_batch_passes_isolation_and_limits_to_every_judge(tmp_path):
    root, out = tmp_path / "class", tmp_path / "reports"
    (root / "alice").mkdir(parents=True)
    (root / "alice" / "layers.ipynb").write_bytes(HONEST.read_bytes())
    proc = batch_cli(root, out, "--isolation", "fallback", "--call-timeout-s", "3", "--memory-mb", "1500")
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "alice" / "layers" / "report.json").read_text())
    assert report["isolation"] == "fallback"
    assert report["limits"]["call_timeout_s"] == 3 and report["limits"]["memory_mb"] == 1500
    assert batch_cli(root, out, "--memory-mb", "0").returncode == 2
