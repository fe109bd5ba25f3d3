"""The judge<->worker wire format: length-prefixed JSON plus raw array buffers.

No pickle anywhere: values are None, bools, ints, floats, strings, lists, tuples,
str-keyed dicts, NumPy arrays and scalars of plain numeric dtypes, and opaque
handles to objects that stay in the worker. Arrays travel as their raw bytes
described by (dtype, shape) and are rebuilt with `numpy.frombuffer`, so decoding
never runs code. Every frame is size-checked before it is read.

Arrays that live on a device (CuPy, or its emulation in fakecupy.py) travel the
same way with a `device` flag: the worker copies them to the host explicitly, the
judge rebuilds them as `DeviceArray`, a plain NumPy array whose type says where the
data lives; a `DeviceArray` the judge sends lands on the worker's device.

This module is copied into the worker's sandbox: stdlib and NumPy only.
"""
import json
import os
import select
import struct
import time

import numpy

MAX_HEADER_BYTES = 4 << 20
MAX_MESSAGE_BYTES = 32 << 20  # array data per frame; the checks need at most ~2 MB, and the judge
# holds about four copies of a reply while decoding it (docs/security.md)
MAX_STRING_CHARS = 100_000
ALLOWED_DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float16", "float32", "float64"])
_PREFIX = struct.Struct(">IQ")  # header length, payload length


class ProtocolError(Exception):
    """A frame that is malformed, too large, or carries a value we refuse."""


class ChannelClosed(ProtocolError):
    """The other side went away (worker died or closed its end)."""


class ChannelTimeout(ProtocolError):
    """No complete frame arrived before the deadline."""


class DeviceArray(numpy.ndarray):
    """The judge's copy of an array that lives on the worker's device: in a reply, data
    that was a device array there; in a request, data to put on the device. Built by the
    judge from raw bytes like any array; only its type differs."""


def on_device(array):
    """`array` marked to be sent to the worker's device."""
    return numpy.array(array, copy=True).view(DeviceArray)


_device = None  # worker side: (device array type, to_host, to_device) once a device is used


def use_device(array_type, to_host, to_device):
    """Worker side: encode `array_type` as device arrays (copied with `to_host`) and
    decode device-flagged arrays with `to_device`."""
    global _device
    _device = (array_type, to_host, to_device)


class Handle:
    """A reference to an object that lives in the worker (never its contents)."""

    __slots__ = ("id", "type_name")

    def __init__(self, id, type_name=""):
        self.id = int(id)
        self.type_name = str(type_name)

    def __repr__(self):
        return f"<handle {self.id}: {self.type_name}>"


def encode(value, register_handle=None):
    """Turn `value` into (json_bytes, [buffers]). Unknown objects become handles
    when `register_handle` is given (worker side), else they are refused."""
    buffers = []

    def enc(v, depth=0):
        if depth > 20:
            raise ProtocolError("value nested too deeply")
        if v is None or isinstance(v, (bool, str)):
            # Strings from the worker are cut; the judge's own (a cell's source) never are.
            if isinstance(v, str) and len(v) > MAX_STRING_CHARS and register_handle is not None:
                v = v[:MAX_STRING_CHARS] + "...[truncated]"
            return v
        if isinstance(v, int):
            if abs(v) >= 2 ** 63:
                raise ProtocolError("integer too large")
            return v
        if isinstance(v, float):
            # float(v): NumPy 2 spells a float64 nan 'np.float64(nan)'
            return v if v == v and abs(v) != float("inf") else {"__float__": repr(float(v))}
        device = isinstance(v, DeviceArray)
        if _device is not None and isinstance(v, _device[0]):
            v, device = _device[1](v), True  # an explicit copy from the device
            if not isinstance(v, numpy.ndarray):
                raise ProtocolError("the device returned no array")
        if isinstance(v, (numpy.ndarray, numpy.generic)):
            arr = numpy.asarray(v)  # subclasses travel as plain bytes of the base class
            dtype = arr.dtype.name
            if dtype not in ALLOWED_DTYPES:
                raise ProtocolError(f"arrays of dtype {arr.dtype} cannot be sent")
            data = numpy.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
            buffers.append(data)
            key = "__scalar__" if isinstance(v, numpy.generic) else "__array__"
            node = {key: len(buffers) - 1, "dtype": dtype, "shape": list(arr.shape), "nbytes": len(data)}
            if device:
                node["device"] = True
            return node
        # Subclasses (an OrderedDict of parameters, a namedtuple) travel as the plain container.
        if isinstance(v, tuple):
            return {"__tuple__": [enc(x, depth + 1) for x in tuple.__iter__(v)]}
        if isinstance(v, list):
            return [enc(x, depth + 1) for x in list.__iter__(v)]
        if isinstance(v, dict) and all(type(k) is str for k in dict.keys(v)):
            return {"__dict__": {k: enc(dict.__getitem__(v, k), depth + 1) for k in dict.keys(v)}}
        if isinstance(v, Handle):
            return {"__handle__": v.id, "type": v.type_name}
        if register_handle is not None:
            return {"__handle__": register_handle(v), "type": type(v).__name__[:200]}
        raise ProtocolError(f"cannot send a value of type {type(v).__name__}")

    header = json.dumps(enc(value), allow_nan=False).encode()
    return header, buffers


