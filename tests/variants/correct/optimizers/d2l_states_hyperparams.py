# %% [markdown]
# Dive into Deep Learning style: each optimizer is a pair of functions, `init_*_states` (the
# state for every parameter) and `*_update(params, grads, states, hyperparams)`, wrapped in the
# class interface the course asks for. The d2l code writes `p[:] = ...`; we do the same.

# %%
import math

import numpy as np


# %%
def sgd_update(params, grads, states, hyperparams):
    for p, g in zip(params, grads):
        p[:] = p - hyperparams["lr"] * g


def init_momentum_states(params):
    return [np.zeros_like(p) for p in params]


def momentum_update(params, grads, states, hyperparams):
    for p, g, v in zip(params, grads, states):
        v[:] = hyperparams["momentum"] * v - hyperparams["lr"] * g
        p[:] = p + v


def nesterov_update(params, grads, states, hyperparams):
    mu, lr = hyperparams["momentum"], hyperparams["lr"]
    for p, g, v in zip(params, grads, states):
        p[:] = p + mu * mu * v - (1 + mu) * lr * g
        v[:] = mu * v - lr * g


def init_adagrad_states(params):
    return [np.zeros_like(p) for p in params]


def adagrad_update(params, grads, states, hyperparams):
    eps = 1e-7
    for p, g, s in zip(params, grads, states):
        s[:] = s + np.square(g)
        p[:] = p - hyperparams["lr"] * g / (np.sqrt(s) + eps)


def init_rmsprop_states(params):
    return [np.zeros_like(p) for p in params]


def rmsprop_update(params, grads, states, hyperparams):
    gamma, eps = hyperparams["gamma"], 1e-7
    for p, g, s in zip(params, grads, states):
        s[:] = gamma * s + (1 - gamma) * np.square(g)
        p[:] = p - hyperparams["lr"] * g / (np.sqrt(s) + eps)


def init_adam_states(params):
    return [(np.zeros_like(p), np.zeros_like(p)) for p in params]


def adam_update(params, grads, states, hyperparams):
    beta1, beta2, eps = hyperparams["beta1"], hyperparams["beta2"], 1e-7
    t = hyperparams["t"]
    for p, g, (v, s) in zip(params, grads, states):
        v[:] = beta1 * v + (1 - beta1) * g
        s[:] = beta2 * s + (1 - beta2) * np.square(g)
        v_bias_corr = v / (1 - beta1 ** t)
        s_bias_corr = s / (1 - beta2 ** t)
        p[:] = p - hyperparams["lr"] * v_bias_corr / (np.sqrt(s_bias_corr) + eps)


# %%
class _Wrapped:
    init_states = None
    rule = None

    def __init__(self, **hyperparams):
        self.hyperparams = hyperparams
        self.states = None

    def update(self, params, grads):
        if self.states is None and type(self).init_states is not None:
            self.states = type(self).init_states(params)
        type(self).rule(params, grads, self.states, self.hyperparams)


class SGD(_Wrapped):
    rule = sgd_update

    def __init__(self, lr=0.01):
        super().__init__(lr=lr)


class Momentum(_Wrapped):
    init_states = init_momentum_states
    rule = momentum_update

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr=lr, momentum=momentum)


class Nesterov(_Wrapped):
    init_states = init_momentum_states
    rule = nesterov_update

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr=lr, momentum=momentum)


class AdaGrad(_Wrapped):
    init_states = init_adagrad_states
    rule = adagrad_update

    def __init__(self, lr=0.01):
        super().__init__(lr=lr)


class RMSprop(_Wrapped):
    init_states = init_rmsprop_states
    rule = rmsprop_update

    def __init__(self, lr=0.01, decay_rate=0.99):
        super().__init__(lr=lr, gamma=decay_rate)


class Adam(_Wrapped):
    init_states = init_adam_states
    rule = adam_update

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        super().__init__(lr=lr, beta1=beta1, beta2=beta2, t=0)

    def update(self, params, grads):
        self.hyperparams["t"] += 1
        super().update(params, grads)


# %%
# d2l's test function f(x) = 0.1 x1^2 + 2 x2^2
def f_2d(x1, x2):
    return 0.1 * x1 ** 2 + 2 * x2 ** 2


for opt in (SGD(lr=0.4), Momentum(lr=0.4, momentum=0.5), RMSprop(lr=0.4, decay_rate=0.9), Adam(lr=0.5)):
    x = [np.array([-5.0]), np.array([-2.0])]
    for _ in range(20):
        opt.update(x, [0.2 * x[0], 4 * x[1]])
    print(f"{type(opt).__name__:9s} f = {f_2d(x[0][0], x[1][0]):.5f}")
print(math.pi)
