"""Grade a folder of submissions: one judge process per submission, cached, resumable.

`make grade` runs `python -m grader batch submissions --out reports --jobs N`, which calls
`run_batch` and then `print_gradebook`. Each submission is graded by running the single
submission command (`python -m grader grade PATH --assignment ID --out DIR`) as a separate
process, so a judge that crashes, hangs or is killed costs one report, never the batch.

Layouts found under the submissions folder (`find_submissions`):

* `<student>/<assignment>.ipynb` (or `.py`): the assignment id is the file's stem;
* a GitHub Classroom checkout, `<repo-name>/.../<assignment>.ipynb` anywhere below the repo
  folder (e.g. `exercises/layers.ipynb`): a notebook counts when its stem is a known id.

A Classroom checkout is also compared with the template `make classroom` built (its manifest,
`dist/classroom.manifest.json`, or `--template`): a clone whose workflow, grading script,
encrypted grader or check runtime differs is flagged in the gradebook's `tamper` column.

Files on disk, per submission, under `out/<student>/<assignment>/`:

* `report.json` (and `report.md`, `report.html`) written by the judge, or a fallback written
  here when the judge could not finish: score 0 and an `error` sentence;
* `.cache-key`: sha256 of the submission's bytes, the assignment id and `grader_version()`,
  written only after a judge finished with a valid report.json. A report with a matching key
  is not graded again (`force=True` ignores the cache). A fallback gets no key, so a
  submission the grader could not finish is retried on the next run.

Every file this module writes is written to a temporary file and renamed over the target, so a
batch killed at any moment (even `kill -9`) leaves complete files or none; the next run removes
stale temporary files, skips what finished and grades the rest again.
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from . import files
from .forkserver import ForkServer, ForkServerLost, Judge
from .loading import MAX_SUBMISSION_BYTES
from .text import csv_cell, folder_name, shown_name, terminal

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS_DIR = PACKAGE_ROOT / "solutions"
DISTRIBUTION = "backprop-lab"

SUBMISSION_SUFFIXES = (".ipynb", ".py")
SKIPPED_DIRS = frozenset({".ipynb_checkpoints", "__pycache__", "node_modules"})
REPORT_NAME = "report.json"
CACHE_KEY_NAME = ".cache-key"
LOG_NAME = ".grade.log"
LOCK_NAME = ".batch.lock"
# A batch killed with -9 can leave a child that was forked but has not yet reached exec,
# holding a copy of the lock's file for a moment: wait that long before calling it busy.
LOCK_WAIT_S = 5.0
GRADEBOOK_CSV = "gradebook.csv"
GRADEBOOK_JSON = "gradebook.json"
RESERVED_NAMES = (GRADEBOOK_CSV, GRADEBOOK_JSON)  # no student's reports folder may take these names
MAX_DEPTH = 8          # folders below a student's folder that are searched for notebooks
MAX_ENTRIES = 20_000   # files and folders looked at in one student's folder
DEFAULT_TIMEOUT = 600.0
# Written by `make classroom`; a Classroom clone that differs from it is flagged (grader/tamper.py).
DEFAULT_TEMPLATE_MANIFEST = PACKAGE_ROOT / "dist" / "classroom.manifest.json"

GRADED, CACHED, FAILED, REFUSED = "graded", "cached", "failed", "refused"

GradeCommand = Callable[[Path, str, Path], Sequence[str]]
# From this many submissions to grade, judges are forked from a warm server (forkserver.py):
# its start costs about what two cold judges lose to imports.
FORK_SERVER_FROM = 3


class BatchUsageError(Exception):
    """The batch cannot start (missing folder, nothing to grade, bad option).

    The message is a sentence for the user; the CLI prints it and exits non-zero, no traceback.
    """


@dataclass(frozen=True, order=True)
class Submission:
    student: str                    # the student's folder name as people read it (escaped)
    assignment: str
    path: Path
    folder: str = ""                # the student's folder under --out (text.folder_name)
    home: Path | None = None        # the student's folder under the submissions folder
    refused: str | None = None      # why the file is not read (a link, a pipe, ...), or None

    def __post_init__(self):
        if not self.folder:
            object.__setattr__(self, "folder", folder_name(self.student, RESERVED_NAMES))


@dataclass
class Outcome:
    """What happened to one submission in a batch."""
    submission: Submission
    status: str                     # "graded" | "cached" | "failed" | "refused"
    report_dir: Path
    score: float = 0.0
    max_score: float = 0.0
    error: str | None = None        # the report's error sentence (judge's or the fallback's)
    seconds: float = 0.0            # wall time of the judge process (0 when cached)
    log_path: Path | None = None    # the judge's captured output, kept when it failed
    has_report: bool = True         # False only when even the fallback report could not be written

    @property
    def report_path(self) -> Path:
        return self.report_dir / REPORT_NAME

    @property
    def student(self) -> str:
        return self.submission.student

    @property
    def assignment(self) -> str:
        return self.submission.assignment


@dataclass
class BatchResult:
    root: Path
    out: Path
    outcomes: list[Outcome]
    grader_version: str
    elapsed: float
    ignored: list[tuple[Path, str]] = field(default_factory=list)
    tamper: dict[str, list[str]] = field(default_factory=dict)  # Classroom clone -> differences
    refused_entries: list[tuple[Path, str]] = field(default_factory=list)  # student folders not read

    @property
    def graded(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == GRADED]

    @property
    def cached(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == CACHED]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def gradebook_csv(self) -> Path:
        return self.out / GRADEBOOK_CSV

    @property
    def gradebook_json(self) -> Path:
        return self.out / GRADEBOOK_JSON

    @property
    def refused(self) -> list[tuple[Path, str]]:
        """Every entry not read, with the reason: submissions (each has a report) and student folders."""
        return [(o.submission.path, o.error) for o in self.outcomes if o.status == REFUSED] + self.refused_entries

    @property
    def exit_code(self) -> int:
        """0 when every submission was graded, whatever the scores; 1 when one has no report;
        3 when all have reports but some entries were refused (links, pipes, ...)."""
        if not all(o.has_report for o in self.outcomes):
            return 1
        return 3 if self.refused else 0

    def summary(self) -> str:
        return _summary_line(len(self.graded), len(self.cached), len(self.failed), len(self.refused),
                             self.elapsed)


# --------------------------------------------------------------------------- versions, keys

def _package_version() -> str:
    pyproject = PACKAGE_ROOT / "pyproject.toml"
    with suppress(OSError, ValueError, ImportError, KeyError, TypeError):
        import tomllib
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    with suppress(OSError):
        match = re.search(r'(?m)^version\s*=\s*"([^"]+)"', pyproject.read_text(encoding="utf-8"))
        if match:
            return match.group(1)
    with suppress(Exception):
        from importlib.metadata import version
        return version(DISTRIBUTION)
    return "0+unknown"


def _versioned_files() -> Iterator[tuple[str, Path]]:
    for top in ("grader", "reference", "backprop_lab_check"):
        base = PACKAGE_ROOT / top
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            rel = path.relative_to(base)
            if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                continue
            if path.is_file() and (path.suffix == ".py" or "templates" in rel.parts[:-1]):
                yield f"{top}/{rel.as_posix()}", path


def grader_version() -> str:
    """`<package version>+<12 hex digits>`: changes whenever a source file of `grader/`,
    `reference/` or `backprop_lab_check/` (whose verdicts the judge uses) changes (every *.py
    and every file under a `templates/` folder)."""
    digest = hashlib.sha256()
    for name, path in sorted(_versioned_files()):
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return f"{_package_version()}+{digest.hexdigest()[:12]}"


def cache_key(path: Path, assignment: str, version: str) -> str:
    """sha256 of the submission's bytes, the assignment id and the grader version; files.Refused
    for what is not a regular file of at most MAX_SUBMISSION_BYTES."""
    digest = hashlib.sha256()
    digest.update(f"backprop-lab batch cache v1\0{assignment}\0{version}\0".encode())
    digest.update(files.read_regular(path, MAX_SUBMISSION_BYTES, shown_name(Path(path).name)))
    return digest.hexdigest()


# --------------------------------------------------------------------------- discovery

def discover_assignment_ids(solutions: Path = SOLUTIONS_DIR) -> list[str]:
    """The assignment ids: stems of `solutions/*.ipynb`."""
    if not solutions.is_dir():
        return []
    return sorted(p.stem for p in solutions.glob("*.ipynb")
                  if p.is_file() and not p.name.startswith("."))


def _hidden(name: str) -> bool:
    return name.startswith(".") or name in SKIPPED_DIRS


def _entries(folder: Path) -> list[os.DirEntry]:
    """The folder's entries by name; none when it cannot be listed."""
    try:
        with os.scandir(folder) as found:
            return sorted(found, key=lambda e: e.name)
    except OSError:
        return []


