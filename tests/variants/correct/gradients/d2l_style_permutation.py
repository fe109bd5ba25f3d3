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
# D2L habits: `X`/`y` names, minibatches drawn without replacement from a permutation,
# parameters updated with `param[:] = ...` (in place).

# %%
def sum_squared_error(y_hat, y):
    return ((y_hat - y) ** 2).sum() / 2


def cross_entropy_error(y_hat, y):
    if y_hat.ndim == 1:
        y_hat = y_hat.reshape(1, -1)
        y = y.reshape(1, -1)
    if y.ndim == 2:
        y = y.argmax(axis=1)
    return float(-np.log(y_hat[np.arange(len(y_hat)), y] + 1e-7).mean())


def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x, h=1e-4):
    grad = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        up = f(x)
        x[idx] = old - h
        down = f(x)
        x[idx] = old
        grad[idx] = (up - down) / (2 * h)
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for epoch in range(step_num):
        x[:] = x - lr * numerical_gradient(f, x)
    return x


class simpleNet:
    def __init__(self):
        self.W = np.random.normal(0, 1, (2, 3))

    def predict(self, X):
        return np.dot(X, self.W)

    def loss(self, X, y):
        return cross_entropy_error(softmax(self.predict(X)), y)

    def numerical_gradient(self, X, y):
        return numerical_gradient(lambda W: self.loss(X, y), self.W)


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {"W1": np.random.randn(input_size, hidden_size) * weight_init_std,
                       "b1": np.zeros(hidden_size),
                       "W2": np.random.randn(hidden_size, output_size) * weight_init_std,
                       "b2": np.zeros(output_size)}

    def net(self, X):
        H = sigmoid(np.dot(X, self.params["W1"]) + self.params["b1"])
        return H, np.dot(H, self.params["W2"]) + self.params["b2"]

    def predict(self, X):
        return softmax(self.net(X)[1])

    def loss(self, X, y):
        return cross_entropy_error(self.predict(X), y)

    def accuracy(self, X, y):
        y = y if y.ndim == 1 else y.argmax(axis=1)
        return float((self.predict(X).argmax(axis=1) == y).sum()) / len(y)

    def numerical_gradient(self, X, y):
        return {name: numerical_gradient(lambda _: self.loss(X, y), param) for name, param in self.params.items()}

    def gradient(self, X, y):
        H, O = self.net(X)
        Y_hat = softmax(O)
        Y = y if y.ndim == 2 else np.eye(O.shape[1])[y]
        dO = (Y_hat - Y) / len(X)
        dH = np.dot(dO, self.params["W2"].T) * H * (1 - H)
        return {"W2": np.dot(H.T, dO), "b2": dO.sum(axis=0),
                "W1": np.dot(X.T, dH), "b1": dH.sum(axis=0)}


def train(network, x, t, iters_num=1000, batch_size=100, learning_rate=0.1, numerical=False):
    losses = []
    for _ in range(iters_num):
        indices = np.random.permutation(len(x))[:batch_size]
        X, y = x[indices], t[indices]
        grads = network.numerical_gradient(X, y) if numerical else network.gradient(X, y)
        for name, param in network.params.items():
            param[:] = param - learning_rate * grads[name]
        losses.append(network.loss(X, y))
    return losses


# %%
class ChainAddNode:
    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout * 1, dout * 1


class ChainSquareNode:
    def forward(self, t):
        self.t = t
        return t ** 2

    def backward(self, dout):
        return dout * 2 * self.t


def chain_rule(x, y):
    add, square = ChainAddNode(), ChainSquareNode()
    z = square.forward(add.forward(x, y))
    dx, dy = add.backward(square.backward(1.0))
    return z, dx, dy
