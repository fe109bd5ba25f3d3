"""What the hidden and the visible checks of the `model_selection` notebook share: the hint of
each known mistake and the wrong values that recognise one (computed from the inputs by the
mistaken formula), the verdicts on splits and folds, which accept every correct way to cut the
rows (a validation part of round() or int() rows, the book's folds of n // k rows or
np.array_split's), and the verdict on held-out predictions, measured with the judge's own
log-RMSE.

Every sentence is built when a check runs, in the report's language (`..i18n`); the hints are
constants marked with N_(), which `fail` translates."""
import functools
import math

import numpy

from ..i18n import N_, _
from ..verdicts import as_array, call_pure, fail


def numbered(n):
    """n examples whose label is their number i and whose features are (2 i, -i): a part of the
    data shows which examples it holds, and whether their labels still belong to them."""
    features = numpy.stack([2.0 * numpy.arange(n), -numpy.arange(n, dtype=numpy.float64)], axis=1)
    return features, numpy.arange(n, dtype=numpy.float64)


def four_parts(name, value):
    """The (X_train, y_train, X_valid, y_valid) a split returns, as arrays, or a verdict."""
    if isinstance(value, (tuple, list)) and len(value) != 4:
        fail(_("{name} should return four arrays (X_train, y_train, X_valid, y_valid), got a {kind} of {count}").format(
            name=name, kind=type(value).__name__, count=len(value)))
    if not isinstance(value, (tuple, list)):
        fail(_("{name} should return four arrays (X_train, y_train, X_valid, y_valid), got {kind}").format(
            name=name, kind=type(value).__name__))
    return [as_array(_("{name}'s {label}").format(name=name, label=part), v)
            for part, v in zip(("X_train", "y_train", "X_valid", "y_valid"), value)]


