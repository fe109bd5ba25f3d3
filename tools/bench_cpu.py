"""CPU-seconds per grading in a batch, and wall seconds of one `grade`, for one checkout or two
side by side (runs alternated, medians, ratios).

    python tools/bench_cpu.py --base /path/to/other/checkout --reps 3 --jobs 1 2

A batch is the sample submissions (submissions/*/*.ipynb) copied `copies` times (tools/bench.py's
`sample_batch`), graded with
`python -m grader batch DIR --out OUT --jobs N` from the checkout. Two CPU figures per run:
- `busy`: the whole machine's busy time over the run (/proc/stat, tools/bench.py's
  `busy_cpu_seconds`), which counts the kernel's own work for the sandboxes (namespaces torn
  down by kernel threads) and everything else the machine did meanwhile;
- `tree`: the CPU time of the batch's own processes (a cpuacct cgroup of its own, where this
  machine lets us make one; None elsewhere): what other users of the machine do is not in it.
Both divided by the number of submissions.

    from tools import bench_cpu
    bench_cpu.cpu_per_grading(jobs=1)   # -> {"wall_s", "busy_s", "tree_s", "count", ...}
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (timed, busy_cpu_seconds: one implementation of each)

ROOT = bench.ROOT
CPUACCT = Path("/sys/fs/cgroup/cpuacct")
SAMPLES = len(bench.sample_notebooks())  # a copy of the samples: this many submissions


def _environment(checkout):
    return {**os.environ, "PYTHONPATH": str(checkout)}


class _Accounting:
    """A cpuacct cgroup (v1) or a cgroup of the unified hierarchy (v2) that a command joins
    before it starts, and the CPU seconds its processes (and their children) used; inert
    (seconds() None) where neither can be made."""

    def __init__(self):
        self.path, self.kind = None, None
        name = f"bench-cpu-{uuid.uuid4().hex[:8]}"
        for base, kind in ((CPUACCT, "v1"), (Path("/sys/fs/cgroup"), "v2")):
            if kind == "v2" and not (base / "cgroup.controllers").exists():
                continue
            try:
                (base / name).mkdir()
            except OSError:
                continue
            self.path, self.kind = base / name, kind
            break

    def wrap(self, cmd):
        if self.path is None:
            return cmd
        return ["/bin/sh", "-c", f'echo $$ > "{self.path}/cgroup.procs" && exec "$@"', "sh", *map(str, cmd)]

    def seconds(self):
        try:
            if self.kind == "v1":
                return int((self.path / "cpuacct.usage").read_text()) / 1e9
            if self.kind == "v2":
                stat = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines())
                return int(stat["usage_usec"]) / 1e6
        except (OSError, ValueError, KeyError):
            return None
        return None

    def close(self):
        if self.path is not None:
            try:
                self.path.rmdir()
            except OSError:
                pass


def cpu_per_grading(checkout=ROOT, jobs=1, copies=2, work=None, batch=None):
    """Grade a batch of the samples from `checkout` once: wall seconds, and busy and tree
    CPU-seconds per grading (see the module's docstring)."""
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        work = Path(work or tmp)
        folder, count = batch or bench.sample_batch(work, copies * SAMPLES)
        out = work / f"out-{uuid.uuid4().hex[:8]}"
        accounting = _Accounting()
        try:
            cmd = accounting.wrap([sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out),
                                   "--jobs", str(jobs)])
            wall, busy = bench.timed(cmd, checkout, _environment(checkout))
            tree = accounting.seconds()
        finally:
            accounting.close()
            shutil.rmtree(out, ignore_errors=True)
    return {"count": count, "jobs": jobs, "wall_s": wall, "busy_s": busy / count if busy is not None else None,
            "tree_s": tree / count if tree is not None else None}


def grade_wall(checkout, assignment, work):
    """Wall seconds of `python -m grader grade solutions/<assignment>.ipynb` from `checkout`."""
    out = Path(work) / f"grade-{uuid.uuid4().hex[:8]}"
    wall, _ = bench.timed([sys.executable, "-m", "grader", "grade", str(Path(checkout) / "solutions" /
                                                                        f"{assignment}.ipynb"), "--out", str(out)],
                          checkout, _environment(checkout))
    shutil.rmtree(out, ignore_errors=True)
    return wall


