# %%
%matplotlib inline
import gzip
import struct
import time
import numpy as np
import matplotlib.pyplot as plt

# %% activation functions
def step_function(x):
    y = x > 0
    return y.astype(int)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def relu(x):
    return np.maximum(0, x)

# %%
x = np.arange(-5.0, 5.0, 0.1)
plt.plot(x, step_function(x), label="step")
plt.plot(x, sigmoid(x), label="sigmoid")
plt.ylim(-0.1, 1.1)
plt.legend()
plt.show()

# %% three-layer network
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
print(forward(network, np.array([1.0, 0.5])))  # [0.31682708 0.69627909]

# %% softmax
def softmax(a):
    c = np.max(a, axis=-1, keepdims=True)
    exp_a = np.exp(a - c)  # overflow protection
    sum_exp_a = np.sum(exp_a, axis=-1, keepdims=True)
    y = exp_a / sum_exp_a
    return y


print(softmax(np.array([0.3, 2.9, 4.0])))

# %% [given] digits data
from sklearn.datasets import load_digits


def load_digits_data(normalize=True, one_hot_label=False, test_size=500, seed=0):
    digits = load_digits()
    x, t = digits.data, digits.target
    if normalize:
        x = x / 16.0
    if one_hot_label:
        t = np.eye(10, dtype=int)[t]
    order = np.random.RandomState(seed).permutation(len(x))
    train, test = order[:-test_size], order[-test_size:]
    return (x[train], t[train]), (x[test], t[test])

# %% [given] digits network
def fit_digits_network(x_train, t_train, hidden=(50, 100), seed=0, ridge=1e-3):
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
digits_network = fit_digits_network(x_train, t_train)

# %% inference
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
        x_batch = x[i:i + batch_size]
        y_batch = predict(network, x_batch)
        p = np.argmax(y_batch, axis=1)
        accuracy_cnt += np.sum(p == t[i:i + batch_size])
    return float(accuracy_cnt) / len(x)


print("Accuracy:", accuracy(digits_network, x_test, t_test))


# %%
def forward_trace(network, x):
    """Every intermediate value of forward, under the book's names."""
    A1 = np.dot(x, network["W1"]) + network["b1"]
    Z1 = sigmoid(A1)
    A2 = np.dot(Z1, network["W2"]) + network["b2"]
    Z2 = sigmoid(A2)
    A3 = np.dot(Z2, network["W3"]) + network["b3"]
    return {"A1": A1, "Z1": Z1, "A2": A2, "Z2": Z2, "A3": A3, "Y": identity_function(A3)}
