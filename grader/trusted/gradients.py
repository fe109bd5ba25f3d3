"""Helpers for the gradients checks: the first book's losses, numerical gradient and
dict-based two-layer network."""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(a):
    e = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def sum_squared_error(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t, y = t.reshape(1, t.size), y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    return -np.sum(np.log(y[np.arange(y.shape[0]), t] + 1e-7)) / y.shape[0]


def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        index = it.multi_index
        original = float(x[index])
        x[index] = original + h
        plus = f(x)
        x[index] = original - h
        minus = f(x)
        x[index] = original
        grad[index] = (plus - minus) / (2 * h)
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
        return x @ self.W

    def loss(self, x, t):
        return cross_entropy_error(softmax(self.predict(x)), t)

    def numerical_gradient(self, x, t):
        return numerical_gradient(lambda W: self.loss(x, t), self.W)


class TwoLayerNet:
    KEYS = ("W1", "b1", "W2", "b2")

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {"W1": weight_init_std * np.random.randn(input_size, hidden_size),
                       "b1": np.zeros(hidden_size),
                       "W2": weight_init_std * np.random.randn(hidden_size, output_size),
                       "b2": np.zeros(output_size)}

    def predict(self, x):
        z1 = sigmoid(x @ self.params["W1"] + self.params["b1"])
        return softmax(z1 @ self.params["W2"] + self.params["b2"])

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        return {key: numerical_gradient(lambda W: self.loss(x, t), self.params[key]) for key in self.KEYS}

    def gradient(self, x, t):
        W1, b1, W2, b2 = (self.params[key] for key in self.KEYS)
        z1 = sigmoid(x @ W1 + b1)
        y = softmax(z1 @ W2 + b2)
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        dy = (y - t) / x.shape[0]
        da1 = (dy @ W2.T) * z1 * (1 - z1)
        return {"W1": x.T @ da1, "b1": da1.sum(axis=0), "W2": z1.T @ dy, "b2": dy.sum(axis=0)}


def through_state(numerical_gradient, W):
    """numerical_gradient(f, W) for an f that reads W itself, not its argument, as the book's
    lambda W: net.loss(x, t) does: it works only when W is perturbed in place."""
    return numerical_gradient(lambda _: float(np.sum(W ** 2)), W)


ORDER = ["sum_squared_error", "cross_entropy_error", "numerical_diff", "chain_rule", "numerical_gradient", "gradient_descent",
         "simpleNet", "TwoLayerNet", "train"]
