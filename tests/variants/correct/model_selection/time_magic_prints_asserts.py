# %%
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from backprop_lab_check.datasets import load_diabetes

DEBUG = True

# %%
def train_valid_split(X, y, valid_fraction, seed):
    assert len(X) == len(y)
    p = np.random.default_rng(seed).permutation(len(X))
    m = int(round(valid_fraction * len(X)))
    if DEBUG:
        print(f"split: {len(X) - m} train / {m} valid")
    return X[p[m:]], y[p[m:]], X[p[:m]], y[p[:m]]


def k_fold_data(k, i, X, y):
    assert 0 <= i < k
    fs = len(X) // k
    X_valid, y_valid = X[i * fs:(i + 1) * fs], y[i * fs:(i + 1) * fs]
    X_train = np.vstack([X[j * fs:(j + 1) * fs] for j in range(k) if j != i])
    y_train = np.concatenate([y[j * fs:(j + 1) * fs] for j in range(k) if j != i])
    return X_train, y_train, X_valid, y_valid


def standardize(X_train, X_other):
    mean = np.mean(X_train, axis=0)
    std = np.std(X_train, axis=0)
    if DEBUG and np.any(std == 0):
        print("warning: a constant feature")
    return (X_train - mean) / std, (X_other - mean) / std


def log_rmse(y_hat, y):
    y_hat = np.array(y_hat, dtype=float)   # a copy, clipped in place
    y_hat[y_hat < 1] = 1
    return float(np.sqrt(np.mean((np.log(y_hat) - np.log(y)) ** 2)))


def fit_ridge(X, y, weight_decay):
    n, d = X.shape
    xm, ym = X.mean(axis=0), y.mean()
    Xc = X - xm
    w = np.linalg.solve(Xc.T.dot(Xc) / n + weight_decay * np.eye(d), Xc.T.dot(y - ym) / n)
    b = ym - xm.dot(w)
    assert w.shape == (d,)
    return w, float(b)


def k_fold(k, X, y, weight_decay):
    tr = va = 0.0
    for i in range(k):
        Xa, ya, Xb, yb = k_fold_data(k, i, X, y)
        Xa, Xb = standardize(Xa, Xb)
        w, b = fit_ridge(Xa, ya, weight_decay)
        tr += log_rmse(Xa @ w + b, ya)
        va += log_rmse(Xb @ w + b, yb)
    if DEBUG:
        print(f"wd={weight_decay}: train {tr / k:.4f} valid {va / k:.4f}")
    return tr / k, va / k


def choose_weight_decay(X, y, candidates, k=5):
    losses = np.array([k_fold(k, X, y, wd)[1] for wd in candidates])
    best = int(np.flatnonzero(losses == losses.min())[0])
    return candidates[best]


def train_and_predict(X_train, y_train, X_test, weight_decay):
    Xs_train, Xs_test = standardize(X_train, X_test)
    w, b = fit_ridge(Xs_train, y_train, weight_decay)
    return Xs_test @ w + b

# %%
%%time
diabetes = load_diabetes(scaled=False)
X_all = diabetes.data
i, j = np.triu_indices(10)
X_all = np.hstack([X_all, X_all[:, i] * X_all[:, j]])
X_train, y_train, X_test, y_test = train_valid_split(X_all, diabetes.target, 0.5, 0)
best = choose_weight_decay(X_train, y_train, [0, 0.01, 0.1, 1, 10])
print("test log-rmse", log_rmse(train_and_predict(X_train, y_train, X_test, best), y_test))

# %%
def logistic_regression(X, z, lr, num_steps):
    w, b = np.zeros(X.shape[1]), 0.0
    for step in range(num_steps):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        if DEBUG and step % 1000 == 0:
            print(step, -np.mean(z * np.log(p + 1e-12) + (1 - z) * np.log(1 - p + 1e-12)))
        w = w - lr * X.T @ (p - z) / len(X)
        b = b - lr * np.mean(p - z)
    return w, b


def importance_weights(X, w, b, n_train, n_test):
    beta = np.exp(X @ w + b) * n_train / n_test
    assert np.all(beta > 0)
    return beta


def weighted_least_squares(X, y, weights):
    A = np.concatenate([X, np.ones((len(X), 1))], axis=1)
    AtW = A.T * weights
    return tuple_of(np.linalg.solve(AtW @ A, AtW @ y))


def tuple_of(theta):
    return theta[:-1], float(theta[-1])
