"""Visible checks of the `regularization` notebook: the deterministic functions on known values
(the notebook's own small examples, worked out by hand), the models' gradients against their
own forward, and the random functions (synthetic data, minibatches, dropout, Xavier weights)
judged by the hidden checks' statistical verdicts on draws of their own, with bounds many
standard errors wide, since a submission may draw from a generator these checks cannot seed."""
import math

import numpy

from ..gradcheck import gradient_agrees
from ..i18n import _
from ..registry import visible
from ..shared import regularization as known
from ..shared.regularization import pair
from ..verdicts import CheckFailed, as_array, call_pure, close, fail
from .common import arrays, expect


# -- synthetic_data and data_iter ---------------------------------------------------------------

@visible(id="synthetic_data.statistics", target="synthetic_data")
def synthetic_data_statistics(kernel, rng):
    """The book's example, w = [2, -3.4] and b = 4.2, with 2000 examples."""
    w, b = numpy.array([2, -3.4]), 4.2
    known.judge_synthetic_data(call_pure(kernel, "synthetic_data", w, b, 2000), w, b, 2000)


@visible(id="data_iter.one_pass", target="data_iter")
def data_iter_one_pass(kernel, rng):
    """14 numbered examples in batches of 4: sizes [4, 4, 4, 2], shuffled, labels with their features."""
    known.judge_batches(known.batches_of(kernel, 4, *known.numbered_examples(14)), 14, 4)


# -- linreg, squared_loss, linreg_grads, sgd: the notebook's example of 3 examples ------------------

X_SMALL = numpy.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])
W_SMALL = numpy.array([[0.5], [-1.0]])
B_SMALL = numpy.array([0.25])
Y_SMALL = numpy.array([1.0, 0.0, -2.0])
Y_HAT_SMALL = numpy.array([[-1.25], [2.75], [0.5]])              # X w + b
LOSSES_SMALL = numpy.array([[2.53125], [3.78125], [3.125]])      # (y_hat - y)**2 / 2 = 2.25**2 / 2, ...
DW_SMALL = numpy.array([[7.25], [-7.25]])                        # X^T (y_hat - y), y_hat - y = [-2.25, 2.75, 2.5]
DB_SMALL = numpy.array([3.0])                                    # the sum of y_hat - y


@visible(id="linreg.known_values", target="linreg")
def linreg_known_values(kernel, rng):
    expect(_("linreg(X, w, b) of the notebook's 3 examples"), call_pure(kernel, "linreg", X_SMALL, W_SMALL, B_SMALL),
           Y_HAT_SMALL, mistakes=[(X_SMALL @ W_SMALL, known.LINREG_BIAS_MISSING)])


@visible(id="squared_loss.known_values", target="squared_loss")
def squared_loss_known_values(kernel, rng):
    expect(_("squared_loss(y_hat of shape ({n}, 1), y of shape ({n},))").format(n=3),
           call_pure(kernel, "squared_loss", Y_HAT_SMALL, Y_SMALL), LOSSES_SMALL,
           mistakes=known.squared_loss_mistakes(Y_HAT_SMALL, Y_SMALL, LOSSES_SMALL))
    expect(_("squared_loss(y_hat, y) with both of shape ({n}, 1)").format(n=3),
           call_pure(kernel, "squared_loss", Y_HAT_SMALL, Y_SMALL.reshape(3, 1)), LOSSES_SMALL)


@visible(id="linreg_grads.known_values", target="linreg_grads")
def linreg_grads_known_values(kernel, rng):
    """The gradient of the summed loss of the 3 examples, with y as a column (as the training loop
    passes it)."""
    dw, db = pair("linreg_grads(X, y, w, b)",
                  call_pure(kernel, "linreg_grads", X_SMALL, Y_SMALL.reshape(3, 1), W_SMALL, B_SMALL))
    dw_mistakes, db_mistakes = known.linreg_grads_mistakes(DW_SMALL, DB_SMALL, len(X_SMALL))
    expect(_("linreg_grads's dw"), dw, DW_SMALL, mistakes=dw_mistakes)
    db = as_array(_("linreg_grads's db"), db)
    expect(_("linreg_grads's db"), db.reshape(DB_SMALL.shape) if db.size == 1 else db, DB_SMALL, mistakes=db_mistakes)


