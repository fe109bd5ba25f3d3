# %% [markdown]
# All optimizer state in one flat buffer per quantity; each parameter gets a *view* of its slice,
# reshaped to its own shape, so in-place updates of the view update the buffer.

# %%
import numpy as np


def views_of(buffer, params):
    """Slices of a flat buffer shaped like each parameter (views, not copies)."""
    out, offset = [], 0
    for p in params:
        out.append(buffer[offset:offset + p.size].reshape(p.shape))
        offset += p.size
    return out


def flat_zeros(params):
    return np.zeros(sum(p.size for p in params), dtype=params[0].dtype)


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
        self.buffer = None
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.buffer = flat_zeros(params)
            self.v = views_of(self.buffer, params)
        for p, g, v in zip(params, grads, self.v):
            v *= self.momentum
            v -= self.lr * g
            p += v


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.buffer = None
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.buffer = flat_zeros(params)
            self.v = views_of(self.buffer, params)
        mu = self.momentum
        for p, g, v in zip(params, grads, self.v):
            p += mu * mu * v
            p -= (1 + mu) * self.lr * g
            v *= mu
            v -= self.lr * g


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.buffer = None
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.buffer = flat_zeros(params)
            self.h = views_of(self.buffer, params)
        for p, g, h in zip(params, grads, self.h):
            h += g * g
            p -= self.lr * g / (np.sqrt(h) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.buffer = None
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.buffer = flat_zeros(params)
            self.h = views_of(self.buffer, params)
        for p, g, h in zip(params, grads, self.h):
            h *= self.decay_rate
            h += (1 - self.decay_rate) * g * g
            p -= self.lr * g / (np.sqrt(h) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = views_of(flat_zeros(params), params)
            self.v = views_of(flat_zeros(params), params)
        self.iter += 1
        lr_t = self.lr * (1.0 - self.beta2 ** self.iter) ** 0.5 / (1.0 - self.beta1 ** self.iter)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)
