# %%
import numpy as np

# %%
class MulLayer:
    def __init__(self):
        self.params, self.grads = [], []
        self.saved = ()

    def forward(self, x, y):
        self.saved = (x, y)
        return x * y

    def backward(self, dout):
        x, y = self.saved
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
        return x.repeat(self.N, axis=0)

    def backward(self, dout):
        return dout.sum(axis=0, keepdims=True)


class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.N = 0

    def forward(self, x):
        self.N = len(x)
        return x.sum(axis=0, keepdims=True)

    def backward(self, dout):
        return dout.repeat(self.N, axis=0)


# %%
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]

    def forward(self, x):
        self.x = x
        return x.dot(self.params[0])

    def backward(self, dout):
        self.grads[0][...] = self.x.T.dot(dout)
        return dout.dot(self.params[0].T)


class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]

    def forward(self, x):
        W, b = self.params
        self.x = x
        return x.dot(W) + b

    def backward(self, dout):
        W, b = self.params
        self.grads[0][...] = self.x.T.dot(dout)
        self.grads[1][...] = dout.sum(axis=0)
        return dout.dot(W.T)


class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.out = np.reciprocal(1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out) * self.out


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
        return dout * (1 - self.out * self.out)


# %%
class Softmax:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        self.out = e / e.sum(axis=-1, keepdims=True)
        return self.out

    def backward(self, dout):
        inner = (dout * self.out).sum(axis=-1, keepdims=True)
        return self.out * (dout - inner)


class SoftmaxWithLoss:
    """Picks each row's probability with np.take_along_axis."""

    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, t):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        labels = t.argmax(axis=1) if t.ndim == 2 else t
        self.t = labels
        picked = np.take_along_axis(self.y, labels.reshape(-1, 1), axis=1)
        return -np.log(picked + 1e-7).mean().item()

    def backward(self, dout=1):
        n, c = self.y.shape
        onehot = np.eye(c, dtype=self.y.dtype)[self.t]
        return (self.y - onehot) * dout / n