def pair_of_arrays(got, call, name):
    """The (w, b) of `call`'s result `got`, as arrays named "`name`'s w" and "`name`'s b", or a verdict."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail(_("{call} should return the pair (w, b)").format(call=call))
    return [as_array(_("{name}'s {label}").format(name=name, label=label), g) for label, g in zip("wb", got)]


LABELS_APART = N_("index features and labels with the same rows: X[rows], y[rows]")
ORDER_OF_PARTS = N_("return the parts in the order (X_train, y_train, X_valid, y_valid)")


def labels_of(name, parts):
    """The example numbers (labels) of the training and the validation part, after checking that
    every label still belongs to its features."""
    X_train, y_train, X_valid, y_valid = parts
    for X, y, wrong_shapes, labels_apart in (
            (X_train, y_train, N_("{name}: the training part has X of shape {x_shape} and y of shape {y_shape}; "
                                  "expected rows of features (m, 2) and labels (m,)"),
             N_("{name}: in the training part the labels no longer belong to their features")),
            (X_valid, y_valid, N_("{name}: the validation part has X of shape {x_shape} and y of shape {y_shape}; "
                                  "expected rows of features (m, 2) and labels (m,)"),
             N_("{name}: in the validation part the labels no longer belong to their features"))):
        if X.ndim != 2 or X.shape[1:] != (2,) or y.shape != (len(X),):
            fail(_(wrong_shapes).format(name=name, x_shape=X.shape, y_shape=y.shape),
                 ORDER_OF_PARTS if y.ndim == 2 or X.ndim == 1 else None)
        if not numpy.array_equal(X[:, 0] / 2, y):
            fail(_(labels_apart).format(name=name), LABELS_APART)
    return y_train.astype(int).tolist(), y_valid.astype(int).tolist()


# -- train_valid_split ----------------------------------------------------------------------------

SPLIT_NOT_SHUFFLED = N_("shuffle the rows first: order = np.random.default_rng(seed).permutation(n)")
SPLIT_SEED_UNUSED = N_("draw the permutation from a generator seeded with `seed`: np.random.default_rng(seed)")
SPLIT_FRACTION_SWAPPED = N_("valid_fraction is the share of the VALIDATION part; the rest trains")


def judge_split(kernel, n, valid_fraction, seed):
    """The verdict on train_valid_split(*numbered(n), valid_fraction, seed); returns the example
    numbers of (training part, validation part)."""
    name = _("train_valid_split(X, y, {fraction}, seed={seed}) with {n} examples").format(
        fraction=valid_fraction, seed=seed, n=n)
    parts = four_parts(name, call_pure(kernel, "train_valid_split", *numbered(n), valid_fraction, seed))
    if len(parts[0]) < len(parts[2]) and valid_fraction < 0.5:
        in_order = parts[2].ndim == 2 and numpy.array_equal(parts[2][:, 0] / 2, parts[3])
        fail(_("{name} gave {train} training and {valid} validation examples").format(
            name=name, train=len(parts[0]), valid=len(parts[2])),
             SPLIT_FRACTION_SWAPPED if in_order else ORDER_OF_PARTS)
    train, valid = labels_of(name, parts)
    sizes = {round(valid_fraction * n), math.floor(valid_fraction * n)}
    if len(valid) not in sizes:
        fail(_("{name}: the validation part has {count} examples, expected round({fraction} * {n}) = "
               "{expected}").format(name=name, count=len(valid), fraction=valid_fraction, n=n,
                                    expected=round(valid_fraction * n)))
    if sorted(train + valid) != list(range(n)):
        fail(_("{name}: together the two parts should hold every example exactly once").format(name=name))
    if valid in (list(range(len(valid))), list(range(n - len(valid), n))):
        fail(_("{name}: the validation part is the first or last {count} rows in their order").format(
            name=name, count=len(valid)), SPLIT_NOT_SHUFFLED)
    return train, valid


def judge_split_seeded(kernel, n, valid_fraction):
    """The same seed gives the same split, another seed another one."""
    first = judge_split(kernel, n, valid_fraction, 3)
    if judge_split(kernel, n, valid_fraction, 3) != first:
        fail(_("train_valid_split with the same seed gave two different splits"), SPLIT_SEED_UNUSED)
    if judge_split(kernel, n, valid_fraction, 4) == first:
        fail(_("train_valid_split with seeds 3 and 4 gave the same split"), SPLIT_SEED_UNUSED)


# -- k_fold_data ----------------------------------------------------------------------------------

VALID_IN_TRAINING = N_("the training part must leave out the validation fold: train on the other k - 1 folds only")
WRONG_FOLD = N_("fold i (counting from 0) validates: rows i * (n // k) to (i + 1) * (n // k) - 1")
ONLY_EARLIER_FOLDS = N_("the training part is every fold but fold i, those after it too")


def fold_layouts(n, k):
    """The folds (lists of rows) of both correct layouts: the book's n // k rows each, the
    remainder left out, and np.array_split's, the remainder dealt to the first folds."""
    size = n // k
    book = [list(range(j * size, (j + 1) * size)) for j in range(k)]
    dealt = [part.tolist() for part in numpy.array_split(numpy.arange(n), k)]
    return [book] if book == dealt else [book, dealt]


def judge_fold(kernel, n, k, i):
    """The verdict on k_fold_data(k, i, *numbered(n))."""
    name = _("k_fold_data({k}, {i}, X, y) with {n} examples").format(k=k, i=i, n=n)
    train, valid = labels_of(name, four_parts(name, call_pure(kernel, "k_fold_data", k, i, *numbered(n))))
    for folds in fold_layouts(n, k):
        if valid == folds[i] and train == [row for j, fold in enumerate(folds) if j != i for row in fold]:
            return
    folds = fold_layouts(n, k)[0]
    if set(valid) & set(train):
        hint = VALID_IN_TRAINING
    elif any(valid == f[j] for f in fold_layouts(n, k) for j in range(k) if j != i):
        hint = WRONG_FOLD
    elif train == [row for fold in folds[:i] for row in fold]:
        hint = ONLY_EARLIER_FOLDS
    else:
        hint = None
    fail(_("{name} validates on rows {rows} and trains on {count} rows; expected the rows {fold_rows} of fold {i} "
           "for validation and the other {others} folds, in order, for training").format(
        name=name, rows=f"{valid[:8]}{' ...' if len(valid) > 8 else ''}", count=len(train), fold_rows=folds[i], i=i,
        others=k - 1), hint)


