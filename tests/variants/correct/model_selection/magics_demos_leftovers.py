# %%
%matplotlib inline
%load_ext autoreload
import numpy as np
import matplotlib.pyplot as plt
from backprop_lab_check.datasets import load_diabetes

# %%
def train_valid_split(X, y, valid_fraction, seed):
    order = np.random.default_rng(seed).permutation(X.shape[0])
    k = int(np.round(valid_fraction * X.shape[0]))
    return X[order[k:]], y[order[k:]], X[order[:k]], y[order[:k]]

# %%
# first try, kept: forgot the labels
def k_fold_data(k, i, X):
    return X

# %%
def k_fold_data(k, i, X, y):
    f = X.shape[0] // k
    lo, hi = i * f, (i + 1) * f
    train = np.r_[0:lo, hi:k * f]
    return X[train], y[train], X[lo:hi], y[lo:hi]

# %%
print(k_fold_data(3, 1, np.arange(20).reshape(10, 2), np.arange(10))[3])

# %%
def standardize(X_train, X_other):
    mu = X_train.mean(0)
    sd = X_train.std(0)
    return (X_train - mu) / sd, (X_other - mu) / sd


def log_rmse(y_hat, y):
    return float(np.sqrt(np.mean((np.log(np.clip(y_hat, 1, None)) - np.log(y)) ** 2)))

# %%
%%time
def fit_ridge(X, y, weight_decay):
    xm, ym = X.mean(0), y.mean()
    Xc = X - xm
    w = np.linalg.solve(Xc.T @ Xc / len(y) + weight_decay * np.eye(X.shape[1]), Xc.T @ (y - ym) / len(y))
    return w, float(ym - xm @ w)


def k_fold(k, X, y, weight_decay):
    tl = vl = 0
    for i in range(k):
        a, b_, c, d = k_fold_data(k, i, X, y)
        a, c = standardize(a, c)
        w, b = fit_ridge(a, b_, weight_decay)
        tl += log_rmse(a @ w + b, b_)
        vl += log_rmse(c @ w + b, d)
    return tl / k, vl / k

# %%
!ls /nonexistent

# %%
diabetes = load_diabetes(scaled=False)
i, j = np.triu_indices(10)
feats = np.hstack([diabetes.data, diabetes.data[:, i] * diabetes.data[:, j]])
Xtr, ytr, Xte, yte = train_valid_split(feats, diabetes.target, 0.5, 0)
wds = np.logspace(-3, 1, 9)
res = np.array([k_fold(5, Xtr, ytr, wd) for wd in wds])
plt.semilogx(wds, res)
plt.show()

# %%
this_cell_fails_like_a_leftover()

# %%
def choose_weight_decay(X, y, candidates, k=5):
    return candidates[int(np.argmin([k_fold(k, X, y, c)[1] for c in candidates]))]


def train_and_predict(X_train, y_train, X_test, weight_decay):
    A, B = standardize(X_train, X_test)
    w, b = fit_ridge(A, y_train, weight_decay)
    return B @ w + b

# %%
%%capture
def logistic_regression(X, z, lr, num_steps):
    w = np.zeros(X.shape[1]); b = 0.0
    for t in range(num_steps):
        e = 1.0 / (1.0 + np.exp(-(X @ w + b))) - z
        w, b = w - lr * X.T @ e / X.shape[0], b - lr * e.sum() / X.shape[0]
    return w, b


def importance_weights(X, w, b, n_train, n_test):
    return n_train / n_test * np.exp(X @ w + b)


def weighted_least_squares(X, y, weights):
    A = np.c_[X, np.ones(len(X))]
    Aw = A * weights[:, None]
    theta = np.linalg.solve(Aw.T @ A, Aw.T @ y)
    return theta[:-1], float(theta[-1])

# %%
weights?
