"""Runs an assignment's hidden checks (plain pytest tests, grader/checks/) against one submission.

pytest runs in the judge process with a plugin that hands each test the submission (through the
fixtures of grader/checks/conftest.py), reads the points off its `check` marker, orders the
checks as the assignment's names build on each other, and turns each outcome into a
CheckResult. Nothing of the submission runs here: the fixtures only talk to the worker.
"""
import io
import os
from contextlib import redirect_stderr, redirect_stdout

import numpy
import pytest
from backprop_lab_check.i18n import _
from backprop_lab_check.outcomes import MissingName, StudentRaised, seed_for, verdict
from backprop_lab_check.verdicts import PassWithNote

from .. import trusted
from ..assignments import CHECKS_DIR, check_module
from ..report import CheckResult
from ..sandbox import StaleHandle, WorkerLost
from .ahead import compute as compute_ahead
from .student import Student

# pytest's own plugins that no check uses; each costs time per test or per session
# (unraisableexception alone runs two full garbage collections at the end).
UNUSED_PYTEST_PLUGINS = ("cacheprovider", "debugging", "doctest", "faulthandler", "junitxml", "legacypath",
                         "logging", "monkeypatch", "pastebin", "recwarn", "setuponly", "setupplan", "stepwise",
                         "subtests", "threadexception", "tmpdir", "unittest", "unraisableexception")


RESULT = pytest.StashKey()  # an item's CheckResult, kept in its stash
RAISED = pytest.StashKey()  # what a check raised, judged by the plugin instead of reported by pytest


class Evidence:
    """What checks leave for the report's plots: gradient errors, training curves."""

    def __init__(self):
        self.artifacts = {}
        self.changed = set()  # the names of the artifacts changed since the plugin last looked

    def gradient(self, check_id, tensor, tolerance):
        """A `record` for gradcheck.gradient_agrees: the error of one tensor's gradient."""
        def record(max_abs, max_rel):
            rows = self.artifacts.setdefault("gradient_errors", {"tolerance": tolerance, "rows": []})["rows"]
            rows.append({"check": check_id, "tensor": tensor, "max_abs": max_abs, "max_rel": max_rel})
            self.changed.add("gradient_errors")
        return record

    def set(self, name, value):
        self.artifacts[name] = value
        self.changed.add(name)


