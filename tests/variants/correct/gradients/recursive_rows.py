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
# The first printing of the book computes the gradient of a matrix row by row; I made it
# recursive so that it works for any number of dimensions. Each row is a view into x, so
# perturbing it perturbs x, and f is always evaluated on the whole array.

# %%
def sum_squared_error(y, t):
    return np.sum((y - t) ** 2) / 2


def cross_entropy_error(y, t):
    delta = 1e-7
    if y.ndim == 1:
        y = y.reshape(1, -1)
        t = t.reshape(1, -1)
    batch_size = y.shape[0]
    if t.shape != y.shape:                      # labels -> one-hot
        t = np.eye(y.shape[1])[t.reshape(-1)]
    return -np.sum(t * np.log(y + delta)) / batch_size


def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / (2 * h)


def _numerical_gradient_no_batch(evaluate, x):
    """Central differences of evaluate() for every element of the 1-D view x."""
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = evaluate()
        x[idx] = tmp_val - h
        fxh2 = evaluate()
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad


def _rows(evaluate, X):
    if X.ndim == 1:
        return _numerical_gradient_no_batch(evaluate, X)
    grad = np.zeros_like(X)
    for idx, x in enumerate(X):          # x is a view of one row of X
        grad[idx] = _rows(evaluate, x)
    return grad


def numerical_gradient(f, X):
    return _rows(lambda: f(X), X)


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for i in range(step_num):
        grad = numerical_gradient(f, x)
        x -= lr * grad
    return x


# %%
class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def predict(self, x):
        return x @ self.W

    def loss(self, x, t):
        return cross_entropy_error(softmax(self.predict(x)), t)

    def numerical_gradient(self, x, t):
        return numerical_gradient(lambda W: self.loss(x, t), self.W)


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def _forward(self, x):
        p = self.params
        a1 = x @ p["W1"] + p["b1"]
        z1 = sigmoid(a1)
        y = softmax(z1 @ p["W2"] + p["b2"])
        return a1, z1, y

    def predict(self, x):
        return self._forward(x)[2]

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        labels = t if t.ndim == 1 else t.argmax(axis=1)
        return float(np.mean(self.predict(x).argmax(axis=1) == labels))

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)
        return {key: numerical_gradient(loss_W, value) for key, value in self.params.items()}

    def gradient(self, x, t):
        a1, z1, y = self._forward(x)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        dy = (y - t) / x.shape[0]
        dz1 = dy @ self.params["W2"].T
        da1 = dz1 * z1 * (1 - z1)
        return {"W1": x.T @ da1, "b1": da1.sum(axis=0), "W2": z1.T @ dy, "b2": dy.sum(axis=0)}


def train(network, x, t, iters_num=1000, batch_size=100, learning_rate=0.1, numerical=False):
    losses = []
    for _ in range(iters_num):
        mask = np.random.choice(x.shape[0], batch_size)
        xb, tb = x[mask], t[mask]
        grads = network.numerical_gradient(xb, tb) if numerical else network.gradient(xb, tb)
        for key, g in grads.items():
            network.params[key] -= learning_rate * g
        losses.append(float(network.loss(xb, tb)))
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
