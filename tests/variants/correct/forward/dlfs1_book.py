# %% [markdown]
# # 3장 신경망 (밑바닥부터 시작하는 딥러닝 1)

# %%
%matplotlib inline
import numpy as np
import matplotlib.pylab as plt


# %%
def step_function(x):
    y = x > 0
    return y.astype(int)   # 책의 np.int 는 최신 넘파이에서 사라졌다


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def relu(x):
    return np.maximum(0, x)


x = np.arange(-5.0, 5.0, 0.1)
plt.plot(x, step_function(x), linestyle="--", label="step")
plt.plot(x, sigmoid(x), label="sigmoid")
plt.plot(x, relu(x), label="relu")
plt.ylim(-0.1, 1.1)  # y축 범위 지정
plt.legend()
plt.show()


# %%
def identity_function(x):
    return x


def init_network():
    network = {}
    network['W1'] = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
    network['b1'] = np.array([0.1, 0.2, 0.3])
    network['W2'] = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])
    network['b2'] = np.array([0.1, 0.2])
    network['W3'] = np.array([[0.1, 0.3], [0.2, 0.4]])
    network['b3'] = np.array([0.1, 0.2])

    return network


def forward(network, x):
    W1, W2, W3 = network['W1'], network['W2'], network['W3']
    b1, b2, b3 = network['b1'], network['b2'], network['b3']

    a1 = np.dot(x, W1) + b1
    z1 = sigmoid(a1)
    a2 = np.dot(z1, W2) + b2
    z2 = sigmoid(a2)
    a3 = np.dot(z2, W3) + b3
    y = identity_function(a3)

    return y


network = init_network()
x = np.array([1.0, 0.5])
y = forward(network, x)
print(y)  # [ 0.31682708  0.69627909]


# %%
def softmax(x):
    if x.ndim >= 2:           # 배치: 전치해서 클래스 축을 0번으로 보낸다
        x = x.T
        x = x - np.max(x, axis=0)
        y = np.exp(x) / np.sum(np.exp(x), axis=0)
        return y.T

    x = x - np.max(x)  # 오버플로 대책
    return np.exp(x) / np.sum(np.exp(x))


# %%
def predict(network, x):
    W1, W2, W3 = network['W1'], network['W2'], network['W3']
    b1, b2, b3 = network['b1'], network['b2'], network['b3']

    a1 = np.dot(x, W1) + b1
    z1 = sigmoid(a1)
    a2 = np.dot(z1, W2) + b2
    z2 = sigmoid(a2)
    a3 = np.dot(z2, W3) + b3
    y = softmax(a3)

    return y


def accuracy(network, x, t, batch_size=100):
    accuracy_cnt = 0
    for i in range(0, len(x), batch_size):
        x_batch = x[i:i+batch_size]
        y_batch = predict(network, x_batch)
        p = np.argmax(y_batch, axis=1)
        accuracy_cnt += np.sum(p == t[i:i+batch_size])

    return float(accuracy_cnt) / len(x)
# %%
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


def fit_digits_network(x_train, t_train, hidden=(50, 100), seed=0, ridge=1e-3):
    """A 64-50-100-10 network: random sigmoid layers, the output layer fitted by least squares."""
    rng = np.random.RandomState(seed)
    h1, h2 = hidden
    network = {"W1": 0.3 * rng.randn(x_train.shape[1], h1), "b1": 0.3 * rng.randn(h1),
               "W2": 0.5 * rng.randn(h1, h2), "b2": 0.5 * rng.randn(h2)}
    z1 = 1 / (1 + np.exp(-(x_train @ network["W1"] + network["b1"])))
    z2 = 1 / (1 + np.exp(-(z1 @ network["W2"] + network["b2"])))
    Z = np.hstack([z2, np.ones((len(z2), 1))])
    T = np.eye(10)[t_train]
    solution = np.linalg.solve(Z.T @ Z + ridge * np.eye(Z.shape[1]), Z.T @ T)
    network["W3"], network["b3"] = solution[:-1], solution[-1]
    return network


# %%
(x_train, t_train), (x_test, t_test) = load_digits_data()
network = fit_digits_network(x_train, t_train)
print("Accuracy:" + str(accuracy(network, x_test, t_test)))


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
