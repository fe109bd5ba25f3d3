"""Hidden checks for the `regularization` assignment (Dive into Deep Learning: linear
regression from scratch, softmax regression and an MLP, polynomial features, weight
decay, dropout, vanishing gradients and Xavier initialisation).

Deterministic functions are compared with reference.regularization on judge-made
inputs. Random ones (synthetic_data, dropout, the initialisers) are judged by their
statistics on large draws: the worker's numpy is seeded per check, and every
tolerance is many standard errors wide, yet far narrower than the gap to the
mistakes it must catch (no 1/(1-p) scaling, keeping with probability p, fan_in only).
"""
import math

import numpy
import pytest

from backprop_lab_check.gradcheck import model_gradients_agree
from backprop_lab_check.outcomes import StudentRaised
from backprop_lab_check.tolerances import GRAD_TOL
from backprop_lab_check.verdicts import as_array, call_pure, compare, fail, recognise

import reference.regularization as rr
from grader.sandbox import RemoteObject

check = pytest.mark.check


def pair(name, value):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        kind = f"a {type(value).__name__} of {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
        fail(f"{name} should return two arrays, got {kind}")
    return value


# -- 1. linear regression ------------------------------------------------------------------

@check(id="synthetic_data.shapes_and_noise", target="synthetic_data", points=2)
def test_synthetic_data(student):
    w, b = numpy.array([2, -3.4]), 4.2
    X, y = pair("synthetic_data(w, b, n)", call_pure(student, "synthetic_data", w, b, 2000))
    X, y = as_array("synthetic_data's X", X), as_array("synthetic_data's y", y)
    if X.shape != (2000, 2):
        fail(f"synthetic_data(w, b, 2000) with len(w) = 2: X has shape {X.shape}, expected (2000, 2)")
    if y.shape != (2000, 1):
        fail(f"synthetic_data(w, b, 2000): y has shape {y.shape}, expected a column (2000, 1)",
             "return the labels as a column: y.reshape((-1, 1))" if y.size == 2000 else None)
    if abs(X.mean()) > 0.1 or not 0.9 < X.std() < 1.1:
        fail(f"the features should come from N(0, 1); they have mean {X.mean():.3f} and std {X.std():.3f}")
    noise = y[:, 0] - (X @ w + b)
    if abs(noise.mean()) > 0.003:
        fail(f"y - (X w + b) should be zero-mean noise; its mean is {noise.mean():.3f}",
             "the bias b is missing from y" if abs(noise.mean() + b) < 0.05 else None)
    std = float(noise.std())
    if not 0.008 < std < 0.012:
        hint = ("add Gaussian noise to y: np.random.normal(0, 0.01, y.shape)" if std < 1e-6 else
                "the noise has standard deviation 0.01: np.random.normal(0, 0.01, ...), not 0.1 or 1")
        fail(f"y - (X w + b) should be noise with standard deviation 0.01; it has {std:.3g}", hint)
    X3, y3 = pair("synthetic_data", call_pure(student, "synthetic_data", numpy.array([1.0, 0.5, -2.0]), -1.0, 7))
    if numpy.shape(X3) != (7, 3) or numpy.shape(y3) != (7, 1):
        fail(f"synthetic_data with len(w) = 3 and 7 examples gave shapes {numpy.shape(X3)} and "
             f"{numpy.shape(y3)}, expected (7, 3) and (7, 1)")


def batches_of(student, batch_size, features, labels):
    result = student.call("data_iter", batch_size, features, labels)
    if isinstance(result, list):
        return result
    if not isinstance(result, RemoteObject):
        fail(f"data_iter should be a generator of (X, y) batches, got {type(result).__name__}")
    iterator = result.call("__iter__")
    if not isinstance(iterator, RemoteObject):
        fail("data_iter should be a generator of (X, y) batches")
    batches = []
    while len(batches) < 100:
        try:
            batches.append(iterator.call("__next__"))
        except StudentRaised as exc:
            if exc.type_name == "StopIteration":
                return batches
            raise
    fail("data_iter yielded more than 100 batches for 23 examples")


