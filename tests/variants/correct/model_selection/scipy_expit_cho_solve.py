# %%
import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.special import expit


# %%
def train_valid_split(X, y, valid_fraction, seed):
    rng = np.random.default_rng(seed)
    n_valid = round(valid_fraction * len(X))
    valid = rng.choice(len(X), size=len(X), replace=False)   # a permutation
    return X[valid[n_valid:]], y[valid[n_valid:]], X[valid[:n_valid]], y[valid[:n_valid]]


def k_fold_data(k, i, X, y):
    size = len(X) // k
    fold_of = np.full(len(X), -1)
    fold_of[:k * size] = np.repeat(np.arange(k), size)
    train, valid = (fold_of >= 0) & (fold_of != i), fold_of == i
    return X[train], y[train], X[valid], y[valid]


def standardize(X_train, X_other):
    mean = np.average(X_train, axis=0)
    std = np.sqrt(np.var(X_train, axis=0))
    return np.divide(X_train - mean, std), np.divide(X_other - mean, std)


def log_rmse(y_hat, y):
    return float(np.sqrt(np.mean(np.square(np.log(np.maximum(1, y_hat) / y)))))


def fit_ridge(X, y, weight_decay):
    n, d = X.shape
    mx, my = X.mean(axis=0), y.mean()
    Xc = X - mx
    G = Xc.T @ Xc / n + weight_decay * np.eye(d)
    w = cho_solve(cho_factor(G), Xc.T @ (y - my) / n)
    return w, float(my - mx @ w)


def k_fold(k, X, y, weight_decay):
    pairs = []
    for i in range(k):
        X_tr, y_tr, X_va, y_va = k_fold_data(k, i, X, y)
        X_tr, X_va = standardize(X_tr, X_va)
        w, b = fit_ridge(X_tr, y_tr, weight_decay)
        pairs.append([log_rmse(X_tr @ w + b, y_tr), log_rmse(X_va @ w + b, y_va)])
    return float(np.mean([p[0] for p in pairs])), float(np.mean([p[1] for p in pairs]))


def choose_weight_decay(X, y, candidates, k=5):
    order = np.argsort([k_fold(k, X, y, wd)[1] for wd in candidates], kind="stable")
    return candidates[order[0]]


def train_and_predict(X_train, y_train, X_test, weight_decay):
    X_train_std, X_test_std = standardize(X_train, X_test)
    w, b = fit_ridge(X_train_std, y_train, weight_decay)
    return X_test_std.dot(w) + b


def logistic_regression(X, z, lr, num_steps):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(num_steps):
        residual = expit(X @ w + b) - z
        w = w - lr * np.mean(X * residual[:, None], axis=0)
        b = b - lr * np.mean(residual)
    return w, b


def importance_weights(X, w, b, n_train, n_test):
    p = expit(X @ w + b)
    return p / (1 - p) * n_train / n_test


def weighted_least_squares(X, y, weights):
    A = np.column_stack([X, np.ones(len(X))])
    G = A.T @ (A * weights[:, None])
    theta = cho_solve(cho_factor(G), A.T @ (weights * y))
    return theta[:-1], float(theta[-1])
