"""Visible checks of the `forward` notebook: the activation functions and softmax on known values
and on arrays of known signs, the book's three-layer network with its published output, and
accuracy on a network whose predictions are known by construction.

The constants were computed once, in float64, with the course's reference implementation of
the notebook's formulas; the hints and the judging steps shared with the hidden checks are in
backprop_lab_check.shared.forward."""
import numpy

from ..i18n import _
from ..shared.forward import (
    BATCH_SIZES, BOOK_TRACE, COUNT, DROPPED, ERROR_RATE, IDENTITY, LAST_3_SKIPPED, PERCENTAGE, batch_size_setting,
    book_network, float32_like_float64, forward_mistakes, judge_trace, predict_mistakes, relu_mistakes, sigmoid_limits,
    sigmoid_mistakes, softmax_keeps_its_input, softmax_mistakes, softmax_stable, softmax_vector_mistakes,
    step_integers, step_values)
from ..registry import visible
from ..verdicts import as_array, call_pure, fail
from .common import expect


def signed(rng, shape, zeros=False):
    """(x, x > 0): an array of `shape` whose signs are known, with 0.0 and -0.0 at its two
    ends when `zeros`, and no value within 0.1 of 0 otherwise."""
    positive = rng.random(shape) < 0.5
    x = numpy.where(positive, 1.0, -1.0) * rng.uniform(0.1, 3.0, shape)
    if zeros:
        positive.flat[0] = positive.flat[-1] = False
        x.flat[0], x.flat[-1] = 0.0, -0.0
    return x, positive


# -- activation functions -------------------------------------------------------------------------

@visible(id="step_function.values", target="step_function")
def step_known_values(kernel, rng):
    x = numpy.array([-2.0, -0.5, 0.0, -0.0, 0.5, 2.0])
    step_values(kernel, x, [0, 0, 0, 0, 1, 1], "step_function([-2, -0.5, 0, -0, 0.5, 2])", judge=expect)
    for shape in [(3, 4), (2, 2, 3)]:
        x, positive = signed(rng, shape, zeros=True)
        step_values(kernel, x, positive.astype(int), _("step_function on shape {shape}").format(shape=shape),
                    judge=expect)


@visible(id="step_function.integers", target="step_function")
def step_gives_integers(kernel, rng):
    x = numpy.array([-1.0, 0.0, 1.0])
    step_integers(as_array("step_function([-1, 0, 1])", call_pure(kernel, "step_function", x)))


# sigmoid(-1), sigmoid(0), sigmoid(1), sigmoid(2)
SIGMOID_VALUES = [0.2689414213699951, 0.5, 0.7310585786300049, 0.8807970779778823]
# sigmoid at shared.forward.SIGMOID_LIMITS: 1 / (1 + exp(1000)) is 0, 1 / (1 + exp(-40)) rounds to 1
SIGMOID_AT_LIMITS = [0.0, 4.24835425529159e-18, 0.5, 1.0, 1.0]


@visible(id="sigmoid.known_values", target="sigmoid")
def sigmoid_known_values(kernel, rng):
    vector = numpy.array([-1.0, 0.0, 1.0, 2.0])
    for x, expected in [(vector, SIGMOID_VALUES), (vector.reshape(2, 2), numpy.reshape(SIGMOID_VALUES, (2, 2)))]:
        expect(_("sigmoid of {x}").format(x=x.tolist()), call_pure(kernel, "sigmoid", x), expected,
               mistakes=sigmoid_mistakes(x))


@visible(id="sigmoid.large_inputs", target="sigmoid")
def sigmoid_large_inputs(kernel, rng):
    sigmoid_limits(kernel, SIGMOID_AT_LIMITS, judge=expect)


@visible(id="sigmoid.float32", target="sigmoid")
def sigmoid_float32(kernel, rng):
    float32_like_float64(kernel, "sigmoid", (rng.standard_normal((3, 5)) * 2).astype(numpy.float32))


@visible(id="relu.values", target="relu")
def relu_values(kernel, rng):
    x = numpy.array([-2.0, -0.5, 0.5, 2.0])
    expect("relu([-2, -0.5, 0.5, 2])", call_pure(kernel, "relu", x), [0.0, 0.0, 0.5, 2.0], mistakes=relu_mistakes(x))
    for shape in [(4, 5), (2, 3, 2)]:
        x, positive = signed(rng, shape)
        expect(_("relu on shape {shape}").format(shape=shape), call_pure(kernel, "relu", x),
               numpy.where(positive, x, 0.0), mistakes=relu_mistakes(x))


