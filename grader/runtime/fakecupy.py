"""An emulated CuPy for machines without a GPU: NumPy arrays behind CuPy's manners.

The grader binds a submission's `np` to this module (or to the real CuPy when a GPU
is there) to run the device checks. Arrays live in `ndarray` wrappers around NumPy
arrays, compute with NumPy (so dtypes and values are exactly NumPy's), and keep
CuPy's rules for the host/device border:

- no implicit conversion to NumPy: `numpy.asarray(x)`, `x.__array__()`, plotting or
  writing a device array into a NumPy array raise the TypeError CuPy raises; `.get()`
  and `asnumpy` convert explicitly;
- no mixing: arithmetic between a device array and a `numpy.ndarray` raises TypeError
  (Python numbers and NumPy scalars are fine, as in CuPy); NumPy index arrays are
  accepted, as CuPy copies them to the device;
- NumPy's functions dispatch to this module (`numpy.exp(x)`, `numpy.zeros_like(x)`
  return device arrays), as CuPy's `__array_ufunc__`/`__array_function__` do;
- reductions and scalar indexing return 0-d device arrays, never NumPy scalars.

It also does what CuPy cannot: it notices silent float64 promotions (an arithmetic
operation with a float32/float16 array operand whose result is float64, such as
`np.float64(1.0) - y` or `y - one_hot_int32`) and records where in the submission
they happened; the grader reads them with `_take_promotions()`.

`random` draws from NumPy's global generator (CuPy has its own), so a seeded run is
reproducible on both sides. Only the subset of CuPy the course uses is here.
Runs inside the sandboxed worker: stdlib and NumPy only.
"""
import builtins
import linecache
import sys
import types

import numpy

__version__ = "emulated"
__emulates__ = "cupy"  # how reference/backend.py recognises these arrays

_IMPLICIT = ("Implicit conversion to a NumPy array is not allowed. "
             "Please use `.get()` to construct a NumPy array explicitly.")
_LOW = frozenset([numpy.dtype(numpy.float16), numpy.dtype(numpy.float32)])
_MAX_PROMOTIONS = 20
_promotions = {}  # description -> times seen, in the order first seen

# dtypes and constants are NumPy's own, as in CuPy
bool_, int8, int16, int32, int64 = numpy.bool_, numpy.int8, numpy.int16, numpy.int32, numpy.int64
uint8, uint16, uint32, uint64 = numpy.uint8, numpy.uint16, numpy.uint32, numpy.uint64
float16, float32, float64 = numpy.float16, numpy.float32, numpy.float64
complex64, complex128 = numpy.complex64, numpy.complex128
int_, intp, intc, half, single, double = numpy.int_, numpy.intp, numpy.intc, numpy.half, numpy.single, numpy.double
dtype, finfo, iinfo = numpy.dtype, numpy.finfo, numpy.iinfo
number, integer, floating, signedinteger, unsignedinteger, generic = (
    numpy.number, numpy.integer, numpy.floating, numpy.signedinteger, numpy.unsignedinteger, numpy.generic)
issubdtype, result_type, can_cast, promote_types, isscalar = (
    numpy.issubdtype, numpy.result_type, numpy.can_cast, numpy.promote_types, numpy.isscalar)
newaxis, pi, e, inf, nan = None, numpy.pi, numpy.e, numpy.inf, numpy.nan


# -- the border between host and device -----------------------------------------------

def _refuse(value):
    raise TypeError(f"Unsupported type {type(value)}")


def _operand(value):
    """An operand of arithmetic: device arrays and scalars, never host arrays or lists."""
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, numpy.ndarray) or isinstance(value, (list, tuple)):
        _refuse(value)
    return value


def _arg(value):
    """An argument of a module function: device arrays (also inside lists and tuples),
    scalars, dtypes, shapes; host arrays are refused."""
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, numpy.ndarray):
        _refuse(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_arg(v) for v in value)
    return value


def _host_tree(value):
    """Data given to array()/asarray(): a device array's contents are taken as they are
    (an explicit copy), host arrays and nested lists are copied to the device."""
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, (list, tuple)):
        return [_host_tree(v) for v in value]
    return value


def _index(key):
    if isinstance(key, ndarray):
        return key._a
    if isinstance(key, tuple):
        return tuple(k._a if isinstance(k, ndarray) else k for k in key)
    return key


def _advanced(key):
    keys = key if isinstance(key, tuple) else (key,)
    return builtins.any(isinstance(k, (numpy.ndarray, list)) for k in keys)


