"""The emulated device against real CuPy: one table of what the course's code does with arrays
(promotions of Python and NumPy scalars against float32 arrays, integer and boolean arrays,
matrix products, reductions, indexing, in-place updates, creation, random draws, and the
host/device border), run on the emulation (`grader/runtime/fakecupy.py`, everywhere, CI
included) and on CuPy (when a GPU is there: `make gpu-check`).

Each operation must come out as CuPy gives it: the same place (a device array, a host array,
a Python scalar), dtype and shape, the same values (float32 within 1e-5 relative), or the same
kind of exception. What CuPy gives is written down once, as NumPy's own result moved to the
device (CuPy's promise, with NumPy 2's promotion rules of NEP 50: Python scalars are weak,
NumPy scalars and 0-d arrays are not), or, at the host/device border, as the exception CuPy
raises. The same expectation is asserted of both libraries, so on a GPU a failure names the
one that departs from it."""
import dataclasses

import numpy
import pytest

from grader.judge.device import gpu_status
from grader.runtime import fakecupy

RNG = numpy.random.default_rng(0)
A = RNG.standard_normal((3, 4)).astype(numpy.float32)          # activations
B = RNG.standard_normal((4, 2)).astype(numpy.float32)          # weights
W64 = RNG.standard_normal((4, 2))                              # float64 weights
LABELS = numpy.array([0, 3, 1])                                # int64 labels
ONE_HOT = numpy.eye(4, dtype=numpy.int32)[LABELS]              # int32 one-hot targets
COUNTS = numpy.arange(12, dtype=numpy.int32).reshape(3, 4)


def dev(xp, host):
    """A fresh copy of `host` on the device of `xp` (NumPy itself for the expectation)."""
    return xp.array(host)


def to_host(xp, x):
    return x.copy() if xp is numpy else xp.asnumpy(x)


def in_place(xp, update):
    """A float32 array after `update(xp, array)` changed it in place."""
    x = dev(xp, A)
    update(xp, x)
    return x


def _add(x, y):
    x += y


def _sub(x, y):
    x -= y


def _mul(x, y):
    x *= y


def _set(x, key, value):
    x[key] = value


def _scatter_minus_one(xp, x):
    x[xp.arange(3), dev(xp, LABELS)] -= 1


