# %% [markdown]
# Memory-conscious versions: every result is a fresh array, but the arithmetic on it is done in
# place with `out=` and augmented assignment (never on the caller's arrays).

# %%
import numpy as np


# %%
class MulLayer:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x


class AddLayer:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout * 1, dout * 1


class Repeat:
    def __init__(self, N):
        self.params, self.grads = [], []
        self.N = N

    def forward(self, x):
        return np.repeat(x, self.N, axis=0)

    def backward(self, dout):
        return np.sum(dout, axis=0, keepdims=True)


class Sum:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.N = x.shape[0]
        return np.sum(x, axis=0, keepdims=True)

    def backward(self, dout):
        return np.repeat(dout, self.N, axis=0)


# %%
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]

    def forward(self, x):
        self.x = x
        return np.matmul(x, self.params[0])

    def backward(self, dout):
        np.matmul(self.x.T, dout, out=self.grads[0])
        return np.matmul(dout, self.params[0].T)


class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]

    def forward(self, x):
        W, b = self.params
        self.x = x
        out = np.matmul(x, W)
        out += b
        return out

    def backward(self, dout):
        W, _ = self.params
        dW, db = self.grads
        np.matmul(self.x.T, dout, out=dW)
        np.sum(dout, axis=0, out=db)
        return np.matmul(dout, W.T)


# %%
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        out = np.exp(-x)          # new array
        out += 1
        np.reciprocal(out, out=out)
        self.out = out
        return out

    def backward(self, dout):
        dx = 1 - self.out
        dx *= self.out
        dx *= dout
        return dx


class Relu:
    def __init__(self):
        self.params, self.grads = [], []

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
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        dx = self.out ** 2
        np.subtract(1, dx, out=dx)
        dx *= dout
        return dx


# %%
class Softmax:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        e = x - x.max(axis=-1, keepdims=True)
        np.exp(e, out=e)
        e /= e.sum(axis=-1, keepdims=True)
        self.out = e
        return e

    def backward(self, dout):
        dx = self.out * dout
        dx -= self.out * dx.sum(axis=-1, keepdims=True)
        return dx


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, t):
        y = x - x.max(axis=-1, keepdims=True)
        np.exp(y, out=y)
        y /= y.sum(axis=-1, keepdims=True)
        self.y = y
        self.t = t.argmax(axis=-1) if t.ndim == x.ndim else t
        n = x.shape[0]
        return float(-np.log(y[np.arange(n), self.t] + 1e-7).sum() / n)

    def backward(self, dout=1):
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        dx *= dout / n
        return dx
