# %%
%matplotlib inline
import math
import time
import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

# %%
def numerical_gradient(f, x, h=1e-5):
    """Central differences of the scalar f() with respect to every entry of x (perturbed in place)."""
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
    """|a - b| / max(1e-8, |a| + |b|) with Frobenius norms."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(b)))


def load_digits_split(num_train=1200, seed=0):
    """(X_train, y_train, X_test, y_test): the scikit-learn digits, pixels scaled to [0, 1]."""
    digits = load_digits()
    X = digits.data.astype(np.float64) / 16.0
    y = digits.target.astype(np.int64)
    order = np.random.RandomState(seed).permutation(len(X))
    X, y = X[order], y[order]
    return X[:num_train], y[:num_train], X[num_train:], y[num_train:]


# %% [markdown]
# PyTorch habits carried over: models are callable, have `parameters()`, `zero_grad()`,
# `train()` / `eval()`; `Dropout` respects the mode when called without `train=`.

# %%
def synthetic_data(w, b, num_examples):
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    X = np.random.normal(0, 1, (num_examples, len(w)))
    y = X @ w + b
    y += np.random.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


class _Loader:
    """Iterable over shuffled minibatches (a new shuffle every pass)."""

    def __init__(self, batch_size, features, labels):
        self.batch_size, self.features, self.labels = batch_size, features, labels

    def __iter__(self):
        idx = np.random.permutation(len(self.features))
        for i in range(0, len(idx), self.batch_size):
            j = idx[i:i + self.batch_size]
            yield self.features[j], self.labels[j]


def data_iter(batch_size, features, labels):
    return iter(_Loader(batch_size, features, labels))


def linreg(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def linreg_grads(X, y, w, b):
    err = linreg(X, w, b) - y.reshape(-1, 1)
    return [X.T @ err, err.sum(axis=0).reshape(b.shape)]


def sgd(params, grads, lr, batch_size):
    for p, g in zip(params, grads):
        p -= lr * g / batch_size


def softmax(X):
    X = X - X.max(axis=1, keepdims=True)
    e = np.exp(X)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(y_hat, y):
    return -np.log(y_hat[np.arange(len(y_hat)), y])


def accuracy(y_hat, y):
    return float((y_hat.argmax(axis=1) == y).mean())


# %%
class Module:
    def __init__(self):
        self.params, self.grads = [], []
        self.training = True

    def parameters(self):
        return list(self.params)

    def zero_grad(self):
        for g in self.grads:
            g[...] = 0

    def train(self, mode=True):
        self.training = mode
        return self

    def eval(self):
        return self.train(False)

    def __call__(self, *args):
        return self.predict(*args)


class SoftmaxRegression(Module):
    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        super().__init__()
        self.params = [np.random.normal(0, sigma, (num_inputs, num_outputs)), np.zeros(num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]

    def predict(self, X):
        W, b = self.params
        return X @ W + b

    def forward(self, X, y):
        self.X, self.y, self.P = X, y, softmax(self.predict(X))
        return float(cross_entropy(self.P, y).mean())

    def backward(self):
        d = self.P.copy()
        d[np.arange(len(self.y)), self.y] -= 1
        d /= len(self.y)
        self.grads[0][...] = self.X.T @ d
        self.grads[1][...] = d.sum(axis=0)


class MLP(Module):
    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
        super().__init__()
        self.params = [np.random.normal(0, sigma, (num_inputs, num_hiddens)), np.zeros(num_hiddens),
                       np.random.normal(0, sigma, (num_hiddens, num_outputs)), np.zeros(num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]

    def predict(self, X):
        W1, b1, W2, b2 = self.params
        return np.maximum(X @ W1 + b1, 0) @ W2 + b2

    def forward(self, X, y):
        W1, b1, W2, b2 = self.params
        self.X, self.y = X, y
        self.Z = X @ W1 + b1
        self.H = np.maximum(self.Z, 0)
        self.P = softmax(self.H @ W2 + b2)
        return float(cross_entropy(self.P, y).mean())

    def backward(self):
        d = self.P.copy()
        d[np.arange(len(self.y)), self.y] -= 1
        d /= len(self.y)
        dZ = (d @ self.params[2].T) * (self.Z > 0)
        self.grads[0][...] = self.X.T @ dZ
        self.grads[1][...] = dZ.sum(axis=0)
        self.grads[2][...] = self.H.T @ d
        self.grads[3][...] = d.sum(axis=0)


# %%
def poly_features(x, max_degree):
    x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    i = np.arange(max_degree)
    return x ** i / np.vectorize(math.factorial)(i)


def l2_penalty(w):
    return (w ** 2).sum() / 2


def apply_weight_decay(params, grads, wd):
    for p, g in zip(params, grads):
        if p.ndim >= 2:
            g += wd * p


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return np.zeros_like(X)
    if dropout == 0:
        return X.copy()
    return X * (np.random.rand(*X.shape) > dropout) / (1.0 - dropout)


class Dropout(Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p
        self.scale = None

    def forward(self, x, train=None):
        train = self.training if train is None else train
        if not train or self.p == 0:
            self.scale = None
            return x.copy()
        self.scale = np.zeros_like(x) if self.p == 1 else (np.random.rand(*x.shape) > self.p) / (1.0 - self.p)
        return x * self.scale

    def backward(self, dout):
        return dout.copy() if self.scale is None else dout * self.scale


def sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def xavier_uniform(fan_in, fan_out):
    a = math.sqrt(6 / (fan_in + fan_out))
    return np.random.uniform(-a, a, (fan_in, fan_out))


def xavier_normal(fan_in, fan_out):
    return np.random.normal(0, math.sqrt(2 / (fan_in + fan_out)), (fan_in, fan_out))


# %%
def distinct_units(W, b, tol=1e-6):
    """How many hidden units really differ (column j of W plus b[j])."""
    reps = []
    for j in range(W.shape[1]):
        unit = np.append(W[:, j], b[j])
        if not any(np.allclose(unit, r, rtol=0, atol=tol) for r in reps):
            reps.append(unit)
    return len(reps)
