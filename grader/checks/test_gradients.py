"""Hidden checks for the `gradients` assignment (first book, ch. 4): loss functions,
numerical differentiation, gradient descent, simpleNet, a dict-based TwoLayerNet and
mini-batch training.

Functions cannot cross the wire, so `numerical_diff`, `numerical_gradient` and
`gradient_descent` are asked to differentiate the test functions the notebook provides
(`function_1`, `function_2`, `function_3`), passed by handle (`student.ref`); each is
first evaluated to make sure it is still the provided one. That `numerical_gradient`
perturbs its argument in place (what `lambda W: net.loss(x, t)` relies on) shows in
the networks' `numerical_gradient` methods. Networks get their parameters from the
judge, written into their own arrays; trained weights are scored with the reference's
predict on held-out digits.
"""

import numpy
import pytest

from backprop_lab_check.gradcheck import gradient_agrees, normalised_error
from backprop_lab_check.i18n import N_, _
from backprop_lab_check.shared.gradients import (
    ACCURACY_TARGETS, ANY_SHAPE, BATCH_DIVIDE, BOOK_DESCENT_END, BOOK_DESCENT_MISTAKES, BOOK_T, BOOK_Y,
    DEFAULT_DESCENT_END, DEFAULT_DESCENT_MISTAKES, FRACTION, GRADIENT_LABELS, IN_PLACE, IN_PLACE_X, KEYS,
    LABEL_TARGETS, LABELS, LOG_ZERO, LOSS_RTOL, MEAN, NO_SIGMOID_DERIVATIVE, NO_SOFTMAX, ONE_HOT_TARGETS,
    PROBABILITIES, RESTORE, RESTORE_PARAMS, RESTORE_W, SCORES, SIGMOID_OF_A1, START, SUMMED, UPDATE_IN_PLACE,
    USE_NUMERICAL, ce_mistakes, compare_descent, delta_mistakes, gradient_dict, initial_params, judge_chain_rule,
    judge_restores_x, loss_list, moved_uphill, not_restored, numerical_diff_mistakes, numerical_gradient_mistakes,
    param_shapes, raised, scale_hint, sse_mistakes)
from backprop_lab_check.outcomes import StudentRaised
from backprop_lab_check.tolerances import GRAD_TOL
from backprop_lab_check.verdicts import CheckFailed, PartialCredit, as_array, call_pure, compare, fail

import reference.forward as rf
import reference.gradients as rg
from grader.judge.ahead import ahead

check = pytest.mark.check


@ahead
def digits():
    return rf.load_digits_data(one_hot_label=True)


# -- the provided test functions --------------------------------------------------------------

PROBES = {"function_1": (numpy.float64(5.0), 0.75),
          "function_2": (numpy.array([3.0, 4.0]), 25.0),
          "function_3": (numpy.array([[1.0, 2.0], [-0.5, 0.5]]), 10.0)}


def provided(student, name):
    """A handle to the notebook's provided `name`, after checking it is unchanged."""
    probe, expected = PROBES[name]
    value = student.call(name, probe)
    try:
        ok = numpy.isclose(float(numpy.asarray(value, dtype=numpy.float64)), expected, rtol=1e-12)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        fail(_("the provided {name} has been changed ({name}({probe}) gave {value!r}, expected {expected}); "
               "restore the provided cell: the grader differentiates it").format(
            name=name, probe=probe.tolist(), value=value, expected=expected))
    return student.ref(name)


# -- loss functions --------------------------------------------------------------------------------

def probabilities(rng, n, c):
    return rf.softmax(rng.standard_normal((n, c)) * 2)


@check(id="sum_squared_error.values", target="sum_squared_error", points=1)
def test_sse(student, rng):
    y = probabilities(rng, 4, 5)
    t = numpy.eye(5)[rng.integers(0, 5, size=4)]
    for label, yy, tt in [(_("sum_squared_error on the book's example"), BOOK_Y, BOOK_T),
                          (_("sum_squared_error on a batch of {count}").format(count=4), y, t)]:
        compare(label, student.call("sum_squared_error", yy, tt),
                0.5 * numpy.sum((yy - tt) ** 2), mistakes=sse_mistakes(yy, tt))