def _wrap(result, like=None):
    if like is not None and result is like._a:
        return like
    if isinstance(result, numpy.ndarray):
        return ndarray._of(result)
    if isinstance(result, (numpy.generic, bool)):
        return ndarray._of(numpy.asarray(result))
    if isinstance(result, tuple):
        return tuple(_wrap(r) for r in result)
    if isinstance(result, list):
        return [_wrap(r) for r in result]
    return result


# -- silent float64 promotions --------------------------------------------------------

def _describe(value):
    if isinstance(value, ndarray):
        return f"{value.dtype} {'0-d ' if value.ndim == 0 else ''}array"
    if isinstance(value, numpy.generic):
        return f"numpy.{type(value).__name__} scalar"
    return f"Python {type(value).__name__}"


def _where():
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith("<code cell"):
            line = linecache.getline(name, frame.f_lineno).strip()
            return f" at {name.strip('<>')}, line {frame.f_lineno}" + (f": {line}" if line else "")
        frame = frame.f_back
    return ""


def _trace(symbol, operands, raw):
    """Record an arithmetic operation that turns float32 operands into float64."""
    low = [v._a.dtype.itemsize for v in operands if isinstance(v, ndarray) and v._a.dtype in _LOW]
    if not low:
        return
    try:
        promoted = numpy.result_type(*raw)
    except TypeError:
        return
    if promoted.kind in "fc" and promoted.itemsize > builtins.max(low):
        left = f" {symbol} ".join(_describe(v) for v in operands) if len(operands) > 1 else \
            f"{symbol}({_describe(operands[0])})"
        found = f"{left} -> {promoted}{_where()}"
        if found in _promotions or len(_promotions) < _MAX_PROMOTIONS:
            _promotions[found] = _promotions.get(found, 0) + 1


def _take_promotions():
    """The distinct promotions recorded since the last call, first seen first (and forget them)."""
    found = list(_promotions)
    _promotions.clear()
    return found


# -- ndarray --------------------------------------------------------------------------

def _binary(ufunc, symbol):
    def op(self, other):
        raw = _operand(other)
        _trace(symbol, (self, other), (self._a, raw))
        return _wrap(ufunc(self._a, raw))

    def rop(self, other):
        raw = _operand(other)
        _trace(symbol, (other, self), (raw, self._a))
        return _wrap(ufunc(raw, self._a))

    def iop(self, other):
        raw = _operand(other)
        _trace(symbol + "=", (self, other), (self._a, raw))
        ufunc(self._a, raw, out=self._a)
        return self

    return op, rop, iop


def _compare(ufunc):
    def op(self, other):
        if other is None or isinstance(other, (str, bytes)):
            return NotImplemented
        return _wrap(ufunc(self._a, _operand(other)))
    return op


def _method(name):
    def method(self, *args, **kwargs):
        out = kwargs.get("out")
        if out is not None:
            kwargs["out"] = _arg(out)
        result = getattr(self._a, name)(*[_arg(a) for a in args],
                                        **{k: v if k == "out" else _arg(v) for k, v in kwargs.items()})
        return out if out is not None else _wrap(result, like=self)
    method.__name__ = name
    method.__qualname__ = f"ndarray.{name}"
    return method


