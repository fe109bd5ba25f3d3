"""Hidden checks for the `model_selection` assignment (Dive into Deep Learning: model selection,
validation data and K-fold cross-validation, the house-price project's preprocessing, log-RMSE
and choice of a weight decay, covariate shift and importance weights).

Splits and folds are judged on numbered examples, accepting every correct way to cut them.
Deterministic functions are compared with reference.model_selection on judge-made inputs. The
project is judged on its result: the submission's choose_weight_decay and train_and_predict run
on a split of the diabetes data that the notebook never uses, the choice must be one whose
cross-validated loss is close to the lowest, and the predictions' log-RMSE on the judge's
held-out part must come within 5% of the reference's. The verdicts and hints shared with the
notebook's visible checks are in backprop_lab_check.shared.model_selection.
"""
import numpy
import pytest

from backprop_lab_check.i18n import _
from backprop_lab_check.shared import model_selection as known
from backprop_lab_check.verdicts import call_pure, close, compare

import reference.model_selection as rm

check = pytest.mark.check

# A split the notebook does not use (it splits with seed 0): the judge's training part and the
# held-out part only the judge sees.
JUDGE_SEED = 7
# Candidates in no order, so that an index is not a value; a choice is good when its mean
# validation loss is within 2% of the lowest; the predictions may lose 5% against the reference.
CANDIDATES = [3, 0, 0.3, 0.001, 30, 0.03, 1, 0.01, 0.1, 10]
GOOD_WITHIN = 1.02
HELD_OUT_MARGIN = 1.05


def judge_split_of_diabetes():
    X, y = rm.diabetes_features()
    return rm.train_valid_split(X, y, 0.5, JUDGE_SEED)


# -- 1. a validation split and K-fold cross-validation -----------------------------------------------

@check(id="train_valid_split.partition", target="train_valid_split", points=2)
def test_train_valid_split_partition(student):
    known.judge_split(student, 50, 0.2, 0)
    known.judge_split(student, 33, 0.3, 5)   # 9.9 rows: 10 (round) or 9 (int)


@check(id="train_valid_split.seed", target="train_valid_split", points=1)
def test_train_valid_split_seed(student):
    known.judge_split_seeded(student, 40, 0.25)


@check(id="k_fold_data.folds", target="k_fold_data", points=2)
def test_k_fold_data_folds(student):
    for i in range(4):
        known.judge_fold(student, 20, 4, i)


@check(id="k_fold_data.remainder", target="k_fold_data", points=1)
def test_k_fold_data_remainder(student):
    """23 examples in 5 folds: the book's folds of 4 or np.array_split's of 5, 5, 5, 4, 4."""
    for i in range(5):
        known.judge_fold(student, 23, 5, i)


# -- 2. the regression project ---------------------------------------------------------------------

@check(id="standardize.values", target="standardize", points=3)
def test_standardize(student, rng):
    scales = numpy.array([0.5, 3.0, 40.0, 1e4])
    X_train = rng.standard_normal((30, 4)) * scales + [1.0, -2.0, 150.0, 2e4]
    X_other = rng.standard_normal((12, 4)) * scales * 2 + [3.0, 0.0, 100.0, 3e4]
    expected = [rm.standardize(X_train, X_other)]
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    expected.append(((X_train - mean) / std, (X_other - mean) / std))
    known.judge_standardized(call_pure(student, "standardize", X_train, X_other), X_train, X_other, expected, compare)


@check(id="log_rmse.values", target="log_rmse", points=2)
def test_log_rmse(student, rng):
    y = rng.uniform(25, 350, 20)
    y_hat = y * numpy.exp(rng.normal(0, 0.3, 20))
    y_hat[[3, 11]] = [0.2, -40.0]
    known.judge_log_rmse(call_pure(student, "log_rmse", y_hat, y), y_hat, y, rm.log_rmse(y_hat, y), compare)


def ridge_data(rng):
    X = rng.standard_normal((30, 4)) * [1.0, 2.0, 0.5, 1.0] + [0.5, -1.0, 2.0, 0.0]
    y = X @ [1.5, -0.5, 2.0, 0.0] + 3.0 + rng.normal(0, 0.5, 30)
    return X, y


@check(id="fit_ridge.values", target="fit_ridge", points=2)
def test_fit_ridge(student, rng):
    X, y = ridge_data(rng)
    known.judge_ridge(call_pure(student, "fit_ridge", X, y, 0.3), X, y, 0.3, rm.fit_ridge(X, y, 0.3), compare)


@check(id="fit_ridge.least_squares", target="fit_ridge", points=1)
def test_fit_ridge_without_decay(student, rng):
    X, y = ridge_data(rng)
    known.judge_ridge(call_pure(student, "fit_ridge", X, y, 0.0), X, y, 0.0, rm.fit_ridge(X, y, 0.0), compare)


def k_fold_losses(k, X, y, weight_decay, standardize):
    """k_fold's mean losses with `standardize` for each round's parts."""
    losses = numpy.zeros(2)
    for i in range(k):
        X_train, y_train, X_valid, y_valid = rm.k_fold_data(k, i, X, y)
        X_train, X_valid = standardize(X_train, X_valid)
        w, b = rm.fit_ridge(X_train, y_train, weight_decay)
        losses += [rm.log_rmse(X_train @ w + b, y_train), rm.log_rmse(X_valid @ w + b, y_valid)]
    return losses / k


