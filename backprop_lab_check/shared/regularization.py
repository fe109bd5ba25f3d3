"""What the hidden and the visible checks of the `regularization` notebook share: the hint of
each known mistake, the wrong values that recognise a mistake (as functions of the right ones,
so that no formula of the solution is written here), and the statistical verdicts on random
draws (synthetic data, minibatches, dropout, Xavier weights), which both sides apply to draws
of their own."""
import math

import numpy

from ..i18n import N_, _
from ..outcomes import StudentRaised
from ..verdicts import as_array, call_pure, compare, fail, recognise


def pair(name, value):
    """The two arrays a function returns (X and y, dw and db), or a verdict saying what came back."""
    if not isinstance(value, (tuple, list)):
        fail(_("{name} should return two arrays, got {kind}").format(name=name, kind=type(value).__name__))
    if len(value) != 2:
        fail(_("{name} should return two arrays, got a {kind} of {count}").format(
            name=name, kind=type(value).__name__, count=len(value)))
    return value


# -- synthetic_data ----------------------------------------------------------------------------

LABELS_SHAPE = N_("return one label per example: a vector (n,), or a column y.reshape((-1, 1))")
BIAS_MISSING_FROM_Y = N_("the bias b is missing from y")


def noise_hint(std):
    """The hint for label noise of standard deviation `std` instead of 0.01."""
    if std < 1e-6:
        return N_("add Gaussian noise to y: np.random.normal(0, 0.01, y.shape)")
    return N_("the noise has standard deviation 0.01: np.random.normal(0, 0.01, ...), not 0.1 or 1")


def judge_synthetic_data(result, w, b, n):
    """The verdict on `result` = synthetic_data(w, b, n): the shapes, features from N(0, 1), labels
    X w + b plus noise of standard deviation 0.01. For n = 2000 examples of two features every
    bound is 6 standard errors wide or more."""
    X, y = pair("synthetic_data(w, b, n)", result)
    X, y = as_array(_("synthetic_data's X"), X), as_array(_("synthetic_data's y"), y)
    if X.shape != (n, len(w)):
        fail(_("synthetic_data(w, b, {n}) with len(w) = {features}: X has shape {got}, expected ({n}, {features})")
             .format(n=n, features=len(w), got=X.shape))
    if y.shape not in ((n,), (n, 1)):  # the MXNet draft's labels are a vector, the PyTorch edition's a column
        fail(_("synthetic_data(w, b, {n}): y has shape {got}, expected ({n},) or a column ({n}, 1)").format(
            n=n, got=y.shape), LABELS_SHAPE if y.size == n else None)
    if abs(X.mean()) > 0.1 or not 0.9 < X.std() < 1.1:
        fail(_("the features should come from N(0, 1); they have mean {mean:.3f} and std {std:.3f}").format(
            mean=X.mean(), std=X.std()))
    noise = y.reshape(-1) - (X @ w + b)
    if abs(noise.mean()) > 0.003:
        fail(_("y - (X w + b) should be zero-mean noise; its mean is {mean:.3f}").format(mean=noise.mean()),
             BIAS_MISSING_FROM_Y if abs(noise.mean() + b) < 0.05 else None)
    std = float(noise.std())
    if not 0.008 < std < 0.012:
        fail(_("y - (X w + b) should be noise with standard deviation 0.01; it has {std:.3g}").format(std=std),
             noise_hint(std))


# -- data_iter ---------------------------------------------------------------------------------

SHUFFLED_APART = N_("shuffle features and labels with the same indices: features[batch], labels[batch]")
LAST_BATCH_DROPPED = N_("the last batch may be smaller: for i in range(0, num_examples, batch_size)")
NOT_ONE_PASS = N_("shuffle the indices once with np.random.permutation and slice them")
NOT_SHUFFLED = N_("indices = np.random.permutation(num_examples)")
MAX_BATCHES = 100