@visible(id="sgd.known_step", target="sgd")
def sgd_known_step(kernel, rng):
    """The notebook's step: lr = 0.1, batch size 4."""
    params = [numpy.array([[1.0], [2.0]]), numpy.array([0.5])]
    grads = [numpy.array([[4.0], [-2.0]]), numpy.array([1.0])]
    expected = [[[0.9], [2.05]], [0.475]]                           # p - 0.1 * g / 4
    params_after = kernel.call("sgd", params, grads, 0.1, 4, keep_args=True)[1][0]
    for i, (got, p, g) in enumerate(zip(params_after, params, grads)):
        if numpy.array_equal(got, p):
            fail(_("{call} did not change params[{i}]").format(call="sgd(params, grads, 0.1, 4)", i=i),
                 known.SGD_NOT_IN_PLACE)
        expect(_("sgd: params[{i}] after one step").format(i=i), got, expected[i],
               mistakes=known.sgd_mistakes(p, g, 0.1, 4))


# -- softmax, cross_entropy, accuracy -------------------------------------------------------------

SCORES = numpy.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
PROBABILITIES = [[0.09003057317038046, 0.24472847105479767, 0.6652409557748219],   # e^k / (e + e^2 + e^3)
                 [1 / 3, 1 / 3, 1 / 3]]


def rows_sum_to_one(name, probabilities, shape):
    if probabilities.shape == shape and not numpy.allclose(probabilities.sum(axis=1), 1):
        sums = numpy.round(probabilities.sum(axis=1), 3).tolist()
        fail(_("the rows of {name} should sum to 1; they sum to {sums}").format(name=name, sums=sums),
             known.rows_hint(probabilities))


@visible(id="softmax.known_values", target="softmax")
def softmax_known_values(kernel, rng):
    name = "softmax([[1, 2, 3], [0, 0, 0]])"
    got = as_array(name, call_pure(kernel, "softmax", SCORES))
    rows_sum_to_one(name, got, SCORES.shape)
    expect(name, got, PROBABILITIES)
    scores = 3 * rng.standard_normal((5, 4))
    name = _("softmax of a (5, 4) array")
    rows_sum_to_one(name, as_array(name, call_pure(kernel, "softmax", scores)), scores.shape)


@visible(id="softmax.large_scores", target="softmax")
def softmax_large_scores(kernel, rng):
    name = "softmax([[1000, 1000], [-1000, 0]])"
    got = as_array(name, call_pure(kernel, "softmax", numpy.array([[1000.0, 1000.0], [-1000.0, 0.0]])))
    if got.shape == (2, 2) and not numpy.all(numpy.isfinite(got.astype(numpy.float64))):
        fail(_("{name} returned nan or inf").format(name=name), known.SOFTMAX_OVERFLOWS)
    expect(name, got, [[0.5, 0.5], [0.0, 1.0]], atol=1e-12)


Y_HAT_CE = numpy.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
Y_CE = numpy.array([0, 2])
CROSS_ENTROPY = numpy.array([2.3025850929940455, 0.6931471805599453])  # -log 0.1, -log 0.5


@visible(id="cross_entropy.known_values", target="cross_entropy")
def cross_entropy_known_values(kernel, rng):
    expect("cross_entropy([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]], [0, 2])",
           call_pure(kernel, "cross_entropy", Y_HAT_CE, Y_CE), CROSS_ENTROPY,
           mistakes=known.cross_entropy_mistakes(Y_HAT_CE, Y_CE, CROSS_ENTROPY))


@visible(id="accuracy.known_values", target="accuracy")
def accuracy_known_values(kernel, rng):
    """4 rows, 3 of them with their largest entry at the label; as probabilities and as scores."""
    probabilities = numpy.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5], [0.8, 0.1, 0.1], [0.2, 0.7, 0.1]])
    labels = numpy.array([2, 2, 1, 1])
    expect(_("accuracy(y_hat, y) with {right} of {rows} rows right").format(right=3, rows=4),
           call_pure(kernel, "accuracy", probabilities, labels), 0.75, mistakes=[(3, known.ACCURACY_COUNTS)])
    expect(_("accuracy on scores (logits) with 3 of 4 rows right"),
           call_pure(kernel, "accuracy", 5 * numpy.log(probabilities), labels), 0.75)