@check(id="data_iter.batches", target="data_iter", points=2)
def test_data_iter(student):
    n = 23
    features = numpy.stack([2.0 * numpy.arange(n), -numpy.arange(n, dtype=numpy.float64)], axis=1)
    labels = numpy.arange(n, dtype=numpy.float64).reshape(n, 1)
    batches = batches_of(student, 5, features, labels)
    sizes = []
    for k, batch in enumerate(batches):
        X, y = pair(f"data_iter's batch {k}", batch)
        X, y = as_array(f"data_iter batch {k}'s X", X), as_array(f"data_iter batch {k}'s y", y)
        if X.ndim != 2 or X.shape[1] != 2 or y.shape != (len(X), 1):
            fail(f"batch {k} has X of shape {X.shape} and y of shape {y.shape}; expected rows of features "
                 "(b, 2) and of labels (b, 1)")
        if not numpy.array_equal(X[:, 0] / 2, y[:, 0]):
            fail(f"in batch {k} the labels no longer belong to their features",
                 "shuffle features and labels with the same indices: features[batch], labels[batch]")
        sizes.append(len(X))
    if sizes == [5, 5, 5, 5]:
        fail("23 examples in batches of 5 gave 4 batches; the last 3 examples are missing",
             "the last batch may be smaller: for i in range(0, num_examples, batch_size)")
    if sizes != [5, 5, 5, 5, 3]:
        fail(f"23 examples in batches of 5 should come as sizes [5, 5, 5, 5, 3], got {sizes}")
    order = numpy.concatenate([numpy.asarray(b[1])[:, 0] for b in batches])
    if sorted(order.tolist()) != list(range(n)):
        fail("one pass of data_iter should visit every example exactly once",
             "shuffle the indices once with np.random.permutation and slice them")
    if numpy.array_equal(order, numpy.arange(n)):
        fail("data_iter returned the examples in their original order; it should shuffle them",
             "indices = np.random.permutation(num_examples)")


@check(id="linreg.values", target="linreg", points=1)
def test_linreg(student, rng):
    X, w, b = rng.standard_normal((5, 3)), rng.standard_normal((3, 1)), rng.standard_normal(1)
    compare("linreg(X, w, b)", call_pure(student, "linreg", X, w, b), X @ w + b,
            mistakes=[(X @ w, "the bias b is missing: X @ w + b")])


@check(id="squared_loss.values", target="squared_loss", points=1)
def test_squared_loss(student, rng):
    y_hat, y = rng.standard_normal((6, 1)), rng.standard_normal(6)
    expected = rr.squared_loss(y_hat, y)
    compare("squared_loss(y_hat of shape (6, 1), y of shape (6,))", call_pure(student, "squared_loss", y_hat, y), expected,
            mistakes=[(expected * 2, "the loss is (y_hat - y)**2 / 2: the 1/2 is missing"),
                      ((y_hat - y) ** 2 / 2, "y of shape (6,) broadcasts against y_hat (6, 1) to (6, 6): "
                                             "reshape it first, y.reshape(y_hat.shape)"),
                      ((y_hat - y) ** 2, "reshape y to y_hat's shape, and divide by 2"),
                      (expected.mean(), "return one loss per example (shaped like y_hat), not their mean")])
    compare("squared_loss(y_hat, y) with both of shape (6, 1)",
            call_pure(student, "squared_loss", y_hat, y.reshape(6, 1)), expected)


@check(id="linreg_grads.values", target="linreg_grads", points=2)
def test_linreg_grads(student, rng):
    X, y = rng.standard_normal((8, 3)), rng.standard_normal((8, 1))
    w, b = rng.standard_normal((3, 1)), rng.standard_normal(1)
    dw, db = pair("linreg_grads(X, y, w, b)", call_pure(student, "linreg_grads", X, y, w, b))
    want_dw, want_db = rr.linreg_grads(X, y, w, b)
    compare("linreg_grads's dw", dw, want_dw,
            mistakes=[(want_dw / 8, "return the gradient of the SUM of the losses (X.T @ err); sgd divides "
                                    "by the batch size"),
                      (-want_dw, "the sign is flipped: err = X @ w + b - y, dw = X.T @ err"),
                      (want_dw.T, "dw must have the shape of w: X.T @ err, not err.T @ X")])
    db = as_array("linreg_grads's db", db)
    if db.size == 1:
        db = db.reshape(want_db.shape)
    compare("linreg_grads's db", db, want_db,
            mistakes=[(want_db / 8, "return the gradient of the SUM: err.sum(), not its mean"),
                      (-want_db, "the sign is flipped: db = sum of (X @ w + b - y)")])