def with_sample_std(X_train, X_other):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    return (X_train - mean) / std, (X_other - mean) / std


def last_round(k, X, y, weight_decay):
    X_train, y_train, X_valid, y_valid = rm.k_fold_data(k, k - 1, X, y)
    X_train, X_valid = rm.standardize(X_train, X_valid)
    w, b = rm.fit_ridge(X_train, y_train, weight_decay)
    return numpy.array([rm.log_rmse(X_train @ w + b, y_train), rm.log_rmse(X_valid @ w + b, y_valid)])


@check(id="k_fold.values", target="k_fold", points=2)
def test_k_fold(student):
    """On 100 patients (5 folds of 20); a k_fold that standardises with the sample standard
    deviation (ddof=1) is correct too."""
    X, y = rm.diabetes_features()
    X, y = X[:100], y[:100]
    got = numpy.array(known.judge_k_fold_pair("k_fold(5, X, y, 0.1)", call_pure(student, "k_fold", 5, X, y, 0.1)))
    if close(got, k_fold_losses(5, X, y, 0.1, with_sample_std), rtol=1e-6, atol=1e-8):
        return
    expected = numpy.array(rm.k_fold(5, X, y, 0.1))
    standardized_first = k_fold_losses(5, (X - X.mean(axis=0)) / X.std(axis=0), y, 0.1, lambda *parts: parts)
    compare(_("{call} (mean training, mean validation log-RMSE) on {count} patients").format(
        call="k_fold(5, X, y, 0.1)", count=len(X)), got, expected,
            mistakes=[(5 * expected, known.K_FOLD_SUMMED), (expected[::-1], known.K_FOLD_SWAPPED),
                      (last_round(5, X, y, 0.1), known.K_FOLD_LAST_ROUND),
                      (standardized_first, known.STANDARDIZED_BEFORE_SPLITTING)])


@check(id="choose_weight_decay.held_out", target="choose_weight_decay", points=2)
def test_choose_weight_decay(student):
    X_train, y_train = judge_split_of_diabetes()[:2]
    losses = numpy.array([rm.k_fold(5, X_train, y_train, wd) for wd in CANDIDATES])
    good = {wd for wd, valid in zip(CANDIDATES, losses[:, 1]) if valid <= GOOD_WITHIN * losses[:, 1].min()}
    wrong = {CANDIDATES[int(numpy.argmin(losses[:, 0]))], CANDIDATES[int(numpy.argmax(losses[:, 1]))]}
    chosen = call_pure(student, "choose_weight_decay", X_train, y_train, CANDIDATES, 5)
    known.judge_choice(chosen, CANDIDATES, good, wrong)


@check(id="train_and_predict.held_out", target="train_and_predict", points=3)
def test_train_and_predict(student):
    X_train, y_train, X_test, y_test = judge_split_of_diabetes()
    weight_decay = rm.choose_weight_decay(X_train, y_train, CANDIDATES)
    bound = HELD_OUT_MARGIN * rm.log_rmse(rm.train_and_predict(X_train, y_train, X_test, weight_decay), y_test)
    predictions = call_pure(student, "train_and_predict", X_train, y_train, X_test, weight_decay)
    known.judge_held_out(predictions, X_test, y_test, bound)


# -- 3. covariate shift -------------------------------------------------------------------------------

@check(id="logistic_regression.values", target="logistic_regression", points=2)
def test_logistic_regression(student, rng):
    X = rng.standard_normal((30, 3)) + [0.5, 0.0, -1.0]
    z = (rng.uniform(0, 1, 30) < 1 / (1 + numpy.exp(-X @ [1.0, -2.0, 0.5]))).astype(float)
    w, b = known.judge_classifier(call_pure(student, "logistic_regression", X, z, 0.3, 25), 3)
    want_w, want_b = rm.logistic_regression(X, z, 0.3, 25)
    summed, ascent = rm.logistic_regression(X, z, 0.3 * len(X), 25), rm.logistic_regression(X, z, -0.3, 25)
    compare(known.after_steps("b", 25), b, want_b,
            mistakes=[(summed[1], known.GRADIENT_OF_THE_SUM), (ascent[1], known.ASCENT), (0.0, known.BIAS_NOT_TRAINED)])
    compare(known.after_steps("w", 25), w, want_w,
            mistakes=[(summed[0], known.GRADIENT_OF_THE_SUM), (ascent[0], known.ASCENT)])


@check(id="importance_weights.values", target="importance_weights", points=2)
def test_importance_weights(student, rng):
    X, w, b = rng.standard_normal((15, 2)), rng.standard_normal(2), 0.4
    compare("importance_weights(X, w, b, 200, 100)", call_pure(student, "importance_weights", X, w, b, 200, 100),
            rm.importance_weights(X, w, b, 200, 100), mistakes=known.importance_mistakes(X @ w + b, 200, 100))


@check(id="weighted_least_squares.values", target="weighted_least_squares", points=2)
def test_weighted_least_squares(student, rng):
    X = rng.standard_normal((25, 2))
    y = X @ [1.0, -1.0] + X[:, 0] ** 2 + rng.normal(0, 0.1, 25)
    weights = rng.uniform(0.1, 3.0, 25)
    known.judge_weighted_fit(call_pure(student, "weighted_least_squares", X, y, weights), 2,
                             rm.weighted_least_squares(X, y, weights), known.weighted_fit_mistakes(X, y, weights),
                             compare)
