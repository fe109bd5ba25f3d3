"""Activation and loss functions (first book, ch. 3-4), dtype-preserving."""
from .backend import array_module


def sigmoid(x):
    xp = array_module(x)
    return 1 / (1 + xp.exp(-x))


def relu(x):
    xp = array_module(x)
    return xp.maximum(x, 0)


def softmax(x):
    """Softmax over the last axis; subtracting the max keeps exp from overflowing."""
    xp = array_module(x)
    shifted = x - x.max(axis=-1, keepdims=True)
    e = xp.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def labels_of(t):
    """Class labels from either labels (N,) or one-hot targets (N, C)."""
    return t.argmax(axis=-1) if t.ndim > 1 else t


def cross_entropy_error(y, t):
    """Mean cross entropy of probabilities `y` (N, C) against labels or one-hot `t`."""
    xp = array_module(y)
    if y.ndim == 1:
        y = y.reshape(1, -1)
        t = t.reshape(1, -1) if t.ndim == 1 and t.size == y.size else t.reshape(1)
    labels = labels_of(t)
    n = y.shape[0]
    eps = 1e-7
    picked = y[xp.arange(n), labels]
    return -xp.log(picked + eps).sum() / n
