"""Device checks: the submission's own code run in float32 with `np` bound to a device
module, compared with its own float64 results on the CPU.

The second book ends its first chapter with two speed-ups, float32 and the GPU
("replace numpy with cupy"). A layer that silently computes in float64, or mixes
host and device arrays, passes every CPU check and still fails its owner on a GPU.
These checks run the submission a second time in its own sandbox with the books'
switch applied (`import numpy as np` imports the device module, see
runtime/worker.py), send float32 inputs that land on the device, and judge what comes
back: still on the device, still float32, and equal within float32 tolerance to what the
same code computes from the same values in float64 on the CPU (so a formula mistake is
charged once, by the checks of the formula). A float64 temporary inside a method whose
results stay float32 (the emulation records it) is a note on a passing check.

Every check exists twice:
- `device.*` runs on real CuPy. Without a GPU it is skipped with the reason and left
  out of max_score; `--count-gpu` counts it (as failed) so that max_score does not
  depend on the grading machine.
- `emulated_device.*` runs on fakecupy (runtime/fakecupy.py), CuPy's manners on NumPy.
  It runs everywhere and counts: it catches the host/device mixing and dtype mistakes
  students make, and notes float64 temporaries that CuPy computes without complaint.

Each assignment's check module registers its checks with `device_checks(assignment)`.
"""
import dataclasses
from contextlib import contextmanager

import numpy
import pytest

import reference
from .runner import seed_for
from .runtime.protocol import DeviceArray, on_device
from .sandbox import Sandbox, StudentError
from .slicing import only_a_tail_dropped, slice_cells
from .student import MissingName, Student
from .verdicts import DTYPE_HINT, PassWithNote, as_array, compare, fail

F32 = dict(rtol=1e-4, atol=1e-5)
MODES = {"cupy": "device", "emulated": "emulated_device"}  # mode -> check id prefix
DEVICE_NAMES = {"cupy": "the GPU (CuPy)", "emulated": "the emulated device (CuPy's rules on the CPU)"}
MIXING = ("Implicit conversion to a NumPy array", "Unsupported type <class 'numpy.ndarray'>",
          "non-scalar numpy.ndarray cannot be used for fill")
HOST_HINT = ("host/device mixing: with `np` bound to CuPy, an array made with the NumPy module itself "
             "(numpy.zeros(...), numpy.random..., numpy.asarray(...)) stays on the host, and CuPy refuses "
             "to mix the two; create every array through `np` (np.zeros_like(param), np.random.randn)")
TIMED_OUT = "raise TimeoutError('not run on the device: this cell timed out in the CPU run')\n"


# -- the device's student --------------------------------------------------------------

def gpu_status():
    """None when CuPy and a CUDA device are there, else the reason (a sentence)."""
    if not hasattr(gpu_status, "reason"):
        gpu_status.reason = _probe_gpu()
    return gpu_status.reason


def _probe_gpu():
    try:
        import cupy
    except ImportError:
        return "no GPU: CuPy is not installed (pip install 'backprop-lab[gpu]' on a machine with an NVIDIA GPU)"
    except Exception as exc:  # a broken CUDA installation raises all sorts
        return f"no GPU: CuPy cannot be imported ({type(exc).__name__}: {exc})"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:
        return f"no GPU: CuPy finds no CUDA device ({type(exc).__name__}: {exc})"
    return None if count > 0 else "no GPU: CuPy finds no CUDA device"