def batches_of(target, batch_size, features, labels):
    """The batches of one pass of the submission's data_iter(batch_size, features, labels): a list
    it returned, or what its generator (or other iterable, a handle on an object of the
    submission) yields."""
    result = target.call("data_iter", batch_size, features, labels)
    if isinstance(result, list):
        return result
    if not hasattr(result, "call"):
        fail(_("data_iter should be a generator of (X, y) batches, got {kind}").format(kind=type(result).__name__))
    iterator = result.call("__iter__")
    if not hasattr(iterator, "call"):
        fail(_("data_iter should be a generator of (X, y) batches"))
    batches = []
    while len(batches) < MAX_BATCHES:
        try:
            batches.append(iterator.call("__next__"))
        except StudentRaised as exc:
            if exc.type_name == "StopIteration":
                return batches
            raise
    fail(_("data_iter yielded more than {count} batches for {n} examples").format(count=MAX_BATCHES, n=len(features)))


def numbered_examples(n):
    """n examples whose label is their number i and whose features are (2 i, -i): a batch shows
    which examples it holds, and whether their labels still belong to them."""
    features = numpy.stack([2.0 * numpy.arange(n), -numpy.arange(n, dtype=numpy.float64)], axis=1)
    return features, numpy.arange(n, dtype=numpy.float64).reshape(n, 1)


def judge_batches(batches, n, batch_size):
    """The verdict on one pass of data_iter(batch_size, *numbered_examples(n))."""
    sizes = []
    for k, batch in enumerate(batches):
        X, y = pair(_("data_iter's batch {k}").format(k=k), batch)
        X = as_array(_("data_iter batch {k}'s X").format(k=k), X)
        y = as_array(_("data_iter batch {k}'s y").format(k=k), y)
        if X.ndim != 2 or X.shape[1] != 2 or y.shape != (len(X), 1):
            fail(_("batch {k} has X of shape {x_shape} and y of shape {y_shape}; expected rows of features "
                   "(b, 2) and of labels (b, 1)").format(k=k, x_shape=X.shape, y_shape=y.shape))
        if not numpy.array_equal(X[:, 0] / 2, y[:, 0]):
            fail(_("in batch {k} the labels no longer belong to their features").format(k=k), SHUFFLED_APART)
        sizes.append(len(X))
    full, rest = divmod(n, batch_size)
    if rest and sizes == [batch_size] * full:
        fail(_("{n} examples in batches of {batch_size} gave {full} batches; the last {rest} examples are missing")
             .format(n=n, batch_size=batch_size, full=full, rest=rest), LAST_BATCH_DROPPED)
    expected = [batch_size] * full + ([rest] if rest else [])
    if sizes != expected:
        fail(_("{n} examples in batches of {batch_size} should come as sizes {expected}, got {sizes}").format(
            n=n, batch_size=batch_size, expected=expected, sizes=sizes))
    order = numpy.concatenate([numpy.asarray(b[1])[:, 0] for b in batches])
    if sorted(order.tolist()) != list(range(n)):
        fail(_("one pass of data_iter should visit every example exactly once"), NOT_ONE_PASS)
    if numpy.array_equal(order, numpy.arange(n)):
        fail(_("data_iter returned the examples in their original order; it should shuffle them"), NOT_SHUFFLED)


# -- linreg, squared_loss, linreg_grads, sgd --------------------------------------------------

LINREG_BIAS_MISSING = N_("the bias b is missing: X @ w + b")


def squared_loss_mistakes(y_hat, y, expected):
    """Known wrong results of squared_loss(y_hat, y) for y_hat of shape (n, 1) and a 1-D y."""
    n = len(y)
    return [(expected * 2, N_("the loss is (y_hat - y)**2 / 2: the 1/2 is missing")),
            ((y_hat - y) ** 2 / 2, _("y of shape ({n},) broadcasts against y_hat ({n}, 1) to ({n}, {n}): "
                                     "reshape it first, y.reshape(y_hat.shape)").format(n=n)),
            ((y_hat - y) ** 2, N_("reshape y to y_hat's shape, and divide by 2")),
            (expected.mean(), N_("return one loss per example (shaped like y_hat), not their mean"))]


