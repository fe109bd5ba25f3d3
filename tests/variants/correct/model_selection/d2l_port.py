# %%
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from backprop_lab_check.datasets import load_diabetes

# %% [markdown]
# Ported from the MXNet chapter: get_k_fold_data with nd.concat -> np.concatenate, a pandas-like
# standardisation (sample std, ddof=1), Python loops where the book loops.

# %%
def train_valid_split(X, y, valid_fraction, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    n_valid = round(valid_fraction * len(X))
    return X[order[n_valid:]], y[order[n_valid:]], X[order[:n_valid]], y[order[:n_valid]]


def k_fold_data(k, i, X, y):
    assert k > 1
    fold_size = X.shape[0] // k
    X_train, y_train = None, None
    for j in range(k):
        idx = slice(j * fold_size, (j + 1) * fold_size)
        X_part, y_part = X[idx, :], y[idx]
        if j == i:
            X_valid, y_valid = X_part, y_part
        elif X_train is None:
            X_train, y_train = X_part, y_part
        else:
            X_train = np.concatenate((X_train, X_part), axis=0)
            y_train = np.concatenate((y_train, y_part), axis=0)
    return X_train, y_train, X_valid, y_valid


# %%
def standardize(X_train, X_other):
    # pandas' x.std() is the sample standard deviation
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0, ddof=1)
    return (X_train - mean) / std, (X_other - mean) / std


def log_rmse(y_hat, y):
    clipped_preds = np.clip(y_hat, 1, float('inf'))
    rmse = np.sqrt(2 * (0.5 * (np.log(clipped_preds) - np.log(y)) ** 2).mean())
    return rmse.item()


def fit_ridge(X, y, weight_decay):
    n = X.shape[0]
    X_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - X_mean, y - y_mean
    w = np.linalg.solve(np.dot(Xc.T, Xc) / n + weight_decay * np.identity(X.shape[1]), np.dot(Xc.T, yc) / n)
    return w, (y_mean - np.dot(X_mean, w)).item()


def k_fold(k, X_train, y_train, weight_decay):
    train_l_sum, valid_l_sum = 0, 0
    for i in range(k):
        data = k_fold_data(k, i, X_train, y_train)
        X_tr, X_va = standardize(data[0], data[2])
        w, b = fit_ridge(X_tr, data[1], weight_decay)
        train_l_sum += log_rmse(np.dot(X_tr, w) + b, data[1])
        valid_l_sum += log_rmse(np.dot(X_va, w) + b, data[3])
    return train_l_sum / k, valid_l_sum / k


def choose_weight_decay(X, y, candidates, k=5):
    scores = {}
    for wd in candidates:
        scores[wd] = k_fold(k, X, y, wd)[1]
        print('weight decay %g: avg valid log rmse %f' % (wd, scores[wd]))
    return min(scores, key=scores.get)


def train_and_predict(X_train, y_train, X_test, weight_decay):
    train_features, test_features = standardize(X_train, X_test)
    w, b = fit_ridge(train_features, y_train, weight_decay)
    return np.dot(test_features, w) + b


# %%
def logistic_regression(X, z, lr, num_steps):
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(num_steps):
        y_hat = 1 / (1 + np.exp(-(np.dot(X, w) + b)))
        w = w - lr * np.dot(X.T, y_hat - z) / len(z)
        b = b - lr * (y_hat - z).mean()
    return w, float(b)


def importance_weights(X, w, b, n_train, n_test):
    beta = np.exp(np.dot(X, w) + b)
    return beta * n_train / n_test


def weighted_least_squares(X, y, weights):
    A = np.concatenate([X, np.ones((len(X), 1))], axis=1)
    W = np.diag(weights)
    theta = np.linalg.solve(A.T.dot(W).dot(A), A.T.dot(W).dot(y))
    return theta[:-1], float(theta[-1])
