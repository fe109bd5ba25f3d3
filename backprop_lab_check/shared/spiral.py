"""What the `spiral` notebook's visible checks (checks/spiral.py) and hidden checks
(grader/checks/test_spiral.py) both say about overfit_tiny: its hints, and the verdict on the
loss history it returns. The judge imports this module, never the visible checks."""
import numpy

from ..i18n import N_, _
from ..verdicts import compare, fail

# The tiny set and the run both sides use: 4 spiral points per class, TwoLayerNet(2, 10, 3),
# Adam(lr=0.1), 200 full-batch steps. A correct model and loop end far below the bound (about
# 0.1 on the hidden sets); a model that cannot fit 12 points stays near log 3.
TINY = {"per_class": 4, "lr": 0.1, "steps": 200}
TINY_BOUND = 0.2

ONE_LOSS_PER_STEP = N_("return a list with the loss of every step: losses.append(model.forward(x, t)) inside the "
                       "loop")
NO_UPDATE = N_("the loss never changes: every step needs model.forward(x, t), model.backward() and "
               "optimizer.update(model.params, model.grads), in that order")
LOSS_AFTER_UPDATE = N_("record the loss that forward returns at the start of each step, before the update")
NOT_FITTED = N_("a correct network and loop drive the loss of 12 examples near 0 in 200 steps of Adam: when it stalls, "
                "suspect the gradients first (compare TwoLayerNet's backward with numerical_gradient), then the loop")


def tiny_indices(rng, labels):
    """TINY["per_class"] random positions of each class of one-hot `labels`, class by class."""
    classes = labels.argmax(axis=1)
    return numpy.concatenate([rng.choice(numpy.flatnonzero(classes == c), TINY["per_class"], replace=False)
                              for c in range(labels.shape[1])])


def loss_history(history, steps):
    """overfit_tiny's result as a float array of `steps` losses, or a verdict on what came back."""
    if not isinstance(history, (list, tuple, numpy.ndarray)):
        fail(_("overfit_tiny should return the list of its {steps} losses, got {kind}").format(
            steps=steps, kind=type(history).__name__), ONE_LOSS_PER_STEP)
    try:
        history = numpy.asarray(history, dtype=numpy.float64)
    except (TypeError, ValueError):
        fail(_("overfit_tiny should return a list of numbers, one loss per step"), ONE_LOSS_PER_STEP)
    if history.shape != (steps,):
        fail(_("overfit_tiny(..., steps={steps}) returned losses of shape {got}, expected one per step "
               "({steps},)").format(steps=steps, got=history.shape), ONE_LOSS_PER_STEP)
    if numpy.ptp(history) == 0:
        fail(_("overfit_tiny's losses are all {loss:.4g}").format(loss=history[0]), NO_UPDATE)
    return history


def judge_overfit(history, steps, points, expected=None, first=None):
    """The verdict on overfit_tiny's losses on `points` examples: one per step, changing, ending
    under TINY_BOUND; and, when the judge knows them (`expected`: the losses of steps + 1
    forwards of a correct run), equal to the correct run's first `steps`; when it knows only the
    loss of the untrained model (`first`), starting with it."""
    history = loss_history(history, steps)
    if first is not None and not numpy.isclose(history[0], first, rtol=1e-9, atol=0):
        fail(_("overfit_tiny's first loss is {got:.6g}, but the untrained model's loss is {untrained:.6g}").format(
            got=history[0], untrained=first), LOSS_AFTER_UPDATE)
    if expected is not None:
        compare(_("overfit_tiny's {steps} losses").format(steps=steps), history, expected[:steps], rtol=1e-6,
                mistakes=[(expected[1:], LOSS_AFTER_UPDATE)])
    if not history[-1] < TINY_BOUND:
        fail(_("after {steps} steps on {points} examples the loss is {last:.3g} (it started at {first:.3g}); "
               "expected under {bound}").format(steps=steps, points=points, last=history[-1], first=history[0],
                                                bound=TINY_BOUND), NOT_FITTED)
