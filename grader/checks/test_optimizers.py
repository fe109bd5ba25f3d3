"""Hidden checks for the `optimizers` assignment.

Each optimizer is stepped several times on several parameters of different
shapes with fresh random gradients and compared, step by step, with the
reference; variants of known mistakes are computed alongside to name them.
"""
import math

import numpy
import pytest

from backprop_lab_check.i18n import N_, _
from backprop_lab_check.tolerances import FLOAT32
from backprop_lab_check.verdicts import DTYPE_HINT, OWN_FLOAT64_STEPS, as_array, close, compare, fail, mismatch

from grader.judge.device import (check_state, device_list, f32, f64, host_device_errors, on_devices,
                                 promotions_note, same_as_own, state_arrays)
from grader.runtime.protocol import on_device as to_device

check = pytest.mark.check
EPS = 1e-7
SHAPES = [(3, 4), (4,), (1,)]
OPTIMIZERS = {
    "SGD": {"lr": 0.1},
    "Momentum": {"lr": 0.1, "momentum": 0.8},
    "Nesterov": {"lr": 0.1, "momentum": 0.8},
    "AdaGrad": {"lr": 0.2},
    "RMSprop": {"lr": 0.05, "decay_rate": 0.9},
    "Adam": {"lr": 0.01, "beta1": 0.8, "beta2": 0.95},
}
DEFAULTS = {
    "SGD": {"lr": 0.01},
    "Momentum": {"lr": 0.01, "momentum": 0.9},
    "Nesterov": {"lr": 0.01, "momentum": 0.9},
    "AdaGrad": {"lr": 0.01},
    "RMSprop": {"lr": 0.01, "decay_rate": 0.99},
    "Adam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999},
}


# -- trajectories: the correct one(s) and known mistakes --------------------------------

def sgd(ps, gs_steps, lr):
    for gs in gs_steps:
        for p, g in zip(ps, gs):
            p -= lr * g
        yield ps


def momentum(ps, gs_steps, lr, momentum, late=False):
    vs = [numpy.zeros_like(p) for p in ps]
    for gs in gs_steps:
        for p, g, v in zip(ps, gs, vs):
            if late:  # moves with the old velocity
                p += v
            v *= momentum
            v -= lr * g
            if not late:
                p += v
        yield ps


def nesterov(ps, gs_steps, lr, momentum, velocity_first=False):
    vs = [numpy.zeros_like(p) for p in ps]
    mu = momentum
    for gs in gs_steps:
        for p, g, v in zip(ps, gs, vs):
            if velocity_first:  # the second book's order
                v *= mu
                v -= lr * g
            p += mu * mu * v
            p -= (1 + mu) * lr * g
            if not velocity_first:
                v *= mu
                v -= lr * g
        yield ps


def adagrad(ps, gs_steps, lr, accumulate=True, eps=EPS):
    hs = [numpy.zeros_like(p) for p in ps]
    for gs in gs_steps:
        for p, g, h in zip(ps, gs, hs):
            if accumulate:
                h += g * g
            else:
                h[...] = g * g
            p -= lr * g / (numpy.sqrt(h) + eps)
        yield ps


def rmsprop(ps, gs_steps, lr, decay_rate, leak=True, eps=EPS):
    hs = [numpy.zeros_like(p) for p in ps]
    for gs in gs_steps:
        for p, g, h in zip(ps, gs, hs):
            h *= decay_rate
            h += ((1 - decay_rate) if leak else 1.0) * g * g
            p -= lr * g / (numpy.sqrt(h) + eps)
        yield ps


def adam(ps, gs_steps, lr, beta1, beta2, form="folded", eps=EPS, count_per_parameter=False):
    ms = [numpy.zeros_like(p) for p in ps]
    vs = [numpy.zeros_like(p) for p in ps]
    for step, gs in enumerate(gs_steps):
        for i, (p, g, m, v) in enumerate(zip(ps, gs, ms, vs)):
            t = step * len(ps) + i + 1 if count_per_parameter else step + 1
            m += (1 - beta1) * (g - m)
            v += (1 - beta2) * (g * g - v)
            if form == "folded":  # the first book: corrections folded into the step size
                lr_t = lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
                p -= lr_t * m / (numpy.sqrt(v) + eps)
            elif form == "textbook":  # Kingma and Ba: corrected moments
                p -= lr * (m / (1 - beta1 ** t)) / (numpy.sqrt(v / (1 - beta2 ** t)) + eps)
            else:  # no bias correction
                p -= lr * m / (numpy.sqrt(v) + eps)
        yield ps


