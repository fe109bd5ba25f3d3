# %%
%matplotlib inline
import copy
import os
import tempfile
import time
import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

# %% [given] building blocks
try:
    import cupy
    cupy.zeros(1)
except Exception:
    cupy = None


def array_module(x):
    return cupy.get_array_module(x) if cupy is not None else np


def as_numpy(a):
    return cupy.asnumpy(a) if cupy is not None and isinstance(a, cupy.ndarray) else np.asarray(a)


def as_cupy(a):
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


def affine(m, n, rng=np.random):
    return Affine(0.1 * rng.standard_normal((m, n)), np.zeros(n))

# %% Sequential
class Sequential:
    def __init__(self, *layers):
        self.layers = []
        self.params, self.grads = [], []
        for layer in layers:
            self.layers.append(layer)
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

# %% named_params
def named_params(model, prefix=""):
    result = []
    for i, layer in enumerate(model.layers):
        if hasattr(layer, "layers"):
            result.extend(named_params(layer, prefix + str(i) + "."))
        else:
            for j, p in enumerate(layer.params):
                result.append((prefix + str(i) + "." + str(j), p))
    return result

# %% initialisation
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
            if p.ndim == 1:
                p[...] = 0
            else:
                p[...] = np.random.normal(0, self.std, size=p.shape)


class Constant:
    def __init__(self, value):
        self.value = value

    def __call__(self, layer):
        for p in layer.params:
            if p.ndim == 1:
                p[...] = 0
            else:
                p[...] = self.value

# %% custom layers
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
        self.x = x
        linear = np.dot(x, W) + b
        self.mask = linear > 0
        return np.maximum(linear, 0)

    def backward(self, dout):
        W, b = self.params
        dlin = dout * self.mask
        self.grads[0][...] = np.dot(self.x.T, dlin)
        self.grads[1][...] = dlin.sum(axis=0)
        return np.dot(dlin, W.T)

# %% tied parameters
def tie(layer):
    twin = copy.copy(layer)
    twin.params = list(layer.params)          # the very same arrays
    twin.grads = [array_module(g).zeros_like(g) for g in layer.grads]  # own gradients
    return twin


def remove_duplicate(params, grads):
    params, grads = params[:], grads[:]  # copy the lists
    while True:
        find_flg = False
        L = len(params)
        for i in range(0, L - 1):
            for j in range(i + 1, L):
                if params[i] is params[j]:
                    grads[i] = grads[i] + grads[j]
                    find_flg = True
                    params.pop(j)
                    grads.pop(j)
                if find_flg:
                    break
            if find_flg:
                break
        if not find_flg:
            break
    return params, grads

# %% [given] Adam and step
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
    params, grads = remove_duplicate(model.params, model.grads)
    optimizer.update(params, grads)

# %% saving and loading
def save_params(model, path):
    arrays = {}
    for name, p in named_params(model):
        arrays[name] = as_numpy(p).astype(np.float16)
    np.savez(path, **arrays)


def load_params(model, path):
    data = np.load(path)
    for name, p in named_params(model):
        p[...] = array_module(p).asarray(data[name])

# %% host and device
def convert_model(model, convert):
    done = {}  # id of the old array -> (old array, new array)

    def move(a):
        if id(a) not in done:
            done[id(a)] = (a, convert(a))
        return done[id(a)][1]

    def visit(block):
        if hasattr(block, "layers"):
            for layer in block.layers:
                visit(layer)
            new_params, new_grads = [], []
            for layer in block.layers:
                new_params += layer.params
                new_grads += layer.grads
            block.params[:] = new_params
            block.grads[:] = new_grads
        else:
            block.params[:] = [move(p) for p in block.params]
            block.grads[:] = [move(g) for g in block.grads]

    visit(model)
    return model


def to_cpu(model):
    return convert_model(model, as_numpy)


def to_gpu(model):
    return convert_model(model, as_cupy)

# %%
rng = np.random.default_rng(0)
shared = affine(4, 4, rng)
net = Sequential(Sequential(affine(3, 4, rng), Relu()), shared, Relu(), tie(shared))
print([name for name, _ in named_params(net)])


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
