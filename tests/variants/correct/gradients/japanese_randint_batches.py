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
# ミニバッチは `np.random.randint` で選ぶ（復元抽出、`np.random.choice` と同じ分布）。
# 勾配は計算グラフを手で逆にたどる。

# %%
def sum_squared_error(y, t):
    return 0.5 * ((y - t) ** 2).sum()


def cross_entropy_error(y, t):
    if y.ndim == 1:
        y, t = y[np.newaxis, :], t[np.newaxis, :]
    if t.shape == y.shape:          # one-hot → ラベル
        t = t.argmax(axis=1)
    n = y.shape[0]
    return -np.log(y[np.arange(n), t] + 1e-7).sum() / n


def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        tmp = x[idx].copy()
        x[idx] = tmp + h
        fxh1 = f(x)
        x[idx] = tmp - h
        fxh2 = f(x)
        x[idx] = tmp
        grad[idx] = (fxh1 - fxh2) / (2 * h)
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
        def loss_w(w):
            return self.loss(x, t)
        return numerical_gradient(loss_w, self.W)


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

    def predict(self, x):
        z1 = sigmoid(x @ self.params["W1"] + self.params["b1"])
        return softmax(z1 @ self.params["W2"] + self.params["b2"])

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        if t.ndim != 1:
            t = t.argmax(axis=1)
        return float((self.predict(x).argmax(axis=1) == t).mean())

    def numerical_gradient(self, x, t):
        return {k: numerical_gradient(lambda _: self.loss(x, t), v) for k, v in self.params.items()}

    def gradient(self, x, t):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        n = x.shape[0]
        # 順伝播
        a1 = x @ W1 + b1
        z1 = sigmoid(a1)
        a2 = z1 @ W2 + b2
        y = softmax(a2)
        # 逆伝播（softmax + 交差エントロピー → (y - t) / N）
        t_onehot = np.eye(a2.shape[1])[t] if t.ndim == 1 else t
        da2 = (y - t_onehot) / n
        dz1 = da2 @ W2.T
        da1 = dz1 * (1.0 - z1) * z1
        return {"W1": x.T @ da1, "b1": da1.sum(0), "W2": z1.T @ da2, "b2": da2.sum(0)}


def train(network, x, t, iters_num=1000, batch_size=100, learning_rate=0.1, numerical=False):
    loss_list = []
    for i in range(iters_num):
        mask = np.random.randint(0, x.shape[0], batch_size)
        xb, tb = x[mask], t[mask]
        grads = network.numerical_gradient(xb, tb) if numerical else network.gradient(xb, tb)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grads[key]
        loss_list.append(network.loss(xb, tb).item())
    return loss_list


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
