"""Hidden checks for the `forward` assignment (first book, ch. 3): activation functions,
softmax, the three-layer network with the book's weights, and batched inference on the
8x8 digits.

The functions are called with judge-made arrays; a network is a plain dict of arrays,
so the judge sends whole networks (its own, never the submission's `init_network()`)
and judges `forward`, `predict` and `accuracy` independently of each other. The digits
network is the reference's closed-form one, built from the same data as the notebook's.
"""
import functools

import numpy
import pytest

from backprop_lab_check.tolerances import FLOAT32
from backprop_lab_check.verdicts import PartialCredit, as_array, call_pure, compare, fail

import reference.forward as rf

check = pytest.mark.check
UNSTABLE = ("np.exp overflows for large scores: subtract the maximum first, "
            "np.exp(a - np.max(a, axis=-1, keepdims=True))")
ROWWISE = ("normalise every row on its own: max and sum over the last axis with axis=-1, keepdims=True, "
           "so that one vector, a batch and arrays with more axes all work")


@functools.lru_cache(maxsize=1)
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
        got = as_array(f"step_function on shape {shape}", call_pure(student, "step_function", x))
        expected = (x > 0).astype(int)
        compare(f"step_function on shape {shape}", got.astype(numpy.float64) if got.dtype == bool else got, expected,
                mistakes=[((x >= 0).astype(int), "step(0) = 0: the step is 1 only where x > 0, not x >= 0")])
    if not numpy.issubdtype(got.dtype, numpy.integer):
        raise PartialCredit(0.5, f"step_function returns {got.dtype} values; the notebook asks for integers",
                            "convert the comparison: np.array(x > 0, dtype=int)")


SIGMOID_PRECEDENCE = "operator precedence: 1 / 1 + np.exp(-x) is 1 + exp(-x); write 1 / (1 + np.exp(-x))"
OWN = "your own float64 result"


def own_float64(student, name, x):
    """The submission's own `name` on the float64 copy of a float32 input: what its float32 result
    must agree with (a formula mistake is the same in both, and charged by the formula's checks)."""
    return as_array(f"{name} (float64)", call_pure(student, name, x.astype(numpy.float64)))


@check(id="sigmoid.values", target="sigmoid", points=1)
def test_sigmoid_values(student, rng):
    x = rng.standard_normal((4, 5)) * 3
    compare("sigmoid", call_pure(student, "sigmoid", x), rf.sigmoid(x),
            mistakes=[(1 + numpy.exp(-x), SIGMOID_PRECEDENCE),
                      (1 / (1 + numpy.exp(x)), "the minus sign is missing: sigmoid(x) = 1 / (1 + exp(-x))"),
                      (numpy.exp(-x) / (1 + numpy.exp(-x)), "that is 1 - sigmoid(x): sigmoid(x) = 1 / (1 + exp(-x))")])


@check(id="sigmoid.large_inputs", target="sigmoid", points=1)
def test_sigmoid_large(student):
    x = numpy.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    got = as_array("sigmoid([-1000, -40, 0, 40, 1000])", call_pure(student, "sigmoid", x))
    with numpy.errstate(over="ignore"):
        if got.shape == x.shape and numpy.array_equal(got, 1 + numpy.exp(-x)):
            fail(f"sigmoid([-1000, -40, 0, 40, 1000]) returned {got.tolist()}", SIGMOID_PRECEDENCE)
    if got.shape == x.shape and not numpy.all(numpy.isfinite(got.astype(numpy.float64))):
        fail(f"sigmoid([-1000, -40, 0, 40, 1000]) returned {got.tolist()}",
             "exp(1000) is inf and inf / inf is nan: 1 / (1 + np.exp(-x)) gives the right limits, 0 and 1")
    compare("sigmoid([-1000, -40, 0, 40, 1000])", got, rf.sigmoid(x), rtol=1e-9, atol=1e-12)


