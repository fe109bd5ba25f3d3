# %% [markdown]
# ## 옵티마이저 구현 (SGD ~ Adam)
# 넘파이 ufunc의 `out=` 인자로 매개변수를 **제자리에서** 갱신한다.
# `p = p - lr * g` 처럼 쓰면 새 배열이 생겨서 모델의 매개변수는 그대로 남는다!

# %%
import numpy as np

EPS = 1e-7  # 0으로 나누기 방지


# %%
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr  # 학습률

    def update(self, params, grads):
        for p, g in zip(params, grads):
            np.subtract(p, self.lr * g, out=p)


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None  # 속도

    def update(self, params, grads):
        if self.v is None:  # 처음 호출될 때 매개변수와 같은 모양으로 만든다
            self.v = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.v):
            np.multiply(v, self.momentum, out=v)
            np.subtract(v, self.lr * g, out=v)
            np.add(p, v, out=p)


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        mu = self.momentum
        for p, g, v in zip(params, grads, self.v):
            # 1) 이전 속도로 한 번 더 이동, 2) 기울기 방향으로 (1 + mu)배, 3) 속도는 마지막에 갱신
            np.add(p, mu * mu * v, out=p)
            np.subtract(p, (1 + mu) * self.lr * g, out=p)
            np.multiply(v, mu, out=v)
            np.subtract(v, self.lr * g, out=v)


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None  # 기울기 제곱의 누적합

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for p, g, h in zip(params, grads, self.h):
            np.add(h, g * g, out=h)
            np.subtract(p, self.lr * g / (np.sqrt(h) + EPS), out=p)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None  # 지수이동평균

    def update(self, params, grads):
        if self.h is None:
            self.h = [np.zeros_like(p) for p in params]
        for p, g, h in zip(params, grads, self.h):
            np.multiply(h, self.decay_rate, out=h)
            np.add(h, (1 - self.decay_rate) * g * g, out=h)
            np.subtract(p, self.lr * g / (np.sqrt(h) + EPS), out=p)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None  # 1차 모멘트
        self.v = None  # 2차 모멘트

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.iter += 1
        # 편향 보정을 학습률에 합쳐 둔다 (파이썬 float로 계산 → float32 유지)
        lr_t = self.lr * (1.0 - self.beta2 ** self.iter) ** 0.5 / (1.0 - self.beta1 ** self.iter)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            np.add(m, (1 - self.beta1) * (g - m), out=m)
            np.add(v, (1 - self.beta2) * (g * g - v), out=v)
            np.subtract(p, lr_t * m / (np.sqrt(v) + EPS), out=p)
