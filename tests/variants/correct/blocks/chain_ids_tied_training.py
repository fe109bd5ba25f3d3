# %%
%matplotlib inline
import copy
import os
import tempfile
import time
import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

# %%
try:
    import cupy
    cupy.zeros(1)  # a GPU must answer, not only the package be installed
except Exception:
    cupy = None


def array_module(x):
    """cupy for CuPy arrays, numpy for everything else."""
    return cupy.get_array_module(x) if cupy is not None else np


def as_numpy(a):
    """The array on the host (a NumPy array is returned as it is)."""
    return cupy.asnumpy(a) if cupy is not None and isinstance(a, cupy.ndarray) else np.asarray(a)


def as_cupy(a):
    """The array on the GPU; needs CuPy."""
    if cupy is None:
        raise RuntimeError("CuPy with a working GPU is needed to move arrays to the GPU")
    return cupy.asarray(a)


class Affine:
    def __init__(self, W, b):
        xp = array_module(W)
        self.params = [W, b]
        self.grads = [xp.zeros_like(W), xp.zeros_like(b)]
        self.x = None

    def forward(self, x):
        W, b = self.params
        self.x = x
        return x @ W + b

    def backward(self, dout):
        W, b = self.params
        self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return dout @ W.T


class Relu:
    def __init__(self):
        self.params, self.grads = [], []
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0
        return dx


class SoftmaxWithLoss:
    """Mean cross-entropy of softmax(x) against integer labels t."""

    def __init__(self):
        self.params, self.grads = [], []
        self.y = self.t = None

    def forward(self, x, t):
        xp = array_module(x)
        e = xp.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        self.t = t
        n = len(x)
        return float(-xp.log(self.y[xp.arange(n), t] + 1e-7).mean())

    def backward(self, dout=1):
        xp = array_module(self.y)
        n = len(self.y)
        dx = self.y.copy()
        dx[xp.arange(n), self.t] -= 1
        return dx * (dout / n)


