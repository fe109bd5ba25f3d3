"""The `model_selection` assignment: notebooks, full marks and zero, the sample submissions,
realistic buggy variants that must lose points on the right name with feedback naming the
mistake, correct variants that must keep full marks, and the diabetes loader."""
import numpy
import pytest

import assignment_suite as suite
from mutants import M

A = "model_selection"
FIGURES = ["figure-folds", "figure-fitting-curve", "figure-test-predictions", "figure-covariate-shift",
           "figure-weighted-fit"]
GRADED = ["train_valid_split", "k_fold_data", "standardize", "log_rmse", "fit_ridge", "k_fold",
          "choose_weight_decay", "train_and_predict", "logistic_regression", "importance_weights",
          "weighted_least_squares"]

SPLIT_RETURN = "    valid, train = order[:num_valid], order[num_valid:]\n    return X[train], y[train], X[valid], y[valid]"
FOLD_RETURN = ("    train = np.concatenate([np.arange(j * size, (j + 1) * size) for j in range(k) if j != i])\n"
               "    return X[train], y[train], X[valid], y[valid]")

MUTANTS = [
    M(A, "split_not_shuffled", [("    order = np.random.default_rng(seed).permutation(len(X))",
                                 "    order = np.arange(len(X))")],
      "train_valid_split", "shuffle the rows first"),
    M(A, "split_ignores_seed", [("    order = np.random.default_rng(seed).permutation(len(X))",
                                 "    order = np.random.permutation(len(X))")],
      "train_valid_split", "seeded with `seed`"),
    M(A, "split_fraction_trains", [("    valid, train = order[:num_valid], order[num_valid:]",
                                    "    train, valid = order[:num_valid], order[num_valid:]")],
      "train_valid_split", "share of the VALIDATION part"),
    M(A, "split_in_scikit_learn_order", [(SPLIT_RETURN, SPLIT_RETURN.replace(
        "return X[train], y[train], X[valid], y[valid]", "return X[train], X[valid], y[train], y[valid]"))],
      "train_valid_split", "(X_train, y_train, X_valid, y_valid)"),
    M(A, "fold_trains_on_its_validation_rows", [(FOLD_RETURN, FOLD_RETURN.replace(" if j != i", ""))],
      "k_fold_data", "leave out the validation fold"),
    M(A, "fold_in_scikit_learn_order", [(FOLD_RETURN, FOLD_RETURN.replace(
        "return X[train], y[train], X[valid], y[valid]", "return X[train], X[valid], y[train], y[valid]"))],
      "k_fold_data", "(X_train, y_train, X_valid, y_valid)"),
    M(A, "standardize_with_all_rows", [("    mean, std = X_train.mean(axis=0), X_train.std(axis=0)",
                                        "    both = np.vstack([X_train, X_other])\n"
                                        "    mean, std = both.mean(axis=0), both.std(axis=0)")],
      "standardize", "TRAINING part only"),
    M(A, "standardize_other_with_its_own_statistics", [(
        "    return (X_train - mean) / std, (X_other - mean) / std",
        "    return (X_train - mean) / std, (X_other - X_other.mean(axis=0)) / X_other.std(axis=0)")],
      "standardize", "TRAINING part's mean"),
    M(A, "log_rmse_without_clipping", [("np.log(np.maximum(y_hat, 1))", "np.log(y_hat)")], "log_rmse", "clip"),
    M(A, "log_rmse_without_root", [("    return float(np.sqrt(np.mean((np.log(np.maximum(y_hat, 1)) - np.log(y)) ** 2)))",
                                    "    return float(np.mean((np.log(np.maximum(y_hat, 1)) - np.log(y)) ** 2))")],
      "log_rmse", "square root"),
    M(A, "ridge_summed_loss", [("    A = Xc.T @ Xc / len(X) + weight_decay * np.eye(X.shape[1])\n"
                                "    w = np.linalg.solve(A, Xc.T @ (y - y_mean) / len(X))",
                                "    A = Xc.T @ Xc + weight_decay * np.eye(X.shape[1])\n"
                                "    w = np.linalg.solve(A, Xc.T @ (y - y_mean))")],
      "fit_ridge", "MEAN of the squared errors"),
    M(A, "ridge_not_centred", [("    Xc = X - x_mean\n", "    Xc = X\n"),
                               ("Xc.T @ (y - y_mean) / len(X))\n    return w, float(y_mean - x_mean @ w)",
                                "Xc.T @ y / len(X))\n    return w, 0.0")],
      "fit_ridge", "centre X and y"),
    M(A, "k_fold_standardizes_before_splitting", [
        ("        X_tr, X_va = standardize(X_tr, X_va)\n", ""),
        ("    train_loss = valid_loss = 0.0\n    for i in range(k):",
         "    X, _ = standardize(X, X)\n    train_loss = valid_loss = 0.0\n    for i in range(k):")],
      "k_fold", "inside every round"),
    M(A, "k_fold_sums_the_losses", [("    return train_loss / k, valid_loss / k", "    return train_loss, valid_loss")],
      "k_fold", "MEAN of the k losses"),
    M(A, "choose_by_training_loss", [("    valid_losses = [k_fold(k, X, y, wd)[1] for wd in candidates]",
                                      "    valid_losses = [k_fold(k, X, y, wd)[0] for wd in candidates]")],
      "choose_weight_decay", "LOWEST VALIDATION loss"),
    M(A, "choose_returns_the_index", [("    return candidates[int(np.argmin(valid_losses))]",
                                       "    return int(np.argmin(valid_losses))")],
      "choose_weight_decay", "not its index"),
    M(A, "predict_on_raw_test_features", [("    X_train, X_test = standardize(X_train, X_test)",
                                           "    X_train, _ = standardize(X_train, X_test)")],
      "train_and_predict", "standardise the test part"),
    M(A, "predict_ignores_weight_decay", [("    w, b = fit_ridge(X_train, y_train, weight_decay)\n    return X_test @ w + b",
                                           "    w, b = fit_ridge(X_train, y_train, 0)\n    return X_test @ w + b")],
      "train_and_predict", "held-out test part"),
    M(A, "logistic_gradient_of_the_sum", [("        w = w - lr * X.T @ error / len(X)\n        b = b - lr * float(error.mean())",
                                           "        w = w - lr * X.T @ error\n        b = b - lr * float(error.sum())")],
      "logistic_regression", "MEAN cross-entropy"),
    M(A, "logistic_bias_never_trained", [("        b = b - lr * float(error.mean())\n", "")],
      "logistic_regression", "update the bias"),
    M(A, "importance_from_the_probability", [("    return np.exp(X @ w + b) * n_train / n_test",
                                              "    return 1 / (1 + np.exp(-(X @ w + b))) * n_train / n_test")],
      "importance_weights", "ODDS"),
    M(A, "importance_without_the_ratio", [("    return np.exp(X @ w + b) * n_train / n_test", "    return np.exp(X @ w + b)")],
      "importance_weights", "n_train / n_test"),
    M(A, "weighted_fit_weights_squared", [(
        "np.linalg.solve(A.T @ (weights[:, None] * A), A.T @ (weights * y))",
        "np.linalg.solve((weights[:, None] * A).T @ (weights[:, None] * A), (weights[:, None] * A).T @ (weights * y))")],
      "weighted_least_squares", "weights[i]**2"),
    M(A, "weighted_fit_ignores_weights", [("np.linalg.solve(A.T @ (weights[:, None] * A), A.T @ (weights * y))",
                                           "np.linalg.solve(A.T @ A, A.T @ y)")],
      "weighted_least_squares", "weight every example"),
]

