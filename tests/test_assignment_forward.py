"""The `forward` assignment: notebooks, full marks and zero, the sample submissions,
realistic buggy variants that must lose points on the right name with feedback naming the
mistake, and the IDX reader (reference and notebook) on files written here.
"""
import gzip
import struct

import numpy
import pytest

import assignment_suite as suite
import reference.forward as rf
from gradelib import solution
from mutants import M

ASSIGNMENT = A = "forward"
FIGURES = ["figure-activations", "figure-digits", "figure-predictions", "figure-batch-speed"]
GRADED = ["step_function", "sigmoid", "relu", "identity_function", "softmax", "init_network", "forward",
          "forward_trace", "predict", "accuracy"]
TARGETS = set(GRADED)
# The samples predate forward_trace: each loses its 3 points, as "not defined".
SAMPLES = {
    "s-1a2b": {"forward_trace": 3.0},
    "s-3c4d": {"step_function": 1.0, "softmax": 1.0, "forward_trace": 3.0},  # step(0) = 1; softmax without the maximum
    "s-5e6f": {"forward": 2.0, "accuracy": 2.0, "forward_trace": 3.0},       # sigmoid output layer (charged once); last batch dropped
}
INFERENCE = ("sigmoid", "forward", "predict", "accuracy")

MUTANTS = [
    M(ASSIGNMENT, "sigmoid_precedence", [("return 1 / (1 + np.exp(-x))", "return 1 / 1 + np.exp(-x)")],
      "sigmoid", "operator precedence", only=INFERENCE),
    M(ASSIGNMENT, "sigmoid_promotes_to_float64", [("return 1 / (1 + np.exp(-x))", "return np.float64(1) / (1 + np.exp(-x))")],
      "sigmoid", "float32"),
    M(ASSIGNMENT, "step_at_zero", [("np.array(x > 0, dtype=int)", "np.array(x >= 0, dtype=int)")],
      "step_function", "not x >= 0"),
    M(ASSIGNMENT, "step_returns_booleans", [("np.array(x > 0, dtype=int)", "x > 0")],
      "step_function", "integers"),
    M(ASSIGNMENT, "relu_writes_into_x", [("    return np.maximum(0, x)", "    x[x < 0] = 0\n    return x")],
      "relu", "modified its argument"),
    M(ASSIGNMENT, "softmax_without_max", [("c = np.max(a, axis=-1, keepdims=True)", "c = 0")],
      "softmax", "subtract the maximum first"),
    M(ASSIGNMENT, "softmax_global_max", [("c = np.max(a, axis=-1, keepdims=True)", "c = np.max(a)")],
      "softmax", "each row's own maximum"),
    M(ASSIGNMENT, "softmax_sums_whole_batch", [("return exp_a / np.sum(exp_a, axis=-1, keepdims=True)",
                                                "return exp_a / np.sum(exp_a)")],
      "softmax", "normalised the whole array", only=("softmax", "predict")),
    M(ASSIGNMENT, "softmax_subtracts_in_place", [("    c = np.max(a, axis=-1, keepdims=True)\n    exp_a = np.exp(a - c)",
                                                  "    a -= np.max(a, axis=-1, keepdims=True)\n    exp_a = np.exp(a)")],
      "softmax", "a -= c"),
    M(ASSIGNMENT, "init_network_transposed", [('network["W1"] = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])',
                                               'network["W1"] = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])')],
      "init_network", "transposed"),
    M(ASSIGNMENT, "forward_sigmoid_output", [("return identity_function(a3)", "return sigmoid(a3)")],
      "forward", "uses identity_function"),
    M(ASSIGNMENT, "trace_hidden_without_sigmoid", [('    trace["Z1"] = sigmoid(trace["A1"])', '    trace["Z1"] = trace["A1"]')],
      "forward_trace", "Z1 = sigmoid(A1)"),
    M(ASSIGNMENT, "trace_without_second_bias", [('    trace["A2"] = trace["Z1"] @ network["W2"] + network["b2"]',
                                                 '    trace["A2"] = trace["Z1"] @ network["W2"]')],
      "forward_trace", "A2 = ... @ W2 + b2"),
    M(ASSIGNMENT, "trace_sigmoid_output", [('    trace["Y"] = identity_function(trace["A3"])', '    trace["Y"] = sigmoid(trace["A3"])')],
      "forward_trace", "uses identity_function"),
    M(ASSIGNMENT, "trace_lowercase_keys", [("    return trace\n    ### END SOLUTION",
                                            "    return {key.lower(): value for key, value in trace.items()}\n    ### END SOLUTION")],
      "forward_trace", "capital letters"),
    M(ASSIGNMENT, "predict_returns_scores", [("    return softmax(a3)", "    return a3")],
      "predict", "apply softmax"),
    M(ASSIGNMENT, "accuracy_drops_last_batch", [("for i in range(0, len(x), batch_size):",
                                                 "for i in range(0, len(x) - batch_size + 1, batch_size):")],
      "accuracy", "last, shorter batch"),
    M(ASSIGNMENT, "accuracy_returns_count", [("return accuracy_cnt / len(x)", "return accuracy_cnt")],
      "accuracy", "not the count"),
]

