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


# %%
from collections import OrderedDict


def sum_squared_error(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
        it.iternext()
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for i in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def predict(self, x):
        return np.dot(x, self.W)

    def loss(self, x, t):
        return cross_entropy_error(softmax(self.predict(x)), t)

    def numerical_gradient(self, x, t):
        return numerical_gradient(lambda W: self.loss(x, t), self.W)


# %% [markdown]
# Parameters in an OrderedDict so that they always come out in the order W1, b1, W2, b2.

# %%
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = OrderedDict()
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

    def predict(self, x):
        z1 = sigmoid(np.dot(x, self.params["W1"]) + self.params["b1"])
        return softmax(np.dot(z1, self.params["W2"]) + self.params["b2"])

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)
        grads = OrderedDict()
        for key in self.params:
            grads[key] = numerical_gradient(loss_W, self.params[key])
        return grads

    def gradient(self, x, t):
        W1, b1, W2, b2 = self.params.values()
        batch_num = x.shape[0]
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        y = softmax(np.dot(z1, W2) + b2)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        dy = (y - t) / batch_num
        grads = OrderedDict()
        da1 = np.dot(dy, W2.T) * (1.0 - z1) * z1
        grads["W1"] = np.dot(x.T, da1)
        grads["b1"] = np.sum(da1, axis=0)
        grads["W2"] = np.dot(z1.T, dy)
        grads["b2"] = np.sum(dy, axis=0)
        return grads


def train(network, x, t, iters_num=1000, batch_size=100, learning_rate=0.1, numerical=False):
    train_loss_list = []
    for i in range(iters_num):
        batch_mask = np.random.choice(x.shape[0], batch_size)
        x_batch, t_batch = x[batch_mask], t[batch_mask]
        if numerical:
            grad = network.numerical_gradient(x_batch, t_batch)
        else:
            grad = network.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]
        train_loss_list.append(float(network.loss(x_batch, t_batch)))
    return train_loss_list


# %%
def chain_rule(x, y):
    # forward
    t = x + y
    z = t ** 2
    # backward: local derivatives, multiplied
    dz_dt = 2 * t
    return z, dz_dt * 1.0, dz_dt * 1.0
