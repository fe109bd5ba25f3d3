"""Visible checks of the `optimizers` notebook: three fixed gradient steps on two parameters,
compared with the values printed in the notebook, plus in-place updates, untouched
gradients, per-object state and float32."""
import numpy

from ..i18n import N_, _
from ..registry import visible
from ..verdicts import EXPECTED, as_array, close, fail, mismatch
from .common import expect

START = ([1.0, -2.0], [[0.5, 0.0], [-1.0, 3.0]])
GRAD_STEPS = [([0.5, -1.0], [[1.0, 2.0], [-0.5, 0.0]]), ([0.2, 0.4], [[-1.0, 1.0], [0.5, 0.25]]),
              ([-0.3, 0.1], [[0.0, -2.0], [1.5, -0.5]])]
IN_PLACE = N_("update each array in place (p -= ..., p[...] = ...); `p = p - ...` or params[i] = ... makes a "
              "new array the model never sees")
NO_EPS = N_("add eps = 1e-7 to the denominator: grad / (np.sqrt(h) + 1e-7)")

# Parameters after the three steps of GRAD_STEPS (the values in the notebook's checks).
AFTER = {
    ("SGD", "lr=0.1"): [[0.96, -1.95], [[0.5, -0.10000000000000003], [-1.15, 3.025]]],
    ("SGD", ""): [[0.996, -1.9949999999999999], [[0.5, -0.009999999999999998], [-1.015, 3.0025]]],
    ("Momentum", "lr=0.1, momentum=0.9"): [[0.8565, -1.815], [[0.41900000000000004, -0.532], [-1.1095, 3.0025]]],
    ("Momentum", "lr=0.1, momentum=0.5"): [[0.9124999999999999, -1.895], [[0.47500000000000003, -0.30000000000000004],
                                                                         [-1.1375, 3.0125]]],
    ("Momentum", ""): [[0.98565, -1.9815], [[0.4919, -0.053200000000000004], [-1.01095, 3.00025]]],
    ("Nesterov", "lr=0.1, momentum=0.9"): [[0.8308500000000001, -1.7835], [[0.4271, -0.5788], [-1.24855, 3.0272500000000004]]],
    ("Nesterov", ""): [[0.9830850000000001, -1.97835], [[0.49271, -0.05788000000000001], [-1.024855, 3.002725]]],
    ("AdaGrad", "lr=0.1"): [[0.9115273777056292, -1.9463840766028535],
                            [[0.4707106831186541, -0.0780546881055516], [-1.0611640860374363, 2.9894427430999784]]],
    ("AdaGrad", ""): [[0.9911527377705629, -1.9946384076602852],
                      [[0.4970710683118654, -0.007805468810555163], [-1.0061164086037437, 2.9989442743099977]]],
    ("RMSprop", "lr=0.1, decay_rate=0.9"): [[0.7264345724842202, -1.838839140560684],
                                            [[0.41318801522212534, -0.24199412574190135],
                                             [-1.203073524394314, 2.9694867564317287]]],
    ("RMSprop", ""): [[0.9117143052947131, -1.946631384431255],
                      [[0.47088817024951296, -0.07790026070795232], [-1.0614647542631006, 2.989532535885215]]],
    ("Adam", "lr=0.1, beta1=0.8, beta2=0.99"): [[0.7915314754183855, -1.856268202809086],
                                                [[0.4191626003427296, -0.19338557017319968],
                                                 [-0.9784984682457416, 2.9595720547472717]]],
    ("Adam", ""): [[0.9978058845779315, -1.9984475037715186],
                   [[0.49909331889552605, -0.002042959693336427], [-0.999647881182113, 2.9995701569804383]]],
}
DEFAULTS = {"SGD": "lr=0.01", "Momentum": "lr=0.01, momentum=0.9", "Nesterov": "lr=0.01, momentum=0.9",
            "AdaGrad": "lr=0.01", "RMSprop": "lr=0.01, decay_rate=0.99", "Adam": "lr=0.001, beta1=0.9, beta2=0.999"}


def kwargs_of(setting):
    return {k: float(v) for k, v in (item.split("=") for item in setting.split(", ") if item)}


