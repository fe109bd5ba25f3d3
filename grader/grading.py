"""Grading one submission: load it, run its cells in the worker, run the hidden
checks from the judge, and assemble the report dictionary."""
import contextlib
import datetime
import time

from . import loading
from .limits import Limits
from .assignments import known_assignments
from .sandbox import Sandbox
from .scoring import charge_once, summarise
from .student import MissingName, Student


def _prepare_reports():
    """Import what the reports need (matplotlib, Jinja2) and warm them up."""
    from . import reports

    reports.warm_up()


MAX_CELL_ENTRIES = 50  # cells that did not run cleanly, listed in the report


def _shown(text, limit=60):
    """Text from the submission quoted on one line (repr escapes newlines and control characters)."""
    text = str(text)
    return repr(text if len(text) <= limit else text[:limit] + "...")


class UnreadableStudent:
    """Stands in for a submission that could not be loaded: every check errors."""

    def __init__(self, reason):
        self.reason = reason

    def seed(self, seed):
        raise MissingName(self.reason)

    def __getattr__(self, name):
        raise MissingName(self.reason)


def run_checks(*args, **kwargs):
    # Imported on first use: pytest is not needed before the worker has been started.
    from .runner import run_checks

    return run_checks(*args, **kwargs)


def _grader_version():
    from .batch import grader_version  # not before the worker runs: batch imports a good deal

    return grader_version()


def grade(path, assignment=None, limits=None, isolation="auto", count_gpu=False):
    started = time.monotonic()
    limits = limits or Limits()
    warnings, cells, artifacts = [], [], {}
    limits_report = limits.to_dict()
    error, submission, protections = None, None, []
    try:
        submission = loading.load(path)
        warnings += submission.warnings
        assignment = assignment or submission.assignment
        if assignment is None:
            error = ("The notebook does not say which assignment it is (no backprop_lab metadata); "
                     "pass --assignment.")
    except loading.SubmissionError as exc:
        error = str(exc)
    except Exception as exc:  # a reading bug must still leave a report behind
        error = f"The submission could not be read ({type(exc).__name__}); please tell your instructor."
        warnings.append(f"internal grader error while reading: {type(exc).__name__}: {str(exc)[:500]}")
    if assignment is not None and assignment not in known_assignments():
        error = f"Unknown assignment {_shown(assignment)}; known: {', '.join(known_assignments())}."
        assignment, checks = None, []
    elif error is not None:
        checks, _, more = run_checks(assignment, UnreadableStudent("the submission could not be read"),
                                     limits) if assignment else ([], {}, [])
        warnings += more
    else:
        try:
            with Sandbox(submission.cells, limits, isolation) as sandbox, contextlib.ExitStack() as device_runs:
                sandbox.start_cells()
                # While the worker runs the cells: the device runs start beside it, and the
                # judge imports what it needs next.
                from .device_checks import start_device_runs
                resources = start_device_runs(sandbox, assignment, device_runs)
                from . import runner  # noqa: F401  (pytest)
                _prepare_reports()
                for index, result in enumerate(sandbox.finish_cells(), start=1):
                    if result["status"] != "ok":
                        cells.append({"index": index, "status": result["status"], "message": result["message"]})
                if len(cells) > MAX_CELL_ENTRIES:
                    warnings.append(f"{len(cells)} cells did not run cleanly; the report lists the first {MAX_CELL_ENTRIES}.")
                    del cells[MAX_CELL_ENTRIES:]
                checks, artifacts, more = run_checks(assignment, Student(sandbox, assignment), limits, count_gpu=count_gpu,
                                                     resources=resources)
                warnings += more
                isolation = sandbox.isolation
                if sandbox.output_dropped:
                    warnings.append(f"The submission printed {sandbox.output_bytes + sandbox.output_dropped} "
                                    f"bytes; only the first {limits.output_bytes} were kept.")
                limits_report = {**limits.to_dict(), "process_limit": sandbox.process_limit,
                                 "memory_limit": sandbox.memory_limit}
                protections = sandbox.protections
                if sandbox.restarts:
                    warnings.append(f"The worker was restarted {sandbox.restarts} time(s) after a timeout or crash.")
            if isolation == "fallback":
                warnings.append("The worker ran with the fallback isolation, not bubblewrap (rlimits, scrubbed "
                                f"environment, private directory; {'; '.join(protections)}); see docs/security.md.")
        except Exception as exc:  # a grader bug must still leave a report behind
            error = f"The grader failed on this submission ({type(exc).__name__}); please tell your instructor."
            warnings.append(f"internal grader error: {type(exc).__name__}: {str(exc)[:500]}")
            cells, artifacts = [], {}
            checks, _, _ = run_checks(assignment, UnreadableStudent("the grader failed on this submission"), limits,
                                    count_gpu=count_gpu)
    score, max_score, targets = summarise(charge_once(checks))
    return {
        "assignment": assignment or "unknown",
        "score": score,
        "max_score": max_score,
        "error": error,
        "checks": checks,
        "targets": targets,
        "submission": {"name": str(path).rsplit("/", 1)[-1], "path": str(path),
                       "sha256": submission.sha256 if submission else None},
        "cells": cells,
        "artifacts": artifacts,
        "grader_version": _grader_version(),
        "isolation": isolation if error is None else "none (nothing was run)",
        "protections": protections,
        "limits": limits_report,
        "warnings": warnings,
        "duration_s": round(time.monotonic() - started, 3),
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