# -- standardize ----------------------------------------------------------------------------------

STATISTICS_OF_ALL_ROWS = N_("fit the mean and standard deviation on the TRAINING part only: statistics of all "
                             "rows let the validation or test data influence its own preprocessing")
OWN_STATISTICS = N_("standardise the other part with the TRAINING part's mean and standard deviation, not its own: "
                    "new data is transformed exactly like the training data")
DIVIDED_BY_VARIANCE = N_("divide by the standard deviation (X.std(axis=0)), not by the variance")
NOT_SCALED = N_("after subtracting the mean, divide by the standard deviation")
STATISTICS_OF_ROWS = N_("the statistics are per feature: mean and std over the rows, axis=0")


def standardize_mistakes(X_train, X_other):
    """(wrong training part, wrong other part, hint) of the known mistakes."""
    both = numpy.vstack([X_train, X_other])

    def scaled(X, mean, scale):
        return (X - mean) / scale

    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    rows = (X_train - X_train.mean(axis=1, keepdims=True)) / X_train.std(axis=1, keepdims=True)
    return [(scaled(X_train, both.mean(axis=0), both.std(axis=0)), scaled(X_other, both.mean(axis=0), both.std(axis=0)),
             STATISTICS_OF_ALL_ROWS),
            (scaled(X_train, mean, std), scaled(X_other, X_other.mean(axis=0), X_other.std(axis=0)), OWN_STATISTICS),
            (scaled(X_train, mean, std ** 2), scaled(X_other, mean, std ** 2), DIVIDED_BY_VARIANCE),
            (X_train - mean, X_other - mean, NOT_SCALED),
            (rows, (X_other - X_other.mean(axis=1, keepdims=True)) / X_other.std(axis=1, keepdims=True),
             STATISTICS_OF_ROWS)]


