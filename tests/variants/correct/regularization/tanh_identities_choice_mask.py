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
# A few identities: sigmoid'(x) = (1 - tanh(x/2)^2) / 4; dropout masks drawn with
# `np.random.choice([0, 1], p=[p, 1 - p])`; x^i / i! built up by multiplying by x / i.

# %%
def synthetic_data(w, b, num_examples):
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    X = np.random.normal(0, 1, (num_examples, len(w)))
    y = X @ w + b + np.random.normal(0, 0.01, num_examples)
    return X, y.reshape((-1, 1))


def data_iter(batch_size, features, labels):
    indices = np.random.permutation(len(features))
    yield from ((features[indices[i:i + batch_size]], labels[indices[i:i + batch_size]])
                for i in range(0, len(indices), batch_size))


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
    e = np.exp(X - X.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(y_hat, y):
    return -np.log(y_hat[np.arange(len(y_hat)), y])


def accuracy(y_hat, y):
    return float((y_hat.argmax(axis=1) == y).mean())


class SoftmaxRegression:
    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        self.params = [np.random.normal(0, sigma, (num_inputs, num_outputs)), np.zeros(num_outputs)]
        self.grads = [np.zeros((num_inputs, num_outputs)), np.zeros(num_outputs)]
        self.cache = None

    def predict(self, X):
        W, b = self.params
        return X @ W + b

    def forward(self, X, y):
        P = softmax(self.predict(X))
        self.cache = X, y, P
        return float(cross_entropy(P, y).mean())

    def backward(self):
        X, y, P = self.cache
        G = P.copy()
        G[np.arange(len(y)), y] -= 1.0
        G /= len(y)
        self.grads[0][...] = X.T @ G
        self.grads[1][...] = G.sum(0)


class MLP:
    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
        W1 = np.random.normal(0, sigma, (num_inputs, num_hiddens))
        W2 = np.random.normal(0, sigma, (num_hiddens, num_outputs))
        self.params = [W1, np.zeros(num_hiddens), W2, np.zeros(num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.cache = None

    def predict(self, X):
        W1, b1, W2, b2 = self.params
        return np.maximum(X @ W1 + b1, 0) @ W2 + b2

    def forward(self, X, y):
        W1, b1, W2, b2 = self.params
        Z = X @ W1 + b1
        H = np.maximum(Z, 0)
        P = softmax(H @ W2 + b2)
        self.cache = X, y, Z, H, P
        return float(cross_entropy(P, y).mean())

    def backward(self):
        X, y, Z, H, P = self.cache
        G = P.copy()
        G[np.arange(len(y)), y] -= 1.0
        G /= len(y)
        GZ = np.where(Z > 0, G @ self.params[2].T, 0.0)
        new = [X.T @ GZ, GZ.sum(0), H.T @ G, G.sum(0)]
        for buf, value in zip(self.grads, new):
            buf[...] = value


def poly_features(x, max_degree):
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    out = np.ones((len(x), max_degree))
    for i in range(1, max_degree):
        out[:, i] = out[:, i - 1] * x / i          # x^i / i! from x^(i-1) / (i-1)!
    return out


def l2_penalty(w):
    return float((w ** 2).sum() / 2)


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
    mask = np.random.choice([0.0, 1.0], size=X.shape, p=[dropout, 1 - dropout])
    return mask * X / (1 - dropout)


class Dropout:
    def __init__(self, p=0.5):
        self.p = p
        self.params, self.grads = [], []
        self.scale = None

    def forward(self, x, train=True):
        if not train or self.p == 0:
            self.scale = None
            return x.copy()
        if self.p == 1:
            self.scale = np.zeros_like(x)
        else:
            self.scale = np.random.choice([0.0, 1.0], size=x.shape, p=[self.p, 1 - self.p]) / (1 - self.p)
        return x * self.scale

    def backward(self, dout):
        return dout.copy() if self.scale is None else dout * self.scale


def sigmoid_grad(x):
    return 0.25 * (1 - np.tanh(x / 2) ** 2)


def xavier_uniform(fan_in, fan_out):
    a = math.sqrt(6 / (fan_in + fan_out))
    return np.random.uniform(-a, a, (fan_in, fan_out))


def xavier_normal(fan_in, fan_out):
    return np.random.normal(0, math.sqrt(2 / (fan_in + fan_out)), (fan_in, fan_out))


# %%
def distinct_units(W, b, tol=1e-6):
    units = np.concatenate([W, np.asarray(b).reshape(1, -1)], axis=0).T
    gaps = np.abs(units[:, None, :] - units[None, :, :]).max(axis=-1)
    # unit j is new when no earlier unit lies within tol of it
    return int(sum(1 for j in range(len(units)) if not (gaps[j, :j] <= tol).any()))
