"""Helpers for the optimizer checks: parameters that live in the worker between steps."""
import numpy as np


class Parameters:
    """A model's parameter and gradient lists kept in the worker, so that every update of a check
    gets the same lists and the same arrays, as in training (an optimizer may key its state by
    id(param), as PyTorch's do). `arrays` are what the model's layers hold: an update that
    rebinds params[i] instead of changing the array leaves them as they were."""

    def __init__(self, params):
        self.params = [p.copy() for p in params]
        self.arrays = list(self.params)
        self.grads = [np.zeros_like(p) for p in self.params]

    def set_grads(self, grads):
        for g, new in zip(self.grads, grads):
            g[...] = new


ORDER = []
