# %%
import numpy as np


# %% [markdown]
# Adam with one step counter per parameter (so a parameter added later would start its own
# bias correction); RMSprop written as a moving average, h += (1 - rho) (g^2 - h).

# %%
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for idx in range(len(params)):
            params[idx] -= self.lr * grads[idx]


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.velocities = []

    def update(self, params, grads):
        for idx, (p, g) in enumerate(zip(params, grads)):
            if idx == len(self.velocities):
                self.velocities.append(np.zeros_like(p))
            v = self.velocities[idx]
            v *= self.momentum
            v -= self.lr * g
            p += v


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.velocities = []

    def update(self, params, grads):
        for idx, (p, g) in enumerate(zip(params, grads)):
            if idx == len(self.velocities):
                self.velocities.append(np.zeros_like(p))
            v = self.velocities[idx]
            p += self.momentum * self.momentum * v
            p -= (1 + self.momentum) * self.lr * g
            v *= self.momentum
            v -= self.lr * g


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.sums = []

    def update(self, params, grads):
        for idx, (p, g) in enumerate(zip(params, grads)):
            if idx == len(self.sums):
                self.sums.append(np.zeros_like(p))
            self.sums[idx] += g * g
            p -= self.lr * g / (np.sqrt(self.sums[idx]) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.avgs = []

    def update(self, params, grads):
        for idx, (p, g) in enumerate(zip(params, grads)):
            if idx == len(self.avgs):
                self.avgs.append(np.zeros_like(p))
            h = self.avgs[idx]
            h += (1 - self.decay_rate) * (g * g - h)
            p -= self.lr * g / (np.sqrt(h) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.steps, self.m, self.v = [], [], []

    def update(self, params, grads):
        for idx, (p, g) in enumerate(zip(params, grads)):
            if idx == len(self.m):
                self.m.append(np.zeros_like(p))
                self.v.append(np.zeros_like(p))
                self.steps.append(0)
            self.steps[idx] += 1
            t, m, v = self.steps[idx], self.m[idx], self.v[idx]
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            lr_t = self.lr * (1 - self.beta2 ** t) ** 0.5 / (1 - self.beta1 ** t)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)
