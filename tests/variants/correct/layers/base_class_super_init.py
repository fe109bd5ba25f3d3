# %% [markdown]
# ## Layers with a common base class
# I put the shared bits (the empty `params`/`grads`, calling a layer like a function) in a base
# class, and every concrete layer calls `super().__init__()`.

# %%
import numpy as np


class Layer:
    """Base class: a node of the computational graph."""

    def __init__(self, *params):
        self.params = list(params)
        self.grads = [np.zeros_like(p) for p in params]

    def __call__(self, *inputs):
        return self.forward(*inputs)

    def forward(self, *inputs):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def __repr__(self):
        shapes = ", ".join(str(p.shape) for p in self.params)
        return f"{type(self).__name__}({shapes})"


# %%
class MulLayer(Layer):
    def __init__(self):
        super().__init__()
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x


class AddLayer(Layer):
    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout * 1, dout * 1


class Repeat(Layer):
    def __init__(self, N):
        super().__init__()
        self.N = N

    def forward(self, x):
        return np.repeat(x, self.N, axis=0)

    def backward(self, dout):
        return dout.sum(axis=0, keepdims=True)


class Sum(Layer):
    def __init__(self):
        super().__init__()
        self.N = None

    def forward(self, x):
        self.N = x.shape[0]
        return x.sum(axis=0, keepdims=True)

    def backward(self, dout):
        return np.repeat(dout, self.N, axis=0)


# %%
class MatMul(Layer):
    def __init__(self, W):
        super().__init__(W)
        self.x = None

    def forward(self, x):
        (W,) = self.params
        self.x = x
        return x @ W

    def backward(self, dout):
        (W,) = self.params
        self.grads[0][...] = self.x.T @ dout
        return dout @ W.T


class Affine(MatMul):
    """MatMul plus a bias: reuses MatMul for x @ W and adds the bias terms."""

    def __init__(self, W, b):
        Layer.__init__(self, W, b)
        self.x = None

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
class Sigmoid(Layer):
    def __init__(self):
        super().__init__()
        self.out = None

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class Relu(Layer):
    def __init__(self):
        super().__init__()
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0
        return dx


class Tanh(Layer):
    def __init__(self):
        super().__init__()
        self.out = None

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out ** 2)


# %%
class Softmax(Layer):
    def __init__(self):
        super().__init__()
        self.out = None

    def forward(self, x):
        shifted = x - x.max(axis=-1, keepdims=True)
        e = np.exp(shifted)
        self.out = e / e.sum(axis=-1, keepdims=True)
        return self.out

    def backward(self, dout):
        dx = self.out * dout
        return dx - self.out * dx.sum(axis=-1, keepdims=True)


class SoftmaxWithLoss(Layer):
    def __init__(self):
        super().__init__()
        self.softmax = Softmax()
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.y = self.softmax.forward(x)
        self.t = t.argmax(axis=-1) if t.ndim == x.ndim else t
        n = x.shape[0]
        log_p = np.log(self.y[np.arange(n), self.t] + 1e-7)
        return float(-log_p.sum() / n)

    def backward(self, dout=1):
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        dx *= dout / n
        return dx


# %%
layers = [Affine(np.random.randn(4, 5), np.zeros(5)), Tanh(), MatMul(np.random.randn(5, 3))]
print(layers)
x = np.random.randn(2, 4)
for layer in layers:
    x = layer(x)
print(x.shape)