# -- SoftmaxRegression and MLP ------------------------------------------------------------------------

SIZES = {"SoftmaxRegression": (64, 10), "MLP": (64, 16, 10)}   # the digits: 64 pixels, 10 classes
LABELS = {"SoftmaxRegression": ["dW", "db"], "MLP": ["dW1", "db1", "dW2", "db2"]}
# Weight matrices of 2500 elements or more: the bounds on their statistics below are 7 standard
# errors or more wide.
LARGE = {"SoftmaxRegression": (100, 50), "MLP": (100, 50, 50)}
# Small weights keep every class's probability near 1/10, so that a model whose loss is written
# -log(p + 1e-7) (its loss and gradients within the hidden checks' tolerances) stays within the
# gradient tolerance against its own forward.
WEIGHT_SCALE = 0.1


def shapes_of(sizes):
    """[W1, b1, W2, b2, ...] of a model of layers of these sizes."""
    return [shape for m, n in zip(sizes[:-1], sizes[1:]) for shape in ((m, n), (n,))]


def model_with(kernel, name, values):
    """A new model of the notebook's sizes, its parameters set to `values`."""
    model = kernel.new(name, *SIZES[name])
    arrays(f"{name}.params", model.get("params"), [v.shape for v in values])
    for i, value in enumerate(values):
        model.set_item("params", i, value=value)
    return model


def digits_like(rng, n):
    """n inputs of 64 pixels in [0, 1], with labels."""
    return rng.uniform(0, 1, (n, 64)), rng.integers(0, 10, size=n)


def model_init(kernel, name):
    sizes = LARGE[name]
    model = kernel.new(name, *sizes)
    params = arrays(f"{name}{sizes}.params", model.get("params"), shapes_of(sizes))
    arrays(f"{name}{sizes}.grads", model.get("grads"), shapes_of(sizes))
    for i, p in enumerate(params):
        if p.ndim == 1 and p.any():
            fail(_("{name}: the bias params[{i}] should start at zero").format(name=name, i=i))
        std = float(p.std())
        if p.ndim == 2 and (not 0.009 < std < 0.011 or abs(float(p.mean())) > 0.0015):
            fail(_("{model}: the weights params[{i}] have mean {mean:.3g} and standard deviation {std:.3g}; "
                   "expected N(0, sigma^2) with the default sigma = 0.01").format(
                model=f"{name}{sizes}", i=i, mean=p.mean(), std=std), known.init_std_hint(std))
    std = float(numpy.asarray(kernel.new(name, *sizes, sigma=0.2).get("params", 0)).std())
    if not 0.17 < std < 0.23:
        fail(_("{name}(..., sigma=0.2): the first weights have standard deviation {std:.3g}, expected 0.2").format(
            name=name, std=std), known.SIGMA_UNUSED)


def model_predict(kernel, name, rng):
    values = [0.5 * rng.standard_normal(shape) for shape in shapes_of(SIZES[name])]
    model = model_with(kernel, name, values)
    X = digits_like(rng, 12)[0]
    got = as_array(f"{name}.predict(X)", model.call("predict", X))
    if got.shape == (12, 10) and numpy.all(got >= 0) and numpy.allclose(got.sum(axis=1), 1):
        fail(_("{name}.predict(X) returns probabilities: every row sums to 1").format(name=name),
             known.PREDICT_PROBABILITIES)
    if name == "SoftmaxRegression":
        W, b = values
        expect(_("{name}.predict(X) (scores X W + b)").format(name=name), got, X @ W + b)
    else:
        W1, b1, W2, b2 = values
        expect(_("{name}.predict(X) (scores relu(X W1 + b1) W2 + b2)").format(name=name), got,
               numpy.maximum(X @ W1 + b1, 0) @ W2 + b2,
               mistakes=[((X @ W1 + b1) @ W2 + b2, known.PREDICT_WITHOUT_RELU)])


