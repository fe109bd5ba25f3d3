"""A batch graded on a Dask cluster: `--cluster tcp://host:8786` (a scheduler whose workers
have this grader installed) or `--cluster local:N` (a LocalCluster of N worker processes here).

The client, this process, stays the only writer of --out. Each submission not in the cache
becomes one task (cluster_task.grade_task) carrying its bytes, named by its cache key, so
identical submissions are graded once and a batch killed and restarted sends only what has no
valid report yet. A task lost with its worker is run again elsewhere (Dask's retries); a task
that still fails, or a judge that runs past the time limit on its worker, costs that student a
fallback report, never the batch. Before anything is sent, every worker must run the client's
grader version and (on a remote cluster) confine students' code with bubblewrap; a worker that
joins later with another version stops the batch: no class is graded by two graders.
"""
from __future__ import annotations

import importlib.util
import json
import logging
import re
from concurrent.futures import CancelledError
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from backprop_lab_check.i18n import _

from .. import files
from ..loading import MAX_SUBMISSION_BYTES
from ..report import FILES as SHIPPED_REPORT
from ..report import NAME as REPORT_NAME
from ..report import Report
from ..text import shown_name, terminal
from ..version import grader_version
from .judges import failure_sentence, submission_path
from .results import GRADED, EntryResult
from .store import LOG_NAME, prepare_report_dir, remember

LOCAL = "local:"
CONNECT_TIMEOUT_S = 30
TASKS_PER_THREAD = 2  # tasks in flight per worker thread: workers never wait for the client
INSTALL_HINT = "pip install 'backprop-lab[cluster]'"


class ClusterError(Exception):
    """The cluster cannot grade this batch; the message is a sentence for the user."""


def check_address(address: str) -> str:
    """`address` when it names a scheduler (tcp://host:port, tls://..., host:port) or `local:N`;
    ValueError with a sentence otherwise."""
    if address.startswith(LOCAL):
        count = address[len(LOCAL):]
        if not count.isdigit() or int(count) < 1:
            raise ValueError(_("--cluster {address}: local: takes a number of worker processes, such as local:2").format(
                address=address))
        return address
    if not re.fullmatch(r"([a-z]+://)?[^\s/:]+(:\d+)?", address or ""):
        raise ValueError(_("--cluster {address!r}: give a scheduler address such as tcp://10.0.0.5:8786, or local:N").format(
            address=address))
    return address


def dask_available() -> bool:
    return importlib.util.find_spec("distributed") is not None


