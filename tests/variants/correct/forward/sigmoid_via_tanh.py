# %% [markdown]
# sigmoid(x) = (1 + tanh(x / 2)) / 2: the same function, and tanh never overflows, so no
# RuntimeWarning for x = -1000.

# %%
import numpy as np


def step_function(x):
    return (x > 0).astype(np.int64)


def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def relu(x):
    return np.maximum(x, 0)


def identity_function(x):
    return x


def softmax(a):
    c = np.max(a, axis=-1, keepdims=True)
    exp_a = np.exp(a - c)
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)


# %%
def init_network():
    network = {}
    network["W1"] = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
    network["b1"] = np.array([0.1, 0.2, 0.3])
    network["W2"] = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])
    network["b2"] = np.array([0.1, 0.2])
    network["W3"] = np.array([[0.1, 0.3], [0.2, 0.4]])
    network["b3"] = np.array([0.1, 0.2])
    return network


def forward(network, x):
    z1 = sigmoid(x @ network["W1"] + network["b1"])
    z2 = sigmoid(z1 @ network["W2"] + network["b2"])
    return identity_function(z2 @ network["W3"] + network["b3"])


def predict(network, x):
    z1 = sigmoid(x @ network["W1"] + network["b1"])
    z2 = sigmoid(z1 @ network["W2"] + network["b2"])
    return softmax(z2 @ network["W3"] + network["b3"])


def accuracy(network, x, t, batch_size=100):
    hits = 0
    for i in range(0, len(x), batch_size):
        hits += np.sum(np.argmax(predict(network, x[i:i + batch_size]), axis=1) == t[i:i + batch_size])
    return hits / len(x)


# %%
def forward_trace(network, x):
    """Every intermediate value of forward, under the book's names."""
    A1 = np.dot(x, network["W1"]) + network["b1"]
    Z1 = sigmoid(A1)
    A2 = np.dot(Z1, network["W2"]) + network["b2"]
    Z2 = sigmoid(A2)
    A3 = np.dot(Z2, network["W3"]) + network["b3"]
    return {"A1": A1, "Z1": Z1, "A2": A2, "Z2": Z2, "A3": A3, "Y": identity_function(A3)}
