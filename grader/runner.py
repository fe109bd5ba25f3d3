"""Runs an assignment's hidden checks (plain pytest tests) against one submission.

pytest runs in the judge process with a plugin that hands each test the
submission (through the `student` fixture), reads the points off its `check`
marker, and turns its outcome into a report entry. Nothing of the submission
runs here: the fixture only talks to the worker.
"""
import io
import os
import zlib
from contextlib import redirect_stderr, redirect_stdout

import numpy
import pytest

from . import trusted
from .assignments import CHECKS_DIR, check_module
from .sandbox import StaleHandle, StudentError, WorkerLost
from .student import MissingName
from .verdicts import CheckFailed, PartialCredit, PassWithNote, exception_hint

# pytest's own plugins that no check uses; each costs time per test or per session
# (unraisableexception alone runs two full garbage collections at the end).
UNUSED_PYTEST_PLUGINS = ("cacheprovider", "debugging", "doctest", "faulthandler", "junitxml", "legacypath",
                         "logging", "monkeypatch", "pastebin", "recwarn", "setuponly", "setupplan", "stepwise",
                         "subtests", "threadexception", "tmpdir", "unittest", "unraisableexception")


def seed_for(check_id):
    """A fixed seed per check, so verdicts never depend on the order checks run in."""
    return zlib.crc32(check_id.encode()) & 0x7FFFFFFF


class Evidence:
    """What checks leave for the report's plots: gradient errors, training curves."""

    def __init__(self):
        self.artifacts = {}

    def gradient(self, check_id, tensor, max_abs, max_rel, tolerance):
        rows = self.artifacts.setdefault("gradient_errors", {"tolerance": tolerance, "rows": []})["rows"]
        rows.append({"check": check_id, "tensor": tensor, "max_abs": max_abs, "max_rel": max_rel})

    def set(self, name, value):
        self.artifacts[name] = value


