# %%
from typing import Iterator, Sequence, Tuple

import numpy as np

Split = Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


# %%
def train_valid_split(X: np.ndarray, y: np.ndarray, valid_fraction: float, seed: int) -> Split:
    """Shuffle with a seeded generator; round(valid_fraction * n) rows validate."""
    assert 0 < valid_fraction < 1
    perm = np.random.default_rng(seed).permutation(len(X))
    n_valid = int(round(valid_fraction * len(X)))
    train, valid = np.split(perm, [len(X) - n_valid])
    return X[train], y[train], X[valid], y[valid]


def folds(n: int, k: int) -> Iterator[np.ndarray]:
    size = n // k
    for j in range(k):
        yield np.arange(j * size, (j + 1) * size)


def k_fold_data(k: int, i: int, X: np.ndarray, y: np.ndarray) -> Split:
    all_folds = list(folds(len(X), k))
    valid = all_folds.pop(i)
    train = np.concatenate(all_folds)
    return X[train], y[train], X[valid], y[valid]


def standardize(X_train: np.ndarray, X_other: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    assert np.all(std > 0), "a constant column"
    return (X_train - mean) / std, (X_other - mean) / std


def log_rmse(y_hat: np.ndarray, y: np.ndarray) -> float:
    assert y_hat.shape == y.shape and np.all(y > 0)
    return float(np.sqrt(np.mean((np.log(np.maximum(y_hat, 1)) - np.log(y)) ** 2)))


def fit_ridge(X: np.ndarray, y: np.ndarray, weight_decay: float) -> Tuple[np.ndarray, float]:
    n, d = X.shape
    x_mean, y_mean = X.mean(axis=0), float(y.mean())
    Xc = X - x_mean
    w = np.linalg.solve(Xc.T @ Xc / n + weight_decay * np.eye(d), Xc.T @ (y - y_mean) / n)
    return w, y_mean - float(x_mean @ w)


def k_fold(k: int, X: np.ndarray, y: np.ndarray, weight_decay: float) -> Tuple[float, float]:
    train_losses, valid_losses = [], []
    for i in range(k):
        X_tr, y_tr, X_va, y_va = k_fold_data(k, i, X, y)
        X_tr, X_va = standardize(X_tr, X_va)
        w, b = fit_ridge(X_tr, y_tr, weight_decay)
        train_losses.append(log_rmse(X_tr @ w + b, y_tr))
        valid_losses.append(log_rmse(X_va @ w + b, y_va))
    return sum(train_losses) / k, sum(valid_losses) / k


def choose_weight_decay(X: np.ndarray, y: np.ndarray, candidates: Sequence[float], k: int = 5) -> float:
    return min(zip((k_fold(k, X, y, wd)[1] for wd in candidates), range(len(candidates)), candidates))[2]


def train_and_predict(X_train, y_train, X_test, weight_decay):
    X_train, X_test = standardize(X_train, X_test)
    w, b = fit_ridge(X_train, y_train, weight_decay)
    out = X_test @ w + b
    assert out.shape == (len(X_test),)
    return out


def logistic_regression(X, z, lr, num_steps):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(num_steps):
        s = 1 / (1 + np.exp(-(X @ w + b)))
        dw, db = X.T @ (s - z) / n, float(np.sum(s - z)) / n
        w, b = w - lr * dw, b - lr * db
    return w, b


def importance_weights(X, w, b, n_train, n_test):
    return np.exp(X @ w + b) * float(n_train) / float(n_test)


def weighted_least_squares(X, y, weights):
    assert np.all(weights >= 0)
    A = np.column_stack([X, np.ones(X.shape[0])])
    theta = np.linalg.solve(A.T @ (weights[:, None] * A), A.T @ (weights * y))
    return theta[:-1], float(theta[-1])
