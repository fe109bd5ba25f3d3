"""The `forward` assignment (first book, ch. 3): activation functions, softmax, the
three-layer network with fixed weights, batched inference on handwritten digits,
and a reader for the IDX files MNIST is distributed in.

Imported by the hidden checks as `reference.forward`; never by a notebook.
"""
import gzip
import struct
from pathlib import Path

import numpy
from backprop_lab_check.datasets import load_digits


# -- activations and the output layer ------------------------------------------------------

def step_function(x):
    """1 where x > 0, else 0, as integers (step(0) = 0)."""
    return (numpy.asarray(x) > 0).astype(int)


def sigmoid(x):
    with numpy.errstate(over="ignore"):  # exp(1000) = inf gives the right limit, 0
        return 1 / (1 + numpy.exp(-x))


def relu(x):
    return numpy.maximum(0, x)


def identity_function(x):
    return x


def softmax(a):
    """Softmax over the last axis; subtracting each row's maximum keeps exp finite."""
    e = numpy.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# -- the three-layer network of the book ---------------------------------------------------

def init_network():
    return {
        "W1": numpy.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]),
        "b1": numpy.array([0.1, 0.2, 0.3]),
        "W2": numpy.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        "b2": numpy.array([0.1, 0.2]),
        "W3": numpy.array([[0.1, 0.3], [0.2, 0.4]]),
        "b3": numpy.array([0.1, 0.2]),
    }


def scores(network, x, hidden=sigmoid):
    """The output layer's input a3 of the three-layer network."""
    z1 = hidden(x @ network["W1"] + network["b1"])
    z2 = hidden(z1 @ network["W2"] + network["b2"])
    return z2 @ network["W3"] + network["b3"]


def forward(network, x):
    """Sigmoid hidden layers, identity output."""
    return identity_function(scores(network, x))


def forward_trace(network, x):
    """forward's intermediate values, named as in the book: the inputs A1, A2, A3 of each
    layer's activation, the hidden outputs Z1, Z2 and the output Y."""
    trace = {"A1": x @ network["W1"] + network["b1"]}
    trace["Z1"] = sigmoid(trace["A1"])
    trace["A2"] = trace["Z1"] @ network["W2"] + network["b2"]
    trace["Z2"] = sigmoid(trace["A2"])
    trace["A3"] = trace["Z2"] @ network["W3"] + network["b3"]
    trace["Y"] = identity_function(trace["A3"])
    return trace


def predict(network, x):
    """Sigmoid hidden layers, softmax output: class probabilities."""
    return softmax(scores(network, x))


def accuracy(network, x, t, batch_size=100):
    """Fraction of the rows of x whose most probable class is the label in t."""
    hits = 0
    for i in range(0, len(x), batch_size):
        hits += int(numpy.sum(predict(network, x[i:i + batch_size]).argmax(axis=1) == t[i:i + batch_size]))
    return hits / len(x)


# -- data -------------------------------------------------------------------------------------

IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def load_idx(path):
    """The array stored in an IDX file (MNIST's format), gzip-compressed or not.

    Layout, all big-endian: two zero bytes, a type code (0x08 unsigned byte, ...),
    the number of dimensions n, n 32-bit sizes, then the values in C order.
    """
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4:
        raise ValueError(f"{path}: too short for an IDX header")
    zero, code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or code not in IDX_TYPES:
        raise ValueError(f"{path}: not an IDX file (magic number {raw[:4].hex()})")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: the header announces {ndim} dimensions but the file ends first")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = numpy.dtype(IDX_TYPES[code])
    count = int(numpy.prod(dims, dtype=numpy.int64))
    if len(raw) - header != count * dtype.itemsize:
        raise ValueError(f"{path}: {len(raw) - header} bytes of data, expected {count * dtype.itemsize} for shape {dims}")
    data = numpy.frombuffer(raw, dtype=dtype, count=count, offset=header).reshape(dims)
    return data.astype(dtype.newbyteorder("="))


def load_digits_data(normalize=True, one_hot_label=False, test_size=500, seed=0):
    """(x_train, t_train), (x_test, t_test) from the 8x8 handwritten digits, split by a
    fixed permutation; pixels scaled to [0, 1] when normalize."""
    digits = load_digits()
    x, t = digits.data, digits.target
    if normalize:
        x = x / 16.0
    if one_hot_label:
        t = numpy.eye(10, dtype=int)[t]
    order = numpy.random.RandomState(seed).permutation(len(x))
    train, test = order[:-test_size], order[-test_size:]
    return (x[train], t[train]), (x[test], t[test])


def digits_network(x_train, t_train, hidden=(50, 100), seed=0, ridge=1e-3):
    """A 64-50-100-10 network for the digits: random sigmoid layers, output layer fitted by
    regularised least squares to one-hot targets (a closed-form stand-in for training)."""
    rng = numpy.random.RandomState(seed)
    h1, h2 = hidden
    network = {"W1": 0.3 * rng.randn(x_train.shape[1], h1), "b1": 0.3 * rng.randn(h1),
               "W2": 0.5 * rng.randn(h1, h2), "b2": 0.5 * rng.randn(h2)}
    z2 = sigmoid(sigmoid(x_train @ network["W1"] + network["b1"]) @ network["W2"] + network["b2"])
    Z = numpy.hstack([z2, numpy.ones((len(z2), 1))])
    T = numpy.eye(10)[t_train]
    A = numpy.linalg.solve(Z.T @ Z + ridge * numpy.eye(Z.shape[1]), Z.T @ T)
    network["W3"], network["b3"] = A[:-1], A[-1]
    return network
