"""Helpers the visible checks of several assignments use."""
import functools

import numpy

from ..i18n import _
from ..outcomes import StudentRaised
from ..registry import checks_for, run_one, visible
from ..verdicts import DTYPE_HINT, EXPECTED, CheckFailed, as_array, compare, fail


def arrays(label, value, shapes, listing=""):
    """`value` (a model's params or grads, named `label`) if it is a list of arrays of `shapes`;
    else a verdict saying what is wrong. `listing` names the arrays, e.g. " (W1, b1, W2, b2)"."""
    if isinstance(value, list) and len(value) != len(shapes):
        fail(_("{label} should be a list of {count} arrays{listing}, got a list of {got}").format(
            label=label, count=len(shapes), listing=listing, got=len(value)))
    if not isinstance(value, list):
        fail(_("{label} should be a list of {count} arrays{listing}, got {got}").format(
            label=label, count=len(shapes), listing=listing, got=type(value).__name__))
    for i, (array, shape) in enumerate(zip(value, shapes)):
        array = as_array(f"{label}[{i}]", array)
        if array.shape != shape:
            fail(_("{name} has shape {got}, expected {expected}").format(name=f"{label}[{i}]", got=array.shape,
                                                                        expected=shape))
    return value


def pair(name, value):
    """A method's (dx, dy) result, or a verdict saying what came back instead."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        fail(_("{name} should return the pair (dx, dy), got {kind}").format(
            name=name, kind="None" if value is None else type(value).__name__))
    return value


def no_weights(obj):
    if obj.get("params") != [] or obj.get("grads") != []:
        fail(_("{name} has no weights: params and grads should both be empty lists").format(name=obj.type_name))


def keeps_float32(name, *values):
    for label, value in values:
        value = as_array(_("{name}'s {label}").format(name=name, label=label), value)
        if value.dtype != numpy.float32:
            fail(_("{name}: float32 in must give float32 out, but {label} is {dtype}").format(
                name=name, label=label, dtype=value.dtype), DTYPE_HINT)


def expect(name, got, expected, **options):
    """verdicts.compare against a known value: the visible checks have no reference."""
    compare(name, got, expected, against=EXPECTED, **options)


def visible_calling(id, target, calls, by_assignment_only=False):
    """visible() for a check of `target` whose code calls the graded names `calls`: when the check
    fails and one of those fails its own visible checks, the hint sends the student there first."""
    def register(fn):
        assignment = fn.__module__.rsplit(".", 1)[-1]

        @functools.wraps(fn)
        def check(kernel, rng):
            try:
                fn(kernel, rng)
            except (CheckFailed, StudentRaised) as exc:
                if isinstance(exc, StudentRaised) and exc.type_name == "NotImplementedError":
                    raise
                broken = first_failing(kernel, calls, assignment)
                if broken is None:
                    raise
                message = exc.message if isinstance(exc, CheckFailed) else exc.sentence()
                raise CheckFailed(message, _("{target} calls your {broken}, which fails its own visible check {check}: "
                                             "fix {broken} first (the grader judges {target} with a correct {broken})")
                                  .format(target=target, broken=broken.target, check=broken.id)) from exc
        return visible(id, target, by_assignment_only)(check)
    return register


def first_failing(kernel, names, assignment):
    """The outcome of the first visible check of `names` (in `assignment`) that does not pass, or None."""
    for name in names:
        for check in checks_for(name, assignment):
            outcome = run_one(check, kernel)
            if outcome.status != "pass":
                return outcome
    return None
