# %%
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from backprop_lab_check.datasets import load_diabetes

# %% 1. validation split and K-fold (D2L 4.4)
def train_valid_split(X, y, valid_fraction, seed):
    rng = np.random.default_rng(seed)
    idx = rng.permutation(X.shape[0])
    n_valid = int(round(valid_fraction * X.shape[0]))
    valid_idx = idx[:n_valid]
    train_idx = idx[n_valid:]
    return X[train_idx], y[train_idx], X[valid_idx], y[valid_idx]


def k_fold_data(k, i, X, y):
    assert k > 1
    fold_size = X.shape[0] // k
    X_train, y_train = None, None
    for j in range(k):
        idx = slice(j * fold_size, (j + 1) * fold_size)
        X_part, y_part = X[idx], y[idx]
        if j == i:
            X_valid, y_valid = X_part, y_part
        elif X_train is None:
            X_train, y_train = X_part, y_part
        else:
            X_train = np.concatenate([X_train, X_part], axis=0)
            y_train = np.concatenate([y_train, y_part], axis=0)
    return X_train, y_train, X_valid, y_valid


# %% 2. the project
def quadratic_features(X):
    i, j = np.triu_indices(X.shape[1])
    return np.hstack([X, X[:, i] * X[:, j]])


def standardize(X_train, X_other):
    mu = X_train.mean(axis=0)
    sigma = X_train.std(axis=0)
    return (X_train - mu) / sigma, (X_other - mu) / sigma


def log_rmse(y_hat, y):
    # clip like the book so that log is defined
    clipped = np.clip(y_hat, 1, float('inf'))
    return float(np.sqrt(np.mean((np.log(clipped) - np.log(y)) ** 2)))


def fit_ridge(X, y, weight_decay):
    n, d = X.shape
    x_bar = X.mean(axis=0)
    y_bar = y.mean()
    Xc = X - x_bar
    yc = y - y_bar
    lhs = Xc.T @ Xc / n + weight_decay * np.eye(d)
    rhs = Xc.T @ yc / n
    w = np.linalg.solve(lhs, rhs)
    b = y_bar - x_bar @ w
    return w, float(b)


def k_fold(k, X, y, weight_decay):
    train_l_sum, valid_l_sum = 0.0, 0.0
    for i in range(k):
        X_train, y_train, X_valid, y_valid = k_fold_data(k, i, X, y)
        X_train, X_valid = standardize(X_train, X_valid)
        w, b = fit_ridge(X_train, y_train, weight_decay)
        train_l_sum += log_rmse(X_train @ w + b, y_train)
        valid_l_sum += log_rmse(X_valid @ w + b, y_valid)
    return train_l_sum / k, valid_l_sum / k


def choose_weight_decay(X, y, candidates, k=5):
    best, best_loss = None, float('inf')
    for wd in candidates:
        _, valid_l = k_fold(k, X, y, wd)
        if valid_l < best_loss:
            best, best_loss = wd, valid_l
    return best


def train_and_predict(X_train, y_train, X_test, weight_decay):
    X_train, X_test = standardize(X_train, X_test)
    w, b = fit_ridge(X_train, y_train, weight_decay)
    preds = X_test @ w + b
    return preds


# %%
diabetes = load_diabetes(scaled=False)
features, targets = quadratic_features(diabetes.data), diabetes.target
X_train, y_train, X_test, y_test = train_valid_split(features, targets, 0.5, seed=0)
for wd in [0, 0.01, 0.1, 1, 10]:
    print(wd, k_fold(5, X_train, y_train, wd))

# %% 3. covariate shift
def sigmoid(t):
    return 1 / (1 + np.exp(-t))


def logistic_regression(X, z, lr, num_steps):
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    for step in range(num_steps):
        p = sigmoid(X @ w + b)
        grad_w = X.T @ (p - z) / n
        grad_b = np.sum(p - z) / n
        w = w - lr * grad_w
        b = b - lr * grad_b
    return w, b


def importance_weights(X, w, b, n_train, n_test):
    logits = X @ w + b
    return np.exp(logits) * (n_train / n_test)


def weighted_least_squares(X, y, weights):
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    AtB = A.T * weights
    theta = np.linalg.solve(AtB @ A, AtB @ y)
    return theta[:-1], float(theta[-1])
