"""Device checks: the submission's own code run in float32 with `np` bound to a device
module, compared with the float64 CPU reference.

The second book ends its first chapter with two speed-ups, float32 and the GPU
("replace numpy with cupy"). A layer that silently computes in float64, or mixes
host and device arrays, passes every CPU check and still fails its owner on a GPU.
These checks run the submission a second time in its own sandbox with the books'
switch applied (`import numpy as np` imports the device module, see
runtime/worker.py), send float32 inputs that land on the device, and judge what comes
back: still on the device, still float32, equal to the reference within float32
tolerance, and (on the emulation) computed without float64 promotions.

Every check exists twice:
- `device.*` runs on real CuPy. Without a GPU it is skipped with the reason and left
  out of max_score; `--count-gpu` counts it (as failed) so that max_score does not
  depend on the grading machine.
- `emulated_device.*` runs on fakecupy (runtime/fakecupy.py), CuPy's manners on NumPy.
  It runs everywhere and counts: it catches the host/device mixing and dtype mistakes
  students make, and also float64 promotions that CuPy computes without complaint.

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
from .verdicts import as_array, compare, fail

F32 = dict(rtol=1e-4, atol=1e-5)
MODES = {"cupy": "device", "emulated": "emulated_device"}  # mode -> check id prefix
DEVICE_NAMES = {"cupy": "the GPU (CuPy)", "emulated": "the emulated device (CuPy's rules on the CPU)"}
MIXING = ("Implicit conversion to a NumPy array", "Unsupported type <class 'numpy.ndarray'>",
          "non-scalar numpy.ndarray cannot be used for fill")
HOST_HINT = ("host/device mixing: with `np` bound to CuPy, an array made with the NumPy module itself "
             "(numpy.zeros(...), numpy.random..., numpy.asarray(...)) stays on the host, and CuPy refuses "
             "to mix the two; create every array through `np` (np.zeros_like(param), np.random.randn)")
TIMED_OUT = "raise TimeoutError('not run on the device: this cell timed out in the CPU run')\n"
DTYPE_HINT = ("float32 in must give float32 out: create arrays with np.zeros_like(param) or dtype=x.dtype, "
              "subtract labels rather than integer one-hot targets (or cast them, t.astype(x.dtype)), and "
              "use Python floats, not np.float64(...) scalars or float64 arrays, in arithmetic")


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

    def __init__(self, sandbox, mode):
        super().__init__(sandbox)
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


def _open(sandbox, mode, names, background=False):
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
    return DeviceStudent(device_sandbox, mode)


def _modes_needed(assignment):
    return [mode for mode in MODES if assignment in CHECKS and (mode != "cupy" or gpu_status() is None)]


def names_used(assignment):
    """The submission's names that the assignment's device checks use."""
    return sorted({name for spec in CHECKS[assignment] for name in (spec.target, *spec.uses)})


def start_device_runs(sandbox, assignment, stack):
    """Open the device runs the assignment's checks will need as soon as the CPU run has
    started, so that their cells run beside it rather than after it; `stack` (an ExitStack)
    closes them. Returns them as resources for `run_checks`."""
    runs = {}
    for mode in _modes_needed(assignment):
        student = _open(sandbox, mode, names_used(assignment), background=True)
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
    sandbox = grading.student.sandbox  # an unreadable submission has none: MissingName
    return grading.resource(("device", mode), lambda: _open(sandbox, mode, names), lambda s: s.sandbox.close())


def device_student(grading, mode, check_id, names):
    """The submission on the device `mode`, seeded for `check_id`; skips a GPU check without a GPU."""
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
        student = grading.reopen(("device", mode), lambda: _open(cpu_run, mode, names), lambda s: s.sandbox.close())
        student.sandbox.finish_cells()
    problem = student.device_problem()
    if problem:  # e.g. CuPy sees the GPU from the judge but not from inside the sandbox
        reason = f"no GPU usable in the sandbox: {problem}"
        if mode == "cupy" and not getattr(grading, "count_gpu", False):
            pytest.skip(reason)
        fail(reason)
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


def no_promotions(student, what):
    found = student.promotions()
    if found:
        more = f" (and in {len(found) - 1} more place{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
        fail(f"{what} computed in float64 from float32 arrays: {found[0]}{more}", DTYPE_HINT)


def f32(*arrays):
    return [numpy.asarray(a, dtype=numpy.float32) for a in arrays]


def f64(*arrays):
    return [numpy.asarray(a, dtype=numpy.float64) for a in arrays]


# -- layers ----------------------------------------------------------------------------------

def check_affine(student, rng, limits):
    W, b, x, dout = f32(rng.standard_normal((6, 5)), rng.standard_normal(5), rng.standard_normal((8, 6)),
                        rng.standard_normal((8, 5)))
    expected = reference.Affine(*f64(W, b))
    want_out, want_dx = expected.forward(*f64(x)), expected.backward(*f64(dout))
    with host_device_errors():
        layer = student.new("Affine", on_device(W), on_device(b))
        out = layer.call("forward", on_device(x))
        dx = layer.call("backward", on_device(dout))
        grads = layer.get("grads")
    compare("Affine.forward on the device", device_array("Affine.forward's output", out), want_out, **F32)
    compare("Affine.backward's dx on the device", device_array("Affine.backward's dx", dx), want_dx, **F32)
    for label, got, want in zip(("dW (grads[0])", "db (grads[1])"), device_list("Affine.grads", grads, 2),
                                expected.grads):
        compare(f"Affine's {label} on the device", got, want, **F32)
    no_promotions(student, "Affine")


def check_sigmoid(student, rng, limits):
    x, dout = f32(rng.standard_normal((8, 6)) * 3, rng.standard_normal((8, 6)))
    expected = reference.Sigmoid()
    want_out, want_dx = expected.forward(*f64(x)), expected.backward(*f64(dout))
    with host_device_errors():
        layer = student.new("Sigmoid")
        out = layer.call("forward", on_device(x))
        dx = layer.call("backward", on_device(dout))
    compare("Sigmoid.forward on the device", device_array("Sigmoid.forward's output", out), want_out, **F32)
    compare("Sigmoid.backward on the device", device_array("Sigmoid.backward's dx", dx), want_dx, **F32)
    no_promotions(student, "Sigmoid")


def check_softmax_with_loss(student, rng, limits):
    N, C = 8, 4
    x = f32(rng.standard_normal((N, C)) * 2)[0]
    labels = rng.integers(0, C, size=N)
    onehot = numpy.eye(C, dtype=numpy.int32)[labels]
    for kind, t in (("int32 one-hot targets", onehot), ("labels", labels)):
        expected = reference.SoftmaxWithLoss()
        want_loss = expected.forward(*f64(x), t)
        want_dx = expected.backward()
        with host_device_errors():
            layer = student.new("SoftmaxWithLoss")
            loss = layer.call("forward", on_device(x), on_device(t))
            dx = layer.call("backward")
        compare(f"SoftmaxWithLoss.forward with {kind} on the device",
                device_scalar("SoftmaxWithLoss.forward's loss", loss), want_loss, **F32)
        compare(f"SoftmaxWithLoss.backward with {kind} on the device",
                device_array(f"SoftmaxWithLoss.backward's dx (float32 logits, {kind})", dx), want_dx, **F32)
        no_promotions(student, f"SoftmaxWithLoss with {kind}")


# -- optimizers ------------------------------------------------------------------------------

OPTIMIZER_SHAPES = [(4, 5), (5,), (1,)]


def optimizer_check(name, kwargs):
    def check(student, rng, limits):
        params = f32(*[rng.standard_normal(s) for s in OPTIMIZER_SHAPES])
        steps = [f32(*[rng.standard_normal(s) for s in OPTIMIZER_SHAPES]) for _ in range(3)]
        expected, want = getattr(reference, name)(**kwargs), f64(*params)
        with host_device_errors():
            optimizer = student.new(name, **kwargs)
            current = [on_device(p) for p in params]
            for step, grads in enumerate(steps, start=1):
                _, (after, _) = optimizer.call("update", current, [on_device(g) for g in grads], keep_args=True)
                expected.update(want, f64(*grads))
                got = device_list(f"{name}: params after step {step}", after, len(params))
                for i, (g, w) in enumerate(zip(got, want)):
                    compare(f"{name}: params[{i}] after step {step} on the device", g, w, **F32)
                current = after
        check_state(optimizer, name)
        no_promotions(student, f"{name}.update")
    check.__doc__ = f"{name}: three steps on float32 device arrays, against the float64 reference."
    return check


def check_state(optimizer, name):
    """Arrays an optimizer keeps between steps stay on the device in the parameters' dtype."""
    try:
        state = optimizer.get("__dict__")
    except StudentError:
        return  # no instance dictionary (__slots__): nothing to inspect
    if not isinstance(state, dict):
        return
    for key, value in state.items():
        items = value if isinstance(value, (list, tuple)) else [value]
        for i, item in enumerate(items):
            if isinstance(item, (numpy.ndarray, numpy.generic)) and getattr(item, "ndim", 0) > 0:
                label = f"{name}.{key}" + (f"[{i}]" if isinstance(value, (list, tuple)) else "")
                device_array(f"{label} (state kept between updates)", item)