TRACE_AS_WRITTEN = """    trace = {"A1": x @ network["W1"] + network["b1"]}
    trace["Z1"] = sigmoid(trace["A1"])
    trace["A2"] = trace["Z1"] @ network["W2"] + network["b2"]
    trace["Z2"] = sigmoid(trace["A2"])
    trace["A3"] = trace["Z2"] @ network["W3"] + network["b3"]
    trace["Y"] = identity_function(trace["A3"])
    return trace"""
TRACE_IN_VARIABLES = """    A1 = np.dot(x, network["W1"]) + network["b1"]
    Z1 = sigmoid(A1)
    A2 = np.dot(Z1, network["W2"]) + network["b2"]
    Z2 = sigmoid(A2)
    A3 = np.dot(Z2, network["W3"]) + network["b3"]
    return dict(A1=A1, Z1=Z1, A2=A2, Z2=Z2, A3=A3, Y=identity_function(A3))"""

# Correct in another way: full marks.
EQUIVALENT = [
    M(ASSIGNMENT, "step_via_astype", [("np.array(x > 0, dtype=int)", "(x > 0).astype(np.int32)")], "step_function", ""),
    M(ASSIGNMENT, "relu_via_where", [("return np.maximum(0, x)", "return np.where(x > 0, x, 0 * x)")], "relu", ""),
    # The trace in plain variables and np.dot, returned as one dict.
    M(ASSIGNMENT, "trace_as_one_dict", [(TRACE_AS_WRITTEN, TRACE_IN_VARIABLES)], "forward_trace", ""),
    M(ASSIGNMENT, "accuracy_with_mean_per_batch", [(
        "        accuracy_cnt += int(np.sum(p == t[i:i + batch_size]))",
        "        accuracy_cnt += np.mean(p == t[i:i + batch_size]) * len(p)")], "accuracy", ""),
]


# -- the IDX reader ----------------------------------------------------------------------------------

def idx_bytes(array, code):
    """An IDX file written here by hand: zero bytes, type code, ndim, big-endian sizes, big-endian data."""
    big = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[code]
    header = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", n) for n in array.shape)
    return header + array.astype(big).tobytes()


def notebook_load_idx():
    """The provided `load_idx` cell of the solution notebook, run on its own."""
    cells = [c for c in solution(ASSIGNMENT).cells if c.metadata.get("nbgrader", {}).get("grade_id") == "idx_loader"]
    assert len(cells) == 1
    namespace = {"np": numpy, "gzip": gzip, "struct": struct}
    exec(compile(cells[0].source, "idx_loader", "exec"), namespace)
    return namespace["load_idx"]


