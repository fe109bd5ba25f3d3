# %%
import numpy as np
from backprop_lab_check.datasets import load_diabetes


# %% scikit-learn habits: a scaler and a model object, functions on top
class StandardScaler:
    def fit(self, X):
        self.mean_, self.scale_ = X.mean(axis=0), X.std(axis=0)
        return self

    def transform(self, X):
        return (X - self.mean_) / self.scale_


class Ridge:
    def __init__(self, alpha):
        self.alpha = alpha

    def fit(self, X, y):
        n, d = X.shape
        self.x_mean_, self.y_mean_ = X.mean(axis=0), y.mean()
        Xc = X - self.x_mean_
        self.coef_ = np.linalg.solve(Xc.T @ Xc / n + self.alpha * np.eye(d), Xc.T @ (y - self.y_mean_) / n)
        self.intercept_ = float(self.y_mean_ - self.x_mean_ @ self.coef_)
        return self

    def predict(self, X):
        return X @ self.coef_ + self.intercept_


def train_valid_split(X, y, valid_fraction, seed):
    shuffled = np.random.default_rng(seed).permutation(len(X))
    n_valid = int(round(valid_fraction * len(X)))
    return X[shuffled[n_valid:]], y[shuffled[n_valid:]], X[shuffled[:n_valid]], y[shuffled[:n_valid]]


def k_fold_data(k, i, X, y):
    size = len(X) // k
    valid = list(range(i * size, (i + 1) * size))
    train = list(range(0, i * size)) + list(range((i + 1) * size, k * size))
    return X[train], y[train], X[valid], y[valid]


def standardize(X_train, X_other):
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_other)


def log_rmse(y_hat, y):
    return float(np.sqrt(np.mean(np.square(np.log(y_hat.clip(min=1)) - np.log(y)))))


def fit_ridge(X, y, weight_decay):
    model = Ridge(weight_decay).fit(X, y)
    return model.coef_, model.intercept_


def k_fold(k, X, y, weight_decay):
    scores = np.zeros((k, 2))
    for i in range(k):
        X_tr, y_tr, X_va, y_va = k_fold_data(k, i, X, y)
        scaler = StandardScaler().fit(X_tr)
        model = Ridge(weight_decay).fit(scaler.transform(X_tr), y_tr)
        scores[i] = [log_rmse(model.predict(scaler.transform(X_tr)), y_tr),
                     log_rmse(model.predict(scaler.transform(X_va)), y_va)]
    return tuple(scores.mean(axis=0))


def choose_weight_decay(X, y, candidates, k=5):
    cv = [k_fold(k, X, y, alpha)[1] for alpha in candidates]
    return candidates[cv.index(min(cv))]


def train_and_predict(X_train, y_train, X_test, weight_decay):
    scaler = StandardScaler().fit(X_train)
    return Ridge(weight_decay).fit(scaler.transform(X_train), y_train).predict(scaler.transform(X_test))


class LogisticRegression:
    def __init__(self, lr, num_steps):
        self.lr, self.num_steps = lr, num_steps

    def fit(self, X, z):
        self.w, self.b = np.zeros(X.shape[1]), 0.0
        for _ in range(self.num_steps):
            g = self.predict_proba(X) - z
            self.w = self.w - self.lr * X.T @ g / len(X)
            self.b = self.b - self.lr * g.mean()
        return self

    def predict_proba(self, X):
        return 1 / (1 + np.exp(-(X @ self.w + self.b)))


def logistic_regression(X, z, lr, num_steps):
    clf = LogisticRegression(lr, num_steps).fit(X, z)
    return clf.w, clf.b


def importance_weights(X, w, b, n_train, n_test):
    return np.exp(X @ w + b) * n_train / n_test


def weighted_least_squares(X, y, weights):
    A = np.column_stack([X, np.ones_like(y)])
    theta = np.linalg.solve(A.T @ np.diag(weights) @ A, A.T @ np.diag(weights) @ y)
    return theta[:-1], float(theta[-1])
