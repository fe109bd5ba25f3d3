"""Reference for the `blocks` assignment (Dive into Deep Learning, the builder's guide,
in the second book's params/grads style): a Sequential container, named parameter
access, initialisers, custom layers, tied parameters, float16 checkpoints and moving
a model between host (NumPy) and device (CuPy) arrays.

A container is anything with a `layers` list; everything else with `params` and
`grads` is a leaf layer. Layers read their weights from `self.params` on every call,
so replacing an item of that list (to_gpu) or writing into an array (load_params)
is seen by the layer.
"""
import copy

import numpy

from .backend import array_module
from .backend import to_cpu as array_to_cpu
from .backend import to_gpu as array_to_gpu
from .models import remove_duplicate  # noqa: F401  (part of this assignment's reference)


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


def is_container(block):
    return hasattr(block, "layers")


def named_params(model, prefix=""):
    """[(name, array)] in the order of model.params; names are the path of layer
    indices followed by the parameter's index in its layer, e.g. "0.1.0"."""
    named = []
    for i, layer in enumerate(model.layers):
        if is_container(layer):
            named += named_params(layer, f"{prefix}{i}.")
        else:
            named += [(f"{prefix}{i}.{j}", p) for j, p in enumerate(layer.params)]
    return named


def init_params(model, init):
    """Call init(layer) on every leaf layer with parameters (recursing into containers)."""
    if is_container(model):
        for layer in model.layers:
            init_params(layer, init)
    elif model.params:
        init(model)
    return model


class Normal:
    """Weights (arrays with two or more axes) ~ N(0, std^2), biases zero, in place."""

    def __init__(self, std=0.01):
        self.std = std

    def __call__(self, layer):
        for p in layer.params:
            if p.ndim >= 2:
                p[...] = numpy.random.normal(0, self.std, p.shape)
            else:
                p[...] = 0


class Constant:
    """Weights = value, biases zero, in place."""

    def __init__(self, value):
        self.value = value

    def __call__(self, layer):
        for p in layer.params:
            p[...] = self.value if p.ndim >= 2 else 0


class CenteredLayer:
    """Subtracts the mean of all elements; the gradient subtracts the mean of dout."""

    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        return x - x.mean()

    def backward(self, dout):
        return dout - dout.mean()


class MyLinear:
    """relu(x W + b) with W, b drawn from N(0, 1)."""

    def __init__(self, in_units, units):
        W = numpy.random.randn(in_units, units)
        b = numpy.random.randn(units)
        self.params = [W, b]
        self.grads = [numpy.zeros_like(W), numpy.zeros_like(b)]
        self.x = self.mask = None

    def forward(self, x):
        W, b = self.params
        z = x @ W + b
        self.x, self.mask = x, z > 0
        return z * self.mask

    def backward(self, dout):
        W, _ = self.params
        dz = dout * self.mask
        self.grads[0][...] = self.x.T @ dz
        self.grads[1][...] = dz.sum(axis=0)
        return dz @ W.T


class LazyLinear:
    """x W + b whose W (in_units, units) ~ N(0, 0.01^2) and b = 0 are created by the first
    forward, in_units read from the input's last axis; later inputs must have that width."""

    def __init__(self, units):
        self.units = units
        self.params, self.grads = [], []
        self.x = None

    def forward(self, x):
        if not self.params:
            W = numpy.random.normal(0, 0.01, (x.shape[-1], self.units))
            b = numpy.zeros(self.units)
            self.params += [W, b]
            self.grads += [numpy.zeros_like(W), numpy.zeros_like(b)]
        W, b = self.params
        if x.shape[-1] != W.shape[0]:
            raise ValueError(f"LazyLinear was built for inputs of width {W.shape[0]}, got width {x.shape[-1]}")
        self.x = x
        return x @ W + b

    def backward(self, dout):
        W, _ = self.params
        self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return dout @ W.T


def tie(layer):
    """A second layer object computing with the same parameter arrays as `layer`,
    with its own gradient arrays and its own cache."""
    twin = copy.copy(layer)
    twin.params = list(layer.params)
    twin.grads = [array_module(g).zeros_like(g) for g in layer.grads]
    return twin


def save_params(model, path):
    numpy.savez(path, **{name: array_to_cpu(p).astype(numpy.float16) for name, p in named_params(model)})


def load_params(model, path):
    with numpy.load(path) as data:
        for name, p in named_params(model):
            xp = array_module(p)
            p[...] = xp.asarray(data[name])


def _convert(model, convert):
    done = {}

    def move(array):
        key = id(array)
        if key not in done:
            done[key] = (array, convert(array))  # keep the original alive: ids stay unique
        return done[key][1]

    def walk(block):
        if is_container(block):
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
    return _convert(model, array_to_cpu)


def to_gpu(model):
    import cupy  # noqa: F401  (fails loudly without CuPy, before anything changes)
    return _convert(model, array_to_gpu)
