"""Numerical differentiation of a submission's own forward, compared with its own backward.

`obj` is the hidden grader's handle on an object in the sandboxed worker, or the
visible checks' handle on an object in the student's kernel: both evaluate `method`
on a batch of perturbed inputs in one call (`scan`), and the checking side forms the
central differences. Full differences for small tensors; for larger ones, random
projections v^T J u as torch.autograd.gradcheck's fast mode.
"""
import numpy

from .i18n import _
from .tolerances import GRAD_TOL
from .verdicts import as_array, fail, recognise

H = 1e-4
FULL_LIMIT = 64  # elements; above this a tensor gets projection checks


def _scalarise(outputs, dout):
    """sum(f(x) * dout) for each output of the scan."""
    values = []
    for out in outputs:
        out = numpy.asarray(out[0] if isinstance(out, tuple) else out, dtype=numpy.float64)
        values.append(float(numpy.sum(out * dout)))
    return numpy.array(values)


def numerical_gradient(obj, method, args, wrt, base, dout, kwargs=None):
    """d sum(method(*args) * dout) / d tensor, element by element (2n evaluations)."""
    base = numpy.asarray(base, dtype=numpy.float64)
    n = base.size
    eye = numpy.eye(n).reshape((n,) + base.shape)
    points = numpy.empty((2 * n,) + base.shape)
    points[0::2] = base + H * eye
    points[1::2] = base - H * eye
    values = _scalarise(obj.scan(method, args, wrt, points, **(kwargs or {})), dout)
    return ((values[0::2] - values[1::2]) / (2 * H)).reshape(base.shape)


def directional_derivatives(obj, method, args, wrt, base, dout, directions, kwargs=None):
    """d/dε sum(method(x + ε u) * dout) at ε = 0, for each direction u."""
    base = numpy.asarray(base, dtype=numpy.float64)
    points = []
    for u in directions:
        points += [base + H * u, base - H * u]
    values = _scalarise(obj.scan(method, args, wrt, numpy.stack(points), **(kwargs or {})), dout)
    return (values[0::2] - values[1::2]) / (2 * H)


def unit_directions(rng, shape, count=3):
    directions = []
    for _direction in range(count):
        u = rng.standard_normal(shape)
        directions.append(u / numpy.linalg.norm(u))
    return directions


def normalised_error(a, b):
    """max|a-b| / max(max|a|, max|b|, 1e-8): scale-free and stable near zero."""
    a = numpy.asarray(a, dtype=numpy.float64)
    b = numpy.asarray(b, dtype=numpy.float64)
    if a.shape != b.shape:
        return float("inf")
    scale = max(float(numpy.max(numpy.abs(a), initial=0)), float(numpy.max(numpy.abs(b), initial=0)), 1e-8)
    return float(numpy.max(numpy.abs(a - b), initial=0)) / scale


def gradient_agrees(obj, what, analytic, wrt, base, args, dout=1.0, *, method="forward", tol=GRAD_TOL,
                    mistakes=(), rng=None, record=None, hint=None):
    """`analytic`, the object's own gradient (`what` names it: "Affine: backward's dW"), against
    central differences of its own `method(*args)` with respect to `wrt` (["arg", k] or
    ["param", path]), whose value is `base`: every element up to FULL_LIMIT elements (or without
    `rng`), random projections v^T J u above. `mistakes` name a known wrong gradient, `hint`
    (a string, or a function of the analytic and numerical gradients) any other failure;
    `record(max_abs, normalised_error)` keeps the sizes for a report."""
    analytic = as_array(what, analytic)
    base = numpy.asarray(base)
    if analytic.shape != base.shape:
        fail(_("{what} has shape {got}, expected {expected} (the shape of what it is the gradient of)").format(
            what=what, got=analytic.shape, expected=base.shape), recognise(analytic, mistakes))
    if base.size <= FULL_LIMIT or rng is None:
        disagrees = _("{what} disagrees with central differences of your own {method}: normalised error {error:.3g} "
                      "(max abs {max_abs:.3g}), tolerance {tol:g}")
        got = analytic
        numeric = numerical_gradient(obj, method, list(args), wrt, base, dout)
    else:
        disagrees = _("{what} disagrees with random projections v^T J u of your own {method}: normalised error "
                      "{error:.3g} (max abs {max_abs:.3g}), tolerance {tol:g}")
        directions = unit_directions(rng, base.shape)
        got = numpy.array([numpy.sum(analytic * u) for u in directions])
        numeric = directional_derivatives(obj, method, list(args), wrt, base, dout, directions)
    err = normalised_error(got, numeric)
    max_abs = float(numpy.max(numpy.abs(got - numeric), initial=0))
    if record is not None:
        record(max_abs, err)
    if not err < tol:
        explained = recognise(analytic, mistakes) or (hint(got, numeric) if callable(hint) else hint)
        fail(disagrees.format(what=what, method=method, error=err, max_abs=max_abs, tol=tol), explained)


def model_gradients_agree(model, name, args, which, *, tol, stale_hint=None, record=None):
    """After model.forward(*args) and model.backward(): each model.grads[i] named in `which`
    ([(i, label)]) against central differences of the model's own forward with respect to its
    params[i]; `stale_hint` explains an all-zero gradient, `record(label)` gives a record."""
    model.call("forward", *args)
    model.call("backward")
    grads = [as_array(f"{name}.grads[{i}]", g) for i, g in enumerate(model.get("grads"))]
    for i, label in which:
        gradient_agrees(model, _("{name}: backward's {label}").format(name=name, label=label), grads[i],
                        ["param", ["params", i]],
                        model.get("params", i), args, tol=tol,
                        mistakes=[(numpy.zeros_like(grads[i]), stale_hint)] if stale_hint else (),
                        record=record(label) if record else None)
