# %%
%matplotlib inline
%config Completer.use_jedi = False
!pip install --quiet numpy
import math
import numpy as np
import matplotlib.pyplot as plt

# %%
np?

# %%
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads, strict=True):
            p -= self.lr * g


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.v, strict=True):
            v *= self.momentum
            v -= self.lr * g
            p += v


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.v, strict=True):
            p += self.momentum ** 2 * v
            p -= (1 + self.momentum) * self.lr * g
            v *= self.momentum
            v -= self.lr * g


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for p, g, h in zip(params, grads, self.h, strict=True):
            h += g * g
            p -= self.lr * g / (np.sqrt(h) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for p, g, h in zip(params, grads, self.h, strict=True):
            h *= self.decay_rate
            h += (1 - self.decay_rate) * g * g
            p -= self.lr * g / (np.sqrt(h) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.iter += 1
        lr_t = self.lr * math.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for p, g, m, v in zip(params, grads, self.m, self.v, strict=True):
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)

# %%
%%time
losses = {}
for name, opt in [("SGD", SGD(0.1)), ("Momentum", Momentum(0.1)), ("Nesterov", Nesterov(0.1)),
                  ("AdaGrad", AdaGrad(0.5)), ("RMSprop", RMSprop(0.05)), ("Adam", Adam(0.1))]:
    w = [np.array([3.0, -2.0])]
    curve = []
    for step in range(100):
        curve.append(float((w[0] ** 2).sum()))
        opt.update(w, [2 * w[0]])
    losses[name] = curve
for name, curve in losses.items():
    plt.semilogy(curve, label=name)
plt.legend()
plt.show()
