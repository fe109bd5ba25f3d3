"""What the visible and the hidden checks of the `forward` assignment say alike: the hints for
its known mistakes, the arrays those mistakes give, and the judging steps both take.

The hidden checks (grader/checks/test_forward.py) judge against the reference, the visible
ones (checks/forward.py) against known values; both pass their comparison as `judge`
(verdicts.compare, or checks.common.expect), so a mistake is named in the same words in the
notebook and in the report. This module sits outside `checks/` because the judge must not
load the visible checks (they register themselves when imported).
"""
import numpy

from ..i18n import N_, _
from ..tolerances import FLOAT32
from ..verdicts import OWN_FLOAT64, PartialCredit, as_array, call_pure, compare, fail

# -- activation functions --------------------------------------------------------------------------

STEP_AT_ZERO = N_("step(0) = 0: the step is 1 only where x > 0, not x >= 0")


def step_values(target, x, expected, label, judge=compare):
    """step_function(x) judged against `expected`, booleans as the numbers 0 and 1 (their dtype
    costs only part of the points, in step_integers); the result, for step_integers."""
    got = as_array(label, call_pure(target, "step_function", x))
    judge(label, got.astype(numpy.float64) if got.dtype == bool else got, expected,
          mistakes=[((x >= 0).astype(int), STEP_AT_ZERO)])
    return got


def step_integers(got):
    if not numpy.issubdtype(got.dtype, numpy.integer):
        raise PartialCredit(0.5, _("step_function returns {dtype} values; the notebook asks for integers").format(
            dtype=got.dtype), N_("convert the comparison: np.array(x > 0, dtype=int)"))


SIGMOID_PRECEDENCE = N_("operator precedence: 1 / 1 + np.exp(-x) is 1 + exp(-x); write 1 / (1 + np.exp(-x))")


def sigmoid_mistakes(x):
    return [(1 + numpy.exp(-x), SIGMOID_PRECEDENCE),
            (1 / (1 + numpy.exp(x)), N_("the minus sign is missing: sigmoid(x) = 1 / (1 + exp(-x))")),
            (numpy.exp(-x) / (1 + numpy.exp(-x)), N_("that is 1 - sigmoid(x): sigmoid(x) = 1 / (1 + exp(-x))"))]


SIGMOID_LIMITS = numpy.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])


def sigmoid_limits(target, expected, judge=compare):
    """sigmoid of SIGMOID_LIMITS: finite, 0 and 1 at the ends, judged against `expected`."""
    x, call = SIGMOID_LIMITS, "sigmoid([-1000, -40, 0, 40, 1000])"
    got = as_array(call, call_pure(target, "sigmoid", x))
    with numpy.errstate(over="ignore"):
        if got.shape == x.shape and numpy.array_equal(got, 1 + numpy.exp(-x)):
            fail(_("{call} returned {values}").format(call=call, values=got.tolist()), SIGMOID_PRECEDENCE)
    if got.shape == x.shape and not numpy.all(numpy.isfinite(got.astype(numpy.float64))):
        fail(_("{call} returned {values}").format(call=call, values=got.tolist()),
             N_("exp(1000) is inf and inf / inf is nan: 1 / (1 + np.exp(-x)) gives the right limits, 0 and 1"))
    judge(call, got, expected, rtol=1e-9, atol=1e-12)


def relu_mistakes(x):
    return [((x > 0).astype(float), N_("relu returns max(0, x), not the mask x > 0")),
            (numpy.minimum(0, x), N_("relu is max(0, x): np.maximum, not np.minimum"))]


IDENTITY = N_("the identity function returns its input unchanged: return x")


def float32_like_float64(target, name, x):
    """`name` of the float32 array `x` is float32 and agrees with the submission's own result for
    the float64 copy of `x` (a formula mistake is the same in both, and charged where the
    formula is checked)."""
    compare(f"{name} (float32)", call_pure(target, name, x),
            as_array(f"{name} (float64)", call_pure(target, name, x.astype(numpy.float64))),
            dtype=numpy.float32, against=OWN_FLOAT64, **FLOAT32)


# -- softmax -------------------------------------------------------------------------------------------

UNSTABLE = N_("np.exp overflows for large scores: subtract the maximum first, "
              "np.exp(a - np.max(a, axis=-1, keepdims=True))")
# Each axis mistake, and how to normalise every row on its own (whole sentences, for the catalogue).
WHOLE_ARRAY = N_("softmax normalised the whole array at once: normalise every row on its own: max and sum over the "
                 "last axis with axis=-1, keepdims=True, so that one vector, a batch and arrays with more axes all "
                 "work")
