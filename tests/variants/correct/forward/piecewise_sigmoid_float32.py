# %% [markdown]
# Overflow-free sigmoid by cases, and everything written to keep float32 float32 (Python
# numbers only in the arithmetic).

# %%
import numpy as np


def step_function(x):
    return (x > 0).astype(np.int_)


def sigmoid(x):
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out


def relu(x):
    return np.maximum(x, 0)


def identity_function(x):
    return x


def softmax(a):
    z = a - np.max(a, axis=-1, keepdims=True)
    ez = np.exp(z)
    return ez / np.sum(ez, axis=-1, keepdims=True)


def init_network():
    net = {"W1": [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], "b1": [0.1, 0.2, 0.3],
           "W2": [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]], "b2": [0.1, 0.2],
           "W3": [[0.1, 0.3], [0.2, 0.4]], "b3": [0.1, 0.2]}
    return {k: np.array(v, dtype=np.float64) for k, v in net.items()}


def forward(network, x):
    z = x
    for i in (1, 2):
        z = sigmoid(z @ network["W%d" % i] + network["b%d" % i])
    return identity_function(z @ network["W3"] + network["b3"])


def predict(network, x):
    z = x
    for i in (1, 2):
        z = sigmoid(z @ network["W%d" % i] + network["b%d" % i])
    return softmax(z @ network["W3"] + network["b3"])


def accuracy(network, x, t, batch_size=100):
    total = 0
    for i in range(0, len(x), batch_size):
        total += np.count_nonzero(predict(network, x[i:i + batch_size]).argmax(axis=1) == t[i:i + batch_size])
    return total / len(x)


# %%
x32 = np.linspace(-3, 3, 7, dtype=np.float32)
print(sigmoid(x32).dtype, relu(x32).dtype, softmax(x32).dtype)


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
