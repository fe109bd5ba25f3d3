# %%
%matplotlib inline
import time
import numpy as np
import matplotlib.pyplot as plt

# %%
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(a):
    """Softmax over the last axis."""
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)


def function_1(x):
    return 0.01 * x ** 2 + 0.1 * x


def function_2(x):
    return np.sum(x ** 2)


def function_3(x):
    return np.sum(x ** 2) + 0.5 * np.sum(x) ** 2


from sklearn.datasets import load_digits


def load_digits_data(normalize=True, one_hot_label=False, test_size=500, seed=0):
    """(x_train, t_train), (x_test, t_test): scikit-learn's 8x8 digits, split by a fixed permutation."""
    digits = load_digits()
    x, t = digits.data, digits.target
    if normalize:
        x = x / 16.0
    if one_hot_label:
        t = np.eye(10, dtype=int)[t]
    order = np.random.RandomState(seed).permutation(len(x))
    train, test = order[:-test_size], order[-test_size:]
    return (x[train], t[train]), (x[test], t[test])


# %% [markdown]
# `numerical_gradient` walks the elements through `x.flat` (works for any shape and writes
# into x itself); `gradient_descent` works on a copy and leaves the caller's start point alone.

# %%
def sum_squared_error(y, t):
    diff = y - t
    return 0.5 * float(np.dot(diff.ravel(), diff.ravel()))


def cross_entropy_error(y, t):
    y2 = np.atleast_2d(y)
    n = y2.shape[0]
    labels = np.atleast_2d(t).argmax(axis=1) if np.size(t) == y2.size else np.ravel(t)
    return -np.log(y2[np.arange(n), labels] + 1e-7).sum() / n


def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / (h + h)


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros(x.shape)
    for i in range(x.size):
        original = x.flat[i]
        x.flat[i] = original + h
        plus = f(x)
        x.flat[i] = original - h
        minus = f(x)
        x.flat[i] = original
        grad.flat[i] = (plus - minus) / (2 * h)
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)      # work on a copy
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x


# %%
class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def predict(self, x):
        return x.dot(self.W)

    def loss(self, x, t):
        return cross_entropy_error(softmax(self.predict(x)), t)

    def numerical_gradient(self, x, t):
        return numerical_gradient(lambda _: self.loss(x, t), self.W)


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = dict()
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

    def predict(self, x):
        h = sigmoid(x.dot(self.params["W1"]) + self.params["b1"])
        return softmax(h.dot(self.params["W2"]) + self.params["b2"])

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        y = self.predict(x).argmax(axis=1)
        t = t.argmax(axis=1) if t.ndim > 1 else t
        return np.mean(y == t)

    def numerical_gradient(self, x, t):
        grads = {}
        for key, value in self.params.items():
            grads[key] = numerical_gradient(lambda _: self.loss(x, t), value)
        return grads

    def gradient(self, x, t):
        p = self.params
        n = x.shape[0]
        a1 = x.dot(p["W1"]) + p["b1"]
        z1 = sigmoid(a1)
        y = softmax(z1.dot(p["W2"]) + p["b2"])
        labels = t.argmax(axis=1) if t.ndim > 1 else t
        dy = y.copy()
        dy[np.arange(n), labels] -= 1       # y - onehot(t)
        dy /= n
        da1 = dy.dot(p["W2"].T) * z1 * (1 - z1)
        return {"W1": x.T.dot(da1), "b1": da1.sum(axis=0), "W2": z1.T.dot(dy), "b2": dy.sum(axis=0)}


def train(network, x, t, iters_num=1000, batch_size=100, learning_rate=0.1, numerical=False):
    losses = []
    for it in range(iters_num):
        idx = np.random.choice(len(x), batch_size)
        grad = (network.numerical_gradient if numerical else network.gradient)(x[idx], t[idx])
        for key in network.params:
            network.params[key] -= learning_rate * grad[key]
        losses.append(float(network.loss(x[idx], t[idx])))
    return losses


# %%
def chain_rule(x, y):
    t = np.add(x, y)
    dz_dt = np.multiply(2.0, t)
    return np.square(t), dz_dt, dz_dt.copy()


print(chain_rule(3.0, 0.5), numerical_diff(lambda v: (v + 0.5) ** 2, 3.0))
