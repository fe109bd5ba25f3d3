"""Visible checks of the `gradients` notebook: the losses on the book's examples, numerical
differentiation and gradient descent on the notebook's test functions (whose derivatives are
known), simpleNet and TwoLayerNet against known values and their own loss, train with a stand-in
network whose gradients are known. Hints and known mistakes come from
backprop_lab_check.shared.gradients, where the hidden checks find them too.

The networks and gradient_descent call other graded names (cross_entropy_error,
numerical_gradient). The hidden grader judges them with correct versions of those (grader/trusted);
the visible checks can only run the student's own, so when such a check fails and a name it calls
fails its own checks, the hint says to fix that one first.
"""
import math

import numpy

from ..gradcheck import gradient_agrees, normalised_error
from ..gradcheck import numerical_gradient as central_differences  # numerical_gradient is a graded name here
from ..i18n import N_, _
from ..shared.gradients import (
    ACCURACY_TARGETS, ANY_SHAPE, BOOK_DESCENT_END, BOOK_DESCENT_MISTAKES, BOOK_T, BOOK_Y, DEFAULT_DESCENT_END,
    DEFAULT_DESCENT_MISTAKES, FRACTION, GRADIENT_LABELS, IN_PLACE, IN_PLACE_X, KEYS, LABEL_TARGETS, LABELS, LOG_ZERO,
    LOSS_RTOL, NO_SIGMOID_DERIVATIVE, NO_SOFTMAX, ONE_HOT_TARGETS, PROBABILITIES, RESTORE, RESTORE_PARAMS, RESTORE_W,
    SCORES, SIGMOID_OF_A1, START, SUMMED, UPDATE_IN_PLACE, USE_NUMERICAL, ce_mistakes, compare_descent,
    delta_mistakes, gradient_dict, function_1, function_2, function_3, initial_params, judge_chain_rule,
    judge_restores_x, loss_list, moved_uphill, not_restored, numerical_diff_mistakes, numerical_gradient_mistakes,
    param_shapes, raised, scale_hint, sse_mistakes)
from ..local import LocalObject
from ..outcomes import StudentRaised
from ..registry import visible
from ..tolerances import GRAD_TOL
from ..verdicts import EXPECTED, as_array, call_pure, close, fail
from .common import expect, visible_calling


# The notebook's softmax, for the values of known mistakes.
def softmax(a):
    e = numpy.exp(a - numpy.max(a, axis=-1, keepdims=True))
    return e / numpy.sum(e, axis=-1, keepdims=True)


# -- loss functions --------------------------------------------------------------------------------

# The book's second example: class 7 most likely, the correct class still 2.
Y_BAD = numpy.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])
# -log(0.6 + 1e-7) and -log(0.1 + 1e-7): the cross entropy of a sample whose correct class has 0.6 or 0.1.
CE_SURE, CE_UNSURE = 0.510825457099338, 2.302584092994546
# A batch whose correct classes have the probabilities 0.6, 0.6 and 0.1.
Y_BATCH, LABELS_BATCH = numpy.stack([BOOK_Y, Y_BAD, BOOK_Y]), numpy.array([2, 7, 0])


@visible(id="sum_squared_error.book_example", target="sum_squared_error")
def sse_book(kernel, rng):
    for most_likely, y, expected in [(2, BOOK_Y, 0.0975), (7, Y_BAD, 0.5975)]:
        expect(_("sum_squared_error on the book's example ({most_likely} most likely, correct class 2)").format(
            most_likely=most_likely),
               kernel.call("sum_squared_error", y, BOOK_T), expected, mistakes=sse_mistakes(y, BOOK_T))


@visible(id="sum_squared_error.batch", target="sum_squared_error")
def sse_batch(kernel, rng):
    t = numpy.eye(10)[LABELS_BATCH]
    expect(_("sum_squared_error on a batch of 3 (a sum over every entry)"),
           kernel.call("sum_squared_error", Y_BATCH, t), 0.0975 + 0.0975 + 0.5975, mistakes=sse_mistakes(Y_BATCH, t))