def _walk(top: Path) -> Iterator[tuple[int, os.DirEntry]]:
    """(depth, entry) below `top`, not following links, at most MAX_DEPTH folders deep and
    MAX_ENTRIES entries in all: a cloned repository is the student's, of any shape."""
    todo, seen = [(1, top)], 0
    while todo:
        depth, folder = todo.pop(0)
        for entry in _entries(folder):
            seen += 1
            if seen > MAX_ENTRIES:
                return
            if _hidden(entry.name):
                continue
            yield depth, entry
            if depth < MAX_DEPTH and files.kind(entry.path) == "dir":
                todo.append((depth + 1, Path(entry.path)))


def _student(entry: os.DirEntry, known: frozenset[str], ignored: list) -> list[Submission]:
    """The submissions in one student's folder: `<assignment>.ipynb|.py` in it, else a
    Classroom clone's `.../<assignment>.ipynb` (the shallowest). A link, pipe or folder in a
    submission's place is a submission too, refused with the reason, unless a readable file
    for the same assignment is found."""
    home, student = Path(entry.path), shown_name(entry.name)
    folder = folder_name(entry.name, RESERVED_NAMES)
    candidates: dict[str, list[tuple[tuple, Path, str | None]]] = {}
    for depth, item in _walk(home):
        path = Path(item.path)
        if path.suffix not in SUBMISSION_SUFFIXES or _hidden(item.name):
            continue
        if depth == 1 and known and path.stem not in known:
            ignored.append((path, "its name is not a known assignment id"))
            continue
        if depth > 1 and (not known or path.stem not in known or path.suffix != ".ipynb"):
            continue  # the Classroom layout needs the ids, and holds notebooks
        what = files.kind(path)
        refused = None if what == "file" else files.refusal(shown_name(item.name), what)
        rank = (refused is not None, depth, SUBMISSION_SUFFIXES.index(path.suffix), path.relative_to(home).as_posix())
        candidates.setdefault(path.stem, []).append((rank, path, refused))
    submissions = []
    for assignment, found in sorted(candidates.items()):
        found.sort(key=lambda item: item[0])
        _, chosen, refused = found[0]
        submissions.append(Submission(student, assignment, chosen, folder, home, refused))
        for _, other, _ in found[1:]:
            ignored.append((other, f"{shown_name(chosen.relative_to(home.parent).as_posix())} is graded for this "
                                   "assignment instead"))
    return submissions