def linreg_grads_mistakes(dw, db, n):
    """(the known wrong dw, the known wrong db) for the right dw and db of a batch of n examples."""
    return ([(dw / n, N_("return the gradient of the SUM of the losses (X.T @ err); sgd divides by the batch size")),
             (-dw, N_("the sign is flipped: err = X @ w + b - y, dw = X.T @ err")),
             (dw.T, N_("dw must have the shape of w: X.T @ err, not err.T @ X"))],
            [(db / n, N_("return the gradient of the SUM: err.sum(), not its mean")),
             (-db, N_("the sign is flipped: db = sum of (X @ w + b - y)"))])


SGD_NOT_IN_PLACE = N_("update every parameter in place, p -= lr * g / batch_size; rebinding a name or a list "
                      "item leaves the caller's arrays unchanged")


def sgd_mistakes(p, g, lr, batch_size):
    """Known wrong values of the parameter p after one sgd step with gradient g."""
    return [(p - lr * g, N_("divide the step by the batch size: p -= lr * g / batch_size")),
            (p + lr * g / batch_size, N_("step against the gradient: p -= ..., not p += ..."))]


# -- softmax, cross_entropy, accuracy ---------------------------------------------------------

SOFTMAX_OVERFLOWS = N_("exp overflows above ~709: subtract each row's maximum first, X - X.max(axis=1, keepdims=True)")


def rows_hint(probabilities):
    """Why the rows of a softmax do not sum to 1, when it normalised something else instead."""
    if numpy.allclose(probabilities.sum(axis=0), 1):
        return N_("normalise every row: sum over axis=1 with keepdims=True, not over the columns (axis=0)")
    if numpy.isclose(probabilities.sum(), 1):
        return N_("normalise every row on its own: X_exp.sum(axis=1, keepdims=True), not the sum of all entries")
    return None


def cross_entropy_mistakes(y_hat, y, expected):
    return [(expected.mean(), N_("return one loss per example (shape (n,)); the model takes the mean")),
            (-expected, N_("the loss is -log(probability of the true class): the minus sign is missing")),
            (-numpy.log(y_hat[:, y]), N_("pick one entry per row: y_hat[np.arange(n), y], not y_hat[:, y]"))]


ACCURACY_COUNTS = N_("return the fraction of correct rows (a mean), not their count")


# -- SoftmaxRegression and MLP ----------------------------------------------------------------

STALE = N_("write the gradients into the arrays of self.grads in place (self.grads[0][...] = dW); "
           "replacing them leaves the lists a training loop collected with the old arrays")
PREDICT_PROBABILITIES = N_("predict returns the scores (logits); softmax belongs to the loss")
PREDICT_WITHOUT_RELU = N_("the ReLU is missing: H = np.maximum(X @ W1 + b1, 0)")
SUMMED_LOSS = N_("the loss is the MEAN cross-entropy over the batch, not the sum")
SUMMED_GRADIENT = N_("the loss is the mean over the batch: divide dO = softmax - one_hot by n")
RELU_MASK_MISSING = N_("the ReLU passes gradient only where its input was positive: "
                       "dZ = (dO @ W2.T) * (Z > 0)")
SIGMA_UNUSED = N_("use the sigma argument")


def init_std_hint(std):
    """The hint for initial weights of standard deviation `std` instead of the default 0.01."""
    if std < 0.002:
        return N_("sigma is the standard deviation: np.random.normal(0, sigma, shape), not sigma**2")
    return N_("draw the weights with np.random.normal(0, sigma, shape)")


# -- poly_features, l2_penalty, apply_weight_decay --------------------------------------------

