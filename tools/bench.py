"""`make bench`: grading speed side by side with nbgrader, batch throughput, float32.

Everything is measured in one run on one machine, and reported as medians and
ratios: absolute times only mean something next to each other.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


SETTLE_S = 1.0  # pause before each timed command: what the previous one left exiting (a kernel) is gone


def timed(cmd, cwd, env=None):
    """Wall seconds of `cmd`, and the machine's busy CPU seconds over the same span (None
    where /proc/stat is missing); both start after the settle pause."""
    time.sleep(SETTLE_S)
    busy = busy_cpu_seconds()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if busy is not None:
        busy = busy_cpu_seconds() - busy
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed, busy


def environment():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # nbgrader runs `alembic` from PATH to create its database.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def nbgrader_course(work, assignment):
    """A throwaway nbgrader course with the solution released and submitted by one student."""
    course = work / f"course-{assignment}"
    (course / "source" / assignment).mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / f"{assignment}.ipynb", course / "source" / assignment / f"{assignment}.ipynb")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.db_assignments = [dict(name={assignment!r})]\n"
        "c.CourseDirectory.db_students = [dict(id='bench')]\n")
    timed([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"], course, environment())
    submitted = course / "submitted" / "bench" / assignment
    submitted.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / f"{assignment}.ipynb", submitted / f"{assignment}.ipynb")
    return course


def bench_single(work, assignments, repeat):
    rows = []
    env = environment()
    for assignment in assignments:
        course = nbgrader_course(work, assignment)
        ours, theirs = [], []
        for i in range(repeat):  # interleaved, so both see the same machine state
            ours.append(timed([sys.executable, "-m", "grader", "grade", str(ROOT / "solutions" / f"{assignment}.ipynb"),
                               "--out", str(work / f"out-{assignment}-{i}")], ROOT, env)[0])
            theirs.append(timed([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"], course, env)[0])
        report = json.loads((work / f"out-{assignment}-0" / "report.json").read_text())
        visible = sum(1 for cell in json.loads((ROOT / "solutions" / f"{assignment}.ipynb").read_text())["cells"]
                      if cell.get("cell_type") == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("grade"))
        rows.append((assignment, statistics.median(ours), statistics.median(theirs), len(report["checks"]), visible))
    return rows


BATCH_MODES = (("--jobs", "1"), ("--jobs", "2"), ("--cluster", "local:1"), ("--cluster", "local:2"))
COURSE_STUDENTS = 50_000  # a MOOC
COURSE_ASSIGNMENTS = (7, 8)  # the scenario planned with seven assignments; the course has eight
COURSE_CORES = (16, 320)


def sample_notebooks(assignments=None):
    """The bundled sample submissions (of `assignments`, default all), in order."""
    return sorted(path for path in (ROOT / "submissions").glob("*/*.ipynb")
                  if assignments is None or path.stem in assignments)


def sample_batch(work, count, assignments=None):
    """(folder, count): `count` submissions, the sample submissions (of `assignments`, default
    all) in turn, one student folder each; every copy gets a Markdown cell of its own, since
    identical notebooks are graded once on a cluster."""
    samples = sample_notebooks(assignments)
    folder = Path(work) / "batch-submissions"
    for i in range(count):
        sample = samples[i % len(samples)]
        target = folder / f"student-{i:03d}" / sample.name
        target.parent.mkdir(parents=True, exist_ok=True)
        notebook = json.loads(sample.read_text(encoding="utf-8"))
        notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": f"copy {i}"})
        target.write_text(json.dumps(notebook), encoding="utf-8")
    return folder, count


def bench_batch(work, count, modes=BATCH_MODES):
    """(mode, wall s, submissions/s, busy CPU s) of `python -m grader batch` on `count` copies of
    the sample submissions, each mode into a fresh --out (nothing cached); the modes alternate
    with nothing else running."""
    subs, _ = sample_batch(work, count)
    results = []
    for option, value in modes:
        out = work / f"batch-out{option}-{value.replace(':', '-')}"
        elapsed, busy = timed([sys.executable, "-m", "grader", "batch", str(subs), "--out", str(out),
                               option, value], ROOT, environment())
        results.append((f"{option} {value}", elapsed, count / elapsed, busy))
    return results


def busy_cpu_seconds():
    """CPU time the whole machine has spent not idle (Linux /proc/stat), or None."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    user, nice, system, idle, iowait, irq, softirq = map(int, fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def markdown(single, batch, sections, repeat, count):
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    lines = ["# Benchmarks", "",
             f"Measured by `make bench` ({Path(__file__).name}) on {datetime.date.today()}: {os.cpu_count()} cores "
             f"({cpu}), Python {platform.python_version()}. Each command is a fresh process, timed from start to exit, "
             f"started {SETTLE_S:g} s after the previous one ended.",
             "Only ratios between rows measured in the same run are meaningful.", "",
             "## One submission: `python -m grader grade` against `nbgrader autograde`", "",
             f"The solution notebook of each assignment, graded {repeat} times by each tool, interleaved; medians. "
             "nbgrader runs the notebook with its visible test cells in a Jupyter kernel; the grader runs the "
             "notebook in its sandboxed worker and then every hidden check from the judge, and writes three reports.", "",
             "| assignment | grader (s) | nbgrader autograde (s) | speed-up | hidden checks run | nbgrader test cells |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for assignment, ours, theirs, checks, visible in single:
        lines.append(f"| {assignment} | {ours:.2f} | {theirs:.2f} | {theirs / ours:.1f}x | {checks} | {visible} |")
    if batch:
        lines += batch_section(batch, count)
    lines += ["\n" + section.strip() for section in sections if section]
    return "\n".join(lines) + "\n"


def batch_section(batch, count):
    base = batch[0][2]
    lines = ["", f"## Batch throughput: `python -m grader batch` on {count} submissions", "",
             "Copies of the sample submissions (all assignments, each copy with one Markdown cell of its own so "
             "that no two are identical), nothing cached, each mode into a fresh --out. `--cluster local:N` "
             "starts a Dask LocalCluster of N worker processes (one thread each) from the batch itself, so its "
             "row includes starting the cluster. CPU time is the whole machine's busy time during the run "
             "(/proc/stat); cores busy = CPU time / wall time.", "",
             "| mode | wall time (s) | submissions / s | vs --jobs 1 | CPU time (s) | cores busy | CPU s / grading |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for mode, elapsed, rate, busy in batch:
        cpu = f"{busy:.1f} | {busy / elapsed:.2f} | {busy / count:.2f}" if busy is not None else "- | - | -"
        lines.append(f"| `{mode}` | {elapsed:.1f} | {rate:.2f} | {rate / base:.2f}x | {cpu} |")
    rows = dict((mode, (elapsed, busy)) for mode, elapsed, _, busy in batch)
    jobs, cluster = rows.get("--jobs 1"), rows.get("--cluster local:1")
    if jobs and cluster:
        lines += ["", f"Per-task overhead of the cluster, one worker against one local judge: "
                  f"({cluster[0]:.1f} s - {jobs[0]:.1f} s) / {count} = {(cluster[0] - jobs[0]) / count:.2f} s of wall "
                  "time per submission (the cluster's start, the submission's bytes and its reports through Dask, "
                  "the result written by the client)."]
    per_grading = [busy / count for _, _, _, busy in batch if busy is not None]
    if per_grading:
        cpu = max(per_grading)
        lines += ["", f"Projection for a course of {COURSE_STUDENTS:,} students at the highest CPU time per "
                  f"grading above, {cpu:.2f} CPU-s, with every core grading:"]
        for assignments in COURSE_ASSIGNMENTS:
            gradings = COURSE_STUDENTS * assignments
            for cores in COURSE_CORES:
                hours = gradings * cpu / cores / 3600
                lines.append(f"- {assignments} assignments, {cores} cores: {gradings:,} x {cpu:.2f} s / {cores} = "
                             f"{hours:.1f} hours")
    return lines


def base_section(base, reps):
    """CPU-seconds per grading of this checkout against `base`, alternated (bench_cpu.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_cpu

    commit = subprocess.run(["git", "-C", str(base), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or str(base)
    batches, grades, count = bench_cpu.compare({"base": base.resolve(), "this": ROOT}, reps,
                                               log=lambda line: print(line, file=sys.stderr, flush=True))
    return "\n".join(["", f"## CPU per grading against {commit}", "",
                      f"`make bench BENCH_OPTIONS='--base CHECKOUT'` ({reps} alternated runs of each checkout). "
                      "busy: the whole machine's busy time; tree: the CPU time of the batch's own processes "
                      "(a cgroup); both per grading.", "",
                      bench_cpu.markdown(batches, grades, count, ("base", "this"))]) + "\n"


def student_waits_section(work, assignments):
    """What a student waits for each `check(...)` cell of each solution, run with "Run All Cells"
    in JupyterLab in headless Chromium (student_path.py); None where that cannot run here."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import student_path

    problem = student_path.missing()
    if problem:
        print(f"skipping the JupyterLab waits: {problem}", file=sys.stderr)
        return None
    folder = work / "jupyterlab"
    folder.mkdir()
    lines = ["## What a student waits for `check(...)` in JupyterLab", "",
             "Each solution notebook opened in JupyterLab (a real server) in headless Chromium and run with "
             "Run All Cells; per check cell, the time from the kernel starting it to its reply as JupyterLab "
             "records it (`recordTiming`), and the visible checks' own time as their table reports it.", "",
             "| assignment | check cells | median wait (s) | longest wait (s) | all check cells (s) | checks' own time (s) |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    with student_path.JupyterLab(folder) as lab:
        for assignment in assignments:
            shutil.copyfile(ROOT / "solutions" / f"{assignment}.ipynb", folder / f"{assignment}.ipynb")
            cells = lab.run_all(f"{assignment}.ipynb").check_cells
            if not cells:
                lines.append(f"| {assignment} | 0 | - | - | - | - |")
                continue
            waits = [cell.wait_s for cell in cells]
            own = sum(cell.checks_s or 0.0 for cell in cells)
            lines.append(f"| {assignment} | {len(cells)} | {statistics.median(waits):.2f} | {max(waits):.2f} | "
                         f"{sum(waits):.2f} | {own:.2f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--assignments", nargs="*")
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--base", type=Path, metavar="CHECKOUT",
                        help="also compare CPU-seconds per grading with another checkout, side by side (bench_cpu.py)")
    parser.add_argument("--base-reps", type=int, default=3)
    args = parser.parse_args(argv)
    from grader.assignments import known_assignments

    assignments = args.assignments or [a for a in known_assignments() if (ROOT / "solutions" / f"{a}.ipynb").exists()]
    with tempfile.TemporaryDirectory(prefix="backprop-bench-") as tmp:
        work = Path(tmp)
        print(f"grading {', '.join(assignments)} {args.repeat} times each, with nbgrader alongside", file=sys.stderr)
        single = bench_single(work, assignments, args.repeat)
        batch = [] if args.skip_batch else bench_batch(work, args.submissions)
        waits_section = student_waits_section(work, assignments)
    float32_section = None
    try:
        from tools import bench_float32
    except ImportError:
        bench_float32 = None
    if bench_float32 is not None:
        float32_section = bench_float32.run(markdown=True)
    text = markdown(single, batch, [waits_section, float32_section], args.repeat, args.submissions)
    if args.base:
        text += base_section(args.base, args.base_reps)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
