"""The `blocks` assignment: notebooks, full marks and zero, the sample submissions, and
realistic buggy variants that must lose points on the right name with feedback naming the mistake."""
import nbformat
import numpy
import pytest

import assignment_suite as suite
import reference.blocks as rb
from gradelib import ROOT, grade, lost, mutate, solution, write
from mutants import M

A = "blocks"
FIGURES = ["figure-init", "figure-tied-training", "figure-float16"]
GRADED = ["Sequential", "named_params", "init_params", "Normal", "Constant", "CenteredLayer", "MyLinear",
          "LazyLinear", "tie", "remove_duplicate", "save_params", "load_params", "to_cpu", "to_gpu"]

NOT_RECURSIVE = ("        if hasattr(layer, \"layers\"):\n            named += named_params(layer, f\"{prefix}{i}.\")\n"
                 "        else:\n            named += [(f\"{prefix}{i}.{j}\", p) for j, p in enumerate(layer.params)]")
LAZY_CREATE = """        if not self.params:  # the first input: now the shape of W is known
            W = np.random.normal(0, 0.01, (x.shape[-1], self.units))
            b = np.zeros(self.units)
            self.params += [W, b]
            self.grads += [np.zeros_like(W), np.zeros_like(b)]
"""
MEMO = ("        key = id(array)\n        if key not in converted:\n"
        "            converted[key] = (array, convert(array))  # keep the original alive, so its id stays unique\n"
        "        return converted[key][1]")