def _scan(root: Path, known: frozenset[str]) -> tuple[list[Submission], list[tuple[Path, str]], list[tuple[Path, str]]]:
    """(submissions, ignored files, refused entries) under `root`."""
    submissions: list[Submission] = []
    ignored: list[tuple[Path, str]] = []
    refused: list[tuple[Path, str]] = []
    for entry in _entries(root):
        if _hidden(entry.name):
            continue
        what = files.kind(entry.path)
        if what == "dir":
            submissions += _student(entry, known, ignored)
        elif what == "file" and Path(entry.name).suffix in SUBMISSION_SUFFIXES:
            ignored.append((Path(entry.path), "not inside a student folder"))
        elif what in ("link", "other"):
            refused.append((Path(entry.path), f"a student folder must be a folder; "
                                              f"{files.refusal(shown_name(entry.name), what)}"))
    submissions.sort(key=lambda s: (s.folder, s.assignment))
    return submissions, ignored, refused


def find_submissions(root: Path, known_ids: Iterable[str] | None = None) -> list[Submission]:
    """Every submission under `root`, sorted by (student, assignment).

    `known_ids` default: the stems of `solutions/*.ipynb`. When there are known ids, files
    named otherwise are ignored; when there are none, every `<student>/<stem>.ipynb|.py` counts
    (and the Classroom layout, which needs the ids, finds nothing).
    """
    root = Path(root)
    if not root.is_dir():
        raise BatchUsageError(f"submissions folder not found: {root}")
    known = frozenset(discover_assignment_ids() if known_ids is None else known_ids)
    return _scan(root, known)[0]


# --------------------------------------------------------------------------- files

def _remove_stale_temp_files(out: Path) -> None:
    """Temporary files of a batch that was killed mid-write."""
    for dirpath, dirnames, filenames in os.walk(out):
        for name in filenames:
            if files.is_temporary(name):
                with suppress(OSError):
                    os.unlink(os.path.join(dirpath, name))