@visible(id="cross_entropy_error.book_example", target="cross_entropy_error")
def ce_book(kernel, rng):
    for most_likely, y, expected in [(2, BOOK_Y, CE_SURE), (7, Y_BAD, CE_UNSURE)]:
        expect(_("cross_entropy_error on the book's example ({most_likely} most likely, correct class 2, one-hot)")
               .format(most_likely=most_likely),
               kernel.call("cross_entropy_error", y, BOOK_T), expected, rtol=LOSS_RTOL,
               mistakes=ce_mistakes(y[None], numpy.array([2])))


@visible(id="cross_entropy_error.batch", target="cross_entropy_error")
def ce_batch(kernel, rng):
    mean = (CE_SURE + CE_SURE + CE_UNSURE) / 3
    for kind, t in [(ONE_HOT_TARGETS, numpy.eye(10, dtype=int)[LABELS_BATCH]), (LABEL_TARGETS, LABELS_BATCH)]:
        try:
            got = kernel.call("cross_entropy_error", Y_BATCH, t)
        except StudentRaised as exc:
            raised(exc, _("with {targets} of shape {shape}").format(targets=_(kind), shape=t.shape),
                   LABELS if t.ndim == 1 else None)
        expect(_("cross_entropy_error on a batch of {count} with {targets}").format(count=3, targets=_(kind)), got,
               mean, rtol=LOSS_RTOL, mistakes=ce_mistakes(Y_BATCH, LABELS_BATCH))


@visible(id="cross_entropy_error.log_zero", target="cross_entropy_error")
def ce_log_zero(kernel, rng):
    y, t = numpy.array([0.0, 1.0]), numpy.array([1, 0])
    got = as_array(_("cross_entropy_error with y = 0 at the correct class"), kernel.call("cross_entropy_error", y, t))
    if not numpy.all(numpy.isfinite(got.astype(numpy.float64))):
        fail(_("cross_entropy_error returned {got} when the correct class has probability 0").format(got=got),
             LOG_ZERO)
    expect("cross_entropy_error([0, 1], [1, 0]), -log(0 + 1e-7)", got, -math.log(1e-7), rtol=1e-9,
           mistakes=delta_mistakes(y[None], numpy.array([0])))


# -- numerical differentiation --------------------------------------------------------------------

@visible(id="numerical_diff.function_1", target="numerical_diff")
def nd_function_1(kernel, rng):
    """f1 is quadratic: the central difference is its exact derivative 0.02 x + 0.1, up to rounding."""
    for x in (5.0, 10.0, -3.7):
        expect(f"numerical_diff(function_1, {x})", kernel.call("numerical_diff", function_1, x), 0.02 * x + 0.1,
               rtol=1e-9, atol=1e-12, mistakes=numerical_diff_mistakes(function_1, x))


# (x, y) and what z = (x + y)**2 and its two derivatives 2 (x + y) are there.
CHAIN_POINTS = [(3.0, 0.5, (12.25, 7.0, 7.0)),
                (numpy.array([1.0, -2.0, 0.5]), numpy.array([2.0, 0.5, -0.5]),
                 ([9.0, 2.25, 0.0], [6.0, -3.0, 0.0], [6.0, -3.0, 0.0]))]


@visible(id="chain_rule.known_values", target="chain_rule")
def chain_rule_known_values(kernel, rng):
    for x, y, expected in CHAIN_POINTS:
        judge_chain_rule(call_pure(kernel, "chain_rule", x, y), x, y, expected, f"chain_rule({x}, {y})", judge=expect)


