"""Hidden checks for the `regularization` assignment (Dive into Deep Learning: linear
regression from scratch, softmax regression and an MLP, polynomial features, weight
decay, dropout, vanishing gradients and Xavier initialisation).

Deterministic functions are compared with reference.regularization on judge-made
inputs. Random ones (synthetic_data, dropout, the initialisers) are judged by their
statistics on large draws: the worker's numpy is seeded per check, and every
tolerance is many standard errors wide, yet far narrower than the gap to the
mistakes it must catch (no 1/(1-p) scaling, keeping with probability p, fan_in only).
Those statistical verdicts and the hints for known mistakes are in
backprop_lab_check.shared.regularization: the notebook's visible checks say the same.
"""

import numpy
import pytest

from backprop_lab_check.gradcheck import model_gradients_agree
from backprop_lab_check.i18n import _
from backprop_lab_check.shared import regularization as known
from backprop_lab_check.shared.regularization import pair
from backprop_lab_check.tolerances import GRAD_TOL
from backprop_lab_check.verdicts import as_array, call_pure, compare, fail

import reference.regularization as rr

check = pytest.mark.check


# -- 1. linear regression ------------------------------------------------------------------

@check(id="synthetic_data.shapes_and_noise", target="synthetic_data", points=2)
def test_synthetic_data(student):
    w, b = numpy.array([2, -3.4]), 4.2
    known.judge_synthetic_data(call_pure(student, "synthetic_data", w, b, 2000), w, b, 2000)
    X3, y3 = pair("synthetic_data", call_pure(student, "synthetic_data", numpy.array([1.0, 0.5, -2.0]), -1.0, 7))
    if numpy.shape(X3) != (7, 3) or numpy.shape(y3) not in ((7,), (7, 1)):
        fail(_("synthetic_data with len(w) = 3 and 7 examples gave shapes {x_shape} and {y_shape}, "
               "expected (7, 3) and (7,) or (7, 1)").format(x_shape=numpy.shape(X3), y_shape=numpy.shape(y3)))


@check(id="data_iter.batches", target="data_iter", points=2)
def test_data_iter(student):
    known.judge_batches(known.batches_of(student, 5, *known.numbered_examples(23)), 23, 5)


@check(id="linreg.values", target="linreg", points=1)
def test_linreg(student, rng):
    X, w, b = rng.standard_normal((5, 3)), rng.standard_normal((3, 1)), rng.standard_normal(1)
    compare("linreg(X, w, b)", call_pure(student, "linreg", X, w, b), X @ w + b,
            mistakes=[(X @ w, known.LINREG_BIAS_MISSING)])


@check(id="squared_loss.values", target="squared_loss", points=1)
def test_squared_loss(student, rng):
    y_hat, y = rng.standard_normal((6, 1)), rng.standard_normal(6)
    expected = rr.squared_loss(y_hat, y)
    compare(_("squared_loss(y_hat of shape ({n}, 1), y of shape ({n},))").format(n=6),
            call_pure(student, "squared_loss", y_hat, y), expected,
            mistakes=known.squared_loss_mistakes(y_hat, y, expected))
    compare(_("squared_loss(y_hat, y) with both of shape ({n}, 1)").format(n=6),
            call_pure(student, "squared_loss", y_hat, y.reshape(6, 1)), expected)


@check(id="linreg_grads.values", target="linreg_grads", points=2)
def test_linreg_grads(student, rng):
    X, y = rng.standard_normal((8, 3)), rng.standard_normal((8, 1))
    w, b = rng.standard_normal((3, 1)), rng.standard_normal(1)
    dw, db = pair("linreg_grads(X, y, w, b)", call_pure(student, "linreg_grads", X, y, w, b))
    want_dw, want_db = rr.linreg_grads(X, y, w, b)
    dw_mistakes, db_mistakes = known.linreg_grads_mistakes(want_dw, want_db, len(X))
    compare(_("linreg_grads's dw"), dw, want_dw, mistakes=dw_mistakes)
    db = as_array(_("linreg_grads's db"), db)
    if db.size == 1:
        db = db.reshape(want_db.shape)
    compare(_("linreg_grads's db"), db, want_db, mistakes=db_mistakes)