def _read_report(path: Path) -> dict | None:
    """The report as a dict when it is valid JSON with numeric scores, else None."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(report, dict):
        return None
    for name in ("score", "max_score"):
        value = report.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return None
    return report


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _prepare_report_dir(report_dir: Path) -> None:
    """Invalidate the cache entry first, then remove what a previous grade left."""
    report_dir.mkdir(parents=True, exist_ok=True)
    for name in (CACHE_KEY_NAME, REPORT_NAME, "report.md", "report.html", LOG_NAME):
        with suppress(FileNotFoundError):
            (report_dir / name).unlink()
    for stale in report_dir.iterdir():
        if files.is_temporary(stale.name):
            with suppress(OSError):
                stale.unlink()


@contextmanager
def _batch_lock(out: Path):
    """One batch at a time per output folder; the kernel drops the lock if we are killed."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    handle = open(out / LOCK_NAME, "a+")
    try:
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BatchUsageError(f"another batch is already writing to {out}") from None
                time.sleep(0.05)
        yield
    finally:
        handle.close()


# --------------------------------------------------------------------------- fallback reports

def _failure_sentence(reason: str) -> str:
    return (f"the grader could not finish this submission: {reason}. This is not a verdict on "
            "the code; the submission will be graded again on the next run.")


def _signal_name(number: int) -> str:
    with suppress(ValueError):
        return signal.Signals(number).name
    return f"signal {number}"


def fallback_report(assignment: str, max_score: float, error: str) -> dict:
    return {"assignment": assignment, "score": 0.0, "max_score": float(max_score),
            "error": error, "checks": [], "grader_version": grader_version(),
            "fallback": True}


def _write_fallback(report_dir: Path, submission: Submission, max_score: float, error: str) -> None:
    from .reports import write_reports

    write_reports(fallback_report(submission.assignment, max_score, error), report_dir)


# --------------------------------------------------------------------------- processes

# Linux: the judge gets SIGKILL when the batch dies (even by kill -9), so nothing keeps
# running or writing after the batch is gone. The wrapper execs the real command in place.
_PDEATHSIG_WRAPPER = """\
import os, sys
try:
    import ctypes, signal
    ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
except Exception:
    pass
if os.getppid() != int(sys.argv[1]):
    os._exit(111)  # the batch died before prctl took effect
try:
    os.execvp(sys.argv[2], sys.argv[2:])
except OSError as exc:
    sys.stderr.write("cannot run %r: %s\\n" % (sys.argv[2], exc))
    os._exit(127)
"""


def _wrap(command: Sequence[str]) -> list[str]:
    command = [str(part) for part in command]
    if sys.platform.startswith("linux"):
        return [sys.executable, "-I", "-S", "-c", _PDEATHSIG_WRAPPER, str(os.getpid()), *command]
    return command


def _kill_group(proc: subprocess.Popen | Judge) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with suppress(ProcessLookupError, PermissionError):
        proc.kill()


def judge_arguments(path: Path, assignment: str, report_dir: Path) -> list[str]:
    """The arguments of `python -m grader` that grade one submission."""
    return ["grade", str(path), "--assignment", assignment, "--out", str(report_dir)]


def default_grade_command(path: Path, assignment: str, report_dir: Path) -> list[str]:
    return [sys.executable, "-m", "grader", *judge_arguments(path, assignment, report_dir)]


