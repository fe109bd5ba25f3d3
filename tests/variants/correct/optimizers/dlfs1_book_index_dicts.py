# %% [markdown]
# # 最適化手法 (ゼロから作るDeep Learning 1, common/optimizer.py 風)
# 本では params / grads は辞書だが、この課題ではリストなので、状態はインデックスをキーにした辞書で持つ。

# %%
import numpy as np


# %%
class SGD:
    """確率的勾配降下法（Stochastic Gradient Descent）"""

    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in range(len(params)):
            params[key] -= self.lr * grads[key]


class Momentum:
    """Momentum SGD"""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {}
            for key, val in enumerate(params):
                self.v[key] = np.zeros_like(val)

        for key in range(len(params)):
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


class Nesterov:
    """Nesterov's Accelerated Gradient (http://arxiv.org/abs/1212.0901)"""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {}
            for key, val in enumerate(params):
                self.v[key] = np.zeros_like(val)

        for key in range(len(params)):
            params[key] += self.momentum * self.momentum * self.v[key]
            params[key] -= (1 + self.momentum) * self.lr * grads[key]
            self.v[key] *= self.momentum
            self.v[key] -= self.lr * grads[key]


class AdaGrad:
    """AdaGrad"""

    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {}
            for key, val in enumerate(params):
                self.h[key] = np.zeros_like(val)

        for key in range(len(params)):
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class RMSprop:
    """RMSprop"""

    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {}
            for key, val in enumerate(params):
                self.h[key] = np.zeros_like(val)

        for key in range(len(params)):
            self.h[key] *= self.decay_rate
            self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class Adam:
    """Adam (http://arxiv.org/abs/1412.6980v8)"""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = {}, {}
            for key, val in enumerate(params):
                self.m[key] = np.zeros_like(val)
                self.v[key] = np.zeros_like(val)

        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)

        for key in range(len(params)):
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key]**2 - self.v[key])

            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


# %%
# 関数 f(x, y) = x**2 / 20 + y**2 で比べてみる
def df(x, y):
    return x / 10.0, 2.0 * y


for opt in (SGD(lr=0.95), Momentum(lr=0.1), AdaGrad(lr=1.5), Adam(lr=0.3)):
    params = [np.array([-7.0]), np.array([2.0])]
    grads = [np.zeros(1), np.zeros(1)]
    for i in range(30):
        grads[0][...], grads[1][...] = df(params[0], params[1])
        opt.update(params, grads)
    print(type(opt).__name__, params[0][0], params[1][0])
