"""Visible checks of the `model_selection` notebook: splits and folds of numbered examples
(judged as the hidden checks judge them), the deterministic functions on small examples worked
out by hand or once with the reference (the constants below), and the pipeline on a fixed split
of the diabetes data, held to a log-RMSE bound."""
import math

import numpy

from ..datasets import load_diabetes
from ..i18n import _
from ..registry import visible
from ..shared import model_selection as known
from ..verdicts import call_pure, close
from .common import expect


@visible(id="train_valid_split.partition", target="train_valid_split")
def train_valid_split_partition(kernel, rng):
    """20 numbered examples, a quarter for validation; 25 examples and 0.3 (7.5: 7 or 8 rows)."""
    known.judge_split(kernel, 20, 0.25, 0)
    known.judge_split(kernel, 25, 0.3, 1)


@visible(id="train_valid_split.seed", target="train_valid_split")
def train_valid_split_seed(kernel, rng):
    known.judge_split_seeded(kernel, 20, 0.25)


@visible(id="k_fold_data.folds", target="k_fold_data")
def k_fold_data_folds(kernel, rng):
    """12 examples in 3 folds, every round; 14 in 4 folds (2 left over), the last round."""
    for i in range(3):
        known.judge_fold(kernel, 12, 3, i)
    known.judge_fold(kernel, 14, 4, 3)


# Two rows: the training mean is [2, 20], its standard deviation [1, 10] (ddof 0) or
# [sqrt 2, 10 sqrt 2] (ddof 1).
TRAIN = numpy.array([[1.0, 10.0], [3.0, 30.0]])
OTHER = numpy.array([[2.0, 40.0], [0.0, 0.0]])
STANDARDIZED = [(numpy.array([[-1.0, -1.0], [1.0, 1.0]]), numpy.array([[0.0, 2.0], [-2.0, -2.0]])),
                (numpy.array([[-1.0, -1.0], [1.0, 1.0]]) / math.sqrt(2), numpy.array([[0.0, 2.0], [-2.0, -2.0]]) / math.sqrt(2))]


@visible(id="standardize.known_values", target="standardize")
def standardize_known_values(kernel, rng):
    known.judge_standardized(call_pure(kernel, "standardize", TRAIN, OTHER), TRAIN, OTHER, STANDARDIZED, expect)


@visible(id="log_rmse.known_values", target="log_rmse")
def log_rmse_known_values(kernel, rng):
    """log(e^2) - log(1) = 2 and log(max(0.5, 1)) - log(e) = -1: sqrt((4 + 1) / 2)."""
    y_hat, y = numpy.array([math.e ** 2, 0.5]), numpy.array([1.0, math.e])
    known.judge_log_rmse(call_pure(kernel, "log_rmse", y_hat, y), y_hat, y, math.sqrt(2.5), expect)


# Worked out by hand: centred, the two columns have the same covariance with y, and
# (Xc^T Xc / 4 + 0.5 I) w = Xc^T yc / 4 gives w = [7/9, 7/9], b = 4 - 5 * 7/9 = 8/9.
RIDGE_X = numpy.array([[1.0, 2.0], [2.0, 0.0], [3.0, 1.0], [4.0, 3.0]])
RIDGE_Y = numpy.array([3.0, 2.0, 4.0, 7.0])                  # exactly x1 + x2


@visible(id="fit_ridge.known_values", target="fit_ridge")
def fit_ridge_known_values(kernel, rng):
    known.judge_ridge(call_pure(kernel, "fit_ridge", RIDGE_X, RIDGE_Y, 0.0), RIDGE_X, RIDGE_Y, 0.0,
                      (numpy.array([1.0, 1.0]), 0.0), expect)
    known.judge_ridge(call_pure(kernel, "fit_ridge", RIDGE_X, RIDGE_Y, 0.5), RIDGE_X, RIDGE_Y, 0.5,
                      (numpy.array([7 / 9, 7 / 9]), 8 / 9), expect)


def diabetes_quadratic(rows):
    """The notebook's features (the measurements and their products) and targets of `rows`."""
    diabetes = load_diabetes(scaled=False)
    X = diabetes.data[rows]
    i, j = numpy.triu_indices(X.shape[1])
    return numpy.hstack([X, X[:, i] * X[:, j]]), diabetes.target[rows]


# k_fold(3, X, y, 0.1) on the first 60 patients' ten measurements, computed with the reference;
# with a standardize that uses the sample standard deviation (ddof=1), as correct; and with all of
# X standardised before it is cut into folds.
K_FOLD_LOSSES = numpy.array([0.38597404324292545, 0.47260341637084924])
K_FOLD_LOSSES_DDOF_1 = numpy.array([0.38608712979424054, 0.4716892886739745])
K_FOLD_STANDARDIZED_FIRST = numpy.array([0.3855857398293446, 0.476670119962366])