OVER_BATCH = N_("softmax normalised over axis 0 (the batch): normalise every row on its own: max and sum over the "
                "last axis with axis=-1, keepdims=True, so that one vector, a batch and arrays with more axes all work")
AXIS_1 = N_("axis=1 is only the last axis of a 2-D array: normalise every row on its own: max and sum over the "
            "last axis with axis=-1, keepdims=True, so that one vector, a batch and arrays with more axes all work")


def softmax_vector_mistakes(a):
    return [(numpy.exp(a), N_("divide by the sum of the exponentials")),
            (a / a.sum(), N_("softmax exponentiates first: exp(a) / sum(exp(a))"))]


def softmax_mistakes(a):
    """What softmax normalised over the wrong axes gives for the scores `a`."""
    wrong = []
    for e in (numpy.exp(a - a.max()), numpy.exp(a - a.max(axis=-1, keepdims=True))):  # global or row maxima
        wrong.append((e / e.sum(), WHOLE_ARRAY))
        if a.ndim > 1:
            wrong.append((e / e.sum(axis=0, keepdims=True), OVER_BATCH))
        if a.ndim > 2:
            wrong.append((e / e.sum(axis=1, keepdims=True), AXIS_1))
    return wrong


LARGE_SCORES = numpy.array([1010.0, 1000.0, 990.0])
# Rows near 1000, -1000 and 0: the maximum of the whole batch leaves exp(-2000) = 0 in the second.
MIXED_ROWS = numpy.array([[1010.0, 1000.0, 990.0], [-1000.0, -1000.0, -1010.0], [0.5, 0.1, -0.3]])


def softmax_stable(target, expected_large, expected_rows, judge=compare):
    """softmax of LARGE_SCORES and of MIXED_ROWS: finite, and judged against the expected values."""
    call = "softmax([1010, 1000, 990])"
    got = as_array(call, call_pure(target, "softmax", LARGE_SCORES))
    if got.shape == LARGE_SCORES.shape and not numpy.all(numpy.isfinite(got.astype(numpy.float64))):
        fail(_("{call} returned {values}").format(call=call, values=got.tolist()), UNSTABLE)
    judge(call, got, expected_large)
    rows, label = MIXED_ROWS, _("softmax of a batch with rows near 1000, -1000 and 0")
    got = as_array(label, call_pure(target, "softmax", rows))
    if got.shape == rows.shape and not numpy.all(numpy.isfinite(got.astype(numpy.float64))):
        fail(_("softmax of a batch with rows near 1000, -1000 and 0 returns nan in the row near -1000"),
             N_("subtracting the maximum of the WHOLE batch leaves exp(-2000) = 0 in that row and 0 / 0 = nan: "
                "subtract each row's own maximum, np.max(a, axis=-1, keepdims=True)"))
    judge(label, got, expected_rows, mistakes=softmax_mistakes(rows))


def softmax_keeps_its_input(target, a):
    result, (after,) = target.call("softmax", a, keep_args=True)
    as_array("softmax", result)
    if not numpy.array_equal(numpy.asarray(after), a):
        fail(_("softmax modified the array it was given"),
             N_("a -= c subtracts in place and changes the caller's scores; compute a - c into a new array"))


# -- the three-layer network ------------------------------------------------------------------------

SHAPES = {"W1": (2, 3), "b1": (3,), "W2": (3, 2), "b2": (2,), "W3": (2, 2), "b3": (2,)}


def book_network(network, expected, judge=compare):
    """init_network()'s result: a dict with the keys of SHAPES, each array judged against `expected`."""
    if not isinstance(network, dict):
        fail(_("init_network() should return a dict of arrays, got {kind}").format(kind=type(network).__name__))
    if sorted(network) != sorted(SHAPES):
        fail(_("init_network() has the keys {got}, expected {expected}").format(got=sorted(network),
                                                                                expected=sorted(SHAPES)))
    for key, value in expected.items():
        got = as_array(f"network['{key}']", network[key])
        judge(f"network['{key}']", got, value, rtol=1e-12,
              mistakes=[(value.T, _("{key} is transposed: it has shape {shape}, row i holding the weights that leave "
                                    "neuron i of the layer before").format(key=key, shape=SHAPES[key]))]
              if value.ndim == 2 else [])


OUTPUT_IDENTITY = N_("the output layer of forward uses identity_function; sigmoid belongs to the hidden layers only")
SIGMOID_HIDDEN = N_("the hidden layers use sigmoid")