@visible(id="numerical_gradient.function_2", target="numerical_gradient")
def ng_function_2(kernel, rng):
    for point in ([3.0, 4.0], [0.0, 2.0], [3.0, 0.0]):
        x = numpy.array(point)
        expect(f"numerical_gradient(function_2, {point})", kernel.call("numerical_gradient", function_2, x), 2 * x,
               atol=1e-7, mistakes=numerical_gradient_mistakes(function_2, x))


@visible(id="numerical_gradient.any_shape", target="numerical_gradient")
def ng_any_shape(kernel, rng):
    """The gradient of function_3 is 2 x + sum(x)."""
    for shape in [(3, 4), (2, 2, 3), (5,)]:
        x = rng.standard_normal(shape)
        name = _("numerical_gradient(function_3, x of shape {shape})").format(shape=shape)
        try:
            got = as_array(name, kernel.call("numerical_gradient", function_3, x))
        except StudentRaised as exc:
            raised(exc, name, ANY_SHAPE)
        if got.shape != shape:
            fail(_("{name} has shape {got}").format(name=name, got=got.shape), ANY_SHAPE)
        expect(name, got, 2 * x + x.sum(), rtol=1e-6, atol=1e-7,
               mistakes=numerical_gradient_mistakes(function_3, x) + [(not_restored(function_3, x), RESTORE)])


@visible(id="numerical_gradient.restores_x", target="numerical_gradient")
def ng_restores_x(kernel, rng):
    """x is perturbed in place (f may read it through a model, not its argument) and restored."""
    x = rng.standard_normal((2, 3))
    judge_restores_x(kernel, function_3, x)
    W = rng.standard_normal((2, 3))
    # W itself, not a copy, as a network's own array: f reads it and ignores its argument
    through = kernel.call("numerical_gradient", lambda ignored: float(numpy.sum(W ** 2)), LocalObject(W, "W"))
    expect("numerical_gradient(lambda _: np.sum(W ** 2), W)", through, 2 * W, rtol=1e-6, atol=1e-7,
           mistakes=[(numpy.zeros_like(W), IN_PLACE_X)])


# -- gradient descent ---------------------------------------------------------------------------

@visible_calling(id="gradient_descent.book_example", target="gradient_descent", calls=["numerical_gradient"])
def gd_book(kernel, rng):
    name = "gradient_descent(function_2, [-3, 4], lr=0.1, step_num=100)"
    got = as_array(name, kernel.call("gradient_descent", function_2, START.copy(), lr=0.1, step_num=100))
    moved_uphill(name, got)
    compare_descent(name, got, BOOK_DESCENT_END, BOOK_DESCENT_MISTAKES, EXPECTED, atol=1e-11)


@visible_calling(id="gradient_descent.defaults", target="gradient_descent", calls=["numerical_gradient"])
def gd_defaults(kernel, rng):
    compare_descent(_("gradient_descent(function_2, [-3, 4]) with the default lr and step_num"),
                    kernel.call("gradient_descent", function_2, START.copy()), DEFAULT_DESCENT_END,
                    DEFAULT_DESCENT_MISTAKES, EXPECTED, rtol=1e-6)


@visible_calling(id="gradient_descent.matrix", target="gradient_descent", calls=["numerical_gradient"])
def gd_matrix(kernel, rng):
    """On function_3 a step x -= lr * (2 x + sum(x)) scales the mean of x's 6 elements by 1 - 8 lr and
    their deviations from it by 1 - 2 lr: 0.6 and 0.9 with lr = 0.05."""
    x = rng.standard_normal((2, 3))
    expected = 0.9 ** 10 * (x - x.mean()) + 0.6 ** 10 * x.mean()
    compare_descent(_("gradient_descent(function_3, x of shape (2, 3), lr=0.05, step_num=10)"),
                    kernel.call("gradient_descent", function_3, x.copy(), lr=0.05, step_num=10), expected,
                    against=EXPECTED, rtol=1e-6, atol=1e-9)


# -- simpleNet ---------------------------------------------------------------------------------------