class _Runner:
    """Shared state of one batch: the children alive now, the max scores learned so far."""

    def __init__(self, command: GradeCommand, env: dict | None, timeout: float,
                 max_scores: dict[str, float], options: Sequence[str] = ()):
        self.command = command
        self.options = list(options)  # `grade` options for every judge (--isolation, limits)
        self.fork_server: ForkServer | None = None  # judges forked warm; None: `python -m grader` each
        self.env = env
        self.timeout = timeout
        self.max_scores = max_scores
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.live: set[subprocess.Popen | Judge] = set()

    def learn(self, assignment: str, max_score: float) -> None:
        if max_score > 0:
            with self.lock:
                self.max_scores.setdefault(assignment, float(max_score))

    def max_score(self, assignment: str) -> float:
        with self.lock:
            return self.max_scores.get(assignment, 0.0)

    def kill_all(self) -> None:
        self.stop.set()
        with self.lock:
            live = list(self.live)
        for proc in live:
            _kill_group(proc)

    def grade(self, sub: Submission, report_dir: Path, key: str | None) -> Outcome | None:
        """Run the judge for one submission; None when the batch is being interrupted. A
        refused submission (`sub.refused`, no key) gets the judge's own report on why it
        could not be read, and no cache entry."""
        if self.stop.is_set():
            return None
        try:
            return self._grade(sub, report_dir, key)
        except Exception as exc:  # a bug or an OSError here must not stop the batch
            error = _failure_sentence(f"the batch runner failed ({type(exc).__name__}: {exc})")
            return self._fail(sub, report_dir, error, 0.0, None)

    def _grade(self, sub: Submission, report_dir: Path, key: str | None) -> Outcome | None:
        _prepare_report_dir(report_dir)
        log_path = report_dir / LOG_NAME
        # the folders on the way are real ones (the scan followed no link); the file itself is
        # given as it is, so that the judge sees a link as a link
        where = (Path(sub.path).parent.resolve() / Path(sub.path).name, sub.assignment, report_dir.resolve())
        start = time.monotonic()
        try:
            proc = self._start(where, log_path)
        except OSError as exc:
            reason = f"the grade command could not be started ({exc})"
            return self._fail(sub, report_dir, _failure_sentence(reason), 0.0, log_path)
        with self.lock:
            self.live.add(proc)
        try:
            if self.stop.is_set():  # interrupted while we were starting it
                _kill_group(proc)
            timed_out = False
            try:
                returncode = proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill_group(proc)
                returncode = proc.wait()
        finally:
            with self.lock:
                self.live.discard(proc)
        seconds = time.monotonic() - start
        if self.stop.is_set():
            return None
        report = _read_report(report_dir / REPORT_NAME)
        if timed_out:
            reason = (f"it was stopped after {self.timeout:g} s, the batch's time limit "
                      "per submission")
        elif returncode < 0:
            reason = f"it was killed by {_signal_name(-returncode)} (exit status {returncode})"
        elif returncode > 0:
            reason = f"exit status {returncode}"
        elif not (report_dir / REPORT_NAME).exists():
            reason = "it exited without writing report.json"
        elif report is None:
            reason = "its report.json is not a valid report"
        else:
            with suppress(FileNotFoundError):
                log_path.unlink()
            self.learn(sub.assignment, report["max_score"])
            if sub.refused:
                return Outcome(sub, REFUSED, report_dir, 0.0, float(report["max_score"]), sub.refused, seconds)
            files.atomic_write(report_dir / CACHE_KEY_NAME, key + "\n")
            return Outcome(sub, GRADED, report_dir, float(report["score"]),
                           float(report["max_score"]), report.get("error"), seconds)
        return self._fail(sub, report_dir, _failure_sentence(reason), seconds, log_path)

    def _start(self, where: tuple[Path, str, Path], log_path: Path) -> subprocess.Popen | Judge:
        """The judge for one submission, in its own session, its output going to log_path."""
        if self.fork_server is not None:
            try:
                return self.fork_server.start([*judge_arguments(*where), *self.options], log_path)
            except ForkServerLost:
                pass  # the ordinary way below, for this and every later submission
        with open(log_path, "wb") as log:
            return subprocess.Popen(_wrap([*self.command(*where), *self.options]), stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, env=self.env, start_new_session=True)

    def _fail(self, sub, report_dir, error, seconds, log_path) -> Outcome:
        max_score = self.max_score(sub.assignment)
        outcome = Outcome(sub, FAILED, report_dir, 0.0, max_score, error, seconds, log_path)
        try:
            _write_fallback(report_dir, sub, max_score, error)
        except OSError:
            outcome.has_report = False
        return outcome


