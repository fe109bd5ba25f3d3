# %%
from collections import OrderedDict

import numpy as np


# %%
def step_function(x):
    return np.where(x > 0, 1, 0)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def relu(x):
    return x * (x > 0)


def identity_function(x):
    return x


def softmax(a):
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)


# %% [markdown]
# The network's parameters in an OrderedDict, so that printing it shows the layers in order.

# %%
def init_network():
    network = OrderedDict()
    network["W1"] = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
    network["b1"] = np.array([0.1, 0.2, 0.3])
    network["W2"] = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])
    network["b2"] = np.array([0.1, 0.2])
    network["W3"] = np.array([[0.1, 0.3], [0.2, 0.4]])
    network["b3"] = np.array([0.1, 0.2])
    return network


def forward(network, x):
    a1 = np.dot(x, network["W1"]) + network["b1"]
    z1 = sigmoid(a1)
    a2 = np.dot(z1, network["W2"]) + network["b2"]
    z2 = sigmoid(a2)
    a3 = np.dot(z2, network["W3"]) + network["b3"]
    return identity_function(a3)


def predict(network, x):
    a1 = np.dot(x, network["W1"]) + network["b1"]
    z1 = sigmoid(a1)
    a2 = np.dot(z1, network["W2"]) + network["b2"]
    z2 = sigmoid(a2)
    a3 = np.dot(z2, network["W3"]) + network["b3"]
    return softmax(a3)


def accuracy(network, x, t, batch_size=100):
    count = 0
    for i in range(0, len(x), batch_size):
        count += np.sum(np.argmax(predict(network, x[i:i + batch_size]), axis=1) == t[i:i + batch_size])
    return count / len(x)


# %%
for name, value in init_network().items():
    print(name, value.shape)


# %%
def forward_trace(network, x):
    """Every intermediate value of forward, under the book's names."""
    A1 = np.dot(x, network["W1"]) + network["b1"]
    Z1 = sigmoid(A1)
    A2 = np.dot(Z1, network["W2"]) + network["b2"]
    Z2 = sigmoid(A2)
    A3 = np.dot(Z2, network["W3"]) + network["b3"]
    return {"A1": A1, "Z1": Z1, "A2": A2, "Z2": Z2, "A3": A3, "Y": identity_function(A3)}
