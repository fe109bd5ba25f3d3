"""Helpers for the spiral checks of overfit_tiny and Trainer: the second book's two-layer network,
SGD and the first book's Adam (as the notebook provides it)."""
import math

import numpy as np


class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None

    def forward(self, x):
        self.x = x
        return x @ self.params[0] + self.params[1]

    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return dout @ self.params[0].T


class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.y = self.t = None

    def forward(self, x, t):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        self.y = e / e.sum(axis=-1, keepdims=True)
        self.t = t.argmax(axis=-1) if t.ndim > 1 else t
        n = x.shape[0]
        return float(-np.log(self.y[np.arange(n), self.t] + 1e-7).sum() / n)

    def backward(self, dout=1):
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        dx *= dout / n
        return dx


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, dtype=np.float64):
        I, H, O = input_size, hidden_size, output_size
        W1 = (0.01 * np.random.randn(I, H)).astype(dtype)
        W2 = (0.01 * np.random.randn(H, O)).astype(dtype)
        self.layers = [Affine(W1, np.zeros(H, dtype=dtype)), Sigmoid(), Affine(W2, np.zeros(O, dtype=dtype))]
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


class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter, self.m, self.v = 0, None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.iter += 1
        lr_t = self.lr * math.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)


class RecordingModel:
    """A stand-in model for judging a Trainer: remembers the batches it is given, answers the
    losses 1, 2, 3, ... and sets its gradients to a fixed vector."""

    def __init__(self):
        self.params = [np.zeros(2), np.zeros((2, 2))]
        self.grads = [np.zeros(2), np.zeros((2, 2))]
        self.batches, self.aligned, self.backward_calls = [], [], 0

    def forward(self, x, t):
        x_ids = np.asarray(x)[:, 0].astype(int)
        t_ids = np.asarray(t).argmax(axis=1) if np.asarray(t).ndim > 1 else np.asarray(t).astype(int)
        self.batches.append(x_ids.tolist())
        self.aligned.append(bool(np.array_equal(x_ids, t_ids)))
        return float(len(self.batches))

    def backward(self, dout=1):
        self.backward_calls += 1
        self.grads[0][...] = [3.0, 4.0]
        self.grads[1][...] = 0.0

    def __getattr__(self, name):
        """Whatever else a Trainer calls on its model (train(), eval(), zero_grad()) does nothing here."""
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self


class RecordingOptimizer:
    """Counts the updates, and whether they got the model's own params and grads lists."""

    def __init__(self, model):
        self.model, self.updates, self.own_arrays = model, 0, True

    def update(self, params, grads):
        self.updates += 1
        self.own_arrays &= all(p is q for p, q in zip(params, self.model.params)) and \
            all(g is h for g, h in zip(grads, self.model.grads))


def clip_grads(grads, max_norm):
    total_norm = float(sum(float((g ** 2).sum()) for g in grads)) ** 0.5
    rate = max_norm / (total_norm + 1e-6)
    if rate < 1:
        for g in grads:
            g *= rate


ORDER = ["TwoLayerNet", "overfit_tiny", "clip_grads", "Trainer"]
