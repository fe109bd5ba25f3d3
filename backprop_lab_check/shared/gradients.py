"""What the `gradients` checks say, visible and hidden alike: the hints for known mistakes, the
wrong values that identify them, the book's examples, and the verdicts both give on the same
evidence. The hidden checks (grader/checks/test_gradients.py) and the visible ones
(checks/gradients.py) import them from here, so a hint reads the same in the notebook and in
the report; the judge never imports the visible checks themselves."""
import numpy

from ..gradcheck import normalised_error
from ..i18n import N_, _
from ..tolerances import GRAD_TOL
from ..verdicts import REFERENCE, CheckFailed, as_array, compare, fail

H = 1e-4
KEYS = ("W1", "b1", "W2", "b2")
LOSS_RTOL = 1e-4  # loose enough that only the log-of-zero check cares whether 1e-7 is inside the log


def raised(exc, message, hint):
    """A verdict for code that raised on an input it should accept (a stub stays an error)."""
    if exc.type_name == "NotImplementedError":
        raise exc
    fail(f"{message}: {exc.sentence()}", hint)


# -- loss functions --------------------------------------------------------------------------------

# The book's example: ten classes, the correct one is 2, which the network finds most likely.
BOOK_T = numpy.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
BOOK_Y = numpy.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])

MEAN = N_("for a batch the cross entropy is the MEAN: divide by the batch size")
SUMMED = N_("the loss is batch_size times too large: cross_entropy_error must be the MEAN over the batch "
            "(divide by batch_size)")
LABELS = N_("t may hold labels (N,): pick every sample's probability with y[np.arange(N), t]")
LOG_ZERO = N_("log(0) = -inf: add a tiny delta inside the log, np.log(y + 1e-7)")
# The two kinds of targets a loss accepts, named in a check's label ("... with labels").
ONE_HOT_TARGETS = N_("one-hot targets")
LABEL_TARGETS = N_("labels")


def sse_mistakes(y, t):
    sq = numpy.sum((y - t) ** 2)
    return [(sq, N_("the factor 1/2 is missing: E = 0.5 * sum((y - t)**2)")),
            (0.5 * numpy.mean((y - t) ** 2), N_("sum over all entries; this loss is not a mean")),
            (numpy.sqrt(sq), N_("E = 0.5 * sum((y - t)**2), no square root")),
            (0.5 * numpy.sum(y - t ** 2), N_("operator precedence: y - t ** 2 squares only t; "
                                             "write 0.5 * np.sum((y - t) ** 2)"))]


def ce_mistakes(y, labels):
    picked = y[numpy.arange(len(labels)), labels]
    n = len(labels)
    return [(-numpy.sum(numpy.log(picked + 1e-7)), MEAN),
            (numpy.sum(numpy.log(picked + 1e-7)) / n, N_("the minus sign is missing: E = -sum(t * log(y))"))]


def delta_mistakes(y, labels):
    """The cross entropy of (y, labels) with another delta inside the log than 1e-7."""
    picked = y[numpy.arange(len(labels)), labels]
    return [(-numpy.sum(numpy.log(picked + d)) / len(labels),
             _("use delta = 1e-7 inside the log, not {delta:g}").format(delta=d))
            for d in (1e-8, 1e-10, 1e-12, 1e-15, 1e-6)]


# -- numerical differentiation --------------------------------------------------------------------

def numerical_diff_mistakes(f, x, h=H):
    return [((f(x + h) - f(x)) / h, N_("that is the forward difference (f(x+h) - f(x)) / h: use the "
                                       "central difference (f(x+h) - f(x-h)) / (2*h)")),
            ((f(x) - f(x - h)) / h, N_("use the central difference (f(x+h) - f(x-h)) / (2*h)")),
            ((f(x + h) - f(x - h)) / h, N_("divide by 2*h: (f(x+h) - f(x-h)) / (2*h)")),
            (0.0, N_("h is so small that x + h == x in floating point: use h = 1e-4"))]


CHAIN_INNER = N_("dz/dt = 2t is taken at t = x + y, the inner node's output: 2 * (x + y), not 2 * {variable}")
CHAIN_FACTOR_2 = N_("the local derivative of the outer node is d(t**2)/dt = 2t: the factor 2 is missing")
CHAIN_Z = N_("that is z itself; the derivative is the product of the local derivatives, dz/dt * dt/dx = 2t * 1")


