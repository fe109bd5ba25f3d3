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
# `gradient_descent` keeps the visited points (for plotting) in a module-level list and
# returns the end point; `numerical_gradient` takes h as a keyword.

# %%
last_path = []


def sum_squared_error(y, t):
    return 0.5 * np.sum((y - t) * (y - t))


def cross_entropy_error(y, t):
    y2 = y.reshape(1, -1) if y.ndim == 1 else y
    t2 = t.reshape(1, -1) if t.ndim == 1 and t.size == y.size else t
    labels = t2.argmax(axis=1) if t2.ndim == 2 else t2
    n = y2.shape[0]
    return -np.sum(np.log(y2[np.arange(n), labels] + 1e-7)) / n


def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x, h=1e-4):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        i = it.multi_index
        v = float(x[i])
        x[i] = v + h
        a = f(x)
        x[i] = v - h
        b = f(x)
        x[i] = v
        grad[i] = (a - b) / (2 * h)
        it.iternext()
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    last_path.clear()
    x = init_x.copy()
    for _ in range(step_num):
        last_path.append(x.copy())
        x = x - lr * numerical_gradient(f, x)
    last_path.append(x.copy())
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
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        for name, shape in (("W1", (input_size, hidden_size)), ("W2", (hidden_size, output_size))):
            self.params[name] = weight_init_std * np.random.randn(*shape)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["b2"] = np.zeros(output_size)

    def predict(self, x):
        return softmax(sigmoid(x @ self.params["W1"] + self.params["b1"]) @ self.params["W2"] + self.params["b2"])

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        t = t if t.ndim == 1 else t.argmax(axis=1)
        return np.sum(self.predict(x).argmax(axis=1) == t) / x.shape[0]

    def numerical_gradient(self, x, t):
        return {k: numerical_gradient(lambda W: self.loss(x, t), self.params[k]) for k in ("W1", "b1", "W2", "b2")}

    def gradient(self, x, t):
        p = self.params
        z1 = sigmoid(x @ p["W1"] + p["b1"])
        y = softmax(z1 @ p["W2"] + p["b2"])
        onehot = np.zeros_like(y)
        onehot[np.arange(len(y)), t if t.ndim == 1 else t.argmax(axis=1)] = 1
        dy = (y - onehot) / len(x)
        dh = (dy @ p["W2"].T) * z1 * (1 - z1)
        return {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": z1.T @ dy, "b2": dy.sum(axis=0)}


def train(network, x, t, iters_num=1000, batch_size=100, learning_rate=0.1, numerical=False):
    out = []
    for _ in range(iters_num):
        m = np.random.choice(x.shape[0], batch_size)
        g = network.numerical_gradient(x[m], t[m]) if numerical else network.gradient(x[m], t[m])
        for k in ("W1", "b1", "W2", "b2"):
            network.params[k] -= learning_rate * g[k]
        out.append(float(network.loss(x[m], t[m])))
    return out


# %%
end = gradient_descent(function_2, np.array([-3.0, 4.0]), lr=0.1, step_num=20)
path = np.array(last_path)
plt.plot(path[:, 0], path[:, 1], "o-")
plt.show()


# %%
def chain_rule(x, y):
    # forward
    t = x + y
    z = t ** 2
    # backward: local derivatives, multiplied
    dz_dt = 2 * t
    return z, dz_dt * 1.0, dz_dt * 1.0
