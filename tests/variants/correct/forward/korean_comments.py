# %% [markdown]
# ## 신경망의 순전파 구현
# 1. 활성화 함수 (계단, 시그모이드, ReLU)
# 2. 3층 신경망
# 3. 소프트맥스와 손글씨 숫자 인식

# %%
import numpy as np
import matplotlib.pyplot as plt


# %%
# 계단 함수: x > 0 이면 1, 아니면 0 (정수 배열로 반환)
def step_function(x):
    return np.array(x > 0, dtype=np.int32)


# 시그모이드 함수
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ReLU 함수: 0보다 크면 그대로, 아니면 0
def relu(x):
    return np.maximum(0, x)


# 항등 함수 (회귀 문제의 출력층)
def identity_function(x):
    return x


# %%
# 가중치 초기화: 각 층의 가중치와 편향을 딕셔너리에 저장
def init_network():
    network = {}
    network["W1"] = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])  # (2, 3)
    network["b1"] = np.array([0.1, 0.2, 0.3])
    network["W2"] = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])  # (3, 2)
    network["b2"] = np.array([0.1, 0.2])
    network["W3"] = np.array([[0.1, 0.3], [0.2, 0.4]])  # (2, 2)
    network["b3"] = np.array([0.1, 0.2])
    return network


# 입력 → 출력 방향 전달(순전파)
def forward(network, x):
    W1, W2, W3 = network["W1"], network["W2"], network["W3"]
    b1, b2, b3 = network["b1"], network["b2"], network["b3"]

    a1 = np.dot(x, W1) + b1   # 1층
    z1 = sigmoid(a1)
    a2 = np.dot(z1, W2) + b2  # 2층
    z2 = sigmoid(a2)
    a3 = np.dot(z2, W3) + b3  # 출력층
    return identity_function(a3)


# %%
# 소프트맥스: 오버플로를 막기 위해 (행마다) 최댓값을 빼고 계산
def softmax(a):
    c = np.max(a, axis=-1, keepdims=True)
    exp_a = np.exp(a - c)
    sum_exp_a = np.sum(exp_a, axis=-1, keepdims=True)
    return exp_a / sum_exp_a


# %%
def predict(network, x):
    W1, W2, W3 = network["W1"], network["W2"], network["W3"]
    b1, b2, b3 = network["b1"], network["b2"], network["b3"]
    z1 = sigmoid(np.dot(x, W1) + b1)
    z2 = sigmoid(np.dot(z1, W2) + b2)
    return softmax(np.dot(z2, W3) + b3)


# 배치 처리로 정확도 계산 (마지막 배치가 작아도 포함)
def accuracy(network, x, t, batch_size=100):
    accuracy_cnt = 0
    for i in range(0, len(x), batch_size):
        x_batch = x[i:i + batch_size]
        y_batch = predict(network, x_batch)
        p = np.argmax(y_batch, axis=1)  # 확률이 가장 높은 원소의 인덱스
        accuracy_cnt += np.sum(p == t[i:i + batch_size])
    return accuracy_cnt / len(x)


# %%
print(forward(init_network(), np.array([1.0, 0.5])))  # [0.31682708 0.69627909]
a = np.array([0.3, 2.9, 4.0])
print(softmax(a), np.sum(softmax(a)))


# %%
def forward_trace(network, x):
    trace, z = {}, x
    for layer in (1, 2, 3):
        a = z @ network[f"W{layer}"] + network[f"b{layer}"]
        trace[f"A{layer}"] = a
        if layer < 3:  # hidden layers only
            z = sigmoid(a)
            trace[f"Z{layer}"] = z
    trace["Y"] = identity_function(trace["A3"])
    return trace