class GradingPlugin:
    """The fixtures' state (the `grading` fixture) and the hooks that make checks of tests."""

    def __init__(self, assignment, student, limits, device_runs=None, count_gpu=False, on_evidence=None):
        self.assignment, self.student, self.limits = assignment, student, limits
        self.device_runs = device_runs or {}  # {mode: judge.device.DeviceRun}
        self.count_gpu = count_gpu  # GPU checks without a GPU: counted as failed instead of skipped
        self.evidence = Evidence()
        self.on_evidence = on_evidence  # called after each check with the artifacts it changed
        self.results = []
        self.warnings = []
        self.own_names = False  # the check runs again with the student's own names, not the helpers

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "check(id, target, points): a graded check")

    @pytest.fixture
    def grading(self):
        return self

    def pytest_collection_modifyitems(self, items):
        """Checks run in the order their targets build on each other (grader/trusted/), so that
        a trusted helper reaches the worker only once every check of its name has run; then the
        checks of each target together (the report lists them so), those on a device last
        (they wait for the device run)."""
        rank = {name: i for i, name in enumerate(trusted.order(self.assignment))}
        first_seen = {}
        for item in items:
            first_seen.setdefault(_target(item), len(first_seen))

        def key(item):
            return rank.get(_target(item), -1), "on_device" in item.fixturenames, first_seen[_target(item)]

        items.sort(key=key)

    def pytest_collection_finish(self, session):
        """The reference's own work for these checks, while the worker still runs the cells."""
        compute_ahead({item.module.__name__ for item in session.items if hasattr(item, "module")})

    def pytest_runtest_logfinish(self):
        """The artifacts the check just changed go to `on_evidence`: a grading alone starts drawing
        their plots while the remaining checks run (and again if a later check changes them). Only
        the time the report takes depends on it, so whatever goes wrong there is left to the report."""
        if self.evidence.changed and self.on_evidence is not None:
            changed, self.evidence.changed = self.evidence.changed, set()
            try:
                self.on_evidence({name: self.evidence.artifacts[name] for name in sorted(changed)})
            except Exception:
                pass

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        """Run the check; what it raises goes to the item's stash for `_judge`, so that pytest
        sees the call end and never formats a traceback that nobody reads (about 50 ms per
        failed check, most of the judge's time on a buggy submission). pytest.skip's exception
        is not an Exception and still reaches pytest."""
        try:
            self._call_with_retries(pyfuncitem)
        except Exception as exc:
            pyfuncitem.stash[RAISED] = exc
        return True

    def _call_with_retries(self, pyfuncitem):
        """Run the check, and run it once more when
        - its worker died under it (not a timeout; a handle it held went stale with it): a death
          can come from code an earlier check left running (a timer, a thread), and the check
          that happened to be next must not pay for it; a check whose own code kills the worker
          dies again and is charged;
        - it failed with trusted helpers standing in for the names its target is built on: the
          target may rely on what the student's own versions add to the contract (a model's
          train(), a container's apply()); it passes when it passes with the student's own
          names. Otherwise the first verdict stands, the one that blames the target alone."""
        target = _marker(pyfuncitem).kwargs["target"]
        try:
            self._call(pyfuncitem)
        except (WorkerLost, StaleHandle) as exc:
            if isinstance(exc, WorkerLost) and not exc.died:
                raise
            self._call(pyfuncitem, fresh=True)
        except (AssertionError, StudentRaised) as exc:
            if isinstance(exc, StudentRaised) and exc.type_name == "NotImplementedError" or \
                    not trusted.builds_on_others(self.assignment, target):
                raise
            self.own_names = True
            try:
                self._call(pyfuncitem, fresh=True)
            except Exception:
                raise exc from None
            finally:
                self.own_names = False

    def _call(self, pyfuncitem, fresh=False):
        """The test function with its fixtures; `fresh`: a new generator, and every student the
        check holds (on the CPU, on a device) prepared again, for the names it now uses."""
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        marker = _marker(pyfuncitem).kwargs
        if fresh:
            if "rng" in args:
                args["rng"] = numpy.random.default_rng(seed_for(marker["id"]))
            for value in args.values():
                if isinstance(value, Student):
                    value.prepare_for(marker["id"], marker["target"], own=self.own_names)
        pyfuncitem.obj(**args)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        result = self._result(item)
        if result is None:
            return
        if report.when == "setup" and report.outcome != "passed" or report.when == "call":
            if result.status is None:
                raised = item.stash.get(RAISED, None)
                self._judge(result, raised if raised is not None else _raised(call), report)
        if report.when == "teardown" and result.status is None:
            result.status = "skip"

    def _result(self, item):
        """The CheckResult of a check, made on first sight; None for a test that is not a check."""
        marker = _marker(item)
        if marker is None:
            return None
        if item.stash.get(RESULT, None) is None:
            kw = marker.kwargs
            if any(r.id == kw["id"] for r in self.results):
                self.warnings.append(_("duplicate check id {id}").format(id=kw["id"]))
            item.stash[RESULT] = CheckResult(kw["id"], kw["target"], None, 0.0, float(kw["points"]))
            self.results.append(item.stash[RESULT])
        return item.stash[RESULT]

    def _judge(self, result, exc, report):
        if report.skipped:
            result.status, result.message = "skip", _skip_reason(report)
            return
        if isinstance(exc, (WorkerLost, StaleHandle)):
            result.status, result.message = "error", _lost_worker(exc)
            return
        judged = verdict(exc)
        result.status, result.message, result.hint, result.note = judged.status, judged.message, judged.hint, judged.note
        result.points = round(result.max_points * judged.fraction, 2)
        if exc is not None and not isinstance(exc, (AssertionError, StudentRaised, MissingName, PassWithNote)):
            self.warnings.append(_("check {id} stopped inside the grader: {error}").format(
                id=result.id, error=f"{type(exc).__name__}: {exc}"))


def _lost_worker(exc):
    """The message of a check whose request ended with WorkerLost or StaleHandle."""
    kind = getattr(exc, "kind", "worker")
    if kind == "timeout":
        return _("the submission's code timed out after {seconds:g} s").format(seconds=exc.seconds)
    if kind == "budget":
        return _("the submission's code was not run: the submission's time budget is spent")
    return _("while the submission's code ran, {problem}").format(problem=exc)  # a sentence about the worker


def _marker(item):
    return item.get_closest_marker("check")


def _target(item):
    marker = _marker(item)
    return marker.kwargs.get("target") if marker else None


def _raised(call):
    return call.excinfo.value if call.excinfo is not None else None


def _skip_reason(report):
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return _("skipped")


def run_checks(assignment, student, limits, count_gpu=False, device_runs=None, on_evidence=None):
    """Run the assignment's checks against `student` (a judge.Student, or NoSubmission);
    returns (CheckResults, artifacts for the plots, warnings). `on_evidence`: called after each
    check that changed artifacts, with those ({name: artifact})."""
    plugin = GradingPlugin(assignment, student, limits, device_runs, count_gpu, on_evidence)
    # --tb=native: a check that errors in its setup (no submission, a dead worker) still gets a
    # traceback formatted by pytest, and the native one costs a fifth of pytest's own.
    args = [str(check_module(assignment)), "-c", os.devnull, "--rootdir", str(CHECKS_DIR),
            "--import-mode=importlib", "-q", "--tb=native", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    args += [arg for unused in UNUSED_PYTEST_PLUGINS for arg in ("-p", f"no:{unused}")]
    sink = io.StringIO()
    # Installed pytest plugins have no business in grading, and scanning for them costs
    # a large part of a second per submission.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    with redirect_stdout(sink), redirect_stderr(sink):
        code = pytest.main(args, plugins=[plugin])
    if code not in (0, 1) and not plugin.results:
        plugin.warnings.append(_("the checks could not run (pytest exit {code}): {output}").format(
            code=int(code), output=sink.getvalue()[-500:]))
    return plugin.results, plugin.evidence.artifacts, plugin.warnings
