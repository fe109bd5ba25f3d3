# %%
from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


# %%
class MulLayer:
    """Multiplication node z = x * y.

    forward stores both inputs because each one's gradient is the other input.
    """

    def __init__(self) -> None:
        self.params: list = []
        self.grads: list = []
        self.x = None
        self.y = None

    def __call__(self, x, y):
        return self.forward(x, y)

    def forward(self, x, y):
        """Return x * y and remember the inputs."""
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        """Return (dL/dx, dL/dy) = (dout * y, dout * x)."""
        return dout * self.y, dout * self.x


class AddLayer:
    """Addition node z = x + y: the gradient flows through unchanged."""

    def __init__(self) -> None:
        self.params: list = []
        self.grads: list = []

    __call__ = lambda self, x, y: self.forward(x, y)  # noqa: E731

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout * 1, dout * 1


# %%
class Repeat:
    """Copy a (1, D) row N times: (1, D) -> (N, D)."""

    def __init__(self, N: int) -> None:
        self.N = N
        self.params: list = []
        self.grads: list = []

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x: NDArray) -> NDArray:
        return np.repeat(x, self.N, axis=0)

    def backward(self, dout: NDArray) -> NDArray:
        """Branch node: the N upstream gradients add up."""
        return dout.sum(axis=0, keepdims=True)


class Sum:
    """Add the rows: (N, D) -> (1, D)."""

    def __init__(self) -> None:
        self.N: int | None = None
        self.params: list = []
        self.grads: list = []

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x: NDArray) -> NDArray:
        self.N = x.shape[0]
        return x.sum(axis=0, keepdims=True)

    def backward(self, dout: NDArray) -> NDArray:
        """Every row received the same upstream gradient."""
        return np.repeat(dout, self.N, axis=0)


# %%
class MatMul:
    """y = x @ W."""

    def __init__(self, W: NDArray) -> None:
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x: NDArray | None = None

    def __call__(self, x):
        return self.forward(x)

    @property
    def W(self) -> NDArray:
        return self.params[0]

    @property
    def dW(self) -> NDArray:
        return self.grads[0]

    def forward(self, x: NDArray) -> NDArray:
        self.x = x
        return x @ self.W

    def backward(self, dout: NDArray) -> NDArray:
        self.dW[...] = self.x.T @ dout
        return dout @ self.W.T


class Affine:
    """y = x @ W + b."""

    def __init__(self, W: NDArray, b: NDArray) -> None:
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x: NDArray | None = None

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x: NDArray) -> NDArray:
        W, b = self.params
        self.x = x
        return x @ W + b

    def backward(self, dout: NDArray) -> NDArray:
        W, _ = self.params
        dW, db = self.grads
        dW[...] = self.x.T @ dout
        db[...] = dout.sum(axis=0)
        return dout @ W.T


# %%
class Sigmoid:
    """y = 1 / (1 + exp(-x)); dy/dx = y (1 - y)."""

    def __init__(self) -> None:
        self.params: list = []
        self.grads: list = []
        self.out = None

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class Relu:
    """y = max(0, x); the gradient is blocked where x <= 0."""

    def __init__(self) -> None:
        self.params: list = []
        self.grads: list = []
        self.mask = None

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0
        return dx


class Tanh:
    """y = tanh(x); dy/dx = 1 - y**2."""

    def __init__(self) -> None:
        self.params: list = []
        self.grads: list = []
        self.out = None

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out ** 2)


# %%
class Softmax:
    """Softmax over the last axis, shifted by the row maximum."""

    def __init__(self) -> None:
        self.params: list = []
        self.grads: list = []
        self.out = None

    def __call__(self, x):
        return self.forward(x)

    def forward(self, x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        self.out = e / e.sum(axis=-1, keepdims=True)
        return self.out

    def backward(self, dout):
        y = self.out
        return y * dout - y * (y * dout).sum(axis=-1, keepdims=True)


class SoftmaxWithLoss:
    """Softmax + mean cross entropy; t holds labels (N,) or one-hot rows (N, C)."""

    def __init__(self) -> None:
        self.params: list = []
        self.grads: list = []
        self.y = None
        self.t = None

    def __call__(self, x, t):
        return self.forward(x, t)

    def forward(self, x, t) -> float:
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        self.y = e / e.sum(axis=-1, keepdims=True)
        self.t = t.argmax(axis=-1) if t.ndim == 2 else t
        n = x.shape[0]
        return float(-np.log(self.y[np.arange(n), self.t] + 1e-7).mean())

    def backward(self, dout=1):
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        return dx * (dout / n)


# %%
net = [Affine(np.random.randn(3, 4), np.zeros(4)), Sigmoid(), MatMul(np.random.randn(4, 2))]
loss_layer = SoftmaxWithLoss()
x, t = np.random.randn(5, 3), np.array([0, 1, 1, 0, 1])
h = x
for layer in net:
    h = layer(h)
print("loss", loss_layer(h, t))
dout = loss_layer.backward()
for layer in reversed(net):
    dout = layer.backward(dout)
print([g.shape for layer in net for g in layer.grads])
