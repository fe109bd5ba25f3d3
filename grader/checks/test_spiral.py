"""Hidden checks for the `spiral` assignment: TwoLayerNet, clip_grads and Trainer.

The model is judged through its own predictions after the judge writes chosen
weights into `model.params` (so copied parameters show up as wrong predictions),
and training is judged by accuracy on a held-out spiral the model never saw.
"""
import numpy
import pytest

from backprop_lab_check.gradcheck import model_gradients_agree
from backprop_lab_check.i18n import N_, _
from backprop_lab_check.outcomes import seed_for
from backprop_lab_check.shared.spiral import TINY, judge_overfit, tiny_indices
from backprop_lab_check.tolerances import NETWORK_GRAD_TOL
from backprop_lab_check.verdicts import OWN_FLOAT64, PartialCredit, as_array, compare, fail

import reference
from grader.judge.ahead import ahead
from grader.judge.device import (device_array, device_list, device_scalar, f32, f64, host_device_errors,
                                 on_devices, promotions_note, same_as_own)
from grader.runtime.protocol import on_device as to_device

check = pytest.mark.check
SIZES = (2, 10, 3)
SHAPES = [(2, 10), (10,), (10, 3), (3,)]
COPIED = N_("model.params must hold the layers' own arrays (params += layer.params), not copies: the "
            "optimizer updates model.params in place and the layers must see it")
STALE_GRADS = N_("model.grads must be the layers' own gradient arrays, filled in place by backward "
                 "(self.grads[0][...] = dW in each layer)")


def spiral_batch(rng, n=12):
    x, t = reference.spiral.load_data()
    pick = rng.choice(len(x), size=n, replace=False)
    return x[pick], t[pick]


def model_with(student, rng):
    """A student TwoLayerNet(2, 10, 3) whose params the judge has set to known values."""
    model = student.new("TwoLayerNet", *SIZES)
    params = model.get("params")
    if not isinstance(params, list) or len(params) != 4:
        fail(_("{name} should be a list of 4 arrays (W1, b1, W2, b2), got {got}").format(
            name="TwoLayerNet.params", got=describe(params)))
    values = [rng.standard_normal(s) for s in SHAPES]
    for i, (p, value) in enumerate(zip(params, values)):
        p = as_array(f"TwoLayerNet.params[{i}]", p)
        if p.shape != value.shape:
            fail(_("{name} has shape {got}, expected {expected}").format(
                name=f"TwoLayerNet.params[{i}]", got=p.shape, expected=value.shape))
    probe = spiral_batch(rng)[0]
    before = as_array("TwoLayerNet.predict", model.call("predict", probe))
    for i, value in enumerate(values):
        model.set_item("params", i, value=value)
    if numpy.array_equal(before, as_array("TwoLayerNet.predict", model.call("predict", probe))):
        fail(_("writing new weights into model.params did not change the predictions"), COPIED)
    expected = reference.TwoLayerNet(*SIZES)
    for p, value in zip(expected.params, values):
        p[...] = value
    return model, expected


def describe(value):
    return _("a list of {count}").format(count=len(value)) if isinstance(value, list) else type(value).__name__


@check(id="two_layer_net.api", target="TwoLayerNet", points=1)
def test_net_api(student):
    model = student.new("TwoLayerNet", *SIZES)
    params, grads = model.get("params"), model.get("grads")
    for label, value in (("params", params), ("grads", grads)):
        if not isinstance(value, list) or len(value) != 4:
            fail(_("{name} should be a list of 4 arrays (W1, b1, W2, b2), got {got}").format(
                name=f"TwoLayerNet.{label}", got=describe(value)))
        for i, (array, shape) in enumerate(zip(value, SHAPES)):
            array = as_array(f"TwoLayerNet.{label}[{i}]", array)
            if array.shape != shape:
                fail(_("{name} has shape {got}, expected {expected}").format(
                    name=f"TwoLayerNet.{label}[{i}]", got=array.shape, expected=shape))