def poly_features_mistakes(x, max_degree):
    """Known wrong results of poly_features(x, max_degree) for a 1-D x."""
    powers = x.reshape(-1, 1) ** numpy.arange(max_degree)
    shifted = numpy.arange(1, max_degree + 1)
    return [(powers, N_("divide column i by i! (math.gamma(i + 1)): the features are x**i / i!")),
            (x.reshape(-1, 1) ** shifted / [math.gamma(i + 1) for i in shifted],
             N_("column 0 is x**0 / 0! = 1 (the bias): use the powers 0 .. max_degree - 1")),
            (powers / [math.gamma(i + 2) for i in range(max_degree)],
             N_("divide by i! = gamma(i + 1), not by (i + 1)!"))]


def l2_penalty_mistakes(penalty, size):
    """Known wrong results for the right `penalty` of a w with `size` elements."""
    return [(2 * penalty, N_("the penalty is half the sum of squares: (w ** 2).sum() / 2")),
            (math.sqrt(2 * penalty), N_("the penalty is the SQUARED norm (over 2), not the norm")),
            (penalty / size, N_("sum the squares, do not average them"))]


def decay(target, params, grads, wd):
    """The gradients after the submission's apply_weight_decay(params, grads, wd), which must leave
    the parameters to the optimizer."""
    params_after, grads_after = target.call("apply_weight_decay", params, grads, wd, keep_args=True)[1][:2]
    for i, (p, q) in enumerate(zip(params, params_after)):
        if not numpy.array_equal(p, q):
            fail(_("apply_weight_decay changed params[{i}]; it adds to the gradients and leaves the parameters "
                   "to the optimizer").format(i=i))
    return grads_after


DECAY_NOT_IN_PLACE = N_("add to the gradient in place, g += wd * p; rebinding (g = g + ...) leaves the caller's "
                        "arrays unchanged")
BIASES_DECAYED = N_("biases are not decayed: only parameters with two or more axes (p.ndim >= 2) get wd * p")


def weight_decay_mistakes(p, g, wd):
    """Known wrong gradients of the weight p (gradient g) after apply_weight_decay(..., wd)."""
    return [(g + wd / 2 * p, N_("the derivative of (wd / 2) * ||w||^2 is wd * w, without the 1/2")),
            (g + 2 * wd * p, N_("the derivative of (wd / 2) * ||w||^2 is wd * w: no factor 2")),
            (wd * p, N_("ADD the decay to the gradient of the loss: g += wd * p, not g[...] = wd * p")),
            (g - wd * p, N_("the penalty pulls toward zero: g += wd * p"))]


# -- dropout_layer and Dropout ----------------------------------------------------------------

SAME_MASK_EVERY_ROW = N_("draw one random number per element: np.random.uniform(0, 1, X.shape)")
KEPT_WITH_P = N_("keep each element with probability 1 - p: mask = np.random.uniform(0, 1, X.shape) > p")
MEAN_KEPT_WITH_P = N_("keep each element with probability 1 - p (drop it with probability p): "
                      "mask = np.random.uniform(0, 1, X.shape) > p")
MEAN_NOT_SCALED = N_("scale the surviving elements by 1 / (1 - p)")
DROP_ALL_DIVIDES_BY_ZERO = N_("with p = 1 everything is dropped: return np.zeros_like(X) before dividing by 1 - p = 0")
NO_PARAMETERS = N_("Dropout has no parameters: params and grads are empty lists")
ACTIVE_AT_EVALUATION = N_("in evaluation mode (train=False) the layer passes x through unchanged")
NOT_INVERTED_AT_EVALUATION = N_("x * (1 - p) at evaluation time is the non-inverted dropout of the first book; "
                                "with inverted dropout, evaluation returns x unchanged")
NEW_MASK_IN_BACKWARD = N_("remember the mask (and scale) of forward and reuse it in backward; do not draw a new one")
BACKWARD_UNSCALED = N_("the survivors were scaled by 1 / (1 - p) in forward, so their "
                       "gradient is scaled by the same factor")
BACKWARD_UNMASKED = N_("a dropped unit passes no gradient: multiply dout by the mask and scale of forward")
BACKWARD_AFTER_EVALUATION = N_("after forward(x, train=False) nothing was dropped: backward returns dout")