@check(id="sgd.update", target="sgd", points=2)
def test_sgd(student, rng):
    params = [rng.standard_normal((3, 1)), rng.standard_normal(1)]
    grads = [rng.standard_normal((3, 1)), rng.standard_normal(1)]
    _, (after, _, _, _) = student.call("sgd", params, grads, 0.1, 4, keep_args=True)
    for i, (got, p, g) in enumerate(zip(after, params, grads)):
        if numpy.array_equal(got, p):
            fail(f"sgd did not change params[{i}]",
                 "update every parameter in place, p -= lr * g / batch_size; rebinding a name or a list "
                 "item leaves the caller's arrays unchanged")
        compare(f"sgd: params[{i}] after one step", got, p - 0.1 * g / 4,
                mistakes=[(p - 0.1 * g, "divide the step by the batch size: p -= lr * g / batch_size"),
                          (p + 0.1 * g / 4, "step against the gradient: p -= ..., not p += ...")])


# -- 2. softmax, cross-entropy, accuracy ------------------------------------------------------

@check(id="softmax.values", target="softmax", points=1)
def test_softmax(student, rng):
    X = rng.standard_normal((6, 4)) * 3
    got = as_array("softmax(X) of shape (6, 4)", call_pure(student, "softmax", X))
    if got.shape == X.shape and not numpy.allclose(got.sum(axis=1), 1):
        sums = got.sum(axis=1)
        hint = ("normalise every row: sum over axis=1 with keepdims=True, not over the columns (axis=0)"
                if numpy.allclose(got.sum(axis=0), 1) else
                "normalise every row on its own: X_exp.sum(axis=1, keepdims=True), not the sum of all entries"
                if numpy.isclose(got.sum(), 1) else None)
        fail(f"the rows of softmax(X) should sum to 1; they sum to {numpy.round(sums, 3).tolist()}", hint)
    compare("softmax(X) of shape (6, 4)", got, rr.softmax(X))


@check(id="softmax.large_scores", target="softmax", points=1)
def test_softmax_stable(student):
    X = numpy.array([[1000.0, 999.0, 0.0], [-1000.0, -999.0, -998.0]])
    got = as_array("softmax of scores around +-1000", call_pure(student, "softmax", X))
    if got.shape == X.shape and not numpy.all(numpy.isfinite(got.astype(numpy.float64))):
        fail("softmax of scores around +-1000 returned nan or inf",
             "exp overflows above ~709: subtract each row's maximum first, X - X.max(axis=1, keepdims=True)")
    compare("softmax of scores around +-1000", got, rr.softmax(X), atol=1e-12)


@check(id="cross_entropy.values", target="cross_entropy", points=1)
def test_cross_entropy(student, rng):
    y_hat = rr.softmax(rng.standard_normal((5, 4)))
    y = numpy.array([0, 3, 1, 1, 2])
    expected = rr.cross_entropy(y_hat, y)
    compare("cross_entropy(y_hat, y)", call_pure(student, "cross_entropy", y_hat, y), expected,
            mistakes=[(expected.mean(), "return one loss per example (shape (n,)); the model takes the mean"),
                      (-expected, "the loss is -log(probability of the true class): the minus sign is missing"),
                      (-numpy.log(y_hat[:, y]), "pick one entry per row: y_hat[np.arange(n), y], not y_hat[:, y]")])


@check(id="accuracy.values", target="accuracy", points=1)
def test_accuracy(student, rng):
    y = rng.integers(0, 5, size=20)
    scores = rng.standard_normal((20, 5))
    right = rng.permutation(20)[:13]
    scores[right, y[right]] = 10.0
    wrong = numpy.setdiff1d(numpy.arange(20), right)
    scores[wrong, y[wrong]] = -10.0
    got = call_pure(student, "accuracy", scores, y)
    compare("accuracy(y_hat, y) with 13 of 20 rows right", got, 0.65,
            mistakes=[(13, "return the fraction of correct rows (a mean), not their count")])
    probs = rr.softmax(scores)
    compare("accuracy on probabilities instead of scores", call_pure(student, "accuracy", probs, y), 0.65)


