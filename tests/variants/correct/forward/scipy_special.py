# %% [markdown]
# Activation functions from `scipy.special` where it has them (expit is the logistic sigmoid,
# softmax takes an axis), NumPy for the rest.

# %%
import numpy as np
from scipy import special


# %%
def step_function(x):
    return np.heaviside(x, 0).astype(int)     # heaviside(0, 0) = 0


def sigmoid(x):
    return special.expit(x)


def relu(x):
    return np.where(x > 0, x, 0).astype(x.dtype)


def identity_function(x):
    return x


def softmax(a):
    return special.softmax(a, axis=-1)


# %%
def init_network():
    return {
        "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]),
        "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]),
        "b3": np.array([0.1, 0.2]),
    }


def _hidden(network, x):
    z = x
    for i in (1, 2):
        z = sigmoid(z @ network[f"W{i}"] + network[f"b{i}"])
    return z @ network["W3"] + network["b3"]


def forward(network, x):
    return identity_function(_hidden(network, x))


def predict(network, x):
    return softmax(_hidden(network, x))


def accuracy(network, x, t, batch_size=100):
    correct = 0
    for start in range(0, len(x), batch_size):
        probs = predict(network, x[start:start + batch_size])
        correct += int((probs.argmax(axis=1) == t[start:start + batch_size]).sum())
    return correct / len(x)


# %%
print(forward(init_network(), np.array([1.0, 0.5])))
print(softmax(np.array([1010.0, 1000.0, 990.0])))


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
