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
# D2L-style: a `data_iter` generator yields shuffled minibatches (dropping the last partial
# batch, so each epoch has len(x) // batch_size iterations), and `fit` just loops over it.

# %%
def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = np.random.permutation(num_examples)
    for i in range(0, num_examples - batch_size + 1, batch_size):
        batch_indices = indices[i:i + batch_size]
        yield features[batch_indices], labels[batch_indices]


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, dtype=np.float64):
        sizes = [(input_size, hidden_size), (hidden_size, output_size)]
        affines = [Affine((0.01 * np.random.randn(m, n)).astype(dtype), np.zeros(n, dtype=dtype))
                   for m, n in sizes]
        self.layers = [affines[0], Sigmoid(), affines[1]]
        self.loss_layer = SoftmaxWithLoss()
        self.params = [p for a in affines for p in a.params]
        self.grads = [g for a in affines for g in a.grads]

    def predict(self, X):
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def forward(self, X, y):
        return self.loss_layer.forward(self.predict(X), y)

    def backward(self, dout=1):
        dout = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout


def clip_grads(grads, max_norm):
    squares = [float((g ** 2).sum()) for g in grads]
    total_norm = sum(squares) ** 0.5
    rate = max_norm / (total_norm + 1e-6)
    if rate < 1:
        for g in grads:
            np.multiply(g, rate, out=g)


class Trainer:
    def __init__(self, model, optimizer):
        self.model = model
        self.optimizer = optimizer
        self.loss_list = []
        self.eval_interval = None
        self.current_epoch = 0

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20):
        self.eval_interval = eval_interval
        total, count = 0.0, 0
        for epoch in range(max_epoch):
            for it, (X, y) in enumerate(data_iter(batch_size, x, t)):
                l = self.model.forward(X, y)
                self.model.backward()
                if max_grad is not None:
                    clip_grads(self.model.grads, max_grad)
                self.optimizer.update(self.model.params, self.model.grads)
                total += float(l)
                count += 1
                if eval_interval is not None and it % eval_interval == 0:
                    self.loss_list.append(total / count)
                    total, count = 0.0, 0
            self.current_epoch += 1

    def plot(self, ylim=None):
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.plot(self.loss_list)
        if ylim:
            ax.set_ylim(*ylim)
        ax.set_xlabel(f"iterations (x{self.eval_interval})")
        ax.set_ylabel("loss")
        ax.grid(True)
        return fig


# %%
x, t = load_data()
net = TwoLayerNet(2, 10, 3)
trainer = Trainer(net, SGD(lr=1.0))
trainer.fit(x, t, max_epoch=300, batch_size=30, eval_interval=10)
trainer.plot()
plt.show()


# %%
def overfit_tiny(model, optimizer, x, t, steps=200):
    """CS231n's sanity check: a few examples, full batch, until the loss is ~0."""
    def step():
        loss = model.forward(x, t)
        model.backward()
        optimizer.update(model.params, model.grads)
        return float(loss)
    return [step() for _ in range(steps)]
