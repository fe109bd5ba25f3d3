"""The visible checks: a registry of small check functions per graded name, run against the
objects of the student's kernel.

A visible check is a plain function of the kernel (the same API the hidden checks use to
reach a submission) and a seeded random generator:

    @visible(id="affine.forward", target="Affine")
    def affine_forward(kernel, rng):
        layer = kernel.new("Affine", W, b)
        compare("Affine.forward", layer.call("forward", x), x @ W + b, mistakes=[...])

It passes by returning and fails by raising `CheckFailed` (verdicts.compare and .fail).
Visible checks never need the reference: they use known constants, numerical gradients
of the student's own forward, and invariants. Modules under `checks/` hold them, one per
assignment.
"""
import contextlib
import importlib
import io
import pkgutil
import random
import time
import warnings
from dataclasses import dataclass, field

import numpy

from .i18n import _
from .local import Kernel
from .outcomes import StudentRaised, seed_for, verdict
from .result import Result


@dataclass
class VisibleCheck:
    id: str
    target: str
    assignment: str
    fn: object
    by_assignment_only: bool = False  # run by check(target, assignment=...) only


@dataclass
class Outcome:
    id: str
    target: str
    status: str                  # "pass" | "fail" | "error"
    message: str
    hint: str = None
    seconds: float = 0.0
    raised: BaseException = field(default=None, repr=False)  # the student's exception, if any


REGISTRY = []


def visible(id, target, by_assignment_only=False):
    """Register a visible check of `target` (a name the assignment grades). A name that another
    assignment grades too, and that the notebook's other names cannot attribute (spiral's
    notebook defines a numerical_gradient as gradients' does), is registered
    `by_assignment_only` in one of them, whose notebook calls check(target, assignment=...)."""
    def register(fn):
        assignment = fn.__module__.rsplit(".", 1)[-1]
        REGISTRY.append(VisibleCheck(id, target, assignment, fn, by_assignment_only))
        return fn
    return register


def load_all():
    """Import every module of `checks/` (each registers its checks once)."""
    checks = importlib.import_module(f"{__package__}.checks")
    for module in pkgutil.iter_modules(checks.__path__):
        importlib.import_module(f"{checks.__name__}.{module.name}")
    return REGISTRY


def targets(assignment=None):
    """The graded names that have visible checks, in the order they were registered."""
    names = [c.target for c in load_all() if assignment in (None, c.assignment)]
    return list(dict.fromkeys(names))


def checks_for(target, assignment=None, namespace=None):
    """The visible checks of `target`. A name that several assignments check (softmax and accuracy
    in forward and regularization) is checked as the assignment whose graded names `namespace`
    defines most of: the notebook that calls check(target) is that assignment's."""
    found = [c for c in load_all() if c.target == target and
             (c.assignment == assignment if assignment else not c.by_assignment_only)]
    if not found:
        raise KeyError(_("there are no visible checks for `{target}`; names with checks: {names}").format(
            target=target, names=", ".join(targets(assignment))))
    owners = sorted({c.assignment for c in found})
    if len(owners) > 1:
        owner = _owner_by_names(owners, namespace or {})
        if owner is None:
            raise KeyError(_("`{target}` is checked in several assignments ({assignments}): "
                             "pass assignment=...").format(target=target, assignments=", ".join(owners)))
        found = [c for c in found if c.assignment == owner]
    return found


def _owner_by_names(owners, namespace):
    """Of `owners`, the assignment most of whose graded names `namespace` defines; None on a tie."""
    defined = {owner: len(set(targets(owner)) & set(namespace)) for owner in owners}
    leaders = [owner for owner in owners if defined[owner] == max(defined.values())]
    return leaders[0] if len(leaders) == 1 else None


@contextlib.contextmanager
def _quiet_and_restored():
    """Student prints and numpy warnings are muted, the global random states restored,
    so running the checks leaves the notebook as it was."""
    np_state, py_state = numpy.random.get_state(), random.getstate()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings(), numpy.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            numpy.random.set_state(np_state)
            random.setstate(py_state)


def run_one(check, kernel):
    started = time.perf_counter()
    kernel.seed(seed_for(check.id))
    raised = None
    try:
        check.fn(kernel, numpy.random.default_rng(seed_for(check.id)))
    except Exception as exc:
        raised = exc
    judged = verdict(raised)
    return Outcome(check.id, check.target, judged.status, judged.message, judged.hint,
                   time.perf_counter() - started,
                   raised.original if isinstance(raised, StudentRaised) else None)


def run(target_names, namespace, assignment=None):
    """Run the visible checks of each name in `target_names` against `namespace`."""
    selected = [c for name in target_names for c in checks_for(name, assignment, namespace)]
    kernel = Kernel(namespace)
    started = time.perf_counter()
    with _quiet_and_restored():
        outcomes = [run_one(check, kernel) for check in selected]
    return Result(list(target_names), outcomes, time.perf_counter() - started)
