# %% [markdown]
# Nesterov in the form of the CS231n notes:
# `v_prev = v; v = mu * v - lr * g; x += -mu * v_prev + (1 + mu) * v`,
# which expands to x += mu^2 v_prev - (1 + mu) lr g: the notes' update.

# %%
import numpy as np


# %%
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for i, g in enumerate(grads):
            params[i] -= self.lr * g


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.v[i] = self.momentum * self.v[i] - self.lr * grads[i]
            params[i] += self.v[i]


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        mu = self.momentum
        for i in range(len(params)):
            v_prev = self.v[i].copy()
            self.v[i] = mu * self.v[i] - self.lr * grads[i]
            params[i] += -mu * v_prev + (1 + mu) * self.v[i]


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.cache = None

    def update(self, params, grads):
        if self.cache is None:
            self.cache = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.cache[i] += grads[i] ** 2
            params[i] += -self.lr * grads[i] / (np.sqrt(self.cache[i]) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr, self.decay_rate = lr, decay_rate
        self.cache = None

    def update(self, params, grads):
        if self.cache is None:
            self.cache = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.cache[i] = self.decay_rate * self.cache[i] + (1 - self.decay_rate) * grads[i] ** 2
            params[i] += -self.lr * grads[i] / (np.sqrt(self.cache[i]) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.t = 0
        self.m = self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        for i in range(len(params)):
            g = grads[i]
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * (g ** 2)
            mt = self.m[i] / (1 - self.beta1 ** self.t)
            vt = self.v[i] / (1 - self.beta2 ** self.t)
            params[i] += -self.lr * mt / (np.sqrt(vt) + 1e-7)
