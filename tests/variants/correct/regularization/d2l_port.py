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
# # Dive into Deep Learning, chapters 3-4, ported from MXNet to NumPy
# (as close to the book's code as the course's conventions allow)

# %%
import random


def synthetic_data(w, b, num_examples):  #@save
    """Generate y = Xw + b + noise."""
    w = np.asarray(w, dtype=float)
    X = np.random.normal(0, 1, (num_examples, len(w)))
    y = np.dot(X, w) + b
    y += np.random.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    # The examples are read at random, in no particular order
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = np.array(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):  #@save
    """The linear regression model."""
    return np.dot(X, w) + b


def squared_loss(y_hat, y):  #@save
    """Squared loss."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def linreg_grads(X, y, w, b):
    """Gradients of the summed squared loss (MXNet's autograd did this for the book)."""
    err = linreg(X, w, b) - y.reshape(-1, 1)
    return [np.dot(X.T, err), np.sum(err, axis=0).reshape(b.shape)]


def sgd(params, grads, lr, batch_size):  #@save
    """Minibatch stochastic gradient descent."""
    for param, grad in zip(params, grads):
        param[:] = param - lr * grad / batch_size


# %%
def softmax(X):
    X_exp = np.exp(X - X.max(axis=1, keepdims=True))
    partition = X_exp.sum(1, keepdims=True)
    return X_exp / partition  # The broadcasting mechanism is applied here


def cross_entropy(y_hat, y):
    return - np.log(y_hat[range(len(y_hat)), y])


class Accumulator:  #@save
    """For accumulating sums over `n` variables."""
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


def accuracy(y_hat, y):  #@save
    """Fraction of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.astype(y.dtype) == y
    metric = Accumulator(2)
    metric.add(float(cmp.astype(y.dtype).sum()), y.size)
    return metric[0] / metric[1]


# %%
class SoftmaxRegression:
    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        self.W = np.random.normal(0, sigma, (num_inputs, num_outputs))
        self.b = np.zeros(num_outputs)
        self.params = [self.W, self.b]
        self.grads = [np.zeros_like(self.W), np.zeros_like(self.b)]

    def predict(self, X):
        return np.dot(X.reshape((-1, self.W.shape[0])), self.W) + self.b

    def forward(self, X, y):
        self.X, self.y = X, y
        self.y_hat = softmax(self.predict(X))
        return float(cross_entropy(self.y_hat, y).mean())

    def backward(self):
        n = len(self.y)
        dO = self.y_hat.copy()
        dO[range(n), self.y] -= 1
        dO /= n
        self.grads[0][:] = np.dot(self.X.T, dO)
        self.grads[1][:] = dO.sum(axis=0)


def relu(X):
    return np.maximum(X, 0)


class MLP:
    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
        self.num_inputs = num_inputs
        W1 = np.random.normal(scale=sigma, size=(num_inputs, num_hiddens))
        b1 = np.zeros(num_hiddens)
        W2 = np.random.normal(scale=sigma, size=(num_hiddens, num_outputs))
        b2 = np.zeros(num_outputs)
        self.params = [W1, b1, W2, b2]
        self.grads = [np.zeros_like(p) for p in self.params]

    def predict(self, X):
        W1, b1, W2, b2 = self.params
        X = X.reshape((-1, self.num_inputs))
        H = relu(np.dot(X, W1) + b1)
        return np.dot(H, W2) + b2

    def forward(self, X, y):
        W1, b1, W2, b2 = self.params
        self.X, self.y = X, y
        self.Z = np.dot(X, W1) + b1
        self.H = relu(self.Z)
        self.y_hat = softmax(np.dot(self.H, W2) + b2)
        return float(cross_entropy(self.y_hat, y).mean())

    def backward(self):
        W1, b1, W2, b2 = self.params
        n = len(self.y)
        dO = self.y_hat.copy()
        dO[range(n), self.y] -= 1
        dO /= n
        self.grads[2][:] = np.dot(self.H.T, dO)
        self.grads[3][:] = dO.sum(axis=0)
        dZ = np.dot(dO, W2.T) * (self.Z > 0)
        self.grads[0][:] = np.dot(self.X.T, dZ)
        self.grads[1][:] = dZ.sum(axis=0)


# %%
def poly_features(x, max_degree):
    features = np.power(np.asarray(x, dtype=float).reshape(-1, 1), np.arange(max_degree).reshape(1, -1))
    for i in range(max_degree):
        features[:, i] /= math.gamma(i + 1)  # `gamma(n)` = (n-1)!
    return features


def l2_penalty(w):
    return (w ** 2).sum() / 2


def apply_weight_decay(params, grads, wd):
    for param, grad in zip(params, grads):
        if param.ndim >= 2:           # weights only, biases are not decayed
            grad += wd * param


# %%
def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    # In this case, all elements are dropped out
    if dropout == 1:
        return np.zeros_like(X)
    # In this case, all elements are kept
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
        if train and self.p > 0:
            if self.p == 1:
                self.mask = np.zeros_like(x)
            else:
                self.mask = (np.random.uniform(0, 1, x.shape) > self.p) / (1.0 - self.p)
            return x * self.mask
        self.mask = None
        return x.copy()

    def backward(self, dout):
        return dout.copy() if self.mask is None else dout * self.mask


# %%
def sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def xavier_uniform(fan_in, fan_out):
    bound = math.sqrt(6 / (fan_in + fan_out))
    return np.random.uniform(-bound, bound, (fan_in, fan_out))


def xavier_normal(fan_in, fan_out):
    return np.random.normal(0, math.sqrt(2 / (fan_in + fan_out)), (fan_in, fan_out))


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
true_w, true_b = np.array([2, -3.4]), 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
lr, num_epochs = 0.03, 3
w = np.random.normal(0, 0.01, (2, 1))
b = np.zeros(1)
for epoch in range(num_epochs):
    for X, y in data_iter(10, features, labels):
        sgd([w, b], linreg_grads(X, y, w, b), lr, 10)
    train_l = squared_loss(linreg(features, w, b), labels)
    print(f'epoch {epoch + 1}, loss {float(train_l.mean()):f}')

digits_data = load_digits_split()
net = MLP(64, 256, 10)
history = train(net, digits_data, num_epochs=10, lr=0.5, batch_size=64)
print(history["test_acc"][-1])


# %%
def distinct_units(W, b, tol=1e-6):
    units = np.vstack([W, np.reshape(b, (1, -1))]).T   # one row per hidden unit
    representatives = []
    for unit in units:
        if not any(np.abs(unit - r).max() <= tol for r in representatives):
            representatives.append(unit)
    return len(representatives)
