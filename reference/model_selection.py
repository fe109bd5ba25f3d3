"""Reference for the `model_selection` assignment (Dive into Deep Learning: model selection,
underfitting and overfitting, the house-price project's preprocessing, log-RMSE and K-fold
cross-validation, and covariate shift corrected with importance weights).

The regression project runs on scikit-learn's diabetes data with a ridge regression solved in
closed form, so that every result is deterministic; the covariate-shift part fits a logistic
regression by full-batch gradient descent from zero, deterministic as well.
"""
import numpy

from backprop_lab_check.datasets import load_diabetes

# -- a validation split and K-fold cross-validation -------------------------------------------


def train_valid_split(X, y, valid_fraction, seed):
    """(X_train, y_train, X_valid, y_valid): the rows shuffled by the generator seeded with
    `seed`, round(valid_fraction * n) of them for validation, the rest for training."""
    order = numpy.random.default_rng(seed).permutation(len(X))
    num_valid = int(round(valid_fraction * len(X)))
    valid, train = order[:num_valid], order[num_valid:]
    return X[train], y[train], X[valid], y[valid]


def k_fold_data(k, i, X, y):
    """(X_train, y_train, X_valid, y_valid) of fold i of k: the rows are cut into k contiguous
    folds of n // k rows (the n % k rows left over belong to none, as in the book); fold i
    validates, the other k - 1 train."""
    size = len(X) // k
    valid = numpy.arange(i * size, (i + 1) * size)
    train = numpy.concatenate([numpy.arange(j * size, (j + 1) * size) for j in range(k) if j != i])
    return X[train], y[train], X[valid], y[valid]


# -- the regression project --------------------------------------------------------------------

def standardize(X_train, X_other):
    """Both parts standardised with the mean and standard deviation of each column of X_train."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_other - mean) / std


def log_rmse(y_hat, y):
    """sqrt(mean((log max(y_hat, 1) - log y)^2)): predictions below 1 count as 1."""
    return float(numpy.sqrt(numpy.mean((numpy.log(numpy.maximum(y_hat, 1)) - numpy.log(y)) ** 2)))


def fit_ridge(X, y, weight_decay):
    """(w, b) minimising mean((X w + b - y)^2) / 2 + weight_decay / 2 * ||w||^2 (the bias is not
    penalised): centred data, then (Xc^T Xc / n + weight_decay I) w = Xc^T yc / n."""
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc = X - x_mean
    w = numpy.linalg.solve(Xc.T @ Xc / len(X) + weight_decay * numpy.eye(X.shape[1]), Xc.T @ (y - y_mean) / len(X))
    return w, float(y_mean - x_mean @ w)


def k_fold(k, X, y, weight_decay):
    """(mean training log-RMSE, mean validation log-RMSE) over the k folds; each fold standardises
    with the statistics of its own training part and fits a ridge regression to it."""
    train_loss = valid_loss = 0.0
    for i in range(k):
        X_train, y_train, X_valid, y_valid = k_fold_data(k, i, X, y)
        X_train, X_valid = standardize(X_train, X_valid)
        w, b = fit_ridge(X_train, y_train, weight_decay)
        train_loss += log_rmse(X_train @ w + b, y_train)
        valid_loss += log_rmse(X_valid @ w + b, y_valid)
    return train_loss / k, valid_loss / k


def choose_weight_decay(X, y, candidates, k=5):
    """The candidate with the lowest mean validation log-RMSE in k-fold cross-validation."""
    valid_losses = [k_fold(k, X, y, wd)[1] for wd in candidates]
    return candidates[int(numpy.argmin(valid_losses))]


def train_and_predict(X_train, y_train, X_test, weight_decay):
    """Predictions for X_test of a ridge regression fitted to all of the standardised training part."""
    X_train, X_test = standardize(X_train, X_test)
    w, b = fit_ridge(X_train, y_train, weight_decay)
    return X_test @ w + b


def quadratic_features(X):
    """X with every product X[:, i] * X[:, j], i <= j, appended: 10 features give 65."""
    i, j = numpy.triu_indices(X.shape[1])
    return numpy.hstack([X, X[:, i] * X[:, j]])


def diabetes_features():
    """The notebook's data: the diabetes measurements in their units with their quadratic
    features, and the targets."""
    diabetes = load_diabetes(scaled=False)
    return quadratic_features(diabetes.data), diabetes.target


# -- covariate shift -------------------------------------------------------------------------------

def sigmoid(x):
    return 1 / (1 + numpy.exp(-x))


def logistic_regression(X, z, lr, num_steps):
    """(w, b) after num_steps steps of full-batch gradient descent from zero on the mean binary
    cross-entropy of p(z = 1 | x) = sigmoid(x w + b), labels z in {0, 1}."""
    w, b = numpy.zeros(X.shape[1]), 0.0
    for _ in range(num_steps):
        error = sigmoid(X @ w + b) - z
        w = w - lr * X.T @ error / len(X)
        b = b - lr * float(error.mean())
    return w, b


def importance_weights(X, w, b, n_train, n_test):
    """beta(x) = p_test(x) / p_train(x) estimated from a classifier of test (z = 1) against
    training examples: the odds exp(x w + b), times n_train / n_test for the classes' sizes."""
    return numpy.exp(X @ w + b) * n_train / n_test


def weighted_least_squares(X, y, weights):
    """(w, b) minimising sum_i weights_i (x_i w + b - y_i)^2."""
    A = numpy.column_stack([X, numpy.ones(len(X))])
    solution = numpy.linalg.solve(A.T @ (weights[:, None] * A), A.T @ (weights * y))
    return solution[:-1], float(solution[-1])
