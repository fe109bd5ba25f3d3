# %% [markdown]
# Softmax through the log-sum-exp trick: log softmax(a) = a - logsumexp(a), computed with a
# shift so nothing overflows; `np.logaddexp.reduce` would work too.

# %%
import numpy as np


def step_function(x):
    out = np.zeros(x.shape, dtype=int)
    out[x > 0] = 1
    return out


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def relu(x):
    out = x.copy()
    out[out < 0] = 0
    return out


def identity_function(x):
    return x


def logsumexp(a, axis=-1):
    m = np.max(a, axis=axis, keepdims=True)
    return m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True))


def softmax(a):
    return np.exp(a - logsumexp(a))


# %%
def init_network():
    return dict(
        W1=np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]),
        b1=np.array([0.1, 0.2, 0.3]),
        W2=np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        b2=np.array([0.1, 0.2]),
        W3=np.array([[0.1, 0.3], [0.2, 0.4]]),
        b3=np.array([0.1, 0.2]),
    )


def forward(network, x):
    h = sigmoid(x @ network["W1"] + network["b1"])
    h = sigmoid(h @ network["W2"] + network["b2"])
    return identity_function(h @ network["W3"] + network["b3"])


def predict(network, x):
    h = sigmoid(x @ network["W1"] + network["b1"])
    h = sigmoid(h @ network["W2"] + network["b2"])
    return softmax(h @ network["W3"] + network["b3"])


def accuracy(network, x, t, batch_size=100):
    right = 0
    for batch_start in range(0, x.shape[0], batch_size):
        batch_end = batch_start + batch_size
        guess = predict(network, x[batch_start:batch_end]).argmax(axis=-1)
        right += (guess == t[batch_start:batch_end]).sum()
    return right / x.shape[0]


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
