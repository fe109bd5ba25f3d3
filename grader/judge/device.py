"""Device runs: the submission's own code run a second time, in float32, with `np` bound to a
device module, and what the device checks of an assignment's module use.

The second book ends its first chapter with two speed-ups, float32 and the GPU ("replace numpy
with cupy"). A layer that silently computes in float64, or mixes host and device arrays, passes
every CPU check and still fails its owner on a GPU. A device run executes the submission again
in its own sandbox with the books' switch applied (`import numpy as np` imports the device
module, see runtime/worker.py), sliced to what the device checks need (slicing.py). Its checks
send float32 inputs that land on the device and judge what comes back: still on the device,
still float32, and equal within float32 tolerance to what the same code computes from the same
values in float64 on the CPU (so a formula mistake is charged once, by the checks of the
formula). A float64 temporary inside a method whose results stay float32 (the emulation records
it) is a note on a passing check.

Every device check exists twice, as the two parameters of one test (`on_devices`):
- `device.*` runs on real CuPy. Without a GPU it is skipped with the reason and left out of
  max_score; `--count-gpu` counts it (as failed) so that max_score does not depend on the
  grading machine.
- `emulated_device.*` runs on fakecupy (runtime/fakecupy.py), CuPy's manners on NumPy. It runs
  everywhere and counts: it catches the host/device mixing and dtype mistakes students make,
  and notes float64 temporaries that CuPy computes without complaint.
"""
import dataclasses
from contextlib import contextmanager

import numpy
import pytest
from backprop_lab_check.i18n import N_, _, ngettext
from backprop_lab_check.outcomes import MissingName
from backprop_lab_check.tolerances import FLOAT32
from backprop_lab_check.verdicts import DTYPE_HINT, OWN_FLOAT64_ON_CPU, PassWithNote, as_array, compare, fail

from ..assignments import DEVICE_TARGETS
from ..runtime.protocol import DeviceArray
from ..sandbox import Sandbox, StudentRaised
from ..slicing import only_a_tail_dropped, slice_cells
from .student import Student

MODES = {"emulated": "emulated_device", "cupy": "device"}  # mode -> check id prefix
NOT_DEFINED_ON = {  # why a name is missing in a device run, by mode
    "cupy": N_("`{name}` is not defined when the notebook runs on the GPU (CuPy)"),
    "emulated": N_("`{name}` is not defined when the notebook runs on the emulated device (CuPy's rules on the CPU)")}
MIXING = ("Implicit conversion to a NumPy array", "Unsupported type <class 'numpy.ndarray'>",
          "non-scalar numpy.ndarray cannot be used for fill")
HOST_HINT = N_("host/device mixing: with `np` bound to CuPy, an array made with the NumPy module itself "
               "(numpy.zeros(...), numpy.random..., numpy.asarray(...)) stays on the host, and CuPy refuses "
               "to mix the two; create every array through `np` (np.zeros_like(param), np.random.randn)")
TIMED_OUT = "raise TimeoutError('not run on the device: this cell timed out in the CPU run')\n"
# Every method and attribute the device checks reach on the submission's objects (dunders
# aside): the slice leaves out what only other methods read (a test keeps this list whole).
ATTRIBUTES_USED = frozenset({"forward", "backward", "predict", "update", "fit", "params", "grads", "loss_list"})


def on_devices(slug, target, points=1.0):
    """The parameters of a device check of `target`: `emulated_device.<slug>` and `device.<slug>`,
    each with its check marker, for `@pytest.mark.parametrize("on_device", ..., indirect=True)`."""
    return [pytest.param(mode, id=prefix, marks=pytest.mark.check(id=f"{prefix}.{slug}", target=target, points=points))
            for mode, prefix in MODES.items()]


def gpu_status():
    """None when CuPy and a CUDA device are there, else the reason (a sentence, in the current
    language: the probe runs once per process, its sentence is made at each call)."""
    if not hasattr(gpu_status, "probe"):
        gpu_status.probe = _probe_gpu()
    if gpu_status.probe is None:
        return None
    reason, error = gpu_status.probe
    return _(reason).format(error=error)


def _probe_gpu():
    """None, or why there is no GPU: (a sentence marked with N_, the error it names)."""
    try:
        import cupy
    except ImportError:
        return N_("no GPU: CuPy is not installed (pip install 'backprop-lab[gpu]' on a machine with an NVIDIA GPU)"), None
    except Exception as exc:  # a broken CUDA installation raises all sorts
        return N_("no GPU: CuPy cannot be imported ({error})"), f"{type(exc).__name__}: {exc}"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:
        return N_("no GPU: CuPy finds no CUDA device ({error})"), f"{type(exc).__name__}: {exc}"
    return None if count > 0 else (N_("no GPU: CuPy finds no CUDA device"), None)


# -- the device's student --------------------------------------------------------------