def judge_standardized(got, X_train, X_other, expected_by_ddof, judge):
    """The verdict on standardize(X_train, X_other) = `got`; `expected_by_ddof`: the right pairs for
    ddof 0 and for ddof 1 (either is correct; a mismatch is shown against ddof 0's); `judge`
    compares (verdicts.compare, or expect)."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail(_("standardize(X_train, X_other) should return two arrays (X_train_std, X_other_std)"))
    got = [as_array(label, g) for label, g in zip((_("standardize's first result"), _("standardize's second result")),
                                                 got)]
    for expected in expected_by_ddof:
        if all(g.shape == e.shape and numpy.allclose(g, e, rtol=1e-6, atol=1e-8) for g, e in zip(got, expected)):
            return
    mistakes = standardize_mistakes(X_train, X_other)
    judge(_("standardize's first result (the training part)"), got[0], expected_by_ddof[0][0],
          mistakes=[(train, hint) for train, other, hint in mistakes])
    judge(_("standardize's second result (the other part, with the training statistics)"), got[1],
          expected_by_ddof[0][1], mistakes=[(other, hint) for train, other, hint in mistakes])


# -- log_rmse -------------------------------------------------------------------------------------

CLIP_FIRST = N_("clip the predictions below 1 to 1 before the logarithm: np.log(np.maximum(y_hat, 1))")
NATURAL_LOG = N_("use the natural logarithm, np.log, not np.log10")
ROOT_MISSING = N_("take the square root of the mean: the log-RMSE is a ROOT-mean-square error")
LOG_OF_ERROR = N_("compare the logarithms, log(y_hat) - log(y), not the logarithm of the error")


def log_rmse_mistakes(y_hat, y):
    clipped = numpy.maximum(y_hat, 1)
    with numpy.errstate(all="ignore"):
        return [(float(numpy.mean((numpy.log(clipped) - numpy.log(y)) ** 2)), ROOT_MISSING),
                (float(numpy.sqrt(numpy.mean((numpy.log10(clipped) - numpy.log10(y)) ** 2))), NATURAL_LOG),
                (float(numpy.sqrt(numpy.mean((numpy.log(y_hat) - numpy.log(y)) ** 2))), CLIP_FIRST),
                (float(numpy.sqrt(numpy.mean(numpy.log(numpy.abs(y_hat - y) + 1) ** 2))), LOG_OF_ERROR)]


def judge_log_rmse(got, y_hat, y, expected, judge):
    got = as_array("log_rmse(y_hat, y)", got)
    if got.size == 1 and not numpy.isfinite(got.astype(numpy.float64)).all():
        fail(_("log_rmse(y_hat, y) with a prediction below 1 returned nan or inf"), CLIP_FIRST)
    judge(_("log_rmse(y_hat, y) (some predictions below 1)"), got.reshape(()) if got.size == 1 else got, expected,
          mistakes=log_rmse_mistakes(y_hat, y))


# -- fit_ridge ------------------------------------------------------------------------------------

SUMMED_LOSS = N_("the loss is the MEAN of the squared errors: (Xc^T Xc / n + weight_decay I) w = Xc^T yc / n; "
                 "without the 1/n the weight decay is n times weaker")
BIAS_PENALISED = N_("the bias is not penalised: centre X and y, solve for w, then b = y_mean - x_mean @ w")
BIAS_MISSING = N_("centre X and y before solving, and return the bias b = y_mean - x_mean @ w")
HALF_DECAY = N_("the derivative of (weight_decay / 2) ||w||^2 is weight_decay * w: add weight_decay * I")
W_AS_VECTOR = N_("return w.reshape(-1)")


def ridge_mistakes(X, y, weight_decay):
    """[(w, b, hint)] of the known wrong ridge regressions."""
    n, d = X.shape
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean

    def centred(gram_scale, decay):
        w = numpy.linalg.solve(Xc.T @ Xc * gram_scale + decay * numpy.eye(d), Xc.T @ yc * gram_scale)
        return w, float(y_mean - x_mean @ w)

    A = numpy.column_stack([X, numpy.ones(n)])
    theta = numpy.linalg.solve(A.T @ A / n + weight_decay * numpy.eye(d + 1), A.T @ y / n)
    uncentred = numpy.linalg.solve(X.T @ X / n + weight_decay * numpy.eye(d), X.T @ y / n)
    return [(*centred(1.0, weight_decay), SUMMED_LOSS), (*centred(1 / n, weight_decay / 2), HALF_DECAY),
            (theta[:-1], float(theta[-1]), BIAS_PENALISED), (uncentred, 0.0, BIAS_MISSING)]


def judge_ridge(got, X, y, weight_decay, expected, judge):
    """The verdict on fit_ridge(X, y, weight_decay) = `got` against the right (w, b) `expected`."""
    w, b = pair_of_arrays(got, "fit_ridge(X, y, weight_decay)", "fit_ridge")
    if w.shape == (X.shape[1], 1):
        fail(_("{name} has shape {got}; expected a vector ({size},)").format(
            name=_("{name}'s {label}").format(name="fit_ridge", label="w"), got=w.shape, size=X.shape[1]), W_AS_VECTOR)
    mistakes = ridge_mistakes(X, y, weight_decay)

    def label(part):
        return _("{name}'s {label} (weight_decay = {weight_decay})").format(
            name="fit_ridge", label=part, weight_decay=weight_decay)

    judge(label("w"), w, expected[0], mistakes=[(m[0], m[2]) for m in mistakes])
    judge(label("b"), b.reshape(()) if b.size == 1 else b, expected[1], mistakes=[(m[1], m[2]) for m in mistakes])


# -- k_fold, choose_weight_decay, train_and_predict -----------------------------------------------

K_FOLD_SUMMED = N_("return the MEAN of the k losses, not their sum")
K_FOLD_SWAPPED = N_("return (mean training loss, mean validation loss), in that order")
K_FOLD_LAST_ROUND = N_("average the losses of all k rounds, not only the last one")
STANDARDIZED_BEFORE_SPLITTING = N_("standardise inside every round, with the statistics of that round's training "
                                   "part: standardize(X_train, X_valid) after k_fold_data")


def judge_k_fold_pair(name, got):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail(_("{name} should return the pair (mean training log-RMSE, mean validation log-RMSE)").format(name=name))
    labels = _("{name}'s training loss").format(name=name), _("{name}'s validation loss").format(name=name)
    return [as_array(label, g).reshape(()) for label, g in zip(labels, got)]


WRONG_CRITERION = N_("choose the candidate with the LOWEST VALIDATION loss (np.argmin of the second values of "
                     "k_fold); the training loss always prefers the smallest weight decay")
RETURNED_INDEX = N_("return the chosen candidate's value, candidates[best], not its index")


def judge_choice(chosen, candidates, good, wrong_criteria):
    """The verdict on choose_weight_decay's result: one of the `good` candidates; `wrong_criteria`:
    the choices of the known wrong criteria (the lowest training loss, the highest validation loss)."""
    name = "choose_weight_decay"
    chosen = as_array(_("{name}'s result").format(name=name), chosen)
    if chosen.size != 1:
        fail(_("{name} should return one of the candidates, got an array of shape {shape}").format(
            name=name, shape=chosen.shape))
    chosen = float(chosen)
    if chosen in good:
        return
    if chosen not in candidates:
        hint = RETURNED_INDEX if chosen == int(chosen) and 0 <= chosen < len(candidates) else None
        fail(_("{name} returned {chosen:g}, which is not one of the candidates {candidates}").format(
            name=name, chosen=chosen, candidates=candidates), hint)
    reached = functools.reduce(lambda first, second: _("{first} and {second}").format(first=first, second=second),
                               (f"{g:g}" for g in sorted(good)))
    fail(_("{name} chose {chosen:g} of {candidates}; in cross-validation its validation loss is not close to the "
           "lowest, which {good} reach").format(name=name, chosen=chosen, candidates=candidates, good=reached),
         WRONG_CRITERION if chosen in wrong_criteria else None)


TEST_NOT_STANDARDIZED = N_("standardise the test part with the training statistics too (standardize(X_train, "
                           "X_test)): the weights were fitted to standardised features")
PREDICTIONS_SHAPE = N_("return one prediction per test row, shape (n_test,): X_test @ w + b")


def held_out_error(predictions, y):
    """The judge's log-RMSE of predictions (clipped below at 1) for the targets y."""
    return float(numpy.sqrt(numpy.mean((numpy.log(numpy.maximum(predictions, 1)) - numpy.log(y)) ** 2)))