MUTANTS = [
    M(A, "sequential_copies_params", [("            self.params += layer.params",
                                       "            self.params += [p.copy() for p in layer.params]")],
      "Sequential", "own arrays", only=("Sequential", "remove_duplicate")),
    M(A, "sequential_backward_in_order", [("        for layer in reversed(self.layers):\n            dout = layer.backward(dout)",
                                           "        for layer in self.layers:\n            dout = layer.backward(dout)")],
      "Sequential", "reverse order", only=("Sequential", "tie", "remove_duplicate", "to_cpu", "to_gpu")),
    M(A, "sequential_indexing_off_by_one", [("        return self.layers[index]", "        return self.layers[index - 1]")],
      "Sequential", "position"),
    M(A, "named_params_flat", [(NOT_RECURSIVE, "        named += [(f\"{prefix}{i}.{j}\", p) for j, p in enumerate(layer.params)]")],
      "named_params", "recurse"),
    M(A, "init_params_skips_containers", [(
        "        for layer in model.layers:\n            init_params(layer, init)",
        "        for layer in model.layers:\n            if not hasattr(layer, \"layers\") and layer.params:\n"
        "                init(layer)")],
      "init_params", "nested containers"),
    M(A, "normal_std_squared", [("                p[...] = np.random.normal(0, self.std, p.shape)",
                                 "                p[...] = np.random.normal(0, self.std ** 2, p.shape)")],
      "Normal", "not std**2"),
    M(A, "constant_sets_biases", [("            p[...] = self.value if p.ndim >= 2 else 0", "            p[...] = self.value")],
      "Constant", "biases (1-D) become zero"),
    M(A, "constant_rebinds", [("        for p in layer.params:\n            p[...] = self.value if p.ndim >= 2 else 0",
                               "        layer.params = [np.full_like(p, self.value) if p.ndim >= 2 else np.zeros_like(p)\n"
                               "                        for p in layer.params]")],
      "Constant", "write into the existing arrays"),
    M(A, "centered_backward_passes_dout", [("        return dout - dout.mean()", "        return dout")],
      "CenteredLayer", "through the mean"),
    M(A, "centered_per_row", [("        return x - x.mean()", "        return x - x.mean(axis=1, keepdims=True)")],
      "CenteredLayer", "ALL elements"),
    M(A, "my_linear_backward_without_mask", [("        g = dout * self.mask", "        g = dout")],
      "MyLinear", "gradient only where"),
    M(A, "my_linear_forgets_relu", [("        self.x, self.mask = x, z > 0\n        return z * self.mask",
                                     "        self.x, self.mask = x, z > 0\n        return z")],
      "MyLinear", "ends with a ReLU"),
    M(A, "my_linear_zero_bias", [("        b = np.random.randn(units)", "        b = np.zeros(units)")],
      "MyLinear", "N(0, 1) too"),
    M(A, "lazy_reinfers_the_width", [(LAZY_CREATE, LAZY_CREATE.replace("if not self.params:", "if not self.params or x.shape[-1] != self.params[0].shape[0]:")
                                     .replace("self.params += [W, b]", "self.params = [W, b]")
                                     .replace("self.grads += [", "self.grads = ["))],
      "LazyLinear", "only on the first forward"),
    M(A, "lazy_without_width_check", [("        if x.shape[-1] != W.shape[0]:\n            raise ValueError(", "        if False:\n            raise ValueError(")],
      "LazyLinear", "check the width yourself"),
    M(A, "lazy_zero_weights", [("            W = np.random.normal(0, 0.01, (x.shape[-1], self.units))", "            W = np.zeros((x.shape[-1], self.units))")],
      "LazyLinear", "draw W at random"),
    M(A, "lazy_params_in_init", [("        self.params, self.grads = [], []\n        self.x = None",
                                  "        self.params, self.grads = [np.zeros((1, units)), np.zeros(units)], [np.zeros((1, units)), np.zeros(units)]\n        self.x = None")],
      "LazyLinear", "empty"),
    M(A, "lazy_db_mean", [("        self.grads[1][...] = dout.sum(axis=0)\n        return dout @ W.T\n        ### END SOLUTION",
                           "        self.grads[1][...] = dout.mean(axis=0)\n        return dout @ W.T\n        ### END SOLUTION")],
      "LazyLinear", "SUM of dout"),
    M(A, "tie_deep_copy", [("    twin = copy.copy(layer)\n    twin.params = list(layer.params)\n"
                            "    twin.grads = [array_module(g).zeros_like(g) for g in layer.grads]",
                            "    twin = copy.deepcopy(layer)")],
      "tie", "SAME arrays"),
    M(A, "tie_shares_grads", [("    twin.grads = [array_module(g).zeros_like(g) for g in layer.grads]\n", "")],
      "tie", "own gradient arrays"),
    M(A, "tie_returns_the_layer", [("    twin = copy.copy(layer)\n", "    twin = layer\n")],
      "tie", "own gradient arrays"),
    M(A, "remove_duplicate_by_value", [("            if params[j] is params[i]:",
                                        "            if params[j].shape == params[i].shape and np.array_equal(params[j], params[i]):")],
      "remove_duplicate", "not by value"),
    M(A, "remove_duplicate_drops_gradients", [("                grads[i] = grads[i] + grads[j]\n", "")],
      "remove_duplicate", "add the gradient of every duplicate"),
    M(A, "remove_duplicate_keeps_duplicates", [("                del params[j], grads[j]\n", "                j += 1\n")],
      "remove_duplicate", "delete it"),
    M(A, "remove_duplicate_edits_the_model", [("    params, grads = list(params), list(grads)\n", "")],
      "remove_duplicate", "copies of the lists"),
    M(A, "save_float32", [("    arrays = {name: as_numpy(p).astype(np.float16) for name, p in named_params(model)}",
                           "    arrays = {name: as_numpy(p) for name, p in named_params(model)}")],
      "save_params", "float16"),
    M(A, "load_rebinds_loop_variable", [("            p[...] = array_module(p).asarray(data[name])",
                                         "            p = data[name]")],
      "load_params", "only rebinds the loop variable"),
    M(A, "load_replaces_model_list", [("        for name, p in named_params(model):\n            p[...] = array_module(p).asarray(data[name])",
                                       "        model.params = [data[name] for name, _ in named_params(model)]")],
      "load_params", "copy into the existing arrays"),
    M(A, "to_cpu_forgets_the_containers", [("            block.params[:] = [p for layer in block.layers for p in layer.params]\n"
                                            "            block.grads[:] = [g for layer in block.layers for g in layer.grads]\n", ""),
                                           ("    return convert_model(model, as_numpy)", "    return convert_model(model, np.array)")],
      "to_cpu", "rebuild every container's lists", only=("to_cpu", "to_gpu")),
    M(A, "to_cpu_breaks_ties", [(MEMO, "        return convert(array)"),
                                ("    return convert_model(model, as_numpy)", "    return convert_model(model, np.array)")],
      "to_cpu", "tied layers hold different arrays"),
    M(A, "to_gpu_falls_back_silently", [("    return convert_model(model, as_cupy)",
                                         "    return convert_model(model, as_cupy if cupy is not None else as_numpy)")],
      "to_gpu", "must raise"),
]