class DeviceStudent(Student):
    """The submission run a second time, with `import numpy as np` giving the device module."""

    def __init__(self, sandbox, mode, assignment):
        super().__init__(sandbox, assignment)
        self.mode = mode

    def _require(self, name):
        if self.has(name):
            return
        failed = [f"cell {i} failed there: {r['message']}" for i, r in enumerate(self.sandbox.cell_results, 1)
                  if r is not None and r["status"] != "ok"]
        raise MissingName(f"`{name}` is not defined when the notebook runs on {DEVICE_NAMES[self.mode]}"
                          + (f"; {failed[0]}" if failed else ""))

    def device_problem(self):
        """Why the worker could not load its device module, or None."""
        if not hasattr(self, "_hello"):
            self._hello = self.sandbox.request("hello")
        return self._hello.get("device_error") if isinstance(self._hello, dict) else "no reply"

    def promotions(self):
        """float32 -> float64 promotions since the last call (recorded by the emulation only)."""
        return self.sandbox.request("device_promotions")


def _open(sandbox, mode, assignment, names, background=False):
    """A second sandbox over the same cells, sliced to what `names` depend on (slicing.py);
    they start running in the background (at the lowest CPU priority with `background`). It
    shares the submission's time budget (what the CPU run left of it, at least 30 s). As far
    as the CPU run has got: a cell that timed out there is not run again, and one that
    failed there runs whole, so that it stops where it stopped in the CPU run."""
    failed = {index for index, result in enumerate(sandbox.cell_results)
              if result is not None and result["status"] != "ok"}
    cells = [TIMED_OUT if result is not None and result["status"] == "timeout" else source
             for source, result in zip(slice_cells(sandbox.cells, names, whole=failed, attributes=ATTRIBUTES_USED),
                                       sandbox.cell_results)]
    budget = min(sandbox.limits.submission_timeout_s, max(30.0, sandbox.time_left()))
    limits = dataclasses.replace(sandbox.limits, submission_timeout_s=budget)
    device_sandbox = Sandbox(cells, limits, sandbox.isolation, device=mode, background=background)
    try:
        device_sandbox.start_cells()
    except BaseException:
        device_sandbox.close()
        raise
    return DeviceStudent(device_sandbox, mode, assignment)


def _modes_needed(assignment):
    return [mode for mode in MODES if assignment in CHECKS and (mode != "cupy" or gpu_status() is None)]


def names_used(assignment):
    """The submission's names that the assignment's device checks use."""
    return sorted({spec.target for spec in CHECKS[assignment]})


def start_device_runs(sandbox, assignment, stack):
    """Open the device runs the assignment's checks will need as soon as the CPU run has
    started, so that their cells run beside it rather than after it; `stack` (an ExitStack)
    closes them. Returns them as resources for `run_checks`."""
    runs = {}
    for mode in _modes_needed(assignment):
        student = _open(sandbox, mode, assignment, names_used(assignment), background=True)
        stack.callback(student.sandbox.close)
        runs[("device", mode)] = (student, lambda _: None)
    return runs


def _run_again(device_run, cpu_run):
    """Whether the device run, started beside the CPU run before its results were known,
    must run again now that they are:
    - a cell timed out in the device run that finished in the CPU run: at the lowest priority
      it may wait for a core past a cell's time limit when the CPU run keeps both busy (the
      limit is wall-clock);
    - a cell failed in the CPU run that the device run ran sliced with a kept statement after
      a dropped one: the statement that failed may be one the slice left out, and what the
      cell defines after it must not exist on the device when it does not on the CPU. (A
      cell whose demo after its classes failed, as in an unfinished exercise, needs no
      second run.)"""
    for source, device, cpu, cpu_source in zip(device_run.cells, device_run.cell_results, cpu_run.cell_results,
                                               cpu_run.cells):
        if device is not None and device["status"] == "timeout" and cpu is not None and cpu["status"] != "timeout":
            return True
        if cpu is not None and cpu["status"] != "ok" and source != TIMED_OUT \
                and not only_a_tail_dropped(source, cpu_source):
            return True
    return False


def _shared(grading, mode, names):
    sandbox, assignment = grading.student.sandbox, grading.student.assignment  # unreadable: MissingName
    return grading.resource(("device", mode), lambda: _open(sandbox, mode, assignment, names),
                            lambda s: s.sandbox.close())


