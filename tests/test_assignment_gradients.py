"""The `gradients` assignment: notebooks, full marks and zero, the sample submissions, and
realistic buggy variants that must lose points on the right name with feedback naming the
mistake; correct variants written differently keep full marks."""
import numpy
import pytest

import assignment_suite as suite
import reference.gradients as rg
from gradelib import ROOT
from mutants import M

ASSIGNMENT = A = "gradients"
FIGURES = ["figure-cross-entropy", "figure-tangent", "figure-diff-error", "figure-gradient-field",
           "figure-gradient-descent", "figure-loss-curve", "figure-accuracy"]
GRADED = ["sum_squared_error", "cross_entropy_error", "numerical_diff", "chain_rule", "numerical_gradient",
          "gradient_descent", "simpleNet", "TwoLayerNet", "train"]
TARGETS = set(GRADED)
# The samples predate chain_rule: each loses its 2 points, as "not defined".
SAMPLES = {
    "s-1a2b": {"chain_rule": 2.0},
    # forward difference in numerical_diff; TwoLayerNet.gradient not divided by the batch size (charged once,
    # in two_layer_net.gradient; train is judged with a trusted TwoLayerNet)
    "s-3c4d": {"numerical_diff": 2.0, "TwoLayerNet": 3.0, "chain_rule": 2.0},
    # numerical_gradient does not restore x; cross entropy summed over the batch: each charged once, to its own
    # name (the names built on them are judged with trusted helpers)
    "s-5e6f": {"cross_entropy_error": 1.0, "numerical_gradient": 2.0, "chain_rule": 2.0},
}
NETWORKS = ("simpleNet", "TwoLayerNet", "train")

MUTANTS = [
    M(ASSIGNMENT, "chain_outer_at_x", [("    dz_dt = 2 * t ", "    dz_dt = 2 * x ")], "chain_rule", "not 2 * x"),
    M(ASSIGNMENT, "chain_without_factor_2", [("    dz_dt = 2 * t ", "    dz_dt = t ")], "chain_rule", "factor 2 is missing"),
    M(ASSIGNMENT, "chain_returns_z_as_derivative", [("    return z, dz_dt * dt_dx, dz_dt * dt_dy", "    return z, z, z")],
      "chain_rule", "that is z itself"),
    M(ASSIGNMENT, "sse_without_half", [("return 0.5 * np.sum((y - t) ** 2)", "return np.sum((y - t) ** 2)")],
      "sum_squared_error", "factor 1/2"),
    M(ASSIGNMENT, "cross_entropy_without_delta", [("np.log(y[np.arange(batch_size), t] + 1e-7)",
                                                   "np.log(y[np.arange(batch_size), t])")],
      "cross_entropy_error", "1e-7"),
    M(ASSIGNMENT, "cross_entropy_summed", [("t] + 1e-7)) / batch_size", "t] + 1e-7))")],
      "cross_entropy_error", "MEAN", only=("cross_entropy_error",) + NETWORKS),
    M(ASSIGNMENT, "cross_entropy_one_hot_only", [(
        "    if t.size == y.size:  # one-hot targets: turn them into labels\n        t = t.argmax(axis=1)\n"
        "    batch_size = y.shape[0]\n    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size",
        "    batch_size = y.shape[0]\n    return -np.sum(t * np.log(y + 1e-7)) / batch_size")],
      "cross_entropy_error", "labels", only=("cross_entropy_error",) + NETWORKS),
    M(ASSIGNMENT, "forward_difference", [("    return (f(x + h) - f(x - h)) / (2 * h)", "    return (f(x + h) - f(x)) / h")],
      "numerical_diff", "forward difference"),
    M(ASSIGNMENT, "tiny_h", [("    h = 1e-4\n    return (f(x + h)", "    h = 1e-50\n    return (f(x + h)")],
      "numerical_diff", "h = 1e-4"),
    M(ASSIGNMENT, "gradient_not_restored", [("        x[idx] = tmp_val  # restore\n", "")],
      "numerical_gradient", "restore", only=("numerical_gradient", "gradient_descent") + NETWORKS),
    M(ASSIGNMENT, "gradient_on_a_copy", [("    h = 1e-4\n    grad = np.zeros(x.shape, dtype=np.float64)",
                                          "    h = 1e-4\n    x = x.copy()\n    grad = np.zeros(x.shape, dtype=np.float64)")],
      "numerical_gradient", "must change x itself"),
    M(ASSIGNMENT, "gradient_for_vectors_only", [(
        '    it = np.nditer(x, flags=["multi_index"])\n    for _ in it:\n        idx = it.multi_index\n',
        "    for idx in range(x.size):\n")],
      "numerical_gradient", "any shape", only=("numerical_gradient", "gradient_descent") + NETWORKS),
    M(ASSIGNMENT, "gradient_ascent", [("        x -= lr * grad", "        x += lr * grad")],
      "gradient_descent", "uphill"),
    M(ASSIGNMENT, "descent_default_lr", [("def gradient_descent(f, init_x, lr=0.01, step_num=100):",
                                          "def gradient_descent(f, init_x, lr=0.1, step_num=100):")],
      "gradient_descent", "lr=0.01"),
    M(ASSIGNMENT, "simple_net_loss_without_softmax", [("        y = softmax(z)\n", "        y = z\n")],
      "simpleNet", "apply softmax"),
    M(ASSIGNMENT, "init_ignores_weight_init_std", [
        ('self.params["W1"] = weight_init_std * np.random.randn', 'self.params["W1"] = 0.01 * np.random.randn'),
        ('self.params["W2"] = weight_init_std * np.random.randn', 'self.params["W2"] = 0.01 * np.random.randn')],
      "TwoLayerNet", "weight_init_std"),
    M(ASSIGNMENT, "gradient_not_divided_by_batch", [("        dy = (y - t) / batch_num", "        dy = y - t")],
      "TwoLayerNet", "divide by the batch size", only=("TwoLayerNet", "train")),
    M(ASSIGNMENT, "sigmoid_derivative_of_a1", [("da1 = (dy @ W2.T) * z1 * (1 - z1)", "da1 = (dy @ W2.T) * a1 * (1 - a1)")],
      "TwoLayerNet", "not a1 * (1 - a1)", only=("TwoLayerNet", "train")),
    M(ASSIGNMENT, "predict_without_softmax", [("        return softmax(z1 @ W2 + b2)", "        return z1 @ W2 + b2")],
      "TwoLayerNet", "apply softmax", only=("TwoLayerNet", "train")),
    M(ASSIGNMENT, "train_ignores_numerical", [(
        "        if numerical:\n            grad = network.numerical_gradient(x_batch, t_batch)\n"
        "        else:\n            grad = network.gradient(x_batch, t_batch)",
        "        grad = network.gradient(x_batch, t_batch)")],
      "train", "bit-for-bit"),
    M(ASSIGNMENT, "train_updates_a_copy", [("            network.params[key] -= learning_rate * grad[key]",
                                            "            W = network.params[key]\n            W = W - learning_rate * grad[key]")],
      "train", "did not change network.params"),
]

