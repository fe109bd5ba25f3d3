# %%
%matplotlib inline
import math
import time
import numpy as np
import matplotlib.pyplot as plt


# %%
def load_data(seed=1984, points_per_class=100, classes=3):
    """x (N*C, 2) float64 and one-hot t (N*C, C) int32: the three-arm spiral."""
    rng = np.random.RandomState(seed)
    n = points_per_class
    x = np.zeros((n * classes, 2))
    t = np.zeros((n * classes, classes), dtype=np.int32)
    for j in range(classes):
        for i in range(n):
            rate = i / n
            radius = 1.0 * rate
            theta = j * 4.0 + 4.0 * rate + rng.randn() * 0.2
            x[n * j + i] = radius * np.sin(theta), radius * np.cos(theta)
            t[n * j + i, j] = 1
    return x, t


# %%
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None

    def forward(self, x):
        W, b = self.params
        self.x = x
        return x @ W + b

    def backward(self, dout):
        W, b = self.params
        self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return dout @ W.T


class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.y = softmax(x)
        self.t = t.argmax(axis=-1) if t.ndim > 1 else t
        n = x.shape[0]
        return float(-np.log(self.y[np.arange(n), self.t] + 1e-7).sum() / n)

    def backward(self, dout=1):
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        dx *= dout / n
        return dx


class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g


# %% [markdown]
# The Trainer owns a NumPy `Generator` for shuffling (host-side indices, like the book's
# `numpy.random.permutation`), so training runs are reproducible from one seed without
# touching the global `np.random` state.

# %%
import numpy  # host NumPy, for index shuffling only


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, dtype=np.float64):
        W1 = 0.01 * np.random.randn(input_size, hidden_size)
        b1 = np.zeros(hidden_size)
        W2 = 0.01 * np.random.randn(hidden_size, output_size)
        b2 = np.zeros(output_size)
        self.layers = [Affine(W1.astype(dtype), b1.astype(dtype)), Sigmoid(),
                       Affine(W2.astype(dtype), b2.astype(dtype))]
        self.loss_layer = SoftmaxWithLoss()
        self.params, self.grads = [], []
        for layer in self.layers:
            self.params.extend(layer.params)
            self.grads.extend(layer.grads)

    def predict(self, x):
        out = x
        for layer in self.layers:
            out = layer.forward(out)
        return out

    def forward(self, x, t):
        return self.loss_layer.forward(self.predict(x), t)

    def backward(self, dout=1):
        grad = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad


def clip_grads(grads, max_norm):
    norm = math.sqrt(sum(float(np.sum(g ** 2)) for g in grads))
    scale = max_norm / (norm + 1e-6)
    if scale < 1:
        for g in grads:
            g *= scale


class Trainer:
    def __init__(self, model, optimizer, seed=0):
        self.model = model
        self.optimizer = optimizer
        self.loss_list = []
        self.eval_interval = None
        self.current_epoch = 0
        self.rng = numpy.random.default_rng(seed)

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20):
        self.eval_interval = eval_interval
        n = len(x)
        total, count = 0.0, 0
        for _ in range(max_epoch):
            idx = self.rng.permutation(n)
            x, t = x[idx], t[idx]
            for it in range(n // batch_size):
                xb = x[it * batch_size:(it + 1) * batch_size]
                tb = t[it * batch_size:(it + 1) * batch_size]
                loss = self.model.forward(xb, tb)
                self.model.backward()
                if max_grad is not None:
                    clip_grads(self.model.grads, max_grad)
                self.optimizer.update(self.model.params, self.model.grads)
                total += float(loss)
                count += 1
                if eval_interval is not None and it % eval_interval == 0:
                    self.loss_list.append(total / count)
                    total, count = 0.0, 0
            self.current_epoch += 1

    def plot(self, ylim=None):
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(self.loss_list, label="train")
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.set_xlabel(f"iterations (x{self.eval_interval})")
        ax.set_ylabel("loss")
        ax.legend()
        return fig


# %%
x, t = load_data()
np.random.seed(3)
trainer = Trainer(TwoLayerNet(2, 10, 3), SGD(lr=1.0), seed=42)
trainer.fit(x, t, max_epoch=300, batch_size=30, eval_interval=10)
fig = trainer.plot(ylim=(0, 1.2))


# %%
def overfit_tiny(model, optimizer, x, t, steps=200):
    history = np.zeros(steps)
    step = 0
    while step < steps:
        history[step] = model.forward(x, t)
        model.backward()
        optimizer.update(model.params, model.grads)
        step += 1
    return history
