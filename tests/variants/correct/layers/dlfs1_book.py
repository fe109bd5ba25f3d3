# %% [markdown]
# # 5장 오차역전파법 - 밑바닥부터 시작하는 딥러닝 1 스타일
# 교재의 계층 구현을 그대로 따라 하되, 과제 규칙(params / grads 리스트, grads 제자리 갱신)을 추가했다.

# %%
import numpy as np


# %%
# ---- 공통 함수 (common/functions.py) ----
def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)   # 오버플로 대책
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)

    # 훈련 데이터가 원-핫 벡터라면 정답 레이블의 인덱스로 반환
    if t.size == y.size:
        t = t.argmax(axis=1)

    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


# %%
class MulLayer:
    def __init__(self):
        self.x = None
        self.y = None
        self.params = []
        self.grads = []

    def forward(self, x, y):
        self.x = x
        self.y = y
        out = x * y

        return out

    def backward(self, dout):
        dx = dout * self.y  # x와 y를 바꾼다.
        dy = dout * self.x

        return dx, dy


class AddLayer:
    def __init__(self):
        self.params = []
        self.grads = []

    def forward(self, x, y):
        out = x + y

        return out

    def backward(self, dout):
        dx = dout * 1
        dy = dout * 1

        return dx, dy


# %%
class Repeat:
    """브랜치 노드: (1, D) -> (N, D)"""
    def __init__(self, N):
        self.N = N
        self.params = []
        self.grads = []

    def forward(self, x):
        return np.repeat(x, self.N, axis=0)

    def backward(self, dout):
        # 분기된 기울기는 모두 더한다
        return np.sum(dout, axis=0, keepdims=True)


class Sum:
    """Sum 노드: (N, D) -> (1, D)"""
    def __init__(self):
        self.N = None
        self.params = []
        self.grads = []

    def forward(self, x):
        self.N = x.shape[0]
        return np.sum(x, axis=0, keepdims=True)

    def backward(self, dout):
        return np.repeat(dout, self.N, axis=0)


# %%
class Relu:
    def __init__(self):
        self.mask = None
        self.params, self.grads = [], []

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0

        return out

    def backward(self, dout):
        dx = dout.copy()      # 교재는 dout을 직접 바꾸지만, 인수는 건드리지 않는다
        dx[self.mask] = 0

        return dx


class Sigmoid:
    def __init__(self):
        self.out = None
        self.params, self.grads = [], []

    def forward(self, x):
        out = 1 / (1 + np.exp(-x))
        self.out = out

        return out

    def backward(self, dout):
        dx = dout * (1.0 - self.out) * self.out

        return dx


class Tanh:
    def __init__(self):
        self.out = None
        self.params, self.grads = [], []

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out * self.out)


# %%
class MatMul:
    def __init__(self, W):
        self.W = W
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x = None
        self.dW = None

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W)

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.grads[0][...] = self.dW
        return dx


class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.params = [W, b]              # self.W, self.b 와 같은 배열
        self.grads = [np.zeros_like(W), np.zeros_like(b)]

        self.x = None
        self.original_x_shape = None
        # 가중치와 편향 매개변수의 미분
        self.dW = None
        self.db = None

    def forward(self, x):
        # 텐서 대응
        self.original_x_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        self.x = x

        out = np.dot(self.x, self.W) + self.b

        return out

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        self.grads[0][...] = self.dW
        self.grads[1][...] = self.db

        dx = dx.reshape(*self.original_x_shape)  # 입력 데이터 모양 변경(텐서 대응)
        return dx


# %%
class Softmax:
    def __init__(self):
        self.out = None
        self.params, self.grads = [], []

    def forward(self, x):
        self.out = softmax(x)
        return self.out

    def backward(self, dout):
        y = self.out
        return y * (dout - np.sum(y * dout, axis=-1, keepdims=True))


class SoftmaxWithLoss:
    def __init__(self):
        self.loss = None  # 손실함수
        self.y = None     # softmax의 출력
        self.t = None     # 정답 레이블(레이블 형태로 보관)
        self.params, self.grads = [], []

    def forward(self, x, t):
        if t.ndim == x.ndim:          # 원-핫 인코딩이면 레이블로
            t = np.argmax(t, axis=-1)
        self.t = t
        self.y = softmax(x)
        self.loss = float(cross_entropy_error(self.y, self.t))

        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        dx = dx * dout / batch_size

        return dx


# %%
# 사과 2개와 귤 3개 예제
apple, apple_num, orange, orange_num, tax = 100, 2, 150, 3, 1.1
mul_apple_layer, mul_orange_layer = MulLayer(), MulLayer()
add_apple_orange_layer, mul_tax_layer = AddLayer(), MulLayer()

apple_price = mul_apple_layer.forward(apple, apple_num)  # (1)
orange_price = mul_orange_layer.forward(orange, orange_num)  # (2)
all_price = add_apple_orange_layer.forward(apple_price, orange_price)  # (3)
price = mul_tax_layer.forward(all_price, tax)  # (4)

dall_price, dtax = mul_tax_layer.backward(1)  # (4)
dapple_price, dorange_price = add_apple_orange_layer.backward(dall_price)  # (3)
dorange, dorange_num = mul_orange_layer.backward(dorange_price)  # (2)
dapple, dapple_num = mul_apple_layer.backward(dapple_price)  # (1)

print("price:", int(price))
print("dApple:", dapple)
print("dApple_num:", int(dapple_num))
print("dOrange:", dorange)
print("dOrange_num:", int(dorange_num))
print("dTax:", dtax)