@check(id="two_layer_net.init", target="TwoLayerNet", points=1)
def test_net_init(student):
    params = [numpy.asarray(p) for p in student.new("TwoLayerNet", 20, 30, 10).get("params")]
    if len(params) != 4:
        fail(_("TwoLayerNet.params should hold W1, b1, W2, b2"))
    for i in (1, 3):
        if numpy.any(params[i] != 0):
            fail(_("bias params[{i}] should start at zero").format(i=i))
    for i in (0, 2):
        std = float(params[i].std())
        if not 0.005 < std < 0.02:
            fail(_("weights params[{i}] have standard deviation {std:.3g}; initialise with "
                   "0.01 * np.random.randn(...)").format(i=i, std=std))


LAST_ACTIVATION = N_("predict ends with the last Affine layer: no Sigmoid after it (the layers are Affine, Sigmoid, "
                     "Affine), and softmax is left to the loss layer")


def extra_sigmoid(expected, x, t):
    """What a network with a Sigmoid after its last Affine computes: (scores, loss, grads)."""
    W1, b1, W2, b2 = expected.params
    z1 = 1 / (1 + numpy.exp(-(x @ W1 + b1)))
    scores = 1 / (1 + numpy.exp(-(z1 @ W2 + b2)))
    y = numpy.asarray(reference.softmax(scores))
    labels = t.argmax(axis=1)
    loss = float(-numpy.log(y[numpy.arange(len(x)), labels] + 1e-7).mean())
    da2 = (y - t) / len(x) * scores * (1 - scores)
    da1 = (da2 @ W2.T) * z1 * (1 - z1)
    return scores, loss, [x.T @ da1, da1.sum(axis=0), z1.T @ da2, da2.sum(axis=0)]


@check(id="two_layer_net.predict", target="TwoLayerNet", points=1)
def test_net_predict(student, rng):
    model, expected = model_with(student, rng)
    x, t = spiral_batch(rng)
    compare(_("TwoLayerNet.predict (scores before softmax)"), model.call("predict", x), expected.predict(x),
            mistakes=[(numpy.asarray(reference.softmax(expected.predict(x))),
                       N_("predict returns the scores of the last Affine layer; leave softmax to the loss layer")),
                      (extra_sigmoid(expected, x, t)[0], LAST_ACTIVATION)])


@check(id="two_layer_net.shared_params", target="TwoLayerNet", points=1)
def test_net_shared_params(student, rng):
    model = student.new("TwoLayerNet", *SIZES)
    x = spiral_batch(rng)[0]
    before = as_array("TwoLayerNet.predict", model.call("predict", x))
    model.set_item("params", 2, value=rng.standard_normal(SHAPES[2]))
    after = as_array("TwoLayerNet.predict", model.call("predict", x))
    if numpy.allclose(before, after):
        fail(_("changing model.params[2] in place did not change the predictions"), COPIED)


@check(id="two_layer_net.forward", target="TwoLayerNet", points=1)
def test_net_forward(student, rng):
    model, expected = model_with(student, rng)
    x, t = spiral_batch(rng)
    compare(_("TwoLayerNet.forward(x, t) (the loss)"), model.call("forward", x, t), expected.forward(x, t), rtol=1e-5,
            mistakes=[(extra_sigmoid(expected, x, t)[1], LAST_ACTIVATION)])


@check(id="two_layer_net.backward", target="TwoLayerNet", points=2)
def test_net_backward(student, rng):
    model, expected = model_with(student, rng)
    x, t = spiral_batch(rng)
    model.call("forward", x, t)
    model.call("backward")
    wrong = extra_sigmoid(expected, x, t)[2]
    expected.forward(x, t)
    expected.backward()
    grads = model.get("grads")
    for i, (got, want) in enumerate(zip(grads, expected.grads)):
        compare(f"TwoLayerNet.grads[{i}]", got, want, rtol=1e-5, atol=1e-8,
                mistakes=[(numpy.zeros_like(want), STALE_GRADS), (wrong[i], LAST_ACTIVATION)])