def scale_mistakes(ratio, p):
    """Known wrong factors the survivors of a dropout with probability p were multiplied by
    (`ratio`: the output over the input, where kept)."""
    return [(numpy.ones_like(ratio), N_("scale the survivors by 1 / (1 - p) so that the expectation stays X "
                                        "(inverted dropout)")),
            (numpy.full_like(ratio, 1 / p), N_("divide by 1 - p, the keep probability, not by p")),
            (numpy.full_like(ratio, 1 - p), N_("inverted dropout scales the survivors UP, by 1 / (1 - p), and leaves "
                                               "evaluation alone"))]


def judge_dropout_eval(target, X, judge):
    """The verdict on Dropout(0.5).forward(X, train=False) built by `target`, after a training
    forward: nothing dropped, nothing scaled (inverted dropout scales at training time)."""
    layer = target.new("Dropout", 0.5)
    layer.call("forward", X, train=True)
    got = as_array("Dropout(0.5).forward(x, train=False)", layer.call("forward", X, train=False))
    if got.shape == X.shape and numpy.any(got == 0):
        fail(_("Dropout(0.5).forward(x, train=False) dropped elements"), ACTIVE_AT_EVALUATION)
    judge("Dropout(0.5).forward(x, train=False)", got, X, rtol=0, atol=0,
          mistakes=[(X * 0.5, NOT_INVERTED_AT_EVALUATION)])


def judge_dropout_backward(target, X, dout, judge):
    """The verdict on Dropout(0.3).backward built by `target` (the student's kernel or the
    submission in the worker): after a training forward of the positive X, it reuses forward's
    mask and scale (which out / X shows); after an evaluation forward it passes dout through.
    `judge` compares a result with the expected one (verdicts.compare or checks.common.expect)."""
    layer = target.new("Dropout", 0.3)
    out = as_array("Dropout(0.3).forward(x)", layer.call("forward", X, train=True))
    if out.shape != X.shape:
        fail(_("{name} has shape {got}, expected {expected}").format(name="Dropout(0.3).forward(x)", got=out.shape,
                                                                    expected=X.shape))
    factor = out / X
    dx = as_array("Dropout.backward(dout)", layer.call("backward", dout))
    if dx.shape == X.shape and not numpy.array_equal(dx == 0, factor == 0) and numpy.mean(dx == 0) > 0.1:
        fail(_("Dropout.backward zeroed other elements than the forward pass dropped"), NEW_MASK_IN_BACKWARD)
    judge(_("Dropout.backward(dout) after a training forward"), dx, dout * factor,
          mistakes=[(dout * (factor != 0), BACKWARD_UNSCALED), (dout, BACKWARD_UNMASKED)])
    layer.call("forward", X, train=False)
    judge(_("Dropout.backward(dout) after an evaluation forward"), layer.call("backward", dout), dout,
          mistakes=[(dout * factor, BACKWARD_AFTER_EVALUATION)])


def judge_dropout(name, X, out, p, rate_tolerance=0.01):
    """The verdict on one inverted-dropout draw `out` of a positive X (several rows): the share of
    survivors within `rate_tolerance` of 1 - p (0.01 is 6.5 standard errors or more for 100000
    elements; fewer need more), each scaled by 1 / (1 - p). Returns the mask of survivors."""
    out = as_array(name, out)
    if out.shape != X.shape:
        fail(_("{name} has shape {got}, expected {expected}").format(name=name, got=out.shape, expected=X.shape))
    if not numpy.all(numpy.isfinite(out)):
        fail(_("{name} contains nan or inf").format(name=name))
    kept = out != 0
    same_as_first = numpy.mean([numpy.array_equal(kept[0], kept[i]) for i in range(1, len(kept))])
    if same_as_first > 0.5:
        fail(_("{name}: every row dropped the same columns").format(name=name), SAME_MASK_EVERY_ROW)
    rate = float(kept.mean())
    if abs(rate - (1 - p)) > rate_tolerance:
        fail(_("{name} with p = {p}: {rate:.1%} of the elements survived, expected about {keep:.0%}").format(
            name=name, p=p, rate=rate, keep=1 - p), KEPT_WITH_P if abs(rate - p) < rate_tolerance else None)
    ratio = out[kept] / X[kept]
    if not numpy.allclose(ratio, 1 / (1 - p), rtol=1e-6):
        fail(_("{name} with p = {p}: the surviving elements were multiplied by {factor:.4g}, "
               "expected 1 / (1 - p) = {expected:.4g}").format(name=name, p=p, factor=numpy.median(ratio),
                                                              expected=1 / (1 - p)),
             recognise(ratio, scale_mistakes(ratio, p)))
    return kept