@visible(id="relu.float32", target="relu")
def relu_float32(kernel, rng):
    float32_like_float64(kernel, "relu", signed(rng, (3, 4))[0].astype(numpy.float32))


@visible(id="identity_function.returns_input", target="identity_function")
def identity_returns_input(kernel, rng):
    for x in (rng.standard_normal((3, 4)), rng.standard_normal(5).astype(numpy.float32)):
        expect(_("identity_function on shape {shape}").format(shape=x.shape),
               call_pure(kernel, "identity_function", x), x, rtol=0, atol=0, dtype=x.dtype,
               mistakes=[(1 / (1 + numpy.exp(-x)), IDENTITY)])


# -- softmax ------------------------------------------------------------------------------------------

SCORES = numpy.array([0.3, 2.9, 4.0])
SOFTMAX_OF_SCORES = numpy.array([0.01821127329554753, 0.24519181293507392, 0.7365969137693786])
SOFTMAX_OF_LARGE_SCORES = [0.999954600070331, 4.539786860886666e-05, 2.061060046209062e-09]  # of [1010, 1000, 990]
SOFTMAX_OF_MIXED_ROWS = [[0.999954600070331, 4.539786860886666e-05, 2.061060046209062e-09],
                         [0.4999886502751978, 0.4999886502751978, 2.2699449604533583e-05],
                         [0.4717762210677908, 0.3162410582246815, 0.21198272070752777]]


def shuffled_rows(order_and_shift):
    """Rows of SCORES reordered and shifted, and their softmax: SOFTMAX_OF_SCORES reordered the
    same way (softmax does not change when a constant is added to a row)."""
    rows = numpy.array([SCORES[order] + shift for order, shift in order_and_shift])
    return rows, numpy.array([SOFTMAX_OF_SCORES[order] for order, _shift in order_and_shift])


@visible(id="softmax.vector", target="softmax")
def softmax_vector(kernel, rng):
    expect("softmax([0.3, 2.9, 4.0])", call_pure(kernel, "softmax", SCORES), SOFTMAX_OF_SCORES,
           mistakes=softmax_vector_mistakes(SCORES))


@visible(id="softmax.batched", target="softmax")
def softmax_batched(kernel, rng):
    a, expected = shuffled_rows([([0, 1, 2], 0.0), ([2, 1, 0], 5.0), ([1, 2, 0], -2.0)])
    expect(_("softmax of a batch of shape {shape}").format(shape=a.shape), call_pure(kernel, "softmax", a), expected,
           mistakes=softmax_mistakes(a))
    a, expected = shuffled_rows([([0, 1, 2], 1.5), ([2, 0, 1], -1.0), ([1, 0, 2], 3.0), ([0, 2, 1], 0.0)])
    a, expected = a.reshape(2, 2, 3), expected.reshape(2, 2, 3)
    expect(_("softmax of a batch of shape {shape}").format(shape=a.shape), call_pure(kernel, "softmax", a), expected,
           mistakes=softmax_mistakes(a))


@visible(id="softmax.stable", target="softmax")
def softmax_large_scores(kernel, rng):
    softmax_stable(kernel, SOFTMAX_OF_LARGE_SCORES, SOFTMAX_OF_MIXED_ROWS, judge=expect)


@visible(id="softmax.input_unchanged", target="softmax")
def softmax_input_unchanged(kernel, rng):
    softmax_keeps_its_input(kernel, rng.standard_normal((3, 4)) * 3)


@visible(id="softmax.float32", target="softmax")
def softmax_float32(kernel, rng):
    float32_like_float64(kernel, "softmax", (rng.standard_normal((4, 5)) * 3).astype(numpy.float32))


# -- the three-layer network ------------------------------------------------------------------------

# The book's network (the table of the notebook), its inputs and what forward and predict give.
BOOK_NETWORK = {
    "W1": numpy.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), "b1": numpy.array([0.1, 0.2, 0.3]),
    "W2": numpy.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), "b2": numpy.array([0.1, 0.2]),
    "W3": numpy.array([[0.1, 0.3], [0.2, 0.4]]), "b3": numpy.array([0.1, 0.2]),
}
BOOK_INPUTS = numpy.array([[1.0, 0.5], [0.0, 0.0], [-1.0, 2.0]])
BOOK_OUTPUTS = numpy.array([[0.3168270764110298, 0.6962790898619668], [0.3080685345252333, 0.6768389367475369],
                            [0.31668456400989997, 0.6959159507680599]])
BOOK_OUTPUTS_WITHOUT_BIASES = numpy.array([[0.20357087522235814, 0.4666849564414352],
                                           [0.1932799915162445, 0.4440042347136549],
                                           [0.20334243852051356, 0.4661298773251097]])