class ndarray:
    """A device array: a NumPy array that refuses to meet NumPy arrays."""

    __slots__ = ("_a", "__weakref__")
    __array_priority__ = 100.0
    __hash__ = None

    def __init__(self, shape, dtype=float, memptr=None, strides=None, order="C"):
        self._a = numpy.empty(shape, dtype=dtype, order=order)

    @classmethod
    def _of(cls, array):
        obj = object.__new__(cls)
        obj._a = array
        return obj

    # the border
    def __array__(self, dtype=None, copy=None):
        raise TypeError(_IMPLICIT)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        impl = _UFUNCS.get(ufunc.__name__)
        if method != "__call__" or impl is None:
            return NotImplemented
        if isinstance(kwargs.get("out"), tuple):
            (kwargs["out"],) = kwargs["out"]
        return impl(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        module = sys.modules[__name__]
        for part in func.__module__.split(".")[1:]:
            module = getattr(module, part, None)
        impl = getattr(module, func.__name__, None)
        if impl is None or impl is func:
            return NotImplemented
        return impl(*args, **kwargs)

    def get(self, stream=None, order="C", out=None):
        if out is not None:
            out[...] = self._a
            return out
        return numpy.array(self._a, order=order, copy=True)

    def set(self, arr, stream=None):
        if not isinstance(arr, numpy.ndarray):
            raise TypeError(f"Only numpy.ndarray can be set to cupy.ndarray (got {type(arr)})")
        if arr.shape != self._a.shape:
            raise ValueError("Shape mismatch")
        self._a[...] = arr

    # attributes
    shape = property(lambda self: self._a.shape)

    @shape.setter
    def shape(self, value):
        self._a.shape = value

    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    dtype = property(lambda self: self._a.dtype)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    T = property(lambda self: ndarray._of(self._a.T))
    device = property(lambda self: cuda.Device(0))

    # Python protocols
    def __len__(self):
        return len(self._a)

    def __iter__(self):
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(len(self._a)))

    def __bool__(self):
        return bool(self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __index__(self):
        return self._a.__index__()

    def __complex__(self):
        return complex(self._a)

    def __repr__(self):
        return repr(self._a)

    def __str__(self):
        return str(self._a)

    def __format__(self, spec):
        return format(self._a[()] if self._a.ndim == 0 else self._a, spec)

    def __copy__(self):
        return ndarray._of(self._a.copy())

    def __deepcopy__(self, memo):
        return ndarray._of(self._a.copy())

    def __reduce__(self):
        return (array, (self._a.copy(),))

    def __getitem__(self, key):
        return _wrap(self._a[_index(key)])

    def __setitem__(self, key, value):
        key = _index(key)
        if isinstance(value, ndarray):
            value = value._a
        elif isinstance(value, numpy.ndarray) and value.ndim > 0 and not _advanced(key):
            raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
        self._a[key] = value

    # arithmetic
    __add__, __radd__, __iadd__ = _binary(numpy.add, "+")
    __sub__, __rsub__, __isub__ = _binary(numpy.subtract, "-")
    __mul__, __rmul__, __imul__ = _binary(numpy.multiply, "*")
    __truediv__, __rtruediv__, __itruediv__ = _binary(numpy.true_divide, "/")
    __floordiv__, __rfloordiv__, __ifloordiv__ = _binary(numpy.floor_divide, "//")
    __mod__, __rmod__, __imod__ = _binary(numpy.remainder, "%")
    __pow__, __rpow__, __ipow__ = _binary(numpy.power, "**")
    __matmul__, __rmatmul__, __imatmul__ = _binary(numpy.matmul, "@")
    __and__, __rand__, __iand__ = _binary(numpy.bitwise_and, "&")
    __or__, __ror__, __ior__ = _binary(numpy.bitwise_or, "|")
    __xor__, __rxor__, __ixor__ = _binary(numpy.bitwise_xor, "^")
    __eq__ = _compare(numpy.equal)
    __ne__ = _compare(numpy.not_equal)
    __lt__ = _compare(numpy.less)
    __le__ = _compare(numpy.less_equal)
    __gt__ = _compare(numpy.greater)
    __ge__ = _compare(numpy.greater_equal)

    def __neg__(self):
        return ndarray._of(-self._a)

    def __pos__(self):
        return ndarray._of(+self._a)

    def __abs__(self):
        return ndarray._of(numpy.absolute(self._a))

    def __invert__(self):
        return ndarray._of(~self._a)

    # methods returning host values, on explicit request
    def item(self, *args):
        return self._a.item(*args)

    def tolist(self):
        return self._a.tolist()

    def astype(self, dtype, order="K", casting=None, subok=None, copy=True):
        result = self._a.astype(dtype, order=order, copy=copy)
        return self if result is self._a else ndarray._of(result)

    def copy(self, order="C"):
        return ndarray._of(self._a.copy(order=order))

    def view(self, dtype=None):
        return ndarray._of(self._a.view() if dtype is None else self._a.view(dtype))

    def dot(self, b, out=None):
        return dot(self, b, out=out)

    def reshape(self, *shape, order="C"):
        return ndarray._of(self._a.reshape(*shape, order=order))

    def transpose(self, *axes):
        return ndarray._of(self._a.transpose(*axes))


for _name in ("sum", "max", "min", "mean", "argmax", "argmin", "prod", "std", "var", "cumsum",
              "cumprod", "any", "all", "flatten", "ravel", "squeeze", "swapaxes", "clip", "round",
              "repeat", "take", "nonzero", "argsort", "sort", "fill", "diagonal", "trace", "conj"):
    setattr(ndarray, _name, _method(_name))


# -- module functions -----------------------------------------------------------------

def _elementwise(name, symbol=None):
    """A traced NumPy ufunc-like function on device arrays."""
    fn = getattr(numpy, name)

    def impl(*args, out=None, **kwargs):
        raw = [_operand(a) for a in args]
        if symbol is not None:
            _trace(symbol, args, raw)
        if out is not None:
            if not isinstance(out, ndarray):
                _refuse(out)
            fn(*raw, out=out._a, **{k: _arg(v) for k, v in kwargs.items()})
            return out
        return _wrap(fn(*raw, **{k: _arg(v) for k, v in kwargs.items()}))

    impl.__name__ = impl.__qualname__ = name
    impl.__doc__ = f"Device version of numpy.{name}."
    return impl


def _function(name, source=numpy):
    """A NumPy function applied to device arrays, results back on the device."""
    fn = getattr(source, name)

    def impl(*args, **kwargs):
        out = kwargs.get("out")
        if out is not None:
            if not isinstance(out, ndarray):
                _refuse(out)
            kwargs["out"] = out._a
        result = fn(*[_arg(a) for a in args], **{k: v if k == "out" else _arg(v) for k, v in kwargs.items()})
        return out if out is not None else _wrap(result)

    impl.__name__ = impl.__qualname__ = name
    impl.__doc__ = f"Device version of {source.__name__}.{name}."
    return impl


_ARITHMETIC = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/", "true_divide": "/",
               "floor_divide": "//", "power": "**", "remainder": "%", "mod": "%", "maximum": "maximum",
               "minimum": "minimum", "fmax": "fmax", "fmin": "fmin", "matmul": "@", "dot": "dot",
               "inner": "inner", "outer": "outer", "hypot": "hypot", "arctan2": "arctan2",
               "logaddexp": "logaddexp", "logaddexp2": "logaddexp2", "heaviside": "heaviside"}
