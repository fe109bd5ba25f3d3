"""How a check says what went wrong: comparisons that name the tensor, the size of
the error, the shapes, and the known mistake when the result matches one.

Shared by the hidden grader (grader.verdicts re-exports it) and the visible checks
students run in their notebooks, so both speak the same way.

Every sentence is built when the check runs, in the current language (`i18n`): messages with
`_()`, hints as constants marked with `N_()` that `CheckFailed` and `PassWithNote` translate
when they are raised, so that a hint defined at import still follows the report's language."""
import re

import numpy

from .i18n import N_, _


DTYPE_HINT = N_("float32 in must give float32 out: create arrays with np.zeros_like(param) or dtype=x.dtype, "
                "subtract labels rather than integer one-hot targets (or cast them, t.astype(x.dtype)), and "
                "use Python floats, not np.float64(...) scalars or float64 arrays, in arithmetic")


class CheckFailed(AssertionError):
    """A check's verdict: the submission's result is wrong. `hint` names a known mistake."""

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.message, self.hint = message, _(hint) if hint else hint


class PartialCredit(CheckFailed):
    """Wrong, but worth `fraction` of the check's points."""

    def __init__(self, fraction, message, hint=None):
        super().__init__(message, hint)
        self.fraction = max(0.0, min(1.0, float(fraction)))


class PassWithNote(Exception):
    """The check passes with all its points; `note` (with `hint`, a one-line fix) tells the
    student about something worth changing that costs nothing."""

    def __init__(self, note, hint=None):
        super().__init__(note)
        self.note, self.hint = note, _(hint) if hint else hint


def fail(message, hint=None):
    raise CheckFailed(message, hint)


def errors(got, expected):
    """(max absolute error, max relative error |a-b|/max(1e-8,|a|+|b|), index of the worst)."""
    got = numpy.asarray(got, dtype=numpy.float64)
    expected = numpy.asarray(expected, dtype=numpy.float64)
    diff = numpy.abs(got - expected)
    if diff.size == 0:
        return 0.0, 0.0, ()
    with numpy.errstate(invalid="ignore"):
        rel = diff / numpy.maximum(1e-8, numpy.abs(got) + numpy.abs(expected))
    rel = numpy.where(numpy.isnan(rel), numpy.inf, rel)
    diff = numpy.where(numpy.isnan(diff), numpy.inf, diff)
    worst = numpy.unravel_index(int(numpy.argmax(rel)), rel.shape) if rel.ndim else ()
    return float(diff.max()), float(rel.max()), tuple(int(i) for i in worst)


def close(got, expected, rtol, atol):
    got = numpy.asarray(got, dtype=numpy.float64)
    expected = numpy.asarray(expected, dtype=numpy.float64)
    return got.shape == expected.shape and bool(
        numpy.all(numpy.isfinite(got)) and numpy.allclose(got, expected, rtol=rtol, atol=atol))


def as_array(name, value):
    """The value as an array, or a verdict saying what came back instead."""
    if isinstance(value, (numpy.ndarray, numpy.generic, float, int)) and not isinstance(value, bool):
        return numpy.asarray(value)
    if isinstance(value, tuple):
        fail(_("{name} should be an array but is a tuple of {count} values").format(name=name, count=len(value)),
             N_("return one array, not several values: drop the extra ones (e.g. a history) from the return"))
    if value is None:
        fail(_("{name} should be an array but is None (did you forget to return it?)").format(name=name))
    fail(_("{name} should be an array but is {kind}").format(name=name, kind=type(value).__name__))


# What a check compares with (`against`): noun phrases, translated where a sentence shows them.
REFERENCE = N_("the reference")
EXPECTED = N_("the expected value")
OWN_FLOAT64 = N_("your own float64 result")
OWN_FLOAT64_STEPS = N_("your own float64 steps")
OWN_FLOAT64_ON_CPU = N_("your own float64 result on the CPU")


def compare(name, got, expected, rtol=1e-6, atol=1e-8, mistakes=(), dtype=None, against=REFERENCE):
    """Fail unless `got` matches `expected`; `mistakes` are (wrong_value, hint) pairs
    recognised when the submission's result equals one of them. `against` names what
    `expected` is in the message (one of the noun phrases above, or another marked with N_)."""
    got = as_array(name, got)
    expected = numpy.asarray(expected)
    if got.shape != expected.shape:
        hint = recognise(got, mistakes, rtol, atol)
        fail(_("{name} has shape {got}, expected {expected}").format(name=name, got=got.shape, expected=expected.shape),
             hint)
    if dtype is not None and got.dtype != numpy.dtype(dtype):
        fail(_("{name} is {got}, expected {expected} (keep the dtype of the inputs)").format(
            name=name, got=got.dtype, expected=numpy.dtype(dtype)),
             DTYPE_HINT if numpy.dtype(dtype) == numpy.float32 else None)
    if close(got, expected, rtol, atol):
        return
    if not numpy.all(numpy.isfinite(got.astype(numpy.float64))):
        bad = int(numpy.sum(~numpy.isfinite(got.astype(numpy.float64))))
        fail(_("{name} contains {count} non-finite value(s) (nan or inf) where {against} is finite").format(
            name=name, count=bad, against=_(against)), recognise(got, mistakes, rtol, atol))
    fail(mismatch(name, got, expected, against), recognise(got, mistakes, rtol, atol))