@check(id="cross_entropy_error.one_hot", target="cross_entropy_error", points=1)
def test_ce_one_hot(student, rng):
    compare(_("cross_entropy_error on the book's example (one sample, one-hot)"),
            student.call("cross_entropy_error", BOOK_Y, BOOK_T), rg.cross_entropy_error(BOOK_Y, BOOK_T),
            rtol=LOSS_RTOL, mistakes=ce_mistakes(BOOK_Y[None], numpy.array([2])))
    y, labels = probabilities(rng, 5, 4), rng.integers(0, 4, size=5)
    compare(_("cross_entropy_error on a batch of {count} with {targets}").format(count=5, targets=_(ONE_HOT_TARGETS)),
            student.call("cross_entropy_error", y, numpy.eye(4, dtype=int)[labels]),
            rg.cross_entropy_error(y, labels), rtol=LOSS_RTOL, mistakes=ce_mistakes(y, labels))


@check(id="cross_entropy_error.labels", target="cross_entropy_error", points=1)
def test_ce_labels(student, rng):
    y, labels = probabilities(rng, 6, 4), rng.integers(0, 4, size=6)
    try:
        got = student.call("cross_entropy_error", y, labels)
    except StudentRaised as exc:
        raised(exc, _("with {targets} of shape {shape}").format(targets=_(LABEL_TARGETS), shape=labels.shape), LABELS)
    compare(_("cross_entropy_error on a batch of {count} with {targets}").format(count=6, targets=_(LABEL_TARGETS)),
            got, rg.cross_entropy_error(y, labels), rtol=LOSS_RTOL, mistakes=ce_mistakes(y, labels))


@check(id="cross_entropy_error.log_zero", target="cross_entropy_error", points=1)
def test_ce_zero(student):
    y = numpy.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])
    labels = numpy.array([0, 2])
    name = _("cross_entropy_error with y = 0 at the correct class")
    got = as_array(name, student.call("cross_entropy_error", y, numpy.eye(3, dtype=int)[labels]))
    if not numpy.all(numpy.isfinite(got.astype(numpy.float64))):
        fail(_("cross_entropy_error returned {got} when the correct class has probability 0").format(got=got),
             LOG_ZERO)
    expected = rg.cross_entropy_error(y, labels)
    compare(name, got, expected, rtol=1e-9,
            mistakes=delta_mistakes(y, labels) + [(2 * expected, MEAN)])


# -- numerical differentiation --------------------------------------------------------------------

@check(id="numerical_diff.values", target="numerical_diff", points=2)
def test_numerical_diff(student):
    f = provided(student, "function_1")
    for x in (5.0, 10.0, -3.7):
        compare(f"numerical_diff(function_1, {x})", student.call("numerical_diff", f, x),
                rg.numerical_diff(rg.function_1, x), rtol=1e-9, atol=1e-12,
                mistakes=numerical_diff_mistakes(rg.function_1, x))


@check(id="chain_rule.against_central_differences", target="chain_rule", points=2)
def test_chain_rule(student, rng):
    """z at (x, y) and its derivatives against central differences of z, for numbers and arrays."""
    for x, y in [(3.0, 0.5), (rng.uniform(-3, 3, 6), rng.uniform(-3, 3, 6))]:
        label = f"chain_rule({x}, {y})" if numpy.ndim(x) == 0 else _("chain_rule(x, y) with x and y of shape (6,)")
        expected = (rg.chain_rule(x, y)[0], rg.numerical_diff(lambda v: rg.chain_rule(v, y)[0], x),
                    rg.numerical_diff(lambda v: rg.chain_rule(x, v)[0], y))
        judge_chain_rule(call_pure(student, "chain_rule", x, y), x, y, expected, label)


@check(id="numerical_gradient.function_2", target="numerical_gradient", points=1)
def test_ng_function_2(student):
    f = provided(student, "function_2")
    for point in ([3.0, 4.0], [0.0, 2.0], [3.0, 0.0]):
        x = numpy.array(point)
        compare(f"numerical_gradient(function_2, {point})", student.call("numerical_gradient", f, x), 2 * x,
                atol=1e-7, mistakes=numerical_gradient_mistakes(rg.function_2, x))