LOADERS = {"reference": lambda: rf.load_idx, "notebook": notebook_load_idx}
CASES = [
    ("mnist-like images", numpy.arange(5 * 28 * 28).reshape(5, 28, 28) % 256, 0x08, numpy.uint8),
    ("labels", numpy.array([5, 0, 4, 1, 9, 2]), 0x08, numpy.uint8),
    ("signed bytes", numpy.array([[-128, -1, 0], [1, 2, 127]]), 0x09, numpy.int8),
    ("16-bit", numpy.array([[-30000, 2], [3, 30000]]), 0x0B, numpy.int16),
    ("32-bit", numpy.array([[[70000, -5]], [[0, 2 ** 31 - 1]]]), 0x0C, numpy.int32),
    ("float32", numpy.array([[0.5, -1.25, 3e-8]]), 0x0D, numpy.float32),
    ("float64", numpy.array([numpy.pi, -numpy.e, 1e300]), 0x0E, numpy.float64),
]


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("compressed", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize("label, array, code, dtype", CASES, ids=[c[0] for c in CASES])
def test_load_idx_reads_files_written_here(loader, compressed, label, array, code, dtype, tmp_path):
    data = idx_bytes(array, code)
    path = tmp_path / ("data.idx.gz" if compressed else "data.idx")
    path.write_bytes(gzip.compress(data) if compressed else data)
    got = LOADERS[loader]()(path)
    assert got.shape == array.shape and got.dtype == numpy.dtype(dtype)
    assert got.dtype.isnative
    numpy.testing.assert_array_equal(got, array.astype(dtype))


@pytest.mark.parametrize("loader", LOADERS)
def test_load_idx_reads_the_mnist_layout(loader, tmp_path):
    images = numpy.random.default_rng(0).integers(0, 256, size=(3, 28, 28), dtype=numpy.uint8)
    head = b"\x00\x00\x08\x03" + struct.pack(">III", 3, 28, 28)
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(head + images.tobytes()))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(b"\x00\x00\x08\x01" + struct.pack(">I", 3) + bytes([7, 2, 1]))
    load = LOADERS[loader]()
    x = load(tmp_path / "train-images-idx3-ubyte.gz").reshape(-1, 784) / 255.0
    assert x.shape == (3, 784) and 0.0 <= x.min() and x.max() <= 1.0
    numpy.testing.assert_array_equal(x[1], images[1].ravel() / 255.0)
    numpy.testing.assert_array_equal(load(tmp_path / "train-labels-idx1-ubyte"), [7, 2, 1])


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("content", [b"\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02",   # 2 of 5 labels
                                     b"\x08\x03\x00\x00\x00\x00\x00\x01\x07",       # wrong magic number
                                     b"\x00\x00\x07\x01\x00\x00\x00\x01\x07"],      # unknown type code
                         ids=["truncated", "bad-magic", "bad-type"])
def test_load_idx_rejects_broken_files(loader, content, tmp_path):
    path = tmp_path / "broken.idx"
    path.write_bytes(content)
    with pytest.raises(ValueError):
        LOADERS[loader]()(path)


@pytest.mark.parametrize("shipped_file", [True, False], ids=["read-from-the-file", "scikit-learn-fallback"])
def test_notebook_digits_are_scikit_learns(monkeypatch, shipped_file):
    """backprop_lab_check.datasets.load_digits, which the notebooks and the reference use, gives
    scikit-learn's arrays, read from the file it ships or, without that file, from scikit-learn."""
    from sklearn.datasets import load_digits

    from backprop_lab_check import datasets

    if not shipped_file:
        monkeypatch.setattr(datasets, "_shipped_file", lambda name: None)
    ours, theirs = datasets.load_digits(), load_digits()
    for field in ("data", "target", "images"):
        numpy.testing.assert_array_equal(getattr(ours, field), getattr(theirs, field))
        assert getattr(ours, field).dtype == getattr(theirs, field).dtype


def test_reference_digits_split():
    (x_train, t_train), (x_test, t_test) = rf.load_digits_data()
    assert x_train.shape == (1297, 64) and x_test.shape == (500, 64) and x_train.max() == 1.0
    assert rf.accuracy(rf.digits_network(x_train, t_train), x_test, t_test) > 0.93


def test_reference_three_layer_network():
    numpy.testing.assert_allclose(rf.forward(rf.init_network(), numpy.array([1.0, 0.5])),
                                  [0.31682708, 0.69627909], rtol=1e-7)


globals().update(suite.standard_tests(A, figures=FIGURES, graded=GRADED, max_score=28, samples=SAMPLES, mutants=MUTANTS, equivalent=EQUIVALENT, mutated_targets=TARGETS - {"identity_function"}))
