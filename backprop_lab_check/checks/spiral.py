"""Visible checks of the `spiral` notebook: TwoLayerNet's initialisation, shared parameters
and own numerical gradients, clip_grads on known numbers, Trainer with a recording model."""
import math

import numpy

from ..i18n import N_, _
from ..registry import visible
from ..shared.spiral import TINY, judge_overfit, tiny_indices
from ..verdicts import as_array, fail
from ..gradcheck import gradient_agrees
from ..tolerances import NETWORK_GRAD_TOL
from .common import arrays, expect, keeps_float32, visible_calling

SHAPES = [(2, 10), (10,), (10, 3), (3,)]
LISTING = " (W1, b1, W2, b2)"
COPIED = N_("model.params must hold the layers' own arrays (params += layer.params), not copies: the "
            "optimizer updates model.params in place and the layers must see it")
GRADS_IN_PLACE = N_("model.grads must be the layers' own gradient arrays, filled in place by backward")


def batch(rng, n=10):
    x = rng.standard_normal((n, 2))
    return x, numpy.eye(3, dtype=numpy.int32)[rng.integers(0, 3, size=n)]


@visible(id="two_layer_net.init", target="TwoLayerNet")
def net_init(kernel, rng):
    """0.01 * np.random.randn for W1, then W2; zero biases."""
    kernel.seed(0)
    model = kernel.new("TwoLayerNet", 2, 10, 3)
    params = arrays("TwoLayerNet.params", model.get("params"), SHAPES, LISTING)
    arrays("TwoLayerNet.grads", model.get("grads"), SHAPES, LISTING)
    numpy.random.seed(0)
    W1, W2 = 0.01 * numpy.random.randn(2, 10), 0.01 * numpy.random.randn(10, 3)
    expect(_("TwoLayerNet(2, 10, 3).params[0] (W1) after np.random.seed(0)"), params[0], W1,
           mistakes=[(W1 / 0.01, N_("scale the weights: W1 = 0.01 * np.random.randn(2, 10)"))])
    expect(_("TwoLayerNet(2, 10, 3).params[2] (W2), drawn after W1"), params[2], W2)
    for i in (1, 3):
        expect(_("TwoLayerNet.params[{i}] (a bias)").format(i=i), params[i], numpy.zeros(SHAPES[i]), rtol=0, atol=0)


@visible(id="two_layer_net.predict", target="TwoLayerNet")
def net_predict(kernel, rng):
    """Tiny initial weights: scores near 0, every class about equally likely."""
    model = kernel.new("TwoLayerNet", 2, 10, 3)
    x, t = batch(rng, 30)
    scores = as_array("TwoLayerNet.predict", model.call("predict", x))
    if scores.shape != (30, 3):
        fail(_("TwoLayerNet.predict of 30 points should give scores of shape (30, 3), got {got}").format(
            got=scores.shape))
    if numpy.allclose(scores.sum(axis=1), 1.0):
        fail(_("TwoLayerNet.predict returns probabilities"),
             N_("predict returns the scores of the last Affine layer; leave softmax to the loss layer"))
    loss = model.call("forward", x, t)
    expect(_("the loss of a new TwoLayerNet (about log 3)"), loss, math.log(3), rtol=0, atol=0.01)


@visible(id="two_layer_net.shared_params", target="TwoLayerNet")
def net_shared_params(kernel, rng):
    model = kernel.new("TwoLayerNet", 2, 10, 3)
    arrays("TwoLayerNet.params", model.get("params"), SHAPES, LISTING)
    x = batch(rng)[0]
    before = as_array("TwoLayerNet.predict", model.call("predict", x))
    model.set_item("params", 2, value=rng.standard_normal(SHAPES[2]))
    if numpy.allclose(before, as_array("TwoLayerNet.predict", model.call("predict", x))):
        fail(_("changing model.params[2] in place did not change the predictions"), COPIED)


@visible(id="two_layer_net.gradients", target="TwoLayerNet")
def net_gradients(kernel, rng):
    """The network's own backward against central differences of its own forward(x, t)."""
    model = kernel.new("TwoLayerNet", 2, 10, 3)
    arrays("TwoLayerNet.params", model.get("params"), SHAPES, LISTING)
    for i, shape in enumerate(SHAPES):
        model.set_item("params", i, value=0.5 * rng.standard_normal(shape))
    x, t = batch(rng)
    before = model.ids("grads")
    model.call("forward", x, t)
    dx = as_array("TwoLayerNet.backward()", model.call("backward"))
    if dx.shape != x.shape:
        fail(_("TwoLayerNet.backward() should return the gradient of x, shape {expected}, got {got}").format(
            expected=x.shape, got=dx.shape))
    if model.ids("grads") != before:
        fail(_("TwoLayerNet.grads holds other arrays after backward than before"), GRADS_IN_PLACE)
    grads = model.get("grads")
    for i, label in enumerate(["W1", "b1", "W2", "b2"]):
        # the 1e-7 inside the loss's log is not part of the analytic gradient
        gradient_agrees(model, _("{name}: backward's {label} (grads[{i}])").format(
                            name=model.type_name, label=f"d{label}", i=i), grads[i], ["param", ["params", i]],
                        model.get("params", i), [x, t], tol=NETWORK_GRAD_TOL,
                        mistakes=[(numpy.zeros(SHAPES[i]), N_("model.grads must be the layers' own gradient "
                                   "arrays (grads += layer.grads), filled in place by backward"))])