MOMENTUM = momentum  # the trajectory; inside the mistakes below `momentum` is the coefficient
CORRECT = {
    "SGD": [sgd], "Momentum": [momentum], "Nesterov": [nesterov], "AdaGrad": [adagrad],
    "RMSprop": [rmsprop], "Adam": [adam, lambda *a, **k: adam(*a, **k, form="textbook")],
}
NO_EPS = N_("add eps = 1e-7 to the denominator: grad / (np.sqrt(h) + 1e-7)")
UPHILL = N_("the sign is wrong: step against the gradient, param -= lr * grad "
            "(the velocity v = momentum * v - lr * grad)")
ADAM_COUNT = N_("the step counter t counts calls of update: increase self.iter once per update, before the loop "
                "over the parameters, not once per parameter")
STATE_AFRESH = N_("the optimizer's state starts afresh on every call: create it once, on the first update, and keep it "
                  "(one entry per parameter)")
IN_PLACE = N_("update each array in place (param -= ..., param[...] = ...); assigning params[i] = ... or "
              "param = param - ... makes a new array the model never sees")
MISTAKES = {
    "SGD": [(lambda ps, gs, lr: sgd(ps, gs, -lr), UPHILL)],
    "Momentum": [(lambda ps, gs, lr, momentum: sgd(ps, gs, lr),
                  N_("the velocity has no memory: keep v between calls (create it on the first update only), "
                     "v = momentum * v - lr * grad, then param += v")),
                 (lambda ps, gs, lr, momentum: MOMENTUM(ps, gs, -lr, momentum), UPHILL),
                 (lambda *a, **k: MOMENTUM(*a, **k, late=True),
                  N_("the order is wrong: update the velocity first, then move, v = momentum * v - lr * grad; "
                     "param += v (the first step, from v = 0, must already move the parameters)"))],
    "Nesterov": [
        (lambda *a, **k: nesterov(*a, **k, velocity_first=True),
         N_("you update v before moving the parameter (the second book's order); this course uses Bengio et al. "
            "(2012), eq. 7: p += mu*mu*v; p -= (1+mu)*lr*g; then v = mu*v - lr*g")),
        (momentum, N_("this is plain Momentum; Nesterov looks ahead: p += mu*mu*v; p -= (1+mu)*lr*g; "
                      "then v = mu*v - lr*g"))],
    "AdaGrad": [(lambda *a, **k: adagrad(*a, **k, accumulate=False),
                 N_("h must ACCUMULATE the squared gradients across steps: h += grad * grad")),
                (lambda *a, **k: adagrad(*a, **k, eps=0.0), NO_EPS)],
    "RMSprop": [(lambda *a, **k: rmsprop(*a, **k, leak=False),
                 N_("the moving average weighs the new squared gradient by (1 - decay_rate): "
                    "h = decay_rate * h + (1 - decay_rate) * grad**2")),
                (lambda *a, **k: rmsprop(*a, **k, eps=0.0), NO_EPS)],
    "Adam": [(lambda *a, **k: adam(*a, **k, form="none"),
              N_("the bias correction is missing: early steps must be rescaled by "
                 "sqrt(1 - beta2**t) / (1 - beta1**t)")),
             (lambda *a, **k: adam(*a, **k, eps=0.0), NO_EPS),
             (lambda *a, **k: adam(*a, **k, count_per_parameter=True), ADAM_COUNT),
             (lambda *a, **k: adam(*a, **k, form="textbook", count_per_parameter=True), ADAM_COUNT)],
}


def trajectories(makers, params, grad_steps, kwargs):
    """Parameter values after each step for each trajectory maker."""
    result = []
    for maker in makers:
        ps = [p.copy() for p in params]
        result.append([[p.copy() for p in step] for step in maker(ps, grad_steps, **kwargs)])
    return result


