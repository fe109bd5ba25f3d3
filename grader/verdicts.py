"""How a check says what went wrong: comparisons that name the tensor, the size of
the error, the shapes, and the known mistake when the result matches one.

The code lives in `backprop_lab_check.verdicts`, shared with the visible checks that
students run in their notebooks, so both give the same kind of message; the hidden
checks import it from here.
"""
from backprop_lab_check.verdicts import (DTYPE_HINT, CheckFailed, PartialCredit, as_array, close,  # noqa: F401
                                         compare, errors, exception_hint, fail, mismatch, recognise, unchanged)


class PassWithNote(Exception):
    """The check passes with all its points; `note` (with `hint`, a one-line fix) tells the
    student about something worth changing that costs nothing."""

    def __init__(self, note, hint=None):
        super().__init__(note)
        self.note, self.hint = note, hint
