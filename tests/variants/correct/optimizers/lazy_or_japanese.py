# %% [markdown]
# ### 6つの最適化手法
# 状態（速度や二乗和）は最初の `update` で作る。`self.v = self.v or [...]` は
# 「まだ無ければ作る」の短い書き方。

# %%
import numpy as np

# %%
class SGD:
    """パラメータ -= 学習率 * 勾配"""

    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for param, grad in zip(params, grads):
            param -= self.lr * grad  # 代入ではなくインプレース演算


class Momentum:
    """v <- αv - η∂L/∂W ,  W <- W + v"""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        self.v = self.v or [np.zeros_like(p) for p in params]
        for param, grad, v in zip(params, grads, self.v):
            v *= self.momentum
            v -= self.lr * grad
            param += v


class Nesterov:
    """講義ノートの順序: W += μ²v; W -= (1+μ)ηg; v = μv - ηg"""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        self.v = self.v or [np.zeros_like(p) for p in params]
        mu = self.momentum
        for param, grad, v in zip(params, grads, self.v):
            param += mu * mu * v
            param -= (1 + mu) * self.lr * grad
            v *= mu
            v -= self.lr * grad


class AdaGrad:
    """h <- h + g⊙g ,  W <- W - η g / (√h + ε)"""

    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        self.h = self.h or [np.zeros_like(p) for p in params]
        for param, grad, h in zip(params, grads, self.h):
            h += grad * grad
            param -= self.lr * grad / (np.sqrt(h) + 1e-7)  # 1e-7 でゼロ除算を防ぐ


class RMSprop:
    """h <- ρh + (1-ρ) g⊙g"""

    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        self.h = self.h or [np.zeros_like(p) for p in params]
        for param, grad, h in zip(params, grads, self.h):
            h *= self.decay_rate
            h += (1 - self.decay_rate) * grad * grad
            param -= self.lr * grad / (np.sqrt(h) + 1e-7)


class Adam:
    """Momentum + RMSprop、バイアス補正は学習率に含める（本の形）"""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        self.m = self.m or [np.zeros_like(p) for p in params]
        self.v = self.v or [np.zeros_like(p) for p in params]
        self.iter += 1
        # Python の float だけで計算する（float32 を保つため）
        lr_t = self.lr * ((1.0 - self.beta2 ** self.iter) ** 0.5) / (1.0 - self.beta1 ** self.iter)
        for param, grad, m, v in zip(params, grads, self.m, self.v):
            m += (1 - self.beta1) * (grad - m)
            v += (1 - self.beta2) * (grad ** 2 - v)
            param -= lr_t * m / (np.sqrt(v) + 1e-7)
