"""Hidden checks for the `forward` assignment (first book, ch. 3): activation functions,
softmax, the three-layer network with the book's weights, and batched inference on the
8x8 digits.

The functions are called with judge-made arrays; a network is a plain dict of arrays,
so the judge sends whole networks (its own, never the submission's `init_network()`)
and judges `forward`, `predict` and `accuracy` independently of each other. The digits
network is the reference's closed-form one, built from the same data as the notebook's.
"""

import numpy
import pytest

from backprop_lab_check.i18n import N_, _
from backprop_lab_check.shared.forward import (
    BATCH_SIZES, BOOK_TRACE, COUNT, DROPPED, ERROR_RATE, IDENTITY, LARGE_SCORES, LAST_3_SKIPPED, MIXED_ROWS, PERCENTAGE,
    SIGMOID_LIMITS, batch_size_setting, book_network, float32_like_float64, forward_mistakes, predict_mistakes,
    relu_mistakes, sigmoid_limits, judge_trace, sigmoid_mistakes, softmax_keeps_its_input, softmax_mistakes,
    softmax_stable, softmax_vector_mistakes, step_integers, step_values)
from backprop_lab_check.verdicts import as_array, call_pure, compare

import reference.forward as rf
from grader.judge.ahead import ahead

check = pytest.mark.check


@ahead
def digits():
    """(network, x_test, t_test) as the notebook builds them."""
    (x_train, t_train), (x_test, t_test) = rf.load_digits_data()
    return rf.digits_network(x_train, t_train), x_test, t_test


def kinked(rng, shape, margin=0.1):
    x = rng.standard_normal(shape) * 2
    return numpy.where(numpy.abs(x) < margin, margin, x)


# -- activation functions -----------------------------------------------------------------------

@check(id="step_function.values", target="step_function", points=1)
def test_step_function(student, rng):
    for shape in [(7,), (3, 4), (2, 2, 3)]:
        x = rng.standard_normal(shape)
        x.flat[0], x.flat[-1] = 0.0, -0.0
        got = step_values(student, x, (x > 0).astype(int), _("step_function on shape {shape}").format(shape=shape))
    step_integers(got)


@check(id="sigmoid.values", target="sigmoid", points=1)
def test_sigmoid_values(student, rng):
    x = rng.standard_normal((4, 5)) * 3
    compare("sigmoid", call_pure(student, "sigmoid", x), rf.sigmoid(x), mistakes=sigmoid_mistakes(x))


@check(id="sigmoid.large_inputs", target="sigmoid", points=1)
def test_sigmoid_large(student):
    sigmoid_limits(student, rf.sigmoid(SIGMOID_LIMITS))


@check(id="sigmoid.float32", target="sigmoid", points=1)
def test_sigmoid_float32(student, rng):
    x = (rng.standard_normal((3, 5)) * 2).astype(numpy.float32)
    float32_like_float64(student, "sigmoid", x)


@check(id="relu.values", target="relu", points=1)
def test_relu_values(student, rng):
    for shape in [(6,), (4, 5), (2, 3, 2)]:
        x = kinked(rng, shape)
        got = call_pure(student, "relu", x)
        compare(_("relu on shape {shape}").format(shape=shape), got, numpy.maximum(0, x), mistakes=relu_mistakes(x))


@check(id="relu.float32", target="relu", points=1)
def test_relu_float32(student, rng):
    x = kinked(rng, (3, 4)).astype(numpy.float32)
    float32_like_float64(student, "relu", x)


@check(id="identity_function", target="identity_function", points=1)
def test_identity(student, rng):
    for x in (rng.standard_normal((3, 4)), rng.standard_normal(5).astype(numpy.float32)):
        compare(_("identity_function on shape {shape}").format(shape=x.shape),
                call_pure(student, "identity_function", x), x, rtol=0, atol=0, dtype=x.dtype,
                mistakes=[(rf.sigmoid(x), IDENTITY)])


