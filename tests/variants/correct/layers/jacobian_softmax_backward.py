# %% [markdown]
# Softmax backward written from the Jacobian: dy_i/dx_j = y_i (delta_ij - y_j).
# I build the Jacobian per row with einsum and contract it with dout.

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
        dx = dout * self.y
        dy = dout * self.x
        return dx, dy


class AddLayer:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return 1 * dout, 1 * dout


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
        self.x = x
        return np.einsum("nd,dh->nh", x, self.params[0])

    def backward(self, dout):
        W = self.params[0]
        self.grads[0][...] = np.einsum("nd,nh->dh", self.x, dout)
        return np.einsum("nh,dh->nd", dout, W)


class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]

    def forward(self, x):
        W, b = self.params
        self.x = x
        return np.einsum("nd,dh->nh", x, W) + b

    def backward(self, dout):
        W, b = self.params
        self.grads[0][...] = np.einsum("nd,nh->dh", self.x, dout)
        self.grads[1][...] = np.einsum("nh->h", dout)
        return np.einsum("nh,dh->nd", dout, W)


# %%
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.out = 1.0 / (1.0 + np.exp(-x))
        return self.out

    def backward(self, dout):
        local = self.out * (1.0 - self.out)      # dy/dx
        return dout * local


class Relu:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.mask = x <= 0
        y = x.copy()
        y[self.mask] = 0.0
        return y

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0.0
        return dx


class Tanh:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - np.square(self.out))


# %%
class Softmax:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        e = np.exp(x - np.max(x, axis=-1, keepdims=True))
        self.out = e / np.sum(e, axis=-1, keepdims=True)
        return self.out

    def backward(self, dout):
        y = self.out
        eye = np.eye(y.shape[-1], dtype=y.dtype)
        # J[..., i, j] = y_i * (delta_ij - y_j)
        jacobian = np.einsum("...i,ij->...ij", y, eye) - np.einsum("...i,...j->...ij", y, y)
        return np.einsum("...i,...ij->...j", dout, jacobian)


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, t):
        e = np.exp(x - np.max(x, axis=1, keepdims=True))
        self.y = e / np.sum(e, axis=1, keepdims=True)
        self.t = np.argmax(t, axis=1) if t.ndim == 2 else t
        n = len(self.t)
        return float(np.mean(-np.log(self.y[np.arange(n), self.t] + 1e-7)))

    def backward(self, dout=1):
        n = len(self.t)
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        return dout * dx / n


# %%
# quick self-check of the Jacobian against finite differences
rng = np.random.default_rng(0)
x = rng.standard_normal((2, 3, 4))
g = rng.standard_normal((2, 3, 4))
layer = Softmax()
layer.forward(x)
dx = layer.backward(g)
num = np.zeros_like(x)
h = 1e-6
for idx in np.ndindex(x.shape):
    xp, xm = x.copy(), x.copy()
    xp[idx] += h
    xm[idx] -= h
    num[idx] = (np.sum(Softmax().forward(xp) * g) - np.sum(Softmax().forward(xm) * g)) / (2 * h)
print("max abs diff:", np.abs(dx - num).max())