def model_forward(kernel, name, rng):
    """Zero weights and a last bias of log 9 for class 3: every example gives class 3 the
    probability 9 / (9 + 9) = 1/2 and every other class 1/18, so three examples of class 3 and
    three of others lose (log 2 + log 18) / 2 = log 6 on average."""
    values = [numpy.zeros(shape) for shape in shapes_of(SIZES[name])]
    values[-1][3] = math.log(9)
    X = digits_like(rng, 6)[0]
    loss = model_with(kernel, name, values).call("forward", X, numpy.array([3, 0, 3, 9, 3, 5]))
    expect(_("{name}.forward(X, y) (the mean cross-entropy) with zero weights").format(name=name), loss, math.log(6),
           mistakes=[(6 * math.log(6), known.SUMMED_LOSS)])


def mean_over_batch_hint(n):
    """The hint for a gradient n times too large or too small: a mean loss handled as a sum."""
    def hint(analytic, numeric):
        if close(analytic, n * numeric, rtol=1e-3, atol=1e-9):
            return known.SUMMED_GRADIENT
        if close(n * analytic, numeric, rtol=1e-3, atol=1e-9):
            return known.SUMMED_LOSS
        return None
    return hint


def gradients_agree(kernel, name, values, X, y, rng):
    """backward's gradients, written in place, against central differences of the model's own forward."""
    model = model_with(kernel, name, values)
    before = model.ids("grads")
    model.call("forward", X, y)
    model.call("backward")
    if model.ids("grads") != before:
        fail(_("{name}.backward replaced the arrays of self.grads").format(name=name), known.STALE)
    grads = arrays(f"{name}.grads", model.get("grads"), [v.shape for v in values])
    for i, (label, value) in enumerate(zip(LABELS[name], values)):
        gradient_agrees(model, _("{name}: backward's {label} (grads[{i}])").format(name=name, label=label, i=i),
                        grads[i], ["param", ["params", i]], value,
                        [X, y], rng=rng, mistakes=[(numpy.zeros_like(value), known.STALE)],
                        hint=mean_over_batch_hint(len(X)))


def agrees(check):
    try:
        check()
    except CheckFailed:
        return False
    return True


@visible(id="softmax_regression.init", target="SoftmaxRegression")
def softmax_regression_init(kernel, rng):
    model_init(kernel, "SoftmaxRegression")


@visible(id="softmax_regression.predict", target="SoftmaxRegression")
def softmax_regression_predict(kernel, rng):
    model_predict(kernel, "SoftmaxRegression", rng)


@visible(id="softmax_regression.forward", target="SoftmaxRegression")
def softmax_regression_forward(kernel, rng):
    model_forward(kernel, "SoftmaxRegression", rng)


@visible(id="softmax_regression.gradients", target="SoftmaxRegression")
def softmax_regression_gradients(kernel, rng):
    X, y = digits_like(rng, 5)
    values = [WEIGHT_SCALE * rng.standard_normal(shape) for shape in shapes_of(SIZES["SoftmaxRegression"])]
    gradients_agree(kernel, "SoftmaxRegression", values, X, y, rng)


@visible(id="mlp.init", target="MLP")
def mlp_init(kernel, rng):
    model_init(kernel, "MLP")


@visible(id="mlp.predict", target="MLP")
def mlp_predict(kernel, rng):
    model_predict(kernel, "MLP", rng)


@visible(id="mlp.forward", target="MLP")
def mlp_forward(kernel, rng):
    model_forward(kernel, "MLP", rng)


@visible(id="mlp.gradients", target="MLP")
def mlp_gradients(kernel, rng):
    """When the gradients disagree, but agree once every hidden unit is active (where the ReLU's
    mask changes nothing), the mask is what backward gets wrong."""
    X, y = digits_like(rng, 5)
    values = [WEIGHT_SCALE * rng.standard_normal(shape) for shape in shapes_of(SIZES["MLP"])]
    try:
        gradients_agree(kernel, "MLP", values, X, y, rng)
    except CheckFailed as failure:
        W1, b1, W2, b2 = values
        every_unit_active = [numpy.abs(W1), numpy.abs(b1) + 0.1, W2, b2]   # X >= 0, so X W1 + b1 > 0
        if failure.hint is None and agrees(lambda: gradients_agree(kernel, "MLP", every_unit_active, X, y, rng)):
            fail(failure.message, known.RELU_MASK_MISSING)
        raise


