# %% [markdown]
# ### ニューラルネットワークの推論処理
# 1枚の画像 (形状 (64,)) が来たときは (1, 64) のバッチにしてから計算し、最後に元の形に戻す。

# %%
import numpy as np


def step_function(x):
    y = x > 0
    return y.astype(np.int64)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def relu(x):
    return np.maximum(0, x)


def identity_function(x):
    return x


def softmax(x):
    # 2次元 (バッチ) に直してから行ごとに計算する
    x2 = np.atleast_2d(x)
    x2 = x2 - np.max(x2, axis=1, keepdims=True)   # オーバーフロー対策
    y = np.exp(x2) / np.sum(np.exp(x2), axis=1, keepdims=True)
    return y.reshape(x.shape) if x.ndim <= 2 else softmax_nd(x)


def softmax_nd(x):
    rows = x.reshape(-1, x.shape[-1])
    return softmax(rows).reshape(x.shape)


# %%
def init_network():
    network = {}
    network['W1'] = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
    network['b1'] = np.array([0.1, 0.2, 0.3])
    network['W2'] = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])
    network['b2'] = np.array([0.1, 0.2])
    network['W3'] = np.array([[0.1, 0.3], [0.2, 0.4]])
    network['b3'] = np.array([0.1, 0.2])
    return network


def _scores(network, x):
    single = x.ndim == 1
    if single:
        x = x.reshape(1, -1)       # 1枚 → バッチ
    z1 = sigmoid(np.dot(x, network['W1']) + network['b1'])
    z2 = sigmoid(np.dot(z1, network['W2']) + network['b2'])
    a3 = np.dot(z2, network['W3']) + network['b3']
    return a3[0] if single else a3


def forward(network, x):
    return identity_function(_scores(network, x))


def predict(network, x):
    return softmax(_scores(network, x))


def accuracy(network, x, t, batch_size=100):
    accuracy_cnt = 0
    for i in range(0, len(x), batch_size):
        y_batch = predict(network, x[i:i + batch_size])
        accuracy_cnt += np.sum(np.argmax(y_batch, axis=1) == t[i:i + batch_size])
    return float(accuracy_cnt) / len(x)


# %%
def forward_trace(network, x):
    """Every intermediate value of forward, under the book's names."""
    A1 = np.dot(x, network["W1"]) + network["b1"]
    Z1 = sigmoid(A1)
    A2 = np.dot(Z1, network["W2"]) + network["b2"]
    Z2 = sigmoid(A2)
    A3 = np.dot(Z2, network["W3"]) + network["b3"]
    return {"A1": A1, "Z1": Z1, "A2": A2, "Z2": Z2, "A3": A3, "Y": identity_function(A3)}
