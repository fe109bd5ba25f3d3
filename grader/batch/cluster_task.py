"""What runs on a Dask worker of a cluster batch (cluster.py is the client's side).

`grade_task` is pure: it gets a submission's bytes, its assignment and the judges' options,
grades them with the worker machine's own judges and sandbox in a temporary folder, and
returns the outcome and the report files as data; it writes nothing the client reads. The
grading itself is the batch's (judges.py): a judge per submission, forked from this worker's
warm fork server when it has one, killed after the batch's time limit, a fallback report when
it does not finish.

Start workers with `--preload grader.batch.cluster_preload`: a worker that cannot confine the
students' code with bubblewrap then refuses to start, unless ALLOW_FALLBACK_ENV is set to 1.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

from backprop_lab_check.i18n import _

from ..report import FILES
from ..version import grader_version
from .discovery import Entry
from .forkserver import ForkServer
from .judges import Judges, judge_environment
from .store import LOG_NAME

ALLOW_FALLBACK_ENV = "BACKPROP_LAB_ALLOW_NO_BUBBLEWRAP"
PLUGIN_NAME = "backprop-lab-judges"
SHIPPED = (*FILES, LOG_NAME)  # the files of a report folder the client writes back


def no_bubblewrap_sentence() -> str:
    return _("bubblewrap (bwrap) is missing or cannot create user namespaces on this machine, so students' "
             "code would run with the weaker fallback confinement. Install bubblewrap and allow unprivileged "
             "user namespaces (sysctl kernel.unprivileged_userns_clone=1 or, on Ubuntu 24.04, "
             "kernel.apparmor_restrict_unprivileged_userns=0; in a container, run it with "
             "--security-opt seccomp=unconfined or as a privileged pod), or set "
             "{variable}=1 to accept the fallback (see docs/security.md)").format(variable=ALLOW_FALLBACK_ENV)


def worker_facts() -> dict:
    """What the client checks of every worker before it sends work: the grader version and
    whether the students' code can be confined with bubblewrap."""
    from ..sandbox import bubblewrap_available

    return {"version": grader_version(), "bubblewrap": bubblewrap_available(),
            "fallback_allowed": os.environ.get(ALLOW_FALLBACK_ENV) == "1"}


class JudgesPlugin(WorkerPlugin):
    """A warm fork server per worker process, started once and shared by its tasks."""

    def __init__(self, assignments, judge_command=None):
        self.assignments = list(assignments)
        self.judge_command = judge_command
        self.fork_server = None

    def setup(self, worker):
        if self.judge_command is None and hasattr(os, "fork"):
            self.fork_server = ForkServer(self.assignments, judge_environment())

    def teardown(self, worker):
        if self.fork_server is not None:
            self.fork_server.close()


def grade_task(payload: bytes, suffix: str, assignment: str, job_options: dict, timeout: float,
               client_version: str, judge_command=None) -> dict:
    """Grade one submission (its bytes) on this worker: {"status", "score", "max_score",
    "error", "seconds", "files": {name: bytes}}; {"version": ...} alone when this worker's
    grader is not the client's (it grades nothing then)."""
    version = grader_version()
    if version != client_version:
        from distributed import get_worker

        return {"version": version, "worker": get_worker().address}
    judges = Judges(judge_command, judge_environment(), timeout, {}, job_options)
    judges.fork_server = _fork_server()
    with tempfile.TemporaryDirectory(prefix="backprop-lab-task-") as tmp:
        submission = Path(tmp) / "submission" / f"{assignment}{suffix}"
        submission.parent.mkdir()
        submission.write_bytes(payload)
        report_dir = Path(tmp) / "report"
        result = judges.grade(Entry("submission", assignment, submission), report_dir, key="")
        shipped = {name: (report_dir / name).read_bytes() for name in SHIPPED if (report_dir / name).is_file()}
    return {"status": result.status, "score": result.score, "max_score": result.max_score,
            "error": result.error, "seconds": result.seconds, "files": shipped}


def _fork_server():
    """This worker's warm fork server (JudgesPlugin), or None: judges start cold."""
    from distributed import get_worker

    try:
        plugin = get_worker().plugins.get(PLUGIN_NAME)
    except ValueError:  # not on a worker (called directly)
        return None
    return getattr(plugin, "fork_server", None)