_UNARY = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "square", "cbrt", "tanh",
          "sinh", "cosh", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "absolute", "fabs", "sign",
          "negative", "positive", "reciprocal", "floor", "ceil", "rint", "trunc", "isnan", "isinf",
          "isfinite", "logical_not", "signbit"]
_LOGICAL = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
            "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor"]
_UFUNCS = {}
for _name, _symbol in _ARITHMETIC.items():
    _UFUNCS[_name] = globals()[_name] = _elementwise(_name, _symbol)
for _name in _UNARY + _LOGICAL:
    _UFUNCS[_name] = globals()[_name] = _elementwise(_name)
abs = absolute  # noqa: A001  (CuPy's name too)
_UFUNCS["abs"] = abs
_UFUNCS["divide"] = _UFUNCS["true_divide"]

for _name in ("sum", "mean", "max", "min", "amax", "amin", "argmax", "argmin", "prod", "std", "var",
              "cumsum", "cumprod", "all", "any", "count_nonzero", "average", "median", "reshape",
              "transpose", "concatenate", "stack", "vstack", "hstack", "dstack", "column_stack",
              "expand_dims", "squeeze", "repeat", "tile", "broadcast_to", "flip", "fliplr", "flipud",
              "swapaxes", "moveaxis", "ravel", "split", "array_split", "sort", "argsort", "unique",
              "nonzero", "argwhere", "flatnonzero", "take", "take_along_axis", "diag", "diagonal",
              "trace", "einsum", "tensordot", "round", "around", "copy", "isclose", "allclose",
              "array_equal", "meshgrid", "linspace", "logspace", "searchsorted", "clip", "cross",
              "triu", "tril", "roll", "pad", "histogram", "bincount", "atleast_1d", "atleast_2d",
              "nan_to_num", "cov", "corrcoef", "kron", "diff", "ptp", "shape", "ndim", "size"):
    if hasattr(numpy, _name):
        globals()[_name] = _function(_name)


def copyto(dst, src, casting="same_kind", where=True):
    """cupy.copyto: into a device array, from a device array or a Python or NumPy scalar."""
    if not isinstance(dst, ndarray):
        raise TypeError(f"dst must be a cupy.ndarray, not {type(dst).__name__}")
    raw = _operand(src)
    _trace("copyto", (dst, src), (dst._a, raw))
    numpy.copyto(dst._a, raw, casting=casting, where=_operand(where))