@check(id="two_layer_net.numerical", target="TwoLayerNet", points=1)
def test_net_numerical(student, rng, evidence, check_id):
    model = model_with(student, rng)[0]
    model_gradients_agree(model, "TwoLayerNet", spiral_batch(rng, n=6), [(1, "db1"), (3, "db2"), (2, "dW2")],
                          tol=NETWORK_GRAD_TOL, stale_hint=STALE_GRADS,
                          record=lambda label: evidence.gradient(check_id, f"TwoLayerNet.{label}", NETWORK_GRAD_TOL))


# -- clip_grads ------------------------------------------------------------------------------

def grads_with_norm(rng, norm):
    grads = [rng.standard_normal(s) for s in [(3, 4), (4,), (2, 2)]]
    total = numpy.sqrt(sum(float((g ** 2).sum()) for g in grads))
    return [g * (norm / total) for g in grads]


def clipped(student, grads, max_norm):
    """The arrays the caller holds after clip_grads(grads, max_norm) (its own list, kept)."""
    return student.call("clip_grads", grads, max_norm, keep_args=True)[1][0]


@check(id="clip_grads.total_norm", target="clip_grads", points=2)
def test_clip_total_norm(student, rng):
    grads = grads_with_norm(rng, 10.0)
    after = clipped(student, grads, 5.0)
    rate = 5.0 / (10.0 + 1e-6)
    per_array = [g * min(1.0, 5.0 / (numpy.linalg.norm(g) + 1e-6)) for g in grads]
    no_sqrt = [g * min(1.0, 5.0 / (100.0 + 1e-6)) for g in grads]
    for i, (got, g) in enumerate(zip(after, grads)):
        if numpy.array_equal(got, g):
            fail(_("clip_grads did not change grads[{i}] although the total norm 10 exceeds max_norm 5").format(i=i),
                 N_("scale each gradient in place (g *= rate); rebinding a name or a list item leaves the "
                    "caller's arrays unchanged"))
        compare(f"clip_grads: grads[{i}]", got, g * rate,
                mistakes=[(per_array[i], N_("use the TOTAL norm over all gradients, sqrt(sum of every g**2), "
                                            "and one rate for all of them; not each array's own norm")),
                          (no_sqrt[i], N_("the total norm is the square root of the sum of squares: "
                                          "total_norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))"))])


@check(id="clip_grads.below_max", target="clip_grads", points=1)
def test_clip_below_max(student, rng):
    grads = grads_with_norm(rng, 2.0)
    after = clipped(student, grads, 5.0)
    for i, (got, g) in enumerate(zip(after, grads)):
        compare(_("clip_grads with total norm 2 < max_norm 5: grads[{i}]").format(i=i), got, g,
                mistakes=[(g * 5.0 / 2.0, N_("only scale when the rate max_norm / (total_norm + 1e-6) is below 1"))])


@check(id="clip_grads.float32", target="clip_grads", points=1)
def test_clip_float32(student, rng):
    grads = [g.astype(numpy.float32) for g in grads_with_norm(rng, 8.0)]
    after = clipped(student, grads, 1.0)
    own = clipped(student, [g.astype(numpy.float64) for g in grads], 1.0)
    for i, (got, want) in enumerate(zip(after, own)):
        compare(f"clip_grads (float32): grads[{i}]", got, want, dtype=numpy.float32, rtol=1e-4, atol=1e-6,
                against=OWN_FLOAT64)


# -- overfit_tiny ------------------------------------------------------------------------------

TINY_CHECK = "overfit_tiny.loss_history"


