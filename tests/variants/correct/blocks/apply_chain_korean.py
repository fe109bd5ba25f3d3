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
# ## 블록 과제
# - `Sequential.apply(fn)` 으로 모든 계층에 초기화 함수를 적용한다 (파이토치의 `net.apply`)
# - 묶인(tied) 매개변수는 같은 배열 객체를 공유하고, 기울기는 따로 가진다
# - 저장은 float16, 불러올 때는 기존 배열에 덮어쓴다

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


def _walk(block, path):
    for i, layer in enumerate(block.layers):
        if hasattr(layer, "layers"):
            yield from _walk(layer, path + [str(i)])
        else:
            for j, p in enumerate(layer.params):
                yield ".".join(path + [str(i), str(j)]), p


def named_params(model):
    return list(_walk(model, []))


def init_params(model, init):
    if hasattr(model, "layers"):
        model.apply(init)
    elif model.params:
        init(model)
    return model


class Normal:
    def __init__(self, std=0.01):
        self.std = std

    def __call__(self, layer):
        for p in layer.params:
            if p.ndim >= 2:
                np.copyto(p, np.random.normal(0.0, self.std, size=p.shape))
            else:
                p.fill(0)


class Constant:
    def __init__(self, value):
        self.value = value

    def __call__(self, layer):
        for p in layer.params:
            np.copyto(p, self.value if p.ndim >= 2 else 0)


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
    """deepcopy with a memo that maps every parameter array to itself: the arrays are shared,
    everything else (cache, gradient arrays, lists) is a fresh copy."""
    memo = {id(p): p for p in layer.params}
    twin = copy.deepcopy(layer, memo)
    for g in twin.grads:
        g[...] = 0
    return twin


def remove_duplicate(params, grads):
    params, grads = params[:], grads[:]
    while True:
        found = False
        for i in range(len(params) - 1):
            for j in range(i + 1, len(params)):
                if params[i] is params[j]:
                    grads[i] = grads[i] + grads[j]
                    params.pop(j)
                    grads.pop(j)
                    found = True
                    break
            if found:
                break
        if not found:
            return params, grads


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
    arrays = {}
    for name, p in named_params(model):
        arrays[name] = as_numpy(p).astype(np.float16)
    np.savez_compressed(path, **arrays)


def load_params(model, path):
    with np.load(path) as data:
        for name, p in named_params(model):
            np.copyto(p, array_module(p).asarray(data[name]))


def convert_model(model, convert):
    seen = {}

    def move(a):
        key = id(a)
        if key not in seen:
            seen[key] = (a, convert(a))
        return seen[key][1]

    def walk(block):
        if hasattr(block, "layers"):
            for layer in block.layers:
                walk(layer)
            block.params[:] = [p for layer in block.layers for p in layer.params]
            block.grads[:] = [g for layer in block.layers for g in layer.grads]
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
