"""Helpers for the model_selection checks: the book's K-fold split, standardisation with the
training statistics, the log-RMSE, ridge regression in closed form and K-fold validation."""
import numpy as np

ORDER = ["train_valid_split", "k_fold_data", "standardize", "log_rmse", "fit_ridge", "k_fold",
         "choose_weight_decay", "train_and_predict", "logistic_regression", "importance_weights",
         "weighted_least_squares"]


def k_fold_data(k, i, X, y):
    size = len(X) // k
    valid = np.arange(i * size, (i + 1) * size)
    train = np.concatenate([np.arange(j * size, (j + 1) * size) for j in range(k) if j != i])
    return X[train], y[train], X[valid], y[valid]


def standardize(X_train, X_other):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_other - mean) / std


def log_rmse(y_hat, y):
    return float(np.sqrt(np.mean((np.log(np.maximum(y_hat, 1)) - np.log(y)) ** 2)))


def fit_ridge(X, y, weight_decay):
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc = X - x_mean
    w = np.linalg.solve(Xc.T @ Xc / len(X) + weight_decay * np.eye(X.shape[1]), Xc.T @ (y - y_mean) / len(X))
    return w, float(y_mean - x_mean @ w)


def k_fold(k, X, y, weight_decay):
    train_loss = valid_loss = 0.0
    for i in range(k):
        X_train, y_train, X_valid, y_valid = k_fold_data(k, i, X, y)
        X_train, X_valid = standardize(X_train, X_valid)
        w, b = fit_ridge(X_train, y_train, weight_decay)
        train_loss += log_rmse(X_train @ w + b, y_train)
        valid_loss += log_rmse(X_valid @ w + b, y_valid)
    return train_loss / k, valid_loss / k
