# %%
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from backprop_lab_check.datasets import load_diabetes

# %% 모델 선택: 검증 데이터셋과 K-겹 교차 검증
def train_valid_split(X, y, valid_fraction, seed):
    # 시드를 고정한 난수 생성기로 행을 섞습니다
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(X))
    n_valid = int(round(len(X) * valid_fraction))   # 검증 데이터의 개수
    return X[perm[n_valid:]], y[perm[n_valid:]], X[perm[:n_valid]], y[perm[:n_valid]]


def k_fold_data(k, i, X, y):
    # i 번째 겹(fold)은 검증용, 나머지 k - 1 개는 학습용
    fold_size = len(X) // k
    rows = np.arange(fold_size * k).reshape(k, fold_size)
    valid = rows[i]
    train = np.delete(rows, i, axis=0).reshape(-1)
    return X[train], y[train], X[valid], y[valid]


# %% 데이터 전처리: 표준화
def standardize(X_train, X_other):
    # 평균과 표준편차는 학습 데이터에서만 구합니다
    mu, sigma = np.mean(X_train, 0), np.std(X_train, 0)
    return (X_train - mu) / sigma, (X_other - mu) / sigma


def log_rmse(y_hat, y):
    # 1보다 작은 예측값은 1로 바꿔서 로그를 안정적으로 계산합니다
    y_hat = np.where(y_hat < 1, 1.0, y_hat)
    return float(np.sqrt(((np.log(y_hat) - np.log(y)) ** 2).mean()))


def fit_ridge(X, y, weight_decay):
    # 편향은 가중치 감쇠를 적용하지 않습니다: 중심화한 뒤 정규 방정식을 풉니다
    n, d = X.shape
    x_mean, y_mean = X.mean(0), y.mean()
    Xc = X - x_mean
    w = np.linalg.solve(Xc.T @ Xc + n * weight_decay * np.eye(d), Xc.T @ (y - y_mean))
    return w, float(y_mean - x_mean.dot(w))


def k_fold(k, X, y, weight_decay):
    train_sum = valid_sum = 0.0
    for i in range(k):
        X_tr, y_tr, X_va, y_va = k_fold_data(k, i, X, y)
        X_tr, X_va = standardize(X_tr, X_va)   # 겹마다 학습 부분으로 표준화
        w, b = fit_ridge(X_tr, y_tr, weight_decay)
        train_sum += log_rmse(X_tr @ w + b, y_tr)
        valid_sum += log_rmse(X_va @ w + b, y_va)
    return train_sum / k, valid_sum / k


def choose_weight_decay(X, y, candidates, k=5):
    valid = np.array([k_fold(k, X, y, wd)[1] for wd in candidates])
    return candidates[valid.argmin()]


def train_and_predict(X_train, y_train, X_test, weight_decay):
    # 모든 학습 데이터로 다시 학습한 뒤 테스트 데이터를 예측합니다
    X_tr, X_te = standardize(X_train, X_test)
    w, b = fit_ridge(X_tr, y_train, weight_decay)
    return X_te @ w + b


# %% 공변량 변화(covariate shift) 교정
def logistic_regression(X, z, lr, num_steps):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(num_steps):
        p = 1 / (1 + np.exp(-(X @ w + b)))   # p(z = 1 | x)
        w, b = w - lr * X.T @ (p - z) / len(X), b - lr * np.mean(p - z)
    return w, b


def importance_weights(X, w, b, n_train, n_test):
    # beta(x) = exp(f(x)), 두 데이터의 개수 비율로 보정
    return np.exp(X @ w + b) * n_train / n_test


def weighted_least_squares(X, y, weights):
    A = np.column_stack([X, np.ones(len(y))])
    theta = np.linalg.solve((A * weights[:, None]).T @ A, A.T @ (weights * y))
    return theta[:-1], float(theta[-1])
