"""Grading one submission, as the steps it takes: read it (loading), run its cells in the
sandbox, run the hidden checks against it (judge), score (scoring), and build the Report
(report). Nothing here runs submission code: the sandbox does, and the checks see the
submission only through its worker.

    report = grade("alice/layers.ipynb", "layers")
    render.write_reports(report, out_dir)

The judge (pytest and the checks) and the reports' libraries (matplotlib, Jinja2) are imported
while the worker runs the notebook's cells, so that the two overlap.
"""
import contextlib
import functools
import os
import time

from backprop_lab_check import i18n
from backprop_lab_check.i18n import _

from . import loading
from .assignments import known_assignments
from .limits import Limits
from .report import CellProblem, Report
from .sandbox import COLD_PRELOAD, ZYGOTE_ENV, Sandbox, WorkerLost, prepare_judge, start_zygote
from .scoring import charge_once, summarise
from .version import grader_version

MAX_CELL_ENTRIES = 50  # cells that did not run cleanly, listed in the report
MAX_BLAS_THREADS = 4  # of a worker that grades alone: beyond, small matrices gain nothing
NOTHING_RUN = "none (nothing was run)"  # report.json's isolation value, not translated


def grade(path, assignment=None, limits=None, isolation="auto", count_gpu=False, language=None,
          default_language=i18n.SOURCE_LANGUAGE, alone=False):
    """The Report of the submission at `path` for `assignment` (default: the one its notebook
    names); an unreadable submission gets a Report too, with every check an error and `error`.
    Its language: `language` when given, else the notebook's own (its backprop_lab metadata),
    else `default_language`; every message is built in it (this process grades one submission at
    a time), and the caller's language is back when it returns. `alone`: no other grading shares
    the machine (`grade`, a platform's container), so the submission's matrix products may use
    its cores, as in the student's own kernel; a batch gives each worker one."""
    started = time.monotonic()
    limits = limits or Limits()
    # until the notebook's own language is known
    with i18n.speaking(_first_supported(language, default_language)), contextlib.ExitStack() as worker:
        sandbox = start_worker(limits, isolation, alone, worker)
        report = Report(assignment or "unknown", limits=limits.to_dict(), grader_version=grader_version(),
                        isolation=NOTHING_RUN, submission={"name": str(path).rsplit("/", 1)[-1], "path": str(path),
                                                           "sha256": None})
        submission = load(path, report)
        report.language = _first_supported(language, getattr(submission, "language", None), default_language)
        i18n.use(report.language)
        submission, assignment = check_assignment(submission, assignment, report)
        if submission is not None:
            run(submission, assignment, limits, isolation, count_gpu, report, sandbox, alone)
        elif assignment is not None:
            from .judge import NoSubmission, run_checks
            report.checks, _artifacts, warnings = run_checks(assignment, NoSubmission(report.error), limits, count_gpu)
            report.warnings += warnings
        report.score, report.max_score, report.targets = summarise(charge_once(report.checks))
    report.duration_s = round(time.monotonic() - started, 3)
    return report


def _first_supported(*languages):
    """The first of `languages` the catalogues support, else the source language."""
    return next((i18n.supported(language) for language in languages if i18n.supported(language)), i18n.SOURCE_LANGUAGE)


def load(path, report):
    """The loaded submission, or None when it cannot be read (why goes to report.error)."""
    try:
        submission = loading.load(path)
    except loading.SubmissionError as exc:
        report.error = str(exc)
        return None
    except Exception as exc:  # a reading bug must still leave a report behind
        report.error = _("The submission could not be read ({error}); please tell your instructor.").format(
            error=type(exc).__name__)
        report.warnings.append(_("internal grader error while reading: {error}").format(
            error=f"{type(exc).__name__}: {str(exc)[:500]}"))
        return None
    report.warnings += submission.warnings
    report.submission["sha256"] = submission.sha256
    return submission


def check_assignment(submission, assignment, report):
    """(the submission or None, the assignment id or None): `assignment`, else the one the notebook
    names, when the grader knows it; why it cannot be graded goes to report.error."""
    if submission is not None:
        assignment = assignment or submission.assignment
        if assignment is None:
            report.error = _("The notebook does not say which assignment it is (no backprop_lab metadata); "
                             "pass --assignment.")
    if assignment is not None and assignment not in known_assignments():
        shown = repr(assignment if len(assignment) <= 60 else assignment[:60] + "...")
        report.error = _("Unknown assignment {assignment}; known: {known}.").format(
            assignment=shown, known=", ".join(known_assignments()))
        assignment = None
    report.assignment = assignment or "unknown"
    return (submission if report.error is None else None), assignment


