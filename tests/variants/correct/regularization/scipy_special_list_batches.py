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
# SciPy where it has the function (softmax, expit, factorial); `data_iter` returns the list of
# batches of one shuffled pass (iterating over it works like over the generator).

# %%
from scipy import special


def synthetic_data(w, b, num_examples):
    w = np.asarray(w, dtype=float)
    X = np.random.normal(size=(num_examples, w.size))
    y = (X @ w.reshape(-1, 1)) + b
    y += np.random.normal(scale=0.01, size=y.shape)
    return X, y


def data_iter(batch_size, features, labels):
    perm = np.random.permutation(len(features))
    return [(features[perm[i:i + batch_size]], labels[perm[i:i + batch_size]])
            for i in range(0, len(perm), batch_size)]


def linreg(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    return np.square(y_hat - np.reshape(y, np.shape(y_hat))) / 2


def linreg_grads(X, y, w, b):
    r = linreg(X, w, b) - np.reshape(y, (-1, 1))
    return [X.T @ r, np.reshape(r.sum(axis=0), np.shape(b))]


def sgd(params, grads, lr, batch_size):
    for p, g in zip(params, grads):
        p -= lr * g / batch_size


def softmax(X):
    return special.softmax(X, axis=1)


def cross_entropy(y_hat, y):
    return -np.log(y_hat[np.arange(len(y)), y])


def accuracy(y_hat, y):
    return float(np.count_nonzero(y_hat.argmax(axis=1) == y) / len(y))


class SoftmaxRegression:
    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        self.params = [np.random.normal(0, sigma, (num_inputs, num_outputs)), np.zeros(num_outputs)]
        self.grads = [np.zeros_like(self.params[0]), np.zeros_like(self.params[1])]

    def predict(self, X):
        return X @ self.params[0] + self.params[1]

    def forward(self, X, y):
        self.saved = (X, y, softmax(self.predict(X)))
        return float(cross_entropy(self.saved[2], y).mean())

    def backward(self):
        X, y, P = self.saved
        P = P.copy()
        P[np.arange(len(y)), y] -= 1
        P /= len(y)
        self.grads[0][...] = X.T @ P
        self.grads[1][...] = P.sum(axis=0)


class MLP:
    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
        self.params = [np.random.normal(0, sigma, (num_inputs, num_hiddens)), np.zeros(num_hiddens),
                       np.random.normal(0, sigma, (num_hiddens, num_outputs)), np.zeros(num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]

    def _hidden(self, X):
        Z = X @ self.params[0] + self.params[1]
        return Z, np.maximum(Z, 0)

    def predict(self, X):
        return self._hidden(X)[1] @ self.params[2] + self.params[3]

    def forward(self, X, y):
        Z, H = self._hidden(X)
        P = softmax(H @ self.params[2] + self.params[3])
        self.saved = (X, y, Z, H, P)
        return float(cross_entropy(P, y).mean())

    def backward(self):
        X, y, Z, H, P = self.saved
        dO = P.copy()
        dO[np.arange(len(y)), y] -= 1
        dO /= len(y)
        dZ = (dO @ self.params[2].T) * (Z > 0)
        for i, g in enumerate([X.T @ dZ, dZ.sum(axis=0), H.T @ dO, dO.sum(axis=0)]):
            self.grads[i][...] = g


def poly_features(x, max_degree):
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    return x ** np.arange(max_degree) / special.factorial(np.arange(max_degree))


def l2_penalty(w):
    return np.sum(w ** 2) / 2


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
    return np.where(np.random.uniform(0, 1, X.shape) > dropout, X / (1.0 - dropout), 0.0)


class Dropout:
    def __init__(self, p=0.5):
        self.p = p
        self.params, self.grads = [], []
        self.keep = None

    def forward(self, x, train=True):
        if not train or self.p == 0:
            self.keep = None
            return x.copy()
        if self.p == 1:
            self.keep = np.zeros_like(x)
            return np.zeros_like(x)
        self.keep = (np.random.uniform(0, 1, x.shape) > self.p) / (1.0 - self.p)
        return x * self.keep

    def backward(self, dout):
        return dout.copy() if self.keep is None else dout * self.keep


def sigmoid_grad(x):
    s = special.expit(x)
    return s * (1 - s)


def xavier_uniform(fan_in, fan_out):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-a, a, size=(fan_in, fan_out))


def xavier_normal(fan_in, fan_out):
    return np.random.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


# %%
def distinct_units(W, b, tol=1e-6):
    units = np.vstack([W, np.reshape(b, (1, -1))]).T   # one row per hidden unit
    representatives = []
    for unit in units:
        if not any(np.abs(unit - r).max() <= tol for r in representatives):
            representatives.append(unit)
    return len(representatives)
