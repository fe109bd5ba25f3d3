# %%
%matplotlib inline
import time
import numpy as np
import matplotlib.pyplot as plt


# %%
def step_function(x):
    return np.array(x > 0, dtype=int)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def relu(x):
    return np.maximum(0, x)


def identity_function(x):
    return x


def softmax(a):
    c = np.max(a, axis=-1, keepdims=True)
    exp_a = np.exp(a - c)
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)


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
    a1 = x @ network["W1"] + network["b1"]
    a2 = sigmoid(a1) @ network["W2"] + network["b2"]
    a3 = sigmoid(a2) @ network["W3"] + network["b3"]
    return identity_function(a3)


def predict(network, x):
    a1 = x @ network["W1"] + network["b1"]
    a2 = sigmoid(a1) @ network["W2"] + network["b2"]
    a3 = sigmoid(a2) @ network["W3"] + network["b3"]
    return softmax(a3)


def accuracy(network, x, t, batch_size=100):
    correct = 0
    for i in range(0, len(x), batch_size):
        correct += np.sum(predict(network, x[i:i + batch_size]).argmax(1) == t[i:i + batch_size])
    return correct / len(x)
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
%%time
(x_train, t_train), (x_test, t_test) = load_digits_data()
net = fit_digits_network(x_train, t_train)
print(accuracy(net, x_test, t_test))

# %%
sizes = [1, 10, 100, 500]
speed = []
for bs in sizes:
    start = time.perf_counter()
    accuracy(net, x_test, t_test, batch_size=bs)
    speed.append(len(x_test) / (time.perf_counter() - start))
plt.loglog(sizes, speed, "o-")
plt.xlabel("batch size")
plt.ylabel("images / s")
plt.show()


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