# -- 2-3. SoftmaxRegression and MLP -----------------------------------------------------------

MODELS = {"SoftmaxRegression": (rr.SoftmaxRegression, [(64, 10), (10,)]),
          "MLP": (rr.MLP, [(64, 16), (16,), (16, 10), (10,)])}
STALE = ("write the gradients into the arrays of self.grads in place (self.grads[0][...] = dW); "
         "replacing them leaves the lists a training loop collected with the old arrays")


def model_args(name):
    return (64, 10) if name == "SoftmaxRegression" else (64, 16, 10)


def model_with(student, rng, name):
    """A student model whose params the judge has set to known values, and the reference twin."""
    ref_class, shapes = MODELS[name]
    model = student.new(name, *model_args(name))
    params = model.get("params")
    if not isinstance(params, list) or len(params) != len(shapes):
        fail(f"{name}.params should be a list of {len(shapes)} arrays, got "
             f"{f'a list of {len(params)}' if isinstance(params, list) else type(params).__name__}")
    values = [rng.standard_normal(s) * 0.5 for s in shapes]
    for i, (p, value) in enumerate(zip(params, values)):
        p = as_array(f"{name}.params[{i}]", p)
        if p.shape != value.shape:
            fail(f"{name}.params[{i}] has shape {p.shape}, expected {value.shape}")
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
        fail(f"{name}{big}.params have shapes {[p.shape for p in params]}, expected {shapes}")
    if [g.shape for g in grads] != shapes:
        fail(f"{name}{big}.grads have shapes {[g.shape for g in grads]}, expected those of params, {shapes}")
    for i, p in enumerate(params):
        if p.ndim == 1 and p.any():
            fail(f"{name}: the bias params[{i}] should start at zero")
        if p.ndim == 2:
            std = float(p.std())
            if not 0.0095 < std < 0.0105 or abs(float(p.mean())) > 0.001:
                hint = ("sigma is the standard deviation: np.random.normal(0, sigma, shape), not sigma**2"
                        if std < 0.002 else "draw the weights with np.random.normal(0, sigma, shape)")
                fail(f"{name}: weights params[{i}] have mean {p.mean():.3g} and standard deviation {std:.3g}; "
                     "expected N(0, sigma^2) with the default sigma = 0.01", hint)
    small = student.new(name, *big[:-1], 7, sigma=0.2)
    std = float(numpy.asarray(small.get("params", 0)).std())
    if not 0.17 < std < 0.23:
        fail(f"{name}(..., sigma=0.2): the first weights have standard deviation {std:.3g}, expected 0.2",
             "use the sigma argument")


@each_model("predict")
def test_predict(student, rng, name):
    model, expected = model_with(student, rng, name)
    X, _ = digits_batch(rng)
    scores = expected.predict(X)
    mistakes = [(rr.softmax(scores), "predict returns the scores (logits); softmax belongs to the loss")]
    if name == "MLP":
        W1, b1, W2, b2 = expected.params
        mistakes.append(((X @ W1 + b1) @ W2 + b2, "the ReLU is missing: H = np.maximum(X @ W1 + b1, 0)"))
    compare(f"{name}.predict(X) (scores)", model.call("predict", X), scores, mistakes=mistakes)


