"""Shared test helpers: build submissions from the solution notebooks and grade them
with the real CLI in a subprocess, as CI and instructors do."""
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def solution(assignment):
    return nbformat.read(ROOT / "solutions" / f"{assignment}.ipynb", as_version=4)


def mutate(assignment, replacements, extra_cells=()):
    """The solution notebook with each (old, new) snippet replaced exactly once in its
    code cells, plus extra code cells appended at the end."""
    nb = solution(assignment)
    for old, new in replacements:
        hits = [cell for cell in nb.cells if cell.cell_type == "code" and old in cell.source]
        assert len(hits) == 1 and hits[0].source.count(old) == 1, f"snippet not unique in {assignment}: {old!r}"
        hits[0].source = hits[0].source.replace(old, new)
    for source in extra_cells:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    return nb


def write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def grade(submission, assignment=None, out=None, extra_args=(), timeout=300, environment=None):
    """Run `python -m grader grade` (with `environment`'s variables added) and return (report
    dict, completed process)."""
    out = Path(out or Path(submission).with_suffix(".report"))
    cmd = [sys.executable, "-m", "grader", "grade", str(submission), "--out", str(out), *extra_args]
    if assignment:
        cmd += ["--assignment", assignment]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           **(environment or {})}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    report_path = out / "report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    return report, proc


def lost(report):
    """{target: points lost} for targets that lost points."""
    return {t["target"]: round(t["max_score"] - t["score"], 2) for t in report["targets"] if t["score"] < t["max_score"]}


def failures(report, target):
    return [c for c in report["checks"] if c["target"] == target and c["status"] != "pass"]


def notebook_namespace(nb):
    """The notebook's definitions, as a student's kernel holds them: every cell but the check
    cells and the figures, run in order; a cell that fails (as a buggy one may) is passed over."""
    namespace = {"__name__": "__main__"}
    with tempfile.TemporaryDirectory(prefix="notebook-namespace-") as scratch, _working_directory(scratch):
        _run_definitions(nb, namespace)  # a cell may write files (forward's IDX demo): into scratch
    return namespace


@contextlib.contextmanager
def _working_directory(path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _run_definitions(nb, namespace):
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        if cell.cell_type != "code" or meta.get("nbgrader", {}).get("grade") or meta.get("tags"):
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                warnings.catch_warnings(), contextlib.suppress(Exception):
            warnings.simplefilter("ignore")   # the naive softmax the notebook shows overflows on purpose
            exec(compile(source, "<cell>", "exec"), namespace)
