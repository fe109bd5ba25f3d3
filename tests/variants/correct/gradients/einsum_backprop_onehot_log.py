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
# Cross entropy with the one-hot formula E = -sum t log(y) / N (labels are turned into one-hot
# rows first); the analytic gradient written with einsum.

# %%
def sum_squared_error(y, t):
    return 0.5 * np.sum(np.square(y - t))


def cross_entropy_error(y, t):
    y = np.atleast_2d(y)
    t = np.atleast_2d(t) if np.ndim(t) > 1 or np.size(t) == y.size else np.reshape(t, (-1,))
    if t.ndim == 1:
        t = np.eye(y.shape[1])[t]
    return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]


def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        keep = x[i].item()
        x[i] = keep + h
        fp = f(x)
        x[i] = keep - h
        fm = f(x)
        x[i] = keep
        grad[i] = (fp - fm) / (2 * h)
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
        return np.einsum("...i,ij->...j", x, self.W)

    def loss(self, x, t):
        return cross_entropy_error(softmax(self.predict(x)), t)

    def numerical_gradient(self, x, t):
        return numerical_gradient(lambda W: self.loss(x, t), self.W)


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

    def predict(self, x):
        z1 = sigmoid(np.einsum("ni,ih->nh", x, self.params["W1"]) + self.params["b1"]) if x.ndim == 2 \
            else sigmoid(x @ self.params["W1"] + self.params["b1"])
        return softmax(z1 @ self.params["W2"] + self.params["b2"])

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        labels = np.argmax(t, axis=1) if t.ndim != 1 else t
        return np.sum(np.argmax(self.predict(x), axis=1) == labels) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        f = lambda W: self.loss(x, t)
        return {key: numerical_gradient(f, self.params[key]) for key in ("W1", "b1", "W2", "b2")}

    def gradient(self, x, t):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        z1 = sigmoid(np.einsum("ni,ih->nh", x, W1) + b1)
        y = softmax(np.einsum("nh,ho->no", z1, W2) + b2)
        T = np.eye(y.shape[1])[t] if t.ndim == 1 else t
        dy = (y - T) / x.shape[0]
        da1 = np.einsum("no,ho->nh", dy, W2) * z1 * (1 - z1)
        return {"W1": np.einsum("ni,nh->ih", x, da1), "b1": np.einsum("nh->h", da1),
                "W2": np.einsum("nh,no->ho", z1, dy), "b2": np.einsum("no->o", dy)}


def train(network, x, t, iters_num=1000, batch_size=100, learning_rate=0.1, numerical=False):
    train_loss_list = []
    for i in range(iters_num):
        batch_mask = np.random.choice(x.shape[0], batch_size)
        x_batch, t_batch = x[batch_mask], t[batch_mask]
        grad = network.numerical_gradient(x_batch, t_batch) if numerical else network.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]
        train_loss_list.append(float(network.loss(x_batch, t_batch)))
    return train_loss_list


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