class DeviceStudent(Student):
    """The submission as its device run defines it."""

    def __init__(self, sandbox, mode, assignment):
        super().__init__(sandbox, assignment)
        self.mode = mode
        self._hello = None

    def _require(self, name):
        if self.has(name):
            return
        failed = [(i, r["message"]) for i, r in enumerate(self.sandbox.cell_results, 1)
                  if r is not None and r["status"] != "ok"]
        missing = _(NOT_DEFINED_ON[self.mode]).format(name=name)
        if failed:
            index, message = failed[0]
            raise MissingName(_("{missing}; cell {index} failed there: {message}").format(
                missing=missing, index=index, message=message))
        raise MissingName(missing)

    def device_problem(self):
        """Why the worker could not load its device module, or None."""
        if self._hello is None:
            self._hello = self.sandbox.request("hello")
        if not isinstance(self._hello, dict):
            return _("no reply")
        error = self._hello.get("device_error")  # the worker's exception, worded here in the report's language
        return _("the device {device!r} cannot be used: {error}").format(device=self.mode, error=error) \
            if error else None

    def reset(self, check_id):
        super().reset(check_id)
        self.promotions()  # forget what the cells and earlier checks did

    def promotions(self):
        """float32 -> float64 promotions since the last call (recorded by the emulation only)."""
        return self.sandbox.request("device_promotions")


class DeviceRun:
    """The submission run on the device `mode` ("emulated" or "cupy") beside its CPU run.

    `start()` opens it as soon as the CPU run has started, at the lowest CPU priority, so that
    its cells run on time the CPU run leaves free; it runs the cells as sliced, the CPU run's
    results not being known yet. `student()`, once the CPU run has finished its cells, settles
    it against them: a cell that failed on the CPU must stop on the device where it stopped on
    the CPU (what the CPU run never defined is not graded on the device), and a cell that timed
    out only because it waited for a core must run again; when either happens, the run starts
    over at normal priority with the CPU run's results. Its time budget is what the CPU run left
    of the submission's (at least 30 s)."""

    def __init__(self, cpu, mode, assignment):
        self.cpu, self.mode, self.assignment = cpu, mode, assignment
        self.sandbox = None  # the device run's sandbox, once opened
        self._student = None

    def start(self):
        """Open the run before the CPU run's results are known: every cell sliced."""
        self.sandbox = self._open(None, background=True)
        return self

    def student(self):
        """The DeviceStudent, once the run agrees with the CPU run's finished cells."""
        if self._student is None:
            if self.sandbox is not None:
                self.sandbox.finish_cells()
            if self.sandbox is None or self._must_run_again():
                if self.sandbox is not None:
                    self.sandbox.close()
                self.sandbox = self._open(self.cpu.cell_results, background=False)
                self.sandbox.finish_cells()
            self._student = DeviceStudent(self.sandbox, self.mode, self.assignment)
        return self._student

    def close(self):
        if self.sandbox is not None:
            self.sandbox.close()

    def _open(self, cpu_results, background):
        """A device sandbox running the slice of the cells; with the CPU run's results, a cell
        that failed there runs whole and one that timed out there is not run."""
        cpu = self.cpu
        statuses = [result["status"] if result else "ok" for result in cpu_results or [None] * len(cpu.cells)]
        failed = {index for index, status in enumerate(statuses) if status != "ok"}
        sliced = slice_cells(cpu.cells, sorted(DEVICE_TARGETS[self.assignment]), whole=failed,
                             attributes=ATTRIBUTES_USED)
        cells = [TIMED_OUT if status == "timeout" else source for source, status in zip(sliced, statuses)]
        budget = min(cpu.limits.submission_timeout_s, max(30.0, cpu.time_left()))
        limits = dataclasses.replace(cpu.limits, submission_timeout_s=budget)
        sandbox = Sandbox(cells, limits, cpu.isolation, device=self.mode, background=background)
        try:
            sandbox.start_cells()
        except BaseException:
            sandbox.close()
            raise
        return sandbox

    def _must_run_again(self):
        """- a cell timed out in the device run that finished in the CPU run: at the lowest
        priority it may wait for a core past a cell's time limit when the CPU run keeps both
        busy (the limit is wall-clock);
        - a cell failed in the CPU run that the device run ran sliced with a kept statement after
        a dropped one: the statement that failed may be one the slice left out. (A cell whose
        demo after its classes failed, as in an unfinished exercise, needs no second run.)"""
        device, cpu = self.sandbox, self.cpu
        for source, on_device_result, cpu_result, cpu_source in zip(device.cells, device.cell_results,
                                                                     cpu.cell_results, cpu.cells):
            if on_device_result is not None and on_device_result["status"] == "timeout" \
                    and cpu_result is not None and cpu_result["status"] != "timeout":
                return True
            if cpu_result is not None and cpu_result["status"] != "ok" and source != TIMED_OUT \
                    and not only_a_tail_dropped(source, cpu_source):
                return True
        return False


def start_device_runs(cpu, assignment):
    """The device runs the assignment's checks need ({mode: DeviceRun}), started beside the CPU
    run `cpu`; the caller closes them."""
    modes = [mode for mode in MODES if assignment in DEVICE_TARGETS and (mode != "cupy" or gpu_status() is None)]
    return {mode: DeviceRun(cpu, mode, assignment).start() for mode in modes}