BOOK_OUTPUTS_WITH_RELU = numpy.array([[0.42599999999999993, 0.9119999999999999], [0.228, 0.48000000000000004],
                                      [0.41999999999999993, 0.8979999999999999]])
BOOK_PROBABILITIES = numpy.array([[0.4062590715541802, 0.5937409284458198],
                                  [0.40883816911921433, 0.5911618308807856],
                                  [0.40631229060127916, 0.5936877093987208]])
BOOK_PROBABILITIES_WITH_RELU = numpy.array([[0.3808363171006393, 0.6191636828993606],
                                            [0.43733129232018797, 0.5626687076798121],
                                            [0.3827245071932094, 0.6172754928067907]])

# A 3-4-2-3 network: forward must read its sizes from the weights.
OTHER_NETWORK = {
    "W1": numpy.array([[0.5, -0.3, 0.8, 0.1], [-0.6, 0.2, 0.4, -0.9], [0.7, 0.3, -0.2, 0.5]]),
    "b1": numpy.array([0.1, -0.2, 0.3, 0.0]),
    "W2": numpy.array([[0.4, -0.7], [0.9, 0.1], [-0.5, 0.6], [0.2, -0.3]]), "b2": numpy.array([-0.1, 0.2]),
    "W3": numpy.array([[1.0, -0.5, 0.3], [-0.8, 0.6, 0.2]]), "b3": numpy.array([0.05, -0.1, 0.2]),
}
OTHER_INPUTS = numpy.array([[1.0, -2.0, 0.5], [0.0, 1.5, -1.0]])
OTHER_OUTPUTS = [[0.3270548992311019, -0.15505865493792143, 0.4667478180601156],
                 [0.05456755984589867, 0.02345944584182917, 0.4780053646362824]]
OTHER_PROBABILITIES = [[0.361350321382953, 0.22312549096944473, 0.4155241876476022],
                       [0.2859942715592659, 0.27723448576575244, 0.43677124267498174]]


@visible(id="init_network.book_weights", target="init_network")
def init_network_book_weights(kernel, rng):
    book_network(kernel.call("init_network"), BOOK_NETWORK, judge=expect)


@visible(id="forward.book_example", target="forward")
def forward_book_example(kernel, rng):
    expect("forward(init_network(), [1.0, 0.5])", call_pure(kernel, "forward", BOOK_NETWORK, BOOK_INPUTS[0]),
           BOOK_OUTPUTS[0], rtol=1e-7,
           mistakes=forward_mistakes(BOOK_OUTPUTS[0], BOOK_OUTPUTS_WITHOUT_BIASES[0], BOOK_OUTPUTS_WITH_RELU[0]))


@visible(id="forward.batch", target="forward")
def forward_batch(kernel, rng):
    expect(_("{function}(init_network(), a batch of {count} inputs)").format(function="forward", count=3),
           call_pure(kernel, "forward", BOOK_NETWORK, BOOK_INPUTS), BOOK_OUTPUTS, rtol=1e-7,
           mistakes=forward_mistakes(BOOK_OUTPUTS, BOOK_OUTPUTS_WITHOUT_BIASES, BOOK_OUTPUTS_WITH_RELU))


@visible(id="forward.other_sizes", target="forward")
def forward_other_sizes(kernel, rng):
    expect(_("{function} on a {sizes} network, batch of {count}").format(function="forward", sizes="3-4-2-3", count=2),
           call_pure(kernel, "forward", OTHER_NETWORK, OTHER_INPUTS), OTHER_OUTPUTS)
    expect(_("{function} on a {sizes} network, one input").format(function="forward", sizes="3-4-2-3"),
           call_pure(kernel, "forward", OTHER_NETWORK, OTHER_INPUTS[1]), OTHER_OUTPUTS[1])


@visible(id="forward_trace.book_values", target="forward_trace")
def forward_trace_book_values(kernel, rng):
    judge_trace(call_pure(kernel, "forward_trace", BOOK_NETWORK, BOOK_INPUTS[0]), BOOK_NETWORK, BOOK_INPUTS[0],
                BOOK_TRACE, "forward_trace(init_network(), [1.0, 0.5])", judge=expect, rtol=1e-7)


def first_of_3_rows(name, got, expected, **options):
    """expect on the first row of a value of a batch of 3 inputs."""
    if got.ndim != 2 or len(got) != 3:
        fail(_("{name} has shape {got}, expected one row per input: (3, {columns})").format(
            name=name, got=got.shape, columns=len(expected)))
    expect(f"{name}[0]", got[0], expected, **options)