@check(id="sigmoid.float32", target="sigmoid", points=1)
def test_sigmoid_float32(student, rng):
    x = (rng.standard_normal((3, 5)) * 2).astype(numpy.float32)
    compare("sigmoid (float32)", call_pure(student, "sigmoid", x), own_float64(student, "sigmoid", x),
            dtype=numpy.float32, against=OWN, **FLOAT32)


@check(id="relu.values", target="relu", points=1)
def test_relu_values(student, rng):
    for shape in [(6,), (4, 5), (2, 3, 2)]:
        x = kinked(rng, shape)
        got = call_pure(student, "relu", x)
        compare(f"relu on shape {shape}", got, numpy.maximum(0, x),
                mistakes=[((x > 0).astype(float), "relu returns max(0, x), not the mask x > 0"),
                          (numpy.minimum(0, x), "relu is max(0, x): np.maximum, not np.minimum")])


@check(id="relu.float32", target="relu", points=1)
def test_relu_float32(student, rng):
    x = kinked(rng, (3, 4)).astype(numpy.float32)
    compare("relu (float32)", call_pure(student, "relu", x), own_float64(student, "relu", x),
            dtype=numpy.float32, against=OWN, **FLOAT32)


@check(id="identity_function", target="identity_function", points=1)
def test_identity(student, rng):
    for x in (rng.standard_normal((3, 4)), rng.standard_normal(5).astype(numpy.float32)):
        compare(f"identity_function on shape {x.shape}", call_pure(student, "identity_function", x), x,
                rtol=0, atol=0, dtype=x.dtype,
                mistakes=[(rf.sigmoid(x), "the identity function returns its input unchanged: return x")])


# -- softmax --------------------------------------------------------------------------------------

def softmax_mistakes(a):
    wrong = []
    for e in (numpy.exp(a - a.max()), numpy.exp(a - a.max(axis=-1, keepdims=True))):  # global or row maxima
        wrong.append((e / e.sum(), "softmax normalised the whole array at once: " + ROWWISE))
        if a.ndim > 1:
            wrong.append((e / e.sum(axis=0, keepdims=True), "softmax normalised over axis 0 (the batch): " + ROWWISE))
        if a.ndim > 2:
            wrong.append((e / e.sum(axis=1, keepdims=True), "axis=1 is only the last axis of a 2-D array: " + ROWWISE))
    return wrong


@check(id="softmax.vector", target="softmax", points=1)
def test_softmax_vector(student, rng):
    for a in (numpy.array([0.3, 2.9, 4.0]), rng.standard_normal(7) * 3):
        compare(f"softmax of a vector of {a.size}", call_pure(student, "softmax", a), rf.softmax(a),
                mistakes=[(numpy.exp(a), "divide by the sum of the exponentials"),
                          (a / a.sum(), "softmax exponentiates first: exp(a) / sum(exp(a))")])


@check(id="softmax.batched", target="softmax", points=2)
def test_softmax_batched(student, rng):
    for shape in [(5, 4), (2, 3, 4)]:
        a = rng.standard_normal(shape) * 2
        compare(f"softmax of a batch of shape {shape}", call_pure(student, "softmax", a), rf.softmax(a),
                mistakes=softmax_mistakes(a))


@check(id="softmax.stable", target="softmax", points=1)
def test_softmax_stable(student):
    big = numpy.array([1010.0, 1000.0, 990.0])
    got = as_array("softmax([1010, 1000, 990])", call_pure(student, "softmax", big))
    if got.shape == big.shape and not numpy.all(numpy.isfinite(got.astype(numpy.float64))):
        fail(f"softmax([1010, 1000, 990]) returned {got.tolist()}", UNSTABLE)
    compare("softmax([1010, 1000, 990])", got, rf.softmax(big))
    rows = numpy.array([[1010.0, 1000.0, 990.0], [-1000.0, -1000.0, -1010.0], [0.5, 0.1, -0.3]])
    got = as_array("softmax of a batch with rows near 1000, -1000 and 0", call_pure(student, "softmax", rows))
    if got.shape == rows.shape and not numpy.all(numpy.isfinite(got.astype(numpy.float64))):
        fail("softmax of a batch with rows near 1000, -1000 and 0 returns nan in the row near -1000",
             "subtracting the maximum of the WHOLE batch leaves exp(-2000) = 0 in that row and 0 / 0 = nan: "
             "subtract each row's own maximum, np.max(a, axis=-1, keepdims=True)")
    compare("softmax of a batch with rows near 1000, -1000 and 0", got, rf.softmax(rows),
            mistakes=softmax_mistakes(rows))


