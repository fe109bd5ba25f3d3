# %% [markdown]
# Numerically careful activations: sigmoid(x) = exp(-log(1 + exp(-x))) computed with
# `np.logaddexp`, which never overflows (no RuntimeWarning for x = -1000).

# %%
import numpy as np


# %%
def sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))


class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        return dout * self.out * (1 - self.out)


class Tanh:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out ** 2)


class Relu:
    def __init__(self):
        self.params, self.grads = [], []
        self.mask = None

    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


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
        return dout.sum(axis=0, keepdims=True)


class Sum:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.N = x.shape[0]
        return x.sum(axis=0, keepdims=True)

    def backward(self, dout):
        return np.repeat(dout, self.N, axis=0)


class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]

    def forward(self, x):
        self.x = x
        return x @ self.params[0]

    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        return dout @ self.params[0].T


class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]

    def forward(self, x):
        W, b = self.params
        self.x = x
        return x @ W + b

    def backward(self, dout):
        W, b = self.params
        self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return dout @ W.T


# %%
def log_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class Softmax:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.out = np.exp(log_softmax(x))
        return self.out

    def backward(self, dout):
        y = self.out
        return y * (dout - (y * dout).sum(axis=-1, keepdims=True))


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, t):
        self.y = np.exp(log_softmax(x))
        self.t = t.argmax(axis=1) if t.ndim > 1 else t
        n = len(x)
        # the course's loss: log(y + 1e-7), so an underflowed probability stays finite
        return float(-np.log(self.y[np.arange(n), self.t] + 1e-7).mean())

    def backward(self, dout=1):
        n = len(self.y)
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        return dx * dout / n