def cpu_sandbox(limits, isolation, alone):
    """The sandbox of the submission's run on the CPU: its worker imports pyplot before its first
    cell; its BLAS has the machine's cores (at most MAX_BLAS_THREADS) when it grades alone."""
    threads = min(MAX_BLAS_THREADS, len(os.sched_getaffinity(0))) if alone else 1
    return Sandbox(limits=limits, isolation=isolation, preload=COLD_PRELOAD, threads=threads)


def start_worker(limits, isolation, alone, stack):
    """The submission's sandbox, closed with `stack`, its worker started before the notebook is
    read: it imports NumPy and pyplot meanwhile (a third of a cold grading's wait). None when the
    sandbox cannot be made here: `run` makes it again, and its report says why."""
    prepare_judge()
    if os.environ.get(ZYGOTE_ENV) == "always":
        start_zygote()  # a batch's judges have one already (batch/forkserver.py); here, to test the zygote
    try:
        sandbox = stack.enter_context(cpu_sandbox(limits, isolation, alone))
    except Exception:
        return None
    with contextlib.suppress(WorkerLost):
        sandbox.spawn()  # start_cells tries again, and the report says why
    return sandbox


def run(submission, assignment, limits, isolation, count_gpu, report, sandbox=None, alone=False):
    """Run the cells and the checks in `sandbox` (made here when None); what they found goes
    into `report`."""
    try:
        with contextlib.ExitStack() as device_runs:
            if sandbox is None:
                sandbox = device_runs.enter_context(cpu_sandbox(limits, isolation, alone))
            sandbox.start_cells(submission.cells)
            from .judge.device import start_device_runs  # beside the CPU run, at the lowest priority
            runs = start_device_runs(sandbox, assignment)
            for device_run in runs.values():
                device_runs.callback(device_run.close)
            from .judge import Student, run_checks  # imports pytest while the cells run
            from .render import draw_early, warm_up
            warm_up()
            # alone, the plots are drawn on the cores the last checks leave idle
            early = functools.partial(draw_early, language=report.language) if alone else None
            # pytest configures itself and collects the checks while the cells still run: the
            # checks' first request to the worker waits for them (Sandbox.request).
            report.checks, report.artifacts, warnings = run_checks(assignment, Student(sandbox, assignment), limits,
                                                                   count_gpu, runs, early)
            report.cells = problems(sandbox.finish_cells(), report.warnings)
            report.warnings += warnings + sandbox_warnings(sandbox, limits)
            report.isolation, report.protections = sandbox.isolation, sandbox.protections
            report.limits = {**limits.to_dict(), "process_limit": sandbox.confinement.process_limit,
                             "memory_limit": sandbox.confinement.memory_limit}
        if report.isolation == "fallback":
            report.warnings.append(_("The worker ran with the fallback isolation, not bubblewrap (rlimits, scrubbed "
                                     "environment, private directory; {protections}); see docs/security.md.").format(
                protections="; ".join(report.protections)))
    except Exception as exc:  # a grader bug must still leave a report behind
        from .judge import NoSubmission, run_checks
        report.error = _("The grader failed on this submission ({error}); please tell your instructor.").format(
            error=type(exc).__name__)
        report.warnings.append(_("internal grader error: {error}").format(
            error=f"{type(exc).__name__}: {str(exc)[:500]}"))
        report.cells, report.artifacts, report.isolation = [], {}, NOTHING_RUN
        report.checks = run_checks(assignment, NoSubmission(_("the grader failed on this submission")), limits,
                                   count_gpu)[0]


def problems(cell_results, warnings):
    """The cells that did not run cleanly, as the report lists them (at most MAX_CELL_ENTRIES)."""
    found = [CellProblem(index, result["status"], result["message"])
             for index, result in enumerate(cell_results, start=1) if result["status"] != "ok"]
    if len(found) > MAX_CELL_ENTRIES:
        warnings.append(_("{count} cells did not run cleanly; the report lists the first {listed}.").format(
            count=len(found), listed=MAX_CELL_ENTRIES))
    return found[:MAX_CELL_ENTRIES]


def sandbox_warnings(sandbox, limits):
    warnings = []
    if sandbox.output_dropped:
        warnings.append(_("The submission printed {printed} bytes; only the first {kept} were kept.").format(
            printed=sandbox.output_bytes + sandbox.output_dropped, kept=limits.output_bytes))
    if sandbox.restarts:
        warnings.append(_("The worker was restarted {count} time(s) after a timeout or crash.").format(
            count=sandbox.restarts))
    return warnings