# The book's example: its W, one input, its one-hot target; and a batch of three with labels.
BOOK_W = numpy.array([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])
BOOK_X, BOOK_X_T = numpy.array([0.6, 0.9]), numpy.array([0, 0, 1])
X3, LABELS3 = numpy.array([[0.6, 0.9], [-1.0, 0.3], [0.2, 0.1]]), numpy.array([2, 0, 1])
# The loss and dL/dW of the two (reference.gradients.simpleNet's loss and analytic gradient).
BOOK_LOSS, X3_LOSS = 0.9280682857864075, 0.9273900789510702
BOOK_DW = [[0.2192476266788698, 0.14356246612192342, -0.3628100928007932],
           [0.3288714400183047, 0.21534369918288512, -0.5442151392011898]]
X3_DW = [[0.27072864110250344, -0.06951512389995199, -0.20121351720255146],
         [0.06762723586642644, 0.07135561569933387, -0.1389828515657603]]


def book_net(kernel):
    """A simpleNet with the book's W written into its own array."""
    net = kernel.new("simpleNet")
    W = as_array("simpleNet.W", net.get("W"))
    if W.shape != (2, 3):
        fail(_("simpleNet.W has shape {got}, expected (2, 3)").format(got=W.shape))
    net.set_item("W", value=BOOK_W)
    return net


@visible(id="simple_net.predict", target="simpleNet")
def simple_net_predict(kernel, rng):
    net = book_net(kernel)
    for x in (BOOK_X, X3):
        expect(_("simpleNet.predict on shape {shape}").format(shape=x.shape), net.call("predict", x), x @ BOOK_W,
               mistakes=[(softmax(x @ BOOK_W), SCORES)])


@visible_calling(id="simple_net.loss", target="simpleNet", calls=["cross_entropy_error"])
def simple_net_loss(kernel, rng):
    net = book_net(kernel)
    # the batch first: its negative scores make a loss without softmax nan, which names the mistake
    for x, t, name, expected in [(X3, LABELS3, N_("simpleNet.loss on a batch of 3 with labels"), X3_LOSS),
                                 (X3, numpy.eye(3, dtype=int)[LABELS3],
                                  N_("simpleNet.loss on a batch of 3 with one-hot targets"), X3_LOSS),
                                 (BOOK_X, BOOK_X_T, N_("simpleNet.loss on the book's example"), BOOK_LOSS)]:
        got = as_array(_(name), net.call("loss", x, t))
        if got.shape == () and not numpy.isfinite(float(got)):
            fail(_("{name} is {value}").format(name=_(name), value=float(got)), NO_SOFTMAX)
        batch_size = len(x) if x.ndim == 2 else 1
        expect(_(name), got, expected, rtol=LOSS_RTOL, mistakes=[(batch_size * expected, SUMMED)])


@visible_calling(id="simple_net.numerical_gradient", target="simpleNet",
                 calls=["cross_entropy_error", "numerical_gradient"])
def simple_net_numerical_gradient(kernel, rng):
    net = book_net(kernel)
    for x, t, name, want in [(BOOK_X, BOOK_X_T, N_("simpleNet.numerical_gradient on the book's example"), BOOK_DW),
                             (X3, LABELS3, N_("simpleNet.numerical_gradient on a batch of 3"), X3_DW)]:
        name = _(name)
        got = as_array(name, net.call("numerical_gradient", x, t))
        if not numpy.array_equal(as_array("simpleNet.W", net.get("W")), BOOK_W):
            fail(_("simpleNet.W changed during numerical_gradient"), RESTORE_W)
        if got.shape != (2, 3):
            fail(_("simpleNet.numerical_gradient returned shape {got}, expected {expected} (the shape of W)").format(
                got=got.shape, expected=(2, 3)))
        if not numpy.any(got):
            fail(_("{name} returned all zeros").format(name=name), IN_PLACE)
        err = normalised_error(got, want)
        if not err < GRAD_TOL:
            fail(_("{name} differs from dL/dW: normalised error {error:.3g}").format(name=name, error=err))