@check(id="numerical_gradient.any_shape", target="numerical_gradient", points=2)
def test_ng_any_shape(student, rng):
    f = provided(student, "function_3")
    for shape in [(3, 4), (2, 2, 3), (5,)]:
        x = rng.standard_normal(shape)
        try:
            got = student.call("numerical_gradient", f, x.copy())
        except StudentRaised as exc:
            raised(exc, _("numerical_gradient(function_3, x) with x of shape {shape}").format(shape=shape), ANY_SHAPE)
        name = _("numerical_gradient(function_3, x of shape {shape})").format(shape=shape)
        got = as_array(name, got)
        if got.shape != shape:
            fail(_("{name} has shape {got}").format(name=name, got=got.shape), ANY_SHAPE)
        compare(name, got, rg.numerical_gradient(rg.function_3, x.copy()),
                rtol=1e-6, atol=1e-7, mistakes=numerical_gradient_mistakes(rg.function_3, x) + [
                    (not_restored(rg.function_3, x), RESTORE)])


@check(id="numerical_gradient.restores_x", target="numerical_gradient", points=1)
def test_ng_restores(student, trusted, rng):
    """x is perturbed in place (f may read it through a model, not its argument) and restored."""
    f = provided(student, "function_3")
    x = rng.standard_normal((2, 3))
    judge_restores_x(student, f, x)
    through = as_array(_("numerical_gradient(f, W) with an f that reads W itself"),
                       trusted("through_state", student.ref("numerical_gradient"), x).get())
    compare("numerical_gradient(lambda _: np.sum(W ** 2), W)", through, 2 * x, rtol=1e-6, atol=1e-7,
            mistakes=[(numpy.zeros_like(x), IN_PLACE_X)])


# -- gradient descent ---------------------------------------------------------------------------

@check(id="gradient_descent.book_example", target="gradient_descent", points=2)
def test_gd_book(student):
    f = provided(student, "function_2")
    got = as_array("gradient_descent(function_2, [-3, 4], lr=0.1, step_num=100)",
                   student.call("gradient_descent", f, START.copy(), lr=0.1, step_num=100))
    moved_uphill("gradient_descent(function_2, [-3, 4], lr=0.1, step_num=100)", got)
    compare_descent("gradient_descent(function_2, [-3, 4], lr=0.1, step_num=100)", got, BOOK_DESCENT_END, atol=1e-11,
                    mistakes=BOOK_DESCENT_MISTAKES)


@check(id="gradient_descent.defaults", target="gradient_descent", points=1)
def test_gd_defaults(student):
    f = provided(student, "function_2")
    got = student.call("gradient_descent", f, START.copy())
    compare_descent(_("gradient_descent(function_2, [-3, 4]) with the default lr and step_num"), got,
                    DEFAULT_DESCENT_END, rtol=1e-6, mistakes=DEFAULT_DESCENT_MISTAKES)


@check(id="gradient_descent.matrix", target="gradient_descent", points=1)
def test_gd_matrix(student, rng):
    f = provided(student, "function_3")
    x = rng.standard_normal((2, 3))
    compare_descent(_("gradient_descent(function_3, x of shape (2, 3), lr=0.05, step_num=10)"),
            student.call("gradient_descent", f, x.copy(), lr=0.05, step_num=10),
            rg.gradient_descent(rg.function_3, x.copy(), lr=0.05, step_num=10), rtol=1e-6, atol=1e-9)


# -- simpleNet -------------------------------------------------------------------------------------

def simple_net(student, rng):
    """A student simpleNet with judge-chosen W, written into its own array; and the reference twin."""
    net = student.new("simpleNet")
    W = as_array("simpleNet.W", net.get("W"))
    if W.shape != (2, 3):
        fail(_("simpleNet.W has shape {got}, expected (2, 3)").format(got=W.shape))
    value = rng.standard_normal((2, 3))
    net.set_item("W", value=value)
    expected = rg.simpleNet.__new__(rg.simpleNet)
    expected.W = value.copy()
    return net, expected


@check(id="simple_net.predict", target="simpleNet", points=1)
def test_simple_net_predict(student, rng):
    net, expected = simple_net(student, rng)
    for x in (numpy.array([0.6, 0.9]), rng.standard_normal((4, 2))):
        compare(_("simpleNet.predict on shape {shape}").format(shape=x.shape), net.call("predict", x),
                expected.predict(x),
                mistakes=[(rf.softmax(expected.predict(x)), SCORES)])