def decode(header_bytes, buffers, resolve_handle=None):
    """Inverse of `encode`; arrays are rebuilt from raw bytes, never unpickled."""
    try:
        tree = json.loads(header_bytes)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"malformed header: {exc}") from None

    def array_from(node):
        idx, dtype, shape = node.get("__array__", node.get("__scalar__")), node.get("dtype"), node.get("shape")
        if dtype not in ALLOWED_DTYPES or not isinstance(idx, int) or not 0 <= idx < len(buffers):
            raise ProtocolError("bad array descriptor")
        if not isinstance(shape, list) or not all(isinstance(s, int) and s >= 0 for s in shape):
            raise ProtocolError("bad array shape")
        dt = numpy.dtype(dtype).newbyteorder("<")
        data = buffers[idx]
        if int(numpy.prod(shape, dtype=numpy.int64)) * dt.itemsize != len(data):
            raise ProtocolError("array size does not match its buffer")
        arr = numpy.frombuffer(data, dtype=dt).reshape(shape).astype(numpy.dtype(dtype), copy=True)
        if "__scalar__" in node:
            return arr[()]
        device = node.get("device", False)
        if device is not False and device is not True:
            raise ProtocolError("bad device flag")
        if device:
            return _device[2](arr) if _device is not None else arr.view(DeviceArray)
        return arr

    def dec(node, depth=0):
        if depth > 22:
            raise ProtocolError("value nested too deeply")
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [dec(x, depth + 1) for x in node]
        if not isinstance(node, dict):
            raise ProtocolError("unexpected JSON value")
        if "__array__" in node or "__scalar__" in node:
            return array_from(node)
        if "__float__" in node:
            text = node["__float__"]
            if text not in ("nan", "inf", "-inf"):
                raise ProtocolError("bad float")
            return float(text)
        if "__tuple__" in node:
            return tuple(dec(x, depth + 1) for x in node["__tuple__"])
        if "__dict__" in node:
            return {str(k): dec(x, depth + 1) for k, x in node["__dict__"].items()}
        if "__handle__" in node:
            handle = Handle(node["__handle__"], node.get("type", ""))
            return resolve_handle(handle) if resolve_handle else handle
        raise ProtocolError("unknown JSON object")

    return dec(tree)


def write_frame(fd, value, register_handle=None, deadline=None):
    header, buffers = encode(value, register_handle)
    payload = sum(len(b) for b in buffers)
    if len(header) > MAX_HEADER_BYTES or payload > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message too large ({len(header) + payload} bytes)")
    sizes = json.dumps([len(b) for b in buffers]).encode()
    _write_all(fd, _PREFIX.pack(len(header), payload) + struct.pack(">I", len(sizes)) + sizes + header, deadline)
    for buf in buffers:
        _write_all(fd, buf, deadline)


def read_frame(fd, deadline=None, resolve_handle=None):
    header_len, payload = _PREFIX.unpack(_read_exact(fd, _PREFIX.size, deadline))
    if header_len > MAX_HEADER_BYTES or payload > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message too large ({header_len + payload} bytes)")
    (sizes_len,) = struct.unpack(">I", _read_exact(fd, 4, deadline))
    if sizes_len > MAX_HEADER_BYTES:
        raise ProtocolError("buffer table too large")
    try:
        sizes = json.loads(_read_exact(fd, sizes_len, deadline))
    except ValueError:
        raise ProtocolError("malformed buffer table") from None
    if not isinstance(sizes, list) or not all(isinstance(s, int) and s >= 0 for s in sizes) \
            or sum(sizes) != payload:
        raise ProtocolError("buffer table does not match the payload size")
    header = _read_exact(fd, header_len, deadline)
    buffers = [_read_exact(fd, n, deadline) for n in sizes]
    return decode(header, buffers, resolve_handle)


def _write_all(fd, data, deadline=None):
    """With a deadline (the judge, whose end is non-blocking), a worker that stops
    reading cannot block the judge past it."""
    view = memoryview(data)
    while view:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [fd], [], left)[1]:
                raise ChannelTimeout("timed out writing to the worker")
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            continue
        view = view[written:]


def _read_exact(fd, n, deadline):
    chunks, remaining = [], n
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise ChannelTimeout("timed out waiting for the worker")
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise ChannelClosed("the worker closed the channel")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
