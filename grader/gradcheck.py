"""Numerical differentiation done by the judge, with the worker only evaluating.

The code lives in `backprop_lab_check.gradcheck`, shared with the visible checks that
students run in their notebooks; the hidden checks import it from here, with one judge-only
helper for whole models.
"""
import numpy

from backprop_lab_check.gradcheck import (FULL_LIMIT, H, directional_derivatives,  # noqa: F401
                                          normalised_error, numerical_gradient, unit_directions)
from .verdicts import as_array, fail


def parameter_gradients_agree(model, name, args, which, tol, evidence, check_id, stale_hint):
    """After model.forward(*args) and model.backward(): each named model.grads[i] against central
    differences of the model's own forward with respect to params[i]. `which`: [(i, label)];
    each error goes to the report's gradient plot; `stale_hint` is given for an all-zero gradient."""
    model.call("forward", *args)
    model.call("backward")
    grads = [as_array(f"{name}.grads[{i}]", g) for i, g in enumerate(model.get("grads"))]
    for i, label in which:
        base = numpy.asarray(model.get("params", i))
        numeric = numerical_gradient(model, "forward", list(args), ["param", ["params", i]], base, 1.0)
        err = normalised_error(grads[i], numeric)
        evidence.gradient(check_id, f"{name}.{label}", float(numpy.max(numpy.abs(grads[i] - numeric))), err, tol)
        if not err < tol:
            fail(f"{name}: backward's {label} disagrees with central differences of your own forward "
                 f"(normalised error {err:.3g})", stale_hint if not grads[i].any() else None)