def judge_held_out(predictions, X_test, y_test, bound):
    """The verdict on train_and_predict's predictions for a held-out test part: their log-RMSE
    must not exceed `bound`."""
    predictions = as_array(_("train_and_predict's predictions"), predictions)
    if predictions.shape != (len(X_test),):
        fail(_("train_and_predict returned predictions of shape {got}, expected ({count},)").format(
            got=predictions.shape, count=len(X_test)), PREDICTIONS_SHAPE if predictions.size == len(X_test) else None)
    if not numpy.all(numpy.isfinite(predictions)):
        fail(_("train_and_predict returned nan or inf predictions"))
    error = held_out_error(predictions, y_test)
    if error > bound:
        fail(_("on a held-out test part the predictions of train_and_predict have a log-RMSE of {error:.3f}; "
               "a ridge regression standardised on its training part reaches {bound:.3f} or less").format(
            error=error, bound=bound), TEST_NOT_STANDARDIZED if error > 1.5 * bound else None)


# -- logistic_regression, importance_weights, weighted_least_squares ------------------------------

GRADIENT_OF_THE_SUM = N_("the loss is the MEAN cross-entropy: divide X^T (sigmoid - z) by n")
ASCENT = N_("step against the gradient: w = w - lr * dw, with dw = X^T (sigmoid(X w + b) - z) / n")
BIAS_NOT_TRAINED = N_("update the bias too: b = b - lr * mean(sigmoid(X w + b) - z)")