# -- distinct_units (symmetry) -----------------------------------------------------------------------

UNITS_ARE_COLUMNS = N_("a hidden unit is a column of W (its weights from every input) with its bias: compare "
                       "columns, not rows")
UNITS_HAVE_BIASES = N_("a unit's bias is part of it: units with equal weights but different biases compute "
                       "different things")
UNITS_WITHIN_TOL = N_("units whose numbers differ by at most tol are the same unit (rounding makes exact copies "
                      "differ in the last digits): compare np.abs(u - v).max() <= tol, not u == v")


def hidden_layers(rng):
    """(label, W, b, tol, count, mistakes): hidden layers whose number of distinct units is
    known by construction (copies of a few random columns), with the counts known mistakes give."""
    weights, biases = rng.standard_normal((6, 4)), rng.standard_normal(4)
    copies = [0, 1, 0, 2, 1, 0, 3]                       # 7 units, 4 different ones; 6 different rows
    near = 1e-9 * rng.standard_normal((7, 7))             # far below the default tol
    drift = 0.01 * numpy.arange(5)                        # 5 units, neighbours 0.01 apart, all within 0.1
    return [
        (_("7 units, copies of 4"), weights[:, copies], biases[copies], 1e-6, 4, [(6, UNITS_ARE_COLUMNS)]),
        (_("6 units, all equal"), numpy.full((6, 6), 0.05), numpy.zeros(6), 1e-6, 1, []),
        (_("4 units, 2 weight columns with 3 different biases"), weights[:, [0, 0, 1, 1]],
         numpy.array([0.1, -0.2, 0.3, 0.3]), 1e-6, 3, [(2, UNITS_HAVE_BIASES)]),
        (_("7 units, copies of 4 up to rounding (1e-9)"), weights[:, copies] + near[:6], biases[copies] + near[6],
         1e-6, 4, [(7, UNITS_WITHIN_TOL), (6, UNITS_ARE_COLUMNS)]),
        (_("5 units 0.01 apart, tol=0.1"), weights[:, [0] * 5] + drift, biases[[0] * 5] + drift, 0.1, 1,
         [(5, UNITS_WITHIN_TOL)]),
    ]


def judge_distinct_units(target, rng, judge=compare):
    for label, W, b, tol, count, mistakes in hidden_layers(rng):
        got = call_pure(target, "distinct_units", W, b, tol=tol)
        judge(_("distinct_units of {layer} (W {w_shape}, b {b_shape}, tol={tol:g})").format(
            layer=label, w_shape=W.shape, b_shape=b.shape, tol=tol), as_array("distinct_units", got),
              count, rtol=0, atol=0, mistakes=mistakes)


# -- sigmoid_grad, xavier_uniform, xavier_normal ----------------------------------------------

def sigmoid_grad_mistakes(x, s):
    """Known wrong results of sigmoid_grad(x), where s is the sigmoid of x."""
    return [(x * (1 - x), N_("apply the sigmoid first: s = 1 / (1 + np.exp(-x)); the gradient is s * (1 - s)")),
            (s, N_("that is the sigmoid itself; its derivative is s * (1 - s)"))]


TRANSPOSED_WEIGHTS = N_("the weight matrix maps fan_in inputs to fan_out outputs: shape (fan_in, fan_out)")
NOT_UNIFORM = N_("draw from np.random.uniform(-a, a, shape)")
NOT_NORMAL = N_("draw from np.random.normal(0, std, shape)")


