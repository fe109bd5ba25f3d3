# %%
import numpy as np


# %% [markdown]
# Every layer below keeps the conventions: `params` / `grads` lists, gradients written in place.
# The loss layer works with one-hot targets internally (converted to the scores' dtype), so
# backward is literally `(y - t) / N`.

# %%
class MulLayer:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        self.x = x
        self.y = y
        return x * y

    def backward(self, dout):
        dx = dout * self.y
        dy = dout * self.x
        return dx, dy


class AddLayer:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout * 1, dout * 1


class Repeat:
    def __init__(self, N):
        self.N = N
        self.params, self.grads = [], []

    def forward(self, x):
        return np.tile(x, (self.N, 1))

    def backward(self, dout):
        return np.sum(dout, axis=0, keepdims=True)


class Sum:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.N = x.shape[0]
        return np.sum(x, axis=0, keepdims=True)

    def backward(self, dout):
        return np.tile(dout, (self.N, 1))


# %%
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]

    def forward(self, x):
        self.x = x
        return np.matmul(x, self.params[0])

    def backward(self, dout):
        W = self.params[0]
        self.grads[0][...] = np.matmul(self.x.T, dout)
        return np.matmul(dout, W.T)


class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]

    def forward(self, x):
        self.x = x
        return np.matmul(x, self.params[0]) + self.params[1]

    def backward(self, dout):
        W = self.params[0]
        self.grads[0][...] = np.matmul(self.x.T, dout)
        self.grads[1][...] = np.sum(dout, axis=0)
        return np.matmul(dout, W.T)


# %%
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.y = 1.0 / (1.0 + np.exp(-x))
        return self.y

    def backward(self, dout):
        return dout * self.y * (1.0 - self.y)


class Relu:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.positive = x > 0
        return np.where(self.positive, x, 0)

    def backward(self, dout):
        return np.where(self.positive, dout, 0)


class Tanh:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, dout):
        return dout * (1.0 - self.y * self.y)


# %%
class Softmax:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        z = x - np.max(x, axis=-1, keepdims=True)
        e = np.exp(z)
        self.y = e / np.sum(e, axis=-1, keepdims=True)
        return self.y

    def backward(self, dout):
        s = np.sum(dout * self.y, axis=-1, keepdims=True)
        return self.y * (dout - s)


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, t):
        z = x - np.max(x, axis=1, keepdims=True)
        e = np.exp(z)
        self.y = e / np.sum(e, axis=1, keepdims=True)
        if t.ndim == 1:
            onehot = np.zeros_like(self.y)
            onehot[np.arange(len(t)), t] = 1
        else:
            onehot = t.astype(self.y.dtype)
        self.t = onehot
        batch = x.shape[0]
        loss = -np.sum(self.t * np.log(self.y + 1e-7)) / batch
        return float(loss)

    def backward(self, dout=1):
        batch = self.y.shape[0]
        return (self.y - self.t) * (dout / batch)