@visible(id="forward_trace.batch", target="forward_trace")
def forward_trace_batch(kernel, rng):
    """A batch of the book's 3 inputs: every value has one row per input, the first row is the
    book's trace of (1.0, 0.5) and Y is forward's output."""
    label = _("{function}(init_network(), a batch of {count} inputs)").format(function="forward_trace", count=3)
    trace = call_pure(kernel, "forward_trace", BOOK_NETWORK, BOOK_INPUTS)
    judge_trace(trace, BOOK_NETWORK, BOOK_INPUTS[0], BOOK_TRACE, label, judge=first_of_3_rows, rtol=1e-7)
    expect(f"{label}['Y']", trace["Y"], BOOK_OUTPUTS, rtol=1e-7)


@visible(id="predict.batch", target="predict")
def predict_batch(kernel, rng):
    expect(_("{function}(init_network(), a batch of {count} inputs)").format(function="predict", count=3),
           call_pure(kernel, "predict", BOOK_NETWORK, BOOK_INPUTS), BOOK_PROBABILITIES,
           mistakes=predict_mistakes(BOOK_OUTPUTS, BOOK_PROBABILITIES_WITH_RELU))


@visible(id="predict.one_input", target="predict")
def predict_one_input(kernel, rng):
    expect("predict(init_network(), [1.0, 0.5])", call_pure(kernel, "predict", BOOK_NETWORK, BOOK_INPUTS[0]),
           BOOK_PROBABILITIES[0], mistakes=predict_mistakes(BOOK_OUTPUTS[0], BOOK_PROBABILITIES_WITH_RELU[0]))


@visible(id="predict.other_sizes", target="predict")
def predict_other_sizes(kernel, rng):
    expect(_("{function} on a {sizes} network, batch of {count}").format(function="predict", sizes="3-4-2-3", count=2),
           call_pure(kernel, "predict", OTHER_NETWORK, OTHER_INPUTS), OTHER_PROBABILITIES)


# -- accuracy -------------------------------------------------------------------------------------------

# Identity weights and zero biases: sigmoid is increasing, so the predicted class of an input of
# 10 values is the position of its largest value.
ARGMAX_NETWORK = {f"{kind}{layer}": numpy.eye(10) if kind == "W" else numpy.zeros(10)
                  for layer in (1, 2, 3) for kind in "Wb"}
# The labels these 53 inputs get wrong: 41 right, 2 of them among the last 3.
WRONG = [0, 4, 9, 11, 17, 23, 28, 30, 36, 41, 47, 51]


def labelled_inputs(rng):
    """(x, t, right): 53 inputs whose largest value is at a known class, their labels (wrong
    at WRONG) and whether each label is right."""
    classes = rng.integers(0, 10, size=53)
    x = rng.uniform(0.0, 0.5, size=(53, 10))
    x[numpy.arange(53), classes] += 1.0
    t = classes.copy()
    t[WRONG] = (classes[WRONG] + 1) % 10
    return x, t, t == classes


@visible(id="accuracy.known_labels", target="accuracy")
def accuracy_known_labels(kernel, rng):
    x, t, right = labelled_inputs(rng)
    got = as_array(_("accuracy({count} inputs, {setting})").format(count=len(x), setting="batch_size=10"),
                   call_pure(kernel, "accuracy", ARGMAX_NETWORK, x, t, batch_size=10))
    expected, hits_50 = right.mean(), right[:50].sum()
    expect(_("accuracy of {count} inputs in batches of {size} ({right} right)").format(
        count=len(x), size=10, right=right.sum()), got, expected, rtol=1e-9,
           mistakes=[(right.sum(), COUNT), (100 * expected, PERCENTAGE), (1 - expected, ERROR_RATE),
                     (hits_50 / 53, LAST_3_SKIPPED), (hits_50 / 50, LAST_3_SKIPPED)])


@visible(id="accuracy.batch_size", target="accuracy")
def accuracy_batch_size(kernel, rng):
    x, t, right = labelled_inputs(rng)
    for kwargs in BATCH_SIZES:
        setting = batch_size_setting(kwargs)
        got = as_array(_("accuracy({count} inputs, {setting})").format(count=len(x), setting=setting),
                       call_pure(kernel, "accuracy", ARGMAX_NETWORK, x, t, **kwargs))
        size = kwargs.get("batch_size", 100)
        whole = len(x) // size * size  # the inputs in complete batches
        hits = right[:whole].sum()
        expect(_("accuracy of {count} inputs with {setting} ({right} right)").format(
            count=len(x), setting=setting, right=right.sum()), got, right.mean(), rtol=1e-9,
               mistakes=[(right.sum(), COUNT), (hits / len(x), DROPPED), (hits / max(whole, 1), DROPPED)])