@check(id="sgd.update", target="sgd", points=2)
def test_sgd(student, rng):
    params = [rng.standard_normal((3, 1)), rng.standard_normal(1)]
    grads = [rng.standard_normal((3, 1)), rng.standard_normal(1)]
    params_after = student.call("sgd", params, grads, 0.1, 4, keep_args=True)[1][0]
    for i, (got, p, g) in enumerate(zip(params_after, params, grads)):
        if numpy.array_equal(got, p):
            fail(_("{call} did not change params[{i}]").format(call="sgd", i=i), known.SGD_NOT_IN_PLACE)
        compare(_("sgd: params[{i}] after one step").format(i=i), got, p - 0.1 * g / 4,
                mistakes=known.sgd_mistakes(p, g, 0.1, 4))


# -- 2. softmax, cross-entropy, accuracy ------------------------------------------------------

@check(id="softmax.values", target="softmax", points=1)
def test_softmax(student, rng):
    X = rng.standard_normal((6, 4)) * 3
    name = _("softmax(X) of shape (6, 4)")
    got = as_array(name, call_pure(student, "softmax", X))
    if got.shape == X.shape and not numpy.allclose(got.sum(axis=1), 1):
        sums = numpy.round(got.sum(axis=1), 3).tolist()
        fail(_("the rows of {name} should sum to 1; they sum to {sums}").format(name="softmax(X)", sums=sums),
             known.rows_hint(got))
    compare(name, got, rr.softmax(X))


@check(id="softmax.large_scores", target="softmax", points=1)
def test_softmax_stable(student):
    X = numpy.array([[1000.0, 999.0, 0.0], [-1000.0, -999.0, -998.0]])
    name = _("softmax of scores around +-1000")
    got = as_array(name, call_pure(student, "softmax", X))
    if got.shape == X.shape and not numpy.all(numpy.isfinite(got.astype(numpy.float64))):
        fail(_("{name} returned nan or inf").format(name=name), known.SOFTMAX_OVERFLOWS)
    compare(name, got, rr.softmax(X), atol=1e-12)


@check(id="cross_entropy.values", target="cross_entropy", points=1)
def test_cross_entropy(student, rng):
    y_hat = rr.softmax(rng.standard_normal((5, 4)))
    y = numpy.array([0, 3, 1, 1, 2])
    expected = rr.cross_entropy(y_hat, y)
    compare("cross_entropy(y_hat, y)", call_pure(student, "cross_entropy", y_hat, y), expected,
            mistakes=known.cross_entropy_mistakes(y_hat, y, expected))


@check(id="accuracy.values", target="accuracy", points=1)
def test_accuracy(student, rng):
    y = rng.integers(0, 5, size=20)
    scores = rng.standard_normal((20, 5))
    right = rng.permutation(20)[:13]
    scores[right, y[right]] = 10.0
    wrong = numpy.setdiff1d(numpy.arange(20), right)
    scores[wrong, y[wrong]] = -10.0
    got = call_pure(student, "accuracy", scores, y)
    compare(_("accuracy(y_hat, y) with {right} of {rows} rows right").format(right=13, rows=20), got, 0.65,
            mistakes=[(13, known.ACCURACY_COUNTS)])
    probs = rr.softmax(scores)
    compare(_("accuracy on probabilities instead of scores"), call_pure(student, "accuracy", probs, y), 0.65)


# -- 2-3. SoftmaxRegression and MLP -----------------------------------------------------------

MODELS = {"SoftmaxRegression": (rr.SoftmaxRegression, [(64, 10), (10,)]),
          "MLP": (rr.MLP, [(64, 16), (16,), (16, 10), (10,)])}


def model_args(name):
    return (64, 10) if name == "SoftmaxRegression" else (64, 16, 10)


def model_with(student, rng, name):
    """A student model whose params the judge has set to known values, and the reference twin."""
    ref_class, shapes = MODELS[name]
    model = student.new(name, *model_args(name))
    params = model.get("params")
    if not isinstance(params, list):
        fail(_("{name} should be a list of {count} arrays, got {got}").format(
            name=f"{name}.params", count=len(shapes), got=type(params).__name__))
    if len(params) != len(shapes):
        fail(_("{name} should be a list of {count} arrays, got a list of {got}").format(
            name=f"{name}.params", count=len(shapes), got=len(params)))
    values = [rng.standard_normal(s) * 0.5 for s in shapes]
    for i, (p, value) in enumerate(zip(params, values)):
        p = as_array(f"{name}.params[{i}]", p)
        if p.shape != value.shape:
            fail(_("{name} has shape {got}, expected {expected}").format(name=f"{name}.params[{i}]", got=p.shape,
                                                                        expected=value.shape))
        model.set_item("params", i, value=value)
    expected = ref_class(*model_args(name))
    for p, value in zip(expected.params, values):
        p[...] = value
    return model, expected