# -- TwoLayerNet ------------------------------------------------------------------------------------
# The spiral notebook grades a TwoLayerNet of its own and calls check("TwoLayerNet") alone; this
# notebook's checks run by check("TwoLayerNet", assignment="gradients").

# A TwoLayerNet(3, 4, 3) with fixed weights, four inputs and their labels; probabilities of the correct
# classes are 0.19 or more, so that the 1e-7 inside the loss's log stays far below the gradient tolerance.
SIZES = (3, 4, 3)
NET_X, NET_LABELS = numpy.sin(numpy.arange(1.0, 13.0)).reshape(4, 3), numpy.array([0, 2, 1, 2])
NET_PARAMS = {"W1": 1.5 * numpy.cos(numpy.arange(12.0)).reshape(3, 4), "b1": 0.2 * numpy.sin(numpy.arange(4.0) * 2 + 1),
              "W2": 2 * numpy.sin(numpy.arange(12.0) * 0.7 + 0.3).reshape(4, 3), "b2": numpy.array([0.1, -0.1, 0.05])}
# reference.gradients.TwoLayerNet's predict and loss for them, and the gradients of known mistakes
# (grader/checks/test_gradients.py's gradient_mistakes).
NET_PREDICTED = [[0.272766465347, 0.335699421843, 0.39153411281],
                 [0.194583924936, 0.338639808419, 0.466776266645],
                 [0.238302856416, 0.33093311247, 0.430764031114],
                 [0.228852245162, 0.347762652283, 0.423385102555]]
NET_LOSS = 1.0065888747047822
NET_MISTAKES = {
    "W1": [([[0.06268187255, 0.155725455353, -0.188239253372, -0.026102024275],
             [0.07818069967, 0.209085124334, -0.289227596716, -0.038129590639],
             [0.021800552062, 0.070212894248, -0.124301421481, -0.015100987214]], SIGMOID_OF_A1),
           ([[0.298349868226, -0.664903380843, 0.372997895282, 0.288290311929],
             [0.369998634972, -0.877538423272, 0.516045074279, 0.356491732176],
             [0.101472363061, -0.28336868632, 0.184642791848, 0.096936297907]], NO_SIGMOID_DERIVATIVE)],
    "b1": [([0.024925398681, -0.309457764099, 0.400629969796, -0.017330470122], SIGMOID_OF_A1)],
}
TARGET_KINDS = [(ONE_HOT_TARGETS, numpy.eye(3, dtype=int)[NET_LABELS]), (LABEL_TARGETS, NET_LABELS)]


def fixed_net(kernel):
    """A student TwoLayerNet(3, 4, 3) with NET_PARAMS written into its own arrays."""
    net = kernel.new("TwoLayerNet", *SIZES)
    param_shapes(net.get("params"), SIZES)
    for key in KEYS:
        net.set_item("params", key, value=NET_PARAMS[key])
    return net


@visible(id="two_layer_net.init", target="TwoLayerNet", by_assignment_only=True)
def tln_init(kernel, rng):
    initial_params(kernel.new("TwoLayerNet", 60, 40, 10).get("params"))
    initial_params(kernel.new("TwoLayerNet", 60, 40, 10, 0.1).get("params"), 0.1)


@visible(id="two_layer_net.predict", target="TwoLayerNet", by_assignment_only=True)
def tln_predict(kernel, rng):
    y = as_array("TwoLayerNet.predict", fixed_net(kernel).call("predict", NET_X))
    if y.shape == (4, 3) and not close(y.sum(axis=1), numpy.ones(4), rtol=1e-6, atol=1e-8):
        fail(_("the rows of TwoLayerNet.predict sum to {sums}, not 1").format(
            sums=numpy.round(y.sum(axis=1), 4).tolist()), PROBABILITIES)
    expect("TwoLayerNet.predict", y, NET_PREDICTED)