@contextmanager
def _sigterm_as_interrupt():
    """Treat SIGTERM (CI cancelling a job) like Ctrl-C, so children are killed first."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt(f"stopped by {_signal_name(signum)}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --------------------------------------------------------------------------- progress

class _Progress:
    """A rich progress bar on a terminal; one line per finished submission otherwise (CI logs)."""

    def __init__(self, console, total: int, cached: int, enabled: bool):
        self.console = console
        self.total = total
        self.done = 0
        self.enabled = enabled and total > 0
        self.bar = None
        if enabled and cached:
            self.console.print(f"{cached} submission(s) unchanged since their last report (cached)",
                               highlight=False)
        if self.enabled and console.is_terminal:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                                       TextColumn, TimeElapsedColumn, TimeRemainingColumn)
            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TimeRemainingColumn(), console=console)
            self.task = self.bar.add_task("grading", total=total)

    def __enter__(self):
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()

    def advance(self, outcome: Outcome) -> None:
        self.done += 1
        if not self.enabled:
            return
        sub = outcome.submission
        name = terminal(f"{sub.student}/{sub.assignment}")
        if self.bar is not None:
            from rich.markup import escape
            from rich.text import Text

            self.bar.update(self.task, advance=1, description=f"grading (last: {escape(name)})")
            if outcome.status in (FAILED, REFUSED):
                self.bar.console.print(Text(f"{outcome.status} {name}: {terminal(outcome.error)}", style="red"))
            return
        width = len(str(self.total))
        line = (f"[{self.done:>{width}}/{self.total}] {outcome.status} {name}: "
                f"{_fmt(outcome.score)}/{_fmt(outcome.max_score)} ({outcome.seconds:.1f} s)")
        if outcome.status in (FAILED, REFUSED):
            line += f" - {terminal(outcome.error)}"
        self.console.print(line, highlight=False, markup=False, soft_wrap=True)


# --------------------------------------------------------------------------- the batch

def run_batch(root: Path, out: Path, jobs: int, force: bool = False,
              grade_command: GradeCommand | None = None, progress: bool = True, *,
              timeout: float = DEFAULT_TIMEOUT, known_ids: Iterable[str] | None = None,
              max_scores: Mapping[str, float] | None = None, console=None,
              template: Path | None = None, judge_options: Sequence[str] = ()) -> BatchResult:
    """Grade every submission under `root` into `out`, `jobs` judges at a time.

    `grade_command(path, assignment, report_dir) -> argv` replaces the default
    `python -m grader grade ...` (tests inject a fake). `timeout`: seconds per submission
    before its judge's process group is killed. `max_scores`: assignment -> max score, used in
    fallback reports (otherwise learned from this batch's reports, else 0). `console`: where
    progress goes (default: a rich Console on stderr). `template`: a Classroom template manifest
    (or template folder) to compare each student's clone with (default: DEFAULT_TEMPLATE_MANIFEST
    when it exists). `judge_options`: `grade` options added to every judge's command line
    (`--isolation`, limits). Writes `out/gradebook.csv` and `out/gradebook.json`; prints no
    table (see `print_gradebook`).

    Raises BatchUsageError for usage errors; KeyboardInterrupt (also raised for SIGTERM) after
    killing the running judges.
    """
    started = time.monotonic()
    root, out = Path(root), Path(out)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise BatchUsageError(f"--jobs must be a positive integer, not {jobs!r}")
    if not timeout or timeout <= 0:
        raise BatchUsageError(f"the timeout per submission must be positive, not {timeout!r}")
    if not root.is_dir():
        raise BatchUsageError(f"submissions folder not found: {root}")
    if out.exists() and not out.is_dir():
        raise BatchUsageError(f"--out must be a folder, but {out} is a file")
    if out.resolve() == root.resolve():
        raise BatchUsageError("--out must differ from the submissions folder")
    manifest = _template_manifest(template)
    known = frozenset(discover_assignment_ids() if known_ids is None else known_ids)
    submissions, ignored, refused_entries = _scan(root, known)
    out_resolved = out.resolve()
    submissions = [s for s in submissions if not Path(s.path).parent.resolve().is_relative_to(out_resolved)]
    if not submissions:
        layout = "<student>/<assignment>.ipynb"
        hint = f" (known assignment ids: {', '.join(sorted(known))})" if known else ""
        raise BatchUsageError(f"no submissions found in {root}: expected {layout} or a "
                              f"GitHub Classroom checkout per student{hint}")

    if console is None:
        from rich.console import Console
        console = Console(stderr=True)
    version = grader_version()
    env = None
    if grade_command is None:
        grade_command = default_grade_command
        env = dict(os.environ)  # make `-m grader` this grader, whatever the working directory
        env["PYTHONPATH"] = os.pathsep.join(
            [str(PACKAGE_ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))

    out.mkdir(parents=True, exist_ok=True)
    with _batch_lock(out), ExitStack() as stack:
        _remove_stale_temp_files(out)
        runner = _Runner(grade_command, env, float(timeout), dict(max_scores or {}), judge_options)
        outcomes: dict[Submission, Outcome] = {}
        todo: list[tuple[Submission, Path, str | None]] = []
        for index, sub in enumerate(submissions):
            report_dir = out / sub.folder / sub.assignment
            if not sub.refused:
                try:
                    key = cache_key(sub.path, sub.assignment, " ".join([version, *judge_options]))
                except files.Refused as exc:
                    sub = submissions[index] = dataclasses.replace(sub, refused=str(exc))
            if sub.refused:
                todo.append((sub, report_dir, None))
                continue
            report = None if force else _read_report(report_dir / REPORT_NAME)
            if report is not None and report.get("fallback") is not True and \
                    (_read_text(report_dir / CACHE_KEY_NAME) or "").strip() == key:
                outcomes[sub] = Outcome(sub, CACHED, report_dir, float(report["score"]),
                                        float(report["max_score"]), report.get("error"))
                runner.learn(sub.assignment, report["max_score"])
            else:
                todo.append((sub, report_dir, key))
        if grade_command is default_grade_command and len(todo) >= FORK_SERVER_FROM and hasattr(os, "fork"):
            runner.fork_server = ForkServer(sorted({sub.assignment for sub, _, _ in todo}), env)
            stack.callback(runner.fork_server.close)

        with _sigterm_as_interrupt(), \
                _Progress(console, len(todo), len(outcomes), progress) as bar:
            pool = ThreadPoolExecutor(max_workers=min(jobs, max(1, len(todo))),
                                      thread_name_prefix="grade")
            try:
                pending = {pool.submit(runner.grade, *item) for item in todo}
                while pending:
                    # a timeout keeps the main thread responsive to Ctrl-C and SIGTERM
                    finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                    for future in finished:
                        outcome = future.result()
                        if outcome is not None:
                            outcomes[outcome.submission] = outcome
                            bar.advance(outcome)
            except BaseException:
                runner.kill_all()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            pool.shutdown(wait=True)

        # fallbacks written before any judge of that assignment reported its max score
        for outcome in outcomes.values():
            best = runner.max_score(outcome.assignment)
            if outcome.status == FAILED and outcome.has_report and outcome.max_score != best:
                outcome.max_score = best
                with suppress(OSError):
                    _write_fallback(outcome.report_dir, outcome.submission, best, outcome.error)

        result = BatchResult(root, out, [outcomes[s] for s in submissions], version,
                             time.monotonic() - started, ignored, _tamper(submissions, manifest),
                             refused_entries)
        write_gradebook(out, result)
    return result


def _template_manifest(template: Path | None) -> dict | None:
    """The Classroom template's manifest: `template`, else the default one when it exists."""
    from . import tamper

    path = template if template is not None else DEFAULT_TEMPLATE_MANIFEST
    if template is None and not path.exists():
        return None
    try:
        return tamper.load_manifest(path)
    except (OSError, ValueError) as exc:
        raise BatchUsageError(f"cannot read the Classroom template {path}: {exc}") from None