@check(id="simple_net.loss", target="simpleNet", points=1)
def test_simple_net_loss(student, rng):
    net, expected = simple_net(student, rng)
    x, labels = rng.standard_normal((5, 2)), rng.integers(0, 3, size=5)
    for t, kind in [(labels, LABEL_TARGETS), (numpy.eye(3, dtype=int)[labels], ONE_HOT_TARGETS)]:
        name = _("simpleNet.loss with {targets}").format(targets=_(kind))
        got = as_array(name, net.call("loss", x, t))
        if got.shape == () and not numpy.isfinite(float(got)):
            fail(_("{name} is {value}").format(name=name, value=float(got)), NO_SOFTMAX)
        compare(name, got, expected.loss(x, labels), rtol=LOSS_RTOL,
                mistakes=[(len(x) * expected.loss(x, labels), SUMMED)])


@check(id="simple_net.numerical_gradient", target="simpleNet", points=2)
def test_simple_net_gradient(student, rng):
    net, expected = simple_net(student, rng)
    x, labels = rng.standard_normal((4, 2)), rng.integers(0, 3, size=4)
    W_before = numpy.asarray(net.get("W")).copy()
    got = as_array("simpleNet.numerical_gradient(x, t)", net.call("numerical_gradient", x, labels))
    W_after = numpy.asarray(net.get("W"))
    if not numpy.array_equal(W_after, W_before):
        fail(_("simpleNet.W changed during numerical_gradient"), RESTORE_W)
    want = expected.gradient(x, labels)
    if got.shape != want.shape:
        fail(_("simpleNet.numerical_gradient returned shape {got}, expected {expected} (the shape of W)").format(
            got=got.shape, expected=want.shape))
    if not numpy.any(got):
        fail(_("{name} returned all zeros").format(name="simpleNet.numerical_gradient"), IN_PLACE)
    err = normalised_error(got, want)
    if not err < GRAD_TOL:
        fail(_("{name} differs from dL/dW: normalised error {error:.3g}").format(
            name="simpleNet.numerical_gradient", error=err))


# -- TwoLayerNet ------------------------------------------------------------------------------------

def net_with(student, rng, sizes=(5, 4, 3), scale=0.5):
    """A student TwoLayerNet whose params the judge set (in place) and the reference twin."""
    net = student.new("TwoLayerNet", *sizes)
    shapes = param_shapes(net.get("params"), sizes)
    expected = rg.TwoLayerNet.__new__(rg.TwoLayerNet)
    expected.params = {}
    for key in KEYS:
        value = rng.standard_normal(shapes[key]) * scale
        net.set_item("params", key, value=value)
        expected.params[key] = value
    return net, expected


def batch(rng, n=6, d=5, c=3):
    return rng.standard_normal((n, d)), rng.integers(0, c, size=n)


@check(id="two_layer_net.init", target="TwoLayerNet", points=1)
def test_tln_init(student):
    for std in (None, 0.1):
        args = (60, 40, 10) if std is None else (60, 40, 10, std)
        initial_params(student.new("TwoLayerNet", *args).get("params"), std)


