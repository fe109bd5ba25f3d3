# %% [markdown]
# Optimizers plus my own little tests (closed forms for the first steps).

# %%
import numpy as np
import numpy.testing as npt

# %%
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for i, p in enumerate(params):
            p -= self.lr * grads[i]


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        for i, p in enumerate(params):
            self.v[i] *= self.momentum
            self.v[i] -= self.lr * grads[i]
            p += self.v[i]


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        mu, lr = self.momentum, self.lr
        for i, p in enumerate(params):
            v = self.v[i]
            p += mu * mu * v
            p -= (1 + mu) * lr * grads[i]
            v *= mu
            v -= lr * grads[i]


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for i, p in enumerate(params):
            self.h[i] += grads[i] ** 2
            p -= self.lr * grads[i] / (np.sqrt(self.h[i]) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for i, p in enumerate(params):
            self.h[i] *= self.decay_rate
            self.h[i] += (1 - self.decay_rate) * grads[i] ** 2
            p -= self.lr * grads[i] / (np.sqrt(self.h[i]) + 1e-7)


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
        b1t, b2t = self.beta1 ** self.iter, self.beta2 ** self.iter
        for i, p in enumerate(params):
            g = grads[i]
            self.m[i] += (1 - self.beta1) * (g - self.m[i])
            self.v[i] += (1 - self.beta2) * (g ** 2 - self.v[i])
            m_hat = self.m[i] / (1 - b1t)
            v_hat = self.v[i] / (1 - b2t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + 1e-7)

# %%
# tests
g = np.array([0.5, -2.0])
p = np.array([1.0, 1.0])
SGD(lr=0.1).update([p], [g])
npt.assert_allclose(p, [0.95, 1.2])

p = np.array([1.0, 1.0])
opt = Momentum(lr=0.1, momentum=0.5)
opt.update([p], [g])
opt.update([p], [g])
npt.assert_allclose(p, [1.0 - 0.05 - 0.075, 1.0 + 0.2 + 0.3])

p = np.array([1.0, 1.0])
Nesterov(lr=0.1, momentum=0.9).update([p], [g])
npt.assert_allclose(p, 1.0 - 1.9 * 0.1 * g)

p = np.array([1.0, 1.0])
AdaGrad(lr=0.1).update([p], [g])
npt.assert_allclose(p, 1.0 - 0.1 * np.sign(g), rtol=1e-6)

p = np.array([1.0, 1.0])
Adam(lr=0.1).update([p], [g])
npt.assert_allclose(p, 1.0 - 0.1 * np.sign(g), rtol=1e-5)

p32 = np.array([1.0, 1.0], dtype=np.float32)
for cls in (SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam):
    cls().update([p32], [g.astype(np.float32)])
assert p32.dtype == np.float32
print("all tests passed")