def digits_batch(rng, n=12):
    return rng.uniform(0, 1, (n, 64)), rng.integers(0, 10, size=n)


CHECK_PREFIX = {"SoftmaxRegression": "softmax_regression", "MLP": "mlp"}


def each_model(slug, points=1):
    """One check per model: the parameter `name` of a test, with the check `<prefix>.<slug>`."""
    return pytest.mark.parametrize("name", [
        pytest.param(name, id=name, marks=check(id=f"{prefix}.{slug}", target=name, points=points))
        for name, prefix in CHECK_PREFIX.items()])


@each_model("init")
def test_init(student, name):
    big = (300, 100) if name == "SoftmaxRegression" else (300, 200, 100)
    model = student.new(name, *big)
    params = [as_array(f"{name}.params[{i}]", p) for i, p in enumerate(model.get("params"))]
    grads = [as_array(f"{name}.grads[{i}]", g) for i, g in enumerate(model.get("grads"))]
    shapes = [(big[0], big[1]), (big[1],)] if name == "SoftmaxRegression" else \
        [(big[0], big[1]), (big[1],), (big[1], big[2]), (big[2],)]
    if [p.shape for p in params] != shapes:
        fail(_("{model}.params have shapes {got}, expected {expected}").format(
            model=f"{name}{big}", got=[p.shape for p in params], expected=shapes))
    if [g.shape for g in grads] != shapes:
        fail(_("{model}.grads have shapes {got}, expected those of params, {expected}").format(
            model=f"{name}{big}", got=[g.shape for g in grads], expected=shapes))
    for i, p in enumerate(params):
        if p.ndim == 1 and p.any():
            fail(_("{name}: the bias params[{i}] should start at zero").format(name=name, i=i))
        if p.ndim == 2:
            std = float(p.std())
            if not 0.0095 < std < 0.0105 or abs(float(p.mean())) > 0.001:
                fail(_("{model}: the weights params[{i}] have mean {mean:.3g} and standard deviation {std:.3g}; "
                       "expected N(0, sigma^2) with the default sigma = 0.01").format(
                    model=name, i=i, mean=p.mean(), std=std), known.init_std_hint(std))
    small = student.new(name, *big[:-1], 7, sigma=0.2)
    std = float(numpy.asarray(small.get("params", 0)).std())
    if not 0.17 < std < 0.23:
        fail(_("{name}(..., sigma=0.2): the first weights have standard deviation {std:.3g}, expected 0.2").format(
            name=name, std=std), known.SIGMA_UNUSED)


@each_model("predict")
def test_predict(student, rng, name):
    model, expected = model_with(student, rng, name)
    X = digits_batch(rng)[0]
    scores = expected.predict(X)
    mistakes = [(rr.softmax(scores), known.PREDICT_PROBABILITIES)]
    if name == "MLP":
        W1, b1, W2, b2 = expected.params
        mistakes.append(((X @ W1 + b1) @ W2 + b2, known.PREDICT_WITHOUT_RELU))
    compare(_("{name}.predict(X) (scores)").format(name=name), model.call("predict", X), scores, mistakes=mistakes)


@each_model("forward")
def test_forward(student, rng, name):
    model, expected = model_with(student, rng, name)
    X, y = digits_batch(rng)
    want = expected.forward(X, y)
    compare(_("{name}.forward(X, y) (the mean cross-entropy)").format(name=name), model.call("forward", X, y), want,
            mistakes=[(want * len(X), known.SUMMED_LOSS)])


def relu_mask_missing(expected, X, y):
    """MLP gradients of a backward pass that forgot the ReLU's mask."""
    W1, b1, W2, b2 = expected.params
    Z = X @ W1 + b1
    H = numpy.maximum(Z, 0)
    dO = (rr.softmax(H @ W2 + b2) - rr.one_hot(y, W2.shape[1])) / len(X)
    dZ = dO @ W2.T
    return [X.T @ dZ, dZ.sum(axis=0)]


