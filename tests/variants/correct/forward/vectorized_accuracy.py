# %% [markdown]
# `accuracy` still goes batch by batch (bounded memory), but collects the predicted classes and
# compares them once at the end; the batches come from `np.array_split`.

# %%
import math

import numpy as np


def step_function(x):
    return np.greater(x, 0).astype(int)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def relu(x):
    return np.clip(x, 0, None)


def identity_function(x):
    return x


def softmax(a):
    shifted = a - np.amax(a, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def init_network():
    W1 = np.array([0.1, 0.3, 0.5, 0.2, 0.4, 0.6]).reshape(2, 3)
    W2 = np.array([0.1, 0.4, 0.2, 0.5, 0.3, 0.6]).reshape(3, 2)
    W3 = np.array([0.1, 0.3, 0.2, 0.4]).reshape(2, 2)
    return {"W1": W1, "b1": np.array([0.1, 0.2, 0.3]),
            "W2": W2, "b2": np.array([0.1, 0.2]),
            "W3": W3, "b3": np.array([0.1, 0.2])}


def forward(network, x):
    h = x
    for layer in ("1", "2"):
        h = sigmoid(np.matmul(h, network["W" + layer]) + network["b" + layer])
    return identity_function(np.matmul(h, network["W3"]) + network["b3"])


def predict(network, x):
    h = x
    for layer in ("1", "2"):
        h = sigmoid(np.matmul(h, network["W" + layer]) + network["b" + layer])
    return softmax(np.matmul(h, network["W3"]) + network["b3"])


def accuracy(network, x, t, batch_size=100):
    n_batches = max(1, math.ceil(len(x) / batch_size))
    predicted = np.concatenate([np.argmax(predict(network, xb), axis=1)
                                for xb in np.array_split(x, n_batches)])
    return float(np.mean(predicted == t))


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
