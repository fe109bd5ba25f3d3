"""The judges of a batch, from the batch's side: each job's judge started (forked warm by the fork
server, or cold), waited for within the batch's time limit per submission, killed with its
process group when it runs over, and its JobResult turned into an EntryResult. A judge that
does not finish costs that submission a fallback report, never the batch.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

from backprop_lab_check import i18n
from backprop_lab_check.i18n import _

from ..report import Report
from ..version import PACKAGE_ROOT, grader_version
from .store import LOG_NAME, REPORT_NAME, prepare_report_dir, remember
from .forkserver import ForkServer, ForkServerLost
from .jobs import Job, JobResult
from .results import FAILED, GRADED, REFUSED, EntryResult

WITH_PARENT = Path(__file__).resolve().parent / "with_parent.py"
COLD_JUDGE = [sys.executable, "-m", "grader.batch.jobs"]


def judge_environment() -> dict:
    """The environment of every judge: this grader on the path, whatever the working directory."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PACKAGE_ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def submission_path(entry) -> str:
    """The entry's file as its judge is given it and its report names it: the folders on the way
    are real ones (the scan followed no link); the file itself is given as it is, so that the
    judge sees a link as a link."""
    return str(Path(entry.path).parent.resolve() / Path(entry.path).name)


def failure_sentence(reason: str) -> str:
    return _("the grader could not finish this submission: {reason}. This is not a verdict on the code; the "
             "submission will be graded again on the next run.").format(reason=reason)


def signal_name(number: int) -> str:
    with suppress(ValueError):
        return signal.Signals(number).name
    return _("signal {number}").format(number=number)


def write_fallback(report_dir: Path, assignment: str, max_score: float, error: str) -> None:
    """The report of a submission whose judge did not finish, in the batch's language (that of `error`)."""
    from ..render import write_reports

    report = Report.fallback_for(assignment, max_score, error, grader_version())
    report.language = i18n.current()
    write_reports(report, report_dir)


class ColdJudge:
    """A judge started as a fresh process (`judge_command`, by default `python -m grader.batch.jobs`):
    its Job on stdin, its JobResult on stdout, its log on stderr; it dies with the batch."""

    def __init__(self, judge_command, job, log_path, env):
        with open(log_path, "wb") as log:
            self._proc = subprocess.Popen([sys.executable, "-I", "-S", str(WITH_PARENT), str(os.getpid()),
                                           *judge_command], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=log, env=env, start_new_session=True)
        self.pid = self._proc.pid
        self.result = None
        self._job = job.dumps().encode()

    def wait(self, timeout=None):
        job, self._job = self._job, None  # sent once: a second wait (after a timeout) only reads
        out = self._proc.communicate(job, timeout=timeout)[0]
        lines = out.decode(errors="replace").strip().splitlines()
        self.result = JobResult.loads(lines[-1]) if lines else None
        return self._proc.returncode

    @property
    def returncode(self):
        return self._proc.returncode

    def kill(self):
        with suppress(ProcessLookupError, PermissionError):
            self._proc.kill()


def kill_group(judge) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(judge.pid, signal.SIGKILL)
    judge.kill()


class Judges:
    """The judges of one batch: those alive now, the max score of each assignment learned so far
    (for fallback reports), and how to start one."""

    def __init__(self, judge_command, env, timeout: float, max_scores: dict, job_options: dict):
        self.judge_command = judge_command or COLD_JUDGE
        self.env = env
        self.timeout = timeout
        self.max_scores = dict(max_scores)
        self.job_options = job_options          # limits and isolation for every Job
        self.fork_server: ForkServer | None = None  # judges forked warm; None: every judge cold
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.live: set = set()

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
        for judge in live:
            kill_group(judge)

    def grade(self, entry, report_dir: Path, key: str | None) -> EntryResult | None:
        """Run the judge of one entry; None when the batch is being interrupted. A refused entry
        (no key) gets the judge's own report on why it could not be read, and no cache entry."""
        if self.stop.is_set():
            return None
        try:
            return self._grade(entry, report_dir, key)
        except Exception as exc:  # a bug or an OSError here must not stop the batch
            error = failure_sentence(_("the batch runner failed ({error})").format(error=f"{type(exc).__name__}: {exc}"))
            return self.fail(entry, report_dir, error, 0.0, None)

    def _grade(self, entry, report_dir: Path, key: str | None) -> EntryResult | None:
        prepare_report_dir(report_dir)
        log_path = report_dir / LOG_NAME
        job = Job(submission_path(entry), entry.assignment, str(report_dir.resolve()), **self.job_options)
        start = time.monotonic()
        try:
            judge = self._start(job, log_path)
        except OSError as exc:
            return self.fail(entry, report_dir, failure_sentence(_("the judge could not be started ({error})").format(
                error=exc)), 0.0, log_path)
        with self.lock:
            self.live.add(judge)
        try:
            if self.stop.is_set():  # interrupted while we were starting it
                kill_group(judge)
            timed_out = False
            try:
                returncode = judge.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                kill_group(judge)
                returncode = judge.wait()
        finally:
            with self.lock:
                self.live.discard(judge)
        seconds = time.monotonic() - start
        if self.stop.is_set():
            return None
        result = judge.result
        if timed_out:
            reason = _("it was stopped after {seconds:g} s, the batch's time limit per submission").format(
                seconds=self.timeout)
        elif returncode < 0:
            reason = _("it was killed by {signal} (exit status {status})").format(signal=signal_name(-returncode),
                                                                                  status=returncode)
        elif returncode > 0:
            reason = _("exit status {status}").format(status=returncode)
        elif result is None:
            reason = _("it gave no result")
        elif not (report_dir / REPORT_NAME).exists():
            reason = _("it exited without writing report.json")
        else:
            with suppress(FileNotFoundError):
                log_path.unlink()
            self.learn(entry.assignment, result.max_score)
            if entry.refused:
                return EntryResult(entry, REFUSED, report_dir, 0.0, result.max_score, entry.refused, seconds)
            remember(report_dir, key)
            return EntryResult(entry, GRADED, report_dir, result.score, result.max_score, result.error, seconds)
        return self.fail(entry, report_dir, failure_sentence(reason), seconds, log_path)

    def _start(self, job: Job, log_path: Path):
        """The judge of `job`, in its own session, its output going to log_path."""
        if self.fork_server is not None:
            try:
                return self.fork_server.start(job, log_path)
            except ForkServerLost:
                pass  # cold, for this and every later job
        return ColdJudge(self.judge_command, job, log_path, self.env)

    def fail(self, entry, report_dir, error, seconds=0.0, log_path=None) -> EntryResult:
        """The fallback report of a submission the grader could not finish, and its result."""
        max_score = self.max_score(entry.assignment)
        result = EntryResult(entry, FAILED, report_dir, 0.0, max_score, error, seconds, log_path)
        try:
            write_fallback(report_dir, entry.assignment, max_score, error)
        except OSError:
            result.has_report = False
        return result