def device_student(grading, mode, check_id, names, target):
    """The submission on the device `mode`, seeded for `check_id`, with the trusted helpers of
    the names `target` is built on; skips a GPU check without a GPU."""
    if mode == "cupy":
        reason = gpu_status()
        if reason:
            if getattr(grading, "count_gpu", False):
                fail(f"{reason}; counted as failed because of --count-gpu")
            pytest.skip(reason)
    student = _shared(grading, mode, names)
    student.sandbox.finish_cells()
    cpu_run = grading.student.sandbox
    if _run_again(student.sandbox, cpu_run):  # after the CPU run, at full priority
        student = grading.reopen(("device", mode), lambda: _open(cpu_run, mode, student.assignment, names),
                                 lambda s: s.sandbox.close())
        student.sandbox.finish_cells()
    problem = student.device_problem()
    if problem:  # e.g. CuPy sees the GPU from the judge but not from inside the sandbox
        reason = f"no GPU usable in the sandbox: {problem}"
        if mode == "cupy" and not getattr(grading, "count_gpu", False):
            pytest.skip(reason)
        fail(reason)
    student.use_helpers_for(target, own=grading.own_names)
    student.seed(seed_for(check_id))
    student.promotions()  # forget what the cells did
    return student


# -- verdicts on device results ----------------------------------------------------------

@contextmanager
def host_device_errors():
    """Turn CuPy's refusals to mix host and device arrays into a verdict that says so."""
    try:
        yield
    except StudentError as exc:
        if any(text in exc.message for text in MIXING):
            fail(f"on the device, {exc.sentence()}", HOST_HINT)
        raise


def device_array(name, value):
    """A result that must be a float32 array on the device, as NumPy for comparing."""
    if isinstance(value, DeviceArray):
        if value.dtype != numpy.float32:
            fail(f"{name} is {value.dtype} on the device, expected float32 (the dtype of the inputs)", DTYPE_HINT)
        return numpy.asarray(value)
    if isinstance(value, (numpy.ndarray, numpy.generic)):
        fail(f"{name} came back as a NumPy {value.dtype} array on the host: results must stay on the device "
             "(CuPy arrays)", HOST_HINT)
    as_array(name, value)  # None and other non-arrays get the usual sentence
    fail(f"{name} is a {type(value).__name__}, expected a float32 array on the device")