# -- poly_features, l2_penalty, apply_weight_decay ---------------------------------------------------

POLY_X = numpy.array([2.0, -1.0, 0.5])
POLY_FEATURES = numpy.array([[1, 2, 2, 4 / 3, 2 / 3],                # x**i / i! for i = 0 .. 4
                             [1, -1, 1 / 2, -1 / 6, 1 / 24],
                             [1, 1 / 2, 1 / 8, 1 / 48, 1 / 384]])


@visible(id="poly_features.known_values", target="poly_features")
def poly_features_known_values(kernel, rng):
    expect("poly_features([2, -1, 0.5], 5)", call_pure(kernel, "poly_features", POLY_X, 5), POLY_FEATURES,
           mistakes=known.poly_features_mistakes(POLY_X, 5))
    expect("poly_features([2, -1, 0.5], 20)[:, :5]",
           numpy.asarray(call_pure(kernel, "poly_features", POLY_X, 20))[:, :5], POLY_FEATURES)


@visible(id="l2_penalty.known_values", target="l2_penalty")
def l2_penalty_known_values(kernel, rng):
    expect("l2_penalty([[3], [4]]) = (9 + 16) / 2", call_pure(kernel, "l2_penalty", numpy.array([[3.0], [4.0]])),
           12.5, mistakes=known.l2_penalty_mistakes(12.5, 2))


# The notebook's example: a weight (2, 1), a bias (1,), their gradients, wd = 0.1.
DECAY_PARAMS = ([[1.0], [-2.0]], [3.0])
DECAY_GRADS = ([[0.5], [0.5]], [0.25])
DECAYED_WEIGHT_GRADIENT = [[0.6], [0.3]]                         # dw + 0.1 * w


@visible(id="apply_weight_decay.weights", target="apply_weight_decay")
def apply_weight_decay_weights(kernel, rng):
    params, grads = [numpy.array(p) for p in DECAY_PARAMS], [numpy.array(g) for g in DECAY_GRADS]
    after = known.decay(kernel, params, grads, 0.1)
    if numpy.array_equal(after[0], grads[0]):
        fail(_("apply_weight_decay did not change the gradient of the weight params[{i}]").format(i=0),
             known.DECAY_NOT_IN_PLACE)
    expect(_("the gradient of the weight params[{i}] after apply_weight_decay(params, grads, {wd})").format(
        i=0, wd=0.1), after[0],
           DECAYED_WEIGHT_GRADIENT, mistakes=known.weight_decay_mistakes(params[0], grads[0], 0.1))


@visible(id="apply_weight_decay.biases", target="apply_weight_decay")
def apply_weight_decay_biases(kernel, rng):
    params, grads = [numpy.array(p) for p in DECAY_PARAMS], [numpy.array(g) for g in DECAY_GRADS]
    after = known.decay(kernel, params, grads, 0.1)
    expect(_("the gradient of the bias params[{i}] (1-D) after apply_weight_decay").format(i=1), after[1], grads[1],
           rtol=0, atol=0,
           mistakes=[(grads[1] + 0.1 * params[1], known.BIASES_DECAYED)])


# -- dropout_layer and Dropout ------------------------------------------------------------------------

# The share of survivors among 50000 elements: 0.015 is 7 standard errors or more.
RATE_TOLERANCE = 0.015


def positive(rng):
    """50000 elements, none of them 0, so that the zeros of a dropout's output are its drops."""
    return 1 + numpy.abs(rng.standard_normal((200, 250)))


@visible(id="dropout_layer.extremes", target="dropout_layer")
def dropout_layer_extremes(kernel, rng):
    X = numpy.arange(16, dtype=numpy.float64).reshape(2, 8)
    expect(_("dropout_layer(X, 0) (keeps everything)"), call_pure(kernel, "dropout_layer", X, 0.0), X)
    zeros = as_array("dropout_layer(X, 1)", call_pure(kernel, "dropout_layer", X, 1.0))
    if zeros.shape == X.shape and not numpy.all(numpy.isfinite(zeros)):
        fail(_("{name} returned nan or inf").format(name="dropout_layer(X, 1)"), known.DROP_ALL_DIVIDES_BY_ZERO)
    expect(_("dropout_layer(X, 1) (drops everything)"), zeros, numpy.zeros_like(X))