# -- spiral ----------------------------------------------------------------------------------

NET_SIZES = (2, 10, 3)
NET_SHAPES = [(2, 10), (10,), (10, 3), (3,)]


def float32_net(student, rng, scale):
    """A student TwoLayerNet(2, 10, 3, dtype=float32) with known weights, and the float64 reference one."""
    with host_device_errors():
        model = student.new("TwoLayerNet", *NET_SIZES, dtype="float32")
        device_list("TwoLayerNet(2, 10, 3, dtype=float32).params", model.get("params"), 4)
    values = f32(*[rng.standard_normal(s) * scale for s in NET_SHAPES])
    for i, value in enumerate(values):
        model.set_item("params", i, value=on_device(value))
    expected = reference.TwoLayerNet(*NET_SIZES)
    for p, value in zip(expected.params, values):
        p[...] = value
    return model, expected


def check_two_layer_net(student, rng, limits):
    model, expected = float32_net(student, rng, scale=1.0)
    x, t = reference.spiral.load_data()
    pick = rng.choice(len(x), size=30, replace=False)
    x, t = x[pick], t[pick]
    X, T = on_device(x.astype(numpy.float32)), on_device(t)
    with host_device_errors():
        scores = model.call("predict", X)
        loss = model.call("forward", X, T)
        model.call("backward")
        grads = model.get("grads")
    compare("TwoLayerNet.predict on the device", device_array("TwoLayerNet.predict's scores", scores),
            expected.predict(x), **F32)
    compare("TwoLayerNet.forward (the loss) on the device", device_scalar("TwoLayerNet.forward's loss", loss),
            expected.forward(x, t), **F32)
    expected.backward()
    for i, (got, want) in enumerate(zip(device_list("TwoLayerNet.grads", grads, 4), expected.grads)):
        compare(f"TwoLayerNet.grads[{i}] on the device", got, want, **F32)
    no_promotions(student, "TwoLayerNet")