# Correct in another way: full marks.
EQUIVALENT = [
    M(A, "split_with_the_global_generator_and_int", [(
        "    order = np.random.default_rng(seed).permutation(len(X))\n    num_valid = int(round(valid_fraction * len(X)))",
        "    np.random.seed(seed)\n    order = np.random.permutation(len(X))\n    num_valid = int(valid_fraction * len(X))")],
      "train_valid_split", ""),
    M(A, "folds_with_array_split", [(
        "    size = len(X) // k\n    valid = np.arange(i * size, (i + 1) * size)\n" + FOLD_RETURN.split("\n")[0] + "\n",
        "    folds = np.array_split(np.arange(len(X)), k)\n    valid = folds[i]\n"
        "    train = np.concatenate(folds[:i] + folds[i + 1:])\n")],
      "k_fold_data", ""),
    M(A, "standardize_with_the_sample_std", [("    mean, std = X_train.mean(axis=0), X_train.std(axis=0)",
                                              "    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)")],
      "standardize", ""),
    M(A, "ridge_as_augmented_least_squares", [(
        "    x_mean, y_mean = X.mean(axis=0), y.mean()\n    Xc = X - x_mean\n"
        "    A = Xc.T @ Xc / len(X) + weight_decay * np.eye(X.shape[1])\n"
        "    w = np.linalg.solve(A, Xc.T @ (y - y_mean) / len(X))\n    return w, float(y_mean - x_mean @ w)",
        "    n, d = X.shape\n    # n * weight_decay * ||w||^2 as d extra rows; the bias column gets no penalty row\n"
        "    penalty = np.column_stack([np.sqrt(n * weight_decay) * np.eye(d), np.zeros(d)])\n"
        "    A = np.vstack([np.column_stack([X, np.ones(n)]), penalty])\n"
        "    theta = np.linalg.lstsq(A, np.concatenate([y, np.zeros(d)]), rcond=None)[0]\n"
        "    return theta[:-1], float(theta[-1])")],
      "fit_ridge", ""),
    M(A, "importance_from_probability_odds", [("    return np.exp(X @ w + b) * n_train / n_test",
                                               "    p = 1 / (1 + np.exp(-(X @ w + b)))\n    return p / (1 - p) * (n_train / n_test)")],
      "importance_weights", ""),
    M(A, "weighted_fit_by_square_root_weights", [(
        "    theta = np.linalg.solve(A.T @ (weights[:, None] * A), A.T @ (weights * y))",
        "    root = np.sqrt(weights)\n    theta = np.linalg.lstsq(root[:, None] * A, root * y, rcond=None)[0]")],
      "weighted_least_squares", ""),
]