@each_model("backward", points=2)
def test_backward(student, rng, name):
    model, expected = model_with(student, rng, name)
    X, y = digits_batch(rng)
    before = model.ids("grads")
    model.call("forward", X, y)
    model.call("backward")
    expected.forward(X, y)
    expected.backward()
    if model.ids("grads") != before:
        fail(_("{name}.backward replaced the arrays of self.grads").format(name=name), known.STALE)
    grads = model.get("grads")
    wrong = relu_mask_missing(expected, X, y) if name == "MLP" else [None, None]
    for i, (got, want) in enumerate(zip(grads, expected.grads)):
        mistakes = [(numpy.zeros_like(want), known.STALE), (want * len(X), known.SUMMED_GRADIENT)]
        if name == "MLP" and i < 2:
            mistakes.append((wrong[i], known.RELU_MASK_MISSING))
        compare(_("{name}.grads[{i}] after forward(X, y) and backward()").format(name=name, i=i), got, want,
                rtol=1e-5, atol=1e-9, mistakes=mistakes)


@check(id="mlp.numerical", target="MLP", points=1)
def test_mlp_numerical(student, rng, evidence, check_id):
    """backward against central differences of the submission's own forward."""
    model, _ = model_with(student, rng, "MLP")
    model_gradients_agree(model, "MLP", digits_batch(rng, n=5), [(1, "db1"), (3, "db2"), (2, "dW2")], tol=GRAD_TOL,
                          stale_hint=known.STALE,
                          record=lambda label: evidence.gradient(check_id, f"MLP.{label}", GRAD_TOL))


# -- 4. polynomial features --------------------------------------------------------------------

@check(id="poly_features.values", target="poly_features", points=2)
def test_poly_features(student, rng):
    x = rng.uniform(-2, 2, 7)
    expected = rr.poly_features(x, 6)
    compare(_("poly_features(x of shape (7,), 6)"), call_pure(student, "poly_features", x, 6), expected,
            mistakes=known.poly_features_mistakes(x, 6))
    compare("poly_features(x, 20)[:, :4]", numpy.asarray(call_pure(student, "poly_features", x, 20))[:, :4],
            expected[:, :4])


# -- 5. weight decay -------------------------------------------------------------------------------

@check(id="l2_penalty.values", target="l2_penalty", points=1)
def test_l2_penalty(student, rng):
    w = rng.standard_normal((4, 3))
    want = float((w ** 2).sum() / 2)
    compare("l2_penalty(w)", call_pure(student, "l2_penalty", w), want,
            mistakes=known.l2_penalty_mistakes(want, w.size))


def decayed(student, rng):
    params = [rng.standard_normal((3, 2)), rng.standard_normal(2), rng.standard_normal((2, 1)), rng.standard_normal(1)]
    grads = [rng.standard_normal(p.shape) for p in params]
    return params, grads, known.decay(student, params, grads, 0.3)


@check(id="apply_weight_decay.weights", target="apply_weight_decay", points=1)
def test_weight_decay_weights(student, rng):
    params, grads, after = decayed(student, rng)
    for i in (0, 2):
        p, g = params[i], grads[i]
        if numpy.array_equal(after[i], g):
            fail(_("apply_weight_decay did not change the gradient of the weight params[{i}]").format(i=i),
                 known.DECAY_NOT_IN_PLACE)
        compare(_("the gradient of the weight params[{i}] after apply_weight_decay(params, grads, {wd})").format(
            i=i, wd=0.3),
                after[i], g + 0.3 * p, mistakes=known.weight_decay_mistakes(p, g, 0.3))


@check(id="apply_weight_decay.biases", target="apply_weight_decay", points=1)
def test_weight_decay_biases(student, rng):
    params, grads, after = decayed(student, rng)
    for i in (1, 3):
        compare(_("the gradient of the bias params[{i}] (1-D) after apply_weight_decay").format(i=i), after[i],
                grads[i],
                rtol=0, atol=0,
                mistakes=[(grads[i] + 0.3 * params[i], known.BIASES_DECAYED)])


# -- 6. dropout -------------------------------------------------------------------------------------

@check(id="dropout_layer.keep_rate", target="dropout_layer", points=2)
def test_dropout_layer_keep_rate(student, rng):
    X = 1 + numpy.abs(rng.standard_normal((200, 500)))
    known.judge_dropout("dropout_layer(X, 0.3)", X, call_pure(student, "dropout_layer", X, 0.3), 0.3)
    known.judge_dropout("dropout_layer(X, 0.75)", X, call_pure(student, "dropout_layer", X, 0.75), 0.75)


