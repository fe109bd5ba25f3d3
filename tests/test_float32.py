"""float32 and device mutants: submissions whose outputs, parameters, gradients or optimizer
state come out float64 from float32 inputs, or that mix host and device arrays, lose points
on the float32 and device checks, with feedback that names the dtype or the device; a float64
temporary inside a method whose results stay float32 is a note on a passing check; the
solutions keep full marks on the emulated device; GPU checks are skipped outside max_score
without a GPU, or counted with --count-gpu."""
from dataclasses import dataclass

import pytest

from gradelib import grade, mutate, solution, write
from grader.judge.device import gpu_status

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Float32Mutant:
    assignment: str
    name: str
    edits: tuple
    fails: tuple            # check ids that must lose points
    says: str               # in the message or hint of every one of them
    only: tuple             # targets allowed to lose points
    cpu_clean: bool = False  # invisible to every CPU check: only the device shows it


HOST_NUMPY = "import numpy  # the host module, while np is the device\n\n\n"

MUTANTS = [
    # zeros created as float64
    Float32Mutant("layers", "affine_grads_zeros_float64",
                  (("self.grads = [np.zeros_like(W), np.zeros_like(b)]",
                    "self.grads = [np.zeros(W.shape), np.zeros(b.shape)]"),),
                  ("affine.float32", "emulated_device.affine"), "float64", ("Affine",)),
    Float32Mutant("optimizers", "adam_state_zeros_float64",
                  (("            self.m = [np.zeros_like(p) for p in params]\n"
                    "            self.v = [np.zeros_like(p) for p in params]",
                    "            self.m = [np.zeros(p.shape) for p in params]\n"
                    "            self.v = [np.zeros(p.shape) for p in params]"),),
                  ("adam.float32",), "float64", ("Adam",)),
    # integer one-hot targets promoting to float64
    Float32Mutant("layers", "loss_subtracts_int_one_hot",
                  (("self.t = t.argmax(axis=-1) if t.ndim == x.ndim else t",
                    "self.onehot = t if t.ndim == x.ndim else None\n"
                    "        self.t = t.argmax(axis=-1) if t.ndim == x.ndim else t"),
                   ("        dx = self.y.copy()\n        dx[np.arange(n), self.t] -= 1\n        dx *= dout / n",
                    "        if self.onehot is not None:\n"
                    "            dx = (self.y - self.onehot) * (dout / n)\n"
                    "        else:\n"
                    "            dx = self.y.copy()\n"
                    "            dx[np.arange(n), self.t] -= 1\n"
                    "            dx *= dout / n")),
                  ("softmax_with_loss.float32", "emulated_device.softmax_with_loss"), "float64",
                  ("SoftmaxWithLoss",)),
    # a NumPy float64 scalar, or the Python float type, in the wrong place
    Float32Mutant("layers", "sigmoid_backward_float64_scalar",
                  (("return dout * (1.0 - self.out) * self.out", "return dout * (np.float64(1.0) - self.out) * self.out"),),
                  ("sigmoid.float32", "emulated_device.sigmoid"), "float64", ("Sigmoid",)),
    Float32Mutant("spiral", "bias_dtype_python_float",
                  (("b1 = np.zeros(H, dtype=dtype)", "b1 = np.zeros(H, dtype=float)"),),
                  ("emulated_device.two_layer_net",), "float64", ("TwoLayerNet",), cpu_clean=True),
    # host and device mixed: arrays made with the NumPy module itself while np is the device
    Float32Mutant("layers", "affine_grads_on_the_host",
                  (("class Affine:", HOST_NUMPY + "class Affine:"),
                   ("self.grads = [np.zeros_like(W), np.zeros_like(b)]",
                    "self.grads = [numpy.zeros(W.shape, dtype=W.dtype), numpy.zeros(b.shape, dtype=b.dtype)]")),
                  ("emulated_device.affine",), "Implicit conversion to a NumPy array", ("Affine",), cpu_clean=True),
    Float32Mutant("spiral", "weights_drawn_on_the_host",
                  (("class TwoLayerNet:", HOST_NUMPY + "class TwoLayerNet:"),
                   ("W1 = (0.01 * np.random.randn(I, H)).astype(dtype)",
                    "W1 = (0.01 * numpy.random.randn(I, H)).astype(dtype)")),
                  ("emulated_device.two_layer_net",), "on the host", ("TwoLayerNet",), cpu_clean=True),
]