def _tamper(submissions: Iterable[Submission], manifest: dict | None) -> dict[str, list[str]]:
    """Differences from the Classroom template, for each student folder that is a clone of it
    (keyed by the student's reports folder)."""
    from . import tamper

    if manifest is None:
        return {}
    homes = {s.folder: s.home for s in submissions if s.home is not None}
    return {folder: tamper.findings(home, manifest) for folder, home in sorted(homes.items())
            if tamper.looks_like_classroom_repo(home, manifest)}


# --------------------------------------------------------------------------- gradebook

def _fmt(score: float) -> str:
    """37 -> '37.0', 36.75 -> '36.75'."""
    return str(round(float(score), 4))


def _summary_line(graded: int, cached: int, failed: int, refused: int, elapsed: float) -> str:
    refusals = f", {refused} refused (see gradebook.json)" if refused else ""
    return f"{graded} graded, {cached} cached, {failed} failed{refusals} in {elapsed:.1f} s"


def write_gradebook(out: Path, results: BatchResult | Iterable[Outcome]) -> tuple[Path, Path]:
    """Write `out/gradebook.csv` (student, one column per assignment, total, and `tamper` when
    Classroom clones were compared with the template) and `out/gradebook.json` (per student
    reports folder and assignment: score, max_score, error, status, report; `names`: each
    folder's student as shown; `tamper`: folder -> differences; `refused`: what was not read).
    A student's name never starts a spreadsheet formula in the CSV."""
    out = Path(out)
    batch = results if isinstance(results, BatchResult) else None
    outcomes = list(batch.outcomes if batch else results)
    assignments = sorted({o.assignment for o in outcomes})
    folders = sorted({o.submission.folder for o in outcomes})
    names = {o.submission.folder: o.student for o in outcomes}
    cells: dict[str, dict[str, Outcome]] = {f: {} for f in folders}
    for o in outcomes:
        cells[o.submission.folder][o.assignment] = o
    max_scores = {a: max((o.max_score for o in outcomes if o.assignment == a), default=0.0)
                  for a in assignments}

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    tampered = batch.tamper if batch else {}
    writer.writerow(["student", *assignments, "total", *(["tamper"] if tampered else [])])
    for folder in folders:
        row = cells[folder]
        total = sum(o.score for o in row.values())
        flags = [csv_cell("; ".join(tampered.get(folder, [])))] if tampered else []
        writer.writerow([csv_cell(names[folder]), *(_fmt(row[a].score) if a in row else "" for a in assignments),
                         _fmt(total), *flags])
    csv_path, json_path = out / GRADEBOOK_CSV, out / GRADEBOOK_JSON

    def rel(path: Path) -> str:
        with suppress(ValueError):
            return shown_name(path.relative_to(out).as_posix())
        return shown_name(str(path))

    failed = [o for o in outcomes if o.status == FAILED]
    refused = batch.refused if batch else [(o.submission.path, o.error) for o in outcomes if o.status == REFUSED]
    book = {
        "grader_version": batch.grader_version if batch else grader_version(),
        "assignments": assignments,
        "max_scores": max_scores,
        "students": {
            folder: {
                a: {"score": o.score, "max_score": o.max_score, "error": o.error,
                    "status": o.status, "report": rel(o.report_path)}
                for a, o in sorted(cells[folder].items())}
            for folder in folders},
        "names": names,
        "summary": {"graded": sum(o.status == GRADED for o in outcomes),
                    "cached": sum(o.status == CACHED for o in outcomes),
                    "failed": len(failed),
                    "refused": len(refused),
                    "elapsed_s": round(batch.elapsed, 3) if batch else None},
        "failed": [{"student": o.student, "assignment": o.assignment, "error": o.error,
                    "log": rel(o.log_path) if o.log_path else None} for o in failed],
        "refused": [{"path": shown_name(str(p)), "reason": why} for p, why in refused],
        "ignored": [{"path": shown_name(str(p)), "reason": why} for p, why in (batch.ignored if batch else [])],
    }
    if tampered:
        book["tamper"] = tampered
    out.mkdir(parents=True, exist_ok=True)
    files.atomic_write(csv_path, buffer.getvalue())
    files.atomic_write(json_path, json.dumps(book, indent=2) + "\n")
    return csv_path, json_path