@visible(id="k_fold.known_values", target="k_fold")
def k_fold_known_values(kernel, rng):
    X, y = diabetes_quadratic(slice(0, 60))
    got = numpy.array(known.judge_k_fold_pair("k_fold(3, X, y, 0.1)", call_pure(kernel, "k_fold", 3, X[:, :10], y, 0.1)))
    if close(got, K_FOLD_LOSSES_DDOF_1, rtol=1e-6, atol=1e-8):
        return
    label = _("{call} (mean training, mean validation log-RMSE)").format(call="k_fold(3, X, y, 0.1)")
    expect(label, got, K_FOLD_LOSSES,
           mistakes=[(3 * K_FOLD_LOSSES, known.K_FOLD_SUMMED), (K_FOLD_LOSSES[::-1], known.K_FOLD_SWAPPED),
                     (K_FOLD_STANDARDIZED_FIRST, known.STANDARDIZED_BEFORE_SPLITTING)])


# The first 120 patients in 4 folds: mean validation log-RMSE 1.574 (0), 0.469 (0.01), 0.463 (0.1),
# 0.457 (1), 0.490 (10), 0.546 (100); within 2% of the lowest: 0.1 and 1. The lowest training
# loss and the highest validation loss are both 0's.
CANDIDATES = [10, 0, 1, 0.01, 100, 0.1]
GOOD_CHOICES = {0.1, 1}
WRONG_CRITERIA = {0}


@visible(id="choose_weight_decay.choice", target="choose_weight_decay")
def choose_weight_decay_choice(kernel, rng):
    X, y = diabetes_quadratic(slice(0, 120))
    known.judge_choice(call_pure(kernel, "choose_weight_decay", X, y, CANDIDATES, 4), CANDIDATES, GOOD_CHOICES,
                       WRONG_CRITERIA)


# Patients 0-299 train, 300-441 test: a ridge regression with weight decay 1 reaches 0.3952.
HELD_OUT_BOUND = 0.415


@visible(id="train_and_predict.held_out", target="train_and_predict")
def train_and_predict_held_out(kernel, rng):
    X, y = diabetes_quadratic(slice(None))
    predictions = call_pure(kernel, "train_and_predict", X[:300], y[:300], X[300:], 1.0)
    known.judge_held_out(predictions, X[300:], y[300:], HELD_OUT_BOUND)


# Three steps with lr = 0.5 from zero, computed with the reference; and the same steps for a
# gradient of the summed loss (4 examples: lr 2.0) and for steps up the gradient (lr -0.5).
LOGISTIC_X = numpy.array([[0.0, 1.0], [1.0, -1.0], [2.0, 0.5], [-1.0, 2.0]])
LOGISTIC_Z = numpy.array([0.0, 1.0, 1.0, 0.0])
LOGISTIC = (numpy.array([0.5912550120700822, -0.506837240459949]), 0.0012188861182841869)
LOGISTIC_SUMMED = (numpy.array([1.4510434708360125, -1.2693750032126714]), -0.05569117899647168)
LOGISTIC_ASCENT = (numpy.array([-0.9311029533814423, 0.8264461868023456]), 0.0010410963865980366)


@visible(id="logistic_regression.known_values", target="logistic_regression")
def logistic_regression_known_values(kernel, rng):
    w, b = known.judge_classifier(call_pure(kernel, "logistic_regression", LOGISTIC_X, LOGISTIC_Z, 0.5, 3), 2)
    mistakes = [(LOGISTIC_SUMMED, known.GRADIENT_OF_THE_SUM), (LOGISTIC_ASCENT, known.ASCENT)]
    expect(known.after_steps("b", 3), b, LOGISTIC[1],
           mistakes=[(m[1], h) for m, h in mistakes] + [(0.0, known.BIAS_NOT_TRAINED)])
    expect(known.after_steps("w", 3), w, LOGISTIC[0], mistakes=[(m[0], h) for m, h in mistakes])


@visible(id="importance_weights.known_values", target="importance_weights")
def importance_weights_known_values(kernel, rng):
    """f(x) = x log 2 gives odds 1, 2, 1/2; 30 training against 10 test inputs triple them."""
    X, w = numpy.array([[0.0], [1.0], [-1.0]]), numpy.array([math.log(2)])
    expect("importance_weights(X, w, 0, 30, 10)", call_pure(kernel, "importance_weights", X, w, 0.0, 30, 10),
           [3.0, 6.0, 1.5], mistakes=known.importance_mistakes(X @ w, 30, 10))


@visible(id="weighted_least_squares.known_values", target="weighted_least_squares")
def weighted_least_squares_known_values(kernel, rng):
    """The points (0, 0), (1, 1), (2, 0): weighted 1, 1, 0 the line y = x; weighted 1, 2, 1 the
    level line y = 1/2 (the weighted mean of y; the weighted covariance of x and y is 0)."""
    X, y = numpy.array([[0.0], [1.0], [2.0]]), numpy.array([0.0, 1.0, 0.0])
    for weights, expected in ((numpy.array([1.0, 1.0, 0.0]), ([1.0], 0.0)), (numpy.array([1.0, 2.0, 1.0]), ([0.0], 0.5))):
        known.judge_weighted_fit(call_pure(kernel, "weighted_least_squares", X, y, weights), 1,
                                 (numpy.array(expected[0]), expected[1]),
                                 known.weighted_fit_mistakes(X, y, weights), expect)
