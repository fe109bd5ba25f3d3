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
# Linear regression pieces as plain functions; the two classifiers are assembled from layer
# objects (Affine, Relu, softmax-with-loss), the second book's way, and their params/grads
# lists are the layers' own arrays.

# %%
def synthetic_data(w, b, num_examples):
    w = np.ravel(np.asarray(w, dtype=np.float64))
    X = np.random.normal(0.0, 1.0, size=(num_examples, w.size))
    noise = np.random.normal(0.0, 0.01, size=num_examples)
    y = X @ w + b + noise
    return X, y[:, None]


def data_iter(batch_size, features, labels):
    order = np.random.permutation(len(features))
    for start in range(0, len(order), batch_size):
        chosen = order[start:start + batch_size]
        yield features[chosen], labels[chosen]


def linreg(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    return 0.5 * (y_hat - np.reshape(y, y_hat.shape)) ** 2


def linreg_grads(X, y, w, b):
    residual = X @ w + b - np.reshape(y, (-1, 1))
    dw = X.T @ residual
    db = np.full(np.shape(b), residual.sum())
    return [dw, db]


def sgd(params, grads, lr, batch_size):
    for p, g in zip(params, grads):
        p -= (lr / batch_size) * g


# %%
def softmax(X):
    z = X - np.max(X, axis=1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=1, keepdims=True)


def cross_entropy(y_hat, y):
    return -np.log(y_hat[np.arange(y_hat.shape[0]), y])


def accuracy(y_hat, y):
    return float(np.mean(np.argmax(y_hat, axis=1) == y))


class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
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


class Relu:
    def __init__(self):
        self.params, self.grads = [], []
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


class SoftmaxCrossEntropy:
    def __init__(self):
        self.probs = self.y = None

    def forward(self, scores, y):
        self.probs, self.y = softmax(scores), y
        return float(cross_entropy(self.probs, y).mean())

    def backward(self):
        n = len(self.y)
        d = self.probs.copy()
        d[np.arange(n), self.y] -= 1
        return d / n


class _Network:
    def _collect(self):
        self.params = [p for layer in self.layers for p in layer.params]
        self.grads = [g for layer in self.layers for g in layer.grads]

    def predict(self, X):
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def forward(self, X, y):
        return self.loss.forward(self.predict(X), y)

    def backward(self):
        dout = self.loss.backward()
        for layer in reversed(self.layers):
            dout = layer.backward(dout)


class SoftmaxRegression(_Network):
    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        self.layers = [Affine(np.random.normal(0, sigma, (num_inputs, num_outputs)), np.zeros(num_outputs))]
        self.loss = SoftmaxCrossEntropy()
        self._collect()


class MLP(_Network):
    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
        self.layers = [Affine(np.random.normal(0, sigma, (num_inputs, num_hiddens)), np.zeros(num_hiddens)),
                       Relu(),
                       Affine(np.random.normal(0, sigma, (num_hiddens, num_outputs)), np.zeros(num_outputs))]
        self.loss = SoftmaxCrossEntropy()
        self._collect()


# %%
def poly_features(x, max_degree):
    x = np.asarray(x, dtype=np.float64).ravel()
    cols = [x ** i / math.factorial(i) for i in range(max_degree)]
    return np.stack(cols, axis=1)


def l2_penalty(w):
    return float(np.sum(np.square(w)) / 2)


def apply_weight_decay(params, grads, wd):
    for p, g in zip(params, grads):
        if len(p.shape) >= 2:
            np.add(g, wd * p, out=g)


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return np.zeros_like(X)
    if dropout == 0:
        return X.copy()
    keep = np.random.binomial(1, 1.0 - dropout, size=X.shape)
    return X * keep / (1.0 - dropout)


class Dropout:
    def __init__(self, p=0.5):
        self.p = p
        self.params, self.grads = [], []
        self.factor = None

    def forward(self, x, train=True):
        if not train or self.p == 0:
            self.factor = None
            return x.copy()
        if self.p == 1:
            self.factor = np.zeros_like(x)
        else:
            self.factor = np.random.binomial(1, 1.0 - self.p, size=x.shape) / (1.0 - self.p)
        return x * self.factor

    def backward(self, dout):
        if self.factor is None:
            return dout.copy()
        return dout * self.factor


def sigmoid_grad(x):
    e = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return s * (1 - s)


def xavier_uniform(fan_in, fan_out):
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(low=-limit, high=limit, size=(fan_in, fan_out))


def xavier_normal(fan_in, fan_out):
    std = math.sqrt(2.0 / (fan_in + fan_out))
    return std * np.random.randn(fan_in, fan_out)


# %%
def evaluate(model, X, y):
    """(mean cross-entropy, accuracy) of model.predict on X."""
    probs = softmax(model.predict(X))
    return float(cross_entropy(probs, y).mean()), accuracy(probs, y)


def train(model, data, num_epochs, lr, batch_size, eval_every=1):
    X_train, y_train, X_test, y_test = data
    history = {"epoch": [], "train_loss": [], "test_loss": [], "train_acc": [], "test_acc": []}
    for epoch in range(1, num_epochs + 1):
        for X, y in data_iter(batch_size, X_train, y_train):
            model.forward(X, y)
            model.backward()
            for p, g in zip(model.params, model.grads):
                p -= lr * g
        if epoch % eval_every == 0 or epoch == num_epochs:
            train_loss, train_acc = evaluate(model, X_train, y_train)
            test_loss, test_acc = evaluate(model, X_test, y_test)
            history["epoch"].append(epoch)
            for key, value in [("train_loss", train_loss), ("test_loss", test_loss),
                               ("train_acc", train_acc), ("test_acc", test_acc)]:
                history[key].append(value)
    return history


# %%
def distinct_units(W, b, tol=1e-6):
    """How many hidden units really differ (column j of W plus b[j])."""
    reps = []
    for j in range(W.shape[1]):
        unit = np.append(W[:, j], b[j])
        if not any(np.allclose(unit, r, rtol=0, atol=tol) for r in reps):
            reps.append(unit)
    return len(reps)