def random_case(rng, steps, dtype=numpy.float64, zero=False):
    params = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = [[(numpy.zeros(s) if zero else rng.standard_normal(s)).astype(dtype) for s in SHAPES]
             for _ in range(steps)]
    return params, grads


def run_student(student, name, kwargs, params, grad_steps, keep=None):
    """Step the student's optimizer on parameters that stay in the worker (the same lists and
    arrays every step, as in training); returns the values of the arrays the model holds after
    each step (and puts the optimizer in `keep`, a list, when given)."""
    optimizer = student.new(name, **kwargs)
    model = student.trusted("Parameters", params)
    after_steps = []
    for grads in grad_steps:
        model.call("set_grads", grads)
        optimizer.call("update", model.ref("params"), model.ref("grads"))
        for i, (g, g_after) in enumerate(zip(grads, model.get("grads"))):
            if not numpy.array_equal(g, numpy.asarray(g_after)):
                fail(_("{name}.update modified grads[{i}]; it must only read the gradients").format(name=name, i=i))
        after_steps.append([as_array(_("{name}: params[{i}] after update").format(name=name, i=i), p)
                            for i, p in enumerate(model.get("arrays"))])
    if keep is not None:
        keep.append(optimizer)
    return after_steps


def judge_steps(name, got_steps, params, grad_steps, kwargs, rtol=1e-6, atol=1e-9, dtype=None):
    expected = trajectories(CORRECT[name], params, grad_steps, kwargs)
    for step, got in enumerate(got_steps):
        if any(all(close(g, e, rtol, atol) for g, e in zip(got, candidate[step])) for candidate in expected):
            if dtype is not None:
                for i, g in enumerate(got):
                    if g.dtype != numpy.dtype(dtype):
                        fail(_("{name}: params[{i}] became {got} after step {step}, expected {expected}").format(
                            name=name, i=i, got=g.dtype, step=step + 1, expected=dtype))
            continue
        hint = None
        for maker, text in MISTAKES.get(name, []):
            (variant,) = trajectories([maker], params, grad_steps, kwargs)
            distinct = not all(close(v, e, rtol, atol) for v, e in zip(variant[step], expected[0][step]))
            if distinct and all(close(g, e, max(rtol, 1e-5), max(atol, 1e-7)) for g, e in zip(got, variant[step])):
                hint = text
                break
        if hint is None and step > 0:
            (fresh,) = trajectories(CORRECT[name][:1], got_steps[step - 1], grad_steps[step:step + 1], kwargs)
            if all(close(g, e, max(rtol, 1e-5), max(atol, 1e-7)) for g, e in zip(got, fresh[0])):
                hint = STATE_AFRESH
        if hint is None and step == 0 and all(numpy.array_equal(g, p) for g, p in zip(got, params)):
            fail(_("{name}.update did not change the parameters the caller holds").format(name=name), IN_PLACE)
        for i, (g, e) in enumerate(zip(got, expected[0][step])):
            if g.shape != e.shape:
                fail(_("{name}: params[{i}] has shape {got} after step {step}, expected {expected}").format(
                    name=name, i=i, got=g.shape, step=step + 1, expected=e.shape), hint)
            if not close(g, e, rtol, atol):
                fail(mismatch(_("{name}: params[{i}] after step {step}").format(name=name, i=i, step=step + 1), g, e),
                     hint)


def each_optimizer(slug, points=1):
    """One check per optimizer: the parameters `name` of a test, with the check `<name>.<slug>`."""
    return pytest.mark.parametrize("name", [
        pytest.param(name, id=name, marks=check(id=f"{name.lower()}.{slug}", target=name, points=points))
        for name in OPTIMIZERS])


@each_optimizer("one_step")
def test_one_step(name, student, rng):
    params, grads = random_case(rng, 1)
    judge_steps(name, run_student(student, name, OPTIMIZERS[name], params, grads), params, grads, OPTIMIZERS[name])


@each_optimizer("several_steps", points=2)
def test_several_steps(name, student, rng):
    params, grads = random_case(rng, 6)
    judge_steps(name, run_student(student, name, OPTIMIZERS[name], params, grads), params, grads, OPTIMIZERS[name])


