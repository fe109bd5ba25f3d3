# %%
import math

import numpy as np


# %%
def train_valid_split(X, y, valid_fraction, seed):
    order = list(np.random.default_rng(seed).permutation(len(X)))
    n_valid = int(round(valid_fraction * len(order)))
    valid = order[:n_valid]
    train = order[n_valid:]
    return X[train], y[train], X[valid], y[valid]


def k_fold_data(k, i, X, y):
    fold_size = len(X) // k
    train, valid = [], []
    for row in range(fold_size * k):
        if row // fold_size == i:
            valid.append(row)
        else:
            train.append(row)
    return X[train], y[train], X[valid], y[valid]


def standardize(X_train, X_other):
    n = len(X_train)
    mean = X_train.sum(axis=0) / n
    std = np.sqrt(((X_train - mean) ** 2).sum(axis=0) / n)
    return (X_train - mean) / std, (X_other - mean) / std


def log_rmse(y_hat, y):
    total = 0.0
    for p, t in zip(y_hat, y):
        total += (math.log(max(p, 1.0)) - math.log(t)) ** 2
    return math.sqrt(total / len(y))


def fit_ridge(X, y, weight_decay):
    n, d = X.shape
    x_mean = X.mean(axis=0)
    y_mean = y.mean()
    Xc = X - x_mean
    A = Xc.T @ Xc / n
    for j in range(d):
        A[j, j] += weight_decay
    w = np.linalg.solve(A, Xc.T @ (y - y_mean) / n)
    return w, float(y_mean - np.sum(x_mean * w))


def k_fold(k, X, y, weight_decay):
    train_total = valid_total = 0.0
    for i in range(k):
        X_tr, y_tr, X_va, y_va = k_fold_data(k, i, X, y)
        X_tr, X_va = standardize(X_tr, X_va)
        w, b = fit_ridge(X_tr, y_tr, weight_decay)
        train_total = train_total + log_rmse(X_tr @ w + b, y_tr)
        valid_total = valid_total + log_rmse(X_va @ w + b, y_va)
    return train_total / k, valid_total / k


def choose_weight_decay(X, y, candidates, k=5):
    best_wd, best_loss = candidates[0], math.inf
    for wd in candidates:
        loss = k_fold(k, X, y, wd)[1]
        if loss < best_loss:
            best_wd, best_loss = wd, loss
    return best_wd


def train_and_predict(X_train, y_train, X_test, weight_decay):
    X_tr, X_te = standardize(X_train, X_test)
    w, b = fit_ridge(X_tr, y_train, weight_decay)
    return np.array([row @ w + b for row in X_te])


def logistic_regression(X, z, lr, num_steps):
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    for _ in range(num_steps):
        grad_w, grad_b = np.zeros(d), 0.0
        for x_i, z_i in zip(X, z):
            err = 1 / (1 + math.exp(-(x_i @ w + b))) - z_i
            grad_w += err * x_i
            grad_b += err
        w = w - lr * grad_w / n
        b = b - lr * grad_b / n
    return w, b


def importance_weights(X, w, b, n_train, n_test):
    return np.array([math.exp(x @ w + b) * n_train / n_test for x in X])


def weighted_least_squares(X, y, weights):
    A = np.column_stack([X, np.ones(len(X))])
    lhs = sum(beta * np.outer(a, a) for beta, a in zip(weights, A))
    rhs = sum(beta * a * t for beta, a, t in zip(weights, A, y))
    theta = np.linalg.solve(lhs, rhs)
    return theta[:-1], float(theta[-1])