@check(id="two_layer_net.predict", target="TwoLayerNet", points=1)
def test_tln_predict(student, rng):
    net, expected = net_with(student, rng)
    x = batch(rng)[0]
    p = expected.params
    scores = rf.sigmoid(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    compare("TwoLayerNet.predict", net.call("predict", x), expected.predict(x),
            mistakes=[(scores, PROBABILITIES),
                      (rf.softmax(rf.relu(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]),
                       N_("the hidden layer uses sigmoid"))])


@check(id="two_layer_net.loss", target="TwoLayerNet", points=1)
def test_tln_loss(student, rng):
    net, expected = net_with(student, rng)
    x, labels = batch(rng)
    for t, kind in [(numpy.eye(3, dtype=int)[labels], ONE_HOT_TARGETS), (labels, LABEL_TARGETS)]:
        compare(_("TwoLayerNet.loss with {targets}").format(targets=_(kind)), net.call("loss", x, t),
                expected.loss(x, labels), rtol=LOSS_RTOL, mistakes=[(len(x) * expected.loss(x, labels), SUMMED)])


@check(id="two_layer_net.accuracy", target="TwoLayerNet", points=1)
def test_tln_accuracy(student, rng):
    net, expected = net_with(student, rng, scale=1.5)
    x, labels = batch(rng, n=40)
    want = expected.accuracy(x, labels)
    for t, kind in [(numpy.eye(3, dtype=int)[labels], ONE_HOT_TARGETS), (labels, LABEL_TARGETS)]:
        name = _("TwoLayerNet.accuracy with {targets}").format(targets=_(kind))
        try:
            got = net.call("accuracy", x, t)
        except StudentRaised as exc:
            raised(exc, name, ACCURACY_TARGETS)
        compare(name, got, want, rtol=1e-12,
                mistakes=[(want * 40, FRACTION)])


@check(id="two_layer_net.numerical_gradient", target="TwoLayerNet", points=2)
def test_tln_numerical_gradient(student, rng):
    net, expected = net_with(student, rng)
    x, labels = batch(rng)
    before = {key: numpy.asarray(v).copy() for key, v in net.get("params").items()}
    got = gradient_dict("TwoLayerNet.numerical_gradient(x, t)", net.call("numerical_gradient", x, labels))
    after = net.get("params")
    for key in KEYS:
        if not numpy.array_equal(numpy.asarray(after[key]), before[key]):
            fail(_("params['{key}'] changed during numerical_gradient").format(key=key), RESTORE_PARAMS)
    want = expected.gradient(x, labels)
    for key in KEYS:
        if got[key].shape != want[key].shape:
            fail(_("numerical_gradient['{key}'] has shape {got}, expected {expected}").format(
                key=key, got=got[key].shape, expected=want[key].shape))
        if not numpy.any(got[key]):
            fail(_("TwoLayerNet.numerical_gradient(x, t)['{key}'] is all zeros").format(key=key), IN_PLACE)
        err = normalised_error(got[key], want[key])
        if not err < GRAD_TOL:
            fail(_("TwoLayerNet.numerical_gradient(x, t)['{key}'] differs from dL/d{key}: normalised error "
                   "{error:.3g}").format(key=key, error=err))


def gradient_mistakes(expected, x, labels):
    p = expected.params
    n = len(x)
    a1 = x @ p["W1"] + p["b1"]
    z1 = rf.sigmoid(a1)
    dy = (rf.softmax(z1 @ p["W2"] + p["b2"]) - numpy.eye(p["b2"].size)[labels]) / n
    right = expected.gradient(x, labels)
    no_mean = {key: value * n for key, value in right.items()}
    da_a = (dy @ p["W2"].T) * a1 * (1 - a1)
    da_none = dy @ p["W2"].T
    return {
        "W2": [(no_mean["W2"], BATCH_DIVIDE)],
        "b2": [(no_mean["b2"], BATCH_DIVIDE),
               (dy.mean(axis=0), N_("db2 is the SUM of dy over the batch (axis 0), not the mean"))],
        "W1": [(no_mean["W1"], BATCH_DIVIDE),
               (x.T @ da_a, SIGMOID_OF_A1),
               (x.T @ da_none, NO_SIGMOID_DERIVATIVE)],
        "b1": [(no_mean["b1"], BATCH_DIVIDE),
               (da_a.sum(axis=0), SIGMOID_OF_A1)],
    }


@check(id="two_layer_net.gradient", target="TwoLayerNet", points=3)
def test_tln_gradient(student, rng):
    net, expected = net_with(student, rng)
    x, labels = batch(rng)
    want = expected.gradient(x, labels)
    mistakes = gradient_mistakes(expected, x, labels)
    for t, kind in [(numpy.eye(3, dtype=int)[labels], ONE_HOT_TARGETS), (labels, LABEL_TARGETS)]:
        name = _("TwoLayerNet.gradient with {targets}").format(targets=_(kind))
        try:
            got = gradient_dict(name, net.call("gradient", x, t))
        except StudentRaised as exc:
            raised(exc, name, GRADIENT_LABELS if t.ndim == 1 else None)
        for key in ("W2", "b2", "W1", "b1"):
            compare(_("TwoLayerNet.gradient(x, t) with {targets}: ['{key}']").format(targets=_(kind), key=key),
                    got[key], want[key], rtol=1e-7, atol=1e-10, mistakes=mistakes[key])


@check(id="two_layer_net.gradient_vs_own_loss", target="TwoLayerNet", points=1)
def test_tln_gradient_vs_loss(student, rng, evidence, check_id):
    net = net_with(student, rng)[0]
    x, labels = batch(rng)
    got = gradient_dict("TwoLayerNet.gradient(x, t)", net.call("gradient", x, labels))
    for key in KEYS:
        gradient_agrees(net, _("TwoLayerNet.gradient's ['{key}'] (the gradient check of section 7)").format(key=key),
                        got[key],
                        ["param", ["params", key]], net.get("params", key), [x, labels], method="loss",
                        hint=lambda analytic, numeric: scale_hint(analytic, numeric, len(x)),
                        record=evidence.gradient(check_id, f"TwoLayerNet.{key}", GRAD_TOL))


# -- training -------------------------------------------------------------------------------------

@check(id="train.loss_list", target="train", points=1)
def test_train_losses(student, limits):
    x_train, t_train = digits()[0]
    net = student.new("TwoLayerNet", 64, 20, 10)
    before = {key: numpy.asarray(v).copy() for key, v in net.get("params").items()}
    losses = student.call("train", net, x_train, t_train, iters_num=50, batch_size=20, learning_rate=1.0,
                          timeout=limits.train_timeout_s)
    loss_list(losses, 50, 20)
    after = net.get("params")
    if all(numpy.array_equal(numpy.asarray(after[key]), before[key]) for key in KEYS):
        fail(_("train did not change network.params"), UPDATE_IN_PLACE)


@check(id="train.digits", target="train", points=3)
def test_train_digits(student, limits):
    (x_train, t_train), (x_test, t_test) = digits()
    net = student.new("TwoLayerNet", 64, 50, 10)
    student.call("train", net, x_train, t_train, iters_num=1000, batch_size=100, learning_rate=1.0,
                 timeout=limits.train_timeout_s)
    params = net.get("params")
    trained = rg.TwoLayerNet.__new__(rg.TwoLayerNet)
    trained.params = {key: as_array(f"params['{key}']", params[key]) for key in KEYS}
    acc = trained.accuracy(x_test, t_test)
    if acc >= 0.9:
        return
    message = _("after train(TwoLayerNet(64, 50, 10), digits, iters_num=1000, batch_size=100, learning_rate=1.0) "
                "the network classifies {accuracy:.0%} of the 500 held-out digits correctly; at least 90% is "
                "expected").format(accuracy=acc)
    if acc >= 0.6:
        raise PartialCredit(0.5, message)
    fail(message, N_("each iteration: draw a batch with np.random.choice, compute network.gradient on it and "
                     "subtract learning_rate * grad[key] from every network.params[key]; TwoLayerNet.gradient must "
                     "pass its own checks"))


@check(id="train.numerical", target="train", points=1)
def test_train_numerical(student, rng):
    x, labels = rng.standard_normal((30, 6)), rng.integers(0, 3, size=30)
    values = {key: rng.standard_normal(shape) * 0.5 for key, shape in
              [("W1", (6, 4)), ("b1", (4,)), ("W2", (4, 3)), ("b2", (3,))]}
    runs = {}
    for numerical in (True, False):
        net = student.new("TwoLayerNet", 6, 4, 3)
        for key in KEYS:
            net.set_item("params", key, value=values[key])
        student.seed(20240)  # the same batches in both runs
        losses = student.call("train", net, x, labels, iters_num=3, batch_size=5, learning_rate=0.5, numerical=numerical)
        runs[numerical] = (losses, {key: numpy.asarray(v) for key, v in net.get("params").items()})
    params_n, params_a = runs[True][1], runs[False][1]
    if all(numpy.array_equal(params_n[key], values[key]) for key in KEYS):
        fail(_("train(..., numerical=True) did not change network.params"))
    if all(numpy.array_equal(params_n[key], params_a[key]) for key in KEYS):
        fail(_("train gives bit-for-bit the same weights with numerical=True and numerical=False: it uses the same "
               "gradient in both cases"), USE_NUMERICAL)
    for key in KEYS:
        try:
            compare(_("params['{key}'] after 3 iterations with numerical=True (against numerical=False from the same "
                      "start and the same batches)").format(key=key), params_n[key], params_a[key], rtol=1e-4,
                    atol=1e-6)
        except CheckFailed as exc:
            raise CheckFailed(exc.message, N_("the two runs should train identically; when they do not, "
                                              "network.gradient and network.numerical_gradient disagree (see "
                                              "TwoLayerNet's checks)")) from None