def device_scalar(name, value):
    """A loss: a Python number, or a float32 0-d array on the device."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, DeviceArray) and value.size == 1:
        return float(device_array(name, value).reshape(()))
    fail(f"{name} should be a number (float(...)), got {type(value).__name__}"
         + (f" of shape {value.shape}" if isinstance(value, numpy.ndarray) else ""))


def device_list(name, value, length):
    if not isinstance(value, list) or len(value) != length:
        got = f"a list of {len(value)}" if isinstance(value, list) else type(value).__name__
        fail(f"{name} should be a list of {length} arrays, got {got}")
    return [device_array(f"{name}[{i}]", v) for i, v in enumerate(value)]


def promotions_note(student, what):
    """Float64 temporaries inside methods whose results stayed float32 cost nothing: a note
    with the line and the fix (the emulation records them; CuPy computes them silently)."""
    found = student.promotions()
    if found:
        more = f" (and in {len(found) - 1} more place{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
        raise PassWithNote(f"{what} keeps float32, but computes a float64 temporary from float32 arrays: "
                           f"{found[0]}{more}; it costs speed on a GPU, not points", DTYPE_HINT)


def f32(*arrays):
    return [numpy.asarray(a, dtype=numpy.float32) for a in arrays]


def f64(*arrays):
    return [numpy.asarray(a, dtype=numpy.float64) for a in arrays]


OWN = "your own float64 result on the CPU"


def same_as_own(name, got, own):
    """A device result against the submission's own float64 CPU result for the same inputs: a
    formula mistake is the same in both, and is charged by the checks of the formula."""
    compare(f"{name} on the device", got, as_array(f"{name} (float64, on the CPU)", own), against=OWN, **F32)


# -- layers ----------------------------------------------------------------------------------

def check_affine(device, cpu, rng, limits):
    W, b, x, dout = f32(rng.standard_normal((6, 5)), rng.standard_normal(5), rng.standard_normal((8, 6)),
                        rng.standard_normal((8, 5)))
    with host_device_errors():
        layer = device.new("Affine", on_device(W), on_device(b))
        out = device_array("Affine.forward's output", layer.call("forward", on_device(x)))
        dx = device_array("Affine.backward's dx", layer.call("backward", on_device(dout)))
        grads = device_list("Affine.grads", layer.get("grads"), 2)
    own = cpu.new("Affine", *f64(W, b))
    same_as_own("Affine.forward", out, own.call("forward", *f64(x)))
    same_as_own("Affine.backward's dx", dx, own.call("backward", *f64(dout)))
    for i, (label, got) in enumerate(zip(("dW (grads[0])", "db (grads[1])"), grads)):
        same_as_own(f"Affine's {label}", got, own.get("grads", i))
    promotions_note(device, "Affine")


def check_sigmoid(device, cpu, rng, limits):
    x, dout = f32(rng.standard_normal((8, 6)) * 3, rng.standard_normal((8, 6)))
    with host_device_errors():
        layer = device.new("Sigmoid")
        out = device_array("Sigmoid.forward's output", layer.call("forward", on_device(x)))
        dx = device_array("Sigmoid.backward's dx", layer.call("backward", on_device(dout)))
    own = cpu.new("Sigmoid")
    same_as_own("Sigmoid.forward", out, own.call("forward", *f64(x)))
    same_as_own("Sigmoid.backward", dx, own.call("backward", *f64(dout)))
    promotions_note(device, "Sigmoid")


def check_softmax_with_loss(device, cpu, rng, limits):
    N, C = 8, 4
    x = f32(rng.standard_normal((N, C)) * 2)[0]
    labels = rng.integers(0, C, size=N)
    for kind, t in (("int32 one-hot targets", numpy.eye(C, dtype=numpy.int32)[labels]), ("labels", labels)):
        with host_device_errors():
            layer = device.new("SoftmaxWithLoss")
            loss = device_scalar("SoftmaxWithLoss.forward's loss", layer.call("forward", on_device(x), on_device(t)))
            dx = device_array(f"SoftmaxWithLoss.backward's dx (float32 logits, {kind})", layer.call("backward"))
        own = cpu.new("SoftmaxWithLoss")
        same_as_own(f"SoftmaxWithLoss.forward with {kind}", loss, own.call("forward", *f64(x), t))
        same_as_own(f"SoftmaxWithLoss.backward with {kind}", dx, own.call("backward"))
    promotions_note(device, "SoftmaxWithLoss")


# -- optimizers ------------------------------------------------------------------------------

OPTIMIZER_SHAPES = [(4, 5), (5,), (1,)]


def optimizer_check(name, kwargs):
    def check(device, cpu, rng, limits):
        params = f32(*[rng.standard_normal(s) for s in OPTIMIZER_SHAPES])
        steps = [f32(*[rng.standard_normal(s) for s in OPTIMIZER_SHAPES]) for _ in range(3)]
        with host_device_errors():
            optimizer = device.new(name, **kwargs)
            model, on_device_params = device.trusted("Parameters", [on_device(p) for p in params]), []
            for step, grads in enumerate(steps, start=1):
                model.call("set_grads", [on_device(g) for g in grads])
                optimizer.call("update", model.ref("params"), model.ref("grads"))
                on_device_params.append(device_list(f"{name}: params after step {step}", model.get("arrays"),
                                                    len(params)))
        check_state(optimizer, name)
        own, own_model = cpu.new(name, **kwargs), cpu.trusted("Parameters", f64(*params))
        for step, (grads, got) in enumerate(zip(steps, on_device_params), start=1):
            own_model.call("set_grads", f64(*grads))
            own.call("update", own_model.ref("params"), own_model.ref("grads"))
            for i, (g, w) in enumerate(zip(got, own_model.get("arrays"))):
                same_as_own(f"{name}: params[{i}] after step {step}", g, w)
        promotions_note(device, f"{name}.update")
    check.__doc__ = f"{name}: three steps on float32 device arrays, against its own float64 steps on the CPU."
    return check


def state_arrays(optimizer, name):
    """(label, array) for each array of more than one element the optimizer keeps between steps, in
    its attributes or in lists and dicts there."""
    try:
        state = optimizer.get("__dict__")
    except StudentError:
        return []  # no instance dictionary (__slots__): nothing to inspect
    found = []
    for key, value in (state.items() if isinstance(state, dict) else []):
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, (list, tuple)) \
            else [(None, value)]
        for index, item in items:
            if isinstance(item, (numpy.ndarray, numpy.generic)) and getattr(item, "ndim", 0) > 0:
                found.append((f"{name}.{key}" + ("" if index is None else f"[{index!r}]"), item))
    return found


def check_state(optimizer, name):
    """Arrays an optimizer keeps between steps stay on the device in the parameters' dtype."""
    for label, array in state_arrays(optimizer, name):
        device_array(f"{label} (state kept between updates)", array)