@visible(id="two_layer_net.float32", target="TwoLayerNet")
def net_float32(kernel, rng):
    model = kernel.new("TwoLayerNet", 2, 10, 3, dtype=numpy.float32)
    params = arrays("TwoLayerNet.params", model.get("params"), SHAPES, LISTING)
    keeps_float32("TwoLayerNet(..., dtype=np.float32)", *((f"params[{i}]", p) for i, p in enumerate(params)))
    x, t = batch(rng)
    x = x.astype(numpy.float32)
    model.call("forward", x, t)
    model.call("backward")
    keeps_float32("TwoLayerNet(..., dtype=np.float32)", (_("predict's scores"), model.call("predict", x)),
                  *((f"grads[{i}]", g) for i, g in enumerate(model.get("grads"))))


# -- clip_grads ------------------------------------------------------------------------------------

@visible_calling(id="overfit_tiny.own_model", target="overfit_tiny", calls=["TwoLayerNet"])
def overfit_own_model(kernel, rng):
    """Your loop with your TwoLayerNet(2, 10, 3) and the notebook's Adam(lr=0.1) on 12 spiral
    points: the first loss is the untrained model's, and the loss falls near 0 (when TwoLayerNet
    fails its own checks, the hint says so)."""
    x, t = kernel.call("load_data")
    pick = tiny_indices(rng, numpy.asarray(t))
    x, t = numpy.asarray(x)[pick], numpy.asarray(t)[pick]
    kernel.seed(0)
    untrained = float(kernel.new("TwoLayerNet", 2, 10, 3).call("forward", x, t))
    kernel.seed(0)  # the same initial weights again
    model, optimizer = kernel.new("TwoLayerNet", 2, 10, 3), kernel.new("Adam", lr=TINY["lr"])
    judge_overfit(kernel.call("overfit_tiny", model, optimizer, x, t, steps=TINY["steps"]), TINY["steps"], len(x),
                  first=untrained)


def clipped(kernel, grads, max_norm):
    """The arrays the caller holds after clip_grads(grads, max_norm) (its own list, kept)."""
    return kernel.call("clip_grads", grads, max_norm, keep_args=True)[1][0]


@visible(id="clip_grads.known", target="clip_grads")
def clip_known(kernel, rng):
    """Gradients of total norm 5 clipped to 1: every array scaled by 1 / (5 + 1e-6), in place."""
    grads = clipped(kernel, [numpy.array([3.0, 0.0]), numpy.array([[4.0]])], 1.0)
    rate = 1.0 / (5.0 + 1e-6)
    if numpy.array_equal(grads[0], [3.0, 0.0]) and numpy.array_equal(grads[1], [[4.0]]):
        fail(_("clip_grads([[3, 0], [[4]]], 1.0) left the gradients unchanged"),
             N_("scale the arrays in place (g *= rate): the caller holds the arrays, not your new ones"))
    separately = N_("the total norm is over ALL arrays together (here 5), not per array")
    expect(_("clip_grads(...)'s grads[{i}]").format(i=0), grads[0], [3.0 * rate, 0.0], rtol=1e-12,
           mistakes=[([1.0, 0.0], separately)])
    expect(_("clip_grads(...)'s grads[{i}]").format(i=1), grads[1], [[4.0 * rate]], rtol=1e-12,
           mistakes=[([[1.0]], separately)])


@visible(id="clip_grads.below_threshold", target="clip_grads")
def clip_below(kernel, rng):
    grads = clipped(kernel, [numpy.array([3.0, 0.0]), numpy.array([[4.0]])], 10.0)
    label = _("clip_grads with max_norm 10 above the norm 5: grads[{i}]")
    expect(label.format(i=0), grads[0], [3.0, 0.0], rtol=0, atol=0,
           mistakes=[([6.0, 0.0], N_("scale only when the rate max_norm / (total_norm + 1e-6) is below 1"))])
    expect(label.format(i=1), grads[1], [[4.0]], rtol=0, atol=0)


@visible(id="clip_grads.float32", target="clip_grads")
def clip_float32(kernel, rng):
    grads = [rng.standard_normal((5, 4)).astype(numpy.float32), rng.standard_normal(4).astype(numpy.float32)]
    grads = clipped(kernel, grads, 0.5)
    keeps_float32("clip_grads", *((f"grads[{i}]", g) for i, g in enumerate(grads)))
    total = math.sqrt(sum(float((g.astype(numpy.float64) ** 2).sum()) for g in grads))
    expect(_("the total norm after clip_grads(grads, 0.5)"), total, 0.5, rtol=0, atol=1e-5)


