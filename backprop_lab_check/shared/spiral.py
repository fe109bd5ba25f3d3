"""What the `spiral` notebook's visible checks (checks/spiral.py) and hidden checks
(grader/checks/test_spiral.py) both say about overfit_tiny: its hints, and the verdict on the
loss history it returns. The judge imports this module, never the visible checks."""
import numpy

from ..verdicts import as_array, compare, fail

# The tiny set and the run both sides use: 4 spiral points per class, TwoLayerNet(2, 10, 3),
# Adam(lr=0.1), 200 full-batch steps. A correct model and loop end far below the bound (about
# 0.1 on the hidden sets); a model that cannot fit 12 points stays near log 3.
TINY = {"per_class": 4, "lr": 0.1, "steps": 200}
TINY_BOUND = 0.2

ONE_LOSS_PER_STEP = "return a list with the loss of every step: losses.append(model.forward(x, t)) inside the loop"
NO_UPDATE = ("the loss never changes: every step needs model.forward(x, t), model.backward() and "
             "optimizer.update(model.params, model.grads), in that order")
LOSS_AFTER_UPDATE = "record the loss that forward returns at the start of each step, before the update"
NOT_FITTED = ("a correct network and loop drive the loss of 12 points near 0 in 200 steps of Adam: when it stalls, "
              "suspect the gradients first (compare TwoLayerNet's backward with numerical_gradient), then the loop")


def tiny_indices(rng, labels):
    """TINY["per_class"] random positions of each class of one-hot `labels`, class by class."""
    classes = labels.argmax(axis=1)
    return numpy.concatenate([rng.choice(numpy.flatnonzero(classes == c), TINY["per_class"], replace=False)
                              for c in range(labels.shape[1])])


def loss_history(history, steps):
    """overfit_tiny's result as a float array of `steps` losses, or a verdict on what came back."""
    if not isinstance(history, (list, tuple, numpy.ndarray)):
        fail(f"overfit_tiny should return the list of its {steps} losses, got {type(history).__name__}",
             ONE_LOSS_PER_STEP)
    try:
        history = numpy.asarray(history, dtype=numpy.float64)
    except (TypeError, ValueError):
        fail("overfit_tiny should return a list of numbers, one loss per step", ONE_LOSS_PER_STEP)
    if history.shape != (steps,):
        fail(f"overfit_tiny(..., steps={steps}) returned losses of shape {history.shape}, expected one per step "
             f"({steps},)", ONE_LOSS_PER_STEP)
    if numpy.ptp(history) == 0:
        fail(f"overfit_tiny's losses are all {history[0]:.4g}", NO_UPDATE)
    return history


def judge_overfit(history, steps, points, expected=None, first=None):
    """The verdict on overfit_tiny's losses on `points` examples: one per step, changing, ending
    under TINY_BOUND; and, when the judge knows them (`expected`: the losses of steps + 1
    forwards of a correct run), equal to the correct run's first `steps`; when it knows only the
    loss of the untrained model (`first`), starting with it."""
    history = loss_history(history, steps)
    if first is not None and not numpy.isclose(history[0], first, rtol=1e-9, atol=0):
        fail(f"overfit_tiny's first loss is {history[0]:.6g}, but the untrained model's loss is {first:.6g}",
             LOSS_AFTER_UPDATE)
    if expected is not None:
        compare(f"overfit_tiny's {steps} losses", history, expected[:steps], rtol=1e-6,
                mistakes=[(expected[1:], LOSS_AFTER_UPDATE)])
    if not history[-1] < TINY_BOUND:
        fail(f"after {steps} steps on {points} points the loss is {history[-1]:.3g} (it started at {history[0]:.3g}); "
             f"expected under {TINY_BOUND}", NOT_FITTED)