@each_model("forward")
def test_forward(student, rng, name):
    model, expected = model_with(student, rng, name)
    X, y = digits_batch(rng)
    want = expected.forward(X, y)
    compare(f"{name}.forward(X, y) (the mean cross-entropy)", model.call("forward", X, y), want,
            mistakes=[(want * len(X), "the loss is the MEAN cross-entropy over the batch, not the sum")])


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
        fail(f"{name}.backward replaced the arrays of self.grads", STALE)
    grads = model.get("grads")
    wrong = relu_mask_missing(expected, X, y) if name == "MLP" else [None, None]
    for i, (got, want) in enumerate(zip(grads, expected.grads)):
        mistakes = [(numpy.zeros_like(want), STALE),
                    (want * len(X), "the loss is the mean over the batch: divide dO = softmax - one_hot by n")]
        if name == "MLP" and i < 2:
            mistakes.append((wrong[i], "the ReLU passes gradient only where its input was positive: "
                                       "dZ = (dO @ W2.T) * (Z > 0)"))
        compare(f"{name}.grads[{i}] after forward(X, y) and backward()", got, want, rtol=1e-5, atol=1e-9,
                mistakes=mistakes)


@check(id="mlp.numerical", target="MLP", points=1)
def test_mlp_numerical(student, rng, evidence, check_id):
    """backward against central differences of the submission's own forward."""
    model, _ = model_with(student, rng, "MLP")
    model_gradients_agree(model, "MLP", digits_batch(rng, n=5), [(1, "db1"), (3, "db2"), (2, "dW2")], tol=GRAD_TOL,
                          stale_hint=STALE, record=lambda label: evidence.gradient(check_id, f"MLP.{label}", GRAD_TOL))


# -- 4. polynomial features --------------------------------------------------------------------

@check(id="poly_features.values", target="poly_features", points=2)
def test_poly_features(student, rng):
    x = rng.uniform(-2, 2, 7)
    expected = rr.poly_features(x, 6)
    powers = x.reshape(-1, 1) ** numpy.arange(6)
    compare("poly_features(x of shape (7,), 6)", call_pure(student, "poly_features", x, 6), expected,
            mistakes=[(powers, "divide column i by i! (math.gamma(i + 1)): the features are x**i / i!"),
                      (x.reshape(-1, 1) ** numpy.arange(1, 7) / [math.gamma(i + 1) for i in range(1, 7)],
                       "column 0 is x**0 / 0! = 1 (the bias): use the powers 0 .. max_degree - 1"),
                      (powers / [math.gamma(i + 2) for i in range(6)],
                       "divide by i! = gamma(i + 1), not by (i + 1)!")])
    compare("poly_features(x, 20)[:, :4]", numpy.asarray(call_pure(student, "poly_features", x, 20))[:, :4],
            expected[:, :4])


# -- 5. weight decay -------------------------------------------------------------------------------

@check(id="l2_penalty.values", target="l2_penalty", points=1)
def test_l2_penalty(student, rng):
    w = rng.standard_normal((4, 3))
    want = float((w ** 2).sum() / 2)
    compare("l2_penalty(w)", call_pure(student, "l2_penalty", w), want,
            mistakes=[(2 * want, "the penalty is half the sum of squares: (w ** 2).sum() / 2"),
                      (math.sqrt(2 * want), "the penalty is the SQUARED norm (over 2), not the norm"),
                      (want / 6, "sum the squares, do not average them")])


def decayed(student, rng):
    params = [rng.standard_normal((3, 2)), rng.standard_normal(2), rng.standard_normal((2, 1)), rng.standard_normal(1)]
    grads = [rng.standard_normal(p.shape) for p in params]
    _, (params_after, grads_after, _) = student.call("apply_weight_decay", params, grads, 0.3, keep_args=True)
    for i, (p, q) in enumerate(zip(params, params_after)):
        if not numpy.array_equal(p, q):
            fail(f"apply_weight_decay changed params[{i}]; it adds to the gradients and leaves the parameters "
                 "to the optimizer")
    return params, grads, grads_after


@check(id="apply_weight_decay.weights", target="apply_weight_decay", points=1)
def test_weight_decay_weights(student, rng):
    params, grads, after = decayed(student, rng)
    for i in (0, 2):
        p, g = params[i], grads[i]
        if numpy.array_equal(after[i], g):
            fail(f"apply_weight_decay did not change the gradient of the weight params[{i}]",
                 "add to the gradient in place, g += wd * p; rebinding (g = g + ...) leaves the caller's "
                 "arrays unchanged")
        compare(f"the gradient of the weight params[{i}] after apply_weight_decay(params, grads, 0.3)",
                after[i], g + 0.3 * p,
                mistakes=[(g + 0.15 * p, "the derivative of (wd / 2) * ||w||^2 is wd * w, without the 1/2"),
                          (g + 0.6 * p, "the derivative of (wd / 2) * ||w||^2 is wd * w: no factor 2"),
                          (0.3 * p, "ADD the decay to the gradient of the loss: g += wd * p, not g[...] = wd * p"),
                          (g - 0.3 * p, "the penalty pulls toward zero: g += wd * p")])