def _known_assignments(checkout):
    found = subprocess.run([sys.executable, "-c", "from grader.assignments import known_assignments; "
                            "print(' '.join(known_assignments()))"], cwd=checkout, env=_environment(checkout),
                           capture_output=True, text=True, check=True)
    return found.stdout.split()


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def compare(checkouts, reps=3, jobs_list=(1, 2), copies=2, assignments=(), log=print):
    """{name: {jobs: median cpu_per_grading} , ...} and {name: {assignment: median grade wall}}
    for the checkouts {name: path}, every repetition running each checkout once, in turn."""
    batch_runs = {name: {jobs: [] for jobs in jobs_list} for name in checkouts}
    grade_runs = {name: {a: [] for a in assignments} for name in checkouts}
    # an assignment one checkout does not know would cost it nothing but an error report
    common = set.intersection(*(set(_known_assignments(checkout)) for checkout in checkouts.values()))
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        batch = bench.sample_batch(Path(tmp), copies * len(bench.sample_notebooks(common)), common)
        for rep in range(reps):
            for jobs in jobs_list:
                for name, checkout in checkouts.items():
                    found = cpu_per_grading(checkout, jobs, work=Path(tmp), batch=batch)
                    batch_runs[name][jobs].append(found)
                    log(f"rep {rep + 1} jobs {jobs} {name}: {found}")
            for assignment in assignments:
                for name, checkout in checkouts.items():
                    wall = grade_wall(checkout, assignment, tmp)
                    grade_runs[name][assignment].append(wall)
                    log(f"rep {rep + 1} grade {assignment} {name}: {wall:.2f} s")
    batches = {name: {jobs: {key: _median([run[key] for run in runs]) for key in ("wall_s", "busy_s", "tree_s")}
                      for jobs, runs in by_jobs.items()} for name, by_jobs in batch_runs.items()}
    grades = {name: {a: _median(walls) for a, walls in by_assignment.items()}
              for name, by_assignment in grade_runs.items()}
    return batches, grades, batch[1]


def markdown(batches, grades, count, names):
    base, new = names
    lines = [f"Batch of {count} submissions (copies of the samples of the assignments both checkouts know), medians; "
             "CPU-seconds per grading.", "",
             f"| jobs | {base} busy | {new} busy | ratio | {base} tree | {new} tree | ratio "
             f"| {base} wall | {new} wall |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]

    def ratio(a, b):
        return f"{b / a:.2f}" if a and b else "-"

    def number(v):
        return f"{v:.2f}" if v is not None else "-"

    for jobs in batches[base]:
        a, b = batches[base][jobs], batches[new][jobs]
        cells = [number(a["busy_s"]), number(b["busy_s"]), ratio(a["busy_s"], b["busy_s"]), number(a["tree_s"]),
                 number(b["tree_s"]), ratio(a["tree_s"], b["tree_s"]), number(a["wall_s"]), number(b["wall_s"])]
        lines.append(f"| {jobs} | " + " | ".join(cells) + " |")
    if any(grades[base].values()):
        lines += ["", f"| `grade` (wall s) | {base} | {new} | ratio |", "| --- | ---: | ---: | ---: |"]
        for assignment, wall in grades[base].items():
            lines.append(f"| {assignment} | {number(wall)} | {number(grades[new][assignment])} | "
                         f"{ratio(wall, grades[new][assignment])} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="another checkout to compare with (e.g. a worktree of main)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--grade", nargs="*", default=[], metavar="ASSIGNMENT",
                        help="also time `grade` on these solutions")
    args = parser.parse_args(argv)
    checkouts = {"base": args.base.resolve(), "this": ROOT} if args.base else {"this": ROOT}
    batches, grades, count = compare(checkouts, args.reps, args.jobs, args.copies, args.grade,
                                     log=lambda line: print(line, file=sys.stderr, flush=True))
    if args.base:
        print(markdown(batches, grades, count, ("base", "this")))
    else:
        print(batches, grades)


if __name__ == "__main__":
    main()
