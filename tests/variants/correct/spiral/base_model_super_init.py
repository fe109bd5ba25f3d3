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
# A `BaseModel` (as in the second book's later chapters) collects the layers' arrays and offers
# `predict`, `forward`, `backward` and saving; `TwoLayerNet` only builds its layers.

# %%
import pickle


class BaseModel:
    def __init__(self):
        self.layers = []
        self.loss_layer = None
        self.params, self.grads = [], []

    def _collect(self):
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def forward(self, x, t):
        score = self.predict(x)
        return self.loss_layer.forward(score, t)

    def backward(self, dout=1):
        dout = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def __call__(self, x):
        return self.predict(x)

    def save_params(self, file_name="params.pkl"):
        with open(file_name, "wb") as f:
            pickle.dump([p.astype(np.float16) for p in self.params], f)

    def load_params(self, file_name="params.pkl"):
        with open(file_name, "rb") as f:
            for p, saved in zip(self.params, pickle.load(f)):
                p[...] = saved


class TwoLayerNet(BaseModel):
    def __init__(self, input_size, hidden_size, output_size, dtype=np.float64):
        super().__init__()
        I, H, O = input_size, hidden_size, output_size
        W1 = (0.01 * np.random.randn(I, H)).astype(dtype)
        b1 = np.zeros(H, dtype=dtype)
        W2 = (0.01 * np.random.randn(H, O)).astype(dtype)
        b2 = np.zeros(O, dtype=dtype)
        self.layers = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.loss_layer = SoftmaxWithLoss()
        self._collect()


# %%
def clip_grads(grads, max_norm):
    total_norm = math.sqrt(sum(float(np.linalg.norm(g)) ** 2 for g in grads))
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

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20):
        data_size = len(x)
        max_iters = data_size // batch_size
        self.eval_interval = eval_interval
        total_loss, loss_count = 0.0, 0
        for epoch in range(max_epoch):
            idx = np.random.permutation(data_size)
            x, t = x[idx], t[idx]
            for iters in range(max_iters):
                batch_x = x[iters * batch_size:(iters + 1) * batch_size]
                batch_t = t[iters * batch_size:(iters + 1) * batch_size]
                loss = self.model.forward(batch_x, batch_t)
                self.model.backward()
                if max_grad is not None:
                    clip_grads(self.model.grads, max_grad)
                self.optimizer.update(self.model.params, self.model.grads)
                total_loss += loss
                loss_count += 1
                if eval_interval is not None and iters % eval_interval == 0:
                    self.loss_list.append(float(total_loss / loss_count))
                    total_loss, loss_count = 0.0, 0
            self.current_epoch += 1

    def plot(self, ylim=None):
        x = np.arange(len(self.loss_list))
        if ylim is not None:
            plt.ylim(*ylim)
        plt.plot(x, self.loss_list, label="train")
        plt.xlabel("iterations (x" + str(self.eval_interval) + ")")
        plt.ylabel("loss")
        plt.show()


# %%
x, t = load_data()
model = TwoLayerNet(2, 10, 3)
trainer = Trainer(model, SGD(lr=1.0))
trainer.fit(x, t, 300, 30, eval_interval=10)
model.save_params("spiral.pkl")
trainer.plot()


# %%
def overfit_tiny(model, optimizer, x, t, steps=200):
    losses = []
    for step in range(steps):
        loss = model.forward(x, t)
        model.backward()
        optimizer.update(model.params, model.grads)
        losses.append(float(loss))
    return losses
