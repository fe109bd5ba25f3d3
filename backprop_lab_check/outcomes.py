"""What a check's ending means, for the visible checks in the student's kernel and the hidden
checks in the judge alike: the exceptions a check meets, its seed, and its verdict.

A check passes by returning. It fails by raising `CheckFailed` (verdicts.compare, .fail) or a
plain AssertionError, earns part of its points with `PartialCredit`, passes with a note with
`PassWithNote`; the submission's own code raising is an error (`StudentRaised`), and so is a
graded name the submission does not define (`MissingName`).
"""
import zlib
from dataclasses import dataclass

from .i18n import _


class StudentRaised(Exception):
    """The submission's code raised while a check called `context` (e.g. "Affine.backward"):
    the exception's `type_name` and `message` ("ValueError: ..."), and `where`, the line of the
    notebook ("code cell 4, line 12: ..."). `original` is the exception itself when it was raised
    in this process (the visible checks), so that the notebook can stop at a student's stub."""

    def __init__(self, type_name, message, where="", context="", original=None):
        super().__init__(message)
        self.type_name, self.message, self.where, self.context = type_name, message, where, context
        self.original = original

    def sentence(self):
        """What happened, in the current language, with where it happened in parentheses."""
        todo = self.type_name == "NotImplementedError"
        if self.context:
            raised = (_("{context} raised {message}: it is not implemented yet") if todo
                      else _("{context} raised {message}"))
        else:
            raised = _("{message}: it is not implemented yet") if todo else "{message}"
        raised = raised.format(context=self.context, message=self.message)
        return f"{raised} ({self.where})" if self.where else raised


class MissingName(Exception):
    """The submission does not define a name a check needs; the message is a sentence."""


def seed_for(check_id):
    """A fixed seed per check, so that a verdict never depends on the order checks run in."""
    return zlib.crc32(check_id.encode()) & 0x7FFFFFFF


@dataclass
class Verdict:
    status: str            # "pass" | "fail" | "error"
    message: str
    hint: str = None
    fraction: float = 0.0  # of the check's points earned
    note: str = None


def verdict(exc):
    """The verdict of a check that ended with `exc` (None: it returned)."""
    # here rather than at the top: verdicts brings NumPy, which a cold `grade` imports only
    # after it has started the submission's worker (pipeline.start_worker)
    from .verdicts import CheckFailed, PartialCredit, PassWithNote, exception_hint

    if exc is None:
        return Verdict("pass", _("ok"), fraction=1.0)
    if isinstance(exc, PassWithNote):
        return Verdict("pass", _("ok"), exc.hint, 1.0, exc.note)
    if isinstance(exc, PartialCredit):
        return Verdict("fail", exc.message, exc.hint, exc.fraction)
    if isinstance(exc, CheckFailed):
        return Verdict("fail", exc.message, exc.hint)
    if isinstance(exc, AssertionError):
        return Verdict("fail", str(exc).split("\nassert")[0].strip() or _("assertion failed"))
    if isinstance(exc, StudentRaised):
        return Verdict("error", exc.sentence(), exception_hint(exc.type_name, exc.message))
    if isinstance(exc, MissingName):
        return Verdict("error", str(exc))
    # what the submission returned was of a kind the check did not expect
    return Verdict("error", _("the check could not use what the submission's code returned ({error})").format(
        error=f"{type(exc).__name__}: {str(exc)[:300]}"))
