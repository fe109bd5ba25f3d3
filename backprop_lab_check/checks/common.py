"""Helpers the visible checks of several assignments use."""
import functools

import numpy

from ..outcomes import StudentRaised
from ..registry import checks_for, run_one, visible
from ..verdicts import DTYPE_HINT, CheckFailed, as_array, compare, fail


def arrays(label, value, shapes, listing=""):
    """`value` (a model's params or grads, named `label`) if it is a list of arrays of `shapes`;
    else a verdict saying what is wrong. `listing` names the arrays, e.g. " (W1, b1, W2, b2)"."""
    if not isinstance(value, list) or len(value) != len(shapes):
        got = f"a list of {len(value)}" if isinstance(value, list) else type(value).__name__
        fail(f"{label} should be a list of {len(shapes)} arrays{listing}, got {got}")
    for i, (array, shape) in enumerate(zip(value, shapes)):
        array = as_array(f"{label}[{i}]", array)
        if array.shape != shape:
            fail(f"{label}[{i}] has shape {array.shape}, expected {shape}")
    return value


def pair(name, value):
    """A method's (dx, dy) result, or a verdict saying what came back instead."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        kind = "None" if value is None else type(value).__name__
        fail(f"{name} should return the pair (dx, dy), got {kind}")
    return value


def no_weights(obj):
    if obj.get("params") != [] or obj.get("grads") != []:
        fail(f"{obj.type_name} has no weights: params and grads should both be empty lists")


def keeps_float32(name, *values):
    for label, value in values:
        value = as_array(f"{name}'s {label}", value)
        if value.dtype != numpy.float32:
            fail(f"{name}: float32 in must give float32 out, but {label} is {value.dtype}", DTYPE_HINT)


def expect(name, got, expected, **options):
    """verdicts.compare against a known value: the visible checks have no reference."""
    compare(name, got, expected, against="the expected value", **options)


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
                raise CheckFailed(message, f"{target} calls your {broken.target}, which fails its own visible check "
                                           f"{broken.id}: fix {broken.target} first (the grader judges {target} "
                                           f"with a correct {broken.target})") from exc
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