@visible(id="dropout_layer.keep_rate", target="dropout_layer")
def dropout_layer_keep_rate(kernel, rng):
    X = positive(rng)
    for p in (0.3, 0.75):
        known.judge_dropout(f"dropout_layer(X, {p})", X, call_pure(kernel, "dropout_layer", X, p), p, RATE_TOLERANCE)


@visible(id="dropout.train", target="Dropout")
def dropout_train(kernel, rng):
    X = positive(rng)
    layer = kernel.new("Dropout", 0.4)
    if layer.get("params") != [] or layer.get("grads") != []:
        fail(_(known.NO_PARAMETERS))
    known.judge_dropout("Dropout(0.4).forward(x, train=True)", X, layer.call("forward", X, train=True), 0.4,
                        RATE_TOLERANCE)
    known.judge_dropout(_("Dropout(0.4).forward(x) (training is the default)"), X, layer.call("forward", X), 0.4,
                        RATE_TOLERANCE)


@visible(id="dropout.eval", target="Dropout")
def dropout_eval(kernel, rng):
    known.judge_dropout_eval(kernel, 1 + numpy.abs(rng.standard_normal((20, 30))), expect)


@visible(id="dropout.backward", target="Dropout")
def dropout_backward(kernel, rng):
    """backward reuses forward's mask and scale; after an evaluation forward it passes dout through."""
    X = 1 + numpy.abs(rng.standard_normal((20, 30)))
    known.judge_dropout_backward(kernel, X, rng.standard_normal(X.shape), expect)


# -- sigmoid_grad, xavier_uniform, xavier_normal ------------------------------------------------------

SIGMOID_X = numpy.array([0.0, 2.0, -2.0, 40.0, -40.0])
SIGMOID = numpy.array([0.5, 0.8807970779778824, 0.11920292202211756, 1.0, 4.248354255291589e-18])
SIGMOID_GRAD = numpy.array([0.25, 0.10499358540350652, 0.10499358540350652,    # s (1 - s), to 16 digits
                            4.248354255291589e-18, 4.248354255291589e-18])


@visible(id="sigmoid_grad.known_values", target="sigmoid_grad")
def sigmoid_grad_known_values(kernel, rng):
    expect("sigmoid_grad([0, 2, -2, 40, -40])", call_pure(kernel, "sigmoid_grad", SIGMOID_X), SIGMOID_GRAD,
           rtol=1e-7, atol=1e-12, mistakes=known.sigmoid_grad_mistakes(SIGMOID_X, SIGMOID))


@visible(id="distinct_units.hidden_layers", target="distinct_units")
def distinct_units_hidden_layers(kernel, rng):
    known.judge_distinct_units(kernel, rng, expect)


# 60000 weights, with fans that tell the known wrong variances apart; the mean's bound is 7
# standard errors.
FAN_IN, FAN_OUT = 200, 300
XAVIER_MEAN_BOUND = 0.03


@visible(id="xavier_uniform.distribution", target="xavier_uniform")
def xavier_uniform_distribution(kernel, rng):
    name = f"xavier_uniform({FAN_IN}, {FAN_OUT})"
    W = known.judge_xavier(name, call_pure(kernel, "xavier_uniform", FAN_IN, FAN_OUT), FAN_IN, FAN_OUT,
                           XAVIER_MEAN_BOUND)[0]
    known.judge_uniform(name, W, FAN_IN, FAN_OUT)


@visible(id="xavier_normal.distribution", target="xavier_normal")
def xavier_normal_distribution(kernel, rng):
    W, variance = known.judge_xavier(f"xavier_normal({FAN_IN}, {FAN_OUT})",
                                     call_pure(kernel, "xavier_normal", FAN_IN, FAN_OUT), FAN_IN, FAN_OUT,
                                     XAVIER_MEAN_BOUND)
    known.judge_normal_tails(W, variance)
