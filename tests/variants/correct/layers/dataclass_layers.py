# %% [markdown]
# Layers as dataclasses: the constructor arguments become fields, `__post_init__` builds the
# `params` / `grads` lists from them.

# %%
from dataclasses import dataclass, field

import numpy as np


# %%
@dataclass
class MulLayer:
    params: list = field(default_factory=list)
    grads: list = field(default_factory=list)

    def forward(self, x, y):
        self._x, self._y = x, y
        return x * y

    def backward(self, dout):
        return dout * self._y, dout * self._x


@dataclass
class AddLayer:
    params: list = field(default_factory=list)
    grads: list = field(default_factory=list)

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout * 1, dout * 1


@dataclass
class Repeat:
    N: int
    params: list = field(default_factory=list)
    grads: list = field(default_factory=list)

    def forward(self, x):
        return np.repeat(x, self.N, axis=0)

    def backward(self, dout):
        return dout.sum(axis=0, keepdims=True)


@dataclass
class Sum:
    params: list = field(default_factory=list)
    grads: list = field(default_factory=list)
    N: int = 0

    def forward(self, x):
        self.N = x.shape[0]
        return x.sum(axis=0, keepdims=True)

    def backward(self, dout):
        return np.repeat(dout, self.N, axis=0)


# %%
@dataclass(eq=False)
class MatMul:
    W: np.ndarray

    def __post_init__(self):
        self.params = [self.W]
        self.grads = [np.zeros_like(self.W)]
        self.x = None

    def forward(self, x):
        self.x = x
        return x @ self.params[0]

    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        return dout @ self.params[0].T


@dataclass(eq=False)
class Affine:
    W: np.ndarray
    b: np.ndarray

    def __post_init__(self):
        self.params = [self.W, self.b]
        self.grads = [np.zeros_like(self.W), np.zeros_like(self.b)]
        self.x = None

    def forward(self, x):
        W, b = self.params
        self.x = x
        return x @ W + b

    def backward(self, dout):
        W, _ = self.params
        self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return dout @ W.T


# %%
@dataclass(eq=False)
class Sigmoid:
    params: list = field(default_factory=list)
    grads: list = field(default_factory=list)
    out: object = None

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


@dataclass(eq=False)
class Relu:
    params: list = field(default_factory=list)
    grads: list = field(default_factory=list)
    mask: object = None

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0
        return dx


@dataclass(eq=False)
class Tanh:
    params: list = field(default_factory=list)
    grads: list = field(default_factory=list)
    out: object = None

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out ** 2)


@dataclass(eq=False)
class Softmax:
    params: list = field(default_factory=list)
    grads: list = field(default_factory=list)
    out: object = None

    def forward(self, x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        self.out = e / e.sum(axis=-1, keepdims=True)
        return self.out

    def backward(self, dout):
        dx = self.out * dout
        return dx - self.out * dx.sum(axis=-1, keepdims=True)


@dataclass(eq=False)
class SoftmaxWithLoss:
    params: list = field(default_factory=list)
    grads: list = field(default_factory=list)
    y: object = None
    t: object = None

    def forward(self, x, t):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        self.y = e / e.sum(axis=-1, keepdims=True)
        self.t = t.argmax(axis=-1) if t.ndim == x.ndim else t
        n = x.shape[0]
        return float(-np.log(self.y[np.arange(n), self.t] + 1e-7).sum() / n)

    def backward(self, dout=1):
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        dx *= dout / n
        return dx


# %%
print(Affine(np.ones((2, 3)), np.zeros(3)).params[0].shape, Repeat(4))