# -- spiral ----------------------------------------------------------------------------------

NET_SIZES = (2, 10, 3)
NET_SHAPES = [(2, 10), (10,), (10, 3), (3,)]


def with_weights(model, values, device):
    """Write `values` into the model's params in place (on the device, or as float64 on the CPU)."""
    for i, value in enumerate(values):
        model.set_item("params", i, value=on_device(value) if device else f64(value)[0])
    return model


def spiral_sample(rng, n=30):
    x, t = reference.spiral.load_data()
    pick = rng.choice(len(x), size=n, replace=False)
    return x[pick], t[pick]


def check_two_layer_net(device, cpu, rng, limits):
    """TwoLayerNet(2, 10, 3, dtype=float32): the check of the dtype argument itself."""
    values = f32(*[rng.standard_normal(s) for s in NET_SHAPES])
    x, t = spiral_sample(rng)
    with host_device_errors():
        model = device.new("TwoLayerNet", *NET_SIZES, dtype="float32")
        device_list("TwoLayerNet(2, 10, 3, dtype=float32).params", model.get("params"), 4)
        with_weights(model, values, device=True)
        X, T = on_device(x.astype(numpy.float32)), on_device(t)
        scores = device_array("TwoLayerNet.predict's scores", model.call("predict", X))
        loss = device_scalar("TwoLayerNet.forward's loss", model.call("forward", X, T))
        model.call("backward")
        grads = device_list("TwoLayerNet.grads", model.get("grads"), 4)
    own = with_weights(cpu.new("TwoLayerNet", *NET_SIZES), values, device=False)
    same_as_own("TwoLayerNet.predict", scores, own.call("predict", x))
    same_as_own("TwoLayerNet.forward (the loss)", loss, own.call("forward", x, t))
    own.call("backward")
    for i, got in enumerate(grads):
        same_as_own(f"TwoLayerNet.grads[{i}]", got, own.get("grads", i))
    promotions_note(device, "TwoLayerNet")