@visible_calling(id="two_layer_net.loss", target="TwoLayerNet", calls=["cross_entropy_error"],
                 by_assignment_only=True)
def tln_loss(kernel, rng):
    net = fixed_net(kernel)
    for kind, t in TARGET_KINDS:
        expect(_("TwoLayerNet.loss with {targets}").format(targets=_(kind)), net.call("loss", NET_X, t), NET_LOSS,
               rtol=LOSS_RTOL,
               mistakes=[(len(NET_X) * NET_LOSS, SUMMED)])


@visible(id="two_layer_net.accuracy", target="TwoLayerNet", by_assignment_only=True)
def tln_accuracy(kernel, rng):
    """Labels that agree with the network's own predictions on three rows of four."""
    net = fixed_net(kernel)
    labels = as_array("TwoLayerNet.predict", net.call("predict", NET_X)).argmax(axis=-1)
    labels[0] = (labels[0] + 1) % 3
    for kind, t in [(ONE_HOT_TARGETS, numpy.eye(3, dtype=int)[labels]), (LABEL_TARGETS, labels)]:
        try:
            got = net.call("accuracy", NET_X, t)
        except StudentRaised as exc:
            raised(exc, _("TwoLayerNet.accuracy with {targets}").format(targets=_(kind)), ACCURACY_TARGETS)
        expect(_("TwoLayerNet.accuracy with {targets} (3 of 4 predictions right)").format(targets=_(kind)), got, 0.75,
               rtol=1e-12, mistakes=[(3.0, FRACTION)])


@visible_calling(id="two_layer_net.numerical_gradient", target="TwoLayerNet",
                 calls=["cross_entropy_error", "numerical_gradient"], by_assignment_only=True)
def tln_numerical_gradient(kernel, rng):
    """Against central differences of the network's own loss."""
    net = fixed_net(kernel)
    got = gradient_dict("TwoLayerNet.numerical_gradient(x, t)", net.call("numerical_gradient", NET_X, NET_LABELS))
    after = net.get("params")
    for key in KEYS:
        if not numpy.array_equal(numpy.asarray(after[key]), NET_PARAMS[key]):
            fail(_("params['{key}'] changed during numerical_gradient").format(key=key), RESTORE_PARAMS)
    for key in KEYS:
        if got[key].shape != NET_PARAMS[key].shape:
            fail(_("numerical_gradient['{key}'] has shape {got}, expected {expected}").format(
                key=key, got=got[key].shape, expected=NET_PARAMS[key].shape))
        if not numpy.any(got[key]):
            fail(_("TwoLayerNet.numerical_gradient(x, t)['{key}'] is all zeros").format(key=key), IN_PLACE)
        own = central_differences(net, "loss", [NET_X, NET_LABELS], ["param", ["params", key]], NET_PARAMS[key], 1.0)
        err = normalised_error(got[key], own)
        if not err < GRAD_TOL:
            fail(_("TwoLayerNet.numerical_gradient(x, t)['{key}'] differs from central differences of your own "
                   "loss: normalised error {error:.3g}").format(key=key, error=err))


@visible_calling(id="two_layer_net.gradient", target="TwoLayerNet", calls=["cross_entropy_error"],
                 by_assignment_only=True)
def tln_gradient(kernel, rng):
    """Against central differences of the network's own loss, with one-hot targets and with labels."""
    net = fixed_net(kernel)
    for kind, t in TARGET_KINDS:
        name = _("TwoLayerNet.gradient with {targets}").format(targets=_(kind))
        try:
            got = gradient_dict(name, net.call("gradient", NET_X, t))
        except StudentRaised as exc:
            raised(exc, name, GRADIENT_LABELS if t.ndim == 1 else None)
        for key in ("W2", "b2", "W1", "b1"):
            gradient_agrees(net, _("TwoLayerNet.gradient(x, t) with {targets}: ['{key}']").format(
                targets=_(kind), key=key), got[key],
                            ["param", ["params", key]], NET_PARAMS[key], [NET_X, t], method="loss",
                            mistakes=NET_MISTAKES.get(key, ()),
                            hint=lambda analytic, numeric: scale_hint(analytic, numeric, len(NET_X)))


