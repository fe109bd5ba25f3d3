# %%
%matplotlib inline
import math
import time
import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

# %%
def numerical_gradient(f, x, h=1e-5):
    """Central differences of the scalar f() with respect to every entry of x (perturbed in place)."""
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        original = x[idx].item()
        x[idx] = original + h
        f_plus = float(f())
        x[idx] = original - h
        f_minus = float(f())
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """|a - b| / max(1e-8, |a| + |b|) with Frobenius norms."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(b)))


def load_digits_split(num_train=1200, seed=0):
    """(X_train, y_train, X_test, y_test): the scikit-learn digits, pixels scaled to [0, 1]."""
    digits = load_digits()
    X = digits.data.astype(np.float64) / 16.0
    y = digits.target.astype(np.int64)
    order = np.random.RandomState(seed).permutation(len(X))
    X, y = X[order], y[order]
    return X[:num_train], y[:num_train], X[num_train:], y[num_train:]


# %% [markdown]
# ## 선형 회귀 밑바닥부터 (D2L 3장)

# %%
# 합성 데이터: y = Xw + b + 잡음(표준편차 0.01), 레이블은 열 벡터로
def synthetic_data(w, b, num_examples):
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    X = np.random.normal(0, 1, (num_examples, len(w)))
    y = np.matmul(X, w) + b
    y = y + np.random.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


# 미니배치 읽기: 인덱스를 섞은 뒤 차례로 잘라서 내보낸다 (마지막 배치는 작을 수 있음)
def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = np.arange(num_examples)
    np.random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        j = indices[i:min(i + batch_size, num_examples)]
        yield features[j], labels[j]


# 모델
def linreg(X, w, b):
    return np.matmul(X, w) + b


# 손실: 예제마다 하나씩 (y_hat 모양으로 맞춘다)
def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


# 기울기: 손실의 '합'에 대한 기울기 (배치 크기로 나누는 건 sgd가 한다)
def linreg_grads(X, y, w, b):
    err = linreg(X, w, b) - y.reshape(-1, 1)
    dw = np.matmul(X.T, err)
    db = err.sum(axis=0).reshape(b.shape)
    return [dw, db]


# 미니배치 확률적 경사 하강법 (제자리 갱신)
def sgd(params, grads, lr, batch_size):
    for param, grad in zip(params, grads):
        param -= lr * grad / batch_size


# %% [markdown]
# ## 소프트맥스 회귀, 다층 퍼셉트론

# %%
def softmax(X):
    X_exp = np.exp(X - X.max(axis=1, keepdims=True))   # 오버플로 방지
    return X_exp / X_exp.sum(axis=1, keepdims=True)


def cross_entropy(y_hat, y):
    return -np.log(y_hat[np.arange(len(y_hat)), y])     # 정답 클래스의 확률만 고른다


def accuracy(y_hat, y):
    return float((y_hat.argmax(axis=1) == y).mean())    # 비율 (0~1)


class SoftmaxRegression:
    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        W = np.random.normal(0, sigma, (num_inputs, num_outputs))
        b = np.zeros(num_outputs)
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.cache = None

    def predict(self, X):
        W, b = self.params
        return X @ W + b                 # 점수 (소프트맥스 전)

    def forward(self, X, y):
        probs = softmax(self.predict(X))
        self.cache = (X, y, probs)
        return float(cross_entropy(probs, y).mean())

    def backward(self):
        X, y, probs = self.cache
        dO = probs.copy()
        dO[np.arange(len(y)), y] -= 1    # softmax - one_hot
        dO /= len(y)
        self.grads[0][...] = X.T @ dO    # 제자리에 쓴다
        self.grads[1][...] = dO.sum(axis=0)


class MLP:
    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
        self.params = [np.random.normal(0, sigma, (num_inputs, num_hiddens)), np.zeros(num_hiddens),
                       np.random.normal(0, sigma, (num_hiddens, num_outputs)), np.zeros(num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.cache = None

    def predict(self, X):
        W1, b1, W2, b2 = self.params
        return np.maximum(X @ W1 + b1, 0) @ W2 + b2

    def forward(self, X, y):
        W1, b1, W2, b2 = self.params
        Z = X @ W1 + b1
        H = np.maximum(Z, 0)             # ReLU
        probs = softmax(H @ W2 + b2)
        self.cache = (X, y, Z, H, probs)
        return float(cross_entropy(probs, y).mean())

    def backward(self):
        X, y, Z, H, probs = self.cache
        W2 = self.params[2]
        dO = probs.copy()
        dO[np.arange(len(y)), y] -= 1
        dO /= len(y)
        self.grads[2][...] = H.T @ dO
        self.grads[3][...] = dO.sum(axis=0)
        dZ = (dO @ W2.T) * (Z > 0)       # ReLU는 양수인 곳만 통과
        self.grads[0][...] = X.T @ dZ
        self.grads[1][...] = dZ.sum(axis=0)


# %% [markdown]
# ## 다항식 특성, 가중치 감쇠, 드롭아웃, 수치 안정성

# %%
def poly_features(x, max_degree):
    x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    powers = np.arange(max_degree)
    return x ** powers / np.array([math.factorial(i) for i in powers], dtype=np.float64)


def l2_penalty(w):
    return float(np.sum(w ** 2) / 2)


def apply_weight_decay(params, grads, wd):
    for p, g in zip(params, grads):
        if p.ndim > 1:                   # 가중치(2차원 이상)만, 편향은 그대로
            g += wd * p


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:                     # 전부 버린다
        return np.zeros_like(X)
    if dropout == 0:                     # 전부 남긴다
        return X.copy()
    mask = (np.random.uniform(0, 1, X.shape) > dropout).astype(X.dtype)
    return mask * X / (1.0 - dropout)    # 기댓값 유지 (역 드롭아웃)


class Dropout:
    def __init__(self, p=0.5):
        self.p = p
        self.params, self.grads = [], []
        self.scale = None

    def forward(self, x, train=True):
        if not train or self.p == 0:     # 평가 모드: 그대로 통과
            self.scale = None
            return x.copy()
        keep = np.random.uniform(0, 1, x.shape) > self.p
        self.scale = keep / (1.0 - self.p) if self.p < 1 else np.zeros_like(x)
        return x * self.scale

    def backward(self, dout):
        return dout.copy() if self.scale is None else dout * self.scale


def sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def xavier_uniform(fan_in, fan_out):
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-a, a, (fan_in, fan_out))


def xavier_normal(fan_in, fan_out):
    return np.random.normal(0, math.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out))


# %%
def distinct_units(W, b, tol=1e-6):
    units = np.concatenate([W, np.asarray(b).reshape(1, -1)], axis=0).T
    gaps = np.abs(units[:, None, :] - units[None, :, :]).max(axis=-1)
    # unit j is new when no earlier unit lies within tol of it
    return int(sum(1 for j in range(len(units)) if not (gaps[j, :j] <= tol).any()))