def check_trainer(device, cpu, rng, limits):
    """20 epochs of full-batch SGD(lr=1.0) on the float32 spiral with a trusted TwoLayerNet: the
    gradient of a full batch does not depend on the shuffle, so the run is the same on any device,
    and is compared with the submission's Trainer run in float64 on the CPU."""
    values = f32(*[rng.standard_normal(s) * 0.1 for s in NET_SHAPES])
    x, t = reference.spiral.load_data()
    epochs, batch = 20, len(x)
    with host_device_errors():
        model = with_weights(device.trusted("TwoLayerNet", *NET_SIZES, dtype="float32"), values, device=True)
        trainer = device.new("Trainer", model, device.trusted("SGD", lr=1.0))
        trainer.call("fit", on_device(x.astype(numpy.float32)), on_device(t), epochs, batch, eval_interval=1,
                     timeout=limits.train_timeout_s)
        losses, params = trainer.get("loss_list"), device_list("the model's params after training",
                                                               model.get("params"), 4)
    own_model = with_weights(cpu.trusted("TwoLayerNet", *NET_SIZES), values, device=False)
    own = cpu.new("Trainer", own_model, cpu.trusted("SGD", lr=1.0))
    own.call("fit", x, t, epochs, batch, eval_interval=1, timeout=limits.train_timeout_s)
    own_losses = own.get("loss_list")
    if not isinstance(losses, list) or not isinstance(own_losses, list) or len(losses) != len(own_losses):
        fail(f"after Trainer.fit(x, t, {epochs}, {batch}, eval_interval=1), loss_list has "
             f"{len(losses) if isinstance(losses, list) else type(losses).__name__} entries on the device and "
             f"{len(own_losses) if isinstance(own_losses, list) else type(own_losses).__name__} on the CPU")
    got_losses = numpy.array([device_scalar(f"Trainer.loss_list[{i}]", v) for i, v in enumerate(losses)])
    same_as_own(f"Trainer.loss_list after {epochs} epochs", got_losses,
                numpy.array([float(v) for v in own_losses]))
    for i, got in enumerate(params):
        same_as_own(f"the model's params[{i}] after {epochs} epochs of Trainer.fit", got, own_model.get("params", i))
    promotions_note(device, "Trainer.fit")


# -- registration ----------------------------------------------------------------------------

# Every method and attribute the checks above reach on the submission's objects (dunders
# aside): the slice leaves out what only other methods read (a test keeps this list whole).
ATTRIBUTES_USED = frozenset({"forward", "backward", "predict", "update", "fit", "params", "grads", "loss_list"})


@dataclasses.dataclass(frozen=True)
class DeviceCheck:
    slug: str
    target: str
    run: object
    points: float = 1.0


CHECKS = {
    "layers": [DeviceCheck("affine", "Affine", check_affine),
               DeviceCheck("sigmoid", "Sigmoid", check_sigmoid),
               DeviceCheck("softmax_with_loss", "SoftmaxWithLoss", check_softmax_with_loss)],
    "optimizers": [DeviceCheck("sgd", "SGD", optimizer_check("SGD", {"lr": 0.1})),
                   DeviceCheck("adam", "Adam", optimizer_check("Adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.95}))],
    "spiral": [DeviceCheck("two_layer_net", "TwoLayerNet", check_two_layer_net),
               DeviceCheck("trainer", "Trainer", check_trainer)],
}


def _make(spec, mode, prefix, names):
    def check(grading, check_id, rng, limits):
        device = device_student(grading, mode, check_id, names, spec.target)
        grading.student.use_helpers_for(spec.target, own=grading.own_names)
        grading.student.seed(seed_for(check_id))
        spec.run(device, grading.student, rng, limits)

    check = pytest.mark.check(id=f"{prefix}.{spec.slug}", target=spec.target, points=spec.points)(check)
    check.__name__ = check.__qualname__ = f"test_{prefix}_{spec.slug}"
    check.__doc__ = f"{spec.target} in float32 on {DEVICE_NAMES[mode]}. " + (spec.run.__doc__ or "")
    return check


def device_checks(assignment):
    """{name: check} for the assignment's device checks, both flavours; a check module adds
    them to its globals."""
    names = names_used(assignment)
    return {f"test_{prefix}_{spec.slug}": _make(spec, mode, prefix, names)
            for spec in CHECKS[assignment] for mode, prefix in MODES.items()}
