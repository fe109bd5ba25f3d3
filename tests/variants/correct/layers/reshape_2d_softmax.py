# %%
import numpy as np

# %%
def softmax_2d(x):
    """Row softmax of a 2-D array."""
    m = np.max(x, axis=1, keepdims=True)
    e = np.exp(x - m)
    return e / np.sum(e, axis=1, keepdims=True)


def softmax(x):
    """Softmax over the last axis: 1-D vectors are one row, N-D arrays are reshaped to rows."""
    if x.ndim == 1:
        return softmax_2d(x.reshape(1, -1)).reshape(-1)
    if x.ndim == 2:
        return softmax_2d(x)
    rows = x.reshape(-1, x.shape[-1])
    return softmax_2d(rows).reshape(x.shape)


# %%
class MulLayer:
    def __init__(self):
        self.params = []
        self.grads = []
        self.cache = None

    def forward(self, x, y):
        self.cache = (x, y)
        return x * y

    def backward(self, dout):
        x, y = self.cache
        return dout * y, dout * x


class AddLayer:
    def __init__(self):
        self.params = []
        self.grads = []

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout, dout


class Repeat:
    def __init__(self, N):
        self.params, self.grads = [], []
        self.N = N

    def forward(self, x):
        return np.concatenate([x] * self.N, axis=0)

    def backward(self, dout):
        return dout.sum(axis=0, keepdims=True)


class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.N = None

    def forward(self, x):
        self.N = x.shape[0]
        return x.sum(axis=0, keepdims=True)

    def backward(self, dout):
        return np.concatenate([dout] * self.N, axis=0)


# %%
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.cache = None

    def forward(self, x):
        self.cache = x
        return x @ self.params[0]

    def backward(self, dout):
        x = self.cache
        self.grads[0][...] = x.T @ dout
        return dout @ self.params[0].T


class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.cache = None

    def forward(self, x):
        W, b = self.params
        self.cache = x
        return x @ W + b

    def backward(self, dout):
        W, b = self.params
        x = self.cache
        dW, db = x.T @ dout, dout.sum(axis=0)
        self.grads[0][...] = dW
        self.grads[1][...] = db
        return dout @ W.T


# %%
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.cache = None

    def forward(self, x):
        y = 1 / (1 + np.exp(-x))
        self.cache = y
        return y

    def backward(self, dout):
        y = self.cache
        return dout * y * (1 - y)


class Relu:
    def __init__(self):
        self.params, self.grads = [], []
        self.cache = None

    def forward(self, x):
        self.cache = x
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * (self.cache > 0)


class Tanh:
    def __init__(self):
        self.params, self.grads = [], []
        self.cache = None

    def forward(self, x):
        y = np.tanh(x)
        self.cache = y
        return y

    def backward(self, dout):
        y = self.cache
        return dout * (1 - y * y)


# %%
class Softmax:
    def __init__(self):
        self.params, self.grads = [], []
        self.cache = None

    def forward(self, x):
        self.cache = softmax(x)
        return self.cache

    def backward(self, dout):
        y = self.cache
        shape = y.shape
        y2, d2 = y.reshape(-1, shape[-1]), dout.reshape(-1, shape[-1])
        dx = y2 * d2
        dx = dx - y2 * dx.sum(axis=1, keepdims=True)
        return dx.reshape(shape)


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.cache = None

    def forward(self, x, t):
        y = softmax(x)
        labels = t if t.ndim == 1 else t.argmax(axis=1)
        self.cache = (y, labels)
        n = y.shape[0]
        return float(-np.log(y[np.arange(n), labels] + 1e-7).sum() / n)

    def backward(self, dout=1):
        y, labels = self.cache
        n = y.shape[0]
        dx = y.copy()
        dx[np.arange(n), labels] -= 1
        dx *= dout
        dx /= n
        return dx