def numerical_gradient(f, x, h=1e-5):
    """Central differences of the scalar f() with respect to every entry of x (perturbed in place)."""
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
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
    """|a - b| / max(1e-8, |a| + |b|) with Frobenius norms."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(b)))


def affine(m, n, rng=np.random):
    """An Affine(m -> n) layer with small random weights and zero biases."""
    return Affine(0.1 * rng.standard_normal((m, n)), np.zeros(n))


# %% [markdown]
# Parameters collected with `itertools.chain`; at the end a network with a tied layer is trained
# on the digits and checkpointed.

# %%
import itertools


class Sequential:
    def __init__(self, *layers):
        self.layers = list(layers)
        self.params = list(itertools.chain.from_iterable(layer.params for layer in self.layers))
        self.grads = list(itertools.chain.from_iterable(layer.grads for layer in self.layers))

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def apply(self, fn):
        """Call fn on every leaf layer that has parameters (like net.apply in PyTorch)."""
        for layer in self.layers:
            if hasattr(layer, "apply") and hasattr(layer, "layers"):
                layer.apply(fn)
            elif layer.params:
                fn(layer)
        return self

    def __getitem__(self, index):
        return self.layers[index]

    def __len__(self):
        return len(self.layers)


def named_params(model, prefix=""):
    result = []
    for i, layer in enumerate(model.layers):
        name = prefix + str(i)
        if hasattr(layer, "layers"):
            result += named_params(layer, name + ".")
        else:
            for j, p in enumerate(layer.params):
                result.append((name + "." + str(j), p))
    return result


def init_params(model, init):
    layers = getattr(model, "layers", None)
    if layers is None:
        if model.params:
            init(model)
    else:
        for layer in layers:
            init_params(layer, init)
    return model


class Normal:
    def __init__(self, std=0.01):
        self.std = std

    def __call__(self, layer):
        for p in layer.params:
            if len(p.shape) > 1:
                p[...] = self.std * np.random.randn(*p.shape)
            else:
                p[...] = 0.0


class Constant:
    def __init__(self, value):
        self.value = value

    def __call__(self, layer):
        for p in layer.params:
            p *= 0
            if len(p.shape) > 1:
                p += self.value


# %%
class CenteredLayer:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        return x - np.mean(x)

    def backward(self, dout):
        return dout - np.mean(dout)


class MyLinear:
    def __init__(self, in_units, units):
        self.params = [np.random.randn(in_units, units), np.random.randn(units)]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.cache = None

    def forward(self, x):
        W, b = self.params
        z = np.dot(x, W) + b
        self.cache = (x, z)
        return np.maximum(z, 0)

    def backward(self, dout):
        x, z = self.cache
        W, _ = self.params
        g = np.where(z > 0, dout, 0.0)
        self.grads[0][...] = np.dot(x.T, g)
        self.grads[1][...] = np.sum(g, axis=0)
        return np.dot(g, W.T)


# %%
def tie(layer):
    twin = copy.copy(layer)                       # shallow: same arrays, but...
    twin.params = list(layer.params)              # ...its own list
    twin.grads = [np.zeros_like(g) for g in layer.grads]   # ...and its own gradients
    return twin


def remove_duplicate(params, grads):
    """Keep the first occurrence of every array (by identity); add up the gradients."""
    position = {}
    new_params, new_grads = [], []
    for p, g in zip(params, grads):
        k = position.get(id(p))
        if k is None:
            position[id(p)] = len(new_params)
            new_params.append(p)
            new_grads.append(g)
        else:
            new_grads[k] = new_grads[k] + g
    return new_params, new_grads


# %%
class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter = 0
        self.m = self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = [array_module(p).zeros_like(p) for p in params]
            self.v = [array_module(p).zeros_like(p) for p in params]
        self.iter += 1
        lr_t = self.lr * (1.0 - self.beta2 ** self.iter) ** 0.5 / (1.0 - self.beta1 ** self.iter)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            xp = array_module(p)
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            p -= lr_t * m / (xp.sqrt(v) + 1e-7)


def step(model, optimizer):
    """One update of every distinct parameter array of model."""
    params, grads = remove_duplicate(model.params, model.grads)
    optimizer.update(params, grads)


# %%
def save_params(model, path):
    np.savez(path, **{name: as_numpy(p).astype(np.float16) for name, p in named_params(model)})


def load_params(model, path):
    data = np.load(path)
    try:
        for name, p in named_params(model):
            p[...] = array_module(p).asarray(data[name])
    finally:
        data.close()


def _leaves(block):
    if hasattr(block, "layers"):
        for layer in block.layers:
            yield from _leaves(layer)
    else:
        yield block


def _containers(block):
    if hasattr(block, "layers"):
        for layer in block.layers:
            yield from _containers(layer)
        yield block                     # children first, then the container itself


def _to(model, convert):
    # pass 1: convert every distinct array once (the original stays referenced in the memo)
    memo = {}
    for leaf in _leaves(model):
        for a in list(leaf.params) + list(leaf.grads):
            if id(a) not in memo:
                memo[id(a)] = (a, convert(a))
    # pass 2: swap them in, keeping every list object
    for leaf in _leaves(model):
        leaf.params[:] = [memo[id(a)][1] for a in leaf.params]
        leaf.grads[:] = [memo[id(a)][1] for a in leaf.grads]
    for block in _containers(model):
        block.params[:] = [p for layer in block.layers for p in layer.params]
        block.grads[:] = [g for layer in block.layers for g in layer.grads]
    return model


def to_cpu(model):
    return _to(model, as_numpy)


def to_gpu(model):
    if cupy is None:
        raise RuntimeError("to_gpu needs CuPy and a GPU")
    return _to(model, as_cupy)


# %%
digits = load_digits()
order = np.random.RandomState(0).permutation(len(digits.data))
X_all, y_all = digits.data[order] / 16.0, digits.target[order]
X_train, y_train, X_test, y_test = X_all[:1200], y_all[:1200], X_all[1200:], y_all[1200:]
rng = np.random.default_rng(0)
hidden = affine(32, 32, rng)
model = Sequential(affine(64, 32, rng), Relu(), hidden, Relu(), tie(hidden), Relu(), affine(32, 10, rng))
loss_layer, optimizer = SoftmaxWithLoss(), Adam(lr=0.01)
for epoch in range(10):
    perm = np.random.permutation(len(X_train))
    for i in range(0, len(X_train), 64):
        b = perm[i:i + 64]
        loss_layer.forward(model.forward(X_train[b]), y_train[b])
        model.backward(loss_layer.backward())
        step(model, optimizer)
print("test accuracy", float((model.forward(X_test).argmax(axis=1) == y_test).mean()))
path = os.path.join(tempfile.mkdtemp(), "tied.npz")
save_params(model, path)
print(os.path.getsize(path), "bytes")


# %%
class LazyLinear:
    def __init__(self, units):
        self.units = units
        self.in_units = None  # set by the first input
        self.params, self.grads = [], []

    def _build(self, in_units):
        self.in_units = in_units
        self.params.append(0.01 * np.random.randn(in_units, self.units))
        self.params.append(np.zeros(self.units))
        self.grads.extend(np.zeros_like(p) for p in self.params)

    def forward(self, x):
        if self.in_units is None:
            self._build(x.shape[1])
        elif x.shape[1] != self.in_units:
            raise ValueError(f"LazyLinear: built for {self.in_units} features, got {x.shape[1]}")
        self.x = x
        return x @ self.params[0] + self.params[1]

    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return dout @ self.params[0].T
