"""Grade a class: every submission under a folder, `jobs` judges at a time, cached, resumable.

`make grade` runs `python -m grader batch submissions --out reports --jobs N`: `run_batch`
finds the submissions (discovery), skips those whose report is still valid (store), hands the
rest to judges, each its own process grading one Job (judges, jobs, forkserver), shows progress
(progress) and writes the gradebook (gradebook). A judge that crashes, hangs or is killed costs
that submission a fallback report, never the batch; whatever one student's folder holds costs
only that student.

`out/questions/<assignment>.csv`: the answers to the assignment's written questions, for
teaching assistants to give points (questions.py).

Files under `out/<student>/<assignment>/`: the reports the judge wrote (or a fallback, score 0
and an `error` sentence, graded again on the next run), `.cache-key` (written after a judge
finished: sha256 of the submission, the assignment, the grader version and the judges'
options), `.grade.log` (a failed judge's output). Every file is written to a temporary file
and renamed, so a batch killed at any moment (even `kill -9`) leaves complete files or none.
"""
from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Iterable, Mapping

from backprop_lab_check.i18n import _

from .. import files
from ..assignments import known_assignments
from ..limits import Limits
from ..text import folder_name
from ..version import PACKAGE_ROOT, grader_version
from . import store, tamper
from .cluster import ClusterError, connect
from .discovery import RESERVED_NAMES, Entry, find_submissions, scan
from .forkserver import ForkServer
from .gradebook import print_gradebook, write_gradebook
from .judges import Judges, judge_environment, signal_name, write_fallback
from .progress import Progress
from .questions import write_answer_sheets
from .results import CACHED, FAILED, BatchResult, EntryResult
from .shard import Shard

__all__ = ["run_batch", "BatchUsageError", "BatchResult", "EntryResult", "Entry", "Shard", "find_submissions",
           "print_gradebook", "write_gradebook"]

DEFAULT_TIMEOUT = 600.0
# Written by `make classroom`; a Classroom clone that differs from it is flagged (tamper.py).
DEFAULT_TEMPLATE_MANIFEST = PACKAGE_ROOT / "dist" / "classroom.manifest.json"
# From this many submissions to grade, judges are forked from a warm server (forkserver.py):
# its start costs about what two cold judges lose to imports.
FORK_SERVER_FROM = 3


class BatchUsageError(Exception):
    """The batch cannot start (missing folder, nothing to grade, bad option, a busy folder).

    The message is a sentence for the user; the CLI prints it and exits non-zero, no traceback."""