@each_optimizer("defaults")
def test_defaults(name, student, rng):
    params, grads = random_case(rng, 3)
    judge_steps(name, run_student(student, name, {}, params, grads), params, grads, DEFAULTS[name])


@each_optimizer("zero_grads")
def test_zero_grads(name, student, rng):
    params, grads = random_case(rng, 2, zero=True)
    got = run_student(student, name, OPTIMIZERS[name], params, grads)
    for step in got:
        for i, (g, p) in enumerate(zip(step, params)):
            if not numpy.all(numpy.isfinite(g)):
                fail(_("{name}: zero gradients turned params[{i}] into nan/inf").format(name=name, i=i), NO_EPS)
            compare(_("{name}: params[{i}] after a zero-gradient step").format(name=name, i=i), g, p,
                    rtol=0, atol=1e-12)


@each_optimizer("float32")
def test_float32(name, student, rng):
    """float32 parameters stay float32, and so does the state kept between steps; the values are
    those of the submission's own float64 steps (a formula mistake is charged elsewhere)."""
    params, grads = random_case(rng, 3, dtype=numpy.float32)
    kept = []
    got = run_student(student, name, OPTIMIZERS[name], params, grads, keep=kept)
    for step, values in enumerate(got, start=1):
        for i, g in enumerate(values):
            if g.dtype != numpy.float32:
                fail(_("{name}: params[{i}] became {got} after step {step}, expected {expected}").format(
                    name=name, i=i, got=g.dtype, step=step, expected="float32"), DTYPE_HINT)
    for label, array in state_arrays(kept[0], name):
        if array.dtype != numpy.float32:
            fail(_("{state}, kept between updates, is {dtype} for float32 parameters").format(
                state=label, dtype=array.dtype), DTYPE_HINT)
    own = run_student(student, name, OPTIMIZERS[name], [p.astype(numpy.float64) for p in params],
                      [[g.astype(numpy.float64) for g in step] for step in grads])
    for step, (values, own_values) in enumerate(zip(got, own), start=1):
        for i, (g, w) in enumerate(zip(values, own_values)):
            compare(_("{name}: params[{i}] after float32 step {step}").format(name=name, i=i, step=step), g, w,
                    against=OWN_FLOAT64_STEPS, **FLOAT32)


# -- on a device: float32 with np bound to CuPy, and to its emulation (judge/device.py) --------------

OPTIMIZER_SHAPES = [(4, 5), (5,), (1,)]
ON_DEVICE = {"SGD": {"lr": 0.1}, "Adam": {"lr": 0.01, "beta1": 0.8, "beta2": 0.95}}


@pytest.mark.parametrize("on_device", [param for name in ON_DEVICE for param in on_devices(name.lower(), name)],
                         indirect=True)
def test_on_device(on_device, student, target, rng):
    """Three steps on float32 device arrays, against the optimizer's own float64 steps on the CPU."""
    device, cpu, name, kwargs = on_device, student, target, ON_DEVICE[target]
    params = f32(*[rng.standard_normal(s) for s in OPTIMIZER_SHAPES])
    steps = [f32(*[rng.standard_normal(s) for s in OPTIMIZER_SHAPES]) for _ in range(3)]
    with host_device_errors():
        optimizer = device.new(name, **kwargs)
        model, on_device_params = device.trusted("Parameters", [to_device(p) for p in params]), []
        for step, grads in enumerate(steps, start=1):
            model.call("set_grads", [to_device(g) for g in grads])
            optimizer.call("update", model.ref("params"), model.ref("grads"))
            on_device_params.append(device_list(_("{name}: params after step {step}").format(name=name, step=step),
                                                model.get("arrays"), len(params)))
    check_state(optimizer, name)
    own, own_model = cpu.new(name, **kwargs), cpu.trusted("Parameters", f64(*params))
    for step, (grads, got) in enumerate(zip(steps, on_device_params), start=1):
        own_model.call("set_grads", f64(*grads))
        own.call("update", own_model.ref("params"), own_model.ref("grads"))
        for i, (g, w) in enumerate(zip(got, own_model.get("arrays"))):
            same_as_own(_("{name}: params[{i}] after step {step}").format(name=name, i=i, step=step), g, w)
    promotions_note(device, f"{name}.update")