SAMPLES = {
    "s-1a2b": {},
    "s-3c4d": {"standardize": 3.0, "importance_weights": 2.0},
    "s-5e6f": {"log_rmse": 2.0, "k_fold": 2.0, "weighted_least_squares": 2.0},
}


globals().update(suite.standard_tests(A, figures=FIGURES, graded=GRADED, max_score=27, samples=SAMPLES, mutants=MUTANTS,
                                      equivalent=EQUIVALENT, mutated_targets=GRADED))


@pytest.mark.parametrize("scaled", [True, False])
@pytest.mark.parametrize("shipped_file", [True, False], ids=["read-from-the-file", "scikit-learn-fallback"])
def test_notebook_diabetes_is_scikit_learns(monkeypatch, scaled, shipped_file):
    """backprop_lab_check.datasets.load_diabetes, which the notebook and the reference use, gives
    scikit-learn's arrays, read from the files it ships or, without them, from scikit-learn."""
    from sklearn.datasets import load_diabetes

    from backprop_lab_check import datasets

    if not shipped_file:
        monkeypatch.setattr(datasets, "_shipped_file", lambda name: None)
    ours, theirs = datasets.load_diabetes(scaled=scaled), load_diabetes(scaled=scaled)
    numpy.testing.assert_allclose(ours.data, theirs.data, rtol=1e-12, atol=1e-15)
    numpy.testing.assert_array_equal(ours.target, theirs.target)
    assert ours.feature_names == theirs.feature_names