def run_batch(root: Path, out: Path, jobs: int, force: bool = False, progress: bool = True, *,
              limits: Limits | None = None, isolation: str = "auto", timeout: float | None = None,
              known_ids: Iterable[str] | None = None, max_scores: Mapping[str, float] | None = None,
              console=None, template: Path | None = None, judge_command=None, shard: Shard | None = None,
              cluster: str | None = None, language: str | None = None, default_language: str = "en") -> BatchResult:
    """Grade every submission under `root` into `out`, `jobs` judges at a time, each with
    `limits` and `isolation`. `timeout`: seconds per submission before its judge's process group
    is killed (default: the submission's own time budget plus two minutes, at least 600).
    `max_scores`: assignment -> max score for fallback reports (otherwise learned from this
    batch's reports, else 0). `template`: a Classroom template manifest or folder to compare each
    clone with (default: DEFAULT_TEMPLATE_MANIFEST when it exists). `judge_command` replaces the
    cold judge's command (it reads a Job on stdin, writes a JobResult on stdout; tests inject a
    fake); with it no fork server is used. `shard`: grade only the students of that part of the
    class (shard.py). `cluster`: a Dask scheduler's address, or `local:N`, to grade on (cluster.py)
    instead of `jobs` local judges. `language`: of every report (None: each notebook's own, else
    `default_language`). Writes `out/gradebook.csv`, `out/gradebook.json` and the written
    questions' answer sheets, `out/questions/<assignment>.csv`, of every submission (cached ones too).

    Raises BatchUsageError for usage errors; KeyboardInterrupt (also for SIGTERM) after killing
    the running judges."""
    started = time.monotonic()
    root, out, limits = Path(root), Path(out), limits or Limits()
    timeout = timeout or max(DEFAULT_TIMEOUT, limits.submission_timeout_s + 120)
    entries, ignored, refused_entries, manifest = _find(root, out, jobs, timeout, known_ids, template, shard)
    if console is None:
        from rich.console import Console
        console = Console(stderr=True)
    version = grader_version()
    out.mkdir(parents=True, exist_ok=True)
    with _lock(out), ExitStack() as stack, _cluster_errors():
        store.remove_stale_temp_files(out)
        job_options = {"limits": limits.to_dict(), "isolation": isolation, "language": language,
                       "default_language": default_language}
        judges = Judges(judge_command, judge_environment(), float(timeout), dict(max_scores or {}), job_options)
        done, todo = _cached(entries, out, version, force, judges)
        entries = [item[0] for item in todo] + list(done)  # refusals found while hashing
        assignments = sorted({item[0].assignment for item in todo})
        on_cluster = None
        if cluster is not None and todo:
            on_cluster = stack.enter_context(connect(cluster, judges, assignments, console, judge_command))
        elif judge_command is None and len(todo) >= FORK_SERVER_FROM and hasattr(os, "fork"):
            judges.fork_server = ForkServer(assignments, judge_environment())
            stack.callback(judges.fork_server.close)
        with _sigterm_as_interrupt(), Progress(console, len(todo), len(done), progress) as bar:
            if on_cluster is None:
                done.update(_grade_all(judges, todo, jobs, bar))
            else:
                done.update(on_cluster.grade_all(todo, bar))
        _refresh_fallbacks(done.values(), judges)
        result = BatchResult(root, out, [done[e] for e in sorted(entries, key=lambda e: (e.folder, e.assignment))],
                             version, time.monotonic() - started, ignored, _tamper(entries, manifest),
                             refused_entries, shard)
        write_gradebook(out, result)
        result.answer_sheets = write_answer_sheets(out, result.results)
    return result