def judge_chain_rule(result, x, y, expected, label, judge=compare):
    """chain_rule(x, y)'s (z, dz_dx, dz_dy) judged against `expected`, the same three values."""
    if isinstance(result, (tuple, list)) and len(result) != 3:
        fail(_("{label} should return three values (z, dz_dx, dz_dy), got a {kind} of {count}").format(
            label=label, kind=type(result).__name__, count=len(result)))
    if not isinstance(result, (tuple, list)):
        fail(_("{label} should return three values (z, dz_dx, dz_dy), got {kind}").format(
            label=label, kind=type(result).__name__))
    t = x + y
    part = _("{label}'s {name}").format
    z, dz_dx, dz_dy = (as_array(part(label=label, name=name), value)
                       for name, value in zip(("z", "dz_dx", "dz_dy"), result))
    judge(part(label=label, name="z"), z, expected[0], mistakes=[(t, N_("z = t**2: square the sum t = x + y"))])
    for name, got, want, letter, alone in (("dz_dx", dz_dx, expected[1], "x", x), ("dz_dy", dz_dy, expected[2], "y", y)):
        judge(part(label=label, name=name), got, want,
              mistakes=[(2 * alone, _(CHAIN_INNER).format(variable=letter)), (t, CHAIN_FACTOR_2), (t ** 2, CHAIN_Z)])


def numerical_gradient_mistakes(f, x, h=H):
    forward = numpy.zeros(x.shape)
    for idx in numpy.ndindex(x.shape):
        shifted = x.copy()
        shifted[idx] += h
        forward[idx] = (f(shifted) - f(x)) / h
    return [(forward, N_("that is the forward difference (f(x+h) - f(x)) / h: use (f(x+h) - f(x-h)) / (2*h)")),
            (numpy.zeros(x.shape), N_("the gradient is all zeros: is h too small (use 1e-4), or is f evaluated "
                                      "at an unchanged array?"))]


def not_restored(f, x, h=H):
    """The gradient of `f` by a loop that leaves every element at x - h."""
    x = x.copy()
    grad = numpy.zeros(x.shape)
    for idx in numpy.ndindex(x.shape):
        tmp = x[idx]
        x[idx] = tmp + h
        plus = f(x)
        x[idx] = tmp - h
        grad[idx] = (plus - f(x)) / (2 * h)
    return grad


ANY_SHAPE = N_("iterate over every position of an array of any shape, e.g. it = np.nditer(x, flags=['multi_index']) "
               "and idx = it.multi_index, and return an array of x's shape")
RESTORE = N_("restore every element after its two evaluations (x[idx] = tmp_val): an element left at x - h "
             "changes the derivatives of the elements after it, and the caller's array")
IN_PLACE_X = N_("numerical_gradient must change x itself (x[idx] = tmp_val + h), not a copy: f often reads the array "
                "through a model, as lambda W: net.loss(x, t) does, rather than through its argument")
IN_PLACE = N_("numerical_gradient(f, x) must change x itself (x[idx] = tmp_val + h) and call f(x), not work "
              "on a copy: f = lambda W: self.loss(x, t) ignores its argument and reads the network's own array")


# -- gradient descent ---------------------------------------------------------------------------

START = numpy.array([-3.0, 4.0])
UPHILL = N_("the point moved uphill: step AGAINST the gradient, x -= lr * grad")
NEARLY = N_("the end point is close to the expected one but not equal: gradient_descent uses your numerical_gradient, "
            "which must pass its own checks (central difference, h = 1e-4, every element restored)")
# On function_2 every step multiplies x by (1 - 2 lr): where 100 steps with lr=0.1 from START end, and
# where known mistakes end instead.
BOOK_DESCENT_END = 0.8 ** 100 * START
BOOK_DESCENT_MISTAKES = [(1.2 ** 100 * START, UPHILL),
                         (0.8 * START, N_("only one step was taken: repeat the update step_num times")),
                         (START, N_("x never changed: update it with x -= lr * grad (or x = x - lr * grad) "
                                    "and return it"))]
DEFAULT_DESCENT_END = 0.98 ** 100 * START
DEFAULT_DESCENT_MISTAKES = [(0.8 ** 100 * START, N_("the default learning rate is lr=0.01")),
                            (0.98 ** 1000 * START, N_("the default number of steps is step_num=100"))]


