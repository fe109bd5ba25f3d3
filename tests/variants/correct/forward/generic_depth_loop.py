# %% [markdown]
# `forward` and `predict` work for a network of any depth: the number of layers is read from
# the keys of the dict (W1, W2, ...), sigmoid after every layer but the last.

# %%
import numpy as np


def step_function(x):
    return np.array(x > 0, dtype=int)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def relu(x):
    return np.maximum(0, x)


def identity_function(x):
    return x


def softmax(a):
    a = a - a.max(axis=-1, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=-1, keepdims=True)


# %%
def init_network():
    weights = [
        [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]],
        [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]],
        [[0.1, 0.3], [0.2, 0.4]],
    ]
    biases = [[0.1, 0.2, 0.3], [0.1, 0.2], [0.1, 0.2]]
    network = {}
    for i, (W, b) in enumerate(zip(weights, biases), start=1):
        network[f"W{i}"] = np.array(W)
        network[f"b{i}"] = np.array(b)
    return network


def num_layers(network):
    return sum(1 for key in network if key.startswith("W"))


def scores(network, x):
    L = num_layers(network)
    h = x
    for i in range(1, L + 1):
        a = h @ network[f"W{i}"] + network[f"b{i}"]
        h = sigmoid(a) if i < L else a
    return h


def forward(network, x):
    return identity_function(scores(network, x))


def predict(network, x):
    return softmax(scores(network, x))


def accuracy(network, x, t, batch_size=100):
    n_correct = 0
    for i in range(0, len(x), batch_size):
        y = predict(network, x[i:i + batch_size])
        n_correct += int(np.sum(np.argmax(y, axis=1) == t[i:i + batch_size]))
    return n_correct / len(x)


# %%
print(forward(init_network(), np.array([1.0, 0.5])))


# %%
def forward_trace(network, x):
    W1, W2, W3 = network["W1"], network["W2"], network["W3"]
    b1, b2, b3 = network["b1"], network["b2"], network["b3"]
    a1 = np.matmul(x, W1) + b1
    z1 = sigmoid(a1)
    a2 = np.matmul(z1, W2) + b2
    z2 = sigmoid(a2)
    a3 = np.matmul(z2, W3) + b3
    return dict(A1=a1, Z1=z1, A2=a2, Z2=z2, A3=a3, Y=identity_function(a3))


trace = forward_trace(init_network(), np.array([1.0, 0.5]))
for key, value in trace.items():
    print(key, value)
