"""Numerical differentiation of a submission's own forward, compared with its own backward.

`obj` is the hidden grader's handle on an object in the sandboxed worker, or the
visible checks' handle on an object in the student's kernel: both evaluate `method`
on a batch of perturbed inputs in one call (`scan`), and the checking side forms the
central differences. Full differences for small tensors; for larger ones, random
projections v^T J u as torch.autograd.gradcheck's fast mode.
"""
import numpy

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
    for _ in range(count):
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
