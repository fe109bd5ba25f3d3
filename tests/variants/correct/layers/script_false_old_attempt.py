# %% [markdown]
# ### 계산 그래프 계층 구현 과제
# - 모든 계층은 `params`, `grads` 리스트를 가진다 (가중치가 없으면 빈 리스트)
# - `backward`는 기울기를 `grads` 배열에 **덮어쓴다** (`[...]` 사용)

# %%
import numpy as np  # 넘파이

# %%
# 곱셈 계층: 순전파 때 입력을 기억해 두었다가 역전파 때 서로 바꿔 곱한다
class MulLayer:
    def __init__(self):
        self.params, self.grads = [], []
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x = x
        self.y = y
        return x * y

    def backward(self, dout):
        dx = dout * self.y
        dy = dout * self.x
        return dx, dy


# 덧셈 계층: 상류의 기울기를 그대로 흘려보낸다
class AddLayer:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        dx = dout * 1
        dy = dout * 1
        return dx, dy


# %%
# Repeat 노드: (1, D) 를 N번 복제 → 역전파는 N개의 기울기를 합한다 (keepdims!)
class Repeat:
    def __init__(self, N):
        self.params, self.grads = [], []
        self.N = N

    def forward(self, x):
        return np.repeat(x, self.N, axis=0)

    def backward(self, dout):
        return np.sum(dout, axis=0, keepdims=True)


# Sum 노드: 행을 모두 더한다 → 역전파는 기울기를 N개로 복제
class Sum:
    def __init__(self):
        self.params, self.grads = [], []
        self.N = None

    def forward(self, x):
        self.N = x.shape[0]
        return np.sum(x, axis=0, keepdims=True)

    def backward(self, dout):
        return np.repeat(dout, self.N, axis=0)


# %%
# MatMul 계층 (y = xW)
class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]   # 기울기 배열은 처음에 한 번만 만든다
        self.x = None

    def forward(self, x):
        W, = self.params
        self.x = x
        return np.matmul(x, W)

    def backward(self, dout):
        W, = self.params
        dx = np.matmul(dout, W.T)
        dW = np.matmul(self.x.T, dout)
        self.grads[0][...] = dW       # 얕은 복사가 아니라 "덮어쓰기"
        return dx


# Affine 계층 (y = xW + b)
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None

    def forward(self, x):
        W, b = self.params
        self.x = x
        return np.matmul(x, W) + b

    def backward(self, dout):
        W, b = self.params
        dx = np.matmul(dout, W.T)
        dW = np.matmul(self.x.T, dout)
        db = np.sum(dout, axis=0)     # 편향은 배치 방향으로 합한다
        self.grads[0][...] = dW
        self.grads[1][...] = db
        return dx


# %%
# 활성화 함수 계층들
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        out = 1 / (1 + np.exp(-x))
        self.out = out                  # 출력만 기억하면 역전파 가능
        return out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class Relu:
    def __init__(self):
        self.params, self.grads = [], []
        self.x = None

    def forward(self, x):
        self.x = x
        return np.maximum(0, x)

    def backward(self, dout):
        # x > 0 인 곳만 기울기를 통과시킨다
        return dout * (self.x > 0)


class Tanh:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out ** 2)


# %%
# Softmax 계층 (마지막 축 기준, 오버플로 방지)
class Softmax:
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        c = np.max(x, axis=-1, keepdims=True)
        exp_x = np.exp(x - c)
        self.out = exp_x / np.sum(exp_x, axis=-1, keepdims=True)
        return self.out

    def backward(self, dout):
        dx = self.out * dout
        sumdx = np.sum(dx, axis=-1, keepdims=True)
        dx -= self.out * sumdx
        return dx


# Softmax-with-Loss 계층
class SoftmaxWithLoss:
    def __init__(self):
        self.params, self.grads = [], []
        self.y = None   # softmax 출력
        self.t = None   # 정답 레이블

    def forward(self, x, t):
        c = np.max(x, axis=1, keepdims=True)
        exp_x = np.exp(x - c)
        self.y = exp_x / np.sum(exp_x, axis=1, keepdims=True)

        # 정답이 원-핫 벡터이면 인덱스로 바꾼다
        if t.ndim == 2:
            t = np.argmax(t, axis=1)
        self.t = t

        batch_size = x.shape[0]
        loss = -np.sum(np.log(self.y[np.arange(batch_size), t] + 1e-7)) / batch_size
        return float(loss)

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        dx *= dout
        dx = dx / batch_size
        return dx


# %% [markdown]
# 예전에 틀렸던 버전은 지우지 않고 남겨 두되, 실행되지 않게 `%%script false` 로 막아 두었다.

# %%
%%script false --no-raise-error
class Sigmoid:
    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x):
        self.x = x
        return 1 / (1 + np.exp(-x))

    def backward(self, dout):
        return dout * self.x * (1 - self.x)   # 틀림: 입력 x 가 아니라 출력 y 를 써야 한다
