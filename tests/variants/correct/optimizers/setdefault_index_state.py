# %% [markdown]
# State lives in dicts keyed by the parameter's position, created lazily with `setdefault`
# the first time a position is seen.

# %%
import numpy as np


# %%
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for i in range(len(params)):
            params[i] -= self.lr * grads[i]


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = {}

    def update(self, params, grads):
        for i, (p, g) in enumerate(zip(params, grads)):
            if i not in self.v:
                self.v[i] = np.zeros_like(p)
            self.v[i] = self.momentum * self.v[i] - self.lr * g
            p += self.v[i]


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = {}

    def update(self, params, grads):
        mu = self.momentum
        for i, (p, g) in enumerate(zip(params, grads)):
            v = self.v.setdefault(i, np.zeros_like(p))
            p += mu * mu * v
            p -= (1 + mu) * self.lr * g
            self.v[i] = mu * v - self.lr * g


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = {}

    def update(self, params, grads):
        for i, (p, g) in enumerate(zip(params, grads)):
            self.h.setdefault(i, np.zeros_like(p))
            self.h[i] += np.power(g, 2)
            p -= self.lr * g / (np.sqrt(self.h[i]) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = {}

    def update(self, params, grads):
        for i, (p, g) in enumerate(zip(params, grads)):
            h = self.h.setdefault(i, np.zeros_like(p))
            self.h[i] = self.decay_rate * h + (1 - self.decay_rate) * np.power(g, 2)
            p -= self.lr * g / (np.sqrt(self.h[i]) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = {}
        self.v = {}

    def update(self, params, grads):
        self.iter += 1
        b1, b2, t = self.beta1, self.beta2, self.iter
        for i, (p, g) in enumerate(zip(params, grads)):
            m = self.m.setdefault(i, np.zeros_like(p))
            v = self.v.setdefault(i, np.zeros_like(p))
            m += (1 - b1) * (g - m)
            v += (1 - b2) * (np.square(g) - v)
            m_hat = m / (1 - b1 ** t)
            v_hat = v / (1 - b2 ** t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + 1e-7)
