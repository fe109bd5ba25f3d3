"""Helpers for the blocks checks: the container and parameter tools the later names build on."""
import copy
import sys

import numpy as np


def array_module(x):
    cupy = sys.modules.get("cupy")
    return cupy.get_array_module(x) if cupy is not None else np


def as_numpy(a):
    cupy = sys.modules.get("cupy")
    return cupy.asnumpy(a) if cupy is not None and isinstance(a, cupy.ndarray) else np.asarray(a)


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
            named += named_params(layer, f"{prefix}{i}.")
        else:
            named += [(f"{prefix}{i}.{j}", p) for j, p in enumerate(layer.params)]
    return named


class Normal:
    def __init__(self, std=0.01):
        self.std = std

    def __call__(self, layer):
        for p in layer.params:
            p[...] = np.random.normal(0, self.std, p.shape) if p.ndim >= 2 else 0


class Constant:
    def __init__(self, value):
        self.value = value

    def __call__(self, layer):
        for p in layer.params:
            p[...] = self.value if p.ndim >= 2 else 0


def tie(layer):
    twin = copy.copy(layer)
    twin.params = list(layer.params)
    twin.grads = [array_module(g).zeros_like(g) for g in layer.grads]
    return twin


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter, self.m, self.v = 0, None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = [array_module(p).zeros_like(p) for p in params]
            self.v = [array_module(p).zeros_like(p) for p in params]
        self.iter += 1
        lr_t = self.lr * (1.0 - self.beta2 ** self.iter) ** 0.5 / (1.0 - self.beta1 ** self.iter)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            p -= lr_t * m / (array_module(p).sqrt(v) + 1e-7)


def step(remove_duplicate, model, optimizer):
    """The notebook's step(model, optimizer), with the submission's remove_duplicate passed in."""
    params, grads = remove_duplicate(model.params, model.grads)
    optimizer.update(params, grads)


def save_params(model, path):
    np.savez(path, **{name: as_numpy(p).astype(np.float16) for name, p in named_params(model)})


def to_cpu(model):
    moved = {}

    def move(array):
        if id(array) not in moved:
            moved[id(array)] = (array, as_numpy(array))
        return moved[id(array)][1]

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


ORDER = ["Sequential", "named_params", "Normal", "Constant", "init_params", "CenteredLayer", "MyLinear", "LazyLinear", "tie",
         "remove_duplicate", "save_params", "load_params", "to_cpu", "to_gpu"]
