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
# The network caches its forward pass (`self._cache`) so `gradient` does not recompute it by
# hand, and all the small pieces are helper functions with docstrings.

# %%
def sum_squared_error(y, t):
    """E = 1/2 * sum_k (y_k - t_k)^2"""
    return 0.5 * np.sum((y - t) ** 2)


def to_labels(t):
    """One-hot rows (N, C) -> labels (N,); labels unchanged."""
    t = np.asarray(t)
    return t.argmax(axis=1) if t.ndim == 2 else t.reshape(-1)


def cross_entropy_error(y, t):
    """Mean of -log y[correct class] (+1e-7 against log 0)."""
    if y.ndim == 1:                    # one sample: t is a one-hot row or one label
        t = t.reshape(1, -1) if np.size(t) == y.size else np.reshape(t, -1)
        y = y.reshape(1, -1)
    labels = to_labels(t)
    return -np.mean(np.log(y[np.arange(y.shape[0]), labels] + 1e-7))


def numerical_diff(f, x):
    """Central difference (f(x+h) - f(x-h)) / 2h with h = 1e-4."""
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x):
    """Central differences for every element of x, perturbing x in place and restoring it."""
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        saved = x[idx]
        x[idx] = saved + h
        f_plus = f(x)
        x[idx] = saved - h
        f_minus = f(x)
        x[idx] = saved
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    """x <- x - lr * grad f(x), step_num times."""
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
        return numerical_gradient(lambda W: self.loss(x, t), self.W)


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)
        self._cache = None

    def _forward(self, x):
        p = self.params
        z1 = sigmoid(np.dot(x, p["W1"]) + p["b1"])
        y = softmax(np.dot(z1, p["W2"]) + p["b2"])
        self._cache = (x, z1, y)
        return y

    def predict(self, x):
        return self._forward(x)

    def loss(self, x, t):
        return cross_entropy_error(self._forward(x), t)

    def accuracy(self, x, t):
        y = self.predict(x)
        return float(np.mean(y.argmax(axis=1) == to_labels(t)))

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)
        return {key: numerical_gradient(loss_W, self.params[key]) for key in self.params}

    def gradient(self, x, t):
        self._forward(x)
        x, z1, y = self._cache
        n = x.shape[0]
        dy = y.copy()
        dy[np.arange(n), to_labels(t)] -= 1
        dy /= n
        da1 = np.dot(dy, self.params["W2"].T) * z1 * (1 - z1)
        return {"W1": np.dot(x.T, da1), "b1": da1.sum(axis=0),
                "W2": np.dot(z1.T, dy), "b2": dy.sum(axis=0)}


def train(network, x, t, iters_num=1000, batch_size=100, learning_rate=0.1, numerical=False):
    history = []
    compute = network.numerical_gradient if numerical else network.gradient
    for _ in range(iters_num):
        mask = np.random.choice(x.shape[0], batch_size)
        grads = compute(x[mask], t[mask])
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grads[key]
        history.append(float(network.loss(x[mask], t[mask])))
    return history


# %%
def chain_rule(x, y):
    # forward
    t = x + y
    z = t ** 2
    # backward: local derivatives, multiplied
    dz_dt = 2 * t
    return z, dz_dt * 1.0, dz_dt * 1.0