@check(id="apply_weight_decay.biases", target="apply_weight_decay", points=1)
def test_weight_decay_biases(student, rng):
    params, grads, after = decayed(student, rng)
    for i in (1, 3):
        compare(f"the gradient of the bias params[{i}] (1-D) after apply_weight_decay", after[i], grads[i],
                rtol=0, atol=0,
                mistakes=[(grads[i] + 0.3 * params[i], "biases are not decayed: only parameters with two or "
                                                       "more axes (p.ndim >= 2) get wd * p")])


# -- 6. dropout -------------------------------------------------------------------------------------

def judge_dropout(name, X, out, p):
    """Statistical verdict on one inverted-dropout draw of a positive X."""
    out = as_array(name, out)
    if out.shape != X.shape:
        fail(f"{name} has shape {out.shape}, expected {X.shape}")
    if not numpy.all(numpy.isfinite(out)):
        fail(f"{name} contains nan or inf")
    kept = out != 0
    same_as_first = numpy.mean([numpy.array_equal(kept[0], kept[i]) for i in range(1, len(kept))])
    if same_as_first > 0.5:
        fail(f"{name}: every row dropped the same columns",
             "draw one random number per element: np.random.uniform(0, 1, X.shape)")
    rate = float(kept.mean())
    if abs(rate - (1 - p)) > 0.01:
        hint = ("keep each element with probability 1 - p: mask = np.random.uniform(0, 1, X.shape) > p"
                if abs(rate - p) < 0.01 else None)
        fail(f"{name} with p = {p}: {rate:.1%} of the elements survived, expected about {1 - p:.0%}", hint)
    ratio = out[kept] / X[kept]
    if not numpy.allclose(ratio, 1 / (1 - p), rtol=1e-6):
        hint = recognise(ratio, [(numpy.ones_like(ratio), "scale the survivors by 1 / (1 - p) so that the "
                                                           "expectation stays X (inverted dropout)"),
                                 (numpy.full_like(ratio, 1 / p), "divide by 1 - p, the keep probability, not by p"),
                                 (numpy.full_like(ratio, 1 - p), "inverted dropout scales the survivors UP, by "
                                                                 "1 / (1 - p), and leaves evaluation alone")])
        fail(f"{name} with p = {p}: the surviving elements were multiplied by {numpy.median(ratio):.4g}, "
             f"expected 1 / (1 - p) = {1 / (1 - p):.4g}", hint)
    return kept


@check(id="dropout_layer.keep_rate", target="dropout_layer", points=2)
def test_dropout_layer_keep_rate(student, rng):
    X = 1 + numpy.abs(rng.standard_normal((200, 500)))
    judge_dropout("dropout_layer(X, 0.3)", X, call_pure(student, "dropout_layer", X, 0.3), 0.3)
    judge_dropout("dropout_layer(X, 0.75)", X, call_pure(student, "dropout_layer", X, 0.75), 0.75)


@check(id="dropout_layer.expectation", target="dropout_layer", points=1)
def test_dropout_layer_expectation(student, rng):
    X = rng.uniform(0.5, 1.5, (200, 500))
    for p in (0.5, 0.8):
        out = as_array(f"dropout_layer(X, {p})", call_pure(student, "dropout_layer", X, p))
        if out.shape != X.shape:
            fail(f"dropout_layer(X, {p}) has shape {out.shape}, expected {X.shape}")
        ratio = float(out.mean() / X.mean())
        if abs(ratio - 1) > 0.03:
            kept = float((out != 0).mean())
            hint = ("keep each element with probability 1 - p (drop it with probability p): "
                    "mask = np.random.uniform(0, 1, X.shape) > p" if abs(kept - p) < 0.02 else
                    "scale the surviving elements by 1 / (1 - p)")
            fail(f"dropout_layer(X, {p}) should keep the expectation: its mean is {ratio:.3f} times the mean of X", hint)


