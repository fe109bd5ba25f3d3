# %%
%matplotlib inline
%load_ext autoreload
%autoreload 2
import numpy as np
import matplotlib.pyplot as plt
!python --version

# %%
%%time
class MulLayer:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        self.x = x
        self.y = y
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
        return np.broadcast_to(x, (self.N, x.shape[1])).copy()

    def backward(self, dout):
        return dout.sum(axis=0, keepdims=True)


class Sum:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.N = x.shape[0]
        return x.sum(axis=0, keepdims=True)

    def backward(self, dout):
        return np.broadcast_to(dout, (self.N, dout.shape[1])).copy()

# %%
%%capture
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]

    def forward(self, x):
        self.x = x
        return x @ self.params[0]

    def backward(self, dout):
        self.grads[0][:] = self.x.T @ dout
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
        self.grads[0][:] = self.x.T @ dout
        self.grads[1][:] = dout.sum(axis=0)
        return dout @ W.T

print("this print is captured")

# %%
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        x = np.clip(x, -500, 500)          # no overflow warnings from exp
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class Relu:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.mask = x > 0
        return np.where(self.mask, x, 0)

    def backward(self, dout):
        return np.where(self.mask, dout, 0)


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
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        self.out = e / e.sum(axis=-1, keepdims=True)
        return self.out

    def backward(self, dout):
        dx = self.out * dout
        return dx - self.out * dx.sum(axis=-1, keepdims=True)


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []

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
%timeit Affine(np.ones((100, 50)), np.zeros(50)).forward(np.ones((64, 100)))
Sigmoid?
