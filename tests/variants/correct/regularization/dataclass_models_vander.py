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


# %%
from dataclasses import dataclass, field


def synthetic_data(w, b, num_examples):
    w = np.asarray(w, dtype=np.float64).ravel()
    X = np.random.standard_normal((num_examples, w.size))
    y = X.dot(w) + b + np.random.normal(0.0, 0.01, num_examples)
    return X, y.reshape(num_examples, 1)


def data_iter(batch_size, features, labels):
    n = features.shape[0]
    order = np.random.permutation(n)
    start = 0
    while start < n:
        take = order[start:start + batch_size]
        yield features[take], labels[take]
        start += batch_size


def linreg(X, w, b):
    return X.dot(w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def linreg_grads(X, y, w, b):
    err = linreg(X, w, b) - y.reshape(-1, 1)
    return [X.T.dot(err), err.sum(axis=0).reshape(b.shape)]


def sgd(params, grads, lr, batch_size):
    for p, g in zip(params, grads):
        np.subtract(p, lr * g / batch_size, out=p)


def softmax(X):
    e = np.exp(X - X.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(y_hat, y):
    return -np.log(y_hat[np.arange(y_hat.shape[0]), y])


def accuracy(y_hat, y):
    return float(np.mean(y_hat.argmax(axis=1) == y))


# %%
@dataclass(eq=False)
class SoftmaxRegression:
    num_inputs: int
    num_outputs: int
    sigma: float = 0.01
    params: list = field(init=False)
    grads: list = field(init=False)

    def __post_init__(self):
        self.params = [np.random.normal(0, self.sigma, (self.num_inputs, self.num_outputs)),
                       np.zeros(self.num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]
        self._cache = None

    def predict(self, X):
        W, b = self.params
        return X.dot(W) + b

    def forward(self, X, y):
        probs = softmax(self.predict(X))
        self._cache = (X, y, probs)
        return float(cross_entropy(probs, y).mean())

    def backward(self):
        X, y, probs = self._cache
        d = probs.copy()
        d[np.arange(len(y)), y] -= 1
        d /= len(y)
        self.grads[0][...] = X.T.dot(d)
        self.grads[1][...] = d.sum(axis=0)


@dataclass(eq=False)
class MLP:
    num_inputs: int
    num_hiddens: int
    num_outputs: int
    sigma: float = 0.01
    params: list = field(init=False)
    grads: list = field(init=False)

    def __post_init__(self):
        s = self.sigma
        self.params = [np.random.normal(0, s, (self.num_inputs, self.num_hiddens)), np.zeros(self.num_hiddens),
                       np.random.normal(0, s, (self.num_hiddens, self.num_outputs)), np.zeros(self.num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]
        self._cache = None

    def predict(self, X):
        W1, b1, W2, b2 = self.params
        return np.maximum(X.dot(W1) + b1, 0).dot(W2) + b2

    def forward(self, X, y):
        W1, b1, W2, b2 = self.params
        Z = X.dot(W1) + b1
        H = np.maximum(Z, 0)
        probs = softmax(H.dot(W2) + b2)
        self._cache = (X, y, Z, H, probs)
        return float(cross_entropy(probs, y).mean())

    def backward(self):
        X, y, Z, H, probs = self._cache
        d = probs.copy()
        d[np.arange(len(y)), y] -= 1
        d /= len(y)
        self.grads[2][...] = H.T.dot(d)
        self.grads[3][...] = d.sum(axis=0)
        dZ = d.dot(self.params[2].T)
        dZ[Z <= 0] = 0
        self.grads[0][...] = X.T.dot(dZ)
        self.grads[1][...] = dZ.sum(axis=0)


# %%
def poly_features(x, max_degree):
    V = np.vander(np.asarray(x, dtype=np.float64).ravel(), max_degree, increasing=True)
    return V / np.array([math.gamma(i + 1) for i in range(max_degree)])


def l2_penalty(w):
    return float(np.vdot(w, w) / 2)


def apply_weight_decay(params, grads, wd):
    for p, g in zip(params, grads):
        if p.ndim >= 2:
            np.add(g, wd * p, out=g)


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return np.zeros_like(X)
    if dropout == 0:
        return np.array(X, copy=True)
    keep = np.random.uniform(0, 1, X.shape) > dropout
    out = np.zeros_like(X)
    out[keep] = X[keep] / (1.0 - dropout)
    return out


@dataclass(eq=False)
class Dropout:
    p: float = 0.5
    params: list = field(default_factory=list)
    grads: list = field(default_factory=list)
    scale: object = None

    def forward(self, x, train=True):
        if not train or self.p == 0:
            self.scale = None
            return x.copy()
        if self.p >= 1:
            self.scale = np.zeros_like(x)
        else:
            self.scale = (np.random.uniform(0, 1, x.shape) > self.p).astype(x.dtype) / (1.0 - self.p)
        return x * self.scale

    def backward(self, dout):
        return dout.copy() if self.scale is None else dout * self.scale


def sigmoid_grad(x):
    s = 1.0 / (1.0 + np.exp(-x))
    return s - s * s


def xavier_uniform(fan_in, fan_out):
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-a, a, size=(fan_in, fan_out))


def xavier_normal(fan_in, fan_out):
    return np.random.normal(loc=0.0, scale=math.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


# %%
def distinct_units(W, b, tol=1e-6):
    units = np.concatenate([W, np.asarray(b).reshape(1, -1)], axis=0).T
    gaps = np.abs(units[:, None, :] - units[None, :, :]).max(axis=-1)
    # unit j is new when no earlier unit lies within tol of it
    return int(sum(1 for j in range(len(units)) if not (gaps[j, :j] <= tol).any()))