# -- softmax --------------------------------------------------------------------------------------

@check(id="softmax.vector", target="softmax", points=1)
def test_softmax_vector(student, rng):
    for a in (numpy.array([0.3, 2.9, 4.0]), rng.standard_normal(7) * 3):
        compare(_("softmax of a vector of {size}").format(size=a.size), call_pure(student, "softmax", a), rf.softmax(a),
                mistakes=softmax_vector_mistakes(a))


@check(id="softmax.batched", target="softmax", points=2)
def test_softmax_batched(student, rng):
    for shape in [(5, 4), (2, 3, 4)]:
        a = rng.standard_normal(shape) * 2
        compare(_("softmax of a batch of shape {shape}").format(shape=shape), call_pure(student, "softmax", a),
                rf.softmax(a), mistakes=softmax_mistakes(a))


@check(id="softmax.stable", target="softmax", points=1)
def test_softmax_stable(student):
    softmax_stable(student, rf.softmax(LARGE_SCORES), rf.softmax(MIXED_ROWS))


@check(id="softmax.input_unchanged", target="softmax", points=1)
def test_softmax_input(student, rng):
    softmax_keeps_its_input(student, rng.standard_normal((3, 4)) * 3)


@check(id="softmax.float32", target="softmax", points=1)
def test_softmax_float32(student, rng):
    a = (rng.standard_normal((4, 5)) * 3).astype(numpy.float32)
    float32_like_float64(student, "softmax", a)


# -- the three-layer network -----------------------------------------------------------------------

@check(id="init_network", target="init_network", points=2)
def test_init_network(student):
    book_network(student.call("init_network"), rf.init_network())


def network_of(rng, sizes):
    net = {}
    for i, (d, h) in enumerate(zip(sizes, sizes[1:]), start=1):
        net[f"W{i}"], net[f"b{i}"] = rng.standard_normal((d, h)), rng.standard_normal(h) * 0.5
    return net


def forward_mistakes_of(net, x):
    no_bias = {k: (v * 0 if k.startswith("b") else v) for k, v in net.items()}
    return forward_mistakes(rf.forward(net, x), rf.forward(no_bias, x), rf.scores(net, x, hidden=rf.relu))


@check(id="forward.book_example", target="forward", points=2)
def test_forward_example(student):
    net, x = rf.init_network(), numpy.array([1.0, 0.5])
    compare("forward(init_network(), [1.0, 0.5])", call_pure(student, "forward", net, x),
            numpy.array([0.31682708, 0.69627909]), rtol=1e-7, mistakes=forward_mistakes_of(net, x))


@check(id="forward.batch_and_sizes", target="forward", points=1)
def test_forward_general(student, rng):
    net = network_of(rng, (4, 5, 3, 2))
    x = rng.standard_normal((6, 4))
    compare(_("{function} on a {sizes} network, batch of {count}").format(function="forward", sizes="4-5-3-2", count=6),
            call_pure(student, "forward", net, x), rf.forward(net, x), mistakes=forward_mistakes_of(net, x))
    compare(_("{function} on a {sizes} network, one input").format(function="forward", sizes="4-5-3-2"),
            call_pure(student, "forward", net, x[0]), rf.forward(net, x[0]), mistakes=forward_mistakes_of(net, x[0]))


@check(id="forward_trace.book_values", target="forward_trace", points=2)
def test_forward_trace_book(student):
    """Against the values the book prints for its network and the input (1.0, 0.5), to its 8 digits."""
    net, x = rf.init_network(), numpy.array([1.0, 0.5])
    judge_trace(call_pure(student, "forward_trace", net, x), net, x, BOOK_TRACE,
                "forward_trace(init_network(), [1.0, 0.5])", rtol=1e-7)


