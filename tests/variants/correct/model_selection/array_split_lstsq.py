# %%
import numpy as np
from backprop_lab_check.datasets import load_diabetes

# %%
def train_valid_split(X, y, valid_fraction, seed):
    perm = np.random.default_rng(seed).permutation(len(y))
    cut = len(y) - int(round(valid_fraction * len(y)))
    train, valid = perm[:cut], perm[cut:]
    return X[train], y[train], X[valid], y[valid]


def k_fold_data(k, i, X, y):
    folds = np.array_split(np.arange(len(X)), k)
    valid = folds[i]
    train = np.hstack([f for j, f in enumerate(folds) if j != i])
    return X[train], y[train], X[valid], y[valid]


def standardize(X_train, X_other):
    center = np.mean(X_train, axis=0, keepdims=True)
    scale = np.std(X_train, axis=0, keepdims=True)
    return (X_train - center) / scale, (X_other - center) / scale


def log_rmse(y_hat, y):
    return float(np.linalg.norm(np.log(np.fmax(y_hat, 1.0)) - np.log(y)) / np.sqrt(len(y)))


def fit_ridge(X, y, weight_decay):
    # ridge as least squares: stack sqrt(n * lambda) I under the centred X
    n, d = X.shape
    mx, my = X.mean(0), y.mean()
    A = np.vstack([X - mx, np.sqrt(n * weight_decay) * np.eye(d)])
    t = np.concatenate([y - my, np.zeros(d)])
    w, *_ = np.linalg.lstsq(A, t, rcond=None)
    return w, float(my - mx @ w)


def k_fold(k, X, y, weight_decay):
    losses = []
    for i in range(k):
        Xt, yt, Xv, yv = k_fold_data(k, i, X, y)
        Xt, Xv = standardize(Xt, Xv)
        w, b = fit_ridge(Xt, yt, weight_decay)
        losses.append((log_rmse(Xt @ w + b, yt), log_rmse(Xv @ w + b, yv)))
    train, valid = np.mean(losses, axis=0)
    return float(train), float(valid)


def choose_weight_decay(X, y, candidates, k=5):
    return min(candidates, key=lambda wd: k_fold(k, X, y, wd)[1])


def train_and_predict(X_train, y_train, X_test, weight_decay):
    Xt, Xs = standardize(X_train, X_test)
    w, b = fit_ridge(Xt, y_train, weight_decay)
    return Xs @ w + b


def logistic_regression(X, z, lr, num_steps):
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(num_steps):
        r = 1 / (1 + np.exp(-X @ w - b)) - z
        w -= lr * (X.T @ r) / X.shape[0]
        b -= lr * r.mean()
    return w, b


def importance_weights(X, w, b, n_train, n_test):
    return np.exp(X @ w + b) * (n_train / n_test)


def weighted_least_squares(X, y, weights):
    s = np.sqrt(weights)
    A = np.c_[X, np.ones(len(X))]
    theta = np.linalg.lstsq(A * s[:, None], y * s, rcond=None)[0]
    return theta[:-1], theta[-1]
