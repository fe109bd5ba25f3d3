"""Helpers the visible checks of several assignments use."""
import numpy

from ..gradcheck import normalised_error, numerical_gradient
from ..verdicts import DTYPE_HINT, as_array, compare, fail, recognise, unchanged

GRAD_TOL = 1e-5


def call_pure(obj, method, **named):
    """obj.method(*values of named), failing when the call modifies one of its arguments."""
    result, after = obj.call(method, *named.values(), keep_args=True)
    for (label, before), now in zip(named.items(), after):
        unchanged(f"{obj.type_name}.{method}'s argument {label}", before, now)
    return result


def pair(name, value):
    """A method's (dx, dy) result, or a verdict saying what came back instead."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        kind = "None" if value is None else type(value).__name__
        fail(f"{name} should return the pair (dx, dy), got {kind}")
    return value


def gradient_agrees(obj, label, analytic, wrt, base, args, dout=1.0, tol=GRAD_TOL, mistakes=(), method="forward"):
    """`analytic` (the object's own backward) against central differences of its own `method`
    with respect to `wrt` (["arg", k] or ["param", path]); `mistakes` name known wrong results."""
    name = f"{obj.type_name}: backward's {label}"
    analytic = as_array(name, analytic)
    base = numpy.asarray(base)
    if analytic.shape != base.shape:
        fail(f"{name} has shape {analytic.shape}, expected {base.shape} (the shape of what it is the gradient of)",
             recognise(analytic, mistakes))
    numeric = numerical_gradient(obj, method, list(args), wrt, base, dout)
    err = normalised_error(analytic, numeric)
    if not err < tol:
        max_abs = float(numpy.max(numpy.abs(analytic - numeric)))
        fail(f"{name} disagrees with central differences of your own {method}: normalised error "
             f"{err:.3g} (max abs {max_abs:.3g}), tolerance {tol:g}", recognise(analytic, mistakes))


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
