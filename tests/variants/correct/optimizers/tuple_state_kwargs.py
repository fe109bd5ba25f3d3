# %% [markdown]
# Optimizers that accept extra keyword arguments (ignored, like `weight_decay=0` in other
# frameworks), print nicely, and keep their state as tuples of arrays made on the first step.

# %%
import numpy as np


class _Base:
    defaults = {}

    def __init__(self, **kwargs):
        for name, value in self.defaults.items():
            setattr(self, name, kwargs.pop(name, value))
        self.extra = kwargs       # tolerated, unused
        self.state = None

    def __repr__(self):
        args = ", ".join(f"{k}={getattr(self, k)}" for k in self.defaults)
        return f"{type(self).__name__}({args})"


class SGD(_Base):
    defaults = {"lr": 0.01}

    def update(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g


class Momentum(_Base):
    defaults = {"lr": 0.01, "momentum": 0.9}

    def update(self, params, grads):
        if self.state is None:
            self.state = tuple(np.zeros_like(p) for p in params)
        for p, g, v in zip(params, grads, self.state):
            v *= self.momentum
            v -= self.lr * g
            p += v


class Nesterov(_Base):
    defaults = {"lr": 0.01, "momentum": 0.9}

    def update(self, params, grads):
        if self.state is None:
            self.state = tuple(np.zeros_like(p) for p in params)
        mu = self.momentum
        for p, g, v in zip(params, grads, self.state):
            p += mu * mu * v
            p -= (1 + mu) * self.lr * g
            v *= mu
            v -= self.lr * g


class AdaGrad(_Base):
    defaults = {"lr": 0.01}

    def update(self, params, grads):
        if self.state is None:
            self.state = tuple(np.zeros_like(p) for p in params)
        for p, g, h in zip(params, grads, self.state):
            h += g * g
            p -= self.lr * g / (np.sqrt(h) + 1e-7)


class RMSprop(_Base):
    defaults = {"lr": 0.01, "decay_rate": 0.99}

    def update(self, params, grads):
        if self.state is None:
            self.state = tuple(np.zeros_like(p) for p in params)
        for p, g, h in zip(params, grads, self.state):
            h *= self.decay_rate
            h += (1 - self.decay_rate) * g * g
            p -= self.lr * g / (np.sqrt(h) + 1e-7)


class Adam(_Base):
    defaults = {"lr": 0.001, "beta1": 0.9, "beta2": 0.999}

    def update(self, params, grads):
        if self.state is None:
            self.state = (0, tuple(np.zeros_like(p) for p in params), tuple(np.zeros_like(p) for p in params))
        t, ms, vs = self.state
        t += 1
        self.state = (t, ms, vs)
        lr_t = self.lr * (1 - self.beta2 ** t) ** 0.5 / (1 - self.beta1 ** t)
        for p, g, m, v in zip(params, grads, ms, vs):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)


# %%
print(SGD(), Momentum(lr=0.1), Adam(lr=3e-4, weight_decay=0.0))
