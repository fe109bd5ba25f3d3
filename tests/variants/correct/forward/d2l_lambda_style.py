# %% [markdown]
# Short, D2L-flavoured definitions (X for a batch, `net` for the parameters); the small
# activations are lambdas.

# %%
import numpy as np

step_function = lambda X: (X > 0).astype(int)
sigmoid = lambda X: 1 / (1 + np.exp(-X))
relu = lambda X: np.maximum(X, 0)
identity_function = lambda X: X


def softmax(X):
    X_exp = np.exp(X - X.max(axis=-1, keepdims=True))
    partition = X_exp.sum(axis=-1, keepdims=True)
    return X_exp / partition  # broadcasting


# %%
def init_network():
    net = {}
    net["W1"], net["b1"] = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), np.array([0.1, 0.2, 0.3])
    net["W2"], net["b2"] = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), np.array([0.1, 0.2])
    net["W3"], net["b3"] = np.array([[0.1, 0.3], [0.2, 0.4]]), np.array([0.1, 0.2])
    return net


def forward(net, X):
    H1 = sigmoid(np.dot(X, net["W1"]) + net["b1"])
    H2 = sigmoid(np.dot(H1, net["W2"]) + net["b2"])
    return identity_function(np.dot(H2, net["W3"]) + net["b3"])


def predict(net, X):
    H1 = sigmoid(np.dot(X, net["W1"]) + net["b1"])
    H2 = sigmoid(np.dot(H1, net["W2"]) + net["b2"])
    return softmax(np.dot(H2, net["W3"]) + net["b3"])


def accuracy(net, X, y, batch_size=100):
    metric = [0, 0]  # correct, seen
    for i in range(0, len(X), batch_size):
        y_hat = predict(net, X[i:i + batch_size])
        metric[0] += int((y_hat.argmax(axis=1) == y[i:i + batch_size]).sum())
        metric[1] += len(y_hat)
    return metric[0] / metric[1]


# %%
def forward_trace(network, x):
    """Every intermediate value of forward, under the book's names."""
    A1 = np.dot(x, network["W1"]) + network["b1"]
    Z1 = sigmoid(A1)
    A2 = np.dot(Z1, network["W2"]) + network["b2"]
    Z2 = sigmoid(A2)
    A3 = np.dot(Z2, network["W3"]) + network["b3"]
    return {"A1": A1, "Z1": Z1, "A2": A2, "Z2": Z2, "A3": A3, "Y": identity_function(A3)}