def run_steps(kernel, name, setting, steps=3, dtype=numpy.float64, optimizer=None):
    """`steps` updates with GRAD_STEPS; the parameters the caller holds afterwards."""
    optimizer = optimizer or kernel.new(name, **kwargs_of(setting))
    params = [numpy.array(p, dtype=dtype) for p in START]
    for k in range(steps):
        grads = [numpy.array(g, dtype=dtype) for g in GRAD_STEPS[k]]
        held, grads_after = optimizer.call("update", params, grads, keep_args=True)[1]
        for i, (g, after) in enumerate(zip(grads, grads_after)):
            if not numpy.array_equal(g, as_array(_("grads[{i}] after {name}.update").format(i=i, name=name), after)):
                fail(_("{name}.update modified grads[{i}]; it must only read the gradients").format(name=name, i=i))
        held = [as_array(_("{name}: params[{i}] after update").format(name=name, i=i), p) for i, p in enumerate(held)]
        if all(numpy.array_equal(h, p) for h, p in zip(held, params)):
            fail(_("{name}.update did not change the parameters the caller holds (step {step})").format(
                name=name, step=k + 1), IN_PLACE)
        params = held
    return params


def same_params(label, got, expected, rtol=1e-9, atol=1e-12, mistakes=(), dtype=None):
    """Each parameter against `expected`; `mistakes` are (parameters, hint) of known wrong updates."""
    for i, (g, e) in enumerate(zip(got, expected)):
        expect(f"{label}: params[{i}]", g, e, rtol=rtol, atol=atol, dtype=dtype,
                mistakes=[(wrong[i], hint) for wrong, hint in mistakes])


def known_steps(kernel, name):
    for (owner, setting), expected in AFTER.items():
        if owner == name and setting:
            same_params(_("{optimizer} after 3 steps").format(optimizer=f"{name}({setting})"),
                        run_steps(kernel, name, setting), expected,
                        mistakes=MISTAKES.get(name, ()), **TOLERANCE.get(name, EXACT))


def defaults(kernel, name):
    same_params(_("{optimizer} with the default hyperparameters, after 3 steps").format(optimizer=f"{name}()"),
                run_steps(kernel, name, ""), AFTER[(name, "")], **TOLERANCE.get(name, EXACT), mistakes=[
                    (expected, _("the defaults in __init__ should be {optimizer}").format(
                        optimizer=f"{name}({DEFAULTS[name]})"))
                    for (owner, setting), expected in AFTER.items() if owner == name and setting])


def float32(kernel, name):
    setting = next(s for (owner, s) in AFTER if owner == name and s)
    got = run_steps(kernel, name, setting, dtype=numpy.float32)
    same_params(_("{optimizer} on float32 parameters").format(optimizer=f"{name}({setting})"), got,
                AFTER[(name, setting)], rtol=1e-5, atol=1e-6, dtype=numpy.float32)


# What known mistakes give on the same steps, to name them.
MISTAKES = {
    "Momentum": [(AFTER[("SGD", "lr=0.1")], N_("this is plain SGD: the velocity has no memory. Keep v between calls "
                  "(create it on the first update only): v = momentum * v - lr * grad, then param += v"))],
    "Nesterov": [([[0.8077650000000001, -1.75515], [[0.43439, -0.62092], [-1.373695, 3.0495250000000005]]],
                  N_("you update v before moving the parameter (the second book's order); this course uses Bengio "
                     "et al. (2012), eq. 7: p += mu*mu*v; p -= (1+mu)*lr*g; then v = mu*v - lr*g")),
                 (AFTER[("Momentum", "lr=0.1, momentum=0.9")], N_("this is plain Momentum; Nesterov looks ahead: "
                  "p += mu*mu*v; p -= (1+mu)*lr*g; then v = mu*v - lr*g"))],
    "AdaGrad": [([[0.9000000366666487, -2.099999885000105], [[0.5, -0.09999999000000101],
                                                              [-1.0999999933333338, 3.0000000199999883]]],
                 N_("h must ACCUMULATE the squared gradients across steps: h += grad * grad"))],
    "RMSprop": [([[0.9134909761794766, -1.9490364502299444], [[0.4725476297478427, -0.07652527197182721],
                                                               [-1.0642174785852636, 2.9903508139639814]]],
                 N_("the moving average weighs the new squared gradient by (1 - decay_rate): "
                    "h = decay_rate * h + (1 - decay_rate) * grad**2"))],
    "Adam": [([[0.5173825897404853, -1.6843429266147247], [[0.35115388921874313, -0.4388467673671933],
                                                            [-1.01917017351693, 2.907439363060978]]],
              N_("the bias correction is missing: early steps must be rescaled by "
                 "sqrt(1 - beta2**t) / (1 - beta1**t)"))],
}
# Adam's textbook form (corrected moments) and the first book's (folded into lr) differ by
# where eps enters: about 1e-7 relative. Both are correct.
TOLERANCE = {"Adam": {"rtol": 1e-6, "atol": 1e-8}}
EXACT = {"rtol": 1e-9, "atol": 1e-12}


