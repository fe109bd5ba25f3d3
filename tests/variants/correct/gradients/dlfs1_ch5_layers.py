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
# Losses, numerical differentiation and gradient descent as in chapter 4; `TwoLayerNet.gradient`
# by backpropagation through layer objects kept in an OrderedDict (chapter 5's design).

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
    grad = np.zeros_like(x, dtype=np.float64)
    for idx in np.ndindex(*x.shape):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for _ in range(step_num):
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
        def f(W):
            return self.loss(x, t)
        return numerical_gradient(f, self.W)


# %%
class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T)


class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class SoftmaxWithLoss:
    def __init__(self):
        self.y = self.t = None

    def forward(self, x, t):
        self.t = t if t.ndim == 1 else t.argmax(axis=1)
        self.y = softmax(x)
        return cross_entropy_error(self.y, self.t)

    def backward(self, dout=1):
        n = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        return dx * dout / n


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

        # the layers hold the very arrays of self.params
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
        self.layers["Sigmoid1"] = Sigmoid()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.lastLayer = SoftmaxWithLoss()

    def scores(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def predict(self, x):
        return softmax(self.scores(x))

    def loss(self, x, t):
        return self.lastLayer.forward(self.scores(x), t)

    def accuracy(self, x, t):
        y = np.argmax(self.scores(x), axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)
        return {key: numerical_gradient(loss_W, self.params[key]) for key in ("W1", "b1", "W2", "b2")}

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        return {"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
                "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db}


def train(network, x, t, iters_num=1000, batch_size=100, learning_rate=0.1, numerical=False):
    train_loss_list = []
    train_size = x.shape[0]
    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch, t_batch = x[batch_mask], t[batch_mask]
        grad = network.numerical_gradient(x_batch, t_batch) if numerical else network.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]
        train_loss_list.append(float(network.loss(x_batch, t_batch)))
    return train_loss_list


# %%
(x_train, t_train), (x_test, t_test) = load_digits_data(one_hot_label=True)
net = TwoLayerNet(64, 50, 10)
x_batch, t_batch = x_train[:3], t_train[:3]
grad_numerical = net.numerical_gradient(x_batch, t_batch)
grad_backprop = net.gradient(x_batch, t_batch)
for key in grad_numerical.keys():
    diff = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))
    print(key + ":" + str(diff))


# %%
def chain_rule(x, y):
    # forward
    t = x + y
    z = t ** 2
    # backward: local derivatives, multiplied
    dz_dt = 2 * t
    return z, dz_dt * 1.0, dz_dt * 1.0