def judge_classifier(got, d):
    w, b = pair_of_arrays(got, "logistic_regression(X, z, lr, num_steps)", "logistic_regression")
    if w.shape != (d,):
        fail(_("{name} has shape {got}, expected {expected}").format(
            name=_("{name}'s {label}").format(name="logistic_regression", label="w"), got=w.shape, expected=(d,)))
    if b.size != 1:
        fail(_("{name} should be one number, got shape {shape}").format(
            name=_("{name}'s {label}").format(name="logistic_regression", label="b"), shape=b.shape))
    return w, b.reshape(())


def after_steps(label, steps):
    """The name of logistic_regression's `label` (w or b) after `steps` steps."""
    return _("{name}'s {label} after {steps} steps").format(name="logistic_regression", label=label, steps=steps)


PROBABILITY_NOT_ODDS = N_("the weight is the classifier's ODDS exp(f(x)) = sigma(f) / (1 - sigma(f)), not its "
                          "probability sigma(f(x))")
RATIO_MISSING = N_("multiply by n_train / n_test: the classifier's odds also count how many examples each side has")
RATIO_INVERTED = N_("the odds are (n_test p(x)) / (n_train q(x)): multiply by n_train / n_test, not n_test / n_train")
ODDS_INVERTED = N_("the classifier gives test inputs z = 1: the weight is exp(+f(x)), not exp(-f(x))")


def importance_mistakes(logits, n_train, n_test):
    ratio = n_train / n_test
    return [(ratio / (1 + numpy.exp(-logits)), PROBABILITY_NOT_ODDS), (numpy.exp(logits), RATIO_MISSING),
            (numpy.exp(logits) / ratio, RATIO_INVERTED), (numpy.exp(-logits) * ratio, ODDS_INVERTED)]


WEIGHTS_IGNORED = N_("weight every example's squared error by weights[i]: A^T (weights[:, None] * A)")
WEIGHTS_SQUARED = N_("weighting the rows of A AND of A^T weights each error by weights[i]**2; multiply one side "
                     "only, or scale the rows of A and y by sqrt(weights)")
LINE_THROUGH_ORIGIN = N_("append a column of ones to X for the bias: A = np.column_stack([X, np.ones(n)])")


def judge_weighted_fit(got, d, expected, mistakes, judge):
    """The verdict on weighted_least_squares's (w, b); `mistakes`: [(w, b, hint)]."""
    name = "weighted_least_squares"
    w, b = pair_of_arrays(got, "weighted_least_squares(X, y, weights)", name)
    w_label, b_label = (_("{name}'s {label}").format(name=name, label=label) for label in "wb")
    if w.shape != (d,):
        fail(_("{name} has shape {got}, expected {expected}").format(name=w_label, got=w.shape, expected=(d,)),
             LINE_THROUGH_ORIGIN if w.shape == (d + 1,) else None)
    judge(w_label, w, expected[0], mistakes=[(m[0], m[2]) for m in mistakes])
    judge(b_label, b.reshape(()) if b.size == 1 else b, expected[1], mistakes=[(m[1], m[2]) for m in mistakes])


def weighted_fit_mistakes(X, y, weights):
    """[(w, b, hint)] of the known wrong weighted fits."""
    A = numpy.column_stack([X, numpy.ones(len(X))])

    def solve(row_weights):
        theta = numpy.linalg.solve(A.T @ (row_weights[:, None] * A), A.T @ (row_weights * y))
        return theta[:-1], float(theta[-1])

    through_origin = numpy.linalg.solve(X.T @ (weights[:, None] * X), X.T @ (weights * y))
    return [(*solve(numpy.ones(len(X))), WEIGHTS_IGNORED), (*solve(weights ** 2), WEIGHTS_SQUARED),
            (through_origin, 0.0, LINE_THROUGH_ORIGIN)]
