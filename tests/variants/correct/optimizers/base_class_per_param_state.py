# %% [markdown]
# One base class does the bookkeeping: `update` walks the (param, grad) pairs and hands each
# one, with its own state dict (created on first use), to `_step`. Subclasses only write the
# rule for one parameter.

# %%
import numpy as np


class Optimizer:
    def __init__(self, lr):
        self.lr = lr
        self.state = []          # one dict per parameter position

    def update(self, params, grads):
        while len(self.state) < len(params):
            self.state.append({})
        self.before_step()
        for param, grad, state in zip(params, grads, self.state):
            self._step(param, grad, state)

    # aliases some frameworks use
    def step(self, params, grads):
        self.update(params, grads)

    __call__ = update

    def before_step(self):
        pass

    def _step(self, param, grad, state):
        raise NotImplementedError


# %%
class SGD(Optimizer):
    def __init__(self, lr=0.01):
        super().__init__(lr)

    def _step(self, param, grad, state):
        param -= self.lr * grad


class Momentum(Optimizer):
    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr)
        self.momentum = momentum

    def _step(self, param, grad, state):
        if "v" not in state:
            state["v"] = np.zeros_like(param)
        v = state["v"]
        v *= self.momentum
        v -= self.lr * grad
        param += v


class Nesterov(Momentum):
    def _step(self, param, grad, state):
        if "v" not in state:
            state["v"] = np.zeros_like(param)
        v, mu = state["v"], self.momentum
        param += mu * mu * v
        param -= (1 + mu) * self.lr * grad
        v *= mu
        v -= self.lr * grad


class AdaGrad(Optimizer):
    def __init__(self, lr=0.01, eps=1e-7):
        super().__init__(lr)
        self.eps = eps

    def _step(self, param, grad, state):
        h = state.setdefault("h", np.zeros_like(param))
        h += grad * grad
        param -= self.lr * grad / (np.sqrt(h) + self.eps)


class RMSprop(AdaGrad):
    def __init__(self, lr=0.01, decay_rate=0.99):
        super().__init__(lr)
        self.decay_rate = decay_rate

    def _step(self, param, grad, state):
        h = state.setdefault("h", np.zeros_like(param))
        h *= self.decay_rate
        h += (1 - self.decay_rate) * grad * grad
        param -= self.lr * grad / (np.sqrt(h) + self.eps)


class Adam(Optimizer):
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        super().__init__(lr)
        self.beta1, self.beta2 = beta1, beta2

    def _step(self, param, grad, state):
        if not state:
            state["t"] = 0
            state["m"] = np.zeros_like(param)
            state["v"] = np.zeros_like(param)
        state["t"] += 1
        t, m, v = state["t"], state["m"], state["v"]
        m += (1 - self.beta1) * (grad - m)
        v += (1 - self.beta2) * (grad * grad - v)
        lr_t = self.lr * (1.0 - self.beta2 ** t) ** 0.5 / (1.0 - self.beta1 ** t)
        param -= lr_t * m / (np.sqrt(v) + 1e-7)


# %%
w = [np.array([1.0, -1.0])]
opt = Adam(lr=0.1)
for _ in range(5):
    opt([w[0]], [2 * w[0]])
print(w, opt.state[0]["t"])
