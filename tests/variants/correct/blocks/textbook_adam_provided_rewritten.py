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
# Same solutions as the second book's style, with the provided Adam rewritten in textbook form.

# %% [markdown]
# ## 1-2. Sequential, parameter access and initialisation

# %%
class Sequential:
    def __init__(self, *layers):
        self.layers = list(layers)
        self.params, self.grads = [], []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

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
    named = []
    for i, layer in enumerate(model.layers):
        if hasattr(layer, "layers"):
            named += named_params(layer, prefix + str(i) + ".")
        else:
            for j, p in enumerate(layer.params):
                named.append((prefix + str(i) + "." + str(j), p))
    return named


def init_params(model, init):
    if hasattr(model, "layers"):
        for layer in model.layers:
            init_params(layer, init)
    elif len(model.params) > 0:
        init(model)
    return model


class Normal:
    def __init__(self, std=0.01):
        self.std = std

    def __call__(self, layer):
        for p in layer.params:
            if p.ndim >= 2:
                p[...] = np.random.normal(0, self.std, p.shape)
            else:
                p[...] = 0


class Constant:
    def __init__(self, value):
        self.value = value

    def __call__(self, layer):
        for p in layer.params:
            p[...] = self.value if p.ndim >= 2 else 0


# %% [markdown]
# ## 3. Custom layers

# %%
class CenteredLayer:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        return x - x.mean()

    def backward(self, dout):
        return dout - dout.mean()


class MyLinear:
    def __init__(self, in_units, units):
        W = np.random.randn(in_units, units)
        b = np.random.randn(units)
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None
        self.mask = None

    def forward(self, x):
        W, b = self.params
        out = np.dot(x, W) + b
        self.x = x
        self.mask = out > 0
        return out * self.mask

    def backward(self, dout):
        W, b = self.params
        dout = dout * self.mask
        self.grads[0][...] = np.dot(self.x.T, dout)
        self.grads[1][...] = np.sum(dout, axis=0)
        return np.dot(dout, W.T)


# %% [markdown]
# ## 4. Tied parameters: the second book's remove_duplicate (without the transpose case)

# %%
def tie(layer):
    twin = copy.copy(layer)
    twin.params = list(layer.params)
    twin.grads = [array_module(g).zeros_like(g) for g in layer.grads]
    return twin


def remove_duplicate(params, grads):
    '''
    パラメータ配列中の重複する重みをひとつに集約し、
    その重みに対応する勾配を加算する
    '''
    params, grads = params[:], grads[:]  # copy list

    while True:
        find_flg = False
        L = len(params)

        for i in range(0, L - 1):
            for j in range(i + 1, L):
                # 重みを共有する場合
                if params[i] is params[j]:
                    grads[i] += grads[j]  # 勾配の加算
                    find_flg = True
                    params.pop(j)
                    grads.pop(j)

                if find_flg: break
            if find_flg: break

        if not find_flg: break

    return params, grads


# %%
class Adam:
    """I rewrote the provided Adam in the textbook form (Kingma & Ba), which the optimizers
    notebook accepts as equally correct: bias-corrected moments, eps outside the square root."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter = 0
        self.m = self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = [array_module(p).zeros_like(p) for p in params]
            self.v = [array_module(p).zeros_like(p) for p in params]
        self.iter += 1
        for p, g, m, v in zip(params, grads, self.m, self.v):
            xp = array_module(p)
            m[...] = self.beta1 * m + (1 - self.beta1) * g
            v[...] = self.beta2 * v + (1 - self.beta2) * g * g
            m_hat = m / (1 - self.beta1 ** self.iter)
            v_hat = v / (1 - self.beta2 ** self.iter)
            p -= self.lr * m_hat / (xp.sqrt(v_hat) + 1e-7)


def step(model, optimizer):
    """One update of every distinct parameter array of model."""
    params, grads = remove_duplicate(model.params, model.grads)
    optimizer.update(params, grads)


# %% [markdown]
# ## 5-6. Saving, loading, host and device

# %%
def save_params(model, path):
    params = {name: as_numpy(p).astype(np.float16) for name, p in named_params(model)}
    np.savez(path, **params)


def load_params(model, path):
    data = np.load(path)
    for name, p in named_params(model):
        p[...] = array_module(p).asarray(data[name])
    data.close()


def _convert(model, convert):
    done = {}

    def move(a):
        if id(a) not in done:
            done[id(a)] = (a, convert(a))
        return done[id(a)][1]

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
    return _convert(model, as_numpy)


def to_gpu(model):
    return _convert(model, as_cupy)


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