def variance_hint(var, fan_in, fan_out):
    """The known wrong variance closest to `var`, as a hint."""
    wrong = {2 / fan_in: N_("2 / fan_in is He initialisation; Xavier uses both fans, 2 / (fan_in + fan_out)"),
             1 / fan_in: N_("1 / fan_in uses only the fan-in; Xavier's compromise is 2 / (fan_in + fan_out)"),
             2 / fan_out: N_("Xavier's variance is 2 / (fan_in + fan_out), with both fans"),
             1 / (fan_in + fan_out): N_("the variance is 2 / (fan_in + fan_out): the factor 2 is missing"),
             2 / (3 * (fan_in + fan_out)): N_("the bound of U(-a, a) is a = sqrt(6 / (fan_in + fan_out)), so that "
                                              "the variance a**2 / 3 is 2 / (fan_in + fan_out)"),
             (2 / (fan_in + fan_out)) ** 2: N_("the second argument of np.random.normal is the standard deviation: "
                                               "pass sqrt(2 / (fan_in + fan_out)), not the variance")}
    for value, hint in wrong.items():
        if abs(var / value - 1) < 0.05:
            return hint
    return None


def judge_xavier(name, W, fan_in, fan_out, mean_bound=0.01):
    """The verdict on Xavier weights W: the shape (fan_in, fan_out), mean 0 and variance
    2 / (fan_in + fan_out) within 5%. `mean_bound` is the largest |mean| accepted, in standard
    deviations of the weights: 0.01 is 3.5 standard errors for 120000 weights, narrow enough only
    for the grader's seeded draws; a submission may draw from a generator of its own, which the
    visible checks cannot seed. Returns (W, the variance)."""
    W = as_array(name, W)
    if W.shape != (fan_in, fan_out):
        fail(_("{name} has shape {got}, expected (fan_in, fan_out) = {expected}").format(
            name=name, got=W.shape, expected=(fan_in, fan_out)),
             TRANSPOSED_WEIGHTS if W.shape == (fan_out, fan_in) else None)
    target = 2 / (fan_in + fan_out)
    var = float(W.var())
    if abs(var / target - 1) > 0.05 or abs(float(W.mean())) > mean_bound * math.sqrt(target):
        fail(_("{name}: the weights have mean {mean:.3g} and variance {var:.4g}; expected mean 0 and "
               "variance 2 / (fan_in + fan_out) = {expected:.4g}").format(name=name, mean=W.mean(), var=var,
                                                                          expected=target),
             variance_hint(var, fan_in, fan_out))
    return W, target


def judge_uniform(name, W, fan_in, fan_out):
    """Weights from U(-a, a), a = sqrt(6 / (fan_in + fan_out)): none beyond a, half within a / 2
    (to 0.02: 7 standard errors for 30000 weights)."""
    a = math.sqrt(6 / (fan_in + fan_out))
    if numpy.abs(W).max() > a:
        fail(_("{name} has weights up to {largest:.4f}, beyond the bound sqrt(6 / (fan_in + fan_out)) = {bound:.4f}")
             .format(name=name, largest=numpy.abs(W).max(), bound=a), NOT_UNIFORM)
    inner = float((numpy.abs(W) < a / 2).mean())
    if abs(inner - 0.5) > 0.02:
        fail(_("xavier_uniform: {inner:.1%} of the weights lie within a/2 of zero; a uniform distribution "
               "puts half of them there").format(inner=inner), NOT_UNIFORM)


def judge_normal_tails(W, variance):
    """Weights from N(0, variance): about 4.6% beyond two standard deviations (each bound is 8.7
    standard errors away for 30000 weights)."""
    tails = float((numpy.abs(W) > 2 * math.sqrt(variance)).mean())
    if not 0.035 < tails < 0.056:
        fail(_("xavier_normal: {tails:.2%} of the weights lie beyond two standard deviations; a normal "
               "distribution puts about 4.6% there").format(tails=tails), NOT_NORMAL)
