# %%
import numpy as np


# %%
def train_valid_split(X, y, valid_fraction, seed):
    idx = np.arange(len(X))
    np.random.default_rng(seed).shuffle(idx)
    n_valid = int(round(valid_fraction * len(X)))
    return X[idx[n_valid:]], y[idx[n_valid:]], X[idx[:n_valid]], y[idx[:n_valid]]


def k_fold_data(k, i, X, y):
    size = len(X) // k
    chunks = [np.arange(j * size, (j + 1) * size) for j in range(k)]
    train = np.concatenate(chunks[:i] + chunks[i + 1:])
    return X[train], y[train], X[chunks[i]], y[chunks[i]]


def standardize(X_train, X_other):
    stats = np.stack([X_train.mean(axis=0), X_train.std(axis=0)])
    return (X_train - stats[0]) / stats[1], (X_other - stats[0]) / stats[1]


def log_rmse(y_hat, y):
    return float(np.sqrt(np.mean((np.log(np.maximum(y_hat, 1)) - np.log(y)) ** 2)))


def fit_ridge(X, y, weight_decay):
    # the normal equations of [X, 1] with a penalty on the weights only
    n, d = X.shape
    A = np.column_stack([X, np.ones(n)])
    penalty = np.diag(np.r_[np.full(d, weight_decay), 0.0])
    theta = np.linalg.solve(A.T @ A / n + penalty, A.T @ y / n)
    return theta[:d], float(theta[d])


def k_fold(k, X, y, weight_decay):
    total = np.zeros(2)
    for i in range(k):
        X_tr, y_tr, X_va, y_va = k_fold_data(k, i, X, y)
        X_tr, X_va = standardize(X_tr, X_va)
        w, b = fit_ridge(X_tr, y_tr, weight_decay)
        total += (log_rmse(X_tr @ w + b, y_tr), log_rmse(X_va @ w + b, y_va))
    train, valid = total / k
    return train, valid


def choose_weight_decay(X, y, candidates, k=5):
    best = 0
    losses = [k_fold(k, X, y, wd)[1] for wd in candidates]
    for j in range(1, len(candidates)):
        if losses[j] < losses[best]:
            best = j
    return candidates[best]


def train_and_predict(X_train, y_train, X_test, weight_decay):
    X_train, X_test = standardize(X_train, X_test)
    w, b = fit_ridge(X_train, y_train, weight_decay)
    return X_test @ w + b


def logistic_regression(X, z, lr, num_steps):
    A = np.column_stack([X, np.ones(len(X))])
    theta = np.zeros(A.shape[1])
    for _ in range(num_steps):
        theta = theta - lr * A.T @ (1 / (1 + np.exp(-A @ theta)) - z) / len(A)
    return theta[:-1], float(theta[-1])


def importance_weights(X, w, b, n_train, n_test):
    odds = np.exp(X @ w + b)
    return odds * (n_train / n_test)


def weighted_least_squares(X, y, weights):
    A = np.column_stack([X, np.ones(len(X))])
    B = np.diag(weights)
    theta = np.linalg.pinv(A.T @ B @ A) @ (A.T @ B @ y)
    return theta[:-1], float(theta[-1])