def _find(root, out, jobs, timeout, known_ids, template, shard):
    """(entries to grade, ignored files, refused student folders, the template's manifest) of
    the whole class or of its `shard`, or BatchUsageError."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise BatchUsageError(_("--jobs must be a positive integer, not {jobs!r}").format(jobs=jobs))
    if timeout <= 0:
        raise BatchUsageError(_("the timeout per submission must be positive, not {timeout!r}").format(timeout=timeout))
    if not root.is_dir():
        raise BatchUsageError(_("submissions folder not found: {folder}").format(folder=root))
    if out.exists() and not out.is_dir():
        raise BatchUsageError(_("--out must be a folder, but {out} is a file").format(out=out))
    if out.resolve() == root.resolve():
        raise BatchUsageError(_("--out must differ from the submissions folder"))
    manifest = _template_manifest(template)
    known = frozenset(known_assignments() if known_ids is None else known_ids)
    entries, ignored, refused_entries = scan(root, known)
    entries = [e for e in entries if not Path(e.path).parent.resolve().is_relative_to(out.resolve())]
    if not entries:
        message = (_("no submissions found in {folder}: expected <student>/<assignment>.ipynb or a GitHub Classroom "
                     "clone per student (known assignment ids: {known})") if known
                   else _("no submissions found in {folder}: expected <student>/<assignment>.ipynb or a GitHub "
                          "Classroom clone per student"))
        raise BatchUsageError(message.format(folder=root, known=", ".join(sorted(known))))
    if shard is not None:  # a shard of a small class may hold nobody: its gradebook is empty
        entries = [e for e in entries if shard.holds(e.folder)]
        ignored = [item for item in ignored if _in_shard(shard, root, item[0])]
        refused_entries = [item for item in refused_entries if _in_shard(shard, root, item[0])]
    return entries, ignored, refused_entries, manifest


def _in_shard(shard, root, path):
    """Whether `path`, a student folder or a file the scan set aside, is `shard`'s to list: its
    student's shard; shard 0 for a notebook outside any student's folder."""
    parts = Path(path).relative_to(root).parts
    if len(parts) == 1 and files.kind(path) == "file":
        return shard.index == 0
    return shard.holds(folder_name(parts[0], RESERVED_NAMES))


@contextmanager
def _cluster_errors():
    try:
        yield
    except ClusterError as exc:
        raise BatchUsageError(str(exc)) from None


@contextmanager
def _lock(out):
    try:
        with store.batch_lock(out):
            yield
    except store.FolderBusy as exc:
        raise BatchUsageError(str(exc)) from None


def _cached(entries, out, version, force, judges):
    """({entry: cached EntryResult}, [(entry, report folder, cache key or None)] to grade); an
    entry whose file the cache cannot read is refused (its judge says why)."""
    done, todo = {}, []
    for entry in entries:
        report_dir = out / entry.folder / entry.assignment
        key = None
        if not entry.refused:
            try:
                key = store.cache_key(entry.path, entry.assignment, version, judges.job_options)
            except files.Refused as exc:
                entry = dataclasses.replace(entry, refused=str(exc))
        report = None if entry.refused or force else store.cached(report_dir, key)
        if report is None:
            todo.append((entry, report_dir, key))
        else:
            done[entry] = EntryResult(entry, CACHED, report_dir, report.score, report.max_score, report.error)
            judges.learn(entry.assignment, report.max_score)
    return done, todo


def _grade_all(judges, todo, jobs, bar):
    """{entry: EntryResult} of every job in `todo`, `jobs` judges at a time."""
    results = {}
    pool = ThreadPoolExecutor(max_workers=min(jobs, max(1, len(todo))), thread_name_prefix="grade")
    try:
        pending = {pool.submit(judges.grade, *item) for item in todo}
        while pending:
            # a timeout keeps the main thread responsive to Ctrl-C and SIGTERM
            finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                result = future.result()
                if result is not None:
                    results[result.entry] = result
                    bar.advance(result)
    except BaseException:
        judges.kill_all()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def _refresh_fallbacks(results, judges):
    """Fallbacks written before any judge of their assignment told its max score get it now."""
    for result in results:
        best = judges.max_score(result.assignment)
        if result.status == FAILED and result.has_report and result.max_score != best:
            result.max_score = best
            with suppress(OSError):
                write_fallback(result.report_dir, result.assignment, best, result.error)


@contextmanager
def _sigterm_as_interrupt():
    """Treat SIGTERM (CI cancelling a job) like Ctrl-C, so children are killed first."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt(_("stopped by {signal}").format(signal=signal_name(signum)))

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _template_manifest(template: Path | None) -> dict | None:
    """The Classroom template's manifest: `template`, else the default one when it exists."""
    path = template if template is not None else DEFAULT_TEMPLATE_MANIFEST
    if template is None and not path.exists():
        return None
    try:
        return tamper.load_manifest(path)
    except (OSError, ValueError) as exc:
        raise BatchUsageError(_("cannot read the Classroom template {path}: {error}").format(path=path, error=exc)) from None


def _tamper(entries, manifest: dict | None) -> dict[str, list[str]]:
    """Differences from the Classroom template, for each student folder that is a clone of it
    (keyed by the student's reports folder)."""
    if manifest is None:
        return {}
    homes = {e.folder: e.home for e in entries if e.home is not None}
    return {folder: tamper.findings(home, manifest) for folder, home in sorted(homes.items())
            if tamper.looks_like_classroom_repo(home, manifest)}
