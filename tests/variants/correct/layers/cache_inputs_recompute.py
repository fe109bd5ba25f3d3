# %% [markdown]
# Every layer caches its *input* in forward and recomputes what backward needs from it
# (slower, but each backward reads like the derivative on paper).

# %%
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# %%
class MulLayer:
    def __init__(self):
        self.params, self.grads = [], []
        self.inputs = None

    def forward(self, x, y):
        self.inputs = (x, y)
        return x * y

    def backward(self, dout):
        x, y = self.inputs
        return dout * y, dout * x


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
        self.x = None

    def forward(self, x):
        self.x = x
        return x.sum(axis=0, keepdims=True)

    def backward(self, dout):
        return np.ones_like(self.x) * dout      # d(sum)/dx = 1 for every row


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
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.x = None

    def forward(self, x):
        self.x = x
        return sigmoid(x)

    def backward(self, dout):
        s = sigmoid(self.x)
        return dout * s * (1 - s)


class Relu:
    def __init__(self):
        self.params, self.grads = [], []
        self.x = None

    def forward(self, x):
        self.x = x
        return np.maximum(x, 0)

    def backward(self, dout):
        return np.where(self.x > 0, dout, 0)


class Tanh:
    def __init__(self):
        self.params, self.grads = [], []
        self.x = None

    def forward(self, x):
        self.x = x
        return np.tanh(x)

    def backward(self, dout):
        return dout * (1 - np.tanh(self.x) ** 2)


class Softmax:
    def __init__(self):
        self.params, self.grads = [], []
        self.x = None

    def forward(self, x):
        self.x = x
        return softmax(x)

    def backward(self, dout):
        y = softmax(self.x)
        return y * (dout - (y * dout).sum(axis=-1, keepdims=True))


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.x = self.t = None

    def forward(self, x, t):
        self.x = x
        self.t = t.argmax(axis=-1) if t.ndim == x.ndim else t
        y = softmax(x)
        n = x.shape[0]
        return float(-np.log(y[np.arange(n), self.t] + 1e-7).mean())

    def backward(self, dout=1):
        y = softmax(self.x)
        n = y.shape[0]
        y[np.arange(n), self.t] -= 1
        return y * dout / n
