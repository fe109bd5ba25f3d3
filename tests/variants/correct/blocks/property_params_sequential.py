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
# `Sequential.params` / `.grads` as properties computed from the layers.

# %%
class Sequential:
    """params and grads are computed from the layers on every access, so they can never go
    stale (after a layer's arrays are replaced, the container sees the new ones at once)."""

    def __init__(self, *layers):
        self.layers = list(layers)

    @property
    def params(self):
        return [p for layer in self.layers for p in layer.params]

    @property
    def grads(self):
        return [g for layer in self.layers for g in layer.grads]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

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


def convert_model(model, convert):
    seen = {}

    def move(a):
        if id(a) not in seen:
            seen[id(a)] = (a, convert(a))
        return seen[id(a)][1]

    def walk(block):
        if hasattr(block, "layers"):
            for layer in block.layers:
                walk(layer)          # containers compute their lists from the layers
        else:
            block.params[:] = [move(p) for p in block.params]
            block.grads[:] = [move(g) for g in block.grads]

    walk(model)
    return model


def to_cpu(model):
    return convert_model(model, as_numpy)


def to_gpu(model):
    return convert_model(model, as_cupy)


# %%
class LazyLinear:
    def __init__(self, units):
        self.units = units
        self.params = []
        self.grads = []

    @property
    def initialized(self):
        return bool(self.params)

    def forward(self, x):
        if not self.initialized:
            W = np.random.normal(scale=0.01, size=(x.shape[-1], self.units))
            self.params[:] = [W, np.zeros(self.units)]
            self.grads[:] = [np.zeros_like(W), np.zeros(self.units)]
        expected = self.params[0].shape[0]
        if x.shape[-1] != expected:
            raise ValueError("input width changed: %d, but the layer was built for %d" % (x.shape[-1], expected))
        self.cache = x
        return np.matmul(x, self.params[0]) + self.params[1]

    def backward(self, dout):
        np.copyto(self.grads[0], self.cache.T @ dout)
        np.copyto(self.grads[1], dout.sum(axis=0))
        return dout @ self.params[0].T


lazy = Sequential(LazyLinear(8), Relu(), LazyLinear(3))
print(lazy.forward(np.ones((2, 5))).shape, [p.shape for layer in lazy.layers for p in layer.params])