@contextmanager
def connect(address: str, judges, assignments, console, judge_command=None):
    """A ClusterBatch on the cluster at `address`, every worker checked and given its warm
    judges (`judge_command`: the batch's test double, run cold on the workers); ClusterError
    when it cannot be used."""
    if not dask_available():
        raise ClusterError(_("--cluster needs Dask distributed, which is not installed: {install}").format(
            install=INSTALL_HINT))
    from distributed import Client, LocalCluster

    from .cluster_task import PLUGIN_NAME, JudgesPlugin

    # Dask logs a lost connection as tracebacks; the batch says what happened in one sentence
    with _quiet_logger("distributed"), ExitStack() as stack:
        try:
            if address.startswith(LOCAL):
                cluster = LocalCluster(n_workers=int(address[len(LOCAL):]), threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
                stack.callback(_close, cluster)
                client = Client(cluster)
            else:
                cluster = None
                client = Client(address, timeout=CONNECT_TIMEOUT_S)
            stack.callback(_close, client)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(_("cannot reach the Dask scheduler at {address}: {error}").format(
                address=address, error=exc)) from None
        _check_workers(client, address, judges)
        client.register_plugin(JudgesPlugin(assignments, judge_command), name=PLUGIN_NAME)
        # the scheduler serves its dashboard's pages only where bokeh is installed
        if "dashboard" in client.scheduler_info().get("services", {}) and \
                (cluster is None or importlib.util.find_spec("bokeh")):
            console.print(_("cluster dashboard: {link}").format(link=client.dashboard_link), highlight=False,
                          markup=False)
        yield ClusterBatch(client, address, judges, judge_command, console)


def _close(client_or_cluster):
    with suppress(Exception):  # a scheduler already gone has nothing left to close
        client_or_cluster.close()


@contextmanager
def _quiet_logger(name):
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _check_workers(client, address, judges):
    from .cluster_task import no_bubblewrap_sentence, worker_facts

    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
    except TimeoutError:
        raise ClusterError(_("the scheduler at {address} has no worker: start some with "
                             "`dask worker {address} --preload grader.batch.cluster_preload`").format(
                                 address=address)) from None
    try:
        facts = client.run(worker_facts)
    except ImportError as exc:
        raise ClusterError(_("the workers cannot import the grader ({error}): install backprop-lab on every worker "
                             "({install})").format(error=exc, install=INSTALL_HINT)) from None
    version = grader_version()
    for worker, fact in sorted(facts.items()):
        if fact["version"] != version:
            raise ClusterError(version_sentence(worker, fact["version"], version))
        confined = fact["bubblewrap"] or fact["fallback_allowed"] or judges.job_options["isolation"] == "fallback"
        if not address.startswith(LOCAL) and not confined:
            raise ClusterError(_("worker {worker} cannot grade safely: {reason}").format(
                worker=worker, reason=no_bubblewrap_sentence()))


def version_sentence(worker: str, theirs: str, ours: str) -> str:
    return _("worker {worker} runs grader {theirs}, this client {ours}: install the same grader on every worker "
             "and the client; the batch stopped so that no student is graded by another grader (finished "
             "reports are kept)").format(worker=worker, theirs=theirs, ours=ours)


def _task_failure(exc, task_key) -> str:
    """Why a task gave no result, in a sentence without Dask's internals."""
    if type(exc).__name__ == "KilledWorker":
        return _("every worker that ran its task died while grading it (see the workers' logs)")
    first_line = (str(exc).splitlines() or [""])[0].replace(str(task_key), "the task")
    return _("its task failed on the cluster ({error})").format(
        error=f"{type(exc).__name__}: {terminal(first_line)[:300]}")


def _located(report_json: bytes, entry) -> str:
    """The worker's report.json naming the submission where the client found it, not the
    worker's temporary copy (identical submissions share one task)."""
    report = Report.from_json(json.loads(report_json))
    report.submission["path"] = submission_path(entry)
    return report.dumps()


class ClusterBatch:
    """The submissions of one batch, sent to the cluster and their reports written back."""

    def __init__(self, client, address, judges, judge_command=None, console=None):
        self.client = client
        self.address = address
        self.judges = judges
        self.judge_command = judge_command
        self.console = console

    def grade_all(self, todo, bar) -> dict:
        """{entry: EntryResult} of every (entry, report folder, cache key) in `todo`."""
        from distributed import as_completed

        from .cluster_task import grade_task

        results, groups = {}, {}
        for entry, report_dir, key in todo:
            if key is None:  # a refused file: its local judge says why, without reading it
                results[entry] = self.judges.grade(entry, report_dir, key)
                bar.advance(results[entry])
            else:
                suffix = Path(entry.path).suffix
                groups.setdefault(f"grade-{suffix.lstrip('.')}-{key}", []).append((entry, report_dir, key))
        waiting = iter(groups.items())
        owners, running = {}, as_completed()
        workers = self.client.scheduler_info()["workers"].values()
        threads = sum(w.get("nthreads", 1) for w in workers)
        if self.console is not None and groups:
            self.console.print(_("cluster: {tasks} task(s) for {submissions} submission(s) on {workers} worker(s), "
                                 "{threads} thread(s)").format(tasks=len(groups),
                                                              submissions=sum(map(len, groups.values())),
                                                              workers=len(workers), threads=threads),
                               highlight=False, markup=False)
        options = dict(self.judges.job_options)

        def send_next():
            """Send the next group's task (one at a time: the client holds a few notebooks, not the class)."""
            for task_key, group in waiting:
                entry = group[0][0]
                try:
                    payload = files.read_regular(entry.path, MAX_SUBMISSION_BYTES, shown_name(Path(entry.path).name))
                except files.Refused as exc:
                    self._finish_group(group, _("it could not be read again ({error})").format(error=exc), results, bar)
                    continue
                future = self.client.submit(grade_task, payload, Path(entry.path).suffix, entry.assignment,
                                            options, self.judges.timeout, grader_version(),
                                            self.judge_command, key=task_key, retries=1)
                owners[future] = group
                running.add(future)
                return

        try:
            for _first in range(max(1, threads) * TASKS_PER_THREAD):
                send_next()
            for future in running:
                group = owners.pop(future)
                try:
                    outcome = future.result()
                except CancelledError:  # only the scheduler's loss cancels a task: the class waits for a rerun
                    raise ClusterError(_("lost the connection to the Dask scheduler ({address}); the finished reports "
                                         "are kept: start the scheduler again and rerun the batch").format(
                                             address=self.address)) from None
                except Exception as exc:  # the task failed everywhere it ran
                    self._finish_group(group, _task_failure(exc, future.key), results, bar)
                else:
                    if "files" not in outcome:
                        raise ClusterError(version_sentence(outcome.get("worker", "?"), outcome["version"],
                                                            grader_version()))
                    self._finish_group(group, outcome, results, bar)
                future.release()
                send_next()
        except BaseException:
            for future in owners:
                future.cancel()
            raise
        return results

    def _finish_group(self, group, outcome, results, bar):
        """Write the outcome (a task's result, or why there is none) to every submission of
        `group` (identical submissions)."""
        for entry, report_dir, key in group:
            try:
                result = self._write(entry, report_dir, key, outcome)
            except (OSError, ValueError, KeyError) as exc:
                reason = _("the report its worker sent could not be written ({error})").format(
                    error=f"{type(exc).__name__}: {exc}")
                result = self.judges.fail(entry, report_dir, failure_sentence(reason))
            results[entry] = result
            bar.advance(result)

    def _write(self, entry, report_dir, key, outcome) -> EntryResult:
        if isinstance(outcome, str):  # why the submission has no report
            return self.judges.fail(entry, report_dir, failure_sentence(outcome))
        prepare_report_dir(report_dir)
        if outcome["status"] != GRADED:
            # the worker's fallback report cannot know the assignment's max score; the batch can
            log = outcome["files"].get(LOG_NAME)
            if log is not None:
                files.atomic_write(report_dir / LOG_NAME, log)
            return self.judges.fail(entry, report_dir, outcome["error"], outcome["seconds"],
                                    report_dir / LOG_NAME if log is not None else None)
        written = dict(outcome["files"])
        written[REPORT_NAME] = _located(written[REPORT_NAME], entry)
        for name in SHIPPED_REPORT:  # report.json last, as write_reports does
            files.atomic_write(report_dir / name, written[name])
        remember(report_dir, key)
        self.judges.learn(entry.assignment, outcome["max_score"])
        return EntryResult(entry, GRADED, report_dir, outcome["score"], outcome["max_score"], outcome["error"],
                           outcome["seconds"])