class GradingPlugin:
    def __init__(self, assignment, student, evidence, limits, count_gpu=False, resources=None):
        self.assignment, self.student, self.evidence, self.limits = assignment, student, evidence, limits
        self.count_gpu = count_gpu  # GPU checks without a GPU: counted as failed instead of skipped
        self.results = []
        self._seen_ids = set()
        self.warnings = []
        self._resources = dict(resources or {})
        self.own_names = False  # the check runs again with the student's own names, not the helpers

    def resource(self, key, open_, close):
        """An object the checks of this run share (e.g. a second sandbox), opened on first
        use and closed when the run ends."""
        if key not in self._resources:
            self._resources[key] = (open_(), close)
        return self._resources[key][0]

    def reopen(self, key, open_, close):
        """Close the shared object under `key` and open it anew."""
        old = self._resources.pop(key, None)
        if old is not None:
            old[1](old[0])
        return self.resource(key, open_, close)

    def pytest_sessionfinish(self, session):
        resources, self._resources = self._resources, {}
        for value, close in resources.values():
            close(value)

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "check(id, target, points): a graded check")

    @pytest.fixture
    def grading(self):
        return self

    def pytest_collection_modifyitems(self, items):
        """Checks run in the order their targets build on each other (grader/trusted/), so that
        a trusted helper reaches the worker only once every check of its name has run."""
        rank = {name: i for i, name in enumerate(trusted.order(self.assignment))}

        def position(item):
            marker = item.get_closest_marker("check")
            return rank.get(marker.kwargs.get("target") if marker else None, -1)
        items.sort(key=position)

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        """Run the check, and run it once more when
        - its worker died under it (not a timeout; a handle it held went stale with it): a death
          can come from code an earlier check left running (a timer, a thread), and the check
          that happened to be next must not pay for it; a check whose own code kills the worker
          dies again and is charged;
        - it failed with trusted helpers standing in for the names its target is built on: the
          target may rely on what the student's own versions add to the contract (a model's
          train(), a container's apply()); it passes when it passes with the student's own
          names. Otherwise the first verdict stands, the one that blames the target alone."""
        target = pyfuncitem.get_closest_marker("check").kwargs["target"]
        try:
            self._call(pyfuncitem)
        except (WorkerLost, StaleHandle) as exc:
            if isinstance(exc, WorkerLost) and not exc.died:
                raise
            self._call(pyfuncitem, fresh=True)
        except (CheckFailed, StudentError, AssertionError) as exc:
            if isinstance(exc, StudentError) and exc.type_name == "NotImplementedError" or \
                    not trusted.builds_on_others(self.assignment, target):
                raise
            self.own_names = True
            try:
                self.student.use_helpers_for(target, own=True)
                self._call(pyfuncitem, fresh=True)
            except Exception:
                raise exc from None
            finally:
                self.own_names = False
        return True

    def _call(self, pyfuncitem, fresh=False):
        """The test function with its fixtures; `fresh`: a new generator and a reseeded worker."""
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        check_id = pyfuncitem.funcargs.get("check_id")
        if fresh and check_id is not None:
            if "rng" in args:
                args["rng"] = numpy.random.default_rng(seed_for(check_id))
            if "student" in args:
                args["student"].seed(seed_for(check_id))
        pyfuncitem.obj(**args)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        marker = item.get_closest_marker("check")
        if marker is None:
            return
        entry = self._entry(item, marker)
        if report.when == "setup" and report.outcome != "passed" or report.when == "call":
            if entry["status"] is None:
                self._judge(entry, call, report)
        if report.when == "teardown" and entry["status"] is None:
            entry["status"] = "skip"

    def _entry(self, item, marker):
        if not hasattr(item, "_grading_entry"):
            kw = marker.kwargs
            check_id = kw.get("id") or item.name[len("test_"):].replace("__", ".")
            if check_id in self._seen_ids:
                self.warnings.append(f"duplicate check id {check_id}")
            self._seen_ids.add(check_id)
            item._grading_entry = {"id": check_id, "target": kw["target"], "status": None,
                                   "points": 0.0, "max_points": float(kw["points"]),
                                   "message": "", "hint": None, "note": None}
            self.results.append(item._grading_entry)
        return item._grading_entry

    def _judge(self, entry, call, report):
        excinfo = call.excinfo
        if excinfo is None:
            entry.update(status="pass", points=entry["max_points"], message="ok")
            return
        exc = excinfo.value
        if report.skipped:
            entry.update(status="skip", message=_skip_reason(report))
        elif isinstance(exc, PassWithNote):
            entry.update(status="pass", points=entry["max_points"], message="ok", note=exc.note, hint=exc.hint)
        elif isinstance(exc, PartialCredit):
            entry.update(status="fail", points=round(entry["max_points"] * exc.fraction, 2),
                         message=exc.message, hint=exc.hint)
        elif isinstance(exc, CheckFailed):
            entry.update(status="fail", message=exc.message, hint=exc.hint)
        elif isinstance(exc, AssertionError):
            entry.update(status="fail", message=str(exc).split("\nassert")[0].strip() or "assertion failed")
        elif isinstance(exc, StudentError):
            entry.update(status="error", message=exc.sentence(), hint=exception_hint(exc.type_name, exc.message))
        elif isinstance(exc, MissingName):
            entry.update(status="error", message=str(exc))
        elif isinstance(exc, (WorkerLost, StaleHandle)):
            entry.update(status="error", message=f"the submission's code {exc}")
        else:  # what the submission returned was of a kind the check did not expect
            entry.update(status="error", message=f"the check could not use what the submission's code returned "
                                                 f"({type(exc).__name__}: {str(exc)[:300]})")
            self.warnings.append(f"check {entry['id']} stopped inside the grader: {type(exc).__name__}: {exc}")


def _skip_reason(report):
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return "skipped"


def run_checks(assignment, student, limits, selection=None, count_gpu=False, resources=None):
    """Run the assignment's checks; returns (check entries, artifacts, warnings). `resources`
    are shared objects opened beforehand ({key: (object, close)}, see GradingPlugin.resource)."""
    evidence = Evidence()
    plugin = GradingPlugin(assignment, student, evidence, limits, count_gpu, resources)
    args = [str(check_module(assignment)), "-c", os.devnull, "--rootdir", str(CHECKS_DIR),
            "--import-mode=importlib", "-q", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    args += [arg for plugin in UNUSED_PYTEST_PLUGINS for arg in ("-p", f"no:{plugin}")]
    if selection:
        args += ["-k", selection]
    sink = io.StringIO()
    # Installed pytest plugins have no business in grading, and scanning for them costs
    # a large part of a second per submission.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    with redirect_stdout(sink), redirect_stderr(sink):
        code = pytest.main(args, plugins=[plugin])
    if code not in (0, 1) and not plugin.results:
        plugin.warnings.append(f"the checks could not run (pytest exit {int(code)}): {sink.getvalue()[-500:]}")
    return plugin.results, evidence.artifacts, plugin.warnings