@check(id="softmax.input_unchanged", target="softmax", points=1)
def test_softmax_input(student, rng):
    a = rng.standard_normal((3, 4)) * 3
    result, (after,) = student.call("softmax", a, keep_args=True)
    as_array("softmax", result)
    if not numpy.array_equal(numpy.asarray(after), a):
        fail("softmax modified the array it was given",
             "a -= c subtracts in place and changes the caller's scores; compute a - c into a new array")


@check(id="softmax.float32", target="softmax", points=1)
def test_softmax_float32(student, rng):
    a = (rng.standard_normal((4, 5)) * 3).astype(numpy.float32)
    compare("softmax (float32)", call_pure(student, "softmax", a), own_float64(student, "softmax", a),
            dtype=numpy.float32, against=OWN, **FLOAT32)


# -- the three-layer network -----------------------------------------------------------------------

SHAPES = {"W1": (2, 3), "b1": (3,), "W2": (3, 2), "b2": (2,), "W3": (2, 2), "b3": (2,)}
OUTPUT_IDENTITY = "the output layer of forward uses identity_function; sigmoid belongs to the hidden layers only"


@check(id="init_network", target="init_network", points=2)
def test_init_network(student):
    network = student.call("init_network")
    if not isinstance(network, dict):
        fail(f"init_network() should return a dict of arrays, got {type(network).__name__}")
    if sorted(network) != sorted(SHAPES):
        fail(f"init_network() has the keys {sorted(network)}, expected {sorted(SHAPES)}")
    for key, value in rf.init_network().items():
        got = as_array(f"network['{key}']", network[key])
        compare(f"network['{key}']", got, value, rtol=1e-12,
                mistakes=[(value.T, f"{key} is transposed: it has shape {SHAPES[key]}, row i holding the "
                                    "weights that leave neuron i of the layer before")] if value.ndim == 2 else [])


def network_of(rng, sizes):
    net = {}
    for i, (d, h) in enumerate(zip(sizes, sizes[1:]), start=1):
        net[f"W{i}"], net[f"b{i}"] = rng.standard_normal((d, h)), rng.standard_normal(h) * 0.5
    return net


def forward_mistakes(net, x):
    no_bias = {k: (v * 0 if k.startswith("b") else v) for k, v in net.items()}
    return [(rf.sigmoid(rf.forward(net, x)), OUTPUT_IDENTITY),
            (rf.softmax(rf.forward(net, x)), "forward's output layer is the identity; softmax belongs to predict"),
            (rf.forward(no_bias, x), "the biases are missing: a = x @ W + b in every layer"),
            (rf.scores(net, x, hidden=rf.relu), "the hidden layers use sigmoid (ReLU comes later)")]


@check(id="forward.book_example", target="forward", points=2)
def test_forward_example(student):
    net, x = rf.init_network(), numpy.array([1.0, 0.5])
    compare("forward(init_network(), [1.0, 0.5])", call_pure(student, "forward", net, x),
            numpy.array([0.31682708, 0.69627909]), rtol=1e-7, mistakes=forward_mistakes(net, x))


@check(id="forward.batch_and_sizes", target="forward", points=1)
def test_forward_general(student, rng):
    net = network_of(rng, (4, 5, 3, 2))
    x = rng.standard_normal((6, 4))
    compare("forward on a 4-5-3-2 network, batch of 6", call_pure(student, "forward", net, x), rf.forward(net, x),
            mistakes=forward_mistakes(net, x))
    compare("forward on a 4-5-3-2 network, one input", call_pure(student, "forward", net, x[0]), rf.forward(net, x[0]),
            mistakes=forward_mistakes(net, x[0]))


