"""Reference work computed ahead: what a check needs from the reference that does not depend on
the submission (a trusted training run, a network fitted on the digits).

    @ahead
    def tiny_run():
        ...                      # the reference's 201 steps, a tenth of a second
        return x, t, losses

A function marked so takes no argument, is computed once per process (functools.cache) and
before the first check: while the worker still runs the notebook's cells, when the judge would
otherwise wait, and in a batch once in the fork server, whose judges inherit the result. Its
inputs come from generators seeded with the id of the check that uses it (outcomes.seed_for),
so it gives what the check computed itself. What it returns is shared: arrays come back
read-only.
"""
import functools

import numpy

_by_module = {}  # a check module's name -> its functions marked @ahead


def ahead(function):
    """Mark a check module's reference computation to be done before its checks run."""
    @functools.cache
    def computed():
        return _read_only(function())

    functools.update_wrapper(computed, function)
    _by_module.setdefault(function.__module__, []).append(computed)
    return computed


def compute(modules):
    """Compute what the check modules named `modules` marked @ahead. A failure is left for the
    check that asks for the value: the call there raises again, inside that check."""
    for module in modules:
        for function in _by_module.get(module, ()):
            try:
                function()
            except Exception:
                pass


def _read_only(value):
    if isinstance(value, numpy.ndarray):
        value.setflags(write=False)
    elif isinstance(value, (tuple, list, dict)):
        for item in value.values() if isinstance(value, dict) else value:
            _read_only(item)
    return value
