# %%
%matplotlib inline
import time
import numpy as np
import matplotlib.pyplot as plt

# %%
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(a):
    """Softmax over the last axis."""
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)


def function_1(x):
    return 0.01 * x ** 2 + 0.1 * x


def function_2(x):
    return np.sum(x ** 2)


def function_3(x):
    return np.sum(x ** 2) + 0.5 * np.sum(x) ** 2


from sklearn.datasets import load_digits


def load_digits_data(normalize=True, one_hot_label=False, test_size=500, seed=0):
    """(x_train, t_train), (x_test, t_test): scikit-learn's 8x8 digits, split by a fixed permutation."""
    digits = load_digits()
    x, t = digits.data, digits.target
    if normalize:
        x = x / 16.0
    if one_hot_label:
        t = np.eye(10, dtype=int)[t]
    order = np.random.RandomState(seed).permutation(len(x))
    train, test = order[:-test_size], order[-test_size:]
    return (x[train], t[train]), (x[test], t[test])


# %% [markdown]
# ### 손실 함수 / 수치 미분 / 경사 하강법 / 신경망 학습

# %%
# 오차제곱합
def sum_squared_error(y, t):
    return 0.5 * np.sum((y - t) ** 2)


# 교차 엔트로피 오차 (배치 대응, 원-핫 / 레이블 둘 다)
def cross_entropy_error(y, t):
    if y.ndim == 1:               # 데이터 하나면 배치 형태로
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:          # 원-핫이면 정답 인덱스로
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    delta = 1e-7                  # log(0) 방지
    return -np.sum(np.log(y[np.arange(batch_size), t] + delta)) / batch_size


# 중심 차분
def numerical_diff(f, x):
    h = 1e-4  # 너무 작으면 반올림 오차
    return (f(x + h) - f(x - h)) / (2 * h)


# 기울기: 모든 원소에 대해 중심 차분 (원소를 바꿨다가 되돌린다)
def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = tmp_val + h          # f(x+h)
        fxh1 = f(x)
        x[idx] = tmp_val - h          # f(x-h)
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val              # 값 복원
        it.iternext()
    return grad


# 경사 하강법
def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    for i in range(step_num):
        grad = numerical_gradient(f, x)
        x -= lr * grad                # 기울기 반대 방향으로
    return x


# %%
class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)  # 정규분포로 초기화

    def predict(self, x):
        return np.dot(x, self.W)

    def loss(self, x, t):
        z = self.predict(x)
        y = softmax(z)
        return cross_entropy_error(y, t)

    def numerical_gradient(self, x, t):
        f = lambda w: self.loss(x, t)   # w는 쓰지 않는다 (self.W를 직접 바꾸므로)
        return numerical_gradient(f, self.W)


# %%
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        # 가중치 초기화
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

    def predict(self, x):
        a1 = np.dot(x, self.params["W1"]) + self.params["b1"]
        z1 = sigmoid(a1)
        a2 = np.dot(z1, self.params["W2"]) + self.params["b2"]
        return softmax(a2)

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)
        grads = {}
        for key in ("W1", "b1", "W2", "b2"):
            grads[key] = numerical_gradient(loss_W, self.params[key])
        return grads

    def gradient(self, x, t):
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        batch_num = x.shape[0]
        # 순전파
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        y = softmax(np.dot(z1, W2) + b2)
        # 레이블이면 원-핫으로 바꾼다
        if t.ndim == 1:
            t = np.eye(y.shape[1])[t]
        # 역전파
        dy = (y - t) / batch_num
        grads = {"W2": np.dot(z1.T, dy), "b2": np.sum(dy, axis=0)}
        dz1 = np.dot(dy, W2.T)
        da1 = dz1 * z1 * (1 - z1)       # 시그모이드 미분
        grads["W1"] = np.dot(x.T, da1)
        grads["b1"] = np.sum(da1, axis=0)
        return grads


# %%
def train(network, x, t, iters_num=1000, batch_size=100, learning_rate=0.1, numerical=False):
    train_size = x.shape[0]
    train_loss_list = []
    for i in range(iters_num):
        # 미니배치
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch, t_batch = x[batch_mask], t[batch_mask]
        # 기울기
        grad = network.numerical_gradient(x_batch, t_batch) if numerical else network.gradient(x_batch, t_batch)
        # 갱신 (제자리에서)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]
        train_loss_list.append(float(network.loss(x_batch, t_batch)))
    return train_loss_list


# %%
def chain_rule(x, y):
    t = np.add(x, y)
    dz_dt = np.multiply(2.0, t)
    return np.square(t), dz_dt, dz_dt.copy()


print(chain_rule(3.0, 0.5), numerical_diff(lambda v: (v + 0.5) ** 2, 3.0))