# float64 temporaries whose results stay float32: full marks, a note on the device check
NOTED = [
    Float32Mutant("optimizers", "adam_lr_t_float64_scalar",
                  (("lr_t = self.lr * math.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)",
                    "lr_t = self.lr * np.sqrt(np.float64(1.0 - self.beta2 ** self.iter)) / (1.0 - self.beta1 ** self.iter)"),),
                  ("emulated_device.adam",), "p -= lr_t * m", ()),
    Float32Mutant("optimizers", "sgd_float64_learning_rate",
                  (("            p -= self.lr * g\n", "            p -= np.float64(self.lr) * g\n"),),
                  ("emulated_device.sgd",), "float64", ()),
    Float32Mutant("layers", "loss_subtracts_int_one_hot_in_place",
                  (("self.t = t.argmax(axis=-1) if t.ndim == x.ndim else t",
                    "self.onehot = t if t.ndim == x.ndim else None\n"
                    "        self.t = t.argmax(axis=-1) if t.ndim == x.ndim else t"),
                   ("        dx = self.y.copy()\n        dx[np.arange(n), self.t] -= 1\n        dx *= dout / n",
                    "        dx = self.y.copy()\n"
                    "        if self.onehot is not None:\n"
                    "            dx -= self.onehot\n"
                    "        else:\n"
                    "            dx[np.arange(n), self.t] -= 1\n"
                    "        dx *= dout / n")),
                  ("emulated_device.softmax_with_loss",), "float64", ()),
]


ON_GPU = gpu_status() is None


def must_fail(mutant):
    """The checks the mutant must fail: with a GPU, each device check the emulation fails
    fails on the GPU too."""
    twins = tuple("device." + i.removeprefix("emulated_device.") for i in mutant.fails if i.startswith("emulated_device."))
    return mutant.fails + (twins if ON_GPU else ())


def lost_checks(report):
    return {c["id"]: c for c in report["checks"] if c["status"] != "skip" and c["points"] < c["max_points"]}


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: f"{m.assignment}-{m.name}")
def test_float32_mutant_loses_points_on_the_float32_and_device_checks(mutant, tmp_path):
    path = write(mutate(mutant.assignment, mutant.edits), tmp_path / f"{mutant.name}.ipynb")
    report, proc = grade(path, mutant.assignment)
    assert proc.returncode == 0, proc.stderr
    lost = lost_checks(report)
    failed = {c["id"]: c for c in report["checks"] if c["status"] == "fail"}
    for check_id in must_fail(mutant):
        assert check_id in failed, f"{mutant.name}: {check_id} did not fail; failed {sorted(failed)}"
        feedback = f"{failed[check_id]['message']} {failed[check_id]['hint'] or ''}"
        assert mutant.says in feedback, (check_id, feedback)
    assert lost, f"{mutant.name}: no point lost"
    targets = {c["target"] for c in lost.values()}
    assert targets <= set(mutant.only), f"{mutant.name}: lost points elsewhere too: {sorted(lost)}"
    if mutant.cpu_clean:
        assert all(i.startswith(("emulated_device.", "device.")) for i in lost), sorted(lost)
    assert len(lost) == len({(c["target"], c["hint"]) for c in lost.values()}), \
        f"{mutant.name}: one mistake charged in several checks: {sorted(lost)}"


@pytest.mark.parametrize("mutant", NOTED, ids=lambda m: f"{m.assignment}-{m.name}")
def test_a_float64_temporary_is_a_note_not_a_deduction(mutant, tmp_path):
    path = write(mutate(mutant.assignment, mutant.edits), tmp_path / f"{mutant.name}.ipynb")
    report, proc = grade(path, mutant.assignment)
    assert report["score"] == report["max_score"], lost_checks(report)
    for check_id in mutant.fails:
        (check,) = [c for c in report["checks"] if c["id"] == check_id]
        assert check["status"] == "pass" and mutant.says in (check["note"] or ""), check
        assert "costs speed on a GPU, not points" in check["note"] and check["hint"]


