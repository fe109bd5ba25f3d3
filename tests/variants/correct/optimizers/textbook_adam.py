# %% [markdown]
# Adam exactly as in Kingma & Ba (2015), Algorithm 1: bias-corrected moments m_hat, v_hat,
# then theta -= alpha * m_hat / (sqrt(v_hat) + eps). The other optimizers follow the notes.

# %%
import numpy as np


# %%
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for param, grad in zip(params, grads):
            param -= self.lr * grad


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        for param, grad, v in zip(params, grads, self.v):
            v[...] = self.momentum * v - self.lr * grad
            param += v


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        mu, lr = self.momentum, self.lr
        for param, grad, v in zip(params, grads, self.v):
            param += mu * mu * v - (1 + mu) * lr * grad
            v[...] = mu * v - lr * grad


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for param, grad, h in zip(params, grads, self.h):
            h += grad ** 2
            param -= self.lr * grad / (np.sqrt(h) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        rho = self.decay_rate
        for param, grad, h in zip(params, grads, self.h):
            h[...] = rho * h + (1 - rho) * grad ** 2
            param -= self.lr * grad / (np.sqrt(h) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.t = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        correction1 = 1.0 - self.beta1 ** self.t
        correction2 = 1.0 - self.beta2 ** self.t
        for param, grad, m, v in zip(params, grads, self.m, self.v):
            m[...] = self.beta1 * m + (1 - self.beta1) * grad
            v[...] = self.beta2 * v + (1 - self.beta2) * grad * grad
            m_hat = m / correction1
            v_hat = v / correction2
            param -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