def print_gradebook(console, out: Path) -> None:
    """Print `out/gradebook.json` as a table, then the failures, refusals and the one-line
    summary; every name and message from a submission printed inert (text.terminal)."""
    from rich.table import Table
    from rich.text import Text

    out = Path(out)
    book = json.loads((out / GRADEBOOK_JSON).read_text(encoding="utf-8"))
    assignments = book["assignments"]
    names = book.get("names", {})
    table = Table(title="gradebook", caption=terminal(out / GRADEBOOK_CSV))
    table.add_column("student")
    for a in assignments:
        table.add_column(f"{a}\n/ {_fmt(book['max_scores'].get(a, 0.0))}", justify="right")
    table.add_column(f"total\n/ {_fmt(sum(book['max_scores'].values()))}", justify="right")
    for folder, row in book["students"].items():
        cells = []
        for a in assignments:
            cell = row.get(a)
            if cell is None:
                cells.append(Text(""))
            elif cell["status"] in (FAILED, REFUSED):
                cells.append(Text(f"{_fmt(cell['score'])} !", style="red"))
            elif cell["error"]:
                cells.append(Text(f"{_fmt(cell['score'])} ?", style="yellow"))
            else:
                cells.append(Text(_fmt(cell["score"])))
        total = sum(cell["score"] for cell in row.values())
        table.add_row(Text(terminal(names.get(folder, folder))), *cells, Text(_fmt(total), style="bold"))
    console.print(table)
    for failure in book.get("failed", []):
        log = f" (log: {out / failure['log']})" if failure.get("log") else ""
        console.print(Text(terminal(f"! {failure['student']}/{failure['assignment']}: {failure['error']}{log}"),
                           style="red"))
    for refusal in book.get("refused", []):
        console.print(Text(terminal(f"! refused {refusal['path']}: {refusal['reason']}"), style="red"))
    for folder, differences in book.get("tamper", {}).items():
        if differences:
            console.print(Text(terminal(f"! {names.get(folder, folder)}: differs from the Classroom template "
                                        f"({'; '.join(differences)})"), style="red"))
    ignored = book.get("ignored", [])
    if ignored:
        shown = "; ".join(f"{i['path']} ({i['reason']})" for i in ignored[:3])
        more = f"; and {len(ignored) - 3} more (see {GRADEBOOK_JSON})" if len(ignored) > 3 else ""
        console.print(Text(terminal(f"ignored {len(ignored)} file(s): {shown}{more}"), style="dim"))
    summary = book["summary"]
    elapsed = summary.get("elapsed_s") or 0.0
    console.print(Text(_summary_line(summary["graded"], summary["cached"], summary["failed"],
                                     summary.get("refused", 0), elapsed)), highlight=False)
