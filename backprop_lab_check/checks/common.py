"""Helpers the visible checks of several assignments use."""
import numpy

from ..verdicts import DTYPE_HINT, as_array, compare, fail


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