def where(condition, x=None, y=None):
    if x is None and y is None:
        return _wrap(numpy.where(_operand(condition)))
    raw = (_operand(condition), _operand(x), _operand(y))
    _trace("where", (x, y), raw[1:])
    return _wrap(numpy.where(*raw))


# creation

def array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0):
    if isinstance(obj, ndarray) and not copy and (dtype is None or numpy.dtype(dtype) == obj.dtype):
        return obj
    return ndarray._of(numpy.array(_host_tree(obj), dtype=dtype, copy=True, order=order, ndmin=ndmin))


def asarray(a, dtype=None, order=None):
    if isinstance(a, ndarray):
        return a if dtype is None or numpy.dtype(dtype) == a.dtype else a.astype(dtype)
    return ndarray._of(numpy.array(_host_tree(a), dtype=dtype, order=order or "K", copy=True))


asanyarray = asarray


def ascontiguousarray(a, dtype=None):
    return ndarray._of(numpy.ascontiguousarray(_host_tree(a), dtype=dtype))


def asnumpy(a, stream=None, order="C", out=None):
    """An explicit copy to the host."""
    if isinstance(a, ndarray):
        return a.get(order=order, out=out)
    return numpy.asarray(a, order=order)


def get_array_module(*args):
    for arg in args:
        if isinstance(arg, ndarray):
            return sys.modules[__name__]
    return numpy


def _creation(name):
    fn = getattr(numpy, name)

    def impl(*args, **kwargs):
        return ndarray._of(fn(*args, **kwargs))

    impl.__name__ = impl.__qualname__ = name
    return impl


for _name in ("zeros", "ones", "empty", "full", "eye", "identity", "arange", "tri"):
    globals()[_name] = _creation(_name)


def _like(name):
    fn = getattr(numpy, name)

    def impl(a, *args, **kwargs):
        source = a._a if isinstance(a, ndarray) else numpy.asarray(a)
        return ndarray._of(fn(source, *args, **kwargs))

    impl.__name__ = impl.__qualname__ = name
    return impl


for _name in ("zeros_like", "ones_like", "empty_like", "full_like"):
    globals()[_name] = _like(_name)


def fuse(*args, **kwargs):
    """cupy.fuse: kernel fusion; here the function itself."""
    if args and callable(args[0]) and len(args) == 1 and not kwargs:
        return args[0]
    return lambda fn: fn


def is_available():
    return True


# -- submodules -----------------------------------------------------------------------

def _submodule(name, doc):
    module = types.ModuleType(f"{__name__}.{name}", doc)
    sys.modules[module.__name__] = module
    return module


linalg = _submodule("linalg", "Device versions of numpy.linalg functions.")
for _name in ("norm", "inv", "pinv", "solve", "det", "slogdet", "svd", "qr", "eigh", "eigvalsh",
              "cholesky", "lstsq", "matrix_power", "matrix_rank"):
    setattr(linalg, _name, _function(_name, numpy.linalg))

testing = _submodule("testing", "cupy.testing: NumPy's assertions, reading device arrays explicitly.")


def _testing(name):
    fn = getattr(numpy.testing, name)

    def impl(*args, **kwargs):
        return fn(*[asnumpy(a) if isinstance(a, ndarray) else a for a in args], **kwargs)

    impl.__name__ = name
    return impl


for _name in ("assert_allclose", "assert_array_equal", "assert_array_almost_equal", "assert_equal",
              "assert_array_less"):
    setattr(testing, _name, _testing(_name))


random = _submodule("random", "Random numbers on the device, drawn from NumPy's global generator.")


def _cast(values, dtype):
    values = numpy.asarray(values)
    return ndarray._of(values if dtype is None else values.astype(dtype, copy=False))