def mismatch(name, got, expected, against=REFERENCE):
    """The sentence for two same-shaped arrays that disagree."""
    max_abs, max_rel, worst = errors(got, expected)
    return _("{name} differs from {against}: max abs error {max_abs:.3g}, max rel error {max_rel:.3g} "
             "(worst at index {worst}, shape {shape} as expected)").format(
        name=name, against=_(against), max_abs=max_abs, max_rel=max_rel, worst=worst, shape=numpy.shape(got))


def recognise(got, mistakes, rtol=1e-6, atol=1e-8):
    """The hint of the first known mistake `got` equals, or None."""
    got = numpy.asarray(got)
    for wrong, hint in mistakes:
        wrong = numpy.asarray(wrong)
        if wrong.shape == got.shape and close(got, wrong, max(rtol, 1e-5), max(atol, 1e-7)):
            return hint
    return None


def call_pure(target, name, *args, **kwargs):
    """target.call(name, *args): the submission's function `name` (target: the submission) or
    method `name` (target: one of its objects), failing when the call modified an array argument."""
    result, after = target.call(name, *args, keep_args=True, **kwargs)
    what = name if not hasattr(target, "type_name") else f"{target.type_name}.{name}"
    for i, (before, now) in enumerate(zip(args, after)):
        if isinstance(before, numpy.ndarray):
            now = numpy.asarray(now)
            if now.shape != before.shape or not numpy.array_equal(now, before, equal_nan=True):
                fail(_("{what} modified its argument {number}; it must only read it").format(what=what, number=i + 1),
                     MODIFIED)
    return result


MODIFIED = N_("work on a copy or compute into a new array (out = x.copy(), np.maximum(0, x), a - c) instead of "
              "writing into the argument (x[x < 0] = 0, a -= c)")


def unchanged(name, before, after):
    """Fail when a call modified an argument it should only read."""
    before, after = numpy.asarray(before), numpy.asarray(after)
    if before.shape != after.shape or not numpy.array_equal(before, after, equal_nan=True):
        fail(_("{name} was modified by the call; forward and backward must not change their arguments").format(
            name=name), MODIFIED)


def grads_in_place(kernel, name, params, x, dout):
    """Fail unless the arrays in layer.grads are the same objects after forward and backward
    (a model that collected the list earlier must see the new gradients)."""
    layer = kernel.new(name, *params)
    before = layer.ids("grads")
    layer.call("forward", x)
    layer.call("backward", dout)
    if layer.ids("grads") != before:
        fail(_("{name}.backward replaced the arrays in self.grads instead of writing into them; a model "
               "that collected the list earlier still sees the old arrays").format(name=name),
             N_("write gradients in place: self.grads[0][...] = dW"))


# Exceptions that real submissions raise for a known reason: (type, pattern of the message, hint).
_EXCEPTION_HINTS = [
    ("AttributeError", re.compile(r"'list' object has no attribute '(keys|items|values)'"),
     N_("params and grads are lists of arrays in this course (the second book's convention), not dicts: "
        "for p, g in zip(params, grads): ..., and per-parameter state in a list created on the first call")),
    ("AttributeError", re.compile(r"'NoneType' object has no attribute '(T|shape|ndim|copy|reshape|dtype)'"),
     N_("backward uses what forward saw: store it in forward (self.x = x, self.out = out) and read it back "
        "in backward")),
    ("AttributeError", re.compile(r"^'(\w+)' object has no attribute '(forward|backward|update|predict|fit|loss|"
                                  r"gradient|accuracy|numerical_gradient|plot)'$"),
     N_("the class has no method of that name: check its spelling, and that the def is indented inside the class")),
    ("ValueError", re.compile(r"could not broadcast input array from shape \((\d+),\s*(\d+)\) into shape "
                              r"\((\d+),\s*(\d+)\)"), None),  # transposed: see below
    ("AxisError", re.compile(r"axis 1 is out of bounds for array of dimension 1"),
     N_("use the last axis, axis=-1 (with keepdims=True), which works for a single vector and for a batch alike")),
    ("TypeError", re.compile(r"only (0-dimensional|size-1|length-1) arrays can be converted to Python scalars"),
     N_("x may have any shape: visit every element by its index (np.nditer(x, flags=['multi_index']), or "
        "range(x.size) on x.reshape(-1)) instead of assuming a vector")),
    ("NameError", re.compile(r"name '(\w+)' is not defined"),
     N_("a name your code uses is not defined where it runs: define it (or import it) in the notebook before the "
        "code that uses it")),
]
TRANSPOSED = N_("the gradient is transposed: dW = x.T @ dout has the shape of W (and dx = dout @ W.T the shape of x)")


def exception_hint(type_name, message):
    """The hint for an exception a submission raised, when it is a known mistake, or None."""
    text = message.split(": ", 1)[1] if message.startswith(type_name + ": ") else message
    for kind, pattern, hint in _EXCEPTION_HINTS:
        match = pattern.search(text)
        if kind == type_name and match:
            if hint is None:  # a broadcast between transposed shapes
                a, b, c, d = match.groups()
                return _(TRANSPOSED) if (a, b) == (d, c) and a != b else None
            return _(hint)
    return None
