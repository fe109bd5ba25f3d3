# %% [markdown]
# Momentum and Nesterov written the way PyTorch's `torch.optim.SGD` does it: the buffer
# accumulates raw gradients, `buf = mu * buf + g`, and the learning rate multiplies the step.
# With a constant learning rate this is the notes' update with v = -lr * buf:
#  * momentum: p -= lr * buf
#  * Nesterov: p -= lr * (g + mu * buf)  ==  p += mu^2 v - (1 + mu) lr g; v = mu v - lr g

# %%
import math
import numpy as np


# %%
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.buf = None

    def update(self, params, grads):
        if self.buf is None:
            self.buf = [np.zeros_like(p) for p in params]
        for p, g, buf in zip(params, grads, self.buf):
            buf *= self.momentum
            buf += g
            p -= self.lr * buf


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.buf = None

    def update(self, params, grads):
        if self.buf is None:
            self.buf = [np.zeros_like(p) for p in params]
        for p, g, buf in zip(params, grads, self.buf):
            buf *= self.momentum
            buf += g
            p -= self.lr * (g + self.momentum * buf)


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.sum_sq = None

    def update(self, params, grads):
        if self.sum_sq is None:
            self.sum_sq = [np.zeros_like(p) for p in params]
        for p, g, s in zip(params, grads, self.sum_sq):
            s += g * g
            p -= self.lr * g / (np.sqrt(s) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.square_avg = None

    def update(self, params, grads):
        if self.square_avg is None:
            self.square_avg = [np.zeros_like(p) for p in params]
        alpha = self.decay_rate
        for p, g, avg in zip(params, grads, self.square_avg):
            avg *= alpha
            avg += (1 - alpha) * g * g
            p -= self.lr * g / (np.sqrt(avg) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1, self.beta2 = beta1, beta2
        self.step = 0
        self.exp_avg = None
        self.exp_avg_sq = None

    def update(self, params, grads):
        if self.exp_avg is None:
            self.exp_avg = [np.zeros_like(p) for p in params]
            self.exp_avg_sq = [np.zeros_like(p) for p in params]
        self.step += 1
        bias1 = 1 - self.beta1 ** self.step
        bias2 = 1 - self.beta2 ** self.step
        step_size = self.lr / bias1
        for p, g, m, v in zip(params, grads, self.exp_avg, self.exp_avg_sq):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            denom = np.sqrt(v) / math.sqrt(bias2) + 1e-7
            p -= step_size * m / denom
