# %%
import numpy as np


# %% helpers of my own
def sigmoid(t):
    # no overflow for large |t|
    return np.exp(-np.logaddexp(0, -t))


def predict(X, w, b):
    return X @ w + b


# %%
def train_valid_split(X, y, valid_fraction, seed):
    shuffled = np.random.default_rng(seed).permutation(np.arange(len(X)))
    n_valid = int(np.rint(valid_fraction * len(X)))
    return X[shuffled[n_valid:]], y[shuffled[n_valid:]], X[shuffled[:n_valid]], y[shuffled[:n_valid]]


def k_fold_data(k, i, X, y):
    parts = np.array_split(np.arange(len(X)), k)
    train = np.concatenate([p for j, p in enumerate(parts) if j != i])
    return X[train], y[train], X[parts[i]], y[parts[i]]


def standardize(X_train, X_other):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0, ddof=1)
    return (X_train - mean) / std, (X_other - mean) / std


def log_rmse(y_hat, y):
    log_ratio = np.log(np.maximum(y_hat, 1)) - np.log(y)
    return float(np.sqrt(log_ratio @ log_ratio / len(log_ratio)))


def fit_ridge(X, y, weight_decay):
    n, d = X.shape
    mean_x, mean_y = X.mean(axis=0), y.mean()
    U, s, Vt = np.linalg.svd(X - mean_x, full_matrices=False)
    # ridge through the SVD: w = V diag(s / (s^2 + n lambda)) U^T yc
    w = Vt.T @ (s / (s ** 2 + n * weight_decay) * (U.T @ (y - mean_y)))
    return w, float(mean_y - mean_x @ w)


def k_fold(k, X, y, weight_decay):
    results = {"train": [], "valid": []}
    for i in range(k):
        X_tr, y_tr, X_va, y_va = k_fold_data(k, i, X, y)
        X_tr, X_va = standardize(X_tr, X_va)
        w, b = fit_ridge(X_tr, y_tr, weight_decay)
        results["train"].append(log_rmse(predict(X_tr, w, b), y_tr))
        results["valid"].append(log_rmse(predict(X_va, w, b), y_va))
    return np.mean(results["train"]), np.mean(results["valid"])


def choose_weight_decay(X, y, candidates, k=5):
    table = {wd: k_fold(k, X, y, wd) for wd in candidates}
    return sorted(table, key=lambda wd: table[wd][1])[0]


def train_and_predict(X_train, y_train, X_test, weight_decay):
    X_train, X_test = standardize(X_train, X_test)
    return predict(X_test, *fit_ridge(X_train, y_train, weight_decay))


def logistic_regression(X, z, lr, num_steps):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(num_steps):
        delta = sigmoid(predict(X, w, b)) - z
        w = w - lr * (delta @ X) / len(delta)
        b = b - lr * delta.mean()
    return w, b


def importance_weights(X, w, b, n_train, n_test):
    # the odds p / (1 - p) of the classifier, computed without dividing by a tiny 1 - p
    return np.exp(predict(X, w, b)) * (n_train / n_test)


def weighted_least_squares(X, y, weights):
    A = np.hstack([X, np.ones((len(X), 1))])
    root = np.sqrt(weights)[:, None]
    Q, R = np.linalg.qr(A * root)
    theta = np.linalg.solve(R, Q.T @ (root[:, 0] * y))
    return theta[:-1], float(theta[-1])