EQUIVALENT = [
    M(ASSIGNMENT, "chain_rule_in_one_line", [("    t = x + y                  # forward: the sum node\n",
                                              "    return (x + y) ** 2, 2 * (x + y), 2 * (x + y)\n")], "chain_rule", ""),
    M(ASSIGNMENT, "gradient_with_ndindex", [(
        '    it = np.nditer(x, flags=["multi_index"])\n    for _ in it:\n        idx = it.multi_index\n',
        "    for idx in np.ndindex(*x.shape):\n")], "numerical_gradient", ""),
    M(ASSIGNMENT, "descent_on_a_copy", [("    x = init_x\n", "    x = init_x.copy()\n")], "gradient_descent", ""),
    M(ASSIGNMENT, "cross_entropy_one_hot_formula", [(
        "    if t.size == y.size:  # one-hot targets: turn them into labels\n        t = t.argmax(axis=1)\n"
        "    batch_size = y.shape[0]\n    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size",
        "    if t.size != y.size:  # labels: turn them into one-hot rows\n        t = np.eye(y.shape[1])[t]\n"
        "    batch_size = y.shape[0]\n    return -np.sum(t * np.log(y + 1e-7)) / batch_size")], "cross_entropy_error", ""),
]


def test_reference_book_values():
    numpy.testing.assert_allclose(rg.numerical_diff(rg.function_1, 5), 0.1999999999990898, rtol=1e-12)
    numpy.testing.assert_allclose(rg.gradient_descent(rg.function_2, numpy.array([-3.0, 4.0]), lr=0.1),
                                  [-6.11110793e-10, 8.14814391e-10], rtol=1e-6)
    y = numpy.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    t = numpy.eye(10)[2]
    assert rg.sum_squared_error(y, t) == pytest.approx(0.0975)
    assert rg.cross_entropy_error(y, t) == pytest.approx(0.510825457099338)
    assert rg.cross_entropy_error(y[None], numpy.array([2])) == pytest.approx(0.510825457099338)
    x = numpy.random.default_rng(0).standard_normal((3, 4))
    numpy.testing.assert_allclose(rg.numerical_gradient(rg.function_3, x), rg.gradient_of_function_3(x), rtol=1e-7)


def test_reference_gradients_agree():
    rng = numpy.random.default_rng(1)
    net = rg.TwoLayerNet(5, 4, 3)
    for key in net.params:
        net.params[key] = rng.standard_normal(net.params[key].shape)
    x, t = rng.standard_normal((6, 5)), rng.integers(0, 3, size=6)
    numeric, analytic = net.numerical_gradient(x, t), net.gradient(x, t)
    for key in rg.TwoLayerNet.KEYS:
        assert numpy.max(numpy.abs(numeric[key] - analytic[key])) < 1e-5 * numpy.max(numpy.abs(analytic[key]))
    simple = rg.simpleNet()
    simple.W = rng.standard_normal((2, 3))  # its own W comes from the unseeded global generator
    numeric, analytic = simple.numerical_gradient(x[:, :2], t), simple.gradient(x[:, :2], t)
    assert numpy.max(numpy.abs(numeric - analytic)) < 1e-5 * numpy.max(numpy.abs(analytic))


globals().update(suite.standard_tests(A, figures=FIGURES, graded=GRADED, max_score=35, samples=SAMPLES, mutants=MUTANTS, equivalent=EQUIVALENT, mutated_targets=TARGETS))


@pytest.mark.slow
def test_the_gradient_check_leaves_its_errors_for_the_report(tmp_path):
    report = suite.check_full_marks(ROOT / "solutions" / f"{A}.ipynb", A, tmp_path)
    assert report["artifacts"]["gradient_errors"]["rows"]


def test_a_nan_loss_crosses_the_wire():
    """A loss that is nan as a NumPy float64 (log of a negative score) comes back as nan; it used
    to be sent as repr 'np.float64(nan)', which the judge refused and the worker was lost."""
    from grader.runtime import protocol

    header, buffers = protocol.encode([numpy.float64("nan"), numpy.float64("-inf"), float("inf")])
    nan, minus_inf, inf = protocol.decode(header, buffers)
    assert numpy.isnan(nan) and minus_inf == float("-inf") and inf == float("inf")