def test_the_feedback_names_the_place_and_the_fix(tmp_path):
    mutant = next(m for m in NOTED if m.name == "adam_lr_t_float64_scalar")
    report, _ = grade(write(mutate(mutant.assignment, mutant.edits), tmp_path / "adam.ipynb"), "optimizers")
    (check,) = [c for c in report["checks"] if c["id"] == "emulated_device.adam"]
    assert "float64 0-d array * float32 array -> float64 at code cell" in check["note"], check
    assert "p -= lr_t * m" in check["note"] and "np.float64(...)" in check["hint"]
    mixing = next(m for m in MUTANTS if m.name == "affine_grads_on_the_host")
    report, _ = grade(write(mutate(mixing.assignment, mixing.edits), tmp_path / "mix.ipynb"), "layers")
    (check,) = [c for c in report["checks"] if c["id"] == "emulated_device.affine"]
    assert check["status"] == "fail" and "Affine.backward raised TypeError" in check["message"], check
    assert "numpy.zeros(...)" in check["hint"]


def test_the_device_run_leaves_out_the_demos_but_not_what_the_cpu_run_did_not_get_to(tmp_path):
    # The device run executes only what the graded classes need (grader/slicing.py): a demo
    # that fails on the device costs nothing. A statement that failed in the CPU run stops
    # its cell on the device too: what the CPU run never defined is not graded there.
    demo_on_the_host = "import numpy\nprint((np.ones(3) + numpy.ones(3)).sum())\nplt.plot(numpy.arange(3))\n"
    demo = mutate("layers", [("class Sigmoid:\n", demo_on_the_host + "class Sigmoid:\n")])
    report, _ = grade(write(demo, tmp_path / "demo.ipynb"), "layers")
    assert report["score"] == report["max_score"], [c for c in report["checks"] if c["status"] != "pass"]
    broken = mutate("layers", [("class Affine:\n", "print(not_defined)\nclass Affine:\n")])
    report, _ = grade(write(broken, tmp_path / "broken.ipynb"), "layers")
    (check,) = [c for c in report["checks"] if c["id"] == "emulated_device.affine"]
    assert check["status"] == "error" and "`Affine` is not defined" in check["message"], check
    assert "NameError" in check["message"] and "not_defined" in check["message"], check
    assert all(c["status"] == "pass" for c in report["checks"] if c["id"].startswith("emulated_device.")
               and c["id"] != "emulated_device.affine")


@pytest.mark.parametrize("assignment", ["layers", "optimizers", "spiral"])
def test_solutions_get_full_marks_on_the_emulated_device(assignment, tmp_path):
    report, proc = grade(write(solution(assignment), tmp_path / f"{assignment}.ipynb"), assignment)
    assert proc.returncode == 0, proc.stderr
    emulated = [c for c in report["checks"] if c["id"].startswith("emulated_device.")]
    gpu = [c for c in report["checks"] if c["id"].startswith("device.")]
    assert len(emulated) == len(gpu) >= 2
    assert all(c["status"] == "pass" for c in emulated), [c for c in emulated if c["status"] != "pass"]
    assert report["score"] == report["max_score"], [c for c in report["checks"] if c["status"] not in ("pass", "skip")]
    if ON_GPU:
        assert all(c["status"] == "pass" for c in gpu), gpu
    else:  # no GPU: skipped with the reason, outside max_score
        assert all(c["status"] == "skip" and c["message"].startswith("no GPU:") for c in gpu), gpu
        assert report["max_score"] == sum(c["max_points"] for c in report["checks"] if c["status"] != "skip")


@pytest.mark.skipif(ON_GPU, reason="a GPU is here: the GPU checks run for real")
def test_count_gpu_counts_the_gpu_checks_as_failed_without_a_gpu(tmp_path):
    path = write(solution("optimizers"), tmp_path / "optimizers.ipynb")
    plain, _ = grade(path, "optimizers", out=tmp_path / "plain")
    counted, proc = grade(path, "optimizers", out=tmp_path / "counted", extra_args=["--count-gpu"])
    assert proc.returncode == 0, proc.stderr
    gpu = [c for c in counted["checks"] if c["id"].startswith("device.")]
    assert gpu and all(c["status"] == "fail" and "--count-gpu" in c["message"] for c in gpu), gpu
    points = sum(c["max_points"] for c in gpu)
    assert counted["max_score"] == plain["max_score"] + points
    assert counted["score"] == plain["score"] == plain["max_score"]
