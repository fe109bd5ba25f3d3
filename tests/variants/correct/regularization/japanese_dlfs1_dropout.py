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
# ### 正則化（ゼロから作るDeep Learning 6章 + D2L）
# Dropout は本の形（`self.mask = np.random.rand(*x.shape) > self.dropout_ratio`）をもとに、
# 学習時にスケールする「逆ドロップアウト」にした（推論時は何もしない）。

# %%
def synthetic_data(w, b, num_examples):
    """y = Xw + b + ノイズ"""
    w = np.array(w, dtype=np.float64).flatten()
    X = np.random.randn(num_examples, w.shape[0])
    y = np.dot(X, w) + b + 0.01 * np.random.randn(num_examples)
    return X, y.reshape(-1, 1)


def data_iter(batch_size, features, labels):
    """ミニバッチを順に返す（最後のバッチは小さくてよい）"""
    idx = np.random.permutation(features.shape[0])
    n_batches = (features.shape[0] + batch_size - 1) // batch_size
    for k in range(n_batches):
        sl = idx[k * batch_size:(k + 1) * batch_size]
        yield features[sl], labels[sl]


def linreg(X, w, b):
    return np.dot(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def linreg_grads(X, y, w, b):
    diff = linreg(X, w, b) - y.reshape(-1, 1)      # (n, 1)
    return [np.dot(X.T, diff), np.sum(diff, axis=0).reshape(b.shape)]


def sgd(params, grads, lr, batch_size):
    for i in range(len(params)):
        params[i] -= lr * grads[i] / batch_size


# %%
def softmax(X):
    X = X - np.max(X, axis=1, keepdims=True)       # オーバーフロー対策
    return np.exp(X) / np.sum(np.exp(X), axis=1, keepdims=True)


def cross_entropy(y_hat, y):
    batch = np.arange(y_hat.shape[0])
    return -np.log(y_hat[batch, y])


def accuracy(y_hat, y):
    return np.sum(np.argmax(y_hat, axis=1) == y) / float(y.shape[0])


class SoftmaxRegression:
    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        self.params = [sigma * np.random.randn(num_inputs, num_outputs), np.zeros(num_outputs)]
        self.grads = [np.zeros((num_inputs, num_outputs)), np.zeros(num_outputs)]
        self.x = self.t = self.y = None

    def predict(self, X):
        return np.dot(X, self.params[0]) + self.params[1]

    def forward(self, X, y):
        self.x, self.t = X, y
        self.y = softmax(self.predict(X))
        return float(np.mean(cross_entropy(self.y, y)))

    def backward(self):
        batch_size = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        dx = dx / batch_size
        self.grads[0][...] = np.dot(self.x.T, dx)
        self.grads[1][...] = np.sum(dx, axis=0)


class MLP:
    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
        self.params = [sigma * np.random.randn(num_inputs, num_hiddens), np.zeros(num_hiddens),
                       sigma * np.random.randn(num_hiddens, num_outputs), np.zeros(num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]

    def predict(self, X):
        W1, b1, W2, b2 = self.params
        h = np.dot(X, W1) + b1
        h[h <= 0] = 0                       # ReLU
        return np.dot(h, W2) + b2

    def forward(self, X, y):
        W1, b1, W2, b2 = self.params
        self.x, self.t = X, y
        self.a1 = np.dot(X, W1) + b1
        self.mask = self.a1 <= 0
        self.h = self.a1.copy()
        self.h[self.mask] = 0
        self.y = softmax(np.dot(self.h, W2) + b2)
        return float(np.mean(cross_entropy(self.y, y)))

    def backward(self):
        W2 = self.params[2]
        batch_size = self.t.shape[0]
        dy = self.y.copy()
        dy[np.arange(batch_size), self.t] -= 1
        dy /= batch_size
        self.grads[2][...] = np.dot(self.h.T, dy)
        self.grads[3][...] = np.sum(dy, axis=0)
        dh = np.dot(dy, W2.T)
        dh[self.mask] = 0
        self.grads[0][...] = np.dot(self.x.T, dh)
        self.grads[1][...] = np.sum(dh, axis=0)


# %%
def poly_features(x, max_degree):
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    out = np.empty((x.shape[0], max_degree))
    for i in range(max_degree):
        out[:, i] = x ** i / math.factorial(i)
    return out


def l2_penalty(w):
    return 0.5 * np.sum(w ** 2)      # 荷重減衰: λ/2 * ||W||^2 の ||W||^2/2 の部分


def apply_weight_decay(params, grads, wd):
    for W, dW in zip(params, grads):
        if W.ndim >= 2:               # 重みのみ（バイアスは減衰させない）
            dW += wd * W


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return np.zeros_like(X)
    if dropout == 0:
        return X.copy()
    mask = np.random.rand(*X.shape) > dropout
    return X * mask / (1.0 - dropout)


class Dropout:
    """http://arxiv.org/abs/1207.0580 (逆ドロップアウト)"""

    def __init__(self, p=0.5):
        self.p = p
        self.params, self.grads = [], []
        self.mask = None

    def forward(self, x, train=True):
        if train:
            self.mask = (np.random.rand(*x.shape) > self.p) * (0.0 if self.p == 1 else 1.0 / (1.0 - self.p))
            return x * self.mask
        self.mask = None
        return x * 1.0

    def backward(self, dout):
        if self.mask is None:
            return dout.copy()
        return dout * self.mask


def sigmoid_grad(x):
    return np.exp(-x) / (1 + np.exp(-x)) ** 2


def xavier_uniform(fan_in, fan_out):
    scale = np.sqrt(6.0 / (fan_in + fan_out))
    return (2 * np.random.rand(fan_in, fan_out) - 1) * scale


def xavier_normal(fan_in, fan_out):
    return np.random.randn(fan_in, fan_out) * np.sqrt(2.0 / (fan_in + fan_out))


# %%
def distinct_units(W, b, tol=1e-6):
    units = np.vstack([W, np.reshape(b, (1, -1))]).T   # one row per hidden unit
    representatives = []
    for unit in units:
        if not any(np.abs(unit - r).max() <= tol for r in representatives):
            representatives.append(unit)
    return len(representatives)
