# %%
import numpy as np
import matplotlib.pyplot as plt

# %% 検証データとK分割交差検証
def train_valid_split(X, y, valid_fraction, seed):
    np.random.seed(seed)                       # 再現性のため
    idx = np.random.permutation(len(X))
    n_val = int(valid_fraction * len(X))       # 切り捨て
    return X[idx[n_val:]], y[idx[n_val:]], X[idx[:n_val]], y[idx[:n_val]]


def k_fold_data(k, i, X, y):
    n = len(X) // k
    is_valid = np.zeros(len(X), dtype=bool)
    is_valid[i * n:(i + 1) * n] = True
    used = np.arange(len(X)) < k * n           # 余りの行はどの分割にも入れない（本と同じ）
    return X[~is_valid & used], y[~is_valid & used], X[is_valid], y[is_valid]


# %% 前処理と評価指標
def standardize(X_train, X_other):
    m = X_train.mean(axis=0)
    s = np.sqrt(((X_train - m) ** 2).mean(axis=0))
    return (X_train - m) / s, (X_other - m) / s


def log_rmse(y_hat, y):
    d = np.log(np.maximum(y_hat, 1.0)) - np.log(y)
    return np.sqrt(np.dot(d, d) / d.size)


def fit_ridge(X, y, weight_decay):
    xm, ym = X.mean(axis=0), y.mean()
    Xc = X - xm
    G = Xc.T @ Xc / len(X)
    G[np.diag_indices_from(G)] += weight_decay     # 重み減衰（バイアスには掛けない）
    w = np.linalg.solve(G, Xc.T @ (y - ym) / len(X))
    return w, ym - xm @ w


def k_fold(k, X, y, weight_decay):
    tr, va = [], []
    for i in range(k):
        Xt, yt, Xv, yv = k_fold_data(k, i, X, y)
        Xt, Xv = standardize(Xt, Xv)
        w, b = fit_ridge(Xt, yt, weight_decay)
        tr.append(log_rmse(Xt @ w + b, yt))
        va.append(log_rmse(Xv @ w + b, yv))
    return np.mean(tr), np.mean(va)


def choose_weight_decay(X, y, candidates, k=5):
    results = [(k_fold(k, X, y, wd)[1], idx) for idx, wd in enumerate(candidates)]
    return candidates[min(results)[1]]


def train_and_predict(X_train, y_train, X_test, weight_decay):
    Xt, Xs = standardize(X_train, X_test)
    return Xs @ fit_ridge(Xt, y_train, weight_decay)[0] + fit_ridge(Xt, y_train, weight_decay)[1]


# %% 共変量シフト
def logistic_regression(X, z, lr, num_steps):
    theta = np.zeros(X.shape[1] + 1)               # 最後の要素がバイアス
    A = np.hstack([X, np.ones((len(X), 1))])
    for _ in range(num_steps):
        p = 1 / (1 + np.exp(-A @ theta))
        theta -= lr * A.T @ (p - z) / len(X)
    return theta[:-1], theta[-1]


def importance_weights(X, w, b, n_train, n_test):
    return np.exp(X @ w + b + np.log(n_train) - np.log(n_test))


def weighted_least_squares(X, y, weights):
    A = np.hstack([X, np.ones((len(X), 1))])
    lhs = np.einsum('i,ij,ik->jk', weights, A, A)
    rhs = np.einsum('i,ij,i->j', weights, A, y)
    theta = np.linalg.solve(lhs, rhs)
    return theta[:-1], theta[-1]