@check(id="forward_trace.batch_and_sizes", target="forward_trace", points=1)
def test_forward_trace_general(student, rng):
    net, x = network_of(rng, (4, 5, 3, 2)), rng.standard_normal((6, 4))
    judge_trace(call_pure(student, "forward_trace", net, x), net, x, rf.forward_trace(net, x),
                _("{function} on a {sizes} network, batch of {count}").format(
                    function="forward_trace", sizes="4-5-3-2", count=6))


# -- inference on the digits -------------------------------------------------------------------------

def predict_mistakes_of(net, x):
    return predict_mistakes(rf.scores(net, x), rf.softmax(rf.scores(net, x, hidden=rf.relu)))


@check(id="predict.batch", target="predict", points=2)
def test_predict_batch(student):
    net, x_test = digits()[:2]
    x = x_test[:20]
    compare(_("predict on {count} digit images").format(count=len(x)), call_pure(student, "predict", net, x),
            rf.predict(net, x), mistakes=predict_mistakes_of(net, x))


@check(id="predict.one_image", target="predict", points=1)
def test_predict_one(student):
    net, x_test = digits()[:2]
    x = x_test[3]
    compare(_("predict on one image of shape {shape}").format(shape=x.shape), call_pure(student, "predict", net, x),
            rf.predict(net, x), mistakes=predict_mistakes_of(net, x))


def judged_accuracy(student, label, net, x, t, **kwargs):
    """accuracy(net, x, t, **kwargs) of the submission, an array named `label` in a failed check."""
    return as_array(label, call_pure(student, "accuracy", net, x, t, **kwargs))


@check(id="accuracy.digits", target="accuracy", points=2)
def test_accuracy_digits(student):
    net, x_test, t_test = digits()
    expected = rf.accuracy(net, x_test, t_test)
    hits = expected * len(x_test)
    got = judged_accuracy(student, _("accuracy(digits network, {count} test images, {setting})").format(
        count=len(x_test), setting="batch_size=100"), net, x_test, t_test, batch_size=100)
    compare(_("accuracy on the {count} test images").format(count=len(x_test)), got, expected, rtol=1e-9,
            mistakes=[(hits, COUNT), (100 * expected, PERCENTAGE), (1 - expected, ERROR_RATE)])


@check(id="accuracy.last_batch", target="accuracy", points=1)
def test_accuracy_last_batch(student):
    net, x_test, t_test = digits()
    x, t = x_test[:53], t_test[:53]
    expected = rf.accuracy(net, x, t)
    hits_50 = rf.accuracy(net, x[:50], t[:50]) * 50
    got = judged_accuracy(student, _("accuracy({count} images, {setting})").format(
        count=len(x), setting="batch_size=10"), net, x, t, batch_size=10)
    compare(_("accuracy of {count} images in batches of {size}").format(count=len(x), size=10), got, expected,
            rtol=1e-9, mistakes=[(hits_50 / 53, LAST_3_SKIPPED), (hits_50 / 50, LAST_3_SKIPPED)])


@check(id="accuracy.batch_size", target="accuracy", points=1)
def test_accuracy_batch_size(student):
    net, x_test, t_test = digits()
    x, t = x_test[:120], t_test[:120]
    expected = rf.accuracy(net, x, t)
    for kwargs in BATCH_SIZES:
        setting = batch_size_setting(kwargs)
        got = judged_accuracy(student, _("accuracy({count} images, {setting})").format(count=len(x), setting=setting),
                              net, x, t, **kwargs)
        size = kwargs.get("batch_size", 100)
        whole = len(x) // size * size  # the images in complete batches
        hits = rf.accuracy(net, x[:whole], t[:whole]) * whole if whole else 0.0
        compare(_("accuracy of {count} images with {setting}").format(count=len(x), setting=setting), got, expected,
                rtol=1e-9,
                mistakes=[(expected * len(x), N_("return the fraction of correct predictions, not the count")),
                          (hits / len(x), DROPPED), (hits / max(whole, 1), DROPPED)])