@check(id="dropout_layer.extremes", target="dropout_layer", points=1)
def test_dropout_layer_extremes(student, rng):
    X = rng.standard_normal((4, 6))
    compare("dropout_layer(X, 0) (keeps everything)", call_pure(student, "dropout_layer", X, 0.0), X)
    zeros = as_array("dropout_layer(X, 1)", call_pure(student, "dropout_layer", X, 1.0))
    if zeros.shape == X.shape and not numpy.all(numpy.isfinite(zeros)):
        fail("dropout_layer(X, 1) returned nan or inf",
             "with p = 1 everything is dropped: return np.zeros_like(X) before dividing by 1 - p = 0")
    compare("dropout_layer(X, 1) (drops everything)", zeros, numpy.zeros_like(X))


@check(id="dropout.train", target="Dropout", points=1)
def test_dropout_train(student, rng):
    X = 1 + numpy.abs(rng.standard_normal((200, 500)))
    layer = student.new("Dropout", 0.4)
    if layer.get("params") != [] or layer.get("grads") != []:
        fail("Dropout has no parameters: params and grads are empty lists")
    judge_dropout("Dropout(0.4).forward(x, train=True)", X, layer.call("forward", X, train=True), 0.4)
    judge_dropout("Dropout(0.4).forward(x) (training is the default)", X, layer.call("forward", X), 0.4)


@check(id="dropout.eval", target="Dropout", points=1)
def test_dropout_eval(student, rng):
    X = 1 + numpy.abs(rng.standard_normal((50, 40)))
    layer = student.new("Dropout", 0.5)
    layer.call("forward", X, train=True)
    got = as_array("Dropout(0.5).forward(x, train=False)", layer.call("forward", X, train=False))
    if got.shape == X.shape and numpy.any(got == 0):
        fail("Dropout.forward(x, train=False) dropped elements",
             "in evaluation mode (train=False) the layer passes x through unchanged")
    compare("Dropout(0.5).forward(x, train=False)", got, X, rtol=0, atol=0,
            mistakes=[(X * 0.5, "x * (1 - p) at evaluation time is the non-inverted dropout of the first book; "
                                "with inverted dropout, evaluation returns x unchanged")])


@check(id="dropout.backward", target="Dropout", points=2)
def test_dropout_backward(student, rng):
    X = 1 + numpy.abs(rng.standard_normal((100, 200)))
    dout = rng.standard_normal(X.shape)
    layer = student.new("Dropout", 0.3)
    out = as_array("Dropout(0.3).forward(x)", layer.call("forward", X, train=True))
    if out.shape != X.shape:
        fail(f"Dropout.forward returned shape {out.shape}, expected {X.shape}")
    factor = out / X
    dx = as_array("Dropout.backward(dout)", layer.call("backward", dout))
    if dx.shape == X.shape and not numpy.array_equal(dx == 0, factor == 0) and numpy.mean(dx == 0) > 0.1:
        fail("Dropout.backward zeroed other elements than the forward pass dropped",
             "remember the mask (and scale) of forward and reuse it in backward; do not draw a new one")
    compare("Dropout.backward(dout) after a training forward", dx, dout * factor,
            mistakes=[(dout * (factor != 0), "the survivors were scaled by 1 / (1 - p) in forward, so their "
                                             "gradient is scaled by the same factor"),
                      (dout, "a dropped unit passes no gradient: multiply dout by the mask and scale of forward")])
    layer.call("forward", X, train=False)
    compare("Dropout.backward(dout) after an evaluation forward", layer.call("backward", dout), dout,
            mistakes=[(dout * factor, "after forward(x, train=False) nothing was dropped: backward returns dout")])


# -- 7. numerical stability ----------------------------------------------------------------------