# The samples predate LazyLinear: each loses its 5 points, as "not defined".
SAMPLES = {
    "s-1a2b": {"LazyLinear": 5.0},
    "s-3c4d": {"CenteredLayer": 1.0, "tie": 1.0, "LazyLinear": 5.0},
    "s-5e6f": {"named_params": 2.0, "save_params": 2.0, "LazyLinear": 5.0},
}


# Correct in another way: full marks.
EQUIVALENT = [
    # New lists instead of filling the empty ones, and np.dot.
    M(A, "lazy_rebinds_its_lists", [("            self.params += [W, b]\n            self.grads += [np.zeros_like(W), np.zeros_like(b)]",
                                     "            self.params = [W, b]\n            self.grads = [np.zeros_like(W), np.zeros_like(b)]"),
                                    ("        self.x = x\n        return x @ W + b\n        ### END", "        self.x = x\n        return np.dot(x, W) + b\n        ### END")],
      "LazyLinear", ""),
]


def test_reference_lazy_linear():
    layer = rb.LazyLinear(3)
    assert layer.params == [] and layer.grads == []
    x = numpy.random.default_rng(0).standard_normal((4, 5))
    numpy.testing.assert_allclose(layer.forward(x), x @ layer.params[0])
    assert [p.shape for p in layer.grads] == [(5, 3), (3,)]
    with pytest.raises(ValueError, match="width 5, got width 7"):
        layer.forward(numpy.ones((1, 7)))


globals().update(suite.standard_tests(A, figures=FIGURES, graded=GRADED, max_score=33, samples=SAMPLES, mutants=MUTANTS,
                                      equivalent=EQUIVALENT))


# CuPy's emulation (grader/runtime/fakecupy.py) sits next to the worker; a first cell that installs it
# as `cupy` makes the notebook's array-module switch take the device path in the grader's sandbox.
FAKE_CUPY = "import sys\nimport fakecupy\nsys.modules['cupy'] = fakecupy"
needs_fakecupy = pytest.mark.skipif(not (ROOT / "grader" / "runtime" / "fakecupy.py").exists(),
                                    reason="the grader ships no CuPy emulation")


@pytest.mark.slow
@needs_fakecupy
@pytest.mark.parametrize("variant, losses", [("solution", {}), ("to_gpu_breaks_ties", {"to_gpu": 1.0})])
def test_device_path_on_emulated_cupy(variant, losses, tmp_path):
    nb = solution(A) if variant == "solution" else mutate(A, [(MEMO, "        return convert(array)")])
    nb.cells.insert(0, nbformat.v4.new_code_cell(FAKE_CUPY))
    report, proc = grade(write(nb, tmp_path / f"{variant}.ipynb"), A)
    assert proc.returncode == 0 and not report["cells"], (proc.stderr, report["cells"])
    assert lost(report) == losses, [c for c in report["checks"] if c["status"] != "pass"]
    if losses:
        assert any("tied layers hold different arrays" in c["message"] for c in report["checks"]
                   if c["target"] == "to_gpu")
