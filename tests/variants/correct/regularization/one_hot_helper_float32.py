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
# A `one_hot` helper, dtype-preserving code (float32 data gives float32 results), and the
# gradients of both classifiers written as `(softmax - one_hot) / n`.

# %%
def one_hot(y, num_classes, dtype=np.float64):
    out = np.zeros((len(y), num_classes), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out


def synthetic_data(w, b, num_examples):
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    X = np.random.normal(0, 1, (num_examples, w.size))
    y = (X @ w + b).reshape(-1, 1)
    y += np.random.normal(0, 0.01, (num_examples, 1))
    return X, y


def data_iter(batch_size, features, labels):
    perm = np.random.permutation(len(features))
    for batch in np.array_split(perm, range(batch_size, len(perm), batch_size)):
        yield features[batch], labels[batch]


def linreg(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    d = y_hat - y.reshape(y_hat.shape)
    return d * d / 2


def linreg_grads(X, y, w, b):
    err = X @ w + b - y.reshape(-1, 1)
    return [X.T @ err, err.sum(axis=0).reshape(b.shape)]


def sgd(params, grads, lr, batch_size):
    step = lr / batch_size
    for p, g in zip(params, grads):
        p -= step * g


def softmax(X):
    e = np.exp(X - np.max(X, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


def cross_entropy(y_hat, y):
    return -np.log(y_hat[np.arange(len(y_hat)), y])


def accuracy(y_hat, y):
    return float(np.mean(np.argmax(y_hat, axis=1) == y))


class SoftmaxRegression:
    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        W = np.random.normal(0, sigma, (num_inputs, num_outputs))
        self.params = [W, np.zeros(num_outputs)]
        self.grads = [np.zeros_like(W), np.zeros(num_outputs)]

    def predict(self, X):
        return X @ self.params[0] + self.params[1]

    def forward(self, X, y):
        self.X, self.y = X, y
        self.probs = softmax(self.predict(X))
        return float(np.mean(cross_entropy(self.probs, y)))

    def backward(self):
        dO = (self.probs - one_hot(self.y, self.probs.shape[1], self.probs.dtype)) / len(self.y)
        self.grads[0][...] = self.X.T @ dO
        self.grads[1][...] = dO.sum(axis=0)


class MLP:
    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
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
        self.probs = softmax(self.H @ W2 + b2)
        return float(np.mean(cross_entropy(self.probs, y)))

    def backward(self):
        W1, b1, W2, b2 = self.params
        dO = (self.probs - one_hot(self.y, self.probs.shape[1], self.probs.dtype)) / len(self.y)
        dH = dO @ W2.T
        dZ = dH * (self.Z > 0)
        self.grads[0][...] = self.X.T @ dZ
        self.grads[1][...] = dZ.sum(axis=0)
        self.grads[2][...] = self.H.T @ dO
        self.grads[3][...] = dO.sum(axis=0)


def poly_features(x, max_degree):
    x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    k = np.arange(max_degree)
    return np.power(x, k) / np.array([math.gamma(i + 1.0) for i in k])


def l2_penalty(w):
    return float(np.sum(w ** 2)) / 2


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
    keep = (np.random.uniform(0, 1, X.shape) > dropout).astype(X.dtype)
    return keep * X / (1 - dropout)


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
            self.scale = (np.random.uniform(0, 1, x.shape) > self.p).astype(x.dtype) / (1 - self.p)
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
X32 = np.random.normal(size=(4, 3)).astype(np.float32)
print(softmax(X32).dtype, dropout_layer(X32, 0.5).dtype, sigmoid_grad(X32).dtype)


# %%
def distinct_units(W, b, tol=1e-6):
    """How many hidden units really differ (column j of W plus b[j])."""
    reps = []
    for j in range(W.shape[1]):
        unit = np.append(W[:, j], b[j])
        if not any(np.allclose(unit, r, rtol=0, atol=tol) for r in reps):
            reps.append(unit)
    return len(reps)