# -- Trainer ---------------------------------------------------------------------------------------

class RecordingModel:
    """A stand-in model: records the batches it sees and returns the losses 1, 2, 3, ..."""

    def __init__(self, grad_scale=1.0):
        self.params = [numpy.zeros(2), numpy.zeros((2, 2))]
        self.grads = [numpy.zeros(2), numpy.zeros((2, 2))]
        self.grad_scale = grad_scale
        self.batches = []
        self.aligned = True

    def forward(self, x, t):
        self.batches.append(numpy.array(x[:, 0], dtype=float))
        self.aligned &= bool(numpy.array_equal(numpy.asarray(x)[:, 0].astype(int), t))
        return float(len(self.batches))

    def backward(self, dout=1):
        self.grads[0][...] = self.grad_scale * numpy.array([3.0, 4.0])
        self.grads[1][...] = 0.0


class RecordingOptimizer:
    def __init__(self, model):
        self.model, self.norms, self.own_arrays = model, [], True

    def update(self, params, grads):
        self.own_arrays &= params[0] is self.model.params[0] and grads[0] is self.model.grads[0]
        self.norms.append(math.sqrt(sum(float((g ** 2).sum()) for g in grads)))


def numbers(name, value):
    if not isinstance(value, list):
        fail(_("{name} should be a list of numbers, got {kind}").format(name=name, kind=type(value).__name__))
    try:
        return numpy.array(value, dtype=float)
    except (TypeError, ValueError):
        fail(_("{name} should hold plain numbers (the mean losses)").format(name=name))


def fit(kernel, seed=7, grad_scale=1.0, **kwargs):
    model = RecordingModel(grad_scale)
    optimizer = RecordingOptimizer(model)
    trainer = kernel.new("Trainer", model, optimizer)
    kernel.seed(seed)
    trainer.call("fit", numpy.arange(12.0).reshape(12, 1), numpy.arange(12), **kwargs)
    if not optimizer.norms or not optimizer.own_arrays:
        fail(_("Trainer.fit must call optimizer.update(model.params, model.grads) after every backward"))
    return trainer, model, optimizer


@visible(id="trainer.batches", target="Trainer")
def trainer_batches(kernel, rng):
    """12 samples, batches of 3, 2 epochs: 8 batches, shuffled each epoch with np.random.permutation."""
    numpy.random.seed(7)
    first_order = numpy.random.permutation(12)
    model = fit(kernel, max_epoch=2, batch_size=3, eval_interval=2)[1]
    if len(model.batches) != 8 or any(len(b) != 3 for b in model.batches):
        fail(_("12 samples in batches of 3 for 2 epochs are 8 batches of 3; the model saw "
               "{count} batch(es) of sizes {sizes}").format(count=len(model.batches),
                                                            sizes=sorted({len(b) for b in model.batches})))
    expect(_("the samples of the first epoch, in order"), numpy.concatenate(model.batches[:4]), first_order,
           mistakes=[(numpy.arange(12),
                      N_("shuffle at the start of every epoch: idx = np.random.permutation(len(x))"))])
    if sorted(numpy.concatenate(model.batches[4:]).astype(int)) != list(range(12)):
        fail(_("the second epoch did not visit every sample once"))
    if not model.aligned:
        fail(_("x and t were not shuffled together: use the same permutation for both"))


@visible(id="trainer.loss_list", target="Trainer")
def trainer_loss_list(kernel, rng):
    trainer, _model, optimizer = fit(kernel, max_epoch=2, batch_size=3, eval_interval=2)
    expect(_("Trainer.loss_list (losses 1..8, eval_interval=2)"),
           numbers("Trainer.loss_list", trainer.get("loss_list")), [1.0, 2.5, 4.5, 6.5],
           mistakes=[([1.0, 3.0, 5.0, 7.0], N_("append the MEAN loss since the last append, not the latest loss")),
                     (numpy.arange(1.0, 9.0), N_("append only when iters % eval_interval == 0")),
                     ([1.0, 2.0, 2.0, 2.0], N_("after appending, restart the running sum and count"))])
    expect(_("Trainer.current_epoch after 2 epochs"), trainer.get("current_epoch"), 2)
    expect(_("the gradient norms the optimizer saw (no clipping without max_grad)"), numpy.array(optimizer.norms),
           [5.0] * 8)


@visible(id="trainer.clipping", target="Trainer")
def trainer_clipping(kernel, rng):
    optimizer = fit(kernel, grad_scale=10.0, max_epoch=1, batch_size=4, max_grad=1.0, eval_interval=10)[2]
    expect(_("the gradient norms the optimizer saw with max_grad=1.0"), numpy.array(optimizer.norms), [1.0] * 3,
           rtol=1e-5, mistakes=[([50.0] * 3, N_("clip the gradients with clip_grads(model.grads, max_grad) when "
                                                "max_grad is set"))])
