# %%
%matplotlib inline
import math
import time
import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

# %%
def numerical_gradient(f, x, h=1e-5):
    """Central differences of the scalar f() with respect to every entry of x (perturbed in place)."""
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        original = x[idx].item()
        x[idx] = original + h
        f_plus = float(f())
        x[idx] = original - h
        f_minus = float(f())
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """|a - b| / max(1e-8, |a| + |b|) with Frobenius norms."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(b)))


def load_digits_split(num_train=1200, seed=0):
    """(X_train, y_train, X_test, y_test): the scikit-learn digits, pixels scaled to [0, 1]."""
    digits = load_digits()
    X = digits.data.astype(np.float64) / 16.0
    y = digits.target.astype(np.int64)
    order = np.random.RandomState(seed).permutation(len(X))
    X, y = X[order], y[order]
    return X[:num_train], y[:num_train], X[num_train:], y[num_train:]


# %% [markdown]
# Written defensively: shapes are asserted, and a DEBUG flag prints what goes in and out.

# %%
DEBUG = False


def log(*args):
    if DEBUG:
        print(*args)


def synthetic_data(w, b, num_examples):
    w = np.asarray(w, dtype=np.float64).reshape(-1)
    assert num_examples > 0
    X = np.random.normal(0, 1, (num_examples, w.shape[0]))
    y = X @ w + b
    y = y + np.random.normal(0, 0.01, size=y.shape)
    log("synthetic_data", X.shape, y.shape)
    return X, y.reshape(-1, 1)


def data_iter(batch_size, features, labels):
    assert len(features) == len(labels), "features and labels must have the same length"
    indices = np.random.permutation(len(features))
    for i in range(0, len(indices), batch_size):
        batch = indices[i:i + batch_size]
        log("batch", i // batch_size, len(batch))
        yield features[batch], labels[batch]


def linreg(X, w, b):
    assert X.shape[1] == w.shape[0]
    return X @ w + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def linreg_grads(X, y, w, b):
    err = linreg(X, w, b) - y.reshape(-1, 1)
    dw, db = X.T @ err, err.sum(axis=0).reshape(b.shape)
    assert dw.shape == w.shape and db.shape == b.shape
    return [dw, db]


def sgd(params, grads, lr, batch_size):
    assert len(params) == len(grads)
    for p, g in zip(params, grads):
        assert p.shape == g.shape
        p -= lr * g / batch_size


def softmax(X):
    assert X.ndim == 2, "softmax expects a batch (n, q)"
    e = np.exp(X - X.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(y_hat, y):
    assert len(y_hat) == len(y)
    return -np.log(y_hat[np.arange(len(y_hat)), y])


def accuracy(y_hat, y):
    return float(np.mean(y_hat.argmax(axis=1) == y))


class SoftmaxRegression:
    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        W = np.random.normal(0, sigma, (num_inputs, num_outputs))
        b = np.zeros(num_outputs)
        self.params, self.grads = [W, b], [np.zeros_like(W), np.zeros_like(b)]
        self.cache = None

    def predict(self, X):
        W, b = self.params
        return X @ W + b

    def forward(self, X, y):
        probs = softmax(self.predict(X))
        self.cache = (X, y, probs)
        loss = float(cross_entropy(probs, y).mean())
        log("SoftmaxRegression loss", loss)
        return loss

    def backward(self):
        assert self.cache is not None, "call forward first"
        X, y, probs = self.cache
        d = probs.copy()
        d[np.arange(len(y)), y] -= 1
        d /= len(y)
        self.grads[0][...] = X.T @ d
        self.grads[1][...] = d.sum(axis=0)


class MLP:
    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
        self.params = [np.random.normal(0, sigma, (num_inputs, num_hiddens)), np.zeros(num_hiddens),
                       np.random.normal(0, sigma, (num_hiddens, num_outputs)), np.zeros(num_outputs)]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.cache = None

    def predict(self, X):
        W1, b1, W2, b2 = self.params
        return np.maximum(X @ W1 + b1, 0) @ W2 + b2

    def forward(self, X, y):
        W1, b1, W2, b2 = self.params
        Z = X @ W1 + b1
        H = np.maximum(Z, 0)
        probs = softmax(H @ W2 + b2)
        self.cache = (X, y, Z, H, probs)
        return float(cross_entropy(probs, y).mean())

    def backward(self):
        assert self.cache is not None, "call forward first"
        X, y, Z, H, probs = self.cache
        d = probs.copy()
        d[np.arange(len(y)), y] -= 1
        d /= len(y)
        self.grads[2][...] = H.T @ d
        self.grads[3][...] = d.sum(axis=0)
        dZ = (d @ self.params[2].T) * (Z > 0)
        self.grads[0][...] = X.T @ dZ
        self.grads[1][...] = dZ.sum(axis=0)


def poly_features(x, max_degree):
    x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    powers = np.arange(max_degree)
    return x ** powers / np.array([math.gamma(i + 1) for i in powers])


def l2_penalty(w):
    return float((w ** 2).sum() / 2)


def apply_weight_decay(params, grads, wd):
    for p, g in zip(params, grads):
        if p.ndim >= 2:
            g += wd * p
            log("decayed a weight of shape", p.shape)


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return np.zeros_like(X)
    if dropout == 0:
        return X.copy()
    mask = np.random.uniform(0, 1, X.shape) > dropout
    return mask * X / (1.0 - dropout)


class Dropout:
    def __init__(self, p=0.5):
        assert 0 <= p <= 1
        self.p = p
        self.params, self.grads = [], []
        self.scale = None

    def forward(self, x, train=True):
        if not train or self.p == 0:
            self.scale = None
            return x.copy()
        self.scale = np.zeros_like(x) if self.p == 1 else (np.random.uniform(0, 1, x.shape) > self.p) / (1.0 - self.p)
        return x * self.scale

    def backward(self, dout):
        return dout.copy() if self.scale is None else dout * self.scale


def sigmoid_grad(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def xavier_uniform(fan_in, fan_out):
    a = math.sqrt(6.0 / (fan_in + fan_out))
    W = np.random.uniform(-a, a, (fan_in, fan_out))
    assert W.shape == (fan_in, fan_out)
    return W


def xavier_normal(fan_in, fan_out):
    return np.random.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out))


# %%
def evaluate(model, X, y):
    """(mean cross-entropy, accuracy) of model.predict on X."""
    probs = softmax(model.predict(X))
    return float(cross_entropy(probs, y).mean()), accuracy(probs, y)


def train(model, data, num_epochs, lr, batch_size, eval_every=1):
    X_train, y_train, X_test, y_test = data
    history = {"epoch": [], "train_loss": [], "test_loss": [], "train_acc": [], "test_acc": []}
    for epoch in range(1, num_epochs + 1):
        for X, y in data_iter(batch_size, X_train, y_train):
            model.forward(X, y)
            model.backward()
            for p, g in zip(model.params, model.grads):
                p -= lr * g
        if epoch % eval_every == 0 or epoch == num_epochs:
            train_loss, train_acc = evaluate(model, X_train, y_train)
            test_loss, test_acc = evaluate(model, X_test, y_test)
            history["epoch"].append(epoch)
            for key, value in [("train_loss", train_loss), ("test_loss", test_loss),
                               ("train_acc", train_acc), ("test_acc", test_acc)]:
                history[key].append(value)
    return history


# %%
%%time
digits_data = load_digits_split()
np.random.seed(0)
history_softmax = train(SoftmaxRegression(64, 10), digits_data, num_epochs=10, lr=0.5, batch_size=64)
np.random.seed(0)
history_mlp = train(MLP(64, 256, 10), digits_data, num_epochs=10, lr=0.5, batch_size=64)
print(history_softmax["test_acc"][-1], history_mlp["test_acc"][-1])

# %%
plt.plot(history_softmax["epoch"], history_softmax["test_acc"], label="softmax regression")
plt.plot(history_mlp["epoch"], history_mlp["test_acc"], label="MLP")
plt.legend()
plt.show()


# %%
def distinct_units(W, b, tol=1e-6):
    """How many hidden units really differ (column j of W plus b[j])."""
    reps = []
    for j in range(W.shape[1]):
        unit = np.append(W[:, j], b[j])
        if not any(np.allclose(unit, r, rtol=0, atol=tol) for r in reps):
            reps.append(unit)
    return len(reps)