def moved_uphill(name, got):
    """Fail when gradient descent on function_2 from START ended farther from the minimum (0, 0)."""
    if got.shape == START.shape and numpy.linalg.norm(got) > numpy.linalg.norm(START):
        fail(_("{name} ended at {end}, farther from the minimum (0, 0) than it started").format(name=name, end=got),
             UPHILL)


def compare_descent(name, got, expected, mistakes=(), against=REFERENCE, **tolerance):
    """compare(), with a hint for an end point that is off by a little (a numerical_gradient slightly wrong)."""
    if isinstance(got, tuple):
        fail(_("{name} returned a tuple of {count} values, expected the end point x alone").format(
            name=name, count=len(got)),
             N_("return only x (the book's version that also records the path returns (x, np.array(x_history)); "
                "this notebook's gradient_descent returns x)"))
    try:
        compare(name, got, expected, mistakes=mistakes, against=against, **tolerance)
    except CheckFailed as exc:
        got, expected = numpy.asarray(got, dtype=numpy.float64), numpy.asarray(expected, dtype=numpy.float64)
        if (exc.hint is None and got.shape == expected.shape and numpy.all(numpy.isfinite(got))
                and numpy.max(numpy.abs(got - expected)) < 1e-2 * max(1.0, float(numpy.max(numpy.abs(expected))))):
            raise CheckFailed(exc.message, NEARLY) from None
        raise


# -- simpleNet ---------------------------------------------------------------------------------------

SCORES = N_("predict returns the scores x @ W; softmax belongs to loss")
RESTORE_W = N_("numerical_gradient must restore each element it perturbs")
NO_SOFTMAX = N_("apply softmax to the scores before cross_entropy_error: the log of a negative score is nan")


# -- TwoLayerNet ------------------------------------------------------------------------------------

def initial_params(params, std=None):
    """Fail unless `params` (of TwoLayerNet(60, 40, 10) or (60, 40, 10, std)) holds the four arrays,
    weights of standard deviation `std` (0.01 by default) and zero biases."""
    if not isinstance(params, dict) or sorted(params) != sorted(KEYS):
        fail(_("TwoLayerNet.params should be a dict with the keys W1, b1, W2, b2"))
    want_std = 0.01 if std is None else std
    for key, shape in [("W1", (60, 40)), ("b1", (40,)), ("W2", (40, 10)), ("b2", (10,))]:
        value = as_array(f"params['{key}']", params[key])
        if value.shape != shape:
            fail(_("params['{key}'] has shape {got}, expected {expected}").format(
                key=key, got=value.shape, expected=shape))
        if key.startswith("b"):
            if numpy.any(value != 0):
                fail(_("params['{key}'] should start at zero").format(key=key))
            continue
        got_std = float(value.std())
        if not 0.8 * want_std < got_std < 1.2 * want_std:
            spread = (_("with the default weight_init_std=0.01, params['{key}'] has standard deviation {std:.3g}")
                      if std is None else
                      _("with weight_init_std={setting}, params['{key}'] has standard deviation {std:.3g}"))
            fail(spread.format(key=key, std=got_std, setting=std),
                 N_("initialise the weights with weight_init_std * np.random.randn(rows, columns)"))


def param_shapes(params, sizes):
    """Fail unless `params`, of TwoLayerNet(*sizes), is a dict of the four arrays in their shapes;
    the shapes by key."""
    shapes = {"W1": tuple(sizes[:2]), "b1": tuple(sizes[1:2]), "W2": tuple(sizes[1:]), "b2": tuple(sizes[2:])}
    if not isinstance(params, dict) or sorted(params) != sorted(KEYS):
        fail(_("TwoLayerNet.params should be a dict with the keys W1, b1, W2, b2, got {got}").format(
            got=sorted(params) if isinstance(params, dict) else type(params).__name__))
    for key in KEYS:
        got = as_array(f"TwoLayerNet.params['{key}']", params[key])
        if got.shape != shapes[key]:
            fail(_("TwoLayerNet.params['{key}'] has shape {got}, expected {expected}").format(
                key=key, got=got.shape, expected=shapes[key]))
    return shapes


