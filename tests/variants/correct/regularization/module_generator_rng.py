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
# All randomness goes through one NumPy `Generator` (`np.random.default_rng`), created once,
# instead of the legacy global `np.random.*` functions.

# %%
rng = np.random.default_rng(2024)


def synthetic_data(w, b, num_examples):
    w = np.asarray(w, dtype=float).reshape(-1)
    X = rng.normal(0.0, 1.0, size=(num_examples, w.size))
    y = X @ w + b + rng.normal(0.0, 0.01, size=num_examples)
    return X, y.reshape(-1, 1)


def data_iter(batch_size, features, labels):
    idx = rng.permutation(len(features))
    for s in range(0, len(idx), batch_size):
        yield features[idx[s:s + batch_size]], labels[idx[s:s + batch_size]]


def linreg(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def linreg_grads(X, y, w, b):
    e = linreg(X, w, b) - y.reshape(-1, 1)
    return [X.T @ e, e.sum(axis=0).reshape(b.shape)]


def sgd(params, grads, lr, batch_size):
    for p, g in zip(params, grads):
        p[...] = p - lr * g / batch_size


def softmax(X):
    e = np.exp(X - X.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(y_hat, y):
    return -np.log(np.take_along_axis(y_hat, y.reshape(-1, 1), axis=1)).ravel()


def accuracy(y_hat, y):
    return float((y_hat.argmax(axis=1) == y).sum()) / len(y)


class SoftmaxRegression:
    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        self.params = [rng.normal(0, sigma, (num_inputs, num_outputs)), np.zeros(num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]

    def predict(self, X):
        W, b = self.params
        return X @ W + b

    def forward(self, X, y):
        self._X, self._y = X, y
        self._p = softmax(self.predict(X))
        return float(cross_entropy(self._p, y).mean())

    def backward(self):
        n = len(self._y)
        d = self._p - np.eye(self._p.shape[1])[self._y]
        d /= n
        self.grads[0][...] = self._X.T @ d
        self.grads[1][...] = d.sum(axis=0)


class MLP:
    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
        self.params = [rng.normal(0, sigma, (num_inputs, num_hiddens)), np.zeros(num_hiddens),
                       rng.normal(0, sigma, (num_hiddens, num_outputs)), np.zeros(num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]

    def predict(self, X):
        W1, b1, W2, b2 = self.params
        return np.maximum(X @ W1 + b1, 0) @ W2 + b2

    def forward(self, X, y):
        W1, b1, W2, b2 = self.params
        self._X, self._y = X, y
        self._Z = X @ W1 + b1
        self._H = np.maximum(self._Z, 0)
        self._p = softmax(self._H @ W2 + b2)
        return float(cross_entropy(self._p, y).mean())

    def backward(self):
        W2 = self.params[2]
        d = self._p - np.eye(self._p.shape[1])[self._y]
        d /= len(self._y)
        self.grads[2][...] = self._H.T @ d
        self.grads[3][...] = d.sum(axis=0)
        dZ = d @ W2.T * (self._Z > 0)
        self.grads[0][...] = self._X.T @ dZ
        self.grads[1][...] = dZ.sum(axis=0)


def poly_features(x, max_degree):
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    fact = np.cumprod(np.r_[1.0, np.arange(1, max_degree)])    # 0!, 1!, 2!, ...
    return x ** np.arange(max_degree) / fact


def l2_penalty(w):
    return 0.5 * float((w * w).sum())


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
    return (rng.random(X.shape) >= dropout) * X / (1 - dropout)


class Dropout:
    def __init__(self, p=0.5):
        self.p = p
        self.params, self.grads = [], []
        self.scale = None

    def forward(self, x, train=True):
        if train and self.p > 0:
            self.scale = np.zeros_like(x) if self.p == 1 else (rng.random(x.shape) >= self.p) / (1 - self.p)
            return x * self.scale
        self.scale = None
        return x.copy()

    def backward(self, dout):
        return dout.copy() if self.scale is None else dout * self.scale


def sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def xavier_uniform(fan_in, fan_out):
    a = math.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def xavier_normal(fan_in, fan_out):
    return rng.normal(0, math.sqrt(2 / (fan_in + fan_out)), size=(fan_in, fan_out))


# %%
def distinct_units(W, b, tol=1e-6):
    units = np.concatenate([W, np.asarray(b).reshape(1, -1)], axis=0).T
    gaps = np.abs(units[:, None, :] - units[None, :, :]).max(axis=-1)
    # unit j is new when no earlier unit lies within tol of it
    return int(sum(1 for j in range(len(units)) if not (gaps[j, :j] <= tol).any()))