def forward_mistakes(y, no_bias, relu_hidden):
    """What known mistakes of forward give, from its right output `y`, the output of the same
    network without biases and the output with ReLU hidden layers."""
    e = numpy.exp(y - y.max(axis=-1, keepdims=True))
    return [(1 / (1 + numpy.exp(-y)), OUTPUT_IDENTITY),
            (e / e.sum(axis=-1, keepdims=True),
             N_("forward's output layer is the identity; softmax belongs to predict")),
            (no_bias, N_("the biases are missing: a = x @ W + b in every layer")),
            (relu_hidden, N_("the hidden layers use sigmoid (ReLU comes later)"))]


TRACE_KEYS = ("A1", "Z1", "A2", "Z2", "A3", "Y")
# The values the book prints for the input (1.0, 0.5) of its network, to the digits it prints.
BOOK_TRACE = {"A1": [0.3, 0.7, 1.1], "Z1": [0.57444252, 0.66818777, 0.75026011],
              "A2": [0.51615984, 1.21402696], "Z2": [0.62624937, 0.7710107],
              "A3": [0.31682708, 0.69627909], "Y": [0.31682708, 0.69627909]}


def judge_trace(trace, network, x, expected, label, judge=compare, rtol=1e-6):
    """forward_trace(network, x)'s dict judged key by key against `expected`. Each value's known
    mistakes are computed from the expected value before it, so that one mistake is named where
    it is made, not again in every later value."""
    if not isinstance(trace, dict):
        fail(_("{label} should return a dict of the arrays {keys}, got {kind}").format(
            label=label, keys=", ".join(TRACE_KEYS), kind=type(trace).__name__))
    missing = [key for key in TRACE_KEYS if key not in trace]
    if missing:
        fail(_("{label} has the keys {got}; missing {missing}").format(label=label, got=sorted(map(str, trace)),
                                                                       missing=missing),
             _("return a dict with the keys {keys} (capital letters, as in the book)").format(
                 keys=", ".join(TRACE_KEYS)))
    mistakes = {"Y": [(1 / (1 + numpy.exp(-numpy.asarray(expected["A3"], dtype=numpy.float64))), OUTPUT_IDENTITY)]}
    for layer, before in ((1, x), (2, expected["Z1"]), (3, expected["Z2"])):
        product = numpy.asarray(before) @ network[f"W{layer}"]
        mistakes[f"A{layer}"] = [(product, _("the bias is missing: A{layer} = ... @ W{layer} + b{layer}").format(
            layer=layer))]
        if layer < 3:
            mistakes[f"Z{layer}"] = [(expected[f"A{layer}"], _("Z{layer} is the activation of A{layer}: "
                                                               "Z{layer} = sigmoid(A{layer})").format(layer=layer))]
    for key in TRACE_KEYS:
        judge(f"{label}['{key}']", as_array(f"{label}['{key}']", trace[key]), expected[key], rtol=rtol,
              mistakes=mistakes[key])


def predict_mistakes(a3, relu_hidden):
    """What known mistakes of predict give, from the output layer's scores `a3` and the
    probabilities of the same network with ReLU hidden layers."""
    e = numpy.exp(a3 - a3.max())
    wrong = [(a3, N_("predict returns probabilities: apply softmax to the output layer's scores")),
             (1 / (1 + numpy.exp(-a3)), N_("the output layer of predict uses softmax, not sigmoid")),
             (relu_hidden, SIGMOID_HIDDEN)]
    if a3.ndim == 2:
        wrong.append((e / e.sum(axis=0, keepdims=True),
                      N_("softmax over the classes of each image (the last axis), not over the batch")))
    return wrong


# -- accuracy --------------------------------------------------------------------------------------------

COUNT = N_("return the FRACTION of correct predictions (hits / len(x)), not the count")
PERCENTAGE = N_("return a fraction between 0 and 1, not a percentage")
ERROR_RATE = N_("that is the error rate: count the predictions that EQUAL the label")
LAST_3_SKIPPED = N_("the last 3 images were skipped: loop over range(0, len(x), batch_size) "
                    "so that the last, shorter batch counts too")
DROPPED = N_("the images after the last complete batch were skipped: loop over range(0, len(x), batch_size)")
# accuracy's settings that both the visible and the hidden checks try: its default, one image at
# a time, batches that leave a shorter last one, and one batch larger than the inputs.
BATCH_SIZES = ({}, {"batch_size": 1}, {"batch_size": 7}, {"batch_size": 500})


def batch_size_setting(kwargs):
    """How the keyword arguments `kwargs` of accuracy set its batch size, as the checks' labels say it."""
    return f"batch_size={kwargs['batch_size']}" if kwargs else _("the default batch_size")