PROBABILITIES = N_("predict returns probabilities here: apply softmax to the output layer's scores")
FRACTION = N_("return the fraction of correct predictions, not their number")
ACCURACY_TARGETS = N_("t may be one-hot (N, C) or labels (N,): take t.argmax(axis=1) only when t.ndim != 1")
GRADIENT_LABELS = N_("t may be labels (N,): turn them into one-hot rows first, np.eye(y.shape[1])[t]")
RESTORE_PARAMS = N_("numerical_gradient must restore each element")
BATCH_DIVIDE = N_("divide by the batch size: dy = (y - t) / batch_num")
SIGMOID_OF_A1 = N_("the sigmoid's derivative is z1 * (1 - z1) with z1 = sigmoid(a1), not a1 * (1 - a1)")
NO_SIGMOID_DERIVATIVE = N_("multiply by the sigmoid's derivative z1 * (1 - z1)")


def gradient_dict(name, value):
    if not isinstance(value, dict) or not set(KEYS) <= set(value):
        fail(_("{name} should return a dict with the keys W1, b1, W2, b2, got {got}").format(
            name=name, got=sorted(value) if isinstance(value, dict) else type(value).__name__))
    return {key: as_array(f"{name}['{key}']", value[key]) for key in KEYS}


def scale_hint(analytic, numeric, n):
    """A hint when the analytic gradient is the numerical one times or divided by the batch size."""
    if normalised_error(analytic * n, numeric) < GRAD_TOL:
        return N_("your loss is batch_size times larger than your gradient says: the loss (cross_entropy_error) "
                  "must be the MEAN over the batch, and the gradient divides by batch_num")
    if normalised_error(analytic, numeric * n) < GRAD_TOL:
        return BATCH_DIVIDE
    return None


# -- train ------------------------------------------------------------------------------------------

UPDATE_IN_PLACE = N_("update the network's own arrays: network.params[key] -= learning_rate * grad[key]")
USE_NUMERICAL = N_("use network.numerical_gradient when numerical is true, network.gradient otherwise")


def loss_list(losses, iters_num, batch_size):
    """The losses train returned, as floats; fails unless they are `iters_num` positive numbers, none
    absurdly large (a new network's loss is about log 10 = 2.3; batch_size times that is a sum)."""
    if isinstance(losses, list) and len(losses) != iters_num:
        fail(_("train(..., iters_num={iters}) should return a list of {iters} losses, got a list of {count}").format(
            iters=iters_num, count=len(losses)))
    if not isinstance(losses, list):
        fail(_("train(..., iters_num={iters}) should return a list of {iters} losses, got {kind}").format(
            iters=iters_num, kind=type(losses).__name__))
    values = numpy.asarray([float(v) if isinstance(v, (int, float, numpy.generic)) else numpy.nan for v in losses])
    if not numpy.all(numpy.isfinite(values)) or numpy.any(values <= 0) or numpy.any(values > 10):
        fail(_("the losses should be positive numbers around 2.3 at the start, got {first}...").format(
            first=numpy.round(values[:5], 4).tolist()),
             SUMMED if numpy.all(numpy.isfinite(values)) and 1 < numpy.median(values[:5]) / batch_size < 4 else None)
    return values


# -- the notebook's provided test functions (the reference and the visible checks use them) ------

def function_1(x):
    return 0.01 * x ** 2 + 0.1 * x


def function_2(x):
    return numpy.sum(x ** 2)


def function_3(x):
    """sum(x**2) + sum(x)**2 / 2: every element's derivative, 2 x_i + sum(x), depends on all."""
    return numpy.sum(x ** 2) + 0.5 * numpy.sum(x) ** 2


def judge_restores_x(target, f, x):
    """numerical_gradient(f, x), called by `target` (the student's kernel or the submission in the
    worker), perturbs x in place (f may read it through a model, not its argument) and must leave
    it as it was."""
    result, args_after = target.call("numerical_gradient", f, x, keep_args=True)
    as_array("numerical_gradient", result)
    after = numpy.asarray(args_after[1])
    if not numpy.array_equal(after, x):
        fail(_("after numerical_gradient(function_3, x), {changed} of the {size} elements of x differ from "
               "their values before the call (max change {change:.3g})").format(
            changed=int(numpy.sum(after != x)), size=x.size, change=numpy.max(numpy.abs(after - x))), RESTORE)
