# %%
%matplotlib inline
%config InlineBackend.figure_format = 'retina'
import numpy as np
import matplotlib.pyplot as plt


# %%
# softmax written the way the first book's first printing does it: transpose so the classes run
# down axis 0, normalise over axis 0, transpose back. x.T reverses *all* axes, so the last axis
# of x becomes axis 0 for any number of dimensions.
def softmax(x):
    if x.ndim >= 2:
        x = x.T
        x = x - np.max(x, axis=0)
        y = np.exp(x) / np.sum(np.exp(x), axis=0)
        return y.T

    x = x - np.max(x)  # overflow guard
    return np.exp(x) / np.sum(np.exp(x))


# %%
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
        self.N = N
        self.params, self.grads = [], []

    def forward(self, x):
        return np.tile(x, (self.N, 1))

    def backward(self, dout):
        return dout.sum(axis=0, keepdims=True)


class Sum:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.N = x.shape[0]
        return x.sum(axis=0, keepdims=True)

    def backward(self, dout):
        return np.tile(dout, (self.N, 1))


# %%
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]

    def forward(self, x):
        self.x = x
        return np.dot(x, self.params[0])

    def backward(self, dout):
        self.grads[0][...] = np.dot(self.x.T, dout)
        return np.dot(dout, self.params[0].T)


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
        return dout * (1 - self.out ** 2)


class Softmax:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.out = softmax(x)
        return self.out

    def backward(self, dout):
        # same transpose trick: work with the classes on axis 0
        y, g = self.out.T, dout.T
        dx = y * (g - np.sum(y * g, axis=0))
        return dx.T


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.y = softmax(x)
        if t.size == self.y.size:    # one-hot
            t = t.argmax(axis=1)
        self.t = t
        batch_size = self.y.shape[0]
        loss = -np.sum(np.log(self.y[np.arange(batch_size), t] + 1e-7)) / batch_size
        return float(loss)

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        return dx * dout / batch_size


# %%
x = np.linspace(-5, 5, 201)
fig, ax = plt.subplots(1, 2, figsize=(8, 3))
for layer in (Sigmoid(), Tanh(), Relu()):
    ax[0].plot(x, layer.forward(x), label=type(layer).__name__)
    ax[1].plot(x, layer.backward(np.ones_like(x)), label=type(layer).__name__)
ax[0].legend()
plt.show()
