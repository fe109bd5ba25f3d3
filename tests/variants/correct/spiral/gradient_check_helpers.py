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


# %%
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        orig = x[idx].item()
        x[idx] = orig + h
        fp = float(f())
        x[idx] = orig - h
        fm = float(f())
        x[idx] = orig
        grad[idx] = (fp - fm) / (2 * h)
    return grad


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, dtype=np.float64):
        I, H, O = input_size, hidden_size, output_size
        W1 = (0.01 * np.random.randn(I, H)).astype(dtype)
        b1 = np.zeros(H, dtype=dtype)
        W2 = (0.01 * np.random.randn(H, O)).astype(dtype)
        b2 = np.zeros(O, dtype=dtype)
        self.layers = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.loss_layer = SoftmaxWithLoss()
        self.params, self.grads = [], []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def forward(self, x, t):
        return self.loss_layer.forward(self.predict(x), t)

    def backward(self, dout=1):
        dout = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    # extra helpers for my own checks
    def accuracy(self, x, t):
        y = self.predict(x).argmax(axis=1)
        if t.ndim != 1:
            t = t.argmax(axis=1)
        return float((y == t).mean())

    def gradient_check(self, x, t):
        self.forward(x, t)
        self.backward()
        analytic = [g.copy() for g in self.grads]
        diffs = []
        for p, g in zip(self.params, analytic):
            num = numerical_gradient(lambda: self.forward(x, t), p)
            diffs.append(float(np.abs(num - g).max()))
        return diffs


def clip_grads(grads, max_norm):
    total_norm = np.sqrt(sum(float((g ** 2).sum()) for g in grads))
    rate = max_norm / (total_norm + 1e-6)
    if rate < 1:
        for g in grads:
            g *= rate


class Trainer:
    def __init__(self, model, optimizer):
        self.model = model
        self.optimizer = optimizer
        self.loss_list = []
        self.eval_interval = None
        self.current_epoch = 0

    def _batches(self, x, t, batch_size):
        idx = np.random.permutation(len(x))
        x, t = x[idx], t[idx]
        for i in range(len(x) // batch_size):
            yield i, x[i * batch_size:(i + 1) * batch_size], t[i * batch_size:(i + 1) * batch_size]

    def _step(self, batch_x, batch_t, max_grad):
        loss = self.model.forward(batch_x, batch_t)
        self.model.backward()
        if max_grad is not None:
            clip_grads(self.model.grads, max_grad)
        self.optimizer.update(self.model.params, self.model.grads)
        return float(loss)

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20):
        self.eval_interval = eval_interval
        total, count = 0.0, 0
        for _ in range(max_epoch):
            for iters, bx, bt in self._batches(x, t, batch_size):
                total += self._step(bx, bt, max_grad)
                count += 1
                if eval_interval is not None and iters % eval_interval == 0:
                    self.loss_list.append(total / count)
                    total, count = 0.0, 0
            self.current_epoch += 1

    def plot(self, ylim=None):
        fig, ax = plt.subplots()
        ax.plot(self.loss_list)
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.set_xlabel(f"iterations (x{self.eval_interval})")
        ax.set_ylabel("loss")
        return fig


# %%
x, t = load_data()
net = TwoLayerNet(2, 10, 3)
print("max |numerical - analytic| per parameter:", net.gradient_check(x[:10], t[:10]))
trainer = Trainer(net, SGD(lr=1.0))
trainer.fit(x, t, max_epoch=300, batch_size=30, eval_interval=10)
print("train accuracy", net.accuracy(x, t))


# %%
def overfit_tiny(model, optimizer, x, t, steps=200):
    losses = []
    for step in range(steps):
        loss = model.forward(x, t)
        model.backward()
        optimizer.update(model.params, model.grads)
        losses.append(float(loss))
    return losses
