"""The judge<->worker wire format: length-prefixed JSON plus raw array buffers.

No pickle anywhere: values are None, bools, ints, floats, strings, lists, tuples,
str-keyed dicts, NumPy arrays and scalars of plain numeric dtypes, and opaque
handles to objects that stay in the worker. Arrays travel as their raw bytes
described by (dtype, shape) and are rebuilt with `numpy.frombuffer`, so decoding
never runs code. Every frame is size-checked before it is read.

This module is copied into the worker's sandbox: stdlib and NumPy only.
"""
import json
import os
import select
import struct
import time

import numpy

MAX_HEADER_BYTES = 4 << 20
MAX_MESSAGE_BYTES = 256 << 20
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
            if isinstance(v, str) and len(v) > MAX_STRING_CHARS:
                v = v[:MAX_STRING_CHARS] + "...[truncated]"
            return v
        if isinstance(v, int):
            if abs(v) >= 2 ** 63:
                raise ProtocolError("integer too large")
            return v
        if isinstance(v, float):
            return v if v == v and abs(v) != float("inf") else {"__float__": repr(v)}
        if isinstance(v, (numpy.ndarray, numpy.generic)):
            arr = numpy.asarray(v)  # subclasses travel as plain bytes of the base class
            dtype = arr.dtype.name
            if dtype not in ALLOWED_DTYPES:
                raise ProtocolError(f"arrays of dtype {arr.dtype} cannot be sent")
            data = numpy.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
            buffers.append(data)
            key = "__scalar__" if isinstance(v, numpy.generic) else "__array__"
            return {key: len(buffers) - 1, "dtype": dtype, "shape": list(arr.shape), "nbytes": len(data)}
        if isinstance(v, tuple) and type(v) is tuple:
            return {"__tuple__": [enc(x, depth + 1) for x in v]}
        if isinstance(v, list) and type(v) is list:
            return [enc(x, depth + 1) for x in v]
        if isinstance(v, dict) and type(v) is dict and all(type(k) is str for k in v):
            return {"__dict__": {k: enc(x, depth + 1) for k, x in v.items()}}
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
        return arr[()] if "__scalar__" in node else arr

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


def write_frame(fd, value, register_handle=None):
    header, buffers = encode(value, register_handle)
    payload = sum(len(b) for b in buffers)
    if len(header) > MAX_HEADER_BYTES or payload > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message too large ({len(header) + payload} bytes)")
    sizes = json.dumps([len(b) for b in buffers]).encode()
    _write_all(fd, _PREFIX.pack(len(header), payload) + struct.pack(">I", len(sizes)) + sizes + header)
    for buf in buffers:
        _write_all(fd, buf)


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


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
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