@check(id="sigmoid_grad.values", target="sigmoid_grad", points=1)
def test_sigmoid_grad(student, rng):
    x = numpy.concatenate([rng.uniform(-8, 8, 20), [0.0, 40.0, -40.0]])
    s = 1 / (1 + numpy.exp(-x))
    compare("sigmoid_grad(x)", call_pure(student, "sigmoid_grad", x), s * (1 - s), rtol=1e-7, atol=1e-12,
            mistakes=[(x * (1 - x), "apply the sigmoid first: s = 1 / (1 + np.exp(-x)); the gradient is s * (1 - s)"),
                      (s, "that is the sigmoid itself; its derivative is s * (1 - s)")])


def variance_hint(var, fan_in, fan_out):
    """The known wrong variance closest to `var`, as a hint."""
    wrong = {2 / fan_in: "2 / fan_in is He initialisation; Xavier uses both fans, 2 / (fan_in + fan_out)",
             1 / fan_in: "1 / fan_in uses only the fan-in; Xavier's compromise is 2 / (fan_in + fan_out)",
             2 / fan_out: "Xavier's variance is 2 / (fan_in + fan_out), with both fans",
             1 / (fan_in + fan_out): "the variance is 2 / (fan_in + fan_out): the factor 2 is missing",
             2 / (3 * (fan_in + fan_out)): "the bound of U(-a, a) is a = sqrt(6 / (fan_in + fan_out)), so that "
                                           "the variance a**2 / 3 is 2 / (fan_in + fan_out)",
             (2 / (fan_in + fan_out)) ** 2: "the second argument of np.random.normal is the standard deviation: "
                                            "pass sqrt(2 / (fan_in + fan_out)), not the variance"}
    for value, hint in wrong.items():
        if abs(var / value - 1) < 0.05:
            return hint
    return None


def judge_xavier(name, W, fan_in, fan_out):
    W = as_array(name, W)
    if W.shape != (fan_in, fan_out):
        fail(f"{name} has shape {W.shape}, expected (fan_in, fan_out) = {(fan_in, fan_out)}",
             "the weight matrix maps fan_in inputs to fan_out outputs: shape (fan_in, fan_out)"
             if W.shape == (fan_out, fan_in) else None)
    target = 2 / (fan_in + fan_out)
    var = float(W.var())
    if abs(var / target - 1) > 0.05 or abs(float(W.mean())) > 0.01 * math.sqrt(target):
        fail(f"{name}: the weights have mean {W.mean():.3g} and variance {var:.4g}; expected mean 0 and "
             f"variance 2 / (fan_in + fan_out) = {target:.4g}", variance_hint(var, fan_in, fan_out))
    return W, target


@check(id="xavier_uniform.distribution", target="xavier_uniform", points=2)
def test_xavier_uniform(student):
    fan_in, fan_out = 200, 600
    W, target = judge_xavier("xavier_uniform(200, 600)", call_pure(student, "xavier_uniform", fan_in, fan_out),
                             fan_in, fan_out)
    a = math.sqrt(6 / (fan_in + fan_out))
    if numpy.abs(W).max() > a:
        fail(f"xavier_uniform(200, 600) has weights up to {numpy.abs(W).max():.4f}, beyond the bound "
             f"sqrt(6 / (fan_in + fan_out)) = {a:.4f}", "draw from np.random.uniform(-a, a, shape)")
    inner = float((numpy.abs(W) < a / 2).mean())
    if abs(inner - 0.5) > 0.02:
        fail(f"xavier_uniform: {inner:.1%} of the weights lie within a/2 of zero; a uniform distribution "
             "puts half of them there", "draw from np.random.uniform(-a, a, shape)")
    judge_xavier("xavier_uniform(500, 100)", call_pure(student, "xavier_uniform", 500, 100), 500, 100)


@check(id="xavier_normal.distribution", target="xavier_normal", points=1)
def test_xavier_normal(student):
    fan_in, fan_out = 200, 600
    W, target = judge_xavier("xavier_normal(200, 600)", call_pure(student, "xavier_normal", fan_in, fan_out),
                             fan_in, fan_out)
    tails = float((numpy.abs(W) > 2 * math.sqrt(target)).mean())
    if not 0.035 < tails < 0.056:
        fail(f"xavier_normal: {tails:.2%} of the weights lie beyond two standard deviations; a normal "
             "distribution puts about 4.6% there", "draw from np.random.normal(0, std, shape)")