# -- inference on the digits -------------------------------------------------------------------------

def predict_mistakes(net, x):
    a3 = rf.scores(net, x)
    e = numpy.exp(a3 - a3.max())
    wrong = [(a3, "predict returns probabilities: apply softmax to the output layer's scores"),
             (rf.sigmoid(a3), "the output layer of predict uses softmax, not sigmoid"),
             (rf.softmax(rf.scores(net, x, hidden=rf.relu)), "the hidden layers use sigmoid")]
    if x.ndim == 2:
        wrong.append((e / e.sum(axis=0, keepdims=True), "softmax over the classes of each image (the last axis), not over the batch"))
    return wrong


@check(id="predict.batch", target="predict", points=2)
def test_predict_batch(student):
    net, x_test, _ = digits()
    x = x_test[:20]
    compare("predict on 20 digit images", call_pure(student, "predict", net, x), rf.predict(net, x),
            mistakes=predict_mistakes(net, x))


@check(id="predict.one_image", target="predict", points=1)
def test_predict_one(student):
    net, x_test, _ = digits()
    x = x_test[3]
    compare("predict on one image of shape (64,)", call_pure(student, "predict", net, x), rf.predict(net, x),
            mistakes=predict_mistakes(net, x))


def judged_accuracy(student, net, x, t, label, **kwargs):
    return as_array(f"accuracy({label})", call_pure(student, "accuracy", net, x, t, **kwargs))


@check(id="accuracy.digits", target="accuracy", points=2)
def test_accuracy_digits(student):
    net, x_test, t_test = digits()
    expected = rf.accuracy(net, x_test, t_test)
    hits = expected * len(x_test)
    got = judged_accuracy(student, net, x_test, t_test, "digits network, 500 test images, batch_size=100",
                          batch_size=100)
    compare("accuracy on the 500 test images", got, expected, rtol=1e-9,
            mistakes=[(hits, "return the FRACTION of correct predictions (hits / len(x)), not the count"),
                      (100 * expected, "return a fraction between 0 and 1, not a percentage"),
                      (1 - expected, "that is the error rate: count the predictions that EQUAL the label")])


@check(id="accuracy.last_batch", target="accuracy", points=1)
def test_accuracy_last_batch(student):
    net, x_test, t_test = digits()
    x, t = x_test[:53], t_test[:53]
    expected = rf.accuracy(net, x, t)
    hits_50 = rf.accuracy(net, x[:50], t[:50]) * 50
    got = judged_accuracy(student, net, x, t, "53 images, batch_size=10", batch_size=10)
    compare("accuracy of 53 images in batches of 10", got, expected, rtol=1e-9,
            mistakes=[(hits_50 / 53, "the last 3 images were skipped: loop over range(0, len(x), batch_size) "
                                     "so that the last, shorter batch counts too"),
                      (hits_50 / 50, "the last 3 images were skipped: loop over range(0, len(x), batch_size) "
                                     "so that the last, shorter batch counts too")])


@check(id="accuracy.batch_size", target="accuracy", points=1)
def test_accuracy_batch_size(student):
    net, x_test, t_test = digits()
    x, t = x_test[:120], t_test[:120]
    expected = rf.accuracy(net, x, t)
    for kwargs, label in [({}, "the default batch_size"), ({"batch_size": 1}, "batch_size=1"),
                          ({"batch_size": 7}, "batch_size=7"), ({"batch_size": 500}, "batch_size=500")]:
        got = judged_accuracy(student, net, x, t, f"120 images, {label}", **kwargs)
        size = kwargs.get("batch_size", 100)
        whole = len(x) // size * size  # the images in complete batches
        hits = rf.accuracy(net, x[:whole], t[:whole]) * whole if whole else 0.0
        dropped = "the images after the last complete batch were skipped: loop over range(0, len(x), batch_size)"
        compare(f"accuracy of 120 images with {label}", got, expected, rtol=1e-9,
                mistakes=[(expected * len(x), "return the fraction of correct predictions, not the count"),
                          (hits / len(x), dropped), (hits / max(whole, 1), dropped)])
