# %%
%matplotlib inline
import math
import time
import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

# %% 1. linear regression from scratch
def synthetic_data(w, b, num_examples):
    """y = Xw + b + noise"""
    X = np.random.normal(0, 1, (num_examples, len(w)))
    y = np.dot(X, w) + b
    y += np.random.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    # the examples are read in random order
    np.random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = np.array(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):
    return np.dot(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def linreg_grads(X, y, w, b):
    err = linreg(X, w, b) - y.reshape(-1, 1)
    dw = np.dot(X.T, err)
    db = np.sum(err, axis=0).reshape(b.shape)
    return [dw, db]


def sgd(params, grads, lr, batch_size):
    for param, grad in zip(params, grads):
        param[:] = param - lr * grad / batch_size

# %%
true_w, true_b = np.array([2, -3.4]), 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
w = np.random.normal(0, 0.01, (2, 1))
b = np.zeros(1)
for epoch in range(3):
    for X, y in data_iter(10, features, labels):
        sgd([w, b], linreg_grads(X, y, w, b), 0.03, 10)
    print(f"epoch {epoch + 1}, loss {float(squared_loss(linreg(features, w, b), labels).mean()):f}")

# %% [given] digits
def load_digits_split(num_train=1200, seed=0):
    digits = load_digits()
    X = digits.data.astype(np.float64) / 16.0
    y = digits.target.astype(np.int64)
    order = np.random.RandomState(seed).permutation(len(X))
    X, y = X[order], y[order]
    return X[:num_train], y[:num_train], X[num_train:], y[num_train:]

# %% 2. softmax regression
def softmax(X):
    X = X - X.max(axis=1, keepdims=True)
    X_exp = np.exp(X)
    partition = X_exp.sum(axis=1, keepdims=True)
    return X_exp / partition


def cross_entropy(y_hat, y):
    return -np.log(y_hat[range(len(y_hat)), y])


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.astype(y.dtype) == y
    return float(cmp.sum()) / len(y)


class SoftmaxRegression:
    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        self.W = np.random.normal(0, sigma, (num_inputs, num_outputs))
        self.b = np.zeros(num_outputs)
        self.params = [self.W, self.b]
        self.grads = [np.zeros_like(self.W), np.zeros_like(self.b)]

    def predict(self, X):
        return np.dot(X, self.W) + self.b

    def forward(self, X, y):
        self.X, self.y = X, y
        self.probs = softmax(self.predict(X))
        return float(cross_entropy(self.probs, y).mean())

    def backward(self):
        n = len(self.y)
        d = self.probs.copy()
        d[np.arange(n), self.y] -= 1
        d /= n
        self.grads[0][...] = np.dot(self.X.T, d)
        self.grads[1][...] = d.sum(axis=0)

# %% 3. MLP
class MLP:
    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
        W1 = np.random.normal(0, sigma, (num_inputs, num_hiddens))
        b1 = np.zeros(num_hiddens)
        W2 = np.random.normal(0, sigma, (num_hiddens, num_outputs))
        b2 = np.zeros(num_outputs)
        self.params = [W1, b1, W2, b2]
        self.grads = [np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2), np.zeros_like(b2)]

    def predict(self, X):
        W1, b1, W2, b2 = self.params
        H = np.maximum(np.dot(X, W1) + b1, 0)
        return np.dot(H, W2) + b2

    def forward(self, X, y):
        W1, b1, W2, b2 = self.params
        self.X, self.y = X, y
        self.Z = np.dot(X, W1) + b1
        self.H = np.maximum(self.Z, 0)
        self.probs = softmax(np.dot(self.H, W2) + b2)
        return float(cross_entropy(self.probs, y).mean())

    def backward(self):
        W1, b1, W2, b2 = self.params
        n = len(self.y)
        dO = self.probs.copy()
        dO[np.arange(n), self.y] -= 1
        dO /= n
        self.grads[2][...] = np.dot(self.H.T, dO)
        self.grads[3][...] = dO.sum(axis=0)
        dH = np.dot(dO, W2.T)
        dZ = dH * (self.Z > 0)
        self.grads[0][...] = np.dot(self.X.T, dZ)
        self.grads[1][...] = dZ.sum(axis=0)

# %% 4. polynomial features
def poly_features(x, max_degree):
    x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    features = np.power(x, np.arange(max_degree).reshape(1, -1))
    for i in range(max_degree):
        features[:, i] /= math.gamma(i + 1)  # gamma(n) = (n-1)!
    return features

# %% 5. weight decay
def l2_penalty(w):
    return np.sum(w ** 2) / 2


def apply_weight_decay(params, grads, wd):
    for p, g in zip(params, grads):
        if p.ndim >= 2:  # only weights, not biases
            g += wd * p

# %% 6. dropout
def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    # in this case all elements are dropped out
    if dropout == 1:
        return np.zeros_like(X)
    # in this case all elements are kept
    if dropout == 0:
        return X
    mask = np.random.uniform(0, 1, X.shape) > dropout
    return mask.astype(np.float32) * X / (1.0 - dropout)


class Dropout:
    def __init__(self, p=0.5):
        self.p = p
        self.params, self.grads = [], []
        self.mask = None

    def forward(self, x, train=True):
        if train and self.p == 1:
            self.mask = np.zeros_like(x)
            return x * self.mask
        if train and self.p > 0:
            self.mask = (np.random.uniform(0, 1, x.shape) > self.p) / (1.0 - self.p)
            return x * self.mask
        self.mask = None
        return x

    def backward(self, dout):
        if self.mask is None:
            return dout
        return dout * self.mask

# %% 7. numerical stability and initialisation
def sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def xavier_uniform(fan_in, fan_out):
    a = math.sqrt(6 / (fan_in + fan_out))
    return np.random.uniform(-a, a, (fan_in, fan_out))


def xavier_normal(fan_in, fan_out):
    std = math.sqrt(2 / (fan_in + fan_out))
    return np.random.normal(0, std, (fan_in, fan_out))

# %%
W = xavier_uniform(300, 500)
print(W.shape, W.var(), 2 / 800)


# %%
def distinct_units(W, b, tol=1e-6):
    units = np.vstack([W, np.reshape(b, (1, -1))]).T   # one row per hidden unit
    representatives = []
    for unit in units:
        if not any(np.abs(unit - r).max() <= tol for r in representatives):
            representatives.append(unit)
    return len(representatives)
