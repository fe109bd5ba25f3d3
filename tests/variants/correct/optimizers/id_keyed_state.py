# %% [markdown]
# Optimizer state is kept per parameter *object*, in a dict keyed by `id(param)` (the way
# PyTorch keys its optimizer state by the parameter tensor). The model hands the same arrays to
# `update` every step, so each array finds its own state again.

# %%
import math

import numpy as np


# %%
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.velocity = {}

    def update(self, params, grads):
        for p, g in zip(params, grads):
            if id(p) not in self.velocity:
                self.velocity[id(p)] = np.zeros_like(p)
            v = self.velocity[id(p)]
            v *= self.momentum
            v -= self.lr * g
            p += v


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.velocity = {}

    def update(self, params, grads):
        mu = self.momentum
        for p, g in zip(params, grads):
            v = self.velocity.setdefault(id(p), np.zeros_like(p))
            p += mu * mu * v
            p -= (1 + mu) * self.lr * g
            v *= mu
            v -= self.lr * g


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = {}

    def update(self, params, grads):
        for p, g in zip(params, grads):
            h = self.h.setdefault(id(p), np.zeros_like(p))
            h += g * g
            p -= self.lr * g / (np.sqrt(h) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = {}

    def update(self, params, grads):
        for p, g in zip(params, grads):
            h = self.h.setdefault(id(p), np.zeros_like(p))
            h *= self.decay_rate
            h += (1 - self.decay_rate) * g * g
            p -= self.lr * g / (np.sqrt(h) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.state = {}

    def update(self, params, grads):
        self.iter += 1
        lr_t = self.lr * math.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for p, g in zip(params, grads):
            if id(p) not in self.state:
                self.state[id(p)] = (np.zeros_like(p), np.zeros_like(p))
            m, v = self.state[id(p)]
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)


# %%
# a model-like use: the same arrays every step
W, b = np.ones((2, 2)), np.zeros(2)
dW, db = np.full((2, 2), 0.5), np.full(2, -1.0)
opt = Momentum(lr=0.1)
for _ in range(3):
    opt.update([W, b], [dW, db])
print(W, b, len(opt.velocity))