class RandomState:
    """cupy.random.RandomState: NumPy's generator, results on the device."""

    def __init__(self, seed=None):
        self._rs = numpy.random.RandomState(seed)

    def seed(self, seed=None):
        self._rs.seed(seed)

    def rand(self, *size, dtype=float):
        return _cast(self._rs.random_sample(size), dtype)

    def randn(self, *size, dtype=float):
        return _cast(self._rs.standard_normal(size), dtype)

    def random_sample(self, size=None, dtype=float):
        return _cast(self._rs.random_sample(size), dtype)

    random = random_sample

    def standard_normal(self, size=None, dtype=float):
        return _cast(self._rs.standard_normal(size), dtype)

    def normal(self, loc=0.0, scale=1.0, size=None, dtype=float):
        return _cast(self._rs.normal(_operand(loc), _operand(scale), size), dtype)

    def uniform(self, low=0.0, high=1.0, size=None, dtype=float):
        return _cast(self._rs.uniform(_operand(low), _operand(high), size), dtype)

    def randint(self, low, high=None, size=None, dtype=int):
        return _cast(self._rs.randint(low, high, size), dtype)

    def permutation(self, x):
        if isinstance(x, ndarray):
            return ndarray._of(self._rs.permutation(x._a))
        if isinstance(x, numpy.ndarray):
            _refuse(x)
        return ndarray._of(self._rs.permutation(x))

    def shuffle(self, x):
        if not isinstance(x, ndarray):
            raise TypeError("The array must be cupy.ndarray")
        self._rs.shuffle(x._a)

    def choice(self, a, size=None, replace=True, p=None):
        a = a if isinstance(a, int) else _operand(a)
        p = None if p is None else _operand(p)
        return ndarray._of(numpy.asarray(self._rs.choice(a, size, replace, p)))


class _Generator:
    """cupy.random.Generator (from default_rng): NumPy's Generator, results on the device."""

    def __init__(self, seed=None):
        self._g = numpy.random.default_rng(seed)

    def random(self, size=None, dtype=numpy.float64, out=None):
        return _cast(self._g.random(size), dtype)

    def standard_normal(self, size=None, dtype=numpy.float64, out=None):
        return _cast(self._g.standard_normal(size), dtype)

    def normal(self, loc=0.0, scale=1.0, size=None):
        return _cast(self._g.normal(_operand(loc), _operand(scale), size), None)

    def uniform(self, low=0.0, high=1.0, size=None, dtype=numpy.float64):
        return _cast(self._g.uniform(_operand(low), _operand(high), size), dtype)

    def integers(self, low, high=None, size=None, dtype=numpy.int64, endpoint=False):
        return _cast(self._g.integers(low, high, size, dtype=dtype, endpoint=endpoint), None)

    def exponential(self, scale=1.0, size=None, dtype=numpy.float64):
        return _cast(self._g.exponential(_operand(scale), size), dtype)

    def permutation(self, x):
        if isinstance(x, numpy.ndarray):
            _refuse(x)
        return ndarray._of(self._g.permutation(x._a if isinstance(x, ndarray) else x))

    def shuffle(self, x):
        if not isinstance(x, ndarray):
            raise TypeError("The array must be cupy.ndarray")
        self._g.shuffle(x._a)

    def choice(self, a, size=None, replace=True, p=None):
        a = a if isinstance(a, int) else _operand(a)
        return ndarray._of(numpy.asarray(self._g.choice(a, size, replace, None if p is None else _operand(p))))


def _default_rng(seed=None):
    """cupy.random.default_rng."""
    return _Generator(seed if not isinstance(seed, ndarray) else int(seed))


class _GlobalState(RandomState):
    def __init__(self):
        self._rs = numpy.random.mtrand._rand  # the generator numpy.random.seed seeds


_global = _GlobalState()
random.RandomState = RandomState
random.Generator, random.default_rng = _Generator, _default_rng
for _name in ("seed", "rand", "randn", "random_sample", "random", "standard_normal", "normal",
              "uniform", "randint", "permutation", "shuffle", "choice"):
    setattr(random, _name, getattr(_global, _name))


cuda = _submodule("cuda", "A stand-in for cupy.cuda: one emulated device.")


class _Device:
    def __init__(self, device=None):
        self.id = int(device or 0)
        self.compute_capability = "emulated"

    def synchronize(self):
        pass

    def use(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return f"<CUDA Device {self.id} (emulated)>"


class _Stream:
    def synchronize(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_Stream.null = _Stream()


class _MemoryPool:
    def used_bytes(self):
        return 0

    def total_bytes(self):
        return 0

    def free_all_blocks(self):
        pass


_pool = _MemoryPool()
cuda.Device = _Device
cuda.Stream = _Stream
cuda.is_available = is_available
cuda.get_current_stream = lambda: _Stream.null
cuda.MemoryPool = _MemoryPool
cuda.runtime = types.SimpleNamespace(
    getDeviceCount=lambda: 1,
    getDeviceProperties=lambda device=0: {"name": b"emulated device (NumPy on the CPU)"},
    deviceSynchronize=lambda: None)


def get_default_memory_pool():
    return _pool


def get_default_pinned_memory_pool():
    return _pool
