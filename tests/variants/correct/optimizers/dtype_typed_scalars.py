# %% [markdown]
# float32 stays float32: every hyperparameter is turned into a scalar of the parameter's own
# dtype (`param.dtype.type(lr)`) before it touches the arrays, and the state is allocated with
# `np.zeros(param.shape, dtype=param.dtype)`.

# %%
import numpy as np


def scalar_like(array, value):
    return array.dtype.type(value)


# %%
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads):
            p -= scalar_like(p, self.lr) * g


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros(p.shape, dtype=p.dtype) for p in params]
        for p, g, v in zip(params, grads, self.v):
            mu, lr = scalar_like(p, self.momentum), scalar_like(p, self.lr)
            v *= mu
            v -= lr * g
            p += v


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros(p.shape, dtype=p.dtype) for p in params]
        for p, g, v in zip(params, grads, self.v):
            mu, lr = scalar_like(p, self.momentum), scalar_like(p, self.lr)
            one = scalar_like(p, 1)
            p += mu * mu * v
            p -= (one + mu) * lr * g
            v *= mu
            v -= lr * g


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros(p.shape, dtype=p.dtype) for p in params]
        for p, g, h in zip(params, grads, self.h):
            h += g * g
            p -= scalar_like(p, self.lr) * g / (np.sqrt(h) + scalar_like(p, 1e-7))


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr, self.decay_rate = lr, decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros(p.shape, dtype=p.dtype) for p in params]
        for p, g, h in zip(params, grads, self.h):
            rho = scalar_like(p, self.decay_rate)
            h *= rho
            h += (scalar_like(p, 1) - rho) * g * g
            p -= scalar_like(p, self.lr) * g / (np.sqrt(h) + scalar_like(p, 1e-7))


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter = 0
        self.m = self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros(p.shape, dtype=p.dtype) for p in params]
            self.v = [np.zeros(p.shape, dtype=p.dtype) for p in params]
        self.iter += 1
        lr_t = self.lr * (1.0 - self.beta2 ** self.iter) ** 0.5 / (1.0 - self.beta1 ** self.iter)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m += scalar_like(p, 1 - self.beta1) * (g - m)
            v += scalar_like(p, 1 - self.beta2) * (g * g - v)
            p -= scalar_like(p, lr_t) * m / (np.sqrt(v) + scalar_like(p, 1e-7))