@check(id="dropout_layer.expectation", target="dropout_layer", points=1)
def test_dropout_layer_expectation(student, rng):
    X = rng.uniform(0.5, 1.5, (200, 500))
    for p in (0.5, 0.8):
        out = as_array(f"dropout_layer(X, {p})", call_pure(student, "dropout_layer", X, p))
        if out.shape != X.shape:
            fail(_("{name} has shape {got}, expected {expected}").format(name=f"dropout_layer(X, {p})", got=out.shape,
                                                                        expected=X.shape))
        ratio = float(out.mean() / X.mean())
        if abs(ratio - 1) > 0.03:
            kept = float((out != 0).mean())
            hint = known.MEAN_KEPT_WITH_P if abs(kept - p) < 0.02 else known.MEAN_NOT_SCALED
            fail(_("{name} should keep the expectation: its mean is {ratio:.3f} times the mean of X").format(
                name=f"dropout_layer(X, {p})", ratio=ratio), hint)


@check(id="dropout_layer.extremes", target="dropout_layer", points=1)
def test_dropout_layer_extremes(student, rng):
    X = rng.standard_normal((4, 6))
    compare(_("dropout_layer(X, 0) (keeps everything)"), call_pure(student, "dropout_layer", X, 0.0), X)
    zeros = as_array("dropout_layer(X, 1)", call_pure(student, "dropout_layer", X, 1.0))
    if zeros.shape == X.shape and not numpy.all(numpy.isfinite(zeros)):
        fail(_("{name} returned nan or inf").format(name="dropout_layer(X, 1)"), known.DROP_ALL_DIVIDES_BY_ZERO)
    compare(_("dropout_layer(X, 1) (drops everything)"), zeros, numpy.zeros_like(X))


@check(id="dropout.train", target="Dropout", points=1)
def test_dropout_train(student, rng):
    X = 1 + numpy.abs(rng.standard_normal((200, 500)))
    layer = student.new("Dropout", 0.4)
    if layer.get("params") != [] or layer.get("grads") != []:
        fail(_(known.NO_PARAMETERS))
    known.judge_dropout("Dropout(0.4).forward(x, train=True)", X, layer.call("forward", X, train=True), 0.4)
    known.judge_dropout(_("Dropout(0.4).forward(x) (training is the default)"), X, layer.call("forward", X), 0.4)


@check(id="dropout.eval", target="Dropout", points=1)
def test_dropout_eval(student, rng):
    known.judge_dropout_eval(student, 1 + numpy.abs(rng.standard_normal((50, 40))), compare)


@check(id="dropout.backward", target="Dropout", points=2)
def test_dropout_backward(student, rng):
    X = 1 + numpy.abs(rng.standard_normal((100, 200)))
    known.judge_dropout_backward(student, X, rng.standard_normal(X.shape), compare)


# -- 7. numerical stability ----------------------------------------------------------------------

@check(id="sigmoid_grad.values", target="sigmoid_grad", points=1)
def test_sigmoid_grad(student, rng):
    x = numpy.concatenate([rng.uniform(-8, 8, 20), [0.0, 40.0, -40.0]])
    s = 1 / (1 + numpy.exp(-x))
    compare("sigmoid_grad(x)", call_pure(student, "sigmoid_grad", x), s * (1 - s), rtol=1e-7, atol=1e-12,
            mistakes=known.sigmoid_grad_mistakes(x, s))


@check(id="distinct_units.hidden_layers", target="distinct_units", points=2)
def test_distinct_units(student, rng):
    """Layers whose number of distinct units is known by construction (shared.regularization)."""
    known.judge_distinct_units(student, rng)


@check(id="xavier_uniform.distribution", target="xavier_uniform", points=2)
def test_xavier_uniform(student):
    fan_in, fan_out = 200, 600
    W = known.judge_xavier("xavier_uniform(200, 600)", call_pure(student, "xavier_uniform", fan_in, fan_out),
                           fan_in, fan_out)[0]
    known.judge_uniform("xavier_uniform(200, 600)", W, fan_in, fan_out)
    known.judge_xavier("xavier_uniform(500, 100)", call_pure(student, "xavier_uniform", 500, 100), 500, 100)


@check(id="xavier_normal.distribution", target="xavier_normal", points=1)
def test_xavier_normal(student):
    fan_in, fan_out = 200, 600
    W, variance = known.judge_xavier("xavier_normal(200, 600)", call_pure(student, "xavier_normal", fan_in, fan_out),
                                     fan_in, fan_out)
    known.judge_normal_tails(W, variance)
