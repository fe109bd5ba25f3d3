# %%
%matplotlib inline
import math
import time
import numpy as np
import matplotlib.pyplot as plt


# %%
def load_data(seed=1984, points_per_class=100, classes=3):
    """x (N*C, 2) float64 and one-hot t (N*C, C) int32: the three-arm spiral."""
    rng = np.random.RandomState(seed)
    n = points_per_class
    x = np.zeros((n * classes, 2))
    t = np.zeros((n * classes, classes), dtype=np.int32)
    for j in range(classes):
        for i in range(n):
            rate = i / n
            radius = 1.0 * rate
            theta = j * 4.0 + 4.0 * rate + rng.randn() * 0.2
            x[n * j + i] = radius * np.sin(theta), radius * np.cos(theta)
            t[n * j + i, j] = 1
    return x, t


# %%
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None

    def forward(self, x):
        W, b = self.params
        self.x = x
        return x @ W + b

    def backward(self, dout):
        W, b = self.params
        self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return dout @ W.T


class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.y = softmax(x)
        self.t = t.argmax(axis=-1) if t.ndim > 1 else t
        n = x.shape[0]
        return float(-np.log(self.y[np.arange(n), self.t] + 1e-7).sum() / n)

    def backward(self, dout=1):
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        dx *= dout / n
        return dx


class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g


# %% [markdown]
# ## 2층 신경망 + 기울기 클리핑 + Trainer
# - 매개변수는 계층이 가진 배열 **그 자체**를 모아 둔다 (복사 X)
# - 기울기 클리핑: 모든 기울기를 하나의 벡터로 보고 L2 노름을 구한다

# %%
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, dtype=np.float64):
        I, H, O = input_size, hidden_size, output_size
        # 가중치는 작은 무작위 값, 편향은 0
        W1 = (0.01 * np.random.randn(I, H)).astype(dtype)
        b1 = np.zeros(H, dtype=dtype)
        W2 = (0.01 * np.random.randn(H, O)).astype(dtype)
        b2 = np.zeros(O, dtype=dtype)

        # 계층 생성
        self.affine1 = Affine(W1, b1)
        self.sigmoid = Sigmoid()
        self.affine2 = Affine(W2, b2)
        self.layers = [self.affine1, self.sigmoid, self.affine2]
        self.loss_layer = SoftmaxWithLoss()

        # 모든 가중치와 기울기를 리스트에 모은다
        self.params = self.affine1.params + self.affine2.params
        self.grads = self.affine1.grads + self.affine2.grads

    def predict(self, x):
        h = self.affine1.forward(x)
        h = self.sigmoid.forward(h)
        return self.affine2.forward(h)

    def forward(self, x, t):
        score = self.predict(x)
        return self.loss_layer.forward(score, t)

    def backward(self, dout=1):
        dout = self.loss_layer.backward(dout)
        dout = self.affine2.backward(dout)
        dout = self.sigmoid.backward(dout)
        dout = self.affine1.backward(dout)
        return dout


# %%
def clip_grads(grads, max_norm):
    # 전체 노름 = 모든 원소를 이어 붙인 벡터의 L2 노름
    total_norm = np.linalg.norm(np.concatenate([g.ravel() for g in grads]))
    rate = max_norm / (total_norm + 1e-6)
    if rate < 1:
        for g in grads:
            g *= rate        # 제자리에서 줄인다


# %%
class Trainer:
    def __init__(self, model, optimizer):
        self.model = model
        self.optimizer = optimizer
        self.loss_list = []
        self.eval_interval = None
        self.current_epoch = 0

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20):
        data_size = len(x)
        max_iters = data_size // batch_size
        self.eval_interval = eval_interval
        model, optimizer = self.model, self.optimizer
        total_loss = 0
        loss_count = 0

        start_time = time.time()
        for epoch in range(max_epoch):
            # 데이터 뒤섞기
            idx = np.random.permutation(data_size)
            x = x[idx]
            t = t[idx]

            for iters in range(max_iters):
                batch_x = x[iters * batch_size:(iters + 1) * batch_size]
                batch_t = t[iters * batch_size:(iters + 1) * batch_size]

                # 기울기를 구해 매개변수 갱신
                loss = model.forward(batch_x, batch_t)
                model.backward()
                if max_grad is not None:
                    clip_grads(model.grads, max_grad)
                optimizer.update(model.params, model.grads)
                total_loss += loss
                loss_count += 1

                # 정기적으로 학습 경과 출력
                if (eval_interval is not None) and (iters % eval_interval) == 0:
                    avg_loss = total_loss / loss_count
                    elapsed_time = time.time() - start_time
                    if (epoch + 1) % 50 == 0:
                        print(f"| 에폭 {epoch + 1} | 반복 {iters + 1} / {max_iters} "
                              f"| 시간 {elapsed_time:.1f}[s] | 손실 {avg_loss:.2f}")
                    self.loss_list.append(float(avg_loss))
                    total_loss, loss_count = 0, 0

            self.current_epoch += 1

    def plot(self, ylim=None):
        x = np.arange(len(self.loss_list))
        if ylim is not None:
            plt.ylim(*ylim)
        plt.plot(x, self.loss_list, label="train")
        plt.xlabel(f"반복 (x{self.eval_interval})")
        plt.ylabel("손실")
        plt.show()


# %%
x, t = load_data()
model = TwoLayerNet(input_size=2, hidden_size=10, output_size=3)
trainer = Trainer(model, SGD(lr=1.0))
trainer.fit(x, t, max_epoch=300, batch_size=30, eval_interval=10)
trainer.plot()


# %%
def overfit_tiny(model, optimizer, x, t, steps=200):
    """CS231n's sanity check: a few examples, full batch, until the loss is ~0."""
    def step():
        loss = model.forward(x, t)
        model.backward()
        optimizer.update(model.params, model.grads)
        return float(loss)
    return [step() for _ in range(steps)]
