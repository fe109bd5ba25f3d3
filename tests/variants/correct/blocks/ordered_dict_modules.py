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
# `Sequential` in the style of D2L's `MySequential`: the blocks live in an OrderedDict
# `_modules` keyed by their position as a string; `layers` is a view of it.

# %%
from collections import OrderedDict


class Sequential:
    def __init__(self, *args):
        self._modules = OrderedDict()
        for idx, module in enumerate(args):
            self._modules[str(idx)] = module
        self.params, self.grads = [], []
        for module in self._modules.values():
            self.params += module.params
            self.grads += module.grads

    @property
    def layers(self):
        return list(self._modules.values())

    def forward(self, X):
        for block in self._modules.values():
            X = block.forward(X)
        return X

    def backward(self, dout):
        for block in reversed(self._modules.values()):
            dout = block.backward(dout)
        return dout

    def __getitem__(self, idx):
        return self.layers[idx]

    def __len__(self):
        return len(self._modules)


def named_params(model, prefix=""):
    out = []
    for name, block in model._modules.items():
        if isinstance(block, Sequential):
            out.extend(named_params(block, prefix + name + "."))
        else:
            out.extend((f"{prefix}{name}.{j}", p) for j, p in enumerate(block.params))
    return out


def init_params(model, init):
    if isinstance(model, Sequential):
        for block in model.layers:
            init_params(block, init)
    elif model.params:
        init(model)
    return model


class Normal:
    def __init__(self, std=0.01):
        self.std = std

    def __call__(self, layer):
        for p in layer.params:
            if p.ndim >= 2:
                p[:] = np.random.normal(0, self.std, p.shape)
            else:
                p.fill(0)


class Constant:
    def __init__(self, value):
        self.value = value

    def __call__(self, layer):
        for p in layer.params:
            p.fill(self.value if p.ndim >= 2 else 0)


class CenteredLayer:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, X):
        return X - np.mean(X)

    def backward(self, dout):
        return dout - np.mean(dout)


class MyLinear:
    def __init__(self, in_units, units):
        self.params = [np.random.randn(in_units, units), np.random.randn(units)]
        self.grads = [np.zeros((in_units, units)), np.zeros(units)]

    def forward(self, X):
        W, b = self.params
        self.X = X
        self.linear = X @ W + b
        return np.maximum(self.linear, 0)

    def backward(self, dout):
        W, _ = self.params
        g = dout * (self.linear > 0)
        self.grads[0][...] = self.X.T @ g
        self.grads[1][...] = g.sum(axis=0)
        return g @ W.T


def tie(layer):
    twin = copy.copy(layer)
    twin.params = [p for p in layer.params]
    twin.grads = [np.zeros_like(g) for g in layer.grads]
    return twin


def remove_duplicate(params, grads):
    new_params, new_grads = [], []
    for p, g in zip(params, grads):
        for k, q in enumerate(new_params):
            if q is p:
                new_grads[k] = new_grads[k] + g
                break
        else:
            new_params.append(p)
            new_grads.append(g)
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
    with np.load(path) as data:
        for name, p in named_params(model):
            p[...] = data[name]


def _move(model, convert, memo=None):
    memo = {} if memo is None else memo

    def once(a):
        if id(a) not in memo:
            memo[id(a)] = (a, convert(a))
        return memo[id(a)][1]

    if isinstance(model, Sequential):
        for block in model.layers:
            _move(block, convert, memo)
        model.params[:] = [p for block in model.layers for p in block.params]
        model.grads[:] = [g for block in model.layers for g in block.grads]
    else:
        model.params[:] = [once(p) for p in model.params]
        model.grads[:] = [once(g) for g in model.grads]
    return model


def to_cpu(model):
    return _move(model, as_numpy)


def to_gpu(model):
    return _move(model, as_cupy)


# %%
net = Sequential(Sequential(affine(20, 64), Relu()), affine(64, 10))
print([name for name, _ in named_params(net)], len(net), net[0][0])


# %%
class LazyLinear:
    """Affine layer whose weight shape is known only at the first forward."""

    def __init__(self, units):
        self.units = units
        self.params, self.grads = [], []
        self.x = None

    def forward(self, x):
        if len(self.params) == 0:
            in_units = x.shape[-1]
            W = np.random.normal(0, 0.01, (in_units, self.units))
            b = np.zeros(self.units)
            self.params = [W, b]
            self.grads = [np.zeros_like(W), np.zeros_like(b)]
        W, b = self.params
        if x.shape[-1] != W.shape[0]:
            raise ValueError(f"expected inputs of width {W.shape[0]}, got {x.shape[-1]}")
        self.x = x
        return np.dot(x, W) + b

    def backward(self, dout):
        W, b = self.params
        self.grads[0][...] = np.dot(self.x.T, dout)
        self.grads[1][...] = np.sum(dout, axis=0)
        return np.dot(dout, W.T)