# -- train ------------------------------------------------------------------------------------------

ANALYTIC, NUMERICAL = 1.0, 2.0   # every element of the stand-in's gradients, from gradient / numerical_gradient
STAND_IN_SHAPES = {"W1": (2, 3), "b1": (3,), "W2": (3, 2), "b2": (2,)}
# Ten samples whose first feature is their label, so that a batch shows whether x and t were drawn together.
TRAIN_X, TRAIN_T = numpy.stack([numpy.arange(10.0), numpy.ones(10)], axis=1), numpy.arange(10)
ITERS, BATCH, LR = 3, 4, 0.5


class StandInNetwork:
    """What train uses of a network, with gradients known in advance; its loss is that of a new
    network on ten classes, a NumPy float as a real network's (loss(...).item() works)."""

    def __init__(self):
        self.params = {key: numpy.zeros(shape) for key, shape in STAND_IN_SHAPES.items()}
        self.aligned = True

    def _gradients(self, x, t, value):
        self.aligned &= bool(numpy.array_equal(numpy.asarray(x)[:, 0], numpy.asarray(t)))
        return {key: numpy.full(shape, value) for key, shape in STAND_IN_SHAPES.items()}

    def gradient(self, x, t):
        return self._gradients(x, t, ANALYTIC)

    def numerical_gradient(self, x, t):
        return self._gradients(x, t, NUMERICAL)

    def loss(self, x, t):
        return numpy.float64(math.log(10))

    def predict(self, x):
        return numpy.full((len(x), 10), 0.1)

    def accuracy(self, x, t):
        return numpy.float64(0.1)


def train_stand_in(kernel, numerical):
    network = StandInNetwork()
    losses = kernel.call("train", network, TRAIN_X, TRAIN_T, iters_num=ITERS, batch_size=BATCH, learning_rate=LR,
                         numerical=numerical)
    return network, losses


def moved_by(network, gradient, used, other):
    """Fail unless every parameter moved by ITERS steps of LR * `gradient` (the gradient method `used`)."""
    if not network.aligned:
        fail(_("train gave the network batches whose x and t rows do not belong together"),
             N_("draw one batch_mask and index both with it: x[batch_mask], t[batch_mask]"))
    if not any(numpy.any(network.params[key]) for key in KEYS):
        fail(_("train did not change network.params"), UPDATE_IN_PLACE)
    for key, shape in STAND_IN_SHAPES.items():
        expect(_("network.params['{key}'] after {iters} iterations of learning_rate={lr} times {method}'s gradient")
               .format(key=key, iters=ITERS, lr=LR, method=used),
               network.params[key], numpy.full(shape, -ITERS * LR * gradient), rtol=1e-12,
               mistakes=[(numpy.full(shape, -ITERS * LR * other), USE_NUMERICAL)])


@visible(id="train.losses", target="train")
def train_losses(kernel, rng):
    losses = train_stand_in(kernel, numerical=False)[1]
    loss_list(losses, ITERS, BATCH)


@visible(id="train.updates", target="train")
def train_updates(kernel, rng):
    network = train_stand_in(kernel, numerical=False)[0]
    moved_by(network, ANALYTIC, "network.gradient", NUMERICAL)


@visible(id="train.numerical", target="train")
def train_numerical(kernel, rng):
    network = train_stand_in(kernel, numerical=True)[0]
    moved_by(network, NUMERICAL, "network.numerical_gradient (numerical=True)", ANALYTIC)