def check_trainer(student, rng, limits):
    """20 epochs of full-batch SGD(lr=1.0) on the float32 spiral: the gradient of a full batch
    does not depend on the shuffle, so the run is deterministic on any device."""
    model, expected = float32_net(student, rng, scale=0.1)
    x, t = reference.spiral.load_data()
    epochs, batch = 20, len(x)
    with host_device_errors():
        trainer = student.new("Trainer", model, student.new("SGD", lr=1.0))
        trainer.call("fit", on_device(x.astype(numpy.float32)), on_device(t), epochs, batch, eval_interval=1,
                     timeout=limits.train_timeout_s)
        losses, params = trainer.get("loss_list"), model.get("params")
    ref_trainer = reference.Trainer(expected, reference.SGD(lr=1.0))
    ref_trainer.fit(x, t, epochs, batch, eval_interval=1)
    if not isinstance(losses, list) or len(losses) != len(ref_trainer.loss_list):
        got = f"{len(losses)} entries" if isinstance(losses, list) else type(losses).__name__
        fail(f"after Trainer.fit(x, t, {epochs}, {batch}, eval_interval=1) on the device, loss_list has {got}; "
             f"expected {len(ref_trainer.loss_list)} (one per iteration)")
    got_losses = numpy.array([device_scalar(f"Trainer.loss_list[{i}]", v) for i, v in enumerate(losses)])
    compare(f"Trainer.loss_list after {epochs} epochs on the device", got_losses, ref_trainer.loss_list, **F32)
    for i, (got, want) in enumerate(zip(device_list("TwoLayerNet.params after training", params, 4),
                                        expected.params)):
        compare(f"TwoLayerNet.params[{i}] after {epochs} epochs of Trainer.fit on the device", got, want, **F32)
    no_promotions(student, "Trainer.fit")


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
    uses: tuple = ()  # the submission's names the check constructs, besides the target


CHECKS = {
    "layers": [DeviceCheck("affine", "Affine", check_affine),
               DeviceCheck("sigmoid", "Sigmoid", check_sigmoid),
               DeviceCheck("softmax_with_loss", "SoftmaxWithLoss", check_softmax_with_loss)],
    "optimizers": [DeviceCheck("sgd", "SGD", optimizer_check("SGD", {"lr": 0.1})),
                   DeviceCheck("adam", "Adam", optimizer_check("Adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.95}))],
    "spiral": [DeviceCheck("two_layer_net", "TwoLayerNet", check_two_layer_net),
               DeviceCheck("trainer", "Trainer", check_trainer, uses=("TwoLayerNet", "SGD"))],
}


def _make(spec, mode, prefix, names):
    @pytest.mark.check(id=f"{prefix}.{spec.slug}", target=spec.target, points=spec.points)
    def check(grading, check_id, rng, limits):
        spec.run(device_student(grading, mode, check_id, names), rng, limits)

    check.__name__ = check.__qualname__ = f"test_{prefix}_{spec.slug}"
    check.__doc__ = f"{spec.target} in float32 on {DEVICE_NAMES[mode]}. " + (spec.run.__doc__ or "")
    return check


def device_checks(assignment):
    """{name: check} for the assignment's device checks, both flavours; a check module adds
    them to its globals."""
    names = names_used(assignment)
    return {f"test_{prefix}_{spec.slug}": _make(spec, mode, prefix, names)
            for spec in CHECKS[assignment] for mode, prefix in MODES.items()}
