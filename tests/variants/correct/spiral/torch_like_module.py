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
# A PyTorch-flavoured model: `named_parameters()`, `zero_grad()`, `__call__`, `train()/eval()`
# flags, on top of the params/grads lists the course's optimizers need.

# %%
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, dtype=np.float64):
        super().__init__()
        self.training = True
        self.fc1 = Affine((0.01 * np.random.randn(input_size, hidden_size)).astype(dtype),
                          np.zeros(hidden_size, dtype=dtype))
        self.act = Sigmoid()
        self.fc2 = Affine((0.01 * np.random.randn(hidden_size, output_size)).astype(dtype),
                          np.zeros(output_size, dtype=dtype))
        self.criterion = SoftmaxWithLoss()
        self.params = [*self.fc1.params, *self.fc2.params]
        self.grads = [*self.fc1.grads, *self.fc2.grads]

    def named_parameters(self):
        return list(zip(["fc1.W", "fc1.b", "fc2.W", "fc2.b"], self.params))

    def zero_grad(self):
        for g in self.grads:
            g[...] = 0

    def train(self, mode=True):
        self.training = mode
        return self

    def eval(self):
        return self.train(False)

    def __call__(self, x):
        return self.predict(x)

    def predict(self, x):
        return self.fc2.forward(self.act.forward(self.fc1.forward(x)))

    def forward(self, x, t):
        return self.criterion.forward(self.predict(x), t)

    def backward(self, dout=1):
        dout = self.criterion.backward(dout)
        dout = self.fc2.backward(dout)
        dout = self.act.backward(dout)
        return self.fc1.backward(dout)


def clip_grads(grads, max_norm):
    total_norm = math.sqrt(sum(float((g.astype(np.float64) ** 2).sum()) for g in grads))
    clip_coef = max_norm / (total_norm + 1e-6)
    if clip_coef < 1:
        for g in grads:
            g *= clip_coef


class Trainer:
    def __init__(self, model, optimizer, callbacks=()):
        self.model = model
        self.optimizer = optimizer
        self.callbacks = list(callbacks)
        self.loss_list = []
        self.eval_interval = None
        self.current_epoch = 0

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20):
        self.eval_interval = eval_interval
        self.model.train()
        n = len(x)
        running, count = 0.0, 0
        for epoch in range(max_epoch):
            order = np.random.permutation(n)
            for step in range(n // batch_size):
                batch = order[step * batch_size:(step + 1) * batch_size]
                self.model.zero_grad()
                loss = self.model.forward(x[batch], t[batch])
                self.model.backward()
                if max_grad is not None:
                    clip_grads(self.model.grads, max_grad)
                self.optimizer.update(self.model.params, self.model.grads)
                running += float(loss)
                count += 1
                if eval_interval is not None and step % eval_interval == 0:
                    self.loss_list.append(running / count)
                    running, count = 0.0, 0
            self.current_epoch += 1
            for callback in self.callbacks:
                callback(self)
        self.model.eval()
        return self

    def plot(self, ylim=None):
        fig, ax = plt.subplots()
        ax.plot(self.loss_list, label="train")
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.set_xlabel(f"iterations (x{self.eval_interval})")
        ax.set_ylabel("loss")
        ax.legend()
        return fig


# %%
x, t = load_data()
model = TwoLayerNet(2, 10, 3)
log = lambda tr: print(tr.current_epoch, round(tr.loss_list[-1], 3)) if tr.current_epoch % 100 == 0 else None
Trainer(model, SGD(lr=1.0), callbacks=[log]).fit(x, t, max_epoch=300, batch_size=30, eval_interval=10).plot()
print(dict(model.named_parameters())["fc2.b"])


# %%
def overfit_tiny(model, optimizer, x, t, steps=200):
    losses = []
    for step in range(steps):
        loss = model.forward(x, t)
        model.backward()
        optimizer.update(model.params, model.grads)
        losses.append(float(loss))
    return losses