OPERATIONS = [
    # Python scalars are weak: float32 stays float32
    ("float32 * python float", lambda xp: dev(xp, A) * 0.5),
    ("float32 * python int", lambda xp: dev(xp, A) * 3),
    ("python float - float32", lambda xp: 1.0 - dev(xp, A)),
    ("float32 / python int", lambda xp: dev(xp, A) / 3),
    ("float32 ** 2", lambda xp: dev(xp, A) ** 2),
    ("float32 ** 0.5 of abs", lambda xp: abs(dev(xp, A)) ** 0.5),
    # NumPy scalars and 0-d arrays are strong (NEP 50): float64 wins
    ("float32 * numpy.float64", lambda xp: dev(xp, A) * numpy.float64(0.5)),
    ("numpy.float64 - float32", lambda xp: numpy.float64(1.0) - dev(xp, A)),
    ("float32 * numpy.float32", lambda xp: dev(xp, A) * numpy.float32(0.5)),
    ("float32 * numpy.int64", lambda xp: dev(xp, A) * numpy.int64(2)),
    ("float32 * 0-d float64 array", lambda xp: dev(xp, A) * xp.asarray(0.5)),
    ("float32 * float64 sum", lambda xp: dev(xp, A) * dev(xp, W64).sum()),
    ("sqrt of numpy.float64 * float32", lambda xp: xp.sqrt(numpy.float64(2.0)) * dev(xp, A)),
    # integer and boolean arrays
    ("float32 - int32 one-hot", lambda xp: dev(xp, A) - dev(xp, ONE_HOT)),
    ("float32 * bool mask", lambda xp: dev(xp, A) * (dev(xp, A) > 0)),
    ("int32 / python int", lambda xp: dev(xp, COUNTS) / 2),
    ("int32 // python int", lambda xp: dev(xp, COUNTS) // 2),
    ("int32 * python float", lambda xp: dev(xp, COUNTS) * 0.5),
    ("int32 one-hot to float32", lambda xp: dev(xp, ONE_HOT).astype(xp.float32)),
    # element-wise functions
    ("exp of float32", lambda xp: xp.exp(-dev(xp, A))),
    ("log of float32", lambda xp: xp.log(abs(dev(xp, A)) + 1e-7)),
    ("exp of int32", lambda xp: xp.exp(dev(xp, ONE_HOT))),
    ("tanh derivative", lambda xp: 1.0 - xp.tanh(dev(xp, A)) ** 2),
    ("maximum with 0", lambda xp: xp.maximum(0, dev(xp, A))),
    ("minimum with python float", lambda xp: xp.minimum(dev(xp, A), 0.1)),
    ("where with python 0", lambda xp: xp.where(dev(xp, A) > 0, dev(xp, A), 0)),
    ("clip", lambda xp: xp.clip(dev(xp, A), 1e-7, 1 - 1e-7)),
    ("sigmoid", lambda xp: 1 / (1 + xp.exp(-dev(xp, A)))),
    # matrix products
    ("float32 @ float32", lambda xp: dev(xp, A) @ dev(xp, B)),
    ("dot of a transpose", lambda xp: xp.dot(dev(xp, A).T, dev(xp, A))),
    ("matmul function", lambda xp: xp.matmul(dev(xp, A), dev(xp, B))),
    ("float32 @ float64", lambda xp: dev(xp, A) @ dev(xp, W64)),
    # reductions: 0-d device arrays, never NumPy scalars
    ("sum", lambda xp: dev(xp, A).sum()),
    ("sum axis 0", lambda xp: dev(xp, A).sum(axis=0)),
    ("sum keepdims", lambda xp: dev(xp, A).sum(axis=1, keepdims=True)),
    ("mean", lambda xp: dev(xp, A).mean()),
    ("max minus max keepdims", lambda xp: dev(xp, A) - dev(xp, A).max(axis=-1, keepdims=True)),
    ("argmax axis 1", lambda xp: dev(xp, A).argmax(axis=1)),
    ("argmax of all", lambda xp: dev(xp, A).argmax()),
    ("sum of int32", lambda xp: dev(xp, COUNTS).sum()),
    ("sum of bool", lambda xp: (dev(xp, A) > 0).sum()),
    ("accuracy", lambda xp: (dev(xp, A).argmax(axis=1) == dev(xp, LABELS)).mean()),
    ("sum function of a square", lambda xp: xp.sum(dev(xp, A) * dev(xp, A))),
    ("norm", lambda xp: xp.linalg.norm(dev(xp, A))),
    ("cross-entropy", lambda xp: -xp.log(xp.abs(dev(xp, A)[xp.arange(3), dev(xp, LABELS)]) + 1e-7).sum() / 3),
    # creation
    ("zeros default dtype", lambda xp: xp.zeros((2, 3))),
    ("zeros float32", lambda xp: xp.zeros((2, 3), dtype=xp.float32)),
    ("zeros_like float32", lambda xp: xp.zeros_like(dev(xp, A))),
    ("ones_like int32", lambda xp: xp.ones_like(dev(xp, COUNTS))),
    ("full float32", lambda xp: xp.full((2,), 0.5, dtype=xp.float32)),
    ("arange", lambda xp: xp.arange(5)),
    ("eye one-hot", lambda xp: xp.eye(4)[dev(xp, LABELS)]),
    ("array of a list of ints", lambda xp: xp.array([1, 2])),
    ("asarray of a list of floats", lambda xp: xp.asarray([0.5, 1.5])),
    ("asarray of a host float32 array", lambda xp: xp.asarray(A)),
    ("astype float64", lambda xp: dev(xp, A).astype(xp.float64)),
    ("repeat and tile", lambda xp: xp.tile(xp.repeat(dev(xp, A), 2, axis=0), (1, 2))),
    # indexing and views
    ("picked by labels", lambda xp: dev(xp, A)[xp.arange(3), dev(xp, LABELS)]),
    ("picked by host labels", lambda xp: dev(xp, A)[numpy.arange(3), LABELS]),
    ("boolean mask", lambda xp: dev(xp, A)[dev(xp, A) > 0]),
    ("column and transpose", lambda xp: dev(xp, A)[:, 1] + dev(xp, A).T[1]),
    ("new axis", lambda xp: dev(xp, A)[0][:, None]),
    ("flatten and reshape", lambda xp: dev(xp, A).flatten().reshape(6, 2)),
    ("batch by permutation", lambda xp: dev(xp, A)[dev(xp, numpy.array([2, 0, 1]))]),
    # in place
    ("float32 -= python float * float32", lambda xp: in_place(xp, lambda xp, x: _sub(x, 0.1 * dev(xp, A)))),
    ("float32 += float64 array", lambda xp: in_place(xp, lambda xp, x: _add(x, dev(xp, A).astype(xp.float64)))),
    ("float32 *= numpy.float64", lambda xp: in_place(xp, lambda xp, x: _mul(x, numpy.float64(0.9)))),
    ("int32 += python float", lambda xp: _add(dev(xp, COUNTS), 0.5)),
    ("mask set to 0", lambda xp: in_place(xp, lambda xp, x: _set(x, x <= 0, 0))),
    ("row of a view", lambda xp: in_place(xp, lambda xp, x: _add(x[1], 100))),
    ("scatter minus one", lambda xp: in_place(xp, _scatter_minus_one)),
    ("set by host index arrays", lambda xp: in_place(xp, lambda xp, x: _set(x, numpy.array([0, 2]), numpy.ones(4)))),
    ("set all to a numpy.float32", lambda xp: in_place(xp, lambda xp, x: _set(x, Ellipsis, numpy.float32(2)))),
    # NumPy's functions dispatch to the device
    ("numpy.exp of a device array", lambda xp: numpy.exp(dev(xp, A))),
    ("numpy.zeros_like of a device array", lambda xp: numpy.zeros_like(dev(xp, A))),
    ("numpy.sum of a device array", lambda xp: numpy.sum(dev(xp, A), axis=0)),
    ("numpy.maximum of a device array", lambda xp: numpy.maximum(dev(xp, A), 0)),
    # to Python and to the host, explicitly
    ("float of a sum", lambda xp: float(dev(xp, A).sum())),
    ("int of an argmax", lambda xp: int(dev(xp, A).argmax())),
    ("item", lambda xp: dev(xp, A)[0, 1].item()),
    ("len", lambda xp: len(dev(xp, A))),
    ("bool of a comparison", lambda xp: bool(dev(xp, A).sum() > -100)),
    ("asnumpy", lambda xp: to_host(xp, dev(xp, A) * 2)),
]

HOST_RESULTS = {"asnumpy"}  # what comes back on the host, not the device

# The host/device border: CuPy refuses, NumPy (the expectation) has no border to refuse at.
BORDER = [
    ("float32 + host array", TypeError, lambda xp: dev(xp, A) + A),
    ("float32 - host array", TypeError, lambda xp: dev(xp, A) - A),
    ("float32 / host array", TypeError, lambda xp: dev(xp, A) / A),
    ("float32 ** host array", TypeError, lambda xp: dev(xp, A) ** A),
    ("float32 @ host array", TypeError, lambda xp: dev(xp, A) @ B),
    ("float32 == host array", TypeError, lambda xp: dev(xp, A) == A),
    ("float32 < host array", TypeError, lambda xp: dev(xp, A) < A),
    ("numpy.exp of device + host", TypeError, lambda xp: numpy.exp(dev(xp, A)) + numpy.exp(A)),
    ("host array + float32", TypeError, lambda xp: A + dev(xp, A)),
    ("host array @ float32", TypeError, lambda xp: A @ dev(xp, B)),
    ("host random draw * device array", TypeError, lambda xp: numpy.random.randn(3, 4) * dev(xp, A)),
    ("device array + list", TypeError, lambda xp: dev(xp, A)[0] + [1.0, 2.0, 3.0, 4.0]),
    ("numpy.asarray of a device array", TypeError, lambda xp: numpy.asarray(dev(xp, A))),
    ("numpy.array of a device array", TypeError, lambda xp: numpy.array(dev(xp, A))),
    ("host array[...] = device array", TypeError, lambda xp: _set(numpy.zeros(4, numpy.float32), Ellipsis, dev(xp, A)[0])),
    ("device array += host array", TypeError, lambda xp: _add(dev(xp, A), A)),
    ("device array[...] = host array", ValueError, lambda xp: _set(dev(xp, A), Ellipsis, A)),
    ("numpy.dot(host, device)", TypeError, lambda xp: numpy.dot(A, dev(xp, B))),
    ("hash of a device array", TypeError, lambda xp: hash(dev(xp, A))),
]

# Random draws: CuPy's generator draws other numbers than NumPy's; their place, dtype and
# shape must still agree.
RANDOM = [
    ("randn", lambda xp: xp.random.randn(2, 3)),
    ("rand", lambda xp: xp.random.rand(4)),
    ("randn scaled to float32", lambda xp: (0.01 * xp.random.randn(4, 3)).astype(xp.float32)),
    ("permutation", lambda xp: xp.random.permutation(5)),
    ("choice", lambda xp: xp.random.choice(10, 3)),
    ("normal", lambda xp: xp.random.normal(0, 2, size=(2,))),
    ("uniform", lambda xp: xp.random.uniform(-1, 1, 3)),
    ("randn of no shape", lambda xp: xp.random.randn()),  # NumPy: a Python float; CuPy: a 0-d array
    ("RandomState", lambda xp: xp.random.RandomState(7).randn(3)),
    ("default_rng standard_normal", lambda xp: xp.random.default_rng(0).standard_normal((2, 2))),
    ("default_rng integers", lambda xp: xp.random.default_rng(0).integers(0, 10, size=3)),
]

DRAWN_AS_ARRAYS = {"randn of no shape"}

FAMILIES = (TypeError, ValueError, IndexError, AttributeError, ArithmeticError)


@dataclasses.dataclass
class Outcome:
    """What one operation gave: where it lives, its dtype and shape, its values, or the kind
    of exception it raised."""
    place: str                 # "device", "host", "python" or "raised"
    dtype: str = ""
    shape: tuple = ()
    values: object = None      # on the host, for comparing
    raised: str = ""

    def differences(self, expected, compare_values=True):
        mine = (self.place, self.dtype, self.shape, self.raised)
        theirs = (expected.place, expected.dtype, expected.shape, expected.raised)
        if mine != theirs:
            return [f"got {self.describe()}, expected {expected.describe()}"]
        if compare_values and self.values is not None:
            tolerance = {"float32": 1e-5, "float16": 1e-3}.get(self.dtype, 1e-12)
            try:
                numpy.testing.assert_allclose(self.values, expected.values, rtol=tolerance, atol=tolerance)
            except AssertionError as error:
                return [f"values differ: {error}"]
        return []

    def describe(self):
        if self.place == "raised":
            return f"{self.raised} raised"
        return f"{self.place} {self.dtype} {self.shape}".strip()


def outcome(operation, xp, device):
    """Run `operation(xp)`; `device` says whether xp's arrays live on a device."""
    try:
        value = operation(xp)
    except FAMILIES as error:
        return Outcome("raised", raised=next(f.__name__ for f in FAMILIES if isinstance(error, f)))
    if device and isinstance(value, xp.ndarray):
        return Outcome("device", str(value.dtype), tuple(value.shape), xp.asnumpy(value))
    if isinstance(value, (numpy.ndarray, numpy.generic)):  # before float: numpy.float64 is one
        return Outcome("host", str(value.dtype), tuple(numpy.shape(value)), numpy.asarray(value))
    if isinstance(value, (bool, int, float)):
        return Outcome("python", type(value).__name__, values=numpy.asarray(value))
    return Outcome(type(value).__name__)


def expected(name, operation):
    """CuPy's promise: NumPy's result, on the device (a NumPy scalar becomes a 0-d array)."""
    want = outcome(operation, numpy, device=False)
    if want.place == "host" and name not in HOST_RESULTS:
        want.place = "device"
    if name in DRAWN_AS_ARRAYS:
        want = Outcome("device", "float64", ())
    return want


def implementations():
    reason = gpu_status()
    return [pytest.param("emulated", id="emulated"),
            pytest.param("cupy", id="cupy", marks=pytest.mark.skipif(reason is not None, reason=str(reason)))]


@pytest.fixture(params=implementations())
def xp(request):
    if request.param == "emulated":
        fakecupy._take_promotions()
        yield fakecupy
        fakecupy._take_promotions()
    else:
        import cupy
        yield cupy


def params(table):
    return [pytest.param(*row, id=row[0]) for row in table]


@pytest.mark.parametrize("name, operation", params(OPERATIONS))
def test_an_operation_gives_what_numpy_gives_on_the_device(xp, name, operation):
    assert outcome(operation, xp, device=True).differences(expected(name, operation)) == []


@pytest.mark.parametrize("name, error, operation", params(BORDER))
def test_the_host_device_border_is_refused(xp, name, error, operation):
    got = outcome(operation, xp, device=True)
    assert got.differences(Outcome("raised", raised=error.__name__)) == []


@pytest.mark.parametrize("name, operation", params(RANDOM))
def test_random_draws_have_numpys_dtype_and_shape_on_the_device(xp, name, operation):
    assert outcome(operation, xp, device=True).differences(expected(name, operation), compare_values=False) == []


def test_the_module_surface_the_course_uses(xp):
    x = xp.asarray(A)
    assert xp.get_array_module(x) is xp and xp.get_array_module(A) is numpy
    assert xp.float32 is numpy.float32 and xp.newaxis is None and xp.ndarray is type(x)
    assert xp.cuda.runtime.getDeviceCount() >= 1
    xp.cuda.Device(0).synchronize()
    assert isinstance(x.get(), numpy.ndarray) and xp.asarray(x) is x
    assert x.device.id == 0 and x.nbytes == A.nbytes and x.size == A.size and x.ndim == 2
    assert xp.is_available() and xp.cuda.is_available()
    xp.cuda.Stream.null.synchronize()
    xp.testing.assert_allclose(x, A)
    with pytest.raises(AttributeError):
        xp.nditer  # neither has one