def register(name):
    slug = name.lower()
    visible(id=f"{slug}.known_steps", target=name)(lambda kernel, rng: known_steps(kernel, name))
    visible(id=f"{slug}.defaults", target=name)(lambda kernel, rng: defaults(kernel, name))
    visible(id=f"{slug}.float32", target=name)(lambda kernel, rng: float32(kernel, name))


for _name in ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"]:
    register(_name)


# -- invariants of single optimizers -----------------------------------------------------------

@visible(id="momentum.first_step", target="Momentum")
def momentum_first_step(kernel, rng):
    """From v = 0 the first step is a plain SGD step."""
    same_params(_("Momentum(lr=0.1) after one step (from v = 0 it is an SGD step)"),
                run_steps(kernel, "Momentum", "lr=0.1", steps=1), [[0.95, -1.9], [[0.4, -0.2], [-0.95, 3.0]]])


@visible(id="momentum.own_state", target="Momentum")
def momentum_own_state(kernel, rng):
    first = kernel.new("Momentum", lr=0.1, momentum=0.9)
    run_steps(kernel, "Momentum", "", optimizer=first)
    same_params(_("a second Momentum(lr=0.1, momentum=0.9) after 3 steps (state must not be shared between objects)"),
                run_steps(kernel, "Momentum", "lr=0.1, momentum=0.9"), AFTER[("Momentum", "lr=0.1, momentum=0.9")])


@visible(id="nesterov.first_step", target="Nesterov")
def nesterov_first_step(kernel, rng):
    same_params(_("Nesterov(lr=0.1) after one step: p -= (1 + mu) * lr * g"),
                run_steps(kernel, "Nesterov", "lr=0.1", steps=1),
                [[0.905, -1.81], [[0.31, -0.38], [-0.905, 3.0]]])


@visible(id="adagrad.first_step", target="AdaGrad")
def adagrad_first_step(kernel, rng):
    """Every weight with a non-zero gradient moves by about lr; a zero gradient leaves it alone."""
    got = run_steps(kernel, "AdaGrad", "lr=0.1", steps=1)
    if not all(numpy.all(numpy.isfinite(g)) for g in got):
        fail(_("AdaGrad(lr=0.1) turns a weight whose gradient is 0 into nan after one step"), NO_EPS)
    same_params(_("AdaGrad(lr=0.1) after one step (each weight moves by about lr)"), got,
                [[0.9, -1.9], [[0.4, -0.1], [-0.9, 3.0]]], rtol=1e-6, atol=1e-9)


@visible(id="adam.first_step", target="Adam")
def adam_first_step(kernel, rng):
    """With bias correction the first step moves each weight by about lr against its gradient."""
    got = run_steps(kernel, "Adam", "lr=0.1", steps=1)
    expected = [[0.9, -1.9], [[0.4, -0.1], [-0.9, 3.0]]]
    for i, (g, e) in enumerate(zip(got, expected)):
        label = _("Adam(lr=0.1) after one step: params[{i}]").format(i=i)
        if g.shape == numpy.shape(e) and not close(g, e, rtol=1e-5, atol=1e-9):
            fail(mismatch(label, g, numpy.asarray(e), EXPECTED),
                 N_("Adam's first step should be about lr * sign(-g): check the bias correction, "
                    "lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)"))
        expect(label, g, e, rtol=1e-5, atol=1e-9)