@ahead
def tiny_run():
    """overfit_tiny's check: 12 spiral points, the weights the judge chose, and the losses of the
    reference's loop from them (steps + 1 forwards)."""
    rng = numpy.random.default_rng(seed_for(TINY_CHECK))
    x, t = reference.spiral.load_data()
    pick = tiny_indices(rng, t)
    x, t = x[pick], t[pick]
    values = [0.01 * rng.standard_normal(shape) if len(shape) == 2 else numpy.zeros(shape) for shape in SHAPES]
    expected = reference.TwoLayerNet(*SIZES)
    for i, value in enumerate(values):
        expected.params[i][...] = value
    losses = reference.trainer.overfit_tiny(expected, reference.Adam(lr=TINY["lr"]), x, t, steps=TINY["steps"] + 1)
    return x, t, values, numpy.array(losses)


@check(id=TINY_CHECK, target="overfit_tiny", points=2)
def test_overfit_tiny(student, trusted):
    """The submission's loop on a trusted TwoLayerNet(2, 10, 3) with weights the judge chose and the
    notebook's Adam(lr=0.1), on 12 spiral points: its losses are those of the reference's run,
    and the last is near 0."""
    x, t, values, losses = tiny_run()
    model = trusted("TwoLayerNet", *SIZES)
    for i, value in enumerate(values):
        model.set_item("params", i, value=value)
    history = student.call("overfit_tiny", model, trusted("Adam", lr=TINY["lr"]), x, t, steps=TINY["steps"])
    judge_overfit(history, TINY["steps"], len(x), expected=losses)


# -- Trainer -----------------------------------------------------------------------------------

def trained(student, trusted, limits, max_epoch=300, **fit_kwargs):
    """The submission's Trainer fitted on the spiral, with a trusted TwoLayerNet and SGD(lr=1.0)."""
    x, t = reference.spiral.load_data()
    model = trusted("TwoLayerNet", *SIZES)
    trainer = student.new("Trainer", model, trusted("SGD", lr=1.0))
    trainer.call("fit", x, t, max_epoch, 30, timeout=limits.train_timeout_s, **fit_kwargs)
    return model, trainer


def accuracy(model, x, t):
    scores = as_array("TwoLayerNet.predict", model.call("predict", x))
    if scores.shape != (len(x), 3):
        fail(_("{name} returned shape {got}, expected {expected}").format(
            name="TwoLayerNet.predict", got=scores.shape, expected=(len(x), 3)))
    return float(numpy.mean(scores.argmax(axis=1) == t.argmax(axis=1)))


