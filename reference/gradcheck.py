"""Numerical gradients and the relative error used to compare gradients."""
import numpy


def numerical_gradient(f, x, h=1e-4):
    """Central differences of scalar `f()` with respect to every element of `x`.

    `x` is perturbed in place and restored, so `f` may close over it (as layers do
    with their own parameters). Computed in float64 whatever the dtype of `x`.
    """
    grad = numpy.zeros(x.shape, dtype=numpy.float64)
    it = numpy.nditer(x, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        original = x[idx].item()
        x[idx] = original + h
        f_plus = float(f())
        x[idx] = original - h
        f_minus = float(f())
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Largest elementwise relative error |a-b| / max(1e-8, |a|+|b|) (CS231n form)."""
    a = numpy.asarray(a, dtype=numpy.float64)
    b = numpy.asarray(b, dtype=numpy.float64)
    return float(numpy.max(numpy.abs(a - b) / numpy.maximum(1e-8, numpy.abs(a) + numpy.abs(b)), initial=0.0))
