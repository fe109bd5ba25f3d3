# %%
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt

# %% [helpers given in the notebook]
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        original = x[idx].item()
        x[idx] = original + h
        f_plus = float(f())
        x[idx] = original - h
        f_minus = float(f())
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(b)))

# %% mul / add
class MulLayer:
    def __init__(self):
        self.params, self.grads = [], []
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x = x
        self.y = y
        out = x * y
        return out

    def backward(self, dout):
        dx = dout * self.y  # swap x and y
        dy = dout * self.x
        return dx, dy


class AddLayer:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        out = x + y
        return out

    def backward(self, dout):
        dx = dout * 1
        dy = dout * 1
        return dx, dy

# %%
# quick test with the apples
apple = 100
apple_num = 2
tax = 1.1
mul_apple_layer = MulLayer()
mul_tax_layer = MulLayer()
apple_price = mul_apple_layer.forward(apple, apple_num)
price = mul_tax_layer.forward(apple_price, tax)
dapple_price, dtax = mul_tax_layer.backward(1)
dapple, dapple_num = mul_apple_layer.backward(dapple_price)
print(price, dapple, dapple_num, dtax)

# %% repeat / sum
class Repeat:
    def __init__(self, N):
        self.N = N
        self.params, self.grads = [], []

    def forward(self, x):
        y = np.repeat(x, self.N, axis=0)
        return y

    def backward(self, dout):
        dx = np.sum(dout, axis=0, keepdims=True)
        return dx


class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.N = None

    def forward(self, x):
        self.N = x.shape[0]
        y = np.sum(x, axis=0, keepdims=True)
        return y

    def backward(self, dout):
        dx = np.repeat(dout, self.N, axis=0)
        return dx

# %% matmul
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x = None

    def forward(self, x):
        W, = self.params
        out = np.dot(x, W)
        self.x = x
        return out

    def backward(self, dout):
        W, = self.params
        dx = np.dot(dout, W.T)
        dW = np.dot(self.x.T, dout)
        self.grads[0][...] = dW
        return dx

# %% affine
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None

    def forward(self, x):
        W, b = self.params
        out = np.dot(x, W) + b
        self.x = x
        return out

    def backward(self, dout):
        W, b = self.params
        dx = np.dot(dout, W.T)
        dW = np.dot(dout.T, self.x)
        db = np.sum(dout, axis=0)
        self.grads[0][...] = dW
        self.grads[1][...] = db
        return dx

# %% activations
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        out = 1 / (1 + np.exp(-x))
        self.out = out
        return out

    def backward(self, dout):
        dx = dout * (1.0 - self.out) * self.out
        return dx


class Relu:
    def __init__(self):
        self.params, self.grads = [], []
        self.mask = None

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
        self.out = None

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        dx = dout * (1 - self.out ** 2)
        return dx

# %% softmax
def softmax(x):
    # works for any number of axes: normalise over the last one
    x = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


class Softmax:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = softmax(x)
        return self.out

    def backward(self, dout):
        dx = self.out * dout
        sumdx = np.sum(dx, axis=-1, keepdims=True)
        dx -= self.out * sumdx
        return dx

# %% softmax with loss
def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    # one-hot -> label index
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        if self.t.size == self.y.size:
            self.t = self.t.argmax(axis=1)
        loss = cross_entropy_error(self.y, self.t)
        return float(loss)

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        dx *= dout
        dx = dx / batch_size
        return dx

# %%
# my own sanity check: a small network and its numerical gradient
rng = np.random.default_rng(0)
x = rng.standard_normal((4, 3))
t = np.array([0, 2, 1, 1])
layers = [Affine(rng.standard_normal((3, 5)), rng.standard_normal(5)), Sigmoid(),
          Affine(rng.standard_normal((5, 3)), rng.standard_normal(3))]
loss_layer = SoftmaxWithLoss()


def loss_fn():
    h = x
    for layer in layers:
        h = layer.forward(h)
    return loss_layer.forward(h, t)


loss_fn()
dout = loss_layer.backward()
for layer in reversed(layers):
    dout = layer.backward(dout)
print("dW1 error:", rel_error(layers[0].grads[0], numerical_gradient(loss_fn, layers[0].params[0])))