def device_student(grading, mode, check_id, target):
    """The submission on the device `mode` for a check of `target`: seeded for `check_id`, with
    the trusted helpers of the names `target` builds on; a GPU check without a GPU is skipped."""
    if mode == "cupy":
        reason = gpu_status()
        if reason:
            if grading.count_gpu:
                fail(_("{reason}; counted as failed because of --count-gpu").format(reason=reason))
            pytest.skip(reason)
    run = grading.device_runs.get(mode)
    if run is None:
        raise MissingName(getattr(grading.student, "reason", None) or _("the submission was not run on the device"))
    student = run.student()
    problem = student.device_problem()
    if problem:  # e.g. CuPy sees the GPU from the judge but not from inside the sandbox
        reason = _("no GPU usable in the sandbox: {problem}").format(problem=problem)
        if mode == "cupy" and not grading.count_gpu:
            pytest.skip(reason)
        fail(reason)
    student.prepare_for(check_id, target, own=grading.own_names)
    return student


# -- verdicts on device results ----------------------------------------------------------

@contextmanager
def host_device_errors():
    """Turn CuPy's refusals to mix host and device arrays into a verdict that says so."""
    try:
        yield
    except StudentRaised as exc:
        if any(text in exc.message for text in MIXING):
            fail(_("on the device, {what}").format(what=exc.sentence()), HOST_HINT)
        raise


def device_array(name, value):
    """A result that must be a float32 array on the device, as NumPy for comparing."""
    if isinstance(value, DeviceArray):
        if value.dtype != numpy.float32:
            fail(_("{name} is {dtype} on the device, expected float32 (the dtype of the inputs)").format(
                name=name, dtype=value.dtype), DTYPE_HINT)
        return numpy.asarray(value)
    if isinstance(value, (numpy.ndarray, numpy.generic)):
        fail(_("{name} came back as a NumPy {dtype} array on the host: results must stay on the device "
               "(CuPy arrays)").format(name=name, dtype=value.dtype), HOST_HINT)
    as_array(name, value)  # None and other non-arrays get the usual sentence
    fail(_("{name} is a {kind}, expected a float32 array on the device").format(name=name, kind=type(value).__name__))


def device_scalar(name, value):
    """A loss: a Python number, or a float32 0-d array on the device."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, DeviceArray) and value.size == 1:
        return float(device_array(name, value).reshape(()))
    if isinstance(value, numpy.ndarray):
        fail(_("{name} should be a number (float(...)), got {kind} of shape {shape}").format(
            name=name, kind=type(value).__name__, shape=value.shape))
    fail(_("{name} should be a number (float(...)), got {kind}").format(name=name, kind=type(value).__name__))


def device_list(name, value, length):
    if isinstance(value, list) and len(value) != length:
        fail(_("{name} should be a list of {count} arrays, got a list of {got}").format(
            name=name, count=length, got=len(value)))
    if not isinstance(value, list):
        fail(_("{name} should be a list of {count} arrays, got {got}").format(
            name=name, count=length, got=type(value).__name__))
    return [device_array(f"{name}[{i}]", v) for i, v in enumerate(value)]


def promotions_note(student, what):
    """Float64 temporaries inside methods whose results stayed float32 cost nothing: a note
    with the line and the fix (the emulation records them; CuPy computes them silently)."""
    found = student.promotions()
    if len(found) == 1:
        raise PassWithNote(_("{what} keeps float32, but computes a float64 temporary from float32 arrays: {where}; "
                             "it costs speed on a GPU, not points").format(what=what, where=found[0]), DTYPE_HINT)
    if found:
        raise PassWithNote(ngettext(
            "{what} keeps float32, but computes a float64 temporary from float32 arrays: {where} (and in {count} "
            "more place); it costs speed on a GPU, not points",
            "{what} keeps float32, but computes a float64 temporary from float32 arrays: {where} (and in {count} "
            "more places); it costs speed on a GPU, not points", len(found) - 1).format(
                what=what, where=found[0], count=len(found) - 1), DTYPE_HINT)


def f32(*arrays):
    return [numpy.asarray(a, dtype=numpy.float32) for a in arrays]


def f64(*arrays):
    return [numpy.asarray(a, dtype=numpy.float64) for a in arrays]


def same_as_own(name, got, own):
    """A device result against the submission's own float64 CPU result for the same inputs: a
    formula mistake is the same in both, and is charged by the checks of the formula."""
    compare(_("{name} on the device").format(name=name), got,
            as_array(_("{name} (float64, on the CPU)").format(name=name), own), against=OWN_FLOAT64_ON_CPU, **FLOAT32)


def state_arrays(optimizer, name):
    """(label, array) for each array of more than one element the optimizer keeps between steps, in
    its attributes or in lists and dicts there."""
    try:
        state = optimizer.get("__dict__")
    except StudentRaised:
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
        device_array(_("{state} (state kept between updates)").format(state=label), array)