def boundary(model, x, t):
    lo, hi = x.min(axis=0) - 0.1, x.max(axis=0) + 0.1
    xs, ys = numpy.linspace(lo[0], hi[0], 120), numpy.linspace(lo[1], hi[1], 120)
    grid = numpy.stack(numpy.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    labels = numpy.asarray(model.call("predict", grid)).argmax(axis=1).reshape(len(ys), len(xs))
    return {"xlim": [float(lo[0]), float(hi[0])], "ylim": [float(lo[1]), float(hi[1])],
            "grid": labels.tolist(), "points": x.tolist(), "labels": t.argmax(axis=1).tolist()}


RECORDED = dict(samples=12, max_epoch=2, batch_size=3, eval_interval=2)  # 4 iterations an epoch


def recorded(student, trusted, limits):
    """The submission's Trainer run on a RecordingModel (losses 1, 2, 3, ...) over samples whose
    features and labels are their own index: (model, optimizer, trainer)."""
    n = RECORDED["samples"]
    model = trusted("RecordingModel")
    optimizer = trusted("RecordingOptimizer", model)
    trainer = student.new("Trainer", model, optimizer)
    trainer.call("fit", numpy.arange(n, dtype=numpy.float64).reshape(n, 1), numpy.arange(n),
                 RECORDED["max_epoch"], RECORDED["batch_size"], eval_interval=RECORDED["eval_interval"],
                 timeout=limits.train_timeout_s)
    return model, optimizer, trainer


def batch_problem(model, optimizer):
    """What a Trainer did wrong with the batches, in words, or None: every epoch visits every
    sample once, in batches of batch_size, shuffled, with x and t shuffled alike."""
    batches, per_epoch = model.get("batches"), RECORDED["samples"] // RECORDED["batch_size"]
    if len(batches) != RECORDED["max_epoch"] * per_epoch:
        return _("{count} batches in {epochs} epochs of {samples} samples in batches of {batch_size}; expected "
                 "{per_epoch} an epoch: iterate over len(x) // batch_size batches").format(
            count=len(batches), epochs=RECORDED["max_epoch"], samples=RECORDED["samples"],
            batch_size=RECORDED["batch_size"], per_epoch=per_epoch)
    if any(len(b) != RECORDED["batch_size"] for b in batches):
        return _("every batch should hold batch_size samples: x[i * batch_size:(i + 1) * batch_size]")
    epochs = [sum(batches[e * per_epoch:(e + 1) * per_epoch], []) for e in range(RECORDED["max_epoch"])]
    if any(sorted(e) != list(range(RECORDED["samples"])) for e in epochs):
        return _("every epoch must visit every sample once: take the batches from one permutation of the data")
    if not all(model.get("aligned")):
        return _("x and t must be shuffled with the same permutation: idx = np.random.permutation(len(x)); "
                 "x[idx], t[idx]")
    if all(e == list(range(RECORDED["samples"])) for e in epochs):
        return _("fit never shuffles: draw idx = np.random.permutation(len(x)) each epoch and cut the batches from "
                 "x[idx], t[idx]")
    if model.get("backward_calls") != len(batches) or optimizer.get("updates") != len(batches):
        return _("every iteration calls model.forward, model.backward and optimizer.update once")
    if not optimizer.get("own_arrays"):
        return _("pass the model's own lists to the optimizer: optimizer.update(model.params, model.grads)")
    return None


def loss_means(losses, every, per_epoch):
    """The loss_list of a Trainer that appends the mean of the losses since its last entry: when
    the iteration within the epoch is a multiple of `every` (the book's), or after every `every`
    iterations counted over the whole run."""
    within, overall, pending = [], [], []
    for i, loss in enumerate(losses):
        pending.append(loss)
        if (i % per_epoch) % every == 0:
            within.append(sum(pending) / len(pending))
            pending = []
    overall = [sum(losses[i:i + every]) / every for i in range(0, len(losses) - every + 1, every)]
    return within, overall


@check(id="trainer.spiral_accuracy", target="Trainer", points=4)
def test_trainer_spiral(student, trusted, limits, evidence):
    """The book's run: 300 epochs, batch 30, hidden 10, SGD lr 1.0; judged on a held-out spiral."""
    model, trainer = trained(student, trusted, limits, eval_interval=10)
    losses = trainer.get("loss_list")
    if isinstance(losses, list) and all(isinstance(v, (int, float)) for v in losses):
        evidence.set("loss_curve", {"losses": [float(v) for v in losses], "eval_interval": 10})
    x, t = reference.spiral.load_data()
    evidence.set("decision_boundary", boundary(model, x, t))
    held_x, held_t = reference.spiral.load_data(seed=2024)
    acc = accuracy(model, held_x, held_t)
    if acc >= 0.9:
        return
    message = _("after Trainer.fit(x, t, 300, 30) with SGD(lr=1.0) the model classifies {accuracy:.0%} of a "
                "held-out spiral correctly; at least 90% is expected").format(accuracy=acc)
    hint = batch_problem(*recorded(student, trusted, limits)[:2]) or N_(
        "check that fit shuffles, walks through every mini-batch, calls backward and the optimizer's update each "
        "iteration")
    if acc >= 0.6:
        raise PartialCredit(0.5, message, hint)
    fail(message, hint)


@check(id="trainer.loss_list", target="Trainer", points=1)
def test_trainer_loss_list(student, trusted, limits):
    """loss_list holds the mean loss since its previous entry: judged on a model whose losses are
    1, 2, 3, ... (eval_interval counted within each epoch, as the book does, or over the run)."""
    model, optimizer, trainer = recorded(student, trusted, limits)
    losses = trainer.get("loss_list")
    if not isinstance(losses, list):
        fail(_("Trainer.loss_list should be a list, got {kind}").format(kind=type(losses).__name__))
    seen = [float(i + 1) for i in range(len(model.get("batches")))]
    per_epoch = RECORDED["samples"] // RECORDED["batch_size"]
    within, overall = loss_means(seen, RECORDED["eval_interval"], per_epoch)
    got = numpy.asarray([float(v) if isinstance(v, (int, float, numpy.generic)) else numpy.nan for v in losses])
    if any(len(got) == len(want) and numpy.allclose(got, want) for want in (within, overall)):
        return
    last_only = [seen[i] for i in range(len(seen)) if (i % per_epoch) % RECORDED["eval_interval"] == 0]
    hint = (N_("add every loss to total_loss and count it; when iters % eval_interval == 0 append "
               "total_loss / loss_count and reset both") if got.tolist() == last_only else
            N_("append to loss_list only every eval_interval iterations (when iters % eval_interval == 0), the mean "
               "of the losses since the previous entry") if len(got) == len(seen) else batch_problem(model, optimizer))
    fail(_("with losses 1, 2, ..., {last} and eval_interval={every}, loss_list has {count} entries, {got}; expected "
           "the mean loss since the previous entry, {within} (or {overall} counting iterations over the whole "
           "run)").format(last=len(seen), every=RECORDED["eval_interval"], count=len(got),
                          got=numpy.round(got, 3).tolist(), within=within, overall=overall), hint)


@check(id="trainer.max_grad", target="Trainer", points=1)
def test_trainer_clips(student, trusted, limits):
    model = trusted("TwoLayerNet", *SIZES)
    start = [numpy.asarray(p).copy() for p in model.get("params")]
    x, t = reference.spiral.load_data()
    trainer = student.new("Trainer", model, trusted("SGD", lr=1.0))
    trainer.call("fit", x, t, 1, 30, max_grad=1e-3, eval_interval=10, timeout=limits.train_timeout_s)
    end = [numpy.asarray(p) for p in model.get("params")]
    moved = numpy.sqrt(sum(float(((e - s) ** 2).sum()) for s, e in zip(start, end)))
    limit = 10 * 1.0 * 1e-3 * 1.001
    if moved > limit:
        fail(_("with max_grad=1e-3 and lr=1.0, ten updates moved the parameters by {moved:.3g} in total; "
               "clipping allows at most {limit:.3g}").format(moved=moved, limit=limit),
             N_("call clip_grads(grads, max_grad) before the update when max_grad is set"))
    if moved == 0:
        fail(_("Trainer.fit did not change the model's parameters"))


@check(id="trainer.plot", target="Trainer", points=1)
def test_trainer_plot(student, trusted, limits):
    trainer = trained(student, trusted, limits, max_epoch=2, eval_interval=5)[1]
    trainer.call("plot")
    trainer.call("plot", ylim=(0, 2))


# -- on a device: float32 with np bound to CuPy, and to its emulation (judge/device.py) --------------

NET_SIZES = (2, 10, 3)
NET_SHAPES = [(2, 10), (10,), (10, 3), (3,)]


def with_weights(model, values, device):
    """Write `values` into the model's params in place (on the device, or as float64 on the CPU)."""
    for i, value in enumerate(values):
        model.set_item("params", i, value=to_device(value) if device else f64(value)[0])
    return model


def spiral_sample(rng, n=30):
    x, t = reference.spiral.load_data()
    pick = rng.choice(len(x), size=n, replace=False)
    return x[pick], t[pick]


@pytest.mark.parametrize("on_device", on_devices("two_layer_net", "TwoLayerNet"), indirect=True)
def test_two_layer_net_on_device(on_device, student, rng):
    """TwoLayerNet(2, 10, 3, dtype=float32): the check of the dtype argument itself."""
    device, cpu = on_device, student
    values = f32(*[rng.standard_normal(s) for s in NET_SHAPES])
    x, t = spiral_sample(rng)
    with host_device_errors():
        model = device.new("TwoLayerNet", *NET_SIZES, dtype="float32")
        device_list("TwoLayerNet(2, 10, 3, dtype=float32).params", model.get("params"), 4)
        with_weights(model, values, device=True)
        X, T = to_device(x.astype(numpy.float32)), to_device(t)
        scores = device_array(_("TwoLayerNet.predict's scores"), model.call("predict", X))
        loss = device_scalar(_("TwoLayerNet.forward's loss"), model.call("forward", X, T))
        model.call("backward")
        grads = device_list("TwoLayerNet.grads", model.get("grads"), 4)
    own = with_weights(cpu.new("TwoLayerNet", *NET_SIZES), values, device=False)
    same_as_own("TwoLayerNet.predict", scores, own.call("predict", x))
    same_as_own(_("TwoLayerNet.forward (the loss)"), loss, own.call("forward", x, t))
    own.call("backward")
    for i, got in enumerate(grads):
        same_as_own(f"TwoLayerNet.grads[{i}]", got, own.get("grads", i))
    promotions_note(device, "TwoLayerNet")


@pytest.mark.parametrize("on_device", on_devices("trainer", "Trainer"), indirect=True)
def test_trainer_on_device(on_device, student, rng, limits):
    """20 epochs of full-batch SGD(lr=1.0) on the float32 spiral with a trusted TwoLayerNet: the
    gradient of a full batch does not depend on the shuffle, so the run is the same on any device,
    and is compared with the submission's Trainer run in float64 on the CPU."""
    device, cpu = on_device, student
    values = f32(*[rng.standard_normal(s) * 0.1 for s in NET_SHAPES])
    x, t = reference.spiral.load_data()
    epochs, batch = 20, len(x)
    with host_device_errors():
        model = with_weights(device.trusted("TwoLayerNet", *NET_SIZES, dtype="float32"), values, device=True)
        trainer = device.new("Trainer", model, device.trusted("SGD", lr=1.0))
        trainer.call("fit", to_device(x.astype(numpy.float32)), to_device(t), epochs, batch, eval_interval=1,
                     timeout=limits.train_timeout_s)
        losses, params = trainer.get("loss_list"), device_list(_("the model's params after training"),
                                                               model.get("params"), 4)
    own_model = with_weights(cpu.trusted("TwoLayerNet", *NET_SIZES), values, device=False)
    own = cpu.new("Trainer", own_model, cpu.trusted("SGD", lr=1.0))
    own.call("fit", x, t, epochs, batch, eval_interval=1, timeout=limits.train_timeout_s)
    own_losses = own.get("loss_list")
    if not isinstance(losses, list) or not isinstance(own_losses, list) or len(losses) != len(own_losses):
        fail(_("after Trainer.fit(x, t, {epochs}, {batch}, eval_interval=1), loss_list has {on_device} entries on "
               "the device and {on_cpu} on the CPU").format(
            epochs=epochs, batch=batch, on_device=len(losses) if isinstance(losses, list) else type(losses).__name__,
            on_cpu=len(own_losses) if isinstance(own_losses, list) else type(own_losses).__name__))
    got_losses = numpy.array([device_scalar(f"Trainer.loss_list[{i}]", v) for i, v in enumerate(losses)])
    same_as_own(_("Trainer.loss_list after {epochs} epochs").format(epochs=epochs), got_losses,
                numpy.array([float(v) for v in own_losses]))
    for i, got in enumerate(params):
        same_as_own(_("the model's params[{i}] after {epochs} epochs of Trainer.fit").format(i=i, epochs=epochs), got,
                    own_model.get("params", i))
    promotions_note(device, "Trainer.fit")
