# %%
from dataclasses import dataclass, field
import numpy as np


# %%
@dataclass
class SGD:
    lr: float = 0.01

    def update(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g


@dataclass
class Momentum:
    lr: float = 0.01
    momentum: float = 0.9
    v: list = field(default=None, repr=False)

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.v):
            v *= self.momentum
            v -= self.lr * g
            p += v


@dataclass
class Nesterov:
    lr: float = 0.01
    momentum: float = 0.9
    v: list = field(default=None, repr=False)

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        mu = self.momentum
        for p, g, v in zip(params, grads, self.v):
            p += mu * mu * v
            p -= (1 + mu) * self.lr * g
            v *= mu
            v -= self.lr * g


@dataclass
class AdaGrad:
    lr: float = 0.01
    h: list = field(default=None, repr=False)

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for p, g, h in zip(params, grads, self.h):
            h += g * g
            p -= self.lr * g / (np.sqrt(h) + 1e-7)


@dataclass
class RMSprop:
    lr: float = 0.01
    decay_rate: float = 0.99
    h: list = field(default=None, repr=False)

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for p, g, h in zip(params, grads, self.h):
            h *= self.decay_rate
            h += (1 - self.decay_rate) * g * g
            p -= self.lr * g / (np.sqrt(h) + 1e-7)


@dataclass
class Adam:
    lr: float = 0.001
    beta1: float = 0.9
    beta2: float = 0.999
    iter: int = 0
    m: list = field(default=None, repr=False)
    v: list = field(default=None, repr=False)

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.iter += 1
        lr_t = self.lr * (1.0 - self.beta2 ** self.iter) ** 0.5 / (1.0 - self.beta1 ** self.iter)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)


# %%
print(SGD(), Momentum(lr=0.1), Adam())
