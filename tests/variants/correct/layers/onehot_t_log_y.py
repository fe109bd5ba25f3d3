# %% [markdown]
# 交差エントロピー誤差は本の式そのまま: E = -sum_k t_k log y_k / N (t は one-hot)。
# ラベルで渡されたときは one-hot に直してから同じ式を使う。

# %%
import numpy as np


# %%
def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    """y: 確率 (N, C), t: one-hot (N, C)"""
    batch_size = y.shape[0]
    return -np.sum(t * np.log(y + 1e-7)) / batch_size


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


class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]

    def forward(self, x):
        W, = self.params
        self.x = x
        return np.dot(x, W)

    def backward(self, dout):
        W, = self.params
        self.grads[0][...] = np.dot(self.x.T, dout)
        return np.dot(dout, W.T)


class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]

    def forward(self, x):
        W, b = self.params
        self.x = x
        return np.dot(x, W) + b

    def backward(self, dout):
        W, b = self.params
        self.grads[0][...] = np.dot(self.x.T, dout)
        self.grads[1][...] = np.sum(dout, axis=0)
        return np.dot(dout, W.T)


class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class Relu:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.mask = (x <= 0)
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
        return dout * (1.0 - self.out ** 2)


class Softmax:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.out = softmax(x)
        return self.out

    def backward(self, dout):
        dx = self.out * dout
        dx -= self.out * np.sum(dx, axis=-1, keepdims=True)
        return dx


# %%
class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.y = None
        self.labels = None

    def forward(self, x, t):
        self.y = softmax(x)
        if t.ndim == 1:                               # ラベル -> one-hot
            t = np.eye(x.shape[1], dtype=np.int32)[t]
        self.labels = np.argmax(t, axis=1)
        return float(cross_entropy_error(self.y, t))

    def backward(self, dout=1):
        batch_size = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(batch_size), self.labels] -= 1   # y - t
        dx *= dout
        dx = dx / batch_size
        return dx
