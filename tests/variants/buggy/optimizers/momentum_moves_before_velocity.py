# %%
%matplotlib inline
import math
import numpy as np
import matplotlib.pyplot as plt

# %% [given] the test function of the chapter
def f(x, y):
    return x ** 2 / 20.0 + y ** 2


def df(x, y):
    return x / 10.0, 2.0 * y


def run_path(optimizer, steps=30, start=(-7.0, 2.0)):
    params = [np.array([start[0]]), np.array([start[1]])]
    grads = [np.zeros(1), np.zeros(1)]
    path = [(params[0][0], params[1][0])]
    for _ in range(steps):
        gx, gy = df(params[0], params[1])
        grads[0][...] = gx
        grads[1][...] = gy
        optimizer.update(params, grads)
        path.append((params[0][0], params[1][0]))
    return np.array(path)

# %% SGD
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for i in range(len(params)):
            params[i] -= self.lr * grads[i]

# %% Momentum
class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = []
            for p in params:
                self.v.append(np.zeros_like(p))
        for i in range(len(params)):
            params[i] += self.v[i]
            self.v[i] = self.momentum * self.v[i] - self.lr * grads[i]

# %% Nesterov (Bengio et al. 2012, eq. 7)
class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            params[i] += self.momentum * self.momentum * self.v[i]
            params[i] -= (1 + self.momentum) * self.lr * grads[i]
            self.v[i] *= self.momentum
            self.v[i] -= self.lr * grads[i]

# %% AdaGrad
class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.h[i] += grads[i] * grads[i]
            params[i] -= self.lr * grads[i] / (np.sqrt(self.h[i]) + 1e-7)

# %% RMSprop
class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for i in range(len(params)):
            self.h[i] *= self.decay_rate
            self.h[i] += (1 - self.decay_rate) * grads[i] * grads[i]
            params[i] -= self.lr * grads[i] / (np.sqrt(self.h[i]) + 1e-7)

# %% Adam
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
        for i in range(len(params)):
            self.m[i] += (1 - self.beta1) * (grads[i] - self.m[i])
            self.v[i] += (1 - self.beta2) * (grads[i] ** 2 - self.v[i])
            params[i] -= lr_t * self.m[i] / (np.sqrt(self.v[i]) + 1e-7)

# %%
fig, axes = plt.subplots(2, 3, figsize=(12, 6))
for ax, (name, opt) in zip(axes.flat, [("SGD", SGD(lr=0.95)), ("Momentum", Momentum(lr=0.1)),
                                        ("Nesterov", Nesterov(lr=0.1)), ("AdaGrad", AdaGrad(lr=1.5)),
                                        ("RMSprop", RMSprop(lr=0.3)), ("Adam", Adam(lr=0.3))]):
    path = run_path(opt)
    ax.plot(path[:, 0], path[:, 1], "o-", ms=3)
    ax.plot(0, 0, "+k")
    ax.set_title(name)
plt.show()
