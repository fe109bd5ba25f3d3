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
def synthetic_data(w, b, num_examples):
    w = np.array(w, dtype=float).reshape(-1, 1)        # column
    X = np.random.normal(0, 1, (num_examples, w.shape[0]))
    y = X @ w + b
    y += np.random.normal(0, 0.01, y.shape)
    return X, y


def data_iter(batch_size, features, labels):
    n = len(features)
    idx = list(np.random.permutation(n))
    while idx:
        batch, idx = idx[:batch_size], idx[batch_size:]
        yield features[batch], labels[batch]


def linreg(X, w, b):
    return np.dot(X, w) + b


def squared_loss(y_hat, y):
    return 0.5 * (y_hat - y.reshape(y_hat.shape)) ** 2


def linreg_grads(X, y, w, b):
    y_hat = linreg(X, w, b)
    err = y_hat - y.reshape(y_hat.shape)
    return [np.dot(X.T, err), np.full(b.shape, err.sum())]


def sgd(params, grads, lr, batch_size):
    for param, grad in zip(params, grads):
        param[...] -= lr * grad / batch_size


def softmax(X):
    m = X.max(axis=1, keepdims=True)
    e = np.exp(X - m)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(y_hat, y):
    return -np.log(y_hat[np.arange(len(y_hat)), y])


def accuracy(y_hat, y):
    return (y_hat.argmax(axis=1) == y).sum() / len(y)


class SoftmaxRegression:
    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        self.params = [np.random.normal(0, sigma, size=(num_inputs, num_outputs)), np.zeros(num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]

    def predict(self, X):
        W, b = self.params
        return np.dot(X, W) + b

    def forward(self, X, y):
        self.inputs, self.labels = X, y
        self.probs = softmax(self.predict(X))
        return float(np.mean(cross_entropy(self.probs, y)))

    def backward(self):
        n = len(self.labels)
        delta = self.probs.copy()
        delta[np.arange(n), self.labels] -= 1
        delta /= n
        self.grads[0][...] = np.dot(self.inputs.T, delta)
        self.grads[1][...] = np.sum(delta, axis=0)


class MLP:
    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
        self.params = [np.random.normal(0, sigma, size=(num_inputs, num_hiddens)), np.zeros(num_hiddens),
                       np.random.normal(0, sigma, size=(num_hiddens, num_outputs)), np.zeros(num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]

    def predict(self, X):
        W1, b1, W2, b2 = self.params
        return np.dot(np.maximum(np.dot(X, W1) + b1, 0), W2) + b2

    def forward(self, X, y):
        W1, b1, W2, b2 = self.params
        self.inputs, self.labels = X, y
        self.pre = np.dot(X, W1) + b1
        self.hidden = np.maximum(self.pre, 0)
        self.probs = softmax(np.dot(self.hidden, W2) + b2)
        return float(np.mean(cross_entropy(self.probs, y)))

    def backward(self):
        n = len(self.labels)
        delta = self.probs.copy()
        delta[np.arange(n), self.labels] -= 1
        delta /= n
        d_hidden = np.dot(delta, self.params[2].T)
        d_pre = d_hidden * (self.pre > 0)
        self.grads[0][...] = np.dot(self.inputs.T, d_pre)
        self.grads[1][...] = np.sum(d_pre, axis=0)
        self.grads[2][...] = np.dot(self.hidden.T, delta)
        self.grads[3][...] = np.sum(delta, axis=0)


def poly_features(x, max_degree):
    x = np.asarray(x, dtype=float)
    return np.column_stack([x ** i / math.factorial(i) for i in range(max_degree)])


def l2_penalty(w):
    return np.sum(np.square(w)) / 2


def apply_weight_decay(params, grads, wd):
    for p, g in zip(params, grads):
        if p.ndim < 2:
            continue
        g += wd * p


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return np.zeros_like(X)
    if dropout == 0:
        return X.copy()
    keep = np.random.uniform(0, 1, X.shape) > dropout
    return np.where(keep, X, 0) / (1.0 - dropout)


class Dropout:
    """Inverted dropout; keeps the boolean mask and the scale separately."""

    def __init__(self, p=0.5):
        self.p = p
        self.params, self.grads = [], []
        self.mask = None
        self.scale = 1.0

    def forward(self, x, train=True):
        if not train:
            self.mask, self.scale = None, 1.0
            return x.copy()
        if self.p >= 1:
            self.mask, self.scale = np.zeros(x.shape, dtype=bool), 0.0
        else:
            self.mask, self.scale = np.random.uniform(0, 1, x.shape) > self.p, 1.0 / (1.0 - self.p)
        return x * self.mask * self.scale

    def backward(self, dout):
        if self.mask is None:
            return dout.copy()
        return dout * self.mask * self.scale


def sigmoid_grad(x):
    sig = 1 / (1 + np.exp(-x))
    return sig * (1 - sig)


def xavier_uniform(fan_in, fan_out):
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-bound, bound, size=(fan_in, fan_out))


def xavier_normal(fan_in, fan_out):
    return np.random.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


# %%
%%time
# weight decay on the high-dimensional linear regression of D2L 3.7
n_train, num_inputs = 20, 200
np.random.seed(4)
train_X, train_y = synthetic_data(np.full(num_inputs, 0.01), 0.05, n_train)
test_X, test_y = synthetic_data(np.full(num_inputs, 0.01), 0.05, 100)
for lambd in (0, 3):
    np.random.seed(5)
    w, b = np.random.normal(0, 1, (num_inputs, 1)), np.zeros(1)
    for epoch in range(100):
        for X, y in data_iter(5, train_X, train_y):
            grads = linreg_grads(X, y, w, b)
            apply_weight_decay([w, b], grads, lambd * len(X))
            sgd([w, b], grads, 0.003, len(X))
    print(lambd, float(squared_loss(linreg(test_X, w, b), test_y).mean()), l2_penalty(w))


# %%
def distinct_units(W, b, tol=1e-6):
    units = np.vstack([W, np.reshape(b, (1, -1))]).T   # one row per hidden unit
    representatives = []
    for unit in units:
        if not any(np.abs(unit - r).max() <= tol for r in representatives):
            representatives.append(unit)
    return len(representatives)
